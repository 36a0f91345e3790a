/**
 * removeStaleTmpFiles(): removes the `tmp-XXXXXXXXXX` files that failed dumps left next to a
 * zone file — and only those that a later, proven dump has made useless.
 *
 * named writes a dump to `tmp-XXXXXXXXXX` in the zone file's directory and renames it over the
 * zone file (BIND 9.18 `isc_file_template` + `dns_master_dumpasync`); when a step after the
 * create fails (rename onto a mount point: EBUSY; a sticky directory; ENOSPC) the temp file
 * stays, one per attempt, and named never deletes it. Such a file may be the only complete copy
 * of the zone (after a `sync -clean`), so one is removed only when all of these hold:
 *
 * 1. **The zone is proven current**: the zone file is a regular file (not a symlink, not a mount
 *    point) whose SOA serial equals the serial `rndc zonestatus` reports, and it did not change
 *    while it was read. Its mtime is then
 *    the time of a dump that holds everything named served (a rename keeps the temp file's
 *    mtime). Without that proof nothing is removed — in particular not the newest temp file.
 * 2. The temp file was written before that dump (mtime strictly older than the zone file's) and
 *    at least a minute ago (not another zone's dump in progress).
 * 3. It holds this zone (its apex SOA is this zone's) at a serial the zone file already has
 *    (equal or older, RFC 1982). A temp file of another zone sharing the directory, a newer
 *    serial, or content that cannot be read is kept. An empty file holds nothing and may go.
 * 4. It is a regular file (`lstat`: a symbolic link is never followed to its target, a directory
 *    or FIFO is never touched), its name is exactly `tmp-` and ten letters or digits, and it is
 *    in the zone file's own directory (symlinks of that path resolved once, at the start).
 * 5. Right before `unlink()`, `lstat` shows the same file (device, inode, size, mtime) and the
 *    directory is the same directory.
 *
 * Node has no `unlinkat()`, so step 5 leaves a window of microseconds in which a process that can
 * write the directory could rename another file into place; the unlink would then remove that
 * one. Such a process can delete any file of that directory itself, so it gains nothing it did
 * not have; the window is documented rather than closed.
 *
 * The listing is read entry by entry and bounded (entries, files examined, time): named's user
 * can put millions of files there. Paths are in this process's view: run it where named's files
 * are (named's host or container).
 */
import type { BigIntStats, Stats } from 'node:fs';
import { lstat, opendir, realpath, unlink } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { settleWorkBy } from '../deadline.js';
import { RndcLibraryError } from '../errors.js';
import { fileType } from '../files/regular-file.js';
import { Err, Ok, type Result } from '../result.js';
import { serialBefore } from '../serial.js';
import { isMountPoint, parseMountInfo } from './mountinfo.js';
import { namedDirectory } from './named-config.js';
import { readText } from './named-process.js';
import { isNamedTmpFile } from './tmp-name.js';
import type { ZoneOnDisk } from './verify.js';
import { readZoneFileSerial } from './zonefile.js';

// ---------------------------------------------------------------------------------------------
// Public types

/** Options of {@link removeStaleTmpFiles}. */
export interface RemoveStaleTmpFilesOptions extends ZoneOnDisk {
  /** Decide and report, remove nothing (each file that would go is `would-remove`). */
  readonly dryRun?: boolean | undefined;
  /** The call settles by this many milliseconds. Default 30 000. */
  readonly timeoutMs?: number | undefined;
  /** Aborting stops the removals at once (files already removed stay removed). */
  readonly signal?: AbortSignal | undefined;
}

/** What happened to one `tmp-*` entry. */
export type TmpFileVerdict = 'removed' | 'would-remove' | 'kept';

/** Why a `tmp-*` entry was kept. */
export type TmpKeptReason =
  /** The zone file is not proven to hold the served serial: nothing is removed. */
  | 'zone-not-current'
  /** Written at or after the zone file's last proven dump: a later dump (in progress or failed). */
  | 'newer-than-dump'
  /** Written less than a minute ago: possibly a dump in progress (of any zone in the directory). */
  | 'in-flight'
  /** Not this zone at a serial the zone file holds: another zone's, newer, or unreadable. */
  | 'other-content'
  /** A symbolic link, directory, FIFO…: named never leaves those; not touched. */
  | 'not-regular'
  /** Replaced between the check and the removal. */
  | 'changed'
  /** `unlink()` failed (permissions, read-only file system). */
  | 'remove-failed'
  /** Not examined before the deadline or the caller's signal. */
  | 'not-examined';

