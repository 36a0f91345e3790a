/**
 * recoverZone(): when named cannot write a zone to disk, put what it serves somewhere safe, and
 * prove the copy: its SOA serial equals the serial named serves, and named-checkzone (BIND's own
 * loader) accepts it where installed.
 *
 * Two sources, tried in this order by default:
 *
 * 1. **a tmp file**: a dump whose `rename()` failed leaves a complete `tmp-XXXXXXXXXX` next to the
 *    zone file (BIND's lib/dns/masterdump.c writes the whole zone there first). The newest one
 *    whose serial is the served serial is *copied* — never moved, so named's state is untouched —
 *    through a descriptor opened without following links and checked to be a regular file; the
 *    copy is refused if the file changed while it was read.
 * 2. **an AXFR** from named ({@link receiveAxfr}): the zone as served, written as a zone file.
 *    BIND 9.20 refuses transfers unless `allow-transfer` allows them; the error says how.
 *
 * The zone file is never written: the output is created with `O_EXCL` (an existing file, or a
 * symbolic link planted at that path, is refused), and a path that is the zone file, its journal
 * or a `tmp-*` name (which named's leftovers share, and a cleanup would delete) is refused before
 * anything is read. A copy that fails a check is removed again: only proven files are left.
 */
import { constants } from 'node:fs';
import { type FileHandle, lstat, open, opendir, realpath, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { settleWorkBy } from '../deadline.js';
import { isNamedTmpFile } from '../dump/tmp-name.js';
import type { ZoneOnDisk } from '../dump/verify.js';
import { snapshotZone } from '../dump/verify.js';
import { readZoneFileSerial } from '../dump/zonefile.js';
import { RndcLibraryError } from '../errors.js';
import { describeFileProblem, openRegularFile } from '../files/regular-file.js';
import type { Key } from '../keys/key.js';
import { Err, Ok, type Result } from '../result.js';
import { type AxfrError, receiveAxfr, recordText } from '../xfr/axfr.js';
import { type CheckzoneOutcome, findCheckzone, runCheckzone } from './checkzone.js';

/** Every way a recovery can fail. */
export type RecoverErrorKind =
  /** The zone's state could not be read (rndc zonestatus, the zone file's path). */
  | 'zone-state'
  /** The output path is the zone file, its journal or a `tmp-*` name. */
  | 'output-refused'
  /** Something already exists at the output path. */
  | 'output-exists'
  /** The output could not be created or written. */
  | 'write-failed'
  /** No tmp file holds the served serial (with `source: 'tmp'`). */
  | 'no-tmp-file'
  /** The tmp file changed while it was copied (a dump in progress, or someone else). */
  | 'source-changed'
  /** The zone transfer failed: `cause` is the {@link AxfrError}. */
  | 'transfer-failed'
  /** The written file's serial is not the served serial. */
  | 'serial-mismatch'
  /** named-checkzone refused the written file. */
  | 'checkzone-failed'
  | 'timeout'
  | 'aborted';

/** A recovery that failed. Nothing is left at `output`: a copy that fails a check is removed. */
export class RecoverError extends RndcLibraryError<RecoverErrorKind> {
  /** The zone asked for. */
  readonly zone: string;
  /** The output path, when it was decided (nothing is left there after a failure). */
  readonly output: string | undefined;

  constructor(
    details: {
      kind: RecoverErrorKind;
      message: string;
      causes?: readonly string[];
      remedy?: string;
      cause?: unknown;
    },
    zone: string,
    output: string | undefined,
  ) {
    super(details);
    this.zone = zone;
    this.output = output;
  }
}

/** Which source to use. */
export type RecoverSource = 'auto' | 'tmp' | 'axfr';

/** Options of {@link recoverZone}. */
export interface RecoverOptions extends ZoneOnDisk {
  /** The zone's journal, when not `<zone file>.jnl` (refused as an output path). */
  readonly journal?: string | undefined;
  /** Output file. Default: `<outDir>/<zone>.recovered-<serial>.zone`. */
  readonly output?: string | undefined;
  /** Directory of the default output file. Default: the process's working directory. */
  readonly outDir?: string | undefined;
  /** `auto` (default): a tmp file with the served serial if there is one, else AXFR. */
  readonly source?: RecoverSource | undefined;
  /** Where to transfer from: named's DNS address and port, and the TSIG key allow-transfer wants. */
  readonly transfer?:
    | {
        /** named's DNS address. Default 127.0.0.1. */
        readonly host?: string | undefined;
        /** named's DNS port. Default 53. */
        readonly port?: number | undefined;
        /** TSIG key for `allow-transfer { key … }`: every message of the answer must verify. */
        readonly key?: Key | undefined;
        /** Bound on the answer's bytes (see `receiveAxfr`). */
        readonly maxBytes?: number | undefined;
        /** Bound on the answer's records. */
        readonly maxRecords?: number | undefined;
        /** Longest wait for each message, in ms. */
        readonly messageTimeoutMs?: number | undefined;
      }
    | undefined;
  /**
   * named-checkzone to run: a path (only root may control it and the directories above it), `false` not to run
   * it, default the first of `/usr/bin`, `/usr/sbin`, `/usr/local/bin`, `/usr/local/sbin`.
   */
  readonly checkzone?: string | false | undefined;
  /** How long the whole call may take. Default 120 s. */
  readonly timeoutMs?: number | undefined;
  /** Stops the call (`aborted`); a copy in progress is removed. */
  readonly signal?: AbortSignal | undefined;
}

/** A proven copy of the zone. */
export interface RecoveredZone {
  /** The zone recovered. */
  readonly zone: string;
  /** The file written (absolute). */
  readonly path: string;
  /** Where its content came from. */
  readonly source:
    | {
        /** A copy of named's own tmp file. */
        readonly kind: 'tmp';
        /** The tmp file copied (left in place). */
        readonly file: string;
        /** Its modification time: when named wrote it. */
        readonly mtime: Date;
      }
    | {
        /** A zone transfer from named. */
        readonly kind: 'axfr';
        /** `host#port`. */
        readonly server: string;
        /** Records written. */
        readonly records: number;
        /** Messages of the answer. */
        readonly messages: number;
        /** Every message verified with the TSIG key. */
        readonly signed: boolean;
      };
  /** The serial in the written file; equal to {@link servedSerial}. */
  readonly serial: number;
  /**
   * The serial named serves (`rndc zonestatus`); for an AXFR of an inline-signing zone, the
   * signed serial (the transfer carries the signed zone).
   */
  readonly servedSerial: number;
  /** The zone file named uses (left untouched). */
  readonly zoneFile: string;
  /** The zone file's own serial, when readable: behind the served serial when dumps fail. */
  readonly zoneFileSerial: number | undefined;
  /** Format of the written file (a tmp file of a `masterfile-format raw` zone is raw). */
  readonly format: 'text' | 'raw';
  /** Size of the written file. */
  readonly bytes: number;
  /** What named-checkzone said; `not-run` with the reason when it was not. */
  readonly checkzone: CheckzoneOutcome;
  /** Tmp files looked at and why they were not used (wrong serial, unreadable…). */
  readonly skipped: readonly string[];
  /** What to do next, one step per line. */
  readonly nextSteps: readonly string[];
}

/** Most directory entries read while looking for tmp files, and most tmp files examined. */
const MAX_DIR_ENTRIES = 1 << 20;
const MAX_TMP_EXAMINED = 64;
/** Largest tmp file copied. */
const MAX_TMP_BYTES = 2 * 1024 * 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 120_000;

/** `dyn.example.com.recovered-2024010107.zone`: the zone name made safe as one file name. */
export function defaultOutputName(zone: string, serial: number): string {
  const name = zone.replace(/\.$/, '') || 'root';
  return `${name.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_')}.recovered-${serial}.zone`;
}

/**
 * Writes a proven copy of what named serves for `zone` (see the module comment). Never
 * overwrites anything; never throws.
 */
export async function recoverZone(
  options: RecoverOptions,
): Promise<Result<RecoveredZone, RecoverError>> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  // The work stops at its next check when the call settles early; a file operation stuck in the
  // kernel (a hung NFS mount) cannot be interrupted, so the call settles without it, and a copy
  // that completes after that is removed: the caller was told there is none.
  let work: Promise<Result<RecoveredZone, RecoverError>> | undefined;
  return settleWorkBy(
    (signal) => {
      work = recoverWithin({ ...options, signal }, deadline);
      return work;
    },
    deadline,
    (why) => {
      void work?.then((late) => {
        if (late.isOk()) void rm(late.value.path, { force: true }).catch(() => {});
      });
      return Err(
        new RecoverError(
          {
            kind: why === 'aborted' ? 'aborted' : 'timeout',
            message:
              why === 'aborted'
                ? `the recovery of ${options.zone} was aborted; nothing was kept`
                : `the recovery of ${options.zone} did not finish within ${timeoutMs} ms; nothing was kept`,
            causes: [
              'a large zone (the transfer or the copy takes longer)',
              'a hung file system, or named not answering',
            ],
            remedy: 'allow more time (--wait SECONDS), and check named and the file systems',
          },
          options.zone,
          undefined,
        ),
      );
    },
    options.signal,
  );
}

