/**
 * verifyZoneWritten(): proves from evidence that named wrote a zone to disk — or says why not.
 *
 * named answers `sync`, `freeze` and `stop` when the dump is merely scheduled; the dump runs later
 * on a worker thread, writes `tmp-XXXXXXXXXX` next to the zone file and renames it over the file.
 * Its outcome only reaches named's log (`dump_done()` in BIND's lib/dns/zone.c). So this module
 * compares the serial in the file on disk (read without the journal) with the serial named serves,
 * and watches the file's mtime, new `tmp-*` files, the journal and the log, until the serials agree
 * or the evidence says the dump failed (§4.1, §4.3). It never says "written" without serial
 * equality on disk.
 *
 * named's user owns the zone directory, so any file there may be hostile: a FIFO in place of the
 * journal or the zone file. Files are opened only through `openRegularFile` (never blocking, never
 * anything but a regular file; `tmp-*` files are only listed and stat()ed), what could not be read
 * is named in the evidence, and every public call here settles by its `timeoutMs`, whatever the
 * file system does: the work is raced against the deadline and stopped when it passes.
 */
import { opendir, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import type { RndcError } from '../control/errors.js';
import type { ServerStatus, ZoneStatus } from '../control/parse.js';
import { type Expiry, settleBy } from '../deadline.js';
import { logger } from '../log.js';
import { Err, Ok, type Result } from '../result.js';
import { endpointOf, traced, tracingChannels, type VerifyTraceContext } from '../tracing.js';
import { ChangeWake } from './change-wake.js';
import { diagnoseZoneStorage, type FindingCode, type StorageDiagnosis } from './diagnose.js';
import { DumpError } from './errors.js';
import { type JournalInfo, readJournalInfo } from './journal.js';
import { type JournalFailedEvent, type NamedLogEvent, NamedLogWatcher } from './log.js';
import { namedDirectory, readZoneConfig } from './named-config.js';
import { FILE_RESULTS, type RefusedFlush } from './refused-flush.js';
import { storagePrint } from './storage-print.js';
import { isNamedTmpFile } from './tmp-name.js';
import { readZoneFileSerial } from './zonefile.js';

const log = logger('rndc:dump');

/** The part of RndcClient verification needs (kept structural: no import cycle). */
export interface ZoneStatusSource {
  /** `rndc zonestatus`: the zone's files, serial and state. */
  zonestatus(
    zone: string,
    options?: { class?: string; view?: string; signal?: AbortSignal; timeoutMs?: number },
  ): Promise<Result<ZoneStatus, RndcError>>;
  /** `rndc status`: named's state. */
  status(options?: {
    signal?: AbortSignal;
    timeoutMs?: number;
  }): Promise<Result<ServerStatus, RndcError>>;
}

/**
 * Which zone, on which named, and where its file is: what every call that looks at a zone's
 * files starts from ({@link verifyZoneWritten}, `recoverZone`, `removeStaleTmpFiles`).
 */
export interface ZoneOnDisk {
  /** The control-channel client of the named that serves the zone (for `zonestatus`). */
  readonly rndc: ZoneStatusSource;
  /** The zone. */
  readonly zone: string;
  /** The zone's class, when not IN. */
  readonly class?: string | undefined;
  /** The zone's view, when views are in use. */
  readonly view?: string | undefined;
  /** The zone file; default: zonestatus `files:` resolved against `directory`. */
  readonly zoneFile?: string | undefined;
  /** named's `directory` option; default: read from the named.conf that `rndc status` names. */
  readonly directory?: string | undefined;
}

/** Options of {@link verifyZoneWritten}. */
export interface VerifyOptions extends ZoneOnDisk {
  /** named's log file, for the dump error lines (strongly recommended). */
  readonly log?: string | undefined;
  /**
   * The zone's journal, as named sees it (relative: to `directory`). Default: the zone's
   * `journal` statement in named.conf (`namedConf`, or the one `rndc status` names when it is
   * asked for `directory`), else `<zone file>.jnl`, BIND's default.
   */
  readonly journalFile?: string | undefined;
  /**
   * named's configuration file: `directory` (when not given) and the zone's `journal` are read
   * from it. Default: the one `rndc status` names, asked only when `directory` is needed.
   */
  readonly namedConf?: string | undefined;
  /**
   * How long the call may take, storage diagnosis included: it settles by then whatever the
   * files do (a FIFO, a hung file system). Default 10 s. {@link snapshotZone} settles by it too.
   */
  readonly timeoutMs?: number | undefined;
  /** Poll interval. Default 100 ms. */
  readonly pollMs?: number | undefined;
  /**
   * Look again as soon as named renames onto the zone file or writes its log (inotify through
   * `fs.watch` on the zone file's directory and on the log), not only every `pollMs`: the proof
   * comes within milliseconds of named's rename. A change is only a reason to look; the verdict
   * rests on what is read. Where nothing can be watched, the poll alone runs. Default true;
   * false polls only.
   */
  readonly watch?: boolean | undefined;
  /** State before the command, when the caller took it (sync/freeze take it before sending). */
  readonly before?: DumpSnapshot | undefined;
  /**
   * Without `before`: how far back dump errors in the log and new `tmp-*` files count as
   * evidence — "did the sync I ran earlier work?". Default: 16 minutes, one retry period of
   * named's failed dumps (676–900 s), so a failure that keeps repeating is always in the window.
   * With or without `before`, how far back the log's journal failures count (same default).
   */
  readonly since?: Date | undefined;
  /** named's pid, for the storage diagnosis on failure (its uid, capabilities and mounts). */
  readonly namedPid?: number | undefined;
  /**
   * named's executable, when not `/usr/sbin/named` or `/usr/local/sbin/named`: the storage
   * diagnosis verifies named's identity against it (`namedBinary` of {@link diagnoseZoneStorage}).
   */
  readonly namedBinary?: string | undefined;
  /**
   * Use `namedPid` for the storage diagnosis even when it fails the identity checks, because the
   * caller vouches for it: a sidecar in named's pod, whose image has no named binary to compare
   * with (`trustNamedPid` of {@link diagnoseZoneStorage}). Default false.
   */
  readonly trustNamedPid?: boolean | undefined;
  /** Run {@link diagnoseZoneStorage} when the dump failed or could not be proven. Default true. */
  readonly diagnose?: boolean | undefined;
  /** Stops waiting at once; the verdict is then `unknown` (a `not-verified` error for sync/freeze). */
  readonly signal?: AbortSignal | undefined;
  /**
   * named answered the command with a failure of the dump itself ({@link refusedFlush}): the
   * verdict is then `failed` whatever the files show, and the log is read briefly for the line
   * that says which step failed.
   */
  readonly refused?: RefusedFlush | undefined;
}

export { type RefusedFlush, refusedFlush } from './refused-flush.js';

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
  /**
   * Absolute path of the zone's journal (whether it exists or not): `journalFile`, the zone's
   * `journal` statement, or `<zoneFile>.jnl`. Absent in snapshots made before it existed.
   */
  readonly journalFile?: string;
  /**
   * Files that could not be read, one sentence each (`…/db.jnl is a FIFO, not a regular file:
   * something replaced named's journal`). A missing journal is normal and not listed.
   */
  readonly problems?: readonly string[];
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
  /**
   * The dump step that failed (open, write, fsync, rename…), for a `failed` verdict; `journal`
   * when the file is current but named cannot create or write the zone's journal.
   */
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
  /** Absolute path of the zone's journal checked (named.conf's `journal`, else `<zoneFile>.jnl`). */
  readonly journalFile: string;
  /** The journal before the command, if there was one. */
  readonly journalBefore: JournalInfo | undefined;
  /** The journal at the end, if there is one. */
  readonly journalAfter: JournalInfo | undefined;
  /** Dump, journal and load lines named logged since the command. */
  readonly logEvents: readonly NamedLogEvent[];
  /** Whether named's log was read (without it a failure shows only as missing serial equality). */
  readonly logRead: boolean;
  /**
   * Why named's log given as `log` could not be read (missing, a FIFO, unreadable), when it
   * could not: then `logRead` is false and nothing is claimed about what named logged.
   */
  readonly logProblem?: string;
  /**
   * Files that could not be read, one sentence each: a zone file, `.signed` file or journal
   * that is a FIFO or device (something replaced it), unreadable, or cut off by the deadline.
   * Problems seen only before the command start with `before the command:`.
   */
  readonly fileProblems: readonly string[];
  /** Milliseconds spent waiting for proof. */
  readonly elapsedMs: number;
  /** Why the storage cannot take a dump, when the verdict is not good. */
  readonly diagnosis: StorageDiagnosis | undefined;
}

