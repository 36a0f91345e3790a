/**
 * verifyZoneWritten(): proves from evidence that named wrote a zone to disk — or says why not.
 *
 * named answers `sync`, `freeze` and `stop` when the dump is merely scheduled; the dump runs later
 * on a worker thread, writes `tmp-XXXXXXXXXX` next to the zone file and renames it over the file.
 * Its outcome only reaches named's log (research/dump-behaviour.md §1.3–§1.4). So this module
 * compares the serial in the file on disk (read without the journal) with the serial named serves,
 * and watches the file's mtime, new `tmp-*` files, the journal and the log, until the serials agree
 * or the evidence says the dump failed (§4.1, §4.3). It never says "written" without serial
 * equality on disk.
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import createDebug from 'debug';
import { Err, Ok, type Result } from 'ts-results-es';
import type { RndcError } from '../control/errors.js';
import type { ServerStatus, ZoneStatus } from '../control/parse.js';
import { diagnoseZoneStorage, type StorageDiagnosis } from './diagnose.js';
import { DumpError } from './errors.js';
import { type JournalInfo, readJournalInfo } from './journal.js';
import { type NamedLogEvent, NamedLogWatcher } from './log.js';
import { namedDirectory } from './named-config.js';
import { readZoneFileSerial } from './zonefile.js';

const log = createDebug('rndc:dump');

/** The part of RndcClient verification needs (kept structural: no import cycle). */
export interface ZoneStatusSource {
  /** `rndc zonestatus`: the zone's files, serial and state. */
  zonestatus(
    zone: string,
    options?: { class?: string; view?: string; signal?: AbortSignal },
  ): Promise<Result<ZoneStatus, RndcError>>;
  /** `rndc status`: named's state. */
  status(options?: { signal?: AbortSignal }): Promise<Result<ServerStatus, RndcError>>;
}

/** Options of {@link verifyZoneWritten}. */
export interface VerifyOptions {
  /** The control-channel client of the named that serves the zone. */
  readonly rndc: ZoneStatusSource;
  /** The zone whose dump is verified. */
  readonly zone: string;
  /** The zone's class, when not IN. */
  readonly class?: string;
  /** The zone's view, when views are in use. */
  readonly view?: string;
  /** The zone file; default: zonestatus `files:` resolved against `directory`. */
  readonly zoneFile?: string;
  /** named's `directory` option; default: read from the named.conf that `status` reports. */
  readonly directory?: string;
  /** named's log file, for the dump error lines (strongly recommended). */
  readonly log?: string;
  /** How long to wait for the proof. Default 10 s. */
  readonly timeoutMs?: number;
  /** Poll interval. Default 100 ms. */
  readonly pollMs?: number;
  /** State before the command, when the caller took it (sync/freeze take it before sending). */
  readonly before?: DumpSnapshot;
  /**
   * Without `before`: how far back dump errors in the log and new `tmp-*` files count as
   * evidence — "did the sync I ran earlier work?". Default: 16 minutes, one retry period of
   * named's failed dumps (676–900 s), so a failure that keeps repeating is always in the window.
   */
  readonly since?: Date;
  /** named's pid, for the storage diagnosis on failure (its uid, capabilities and mounts). */
  readonly namedPid?: number;
  /** Run {@link diagnoseZoneStorage} when the dump failed or could not be proven. Default true. */
  readonly diagnose?: boolean;
  /** Stops waiting; the verdict is then `not-verified`. */
  readonly signal?: AbortSignal;
}

/** What the zone looked like before the command. */
export interface DumpSnapshot {
  /** When the snapshot was taken. */
  readonly at: Date;
  /** Absolute path of the zone file. */
  readonly zoneFile: string;
  /** named's `directory`, when known: relative `$INCLUDE`s resolve against it, as in named. */
  readonly directory: string | undefined;
  /** The zone file's serial, when it could be read. */
  readonly fileSerial: number | undefined;
  /** The zone file's modification time, if it exists. */
  readonly mtime: Date | undefined;
  /** Names of named's `tmp-*` files in the zone file's directory. */
  readonly tmpFiles: ReadonlySet<string>;
  /** Byte length of named's log, so that only later lines are read. */
  readonly logOffset: number | undefined;
  /** The SOA serial named served. */
  readonly servedSerial: number;
  /** The zone's journal, if it has one. */
  readonly journal: JournalInfo | undefined;
}

