/**
 * Opening and reading files that someone else controls — named's directory, its log, its zone
 * files and journals — without ever blocking on them.
 *
 * named's user owns the zone directory, so whoever runs as that user can put a FIFO, a socket
 * or a device where a journal or zone file is expected. A plain `open()` of a FIFO with no
 * writer blocks forever, and with it a libuv threadpool thread: after four of them every
 * `fs` call of the process waits. So every read of such a file here:
 *
 * - `lstat()`s the path first and refuses anything that is not a regular file (a symbolic link
 *   is followed only when the caller allows it, and its target is checked the same way);
 * - opens with `O_NONBLOCK | O_NOCTTY` (a FIFO or device then cannot block the open, and a
 *   terminal cannot become our controlling terminal), then `fstat()`s the descriptor and checks
 *   it is the same regular file (device + inode) as the `lstat()` saw: a swap between the two
 *   is refused, not followed;
 * - reads at most `maxBytes`, and stops at the caller's deadline or signal.
 *
 * Errors are values: {@link FileProblem} says what was found, for the caller's own error type.
 */
import { constants, type Stats } from 'node:fs';
import { type FileHandle, lstat, open, stat } from 'node:fs/promises';
import { Err, Ok, type Result } from '../result.js';

/** What kind of thing was found where a regular file was expected. */
export type FileType =
  | 'directory'
  | 'FIFO'
  | 'socket'
  | 'character device'
  | 'block device'
  | 'symbolic link'
  | 'unknown';

/** Why a file could not be opened or read. */
export type FileProblem =
  /** Nothing at that path (ENOENT, ENOTDIR). */
  | { readonly kind: 'not-found'; readonly path: string; readonly code: string }
  /** Something other than a regular file (a FIFO planted in place of a journal…). */
  | { readonly kind: 'not-regular'; readonly path: string; readonly type: FileType }
  /** The path changed between the check and the open (another process swapped it). */
  | { readonly kind: 'changed'; readonly path: string }
  /** Larger than the caller's bound. */
  | {
      readonly kind: 'too-large';
      readonly path: string;
      readonly size: number;
      readonly limit: number;
    }
  /** The caller's deadline passed or its signal aborted. */
  | { readonly kind: 'timeout'; readonly path: string }
  /** Any other system error (EACCES, EIO, ELOOP…). */
  | {
      readonly kind: 'unreadable';
      readonly path: string;
      readonly code: string;
      readonly cause: unknown;
    };

/** A regular file opened by {@link openRegularFile}. Close `handle` when done. */
export interface OpenedFile {
  readonly handle: FileHandle;
  /** `fstat()` of the open descriptor. */
  readonly stats: Stats;
}

/** Options of {@link openRegularFile}. */
export interface OpenRegularOptions {
  /**
   * Follow a symbolic link at `path` (its target must be a regular file too). Default true:
   * Kubernetes ConfigMap files are symbolic links to `..data/…`.
   */
  readonly followSymlinks?: boolean | undefined;
}

/** Describes a stat result's file type. */
export function fileType(stats: Stats): FileType | 'file' {
  if (stats.isFile()) return 'file';
  if (stats.isDirectory()) return 'directory';
  if (stats.isFIFO()) return 'FIFO';
  if (stats.isSocket()) return 'socket';
  if (stats.isCharacterDevice()) return 'character device';
  if (stats.isBlockDevice()) return 'block device';
  if (stats.isSymbolicLink()) return 'symbolic link';
  return 'unknown';
}

/** One sentence for a {@link FileProblem}: `/x/y.jnl is a FIFO, not a regular file`. */
export function describeFileProblem(problem: FileProblem): string {
  switch (problem.kind) {
    case 'not-found':
      return problem.code === 'EINVAL'
        ? `${JSON.stringify(problem.path)} is not a path (it contains a NUL byte)`
        : `${problem.path} does not exist`;
    case 'not-regular':
      return `${problem.path} is a ${problem.type}, not a regular file`;
    case 'changed':
      return `${problem.path} was replaced while it was being opened`;
    case 'too-large':
      return `${problem.path} is larger than ${problem.limit} bytes (${problem.size})`;
    case 'timeout':
      return `reading ${problem.path} did not finish before the deadline`;
    case 'unreadable':
      return `${problem.path} cannot be read (${problem.code})`;
  }
}

/** Opens flags: read-only, never blocking on a FIFO or device, never taking a terminal. */
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY;