/**
 * How far back evidence counts when no `since` is given: 16 minutes, one retry period of named's
 * failed dumps (676–900 s), so a failure that keeps repeating is always in the window.
 */
const LOOK_BACK_MS = 16 * 60_000;
/** Default `timeoutMs` of verification. */
export const DEFAULT_VERIFY_TIMEOUT_MS = 10_000;

/** Resolves the zone file and takes the "before" picture. Call it before sending the command. */
export async function snapshotZone(
  options: VerifyOptions,
): Promise<Result<DumpSnapshot, DumpError>> {
  const deadline = Date.now() + timeoutOf(options);
  return bounded(
    options,
    deadline,
    (run) => takeSnapshot(options, run),
    (why, run) => Err(expiredError(options, why, run)),
  );
}

/**
 * Proves (or disproves) that the zone's file on disk holds what named serves, and that named can
 * keep the zone's next change (its journal). Pass `before` when a command was just sent (sync and
 * freeze do); without it the current state is the baseline, which suits waiting for named's own
 * delayed dump after updates.
 *
 * The rule is the one of `sync`/`freeze` with `verify`: `Ok` only for a proven verdict (`written`
 * or `nothing-pending`); a `failed` verdict is a `DumpError` of kind `dump-failed` and an
 * unproven one (`unknown`) of kind `not-verified`, each carrying the evidence (`error.evidence`,
 * with the storage diagnosis). A dump that failed and a zone whose journal named cannot create
 * or write (`failedStep: 'journal'`: every UPDATE fails, even while the file holds the served
 * serial) are both failures.
 *
 * Settles by `timeoutMs` (storage diagnosis included) whatever the files do; when the deadline
 * cuts a file operation off, the verdict is `unknown` and the summary names what hung.
 *
 * @example
 * const checked = await verifyZoneWritten({ rndc, zone: 'example.com', log: '/var/log/named.log' });
 * if (checked.isErr()) console.error(checked.error.describe(), checked.error.evidence?.failedStep);
 */
export async function verifyZoneWritten(
  options: VerifyOptions,
): Promise<Result<DumpEvidence, DumpError>> {
  const gathered = await gatherDumpEvidence(options);
  if (gathered.isErr()) return gathered;
  const zone = options.zone;
  return dumpOutcome(
    gathered.value,
    gathered.value.verdict === 'failed'
      ? `the zone file of ${zone} was not written:`
      : `the zone file of ${zone} was not proven written:`,
  );
}

/**
 * A verdict that is not proven (`written`, `nothing-pending`) becomes a DumpError carrying the
 * evidence: `dump-failed` for `failed`, `not-verified` for `unknown`. `lead` opens the message of
 * a dump failure; a zone that cannot keep changes (step `journal`) says so instead.
 */
export function dumpOutcome(evidence: DumpEvidence, lead: string): Result<DumpEvidence, DumpError> {
  if (evidence.verdict === 'written' || evidence.verdict === 'nothing-pending') return Ok(evidence);
  const message =
    evidence.failedStep === 'journal'
      ? `${evidence.zone} cannot keep changes: ${evidence.summary}`
      : `${lead} ${evidence.summary}`;
  return Err(
    new DumpError({
      kind: evidence.verdict === 'failed' ? 'dump-failed' : 'not-verified',
      message,
      ...(evidence.remedy ? { remedy: evidence.remedy } : {}),
      causes: evidence.diagnosis?.findings.map((finding) => finding.title) ?? [],
      evidence,
      zone: evidence.zone,
    }),
  );
}

/**
 * {@link verifyZoneWritten} without the rule: every verdict reached is `Ok` with its evidence
 * (for `sync`/`freeze`, which word their own errors). Not exported from the package.
 *
 * @internal
 */
export function gatherDumpEvidence(
  options: VerifyOptions,
): Promise<Result<DumpEvidence, DumpError>> {
  return traced(
    tracingChannels.verify,
    (): VerifyTraceContext => ({
      ...endpointOf((options.rndc as { server?: unknown }).server),
      zone: options.zone,
    }),
    () => gather(options),
    (result, context) => {
      const evidence = result.isOk() ? result.value : result.error.evidence;
      if (!evidence) return;
      context.verdict = evidence.verdict;
      // The span's outcome is the proof, not only that verification ran to a verdict.
      context.ok = evidence.verdict === 'written' || evidence.verdict === 'nothing-pending';
    },
  );
}

async function gather(options: VerifyOptions): Promise<Result<DumpEvidence, DumpError>> {
  const started = Date.now();
  const state: VerifyState = { started, events: [], newTmp: [] };
  return bounded(
    options,
    started + timeoutOf(options),
    (run) => verifyLoop(options, run, state),
    (why, run) => expiredVerdict(options, why, run, state),
  );
}

function timeoutOf(options: VerifyOptions): number {
  const timeout = options.timeoutMs;
  return timeout !== undefined && Number.isFinite(timeout) && timeout >= 0
    ? timeout
    : DEFAULT_VERIFY_TIMEOUT_MS;
}

// ---------------------------------------------------------------------------------------------
// Settling by the deadline

/** Names the operations in flight, so a deadline that cuts them off can say which one hung. */
class InFlight {
  readonly #labels = new Map<number, string>();
  #next = 0;

  async track<T>(label: string, work: Promise<T>): Promise<T> {
    const id = this.#next++;
    this.#labels.set(id, label);
    try {
      return await work;
    } finally {
      this.#labels.delete(id);
    }
  }