/** The verdict. */
export type DumpVerdict =
  /** The file on disk carries the served serial, and was rewritten since the command. */
  | 'written'
  /** The file already carried the served serial: nothing had to be written. */
  | 'nothing-pending'
  /** The dump failed; `failedStep` says where. */
  | 'failed'
  /** Neither proven nor disproven before the deadline. */
  | 'unknown';

/** Steps of named's dump (masterdump.c) plus the journal. */
export type DumpStep =
  | 'start'
  | 'open'
  | 'write'
  | 'flush'
  | 'fsync'
  | 'fclose'
  | 'rename'
  | 'journal';

/** Everything observed, and what it means. */
export interface DumpEvidence {
  /** The zone verified. */
  readonly zone: string;
  /** What the evidence proves: written, failed, not (yet) verified… */
  readonly verdict: DumpVerdict;
  /** The dump step that failed (open, write, fsync, rename…), for a `failed` verdict. */
  readonly failedStep: DumpStep | undefined;
  /** One sentence a person can read. */
  readonly summary: string;
  /** What to do, when the verdict is not good. */
  readonly remedy: string | undefined;
  /** Absolute path of the zone file checked. */
  readonly zoneFile: string;
  /** The SOA serial named serves. */
  readonly servedSerial: number;
  /** The zone file's serial before the command, when it could be read. */
  readonly fileSerialBefore: number | undefined;
  /** The zone file's serial at the end, when it could be read. */
  readonly fileSerialAfter: number | undefined;
  /** Inline-signing: the `.signed` file and the signed serial. */
  readonly signed:
    | {
        /** Absolute path of the signed zone file (`<file>.signed`). */
        readonly file: string;
        /** The SOA serial named serves. */
        readonly servedSerial: number;
        /** The signed file's serial at the end, when it could be read. */
        readonly fileSerial: number | undefined;
      }
    | undefined;
  /** The zone file's modification time before the command. */
  readonly mtimeBefore: Date | undefined;
  /** The zone file's modification time at the end. */
  readonly mtimeAfter: Date | undefined;
  /** `tmp-XXXXXXXXXX` files that appeared in the zone directory since the command. */
  readonly newTmpFiles: readonly string[];
  /** The journal before the command, if there was one. */
  readonly journalBefore: JournalInfo | undefined;
  /** The journal at the end, if there is one. */
  readonly journalAfter: JournalInfo | undefined;
  /** Dump, journal and load lines named logged since the command. */
  readonly logEvents: readonly NamedLogEvent[];
  /** Whether named's log was read (without it a failure shows only as missing serial equality). */
  readonly logRead: boolean;
  /** Milliseconds spent waiting for proof. */
  readonly elapsedMs: number;
  /** Why the storage cannot take a dump, when the verdict is not good. */
  readonly diagnosis: StorageDiagnosis | undefined;
}

const TMP_FILE = /^tmp-[A-Za-z0-9]{10}$/;

/** Resolves the zone file and takes the "before" picture. Call it before sending the command. */
export async function snapshotZone(
  options: VerifyOptions,
): Promise<Result<DumpSnapshot, DumpError>> {
  const status = await zoneStatusOf(options);
  if (status.isErr()) return status;
  const zoneFile = await resolveZoneFile(options, status.value);
  if (zoneFile.isErr()) return zoneFile;
  const { file, directory } = zoneFile.value;
  const [fileSerial, mtime, tmpFiles, journal] = await Promise.all([
    serialOf(file, options.zone, 'auto', directory),
    mtimeOf(file),
    tmpFilesIn(dirname(file)),
    journalOf(file),
  ]);
  return Ok({
    at: new Date(),
    zoneFile: file,
    directory,
    fileSerial,
    mtime,
    tmpFiles,
    logOffset: options.log ? await new NamedLogWatcher(options.log).mark() : undefined,
    servedSerial: status.value.serial ?? 0,
    journal,
  });
}