/**
 * Opens `path` for reading only if it is a regular file, without ever blocking (see the module
 * comment). Never throws.
 */
export async function openRegularFile(
  path: string,
  options: OpenRegularOptions = {},
): Promise<Result<OpenedFile, FileProblem>> {
  // A path with a NUL byte (from an attacker's `$INCLUDE`, say) names no file: the kernel cannot
  // even be asked, and Node would reject with a TypeError rather than a system error.
  if (path.includes('\0')) return Err({ kind: 'not-found', path, code: 'EINVAL' });
  let before: Stats;
  try {
    before = await lstat(path);
    if (before.isSymbolicLink()) {
      if (options.followSymlinks === false) {
        return Err({ kind: 'not-regular', path, type: 'symbolic link' });
      }
      before = await stat(path);
    }
  } catch (error) {
    return Err(systemProblem(path, error));
  }
  const type = fileType(before);
  if (type !== 'file') return Err({ kind: 'not-regular', path, type });
  let handle: FileHandle;
  try {
    handle = await open(
      path,
      OPEN_FLAGS | (options.followSymlinks === false ? constants.O_NOFOLLOW : 0),
    );
  } catch (error) {
    return Err(systemProblem(path, error));
  }
  try {
    const stats = await handle.stat();
    const openedType = fileType(stats);
    if (openedType !== 'file') {
      await handle.close().catch(() => {});
      return Err({ kind: 'not-regular', path, type: openedType });
    }
    if (stats.dev !== before.dev || stats.ino !== before.ino) {
      await handle.close().catch(() => {});
      return Err({ kind: 'changed', path });
    }
    return Ok({ handle, stats });
  } catch (error) {
    await handle.close().catch(() => {});
    return Err(systemProblem(path, error));
  }
}

/** Options of {@link readRegularFile}. */
export interface ReadRegularOptions extends OpenRegularOptions {
  /** Largest size read; a larger file is `too-large` (nothing is read). */
  readonly maxBytes: number;
  /** Absolute deadline, `Date.now()` milliseconds: reading stops with `timeout`. */
  readonly deadline?: number | undefined;
  readonly signal?: AbortSignal | undefined;
}

/** A file read whole by {@link readRegularFile}. */
export interface RegularFileContent {
  readonly bytes: Buffer;
  /** `fstat()` of the descriptor that was read. */
  readonly stats: Stats;
}

/** Largest single read: keeps a slow file interruptible between reads. */
const CHUNK = 256 * 1024;

/**
 * Reads a whole regular file of at most `maxBytes`, within the deadline. A file that grows past
 * the bound while it is read is `too-large`. Never throws.
 */
export async function readRegularFile(
  path: string,
  options: ReadRegularOptions,
): Promise<Result<RegularFileContent, FileProblem>> {
  const opened = await openRegularFile(path, options);
  if (opened.isErr()) return opened;
  const { handle, stats } = opened.value;
  try {
    if (stats.size > options.maxBytes) {
      return Err({ kind: 'too-large', path, size: stats.size, limit: options.maxBytes });
    }
    // One byte more than allowed, to notice a file that grew since fstat().
    const buffer = Buffer.alloc(Math.min(stats.size, options.maxBytes) + 1);
    let filled = 0;
    while (filled < buffer.length) {
      if (expired(options)) return Err({ kind: 'timeout', path });
      const { bytesRead } = await handle.read(
        buffer,
        filled,
        Math.min(CHUNK, buffer.length - filled),
        filled,
      );
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    if (filled > options.maxBytes) {
      return Err({ kind: 'too-large', path, size: filled, limit: options.maxBytes });
    }
    return Ok({ bytes: buffer.subarray(0, filled), stats });
  } catch (error) {
    return Err(systemProblem(path, error));
  } finally {
    await handle.close().catch(() => {});
  }
}

/** Whether the caller's deadline has passed or its signal aborted. */
function expired(options: {
  deadline?: number | undefined;
  signal?: AbortSignal | undefined;
}): boolean {
  return (
    options.signal?.aborted === true ||
    (options.deadline !== undefined && Date.now() >= options.deadline)
  );
}

function systemProblem(path: string, error: unknown): FileProblem {
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? String(error);
  if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'not-found', path, code };
  if (code === 'ELOOP' || code === 'EMLINK') {
    // O_NOFOLLOW on a symbolic link.
    return { kind: 'not-regular', path, type: 'symbolic link' };
  }
  return { kind: 'unreadable', path, code, cause: error };
}