  /** `reading /x/db.jnl, reading named's log` or undefined when nothing was in flight. */
  describe(): string | undefined {
    const labels = [...new Set(this.#labels.values())];
    return labels.length > 0 ? labels.join(', ') : undefined;
  }
}

/** One bounded call: its deadline, the signal that stops its work, and what is in flight. */
interface Run {
  readonly deadline: number;
  /** Aborted when the call settles: at the deadline, on the caller's signal, or when done. */
  readonly signal: AbortSignal;
  readonly inFlight: InFlight;
}

/**
 * Runs `work` so that the call settles by `deadline` or the caller's signal even if a file
 * operation never returns (a hung NFS mount): then `onExpiry` gives the result, and the work's
 * signal is aborted so that it stops at its next check.
 */
async function bounded<T>(
  options: VerifyOptions,
  deadline: number,
  work: (run: Run) => Promise<T>,
  onExpiry: (why: Expiry, run: Run) => T,
): Promise<T> {
  const controller = new AbortController();
  const run: Run = { deadline, signal: controller.signal, inFlight: new InFlight() };
  try {
    return await settleBy(
      work(run),
      deadline,
      (why) => {
        controller.abort();
        return onExpiry(why, run);
      },
      options.signal,
    );
  } finally {
    controller.abort();
  }
}

function remainingMs(run: Run): number {
  return Math.max(1, run.deadline - Date.now());
}

/** The deadline passed (or the caller aborted) before anything could be judged. */
function expiredError(options: VerifyOptions, why: Expiry, run: Run): DumpError {
  const waiting = run.inFlight.describe();
  const what = `the state of ${options.zone} could not be read`;
  return new DumpError({
    kind: why === 'aborted' ? 'aborted' : 'timeout',
    message:
      why === 'aborted'
        ? `${what}: aborted${waiting ? ` while ${waiting}` : ''}`
        : `${what} within ${timeoutOf(options)} ms${waiting ? `: still ${waiting}` : ''}`,
    causes: [
      'a hung or very slow file system under the zone directory (NFS, FUSE)',
      'named not answering on the control channel',
    ],
    remedy: 'check the zone directory (ls -l, mount) and named, or allow a longer timeoutMs',
    zone: options.zone,
  });
}

// ---------------------------------------------------------------------------------------------
// The files

/** What the zone's files looked like at one moment. */
interface Observation {
  readonly fileSerial: number | undefined;
  readonly signedSerial: number | undefined;
  readonly mtime: Date | undefined;
  readonly tmpFiles: Set<string>;
  /** Why a file could not be read, when it matters (see {@link DumpEvidence.fileProblems}). */
  readonly problems: readonly FileNote[];
}

/** A file that could not be read: one sentence, and what to do. */
interface FileNote {
  readonly message: string;
  readonly remedy: string | undefined;
  /** The zone file itself (not the `.signed` file or the journal). */
  readonly zoneFile: boolean;
}

async function observeFiles(
  file: string,
  zone: string,
  directory: string | undefined,
  signed: boolean,
  run: Run,
): Promise<Observation> {
  const [unsigned, signedRead, mtime, tmpFiles] = await Promise.all([
    serialOf(file, zone, 'auto', directory, run),
    signed ? serialOf(`${file}.signed`, zone, 'raw', directory, run) : undefined,
    run.inFlight.track(`stat ${file}`, mtimeOf(file)),
    run.inFlight.track(`listing ${dirname(file)}`, tmpFilesIn(dirname(file), run)),
  ]);
  const problems: FileNote[] = [];
  if (unsigned.problem) problems.push({ ...unsigned.problem, zoneFile: true });
  if (signedRead?.problem) problems.push({ ...signedRead.problem, zoneFile: false });
  return {
    fileSerial: unsigned.serial,
    signedSerial: signedRead?.serial,
    mtime,
    tmpFiles,
    problems,
  };
}

async function serialOf(
  file: string,
  zone: string,
  format: 'text' | 'raw' | 'auto',
  baseDir: string | undefined,
  run: Run,
): Promise<{ serial?: number; problem?: Omit<FileNote, 'zoneFile'> }> {
  const read = await run.inFlight.track(
    `reading ${file}`,
    readZoneFileSerial(file, {
      origin: zone,
      format,
      deadline: run.deadline,
      signal: run.signal,
      ...(baseDir ? { baseDir } : {}),
    }),
  );
  if (read.isOk()) return { serial: read.value.serial };
  return { problem: { message: read.error.message, remedy: read.error.remedy || undefined } };
}

/** The journal, and why it could not be read (a missing journal is normal: no problem). */
async function journalOf(
  path: string,
  run: Run,
): Promise<{ journal?: JournalInfo; problem?: FileNote }> {
  const info = await run.inFlight.track(
    `reading ${path}`,
    readJournalInfo(path, { deadline: run.deadline, signal: run.signal }),
  );
  if (info.isOk()) return { journal: info.value };
  if (info.error.kind === 'not-found') return {};
  return {
    problem: {
      message: info.error.message,
      remedy: info.error.remedy || undefined,
      zoneFile: false,
    },
  };
}

async function mtimeOf(file: string): Promise<Date | undefined> {
  return (await stat(file).catch(() => undefined))?.mtime;
}

/** Most tmp file names kept from one listing. */
const MAX_TMP_NAMES = 1000;
/** Most entries read from the zone directory in one listing. */
const MAX_DIR_ENTRIES = 1 << 20;

/**
 * tmp-* names in the zone directory, read entry by entry: named's user can put millions of
 * entries there, so at most 1 Mi entries are read and 1,000 names kept, and the listing stops at
 * the deadline. The names are evidence of a failed rename only; the proof of a write never rests
 * on them, so a cut-off listing can hide a failure's tmp file but never makes a write "proven".
 */
async function tmpFilesIn(directory: string, run: Run): Promise<Set<string>> {
  const names = new Set<string>();
  try {
    const dir = await opendir(directory, { bufferSize: 256 });
    try {
      let entries = 0;
      for await (const entry of dir) {
        if (++entries > MAX_DIR_ENTRIES || names.size >= MAX_TMP_NAMES) break;
        if (run.signal.aborted || Date.now() >= run.deadline) break;
        if (isNamedTmpFile(entry.name)) names.add(entry.name);
      }
    } finally {
      await dir.close().catch(() => {});
    }
  } catch {
    // unreadable directory: no tmp names
  }
  return names;
}

// ---------------------------------------------------------------------------------------------
// snapshotZone

async function takeSnapshot(
  options: VerifyOptions,
  run: Run,
): Promise<Result<DumpSnapshot, DumpError>> {
  const status = await zoneStatusOf(options, run);
  if (status.isErr()) return status;
  const zoneFile = await resolveZoneFile(options, status.value, run);
  if (zoneFile.isErr()) return zoneFile;
  const { file, directory, configFile } = zoneFile.value;
  const journalFile = await resolveJournalFile(options, file, directory, configFile, run);
  const [observed, journal] = await Promise.all([
    observeFiles(file, options.zone, directory, false, run),
    journalOf(journalFile, run),
  ]);
  const logPath = options.log;
  const problems = [...observed.problems, ...(journal.problem ? [journal.problem] : [])];
  return Ok({
    at: new Date(),
    zoneFile: file,
    directory,
    fileSerial: observed.fileSerial,
    mtime: observed.mtime,
    tmpFiles: observed.tmpFiles,
    logOffset: logPath
      ? await run.inFlight.track(
          `stat ${logPath}`,
          Promise.resolve(new NamedLogWatcher(logPath).mark()),
        )
      : undefined,
    servedSerial: status.value.serial,
    journal: journal.journal,
    journalFile,
    problems: problems.map((problem) => problem.message),
  });
}

// ---------------------------------------------------------------------------------------------
// verifyZoneWritten

/** What verification saw so far: the deadline's verdict is built from it. */
interface VerifyState {
  readonly started: number;
  before?: DumpSnapshot;
  served?: number;
  signedServed?: number | undefined;
  observed?: Observation;
  newTmp: string[];
  readonly events: NamedLogEvent[];
  logRead?: boolean;
  /** Why the log given could not be read at the last look, if it could not. */
  logProblem?: string;
  /** The verdict, once reached (the journal and the diagnosis are read after it). */
  decided?: Decision;
}

interface Decision {
  readonly verdict: DumpVerdict;
  readonly failedStep: DumpStep | undefined;
  readonly summary: string;
  readonly remedy: string | undefined;
}

/**
 * Time kept at the end of the deadline for the storage diagnosis of an unproven dump: the
 * waiting stops this much earlier, so that the whole call still settles by the deadline.
 */
function diagnosisReserveMs(options: VerifyOptions): number {
  return options.diagnose === false ? 0 : Math.min(2000, Math.floor(timeoutOf(options) / 4));
}

async function verifyLoop(
  options: VerifyOptions,
  run: Run,
  state: VerifyState,
): Promise<Result<DumpEvidence, DumpError>> {
  let before = options.before;
  let eventsSince: Date | undefined;
  if (!before) {
    const snapshot = await takeSnapshot(options, run);
    if (snapshot.isErr()) return snapshot;
    // Looking back: the command (and its failure) may be over already, so evidence from the
    // window counts — errors logged since then, temp files created since then.
    eventsSince = options.since ?? new Date(Date.now() - LOOK_BACK_MS);
    const since = eventsSince;
    const older = new Set<string>();
    for (const name of snapshot.value.tmpFiles) {
      const path = join(dirname(snapshot.value.zoneFile), name);
      const made = await run.inFlight.track(`stat ${path}`, mtimeOf(path));
      if (made && made < since) older.add(name);
    }
    before = { ...snapshot.value, tmpFiles: older, logOffset: options.log ? 0 : undefined };
  }
  state.before = before;
  const waitUntil = run.deadline - diagnosisReserveMs(options);
  const refusedLogBy = Date.now() + REFUSED_LOG_WAIT_MS;
  const watcher = options.log ? new NamedLogWatcher(options.log) : undefined;
  // Read only once a read of it succeeds: a check cut off before then has not seen the log.
  state.logRead = false;
  if (watcher) state.logProblem = 'the check ended before the log was read';
  let logCursor = before.logOffset;
  const seenLines = new Set<string>();
  const file = before.zoneFile;
  const journalPath = journalPathOf(before);
  let lastTmpSizes = new Map<string, number>();
  let stableTmpPolls = 0;
  let tmpStableSince = Date.now();
  const pollMs = options.pollMs ?? 100;
  // The journal check of a proven dynamic zone needs a storage diagnosis: started at the first
  // look, so that it runs while named dumps instead of after the proof.
  let early: EarlyDiagnosis | undefined;
  // Look again as soon as named renames onto the zone file or logs a line, not only every poll.
  const wake = new ChangeWake(
    [{ path: file, byDirectory: true }, ...(options.log ? [{ path: options.log }] : [])],
    { disabled: options.watch === false },
  );
  try {
    for (;;) {
      // Looks woken by changes are spaced by at least the time the last look took: a flood of
      // changes (anyone who can write the directory or the log makes one) keeps the loop at most
      // half busy, and named's control channel answers at most as many zonestatus calls.
      const lookStarted = Date.now();
      // named is asked while the log and the files are read (its answer is compared with the
      // file, whichever came first: serials only grow). The log is read before the files are
      // looked at: a temp file named left behind exists before the failure line that mentions
      // it, so the listing always includes it. Read only what named logged since the last look
      // (a look-back starts at offset 0: the whole log must not be parsed again at every look).
      // Lines written while reading are read again next time; they are dropped as repeats.
      const next = watcher && logCursor !== undefined ? watcher.mark() : undefined;
      // Whether to read the `.signed` file too: as the last look found (read again below when
      // named's answer says otherwise).
      const signedGuess = state.signedServed !== undefined;
      const [status, looked] = await Promise.all([
        zoneStatusOf(options, run),
        (async () => {
          const events =
            watcher && logCursor !== undefined
              ? await run.inFlight.track(
                  `reading named's log ${watcher.path}`,
                  relevantEvents(watcher, logCursor, file, journalPath, eventsSince, run, state),
                )
              : [];
          const files = await observeFiles(file, options.zone, before.directory, signedGuess, run);
          return { events, files };
        })(),
      ]);
      if (status.isErr()) return status;
      const served = status.value.serial;
      const signedServed = status.value.inlineSigning ? status.value.signedSerial : undefined;
      state.served = served;
      state.signedServed = signedServed;
      if (!early && status.value.dynamic === true && options.diagnose !== false) {
        early = earlyDiagnosis(options, run, file, journalPath, served);
      }
      for (const event of looked.events) {
        const key = event.raw.join('\n');
        if (!seenLines.has(key)) {
          seenLines.add(key);
          state.events.push(event);
        }
      }
      if (next !== undefined) logCursor = next;
      const observed =
        signedServed !== undefined && !signedGuess
          ? await observeFiles(file, options.zone, before.directory, true, run)
          : looked.files;
      const { fileSerial, signedSerial, mtime } = observed;
      state.observed = observed;
      const newTmp = [...observed.tmpFiles].filter((name) => !before.tmpFiles.has(name)).sort();
      state.newTmp = newTmp;

      const unsignedCurrent = fileSerial !== undefined && fileSerial === served;
      const signedCurrent = signedServed === undefined || signedSerial === signedServed;
      // A refused flush is a failure even if the file looks current (named's word on its own dump).
      if (unsignedCurrent && signedCurrent && !options.refused) {
        const unchanged = before.fileSerial === served && sameTime(before.mtime, mtime);
        const decision: Decision = unchanged
          ? {
              verdict: 'nothing-pending',
              failedStep: undefined,
              summary: `${file} already held serial ${served}: nothing had to be written`,
              remedy: undefined,
            }
          : {
              verdict: 'written',
              failedStep: undefined,
              summary: `${file} now holds serial ${served}, the serial named serves`,
              remedy: undefined,
            };
        // The file is current; whether the zone can take a change at all is the journal's part.
        state.decided = decision;
        const checked = await checkJournal(options, run, state, {
          file,
          journalPath,
          served,
          dynamic: status.value.dynamic === true,
          watcher,
          early,
        });
        const result = await conclude(options, run, state, checked.decision ?? decision, checked);
        log('%s: %s', options.zone, result.summary);
        return Ok(result);
      }

      const failure = state.events.find((event) => event.kind === 'dump-failed');
      const refused = options.refused;
      if (refused) {
        // named said the dump failed: that is the verdict. The log line naming the step was
        // written before the reply; it is waited for briefly (a log read a moment late).
        if (failure || !watcher || Date.now() >= refusedLogBy || Date.now() >= waitUntil) {
          return Ok(
            await conclude(
              options,
              run,
              state,
              refusedDecision(file, refused, failure, served, fileSerial),
            ),
          );
        }
        await wake.wait(pollMs, run.signal, Math.max(5, Date.now() - lookStarted));
        continue;
      }
      if (failure && failure.kind === 'dump-failed') {
        const step = (failure.step ?? 'rename') as DumpStep;
        return Ok(
          await conclude(options, run, state, {
            verdict: 'failed',
            failedStep: step,
            summary: describeFailure(file, failure, served, fileSerial),
            remedy: remedyFor(step),
          }),
        );
      }
      // A temp file that stopped growing while the zone file stayed old: rename failed (§4.1 item 3).
      const sizes = new Map<string, number>();
      for (const name of newTmp) {
        const path = join(dirname(file), name);
        const info = await run.inFlight.track(
          `stat ${path}`,
          stat(path).catch(() => undefined),
        );
        sizes.set(name, info?.size ?? -1);
      }
      const stable =
        newTmp.length > 0 && newTmp.every((name) => lastTmpSizes.get(name) === sizes.get(name));
      stableTmpPolls = stable ? stableTmpPolls + 1 : 0;
      if (!stable) tmpStableSince = Date.now();
      lastTmpSizes = sizes;
      // Three looks and three poll intervals: looks woken early by events come faster than polls,
      // and a temp file named is still writing must not pass for an abandoned one.
      if (stableTmpPolls >= 3 && Date.now() - tmpStableSince >= 3 * pollMs) {
        return Ok(
          await conclude(options, run, state, {
            verdict: 'failed',
            failedStep: 'rename',
            summary: `named wrote ${newTmp.join(', ')} but ${file} still holds serial ${fileSerial ?? '(unreadable)'} while named serves ${served}: the rename onto the zone file failed`,
            remedy: remedyFor('rename'),
          }),
        );
      }
      if (Date.now() >= waitUntil || run.signal.aborted) {
        return Ok(await conclude(options, run, state, unproven(state, Boolean(state.logRead))));
      }
      await wake.wait(pollMs, run.signal, Math.max(5, Date.now() - lookStarted));
    }
  } finally {
    wake.close();
  }
}

/** The `unknown` verdict: neither proof nor failure by the deadline. */
function unproven(state: VerifyState, logRead: boolean, cutOff?: string): Decision {
  const file = state.before?.zoneFile ?? '(the zone file)';
  const elapsed = Date.now() - state.started;
  const zoneProblem = state.observed?.problems.find((problem) => problem.zoneFile);
  const served = state.served ?? state.before?.servedSerial ?? 0;
  const held = zoneProblem
    ? `${zoneProblem.message}; named serves serial ${served}`
    : `${file} holds serial ${state.observed?.fileSerial ?? '(unreadable)'} while named serves ${served}`;
  return {
    verdict: 'unknown',
    failedStep: undefined,
    summary: cutOff
      ? `after ${elapsed} ms the check was cut off while ${cutOff}; ${held}`
      : `after ${elapsed} ms ${held}; ${
          logRead
            ? 'no dump error was logged'
            : state.logProblem
              ? `named's log could not be read (${state.logProblem}): what named logged is not known`
              : 'no dump error was visible (no log given)'
        }`,
    remedy:
      zoneProblem?.remedy ??
      (cutOff
        ? 'the file system under the zone directory did not answer: check it (mount, dmesg), then verify again'
        : 'wait longer, or read named\'s log for "dumping master file:" lines; pass `log` so this check can read it'),
  };
}

/**
 * Reads the journal and, for a bad verdict, diagnoses the storage, within the deadline. A
 * diagnosis already made (by the journal check) is used as it is.
 */
async function conclude(
  options: VerifyOptions,
  run: Run,
  state: VerifyState,
  decision: Decision,
  made?: JournalCheck,
): Promise<DumpEvidence> {
  state.decided = decision;
  // Read while the diagnosis runs, not after it: a diagnosis waiting on a named that stopped
  // answering (blocked on a FIFO journal) must not leave the journal unread at the deadline.
  const journalRead = made?.journal ?? journalOf(journalPathOf(state.before), run);
  let diagnosis: StorageDiagnosis | undefined;
  let diagnosisCutOff = false;
  if (made?.diagnosed) {
    diagnosis = decision.verdict === 'failed' ? made.diagnosis : undefined;
    diagnosisCutOff = made.cutOff === true;
  } else if (decision.verdict === 'failed' || decision.verdict === 'unknown') {
    if (options.diagnose !== false && !run.signal.aborted) {
      diagnosis = await settleBy(
        diagnosisFor(
          options,
          state.before?.zoneFile ?? '',
          journalPathOf(state.before),
          state.served ?? 0,
          run,
        ),
        // A little before the deadline, so the evidence (not the bare deadline verdict) is returned.
        run.deadline - 20,
        () => {
          diagnosisCutOff = true;
          return undefined;
        },
        run.signal,
      );
    }
  }
  const journal = await journalRead;
  return evidenceOf(options, state, decision, {
    journal,
    diagnosis,
    ...(diagnosisCutOff
      ? {
          note: made?.diagnosed
            ? 'the journal check (storage diagnosis) did not finish before the deadline'
            : 'the storage diagnosis did not finish before the deadline',
        }
      : {}),
  });
}

// ---------------------------------------------------------------------------------------------
// The journal: can the zone take a change at all?

/** What the journal check found, and the diagnosis it made (to be reused, not made again). */
interface JournalCheck {
  /** A `failed` verdict at step `journal`, when named cannot keep a change. */
  readonly decision?: Decision;
  /** Whether the storage diagnosis was run (even if it gave nothing). */
  readonly diagnosed: boolean;
  readonly diagnosis?: StorageDiagnosis | undefined;
  /** The diagnosis was cut off by the deadline. */
  readonly cutOff?: boolean;
  /** The journal, read at the proof (alongside the diagnosis). */
  readonly journal?: Promise<{ journal?: JournalInfo; problem?: FileNote }>;
}

/**
 * Findings that, while the journal does not exist yet and would be created in the zone
 * directory, mean named cannot create it: the first UPDATE fails.
 */
const JOURNAL_DIRECTORY_BLOCKED: ReadonlySet<FindingCode> = new Set<FindingCode>([
  'zone-dir-not-writable',
  'zone-dir-read-only-mount',
  'filesystem-no-inodes',
]);

/**
 * A zone file that holds the served serial proves nothing about updates: when named cannot
 * create or write the zone's journal, every UPDATE gets SERVFAIL (named logs `<journal>: create:
 * permission denied` then `journal open failed`, BIND 9.16–9.20) and the served serial never
 * moves, so the file always looks current. Two kinds of evidence say so:
 *
 * - named's log: a journal failure of this zone's journal in the look-back window (`since`,
 *   default 16 minutes) that no journal write followed (the journal is still absent, or older
 *   than the failure). A line without a time counts only while the journal is absent.
 * - the storage diagnosis, for a dynamic zone: the journal is not writable by named, or it does
 *   not exist yet and named cannot create files where it would be created (a zone directory
 *   named cannot write, a read-only mount, no free inodes). A dynamic zone with no journal yet in
 *   a directory named can write is healthy: the first UPDATE creates the journal.
 */
async function checkJournal(
  options: VerifyOptions,
  run: Run,
  state: VerifyState,
  zone: {
    readonly file: string;
    readonly journalPath: string;
    readonly served: number;
    readonly dynamic: boolean;
    readonly watcher: NamedLogWatcher | undefined;
    /** The diagnosis started while waiting, used when nothing it judged has changed since. */
    readonly early?: EarlyDiagnosis | undefined;
  },
): Promise<JournalCheck> {
  const { journalPath } = zone;
  const journal = journalOf(journalPath, run);
  // Awaited by conclude(); a rejection before then must not count as unhandled.
  journal.catch(() => undefined);
  const diagnose = options.diagnose !== false && zone.dynamic && !run.signal.aborted;
  // The journal's state, named's log and the diagnosis started while waiting, all at once.
  const statted = run.inFlight.track(
    `stat ${journalPath}`,
    stat(journalPath).catch(() => undefined),
  );
  const { watcher } = zone;
  const [info, failures, early] = await Promise.all([
    statted,
    watcher
      ? statted.then((st) =>
          journalFailuresLogged(options, run, state, watcher, journalPath, st?.mtime),
        )
      : ([] as JournalFailedEvent[]),
    diagnose && zone.early
      ? unchangedDiagnosis(zone.early, zone.file, journalPath, run)
      : undefined,
  ]);
  const present = info !== undefined;
  const blockingIn = (found: StorageDiagnosis | undefined) =>
    found?.findings.find(
      (finding) =>
        finding.severity === 'error' &&
        (finding.code === 'journal-not-writable' ||
          (!present &&
            found.facts.journalDir === undefined &&
            JOURNAL_DIRECTORY_BLOCKED.has(finding.code))),
    );
  let diagnosis: StorageDiagnosis | undefined;
  let cutOff = false;
  if (early === 'cut-off') cutOff = true;
  else if (early && failures.length === 0 && !blockingIn(early)) {
    // Taken while waiting, and nothing it judged has changed since: it clears the zone. A
    // failure (a blocking finding, a journal failure logged) always rests on a fresh diagnosis.
    diagnosis = early;
  } else if (diagnose) {
    diagnosis = await settleBy(
      diagnosisFor(options, zone.file, zone.journalPath, zone.served, run),
      run.deadline - 20,
      () => {
        cutOff = true;
        return undefined;
      },
      run.signal,
    );
  }
  const blocking = blockingIn(diagnosis);
  const made = { diagnosed: diagnose, diagnosis, cutOff, journal };
  if (failures.length === 0 && !blocking) return made;
  const latest = failures.at(-1);
  const what = present ? 'write' : 'create';
  const logged = latest
    ? `; named logged ${failures.length === 1 ? 'a journal failure' : `${failures.length} journal failures`}${latest.time ? `, the last at ${latest.time.toISOString()}` : ''}: ${latest.raw.at(-1)?.trim() ?? ''}`
    : '';
  const identity = diagnosis?.facts.identity;
  // Logged, but nothing wrong to be seen now (with named's identity known): perhaps fixed since.
  const found = blocking
    ? `; ${blocking.title}`
    : diagnosis && identity !== 'unknown' && identity !== 'unverified'
      ? '; the storage diagnosis finds no cause now: if it was fixed since, one UPDATE proves it (it creates or writes the journal)'
      : '';
  const untried =
    !latest && !present ? ' (no update has been tried yet: the first one will fail)' : '';
  return {
    ...made,
    decision: {
      verdict: 'failed',
      failedStep: 'journal',
      summary: `named cannot ${what} the journal ${journalPath}: every UPDATE of ${options.zone} fails with SERVFAIL and no change can be kept${untried}. ${zone.file} holds serial ${zone.served}, the serial named serves: nothing is lost, but nothing can be added${logged}${found}`,
      remedy:
        blocking?.remedy ??
        `make the journal's directory writable for named's user (read-only mounts and ConfigMap directories never are), or point the zone's \`journal\` statement at a writable volume; then send one UPDATE: it succeeds only once named can ${what} ${journalPath}`,
    },
  };
}