/**
 * Proves (or disproves) that the zone's file on disk holds what named serves. Pass `before`
 * when a command was just sent (sync and freeze do); without it the current state is the baseline,
 * which suits waiting for named's own delayed dump after updates.
 */
export async function verifyZoneWritten(
  options: VerifyOptions,
): Promise<Result<DumpEvidence, DumpError>> {
  const started = Date.now();
  let before = options.before;
  let eventsSince: Date | undefined;
  if (!before) {
    const snapshot = await snapshotZone(options);
    if (snapshot.isErr()) return snapshot;
    // Looking back: the command (and its failure) may be over already, so evidence from the
    // window counts — errors logged since then, temp files created since then.
    eventsSince = options.since ?? new Date(Date.now() - 16 * 60_000);
    const since = eventsSince;
    const older = new Set<string>();
    for (const name of snapshot.value.tmpFiles) {
      const made = await mtimeOf(join(dirname(snapshot.value.zoneFile), name));
      if (made && made < since) older.add(name);
    }
    before = { ...snapshot.value, tmpFiles: older, logOffset: options.log ? 0 : undefined };
  }
  const deadline = started + (options.timeoutMs ?? 10_000);
  const watcher = options.log ? new NamedLogWatcher(options.log) : undefined;
  let logCursor = before.logOffset;
  const events: NamedLogEvent[] = [];
  const seenLines = new Set<string>();
  const file = before.zoneFile;
  let lastTmpSizes = new Map<string, number>();
  let stableTmpPolls = 0;
  for (;;) {
    const status = await zoneStatusOf(options);
    if (status.isErr()) return status;
    const served = status.value.serial ?? 0;
    const signedServed = status.value.inlineSigning ? status.value.signedSerial : undefined;
    if (watcher && logCursor !== undefined) {
      // The log is read before the files are looked at: a temp file named left behind exists
      // before the failure line that mentions it, so the listing below always includes it.
      // Read only what named logged since the last poll (a look-back starts at offset 0: the
      // whole log must not be parsed again ten times a second). Lines written while reading are
      // read again next time; they are dropped as repeats.
      const next = watcher.mark();
      for (const event of await relevantEvents(watcher, logCursor, file, eventsSince)) {
        const key = event.raw.join('\n');
        if (!seenLines.has(key)) {
          seenLines.add(key);
          events.push(event);
        }
      }
      logCursor = next;
    }
    const [fileSerial, signedSerial, mtime, tmpNow] = await Promise.all([
      serialOf(file, options.zone, 'auto', before.directory),
      signedServed === undefined
        ? undefined
        : serialOf(`${file}.signed`, options.zone, 'raw', before.directory),
      mtimeOf(file),
      tmpFilesIn(dirname(file)),
    ]);
    const newTmp = [...tmpNow].filter((name) => !before.tmpFiles.has(name)).sort();
    const evidence = async (
      verdict: DumpVerdict,
      failedStep: DumpStep | undefined,
      summary: string,
      remedy?: string,
    ): Promise<DumpEvidence> => ({
      zone: options.zone,
      verdict,
      failedStep,
      summary,
      remedy,
      zoneFile: file,
      servedSerial: served,
      fileSerialBefore: before.fileSerial,
      fileSerialAfter: fileSerial,
      signed:
        signedServed === undefined
          ? undefined
          : { file: `${file}.signed`, servedSerial: signedServed, fileSerial: signedSerial },
      mtimeBefore: before.mtime,
      mtimeAfter: mtime,
      newTmpFiles: newTmp,
      journalBefore: before.journal,
      journalAfter: await journalOf(file),
      logEvents: events,
      logRead: watcher !== undefined,
      elapsedMs: Date.now() - started,
      diagnosis:
        verdict === 'failed' || verdict === 'unknown'
          ? await diagnosisFor(options, file, served, deadline)
          : undefined,
    });

    const unsignedCurrent = fileSerial !== undefined && fileSerial === served;
    const signedCurrent = signedServed === undefined || signedSerial === signedServed;
    if (unsignedCurrent && signedCurrent) {
      const unchanged = before.fileSerial === served && sameTime(before.mtime, mtime);
      const result = unchanged
        ? await evidence(
            'nothing-pending',
            undefined,
            `${file} already held serial ${served}: nothing had to be written`,
          )
        : await evidence(
            'written',
            undefined,
            `${file} now holds serial ${served}, the serial named serves`,
          );
      log('%s: %s', options.zone, result.summary);
      return Ok(result);
    }

    const failure = events.find((event) => event.kind === 'dump-failed');
    if (failure && failure.kind === 'dump-failed') {
      const step = (failure.step ?? 'rename') as DumpStep;
      return Ok(
        await evidence(
          'failed',
          step,
          describeFailure(file, failure, served, fileSerial),
          remedyFor(step),
        ),
      );
    }
    // A temp file that stopped growing while the zone file stayed old: rename failed (§4.1 item 3).
    const sizes = new Map<string, number>();
    for (const name of newTmp)
      sizes.set(name, (await stat(join(dirname(file), name)).catch(() => undefined))?.size ?? -1);
    const stable =
      newTmp.length > 0 && newTmp.every((name) => lastTmpSizes.get(name) === sizes.get(name));
    stableTmpPolls = stable ? stableTmpPolls + 1 : 0;
    lastTmpSizes = sizes;
    if (stableTmpPolls >= 3) {
      return Ok(
        await evidence(
          'failed',
          'rename',
          `named wrote ${newTmp.join(', ')} but ${file} still holds serial ${fileSerial ?? '(unreadable)'} while named serves ${served}: the rename onto the zone file failed`,
          remedyFor('rename'),
        ),
      );
    }
    if (Date.now() >= deadline || options.signal?.aborted) {
      return Ok(
        await evidence(
          'unknown',
          undefined,
          `after ${Date.now() - started} ms ${file} holds serial ${fileSerial ?? '(unreadable)'} while named serves ${served}; no dump error was ${watcher ? 'logged' : 'visible (no log given)'}`,
          'wait longer, or read named\'s log for "dumping master file:" lines; pass `log` so this check can read it',
        ),
      );
    }
    await sleep(options.pollMs ?? 100);
  }
}