/** One `tmp-*` entry of the zone directory and what was done with it. */
export interface TmpFileOutcome {
  /** File name (`tmp-XXXXXXXXXX`). */
  readonly name: string;
  /** Its path. */
  readonly path: string;
  /** Removed, would be removed (dry run), or kept. */
  readonly verdict: TmpFileVerdict;
  /** Why it was kept (`verdict` `kept` only). */
  readonly reason?: TmpKeptReason;
  /** Why, in words. */
  readonly detail: string;
  /** What it is (`lstat`): `file`, `directory`, `symbolic link`, `FIFO`, `socket`, … */
  readonly type: string;
  /** Size in bytes (regular files). */
  readonly size?: number;
  /** Modification time. */
  readonly mtime?: Date;
  /** The SOA serial of this zone it holds, when read. */
  readonly serial?: number;
}

/** The outcome of {@link removeStaleTmpFiles}. */
export interface TmpCleanReport {
  /** The zone. */
  readonly zone: string;
  /** The zone file, absolute. */
  readonly zoneFile: string;
  /** The directory examined: the zone file's, symlinks resolved. */
  readonly zoneDir: string;
  /** The serial named serves (`zonestatus`). */
  readonly servedSerial: number;
  /** The serial in the zone file, when readable. */
  readonly fileSerial?: number;
  /** When the zone file was written (its mtime). */
  readonly zoneFileWritten?: Date;
  /** The zone file holds the served serial: a proven dump; files older than it may go. */
  readonly current: boolean;
  /** Why the zone is, or is not, proven current. */
  readonly currentDetail: string;
  /** Nothing was removed on purpose. */
  readonly dryRun: boolean;
  /** Every `tmp-*` entry examined (or not), oldest first (non-files last). */
  readonly files: readonly TmpFileOutcome[];
  /** How many were removed (`would-remove` in a dry run). */
  readonly removed: number;
  /** How many were kept. */
  readonly kept: number;
  /** The directory listing stopped early (too many entries, the deadline): run again. */
  readonly listingIncomplete: boolean;
}

/** Why the leftovers could not be examined at all. */
export type TmpCleanErrorKind =
  | 'invalid-argument'
  /** `zonestatus` failed (no such zone, control channel down). */
  | 'zone-status'
  /** The zone file's path is unknown or cannot be resolved. */
  | 'zone-file-unknown'
  /** The zone directory does not exist or cannot be read. */
  | 'zone-dir-unreadable'
  /** Not finished by `timeoutMs` (a hung file system); files may have been removed already. */
  | 'timeout'
  /** The caller's signal aborted; files may have been removed already. */
  | 'aborted';

/** The leftovers could not be examined. */
export class TmpCleanError extends RndcLibraryError<TmpCleanErrorKind> {
  /** The zone concerned. */
  readonly zone: string | undefined;

  constructor(details: {
    kind: TmpCleanErrorKind;
    message: string;
    causes?: readonly string[];
    remedy?: string;
    cause?: unknown;
    zone?: string;
  }) {
    super(details);
    this.zone = details.zone;
  }
}

// ---------------------------------------------------------------------------------------------
// Constants

/** Most directory entries read (named's user can fill the directory). */
const MAX_DIR_ENTRIES = 1 << 20;
/** Most `tmp-*` entries examined in one call; the rest wait for the next. */
const MAX_TMP_ENTRIES = 10_000;
/** A temp file younger than this may be a dump in progress (named writes it, then renames). */
const IN_FLIGHT_MS = 60_000;
/** Most bytes read from a temp file to find its SOA (named dumps the apex SOA first). */
const MAX_TMP_READ_BYTES = 1 << 20;
const DEFAULT_TIMEOUT_MS = 30_000;

// ---------------------------------------------------------------------------------------------
// Entry point