/** A storage diagnosis started while waiting for named's dump, and the storage it judged. */
interface EarlyDiagnosis {
  readonly taken: Promise<
    { readonly print: string; readonly diagnosis: StorageDiagnosis | undefined } | undefined
  >;
  /** Drops it from the kept ones: the storage changed since it was made. */
  readonly forget: () => void;
}

/** How long a finished early diagnosis may serve later verifications of the same zone. */
const DIAGNOSIS_REUSE_MS = 30_000;
/** Most zones whose early diagnosis is kept, per named. */
const MAX_KEPT_DIAGNOSES = 1000;
/**
 * Finished early diagnoses, per named (its control-channel client) and zone file + journal. A
 * later verification of the same zone within DIAGNOSIS_REUSE_MS starts from it instead of a
 * new one; like any early diagnosis, it is used only if the storage's print is unchanged.
 */
const keptDiagnoses = new WeakMap<
  object,
  Map<string, { readonly at: number; readonly print: string; readonly diagnosis: StorageDiagnosis }>
>();

/**
 * The storage diagnosis for the journal check, without waiting for it: one this named made of
 * this zone shortly before, or a new one. A new one takes the storage's print first, so that
 * anything that changes after it shows as a different print.
 */
function earlyDiagnosis(
  options: VerifyOptions,
  run: Run,
  file: string,
  journalPath: string,
  served: number,
): EarlyDiagnosis {
  const key = `${file}\0${journalPath}`;
  let kept = keptDiagnoses.get(options.rndc);
  const forget = () => kept?.delete(key);
  const found = kept?.get(key);
  if (found && Date.now() - found.at < DIAGNOSIS_REUSE_MS) {
    return { taken: Promise.resolve({ print: found.print, diagnosis: found.diagnosis }), forget };
  }
  // Its calls are not named in a deadline's summary: the verdict does not wait on them (until
  // the journal check, which names its wait for this diagnosis itself).
  const background: Run = { ...run, inFlight: new InFlight() };
  const taken = (async () => {
    const at = Date.now();
    const print = await storagePrint(file, journalPath);
    const diagnosis = await diagnosisFor(options, file, journalPath, served, background);
    if (diagnosis && !run.signal.aborted) {
      if (!kept) {
        kept = new Map();
        keptDiagnoses.set(options.rndc, kept);
      }
      if (kept.size >= MAX_KEPT_DIAGNOSES) kept.clear();
      kept.set(key, { at, print, diagnosis });
    }
    return { print, diagnosis };
  })().catch(() => undefined);
  return { taken, forget };
}