/** zonestatus over the control channel, its failure as a DumpError. */
async function zoneStatusOf(options: VerifyOptions): Promise<Result<ZoneStatus, DumpError>> {
  const status = await options.rndc.zonestatus(options.zone, zoneRef(options));
  if (status.isOk()) return status;
  return Err(
    new DumpError({
      kind: 'zone-status',
      message: `cannot read the state of ${options.zone}: ${status.error.message}`,
      cause: status.error,
      zone: options.zone,
    }),
  );
}

function zoneRef(options: VerifyOptions): { class?: string; view?: string } {
  return {
    ...(options.class !== undefined ? { class: options.class } : {}),
    ...(options.view !== undefined ? { view: options.view } : {}),
  };
}

async function resolveZoneFile(
  options: VerifyOptions,
  status: ZoneStatus,
): Promise<Result<{ file: string; directory: string | undefined }, DumpError>> {
  if (options.zoneFile)
    return Ok({ file: resolve(options.zoneFile), directory: options.directory });
  const configured = status.files[0];
  if (!configured) {
    return Err(
      new DumpError({
        kind: 'zone-file-unknown',
        message: `${options.zone} has no zone file (zonestatus lists none)`,
        zone: options.zone,
      }),
    );
  }
  if (isAbsolute(configured)) return Ok({ file: configured, directory: options.directory });
  let directory = options.directory;
  if (!directory) {
    const server = await options.rndc.status();
    const configFile = server.isOk() ? server.value.configurationFile : undefined;
    const found = configFile
      ? await namedDirectory(configFile)
      : Err('rndc status did not name the configuration file');
    if (found.isErr()) {
      return Err(
        new DumpError({
          kind: 'zone-file-unknown',
          message: `the zone file "${configured}" is relative to named's directory, which could not be found: ${found.error}`,
          remedy: 'pass `directory` (named.conf options { directory }) or `zoneFile`',
          zone: options.zone,
        }),
      );
    }
    directory = found.value;
  }
  return Ok({ file: resolve(directory, configured), directory });
}