/**
 * Removes the `tmp-XXXXXXXXXX` files that failed dumps of `zone` left in its zone file's
 * directory, once a later dump is proven (the zone file holds the serial named serves) — see
 * the module comment for every rule. Each entry's outcome is reported, kept ones with the reason.
 * A zone not proven current is not an error: nothing is removed and `current` is false.
 *
 * Never throws.
 *
 * @example
 * const r = await removeStaleTmpFiles({ rndc, zone: 'dyn.example.com', dryRun: true });
 * if (r.isOk()) for (const f of r.value.files) console.log(f.verdict, f.name, f.detail);
 */
export function removeStaleTmpFiles(
  options: RemoveStaleTmpFilesOptions,
): Promise<Result<TmpCleanReport, TmpCleanError>> {
  return removeStaleTmpFilesWith(options, {});
}

/**
 * Points inside {@link removeStaleTmpFiles} where tests act as an attacker would (swap a file
 * between the check and the unlink).
 *
 * @internal
 */
export interface TmpCleanHooks {
  /** Called after a file was judged removable, before the last `lstat` and the `unlink`. */
  readonly beforeRecheck?: (path: string) => Promise<void>;
}

/**
 * {@link removeStaleTmpFiles} with test hooks.
 *
 * @internal
 */
export async function removeStaleTmpFilesWith(
  options: RemoveStaleTmpFilesOptions,
  hooks: TmpCleanHooks,
): Promise<Result<TmpCleanReport, TmpCleanError>> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    return Err(
      new TmpCleanError({
        kind: 'invalid-argument',
        message: `timeoutMs must be a positive number, got ${options.timeoutMs}`,
        zone: options.zone,
      }),
    );
  }
  const deadline = Date.now() + timeoutMs;
  // The work itself stops examining a little before the deadline, to report what it did; its
  // signal stops it removing once the call has settled, whatever it was waiting on.
  const soft = deadline - Math.min(2000, Math.round(timeoutMs / 10));
  const work = (signal: AbortSignal) =>
    clean(options, soft, signal, hooks).catch(
      (error: unknown) =>
        Err(
          new TmpCleanError({
            kind: 'zone-dir-unreadable',
            message: `removeStaleTmpFiles: unexpected failure: ${String(error)}`,
            cause: error,
            zone: options.zone,
          }),
        ) as Result<TmpCleanReport, TmpCleanError>,
    );
  return settleWorkBy(
    work,
    deadline,
    (why) =>
      Err(
        new TmpCleanError({
          kind: why,
          message:
            why === 'timeout'
              ? `removing the leftover tmp files of ${options.zone} did not finish in ${timeoutMs} ms; some may have been removed`
              : `removing the leftover tmp files of ${options.zone} was aborted; some may have been removed`,
          causes:
            why === 'timeout'
              ? ['a file system that does not answer (hung NFS, FUSE)', 'the machine is overloaded']
              : [],
          remedy: 'run it again (with --dry-run first) to see what is left',
          zone: options.zone,
        }),
      ),
    options.signal,
  );
}

// ---------------------------------------------------------------------------------------------
// The work

interface Proof {
  readonly current: boolean;
  readonly detail: string;
  readonly fileSerial?: number;
  readonly written?: BigIntStats;
}