async function recoverWithin(
  options: RecoverOptions,
  deadline: number,
): Promise<Result<RecoveredZone, RecoverError>> {
  const left = () => Math.max(1, deadline - Date.now());
  const error = (
    kind: RecoverErrorKind,
    message: string,
    extra: { causes?: readonly string[]; remedy?: string; cause?: unknown; output?: string } = {},
  ) => {
    const { output, ...details } = extra;
    return new RecoverError({ kind, message, ...details }, options.zone, output);
  };

  // 1. What named serves, and where the zone file is.
  const snapshot = await snapshotZone({
    rndc: options.rndc,
    zone: options.zone,
    ...(options.class !== undefined ? { class: options.class } : {}),
    ...(options.view !== undefined ? { view: options.view } : {}),
    ...(options.zoneFile !== undefined ? { zoneFile: options.zoneFile } : {}),
    ...(options.directory !== undefined ? { directory: options.directory } : {}),
    timeoutMs: Math.min(left(), 30_000),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (snapshot.isErr()) {
    return Err(
      error('zone-state', `cannot read the state of ${options.zone}: ${snapshot.error.message}`, {
        causes: snapshot.error.causes,
        remedy: snapshot.error.remedy,
        cause: snapshot.error,
      }),
    );
  }
  const { zoneFile, directory, servedSerial, fileSerial } = snapshot.value;
  if (servedSerial === 0) {
    return Err(
      error(
        'zone-state',
        `rndc zonestatus ${options.zone} gave no serial: the zone is not loaded`,
        {
          remedy: "check the zone name (and class/view), and named's log for load errors",
        },
      ),
    );
  }

  // Inline-signing: named serves (and transfers) the signed zone, whose serial is its own; the
  // zone file and its tmp files hold the unsigned zone.
  const status = await options.rndc.zonestatus(options.zone, {
    ...(options.class !== undefined ? { class: options.class } : {}),
    ...(options.view !== undefined ? { view: options.view } : {}),
    timeoutMs: Math.min(left(), 10_000),
  });
  const signedSerial = status.isOk() ? status.value.signedSerial : undefined;

  // 2. The output path, refused before anything is read when it could hurt named's files.
  const output = resolve(
    options.output ??
      join(options.outDir ?? process.cwd(), defaultOutputName(options.zone, servedSerial)),
  );
  const refused = await refuseOutput(output, zoneFile, options.journal);
  if (refused) {
    return Err(
      error('output-refused', refused, {
        remedy:
          "write the copy anywhere outside named's files (the default is ./ZONE.recovered-SERIAL.zone); put it in place only with the steps printed after a recovery",
        output,
      }),
    );
  }

  // 3. The source: a tmp file with the served serial, else (or on request) an AXFR.
  const source = options.source ?? 'auto';
  const skipped: string[] = [];
  let written: Result<WrittenCopy, RecoverError> | undefined;
  if (source !== 'axfr') {
    const tmp = await newestTmpWithSerial(
      dirname(zoneFile),
      options.zone,
      servedSerial,
      directory,
      deadline,
      options.signal,
      skipped,
    );
    if (tmp) {
      written = await copyTmp(tmp, output, error, options.signal);
    } else if (source === 'tmp') {
      return Err(
        error(
          'no-tmp-file',
          `no tmp-* file in ${dirname(zoneFile)} holds serial ${servedSerial}${skipped.length ? ` (${skipped.join('; ')})` : ''}`,
          {
            causes: [
              "named's dumps fail before a whole tmp file is written (open: the directory is read-only, or write: no space)",
              'the tmp files were removed',
            ],
            remedy:
              'recover with an AXFR instead (--from axfr), which reads the zone from named itself',
            output,
          },
        ),
      );
    }
  }
  if (!written) {
    const transfer = options.transfer ?? {};
    written = await transferTo(output, options.zone, transfer, left(), options.signal, error);
  }
  if (written.isErr()) return Err(written.error);
  const copy = written.value;

  // 4. The proof: serial equality, then named-checkzone.
  const removeAnd = async (e: RecoverError) => {
    await rm(output, { force: true }).catch(() => {});
    return Err(e);
  };
  const read = await readZoneFileSerial(output, {
    origin: options.zone,
    ...(options.class ? { class: options.class } : {}),
    deadline,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (read.isErr()) {
    return removeAnd(
      error(
        'serial-mismatch',
        `the copy's SOA serial cannot be read: ${read.error.message}; the copy was removed`,
        { cause: read.error, output },
      ),
    );
  }
  const transferred = copy.source.kind === 'axfr';
  let served = transferred ? (signedSerial ?? servedSerial) : servedSerial;
  if (read.value.serial !== served) {
    // An update may have come in meanwhile: what named serves now decides.
    const now = await options.rndc.zonestatus(options.zone, {
      ...(options.class !== undefined ? { class: options.class } : {}),
      ...(options.view !== undefined ? { view: options.view } : {}),
      timeoutMs: Math.min(left(), 10_000),
    });
    const again = now.isOk()
      ? transferred
        ? (now.value.signedSerial ?? now.value.serial)
        : now.value.serial
      : undefined;
    if (again !== undefined) served = again;
  }
  if (read.value.serial !== served) {
    return removeAnd(
      error(
        'serial-mismatch',
        `the copy holds serial ${read.value.serial} but named serves ${served}; the copy was removed`,
        {
          causes: ['updates arrived while the copy was made'],
          remedy: 'run the recovery again',
          output,
        },
      ),
    );
  }
  let checkzone: CheckzoneOutcome;
  if (options.checkzone === false) {
    checkzone = { verdict: 'not-run', reason: 'not requested' };
  } else {
    const found = await findCheckzone(options.checkzone);
    checkzone =
      'reason' in found
        ? { verdict: 'not-run', reason: found.reason }
        : await runCheckzone(found.path, options.zone, output, {
            format: read.value.format,
            ...(options.class ? { class: options.class } : {}),
            timeoutMs: Math.min(left(), 60_000),
            signal: options.signal,
          });
  }
  if (checkzone.verdict === 'failed') {
    return removeAnd(
      error(
        'checkzone-failed',
        `named-checkzone refused the copy (exit ${checkzone.exitCode}): ${checkzone.output.split('\n').slice(0, 5).join(' | ')}; the copy was removed`,
        {
          causes: [
            copy.source.kind === 'tmp'
              ? 'the tmp file is incomplete (a dump cut off by a full disk) or damaged'
              : "the zone as served does not pass named-checkzone's checks (it would not load either)",
          ],
          remedy:
            copy.source.kind === 'tmp'
              ? 'recover with an AXFR instead (--from axfr)'
              : 'read the named-checkzone lines above',
          output,
        },
      ),
    );
  }
  if (
    checkzone.verdict === 'passed' &&
    checkzone.serial !== undefined &&
    checkzone.serial !== served
  ) {
    return removeAnd(
      error(
        'serial-mismatch',
        `named-checkzone loaded serial ${checkzone.serial}, named serves ${served}; the copy was removed`,
        { output },
      ),
    );
  }
  return Ok({
    zone: options.zone,
    path: output,
    source: copy.source,
    serial: read.value.serial,
    servedSerial: served,
    zoneFile,
    zoneFileSerial: fileSerial,
    format: read.value.format,
    bytes: copy.bytes,
    checkzone,
    skipped,
    nextSteps: nextSteps(options.zone, output, zoneFile, read.value.format),
  });
}

/** How to put the copy in place, or to let named write it itself once storage is fixed. */
function nextSteps(
  zone: string,
  output: string,
  zoneFile: string,
  format: 'text' | 'raw',
): string[] {
  return [
    `The copy is safe in ${output}; named still serves the zone from memory and its journal.`,
    `Best: fix what makes the dumps fail (rndc-js doctor ${zone}), then \`rndc-js sync ${zone} --verify\`: named writes the file itself and the serials are proven equal.`,
    `To put the copy in place by hand (storage fixed, or the zone file lost): \`rndc freeze ${zone}\` (updates paused), \`cp ${output} ${zoneFile}\`${format === 'raw' ? ' (a raw-format file: the zone must keep masterfile-format raw)' : ''}, \`rndc thaw ${zone}\` (named loads the copy: it holds the served serial, so the journal has nothing newer to replay), then \`rndc-js sync ${zone} --verify\`.`,
    'Keep the copy until a verified sync proves the zone file holds the served serial.',
  ];
}

/** Why `output` must not be written, or undefined. */
async function refuseOutput(
  output: string,
  zoneFile: string,
  journal: string | undefined,
): Promise<string | undefined> {
  const name = basename(output);
  if (/^tmp-/.test(name)) {
    return `${output}: a tmp-* name is what named's dumps leave behind; a cleanup of leftovers could delete it`;
  }
  const real = async (path: string) => {
    const dir = await realpath(dirname(path)).catch(() => dirname(path));
    return join(dir, basename(path));
  };
  const out = await real(output);
  const protectedFiles = [
    { path: zoneFile, what: 'the zone file' },
    { path: `${zoneFile}.jnl`, what: "the zone's journal" },
    { path: `${zoneFile}.signed`, what: 'the signed zone file' },
    ...(journal ? [{ path: resolve(journal), what: "the zone's journal" }] : []),
  ];
  for (const file of protectedFiles) {
    if (out === (await real(file.path)) || output === file.path) {
      return `${output} is ${file.what}: the recovered copy is never written over named's files`;
    }
  }
  return undefined;
}

interface TmpCandidate {
  readonly path: string;
  readonly mtime: Date;
  readonly format: 'text' | 'raw';
}

/** The newest `tmp-*` in `dir` whose serial is `serial`; reasons for the others in `skipped`. */
async function newestTmpWithSerial(
  dir: string,
  zone: string,
  serial: number,
  directory: string | undefined,
  deadline: number,
  signal: AbortSignal | undefined,
  skipped: string[],
): Promise<TmpCandidate | undefined> {
  const found: { path: string; mtime: Date }[] = [];
  try {
    const listing = await opendir(dir, { bufferSize: 256 });
    try {
      let entries = 0;
      for await (const entry of listing) {
        if (++entries > MAX_DIR_ENTRIES || Date.now() >= deadline || signal?.aborted) break;
        if (!isNamedTmpFile(entry.name)) continue;
        const path = join(dir, entry.name);
        const st = await lstat(path).catch(() => undefined);
        if (!st?.isFile()) {
          skipped.push(`${entry.name}: not a regular file`);
          continue;
        }
        found.push({ path, mtime: st.mtime });
      }
    } finally {
      await listing.close().catch(() => {});
    }
  } catch (e) {
    skipped.push(`${dir} cannot be listed (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    return undefined;
  }
  found.sort((a, b) => b.mtime.getTime() - a.mtime.getTime());
  for (const candidate of found.slice(0, MAX_TMP_EXAMINED)) {
    const read = await readZoneFileSerial(candidate.path, {
      origin: zone,
      ...(directory ? { baseDir: directory } : {}),
      deadline,
      ...(signal ? { signal } : {}),
    });
    if (read.isErr()) {
      skipped.push(`${basename(candidate.path)}: ${read.error.message}`);
      continue;
    }
    if (read.value.serial !== serial) {
      skipped.push(`${basename(candidate.path)}: serial ${read.value.serial}, not ${serial}`);
      continue;
    }
    if (read.value.sourceSerial !== undefined) {
      // A dump of an inline-signing zone's signed copy (raw, with the unsigned serial in its
      // header), not of the zone file.
      skipped.push(`${basename(candidate.path)}: a dump of the signed zone, not of the zone file`);
      continue;
    }
    return { ...candidate, format: read.value.format };
  }
  return undefined;
}

interface WrittenCopy {
  readonly source: RecoveredZone['source'];
  readonly bytes: number;
}

type MakeError = (
  kind: RecoverErrorKind,
  message: string,
  extra?: { causes?: readonly string[]; remedy?: string; cause?: unknown; output?: string },
) => RecoverError;

/** Creates `output` exclusively (`O_EXCL`: never an existing file, never through a link). */
async function createOutput(
  output: string,
  makeError: MakeError,
): Promise<Result<FileHandle, RecoverError>> {
  try {
    return Ok(
      await open(
        output,
        constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
        0o644,
      ),
    );
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      return Err(
        makeError('output-exists', `${output} already exists: nothing was written`, {
          remedy: 'choose another --out path, or move the existing file away first',
          output,
        }),
      );
    }
    return Err(
      makeError('write-failed', `cannot create ${output}: ${code ?? (e as Error).message}`, {
        causes:
          code === 'EROFS' || code === 'EACCES'
            ? ['the directory is read-only or not writable by this user']
            : [],
        remedy: 'write it somewhere writable (--out PATH)',
        cause: e,
        output,
      }),
    );
  }
}

/** Copies the tmp file through one descriptor; refuses it if it changed meanwhile. */
async function copyTmp(
  tmp: TmpCandidate,
  output: string,
  makeError: MakeError,
  signal: AbortSignal | undefined,
): Promise<Result<WrittenCopy, RecoverError>> {
  const opened = await openRegularFile(tmp.path, { followSymlinks: false });
  if (opened.isErr()) {
    return Err(
      makeError('source-changed', `${describeFileProblem(opened.error)}: nothing was copied`, {
        output,
      }),
    );
  }
  const { handle: source, stats } = opened.value;
  try {
    if (stats.size > MAX_TMP_BYTES) {
      return Err(
        makeError(
          'write-failed',
          `${tmp.path} is ${stats.size} bytes, over the ${MAX_TMP_BYTES}-byte bound`,
          { output },
        ),
      );
    }
    const created = await createOutput(output, makeError);
    if (created.isErr()) return created;
    const target = created.value;
    let bytes = 0;
    try {
      const buffer = Buffer.alloc(1024 * 1024);
      for (;;) {
        if (signal?.aborted) throw new Error('stopped at the deadline');
        const { bytesRead } = await source.read(buffer, 0, buffer.length, bytes);
        if (bytesRead === 0) break;
        await target.write(buffer, 0, bytesRead);
        bytes += bytesRead;
        if (bytes > MAX_TMP_BYTES)
          throw new Error('the file grew past the bound while it was copied');
      }
      await target.sync();
    } catch (e) {
      await target.close().catch(() => {});
      await rm(output, { force: true }).catch(() => {});
      return Err(
        makeError(
          'write-failed',
          `copying ${tmp.path} to ${output} failed: ${(e as Error).message}; the partial copy was removed`,
          { cause: e, output },
        ),
      );
    }
    await target.close().catch(() => {});
    const after = await source.stat().catch(() => undefined);
    if (!after || after.size !== bytes || after.mtimeMs !== stats.mtimeMs) {
      await rm(output, { force: true }).catch(() => {});
      return Err(
        makeError(
          'source-changed',
          `${tmp.path} changed while it was copied (a dump in progress?); the copy was removed`,
          {
            remedy: 'run the recovery again',
            output,
          },
        ),
      );
    }
    return Ok({ source: { kind: 'tmp', file: tmp.path, mtime: tmp.mtime }, bytes });
  } finally {
    await source.close().catch(() => {});
  }
}

/** Transfers the zone into `output`, one verified message at a time. */
async function transferTo(
  output: string,
  zone: string,
  transfer: NonNullable<RecoverOptions['transfer']>,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  makeError: MakeError,
): Promise<Result<WrittenCopy, RecoverError>> {
  const created = await createOutput(output, makeError);
  if (created.isErr()) return created;
  const target = created.value;
  let bytes = 0;
  const write = async (text: string) => {
    const chunk = Buffer.from(text, 'utf8');
    await target.write(chunk);
    bytes += chunk.length;
  };
  const host = transfer.host ?? '127.0.0.1';
  const port = transfer.port ?? 53;
  let result: Awaited<ReturnType<typeof receiveAxfr>>;
  try {
    await write(
      `; ${zone}: recovered by rndc-js from an AXFR of ${host}#${port} at ${new Date().toISOString()}${transfer.key ? ` (TSIG key ${transfer.key.name}, every message verified)` : ''}\n`,
    );
    result = await receiveAxfr({
      host,
      port,
      zone,
      key: transfer.key,
      timeoutMs,
      ...(transfer.maxBytes !== undefined ? { maxBytes: transfer.maxBytes } : {}),
      ...(transfer.maxRecords !== undefined ? { maxRecords: transfer.maxRecords } : {}),
      ...(transfer.messageTimeoutMs !== undefined
        ? { messageTimeoutMs: transfer.messageTimeoutMs }
        : {}),
      signal,
      onRecords: (records) => write(`${records.map(recordText).join('\n')}\n`),
    });
    if (result.isOk()) await target.sync();
  } catch (e) {
    result = Err(e as AxfrError);
  } finally {
    await target.close().catch(() => {});
  }
  if (result.isErr()) {
    await rm(output, { force: true }).catch(() => {});
    const cause = result.error;
    return Err(
      makeError('transfer-failed', `AXFR of ${zone}: ${cause.message}; nothing was kept`, {
        causes: cause.causes,
        remedy: cause.remedy,
        cause,
        output,
      }),
    );
  }
  const summary = result.value;
  return Ok({
    source: {
      kind: 'axfr',
      server: summary.server,
      records: summary.records,
      messages: summary.messages,
      signed: summary.signed,
    },
    bytes,
  });
}