/**
 * The early diagnosis, when the storage's print is still the one it was taken with; `cut-off`
 * when the deadline came first; otherwise undefined (diagnose afresh).
 */
async function unchangedDiagnosis(
  early: EarlyDiagnosis,
  file: string,
  journalPath: string,
  run: Run,
): Promise<StorageDiagnosis | 'cut-off' | undefined> {
  const [taken, now] = await Promise.all([
    run.inFlight.track(
      'diagnosing the zone storage',
      settleBy<Awaited<EarlyDiagnosis['taken']> | 'cut-off'>(
        early.taken,
        run.deadline - 20,
        () => 'cut-off',
        run.signal,
      ),
    ),
    run.inFlight.track(`stat ${journalPath}`, storagePrint(file, journalPath)),
  ]);
  if (taken === 'cut-off') return taken;
  if (taken?.print !== now) {
    if (taken) log('%s changed since its diagnosis: diagnosing again', journalPath);
    early.forget();
    return undefined;
  }
  return taken.diagnosis;
}

/**
 * Journal failures of this journal named logged in the look-back window and that no journal
 * write followed; the update failures of the zone that went with them are added to the evidence.
 */
async function journalFailuresLogged(
  options: VerifyOptions,
  run: Run,
  state: VerifyState,
  watcher: NamedLogWatcher,
  journalPath: string,
  journalMtime: Date | undefined,
): Promise<JournalFailedEvent[]> {
  const since = options.since ?? new Date(state.started - LOOK_BACK_MS);
  const events = await run.inFlight.track(
    `reading named's log ${watcher.path}`,
    watcher
      .eventsSince(0, { deadline: run.deadline, signal: run.signal })
      .catch((): NamedLogEvent[] => []),
  );
  const inWindow = (event: NamedLogEvent) => !event.time || event.time >= since;
  const failures = events.filter(
    (event): event is JournalFailedEvent =>
      event.kind === 'journal-failed' &&
      isJournalOf(event, journalPath) &&
      inWindow(event) &&
      (journalMtime === undefined
        ? true
        : event.time !== undefined && event.time.getTime() > journalMtime.getTime()),
  );
  if (failures.length === 0) return [];
  const first = failures[0]?.time;
  const updates = events.filter(
    (event) =>
      event.kind === 'update-failed' &&
      event.zone === options.zone.replace(/\.$/, '') &&
      /journal/.test(event.reason) &&
      inWindow(event) &&
      (first === undefined || (event.time !== undefined && event.time >= first)),
  );
  const seen = new Set(state.events.map((event) => event.raw.join('\n')));
  const added = [...failures, ...updates]
    .filter((event) => !seen.has(event.raw.join('\n')))
    .sort((a, b) => a.lineNumber - b.lineNumber);
  state.events.push(...added);
  return failures;
}