async function clean(
  options: RemoveStaleTmpFilesOptions,
  deadline: number,
  signal: AbortSignal,
  hooks: TmpCleanHooks,
): Promise<Result<TmpCleanReport, TmpCleanError>> {
  const { zone } = options;
  const expired = () => signal.aborted || Date.now() >= deadline;
  const zoneRef = {
    ...(options.class !== undefined ? { class: options.class } : {}),
    ...(options.view !== undefined ? { view: options.view } : {}),
  };
  const status = await options.rndc.zonestatus(zone, {
    ...zoneRef,
    signal,
    timeoutMs: Math.max(1, deadline - Date.now()),
  });
  if (status.isErr()) {
    return Err(
      new TmpCleanError({
        kind: 'zone-status',
        message: `rndc zonestatus ${zone} failed: ${status.error.message}`,
        causes: status.error.causes,
        remedy: status.error.remedy,
        cause: status.error,
        zone,
      }),
    );
  }
  const servedSerial = status.value.serial;
  if (servedSerial === undefined) {
    return Err(
      new TmpCleanError({
        kind: 'zone-status',
        message: `named serves no serial for ${zone} (zonestatus has none): the zone is not loaded`,
        remedy: 'load the zone first; nothing is removed without comparing with what named serves',
        zone,
      }),
    );
  }
  const zoneFile = await resolveZoneFile(options, status.value.files[0], deadline, signal);
  if (zoneFile.isErr()) return zoneFile;

  // The directory named writes its temp files in: the zone file's, as configured (named does not
  // follow a symlinked zone file to its target's directory). Resolved once; every path below is
  // a name from its listing joined to it.
  let zoneDir: string;
  let dirStat: BigIntStats;
  try {
    zoneDir = await realpath(dirname(zoneFile.value));
    dirStat = await lstat(zoneDir, { bigint: true });
    if (!dirStat.isDirectory()) throw new Error(`${zoneDir} is not a directory`);
  } catch (error) {
    return Err(
      new TmpCleanError({
        kind: 'zone-dir-unreadable',
        message: `the zone directory ${dirname(zoneFile.value)} cannot be examined: ${(error as Error).message}`,
        causes: [
          'this process does not see named’s files (another container or mount namespace)',
          'wrong --zone-file / --named-dir',
        ],
        remedy: 'run it where named’s zone files are (named’s host or container)',
        cause: error,
        zone,
      }),
    );
  }
  const zoneFilePath = join(zoneDir, basename(zoneFile.value));

  const proof = await proveCurrent(
    zoneFilePath,
    zone,
    options.class,
    servedSerial,
    deadline,
    signal,
  );

  const listed = await listTmpEntries(zoneDir, expired);
  if (listed.isErr()) {
    return Err(
      new TmpCleanError({
        kind: 'zone-dir-unreadable',
        message: `cannot list ${zoneDir}: ${listed.error}`,
        remedy: 'run it as a user that can read named’s zone directory (named’s user or root)',
        zone,
      }),
    );
  }
  const entries = listed.value.entries;
  // Oldest first: removal goes from the oldest, a deadline leaves the newest.
  entries.sort((a, b) => {
    const am = a.stat?.mtimeNs ?? 0n;
    const bm = b.stat?.mtimeNs ?? 0n;
    return am < bm ? -1 : am > bm ? 1 : 0;
  });

  const files: TmpFileOutcome[] = [];
  let dirChanged = false;
  for (const entry of entries) {
    const path = join(zoneDir, entry.name);
    const st = entry.stat;
    const base = {
      name: entry.name,
      path,
      type: st ? fileType(st as unknown as Stats) : ('unknown' as const),
      ...(st?.isFile() ? { size: Number(st.size), mtime: new Date(Number(st.mtimeMs)) } : {}),
    };
    const keep = (reason: TmpKeptReason, detail: string, serial?: number): void => {
      files.push({
        ...base,
        verdict: 'kept',
        reason,
        detail,
        ...(serial !== undefined ? { serial } : {}),
      });
    };
    if (!st) {
      keep('changed', 'gone or unreadable by the time it was examined');
      continue;
    }
    if (!st.isFile()) {
      keep(
        'not-regular',
        `a ${base.type}, not a regular file: named never leaves one; not touched`,
      );
      continue;
    }
    if (dirChanged || expired()) {
      keep(
        'not-examined',
        dirChanged ? 'the directory was replaced meanwhile' : 'not examined before the deadline',
      );
      continue;
    }
    if (!proof.current || proof.written === undefined || proof.fileSerial === undefined) {
      keep(
        'zone-not-current',
        'the zone is not proven current (the report says why): nothing is removed',
      );
      continue;
    }
    if (Date.now() - Number(st.mtimeMs) < IN_FLIGHT_MS) {
      keep('in-flight', 'written less than a minute ago: possibly a dump in progress');
      continue;
    }
    if (st.mtimeNs >= proof.written.mtimeNs) {
      keep(
        'newer-than-dump',
        'written at or after the zone file: a later dump (in progress, or failing since the last good one)',
      );
      continue;
    }
    let serial: number | undefined;
    if (st.size > 0n) {
      const read = await readZoneFileSerial(path, {
        origin: zone,
        ...(options.class !== undefined ? { class: options.class } : {}),
        maxIncludes: 0,
        maxBytes: MAX_TMP_READ_BYTES,
        deadline,
        signal,
      });
      if (read.isErr()) {
        keep(
          'other-content',
          `not readable as a dump of ${zone} (${read.error.kind}: ${read.error.message}): another zone's, or damaged; not touched`,
        );
        continue;
      }
      serial = read.value.serial;
      if (serial !== proof.fileSerial && !serialBefore(serial, proof.fileSerial)) {
        keep(
          'other-content',
          `holds serial ${serial}, not older than the zone file's ${proof.fileSerial}: not covered by the proven dump`,
          serial,
        );
        continue;
      }
    }
    await hooks.beforeRecheck?.(path);
    // Right before the unlink: the same file, in the same directory.
    const again = await lstat(path, { bigint: true }).catch(() => undefined);
    const dirAgain = await lstat(zoneDir, { bigint: true }).catch(() => undefined);
    if (!dirAgain || dirAgain.dev !== dirStat.dev || dirAgain.ino !== dirStat.ino) {
      dirChanged = true;
      keep('changed', 'the directory was replaced meanwhile: not touched', serial);
      continue;
    }
    if (
      !again?.isFile() ||
      again.dev !== st.dev ||
      again.ino !== st.ino ||
      again.size !== st.size ||
      again.mtimeNs !== st.mtimeNs
    ) {
      keep('changed', 'replaced or modified while it was examined: not touched', serial);
      continue;
    }
    const why =
      serial === undefined
        ? 'empty, and older than the proven dump'
        : `holds serial ${serial}${serial === proof.fileSerial ? ' (the zone file has it too)' : `, older than the zone file's ${proof.fileSerial}`}, written before the proven dump`;
    if (options.dryRun === true) {
      files.push({
        ...base,
        verdict: 'would-remove',
        detail: why,
        ...(serial !== undefined ? { serial } : {}),
      });
      continue;
    }
    if (signal.aborted) {
      keep('not-examined', 'stopped before removing it (deadline or signal)', serial);
      continue;
    }
    try {
      await unlink(path);
      files.push({
        ...base,
        verdict: 'removed',
        detail: why,
        ...(serial !== undefined ? { serial } : {}),
      });
    } catch (error) {
      keep(
        'remove-failed',
        `unlink failed: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
        serial,
      );
    }
  }
  const removed = files.filter((f) => f.verdict !== 'kept').length;
  return Ok({
    zone,
    zoneFile: zoneFilePath,
    zoneDir,
    servedSerial,
    ...(proof.fileSerial !== undefined ? { fileSerial: proof.fileSerial } : {}),
    ...(proof.written ? { zoneFileWritten: new Date(Number(proof.written.mtimeMs)) } : {}),
    current: proof.current,
    currentDetail: proof.detail,
    dryRun: options.dryRun === true,
    files,
    removed,
    kept: files.length - removed,
    listingIncomplete: listed.value.incomplete,
  });
}

/** The zone file holds the served serial, read from a regular file that did not change meanwhile. */
async function proveCurrent(
  zoneFile: string,
  zone: string,
  zoneClass: string | undefined,
  servedSerial: number,
  deadline: number,
  signal: AbortSignal,
): Promise<Proof> {
  const before = await lstat(zoneFile, { bigint: true }).catch(() => undefined);
  if (!before) return { current: false, detail: `${zoneFile} cannot be examined` };
  if (!before.isFile()) {
    const type = fileType(before as unknown as Stats);
    return {
      current: false,
      detail:
        type === 'symbolic link'
          ? `${zoneFile} is a symbolic link: named has not dumped the zone since it was loaded (a dump replaces the link with a file)`
          : `${zoneFile} is a ${type}, not a regular file`,
    };
  }
  // A file mounted onto the zone file (Kubernetes subPath, Docker -v file:file) is not named's
  // dump: rename() onto it fails with EBUSY, so no dump can ever have written it.
  const mounts = parseMountInfo((await readText('/proc/self/mountinfo')) ?? '');
  if (mounts.isOk() && isMountPoint(mounts.value, zoneFile)) {
    return {
      current: false,
      detail: `${zoneFile} is a mount point: named cannot rename a dump over it, so it proves no dump (the newest tmp file may hold the zone as named serves it)`,
    };
  }
  const read = await readZoneFileSerial(zoneFile, {
    origin: zone,
    ...(zoneClass !== undefined ? { class: zoneClass } : {}),
    maxIncludes: 0,
    deadline,
    signal,
  });
  if (read.isErr()) {
    return {
      current: false,
      detail: `the zone file's serial cannot be read: ${read.error.message}`,
    };
  }
  const after = await lstat(zoneFile, { bigint: true }).catch(() => undefined);
  if (
    !after ||
    after.ino !== before.ino ||
    after.dev !== before.dev ||
    after.mtimeNs !== before.mtimeNs
  ) {
    return {
      current: false,
      detail: 'the zone file was replaced while it was read (a dump just now?): run again',
    };
  }
  const fileSerial = read.value.serial;
  if (fileSerial !== servedSerial) {
    return {
      current: false,
      fileSerial,
      detail: `the zone file holds serial ${fileSerial}, named serves ${servedSerial}: the last dump did not write what named serves (run \`rndc-js sync ${zone} --verify\` and fix what it reports)`,
    };
  }
  return {
    current: true,
    fileSerial,
    written: after,
    detail: `the zone file holds serial ${fileSerial}, the serial named serves; written ${new Date(Number(after.mtimeMs)).toISOString()}`,
  };
}

interface TmpEntry {
  readonly name: string;
  /** `lstat` at listing time; undefined when it vanished. */
  readonly stat: BigIntStats | undefined;
}

/** The `tmp-*` entries of `dir`, read entry by entry within the bounds. */
async function listTmpEntries(
  dir: string,
  expired: () => boolean,
): Promise<Result<{ entries: TmpEntry[]; incomplete: boolean }, string>> {
  const entries: TmpEntry[] = [];
  let incomplete = false;
  try {
    const handle = await opendir(dir, { bufferSize: 256 });
    try {
      let seen = 0;
      for await (const entry of handle) {
        if (++seen > MAX_DIR_ENTRIES || entries.length >= MAX_TMP_ENTRIES || expired()) {
          incomplete = true;
          break;
        }
        if (!isNamedTmpFile(entry.name)) continue;
        const stat = await lstat(join(dir, entry.name), { bigint: true }).catch(() => undefined);
        entries.push({ name: entry.name, stat });
      }
    } finally {
      await handle.close().catch(() => {});
    }
  } catch (error) {
    return Err((error as NodeJS.ErrnoException).code ?? String(error));
  }
  return Ok({ entries, incomplete });
}

async function resolveZoneFile(
  options: RemoveStaleTmpFilesOptions,
  configured: string | undefined,
  deadline: number,
  signal: AbortSignal,
): Promise<Result<string, TmpCleanError>> {
  const { zone } = options;
  if (options.zoneFile !== undefined) return Ok(resolve(options.zoneFile));
  if (configured === undefined) {
    return Err(
      new TmpCleanError({
        kind: 'zone-file-unknown',
        message: `${zone} has no zone file (zonestatus lists none)`,
        remedy: 'pass the zone file (zoneFile / --zone-file)',
        zone,
      }),
    );
  }
  if (isAbsolute(configured)) return Ok(configured);
  let directory = options.directory;
  if (directory === undefined) {
    const server = await options.rndc.status({
      signal,
      timeoutMs: Math.max(1, deadline - Date.now()),
    });
    const configFile = server.isOk() ? server.value.configurationFile : undefined;
    const found = configFile
      ? await namedDirectory(configFile)
      : Err('rndc status did not name the configuration file');
    if (found.isErr()) {
      return Err(
        new TmpCleanError({
          kind: 'zone-file-unknown',
          message: `the zone file "${configured}" is relative to named's directory, which could not be found: ${found.error}`,
          remedy: 'pass named’s directory (directory / --named-dir) or the zone file (--zone-file)',
          zone,
        }),
      );
    }
    directory = found.value;
  }
  return Ok(resolve(directory, configured));
}