async function serialOf(
  file: string,
  zone: string,
  format: 'text' | 'raw' | 'auto',
  baseDir: string | undefined,
): Promise<number | undefined> {
  const read = await readZoneFileSerial(file, {
    origin: zone,
    format,
    ...(baseDir ? { baseDir } : {}),
  });
  return read.isOk() ? read.value.serial : undefined;
}

async function mtimeOf(file: string): Promise<Date | undefined> {
  return (await stat(file).catch(() => undefined))?.mtime;
}

async function tmpFilesIn(directory: string): Promise<Set<string>> {
  const names = await readdir(directory).catch(() => [] as string[]);
  return new Set(names.filter((name) => TMP_FILE.test(name)));
}

async function journalOf(file: string): Promise<JournalInfo | undefined> {
  const info = await readJournalInfo(`${file}.jnl`);
  return info.isOk() ? info.value : undefined;
}

function sameTime(a: Date | undefined, b: Date | undefined): boolean {
  return a?.getTime() === b?.getTime();
}

async function relevantEvents(
  watcher: NamedLogWatcher,
  offset: number,
  file: string,
  since: Date | undefined,
): Promise<NamedLogEvent[]> {
  const events = await watcher.eventsSince(offset);
  const name = basename(file);
  return events.filter((event) => {
    if (event.kind !== 'dump-failed' && event.kind !== 'journal-failed') return false;
    if (since && event.time && event.time < since) return false;
    const path = 'file' in event ? event.file : undefined;
    // named logs the configured (relative) path or the temp file in the same directory.
    return (
      !path ||
      basename(path) === name ||
      basename(path).startsWith('tmp-') ||
      path.endsWith(`${name}.jnl`)
    );
  });
}

function describeFailure(
  file: string,
  failure: NamedLogEvent,
  served: number,
  fileSerial: number | undefined,
): string {
  const raw = failure.raw.at(-1) ?? '';
  return `named failed to write ${file} (${failure.kind === 'dump-failed' ? failure.step : 'journal'}: ${'result' in failure ? failure.result : 'error'}); the file holds serial ${fileSerial ?? '(unreadable)'} while named serves ${served}. named logged: ${raw.trim()}`;
}

function remedyFor(step: DumpStep): string {
  switch (step) {
    case 'rename':
      return 'the zone file cannot be replaced: it is a mount point (Kubernetes subPath, Docker single-file volume), or a sticky directory with a file owned by another user. Keep the zone on a writable volume owned by named, seeded by an initContainer; never mount the zone file itself';
    case 'open':
      return "named cannot create files in the zone's directory: make it writable for named's user (read-only mounts and ConfigMap directories never are)";
    case 'write':
    case 'flush':
    case 'fsync':
    case 'fclose':
      return 'the file system failed while writing (disk full, quota, I/O error): free space or fix the volume';
    default:
      return "read named's log around the failure and run diagnoseZoneStorage()";
  }
}

async function diagnosisFor(
  options: VerifyOptions,
  file: string,
  served: number,
  deadline: number,
): Promise<StorageDiagnosis | undefined> {
  if (options.diagnose === false) return undefined;
  // Within the caller's deadline: what is left of it (the diagnosis settles by it).
  const diagnosis = await diagnoseZoneStorage({
    zoneFile: file,
    servedSerial: served,
    origin: options.zone,
    timeoutMs: Math.max(1, deadline - Date.now()),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.namedPid !== undefined ? { namedPid: options.namedPid } : {}),
  });
  return diagnosis.isOk() ? diagnosis.value : undefined;
}