/** The deadline's verdict: what was seen so far, and what was still in flight. */
function expiredVerdict(
  options: VerifyOptions,
  why: Expiry,
  run: Run,
  state: VerifyState,
): Result<DumpEvidence, DumpError> {
  if (!state.before) return Err(expiredError(options, why, run));
  const waiting = run.inFlight.describe();
  const decision =
    state.decided ??
    unproven(state, state.logRead === true, why === 'timeout' ? waiting : undefined);
  return Ok(
    evidenceOf(options, state, decision, {
      ...(why === 'timeout' && state.decided && waiting
        ? { note: `the check was cut off by the deadline while ${waiting}` }
        : {}),
    }),
  );
}

function evidenceOf(
  options: VerifyOptions,
  state: VerifyState,
  decision: Decision,
  end: {
    journal?: { journal?: JournalInfo; problem?: FileNote };
    diagnosis?: StorageDiagnosis | undefined;
    note?: string;
  },
): DumpEvidence {
  const before = state.before as DumpSnapshot;
  const file = before.zoneFile;
  const observed = state.observed;
  const now = [
    ...(observed?.problems ?? []),
    ...(end.journal?.problem ? [end.journal.problem] : []),
  ];
  const current = now.map((problem) => problem.message);
  const earlier = (before.problems ?? [])
    .filter((message) => !current.includes(message))
    .map((message) => `before the command: ${message}`);
  const fileProblems = [...current, ...earlier];
  let { summary, remedy } = decision;
  if (decision.verdict === 'written' || decision.verdict === 'nothing-pending') {
    // The zone file is proven; what else is wrong (a FIFO as the journal…) is still said.
    if (current.length > 0) {
      summary = `${summary}; but ${current.join('; ')}`;
      remedy = now.find((problem) => problem.remedy)?.remedy ?? remedy;
    }
  }
  if (end.note) summary = `${summary} (${end.note})`;
  const signedServed = state.signedServed;
  return {
    zone: options.zone,
    verdict: decision.verdict,
    failedStep: decision.failedStep,
    summary,
    remedy,
    zoneFile: file,
    servedSerial: state.served ?? before.servedSerial,
    fileSerialBefore: before.fileSerial,
    fileSerialAfter: observed?.fileSerial,
    signed:
      signedServed === undefined
        ? undefined
        : {
            file: `${file}.signed`,
            servedSerial: signedServed,
            fileSerial: observed?.signedSerial,
          },
    mtimeBefore: before.mtime,
    mtimeAfter: observed?.mtime,
    newTmpFiles: state.newTmp,
    journalFile: journalPathOf(before),
    journalBefore: before.journal,
    journalAfter: end.journal?.journal,
    logEvents: [...state.events],
    logRead: state.logRead === true,
    ...(state.logProblem !== undefined && state.logRead !== true
      ? { logProblem: state.logProblem }
      : {}),
    elapsedMs: Date.now() - state.started,
    diagnosis: end.diagnosis,
    fileProblems,
  };
}

/** zonestatus over the control channel, its failure as a DumpError. */
async function zoneStatusOf(
  options: VerifyOptions,
  run: Run,
): Promise<Result<ZoneStatus, DumpError>> {
  const status = await run.inFlight.track(
    `asking named for the state of ${options.zone}`,
    options.rndc.zonestatus(options.zone, {
      ...zoneRef(options),
      signal: run.signal,
      timeoutMs: remainingMs(run),
    }),
  );
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
  run: Run,
): Promise<
  Result<{ file: string; directory: string | undefined; configFile?: string }, DumpError>
> {
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
  let configFile = options.namedConf;
  if (!directory) {
    if (configFile === undefined) {
      const server = await run.inFlight.track(
        'asking named for its configuration file',
        options.rndc.status({ signal: run.signal, timeoutMs: remainingMs(run) }),
      );
      configFile = server.isOk() ? server.value.configurationFile : undefined;
    }
    const found = configFile
      ? await run.inFlight.track(`reading ${configFile}`, namedDirectory(configFile))
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
  return Ok({
    file: resolve(directory, configured),
    directory,
    ...(configFile !== undefined ? { configFile } : {}),
  });
}

/** The journal a snapshot checked (`<zoneFile>.jnl` for a snapshot that did not record one). */
function journalPathOf(snapshot: DumpSnapshot | undefined): string {
  if (!snapshot) return '';
  return snapshot.journalFile ?? `${snapshot.zoneFile}.jnl`;
}

/**
 * The zone's journal: `journalFile`, else the zone's `journal` in named.conf when that
 * named.conf configures this very zone file, else `<file>.jnl` (BIND's default). named.conf is
 * `namedConf`, or the one `rndc status` named while finding `directory` (the control channel is
 * not asked only for this: the journal's path refines the evidence, it must not delay it).
 */
async function resolveJournalFile(
  options: VerifyOptions,
  file: string,
  directory: string | undefined,
  configFile: string | undefined,
  run: Run,
): Promise<string> {
  const fallback = `${file}.jnl`;
  if (options.journalFile !== undefined) {
    return isAbsolute(options.journalFile)
      ? options.journalFile
      : resolve(directory ?? dirname(file), options.journalFile);
  }
  const conf = options.namedConf ?? configFile;
  if (conf === undefined || !isAbsolute(conf)) return fallback;
  const configured = await run.inFlight.track(
    `reading ${conf}`,
    readZoneConfig({
      namedConf: conf,
      ...zoneRef(options),
      zone: options.zone,
      timeoutMs: remainingMs(run),
      signal: run.signal,
    }),
  );
  if (configured.isErr()) {
    log('%s: journal path not read from %s: %s', options.zone, conf, configured.error.message);
    return fallback;
  }
  const zone = configured.value;
  // named.conf describes named's zone file; for another file (zoneFile given, another mount
  // namespace) its journal is not this file's.
  if (
    zone.journal === undefined ||
    zone.file === undefined ||
    resolve(zone.file) !== resolve(file)
  ) {
    return fallback;
  }
  return zone.journal;
}

function sameTime(a: Date | undefined, b: Date | undefined): boolean {
  return a?.getTime() === b?.getTime();
}

async function relevantEvents(
  watcher: NamedLogWatcher,
  offset: number,
  file: string,
  journalPath: string,
  since: Date | undefined,
  run: Run,
  state: VerifyState,
): Promise<NamedLogEvent[]> {
  // Bounded by the watcher (its last 16 MiB) and stopped at the call's deadline or settlement.
  const read = await watcher.read(offset, { deadline: run.deadline, signal: run.signal });
  // A log that cannot be read (or does not exist) must not read as "nothing was logged".
  const problem = read.isErr()
    ? read.error.message
    : await stat(watcher.path).then(
        () => undefined,
        (error: NodeJS.ErrnoException) =>
          error.code === 'ENOENT' ? `${watcher.path} does not exist` : error.message,
      );
  state.logRead = problem === undefined;
  if (problem === undefined) delete state.logProblem;
  else state.logProblem = problem;
  const events = read.isOk() ? read.value.events : [];
  const name = basename(file);
  const journalName = basename(journalPath);
  return events.filter((event) => {
    if (event.kind !== 'dump-failed' && event.kind !== 'journal-failed') return false;
    if (since && event.time && event.time < since) return false;
    if (event.kind === 'journal-failed') return isJournalOf(event, journalPath);
    const path = event.file;
    // named logs the configured (relative) path or the temp file in the same directory.
    return (
      !path ||
      basename(path) === name ||
      basename(path).startsWith('tmp-') ||
      path.endsWith(`${name}.jnl`) ||
      basename(path) === journalName
    );
  });
}

/**
 * Whether a journal failure line is about this journal. named prints the journal as configured
 * (relative to its directory, or absolute), so the file name is compared, as for the zone file.
 */
function isJournalOf(event: JournalFailedEvent, journalPath: string): boolean {
  return basename(event.file) === basename(journalPath);
}

function describeFailure(
  file: string,
  failure: NamedLogEvent,
  served: number,
  fileSerial: number | undefined,
): string {
  const raw = failure.raw.at(-1) ?? '';
  // BIND 9.16 and 9.18.0–9.18.8 log the errno they could not map (EROFS before 9.18.17, EBUSY).
  const errno =
    'errno' in failure && failure.errno !== undefined
      ? `, errno ${failure.errno}${failure.strerror ? ` ${failure.strerror}` : ''}`
      : '';
  return `named failed to write ${file} (${failure.kind === 'dump-failed' ? failure.step : 'journal'}: ${'result' in failure ? failure.result : 'error'}${errno}); the file holds serial ${fileSerial ?? '(unreadable)'} while named serves ${served}. named logged: ${raw.trim()}`;
}

/** How long a refused flush waits for the log line that names the failed step. */
const REFUSED_LOG_WAIT_MS = 1000;

/** The verdict when named itself answered that the dump failed. */
function refusedDecision(
  file: string,
  refused: RefusedFlush,
  failure: NamedLogEvent | undefined,
  served: number,
  fileSerial: number | undefined,
): Decision {
  const answered = `named answered '${refused.command}' with "${refused.result}"${refused.text ? ` (${refused.text.replace(/\s*\n\s*/g, ' ')})` : ''}`;
  if (failure?.kind === 'dump-failed') {
    return {
      verdict: 'failed',
      failedStep: failure.step,
      summary: `${answered}: ${describeFailure(file, failure, served, fileSerial)}`,
      remedy: remedyFor(failure.step),
    };
  }
  // No log line (no log given, or another channel): before answering, named only creates the
  // temp file (BIND 9.20 dns_master_dumpasync), so a file error there is the open step.
  const step: DumpStep = FILE_RESULTS.has(refused.result) ? 'open' : 'start';
  return {
    verdict: 'failed',
    failedStep: step,
    summary: `${answered}: named could not ${step === 'open' ? `create its temporary file next to ${file}` : 'start the dump'}; the file holds serial ${fileSerial ?? '(unreadable)'} while named serves ${served}`,
    remedy: remedyFor(step),
  };
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
  journalFile: string,
  served: number,
  run: Run,
): Promise<StorageDiagnosis | undefined> {
  if (options.diagnose === false) return undefined;
  // named's boot time and configuration file single out its process among several on the host
  // (another named from the same binary must not lend its uid: it would decide the verdict).
  const server = await run.inFlight.track(
    'asking named for its boot time',
    options.rndc.status({ signal: run.signal, timeoutMs: remainingMs(run) }),
  );
  const namedConf =
    options.namedConf ?? (server.isOk() ? server.value.configurationFile : undefined);
  const bootTime = server.isOk() ? server.value.bootTime : undefined;
  // Within the caller's deadline: what is left of it (the diagnosis settles by it).
  const diagnosis = await diagnoseZoneStorage({
    ...(namedConf !== undefined ? { namedConf } : {}),
    ...(bootTime !== undefined ? { namedBootTime: bootTime } : {}),
    zoneFile: file,
    journalFile,
    servedSerial: served,
    origin: options.zone,
    timeoutMs: Math.max(1, run.deadline - Date.now()),
    signal: run.signal,
    ...(options.namedPid !== undefined ? { namedPid: options.namedPid } : {}),
    ...(options.namedBinary !== undefined ? { namedBinary: options.namedBinary } : {}),
    ...(options.trustNamedPid === true ? { trustNamedPid: true } : {}),
  });
  return diagnosis.isOk() ? diagnosis.value : undefined;
}
