/**
 * What the watcher reads from disk per scrape, cheaply: a zone file's serial only when its
 * mtime, size or inode changed since the last read; a journal's size and mtime (one stat); the
 * `tmp-XXXXXXXXXX` files of a failed dump, one bounded directory scan per directory per scrape.
 */
import { lstat, opendir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isNamedTmpFile } from '../dump/tmp-name.js';
import { readZoneFileSerial } from '../dump/zonefile.js';
import { openRegularFile } from '../files/regular-file.js';

/** A zone file as last read. */
export interface FileSerialState {
  readonly serial: number | undefined;
  /** Seconds since the epoch. */
  readonly mtime: number | undefined;
  readonly problem: string | undefined;
}

/** Tmp files of one directory. */
export interface TmpFiles {
  /** The files found (at most {@link MAX_TMP_LISTED}), with their mtimes in seconds. */
  readonly files: readonly { readonly path: string; readonly mtime: number }[];
  readonly problem: string | undefined;
}

/** Most tmp files listed per directory. */
export const MAX_TMP_LISTED = 10_000;
/** Bytes of a tmp file looked at to find which zone it is a dump of. */
const TMP_PEEK_BYTES = 4096;

/** Most entries looked at per directory scan. */
export const MAX_DIR_ENTRIES = 100_000;
/** Most bytes read to find a zone file's SOA. */
const MAX_ZONE_BYTES = 16 * 1024 * 1024;

interface CachedFile {
  readonly mtimeMs: number;
  readonly size: number;
  readonly ino: number;
  readonly dev: number;
  readonly state: FileSerialState;
}

/** Caches zone-file serials by (path, mtime, size, inode). */
export class FileSerialCache {
  readonly #cache = new Map<string, CachedFile>();

  /** The serial of `path` for zone `origin`, read again only when the file changed. Never rejects. */
  async read(
    path: string,
    origin: string,
    zoneClass: string,
    baseDir: string | undefined,
    deadline: number,
  ): Promise<FileSerialState> {
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(path);
    } catch (error) {
      this.#cache.delete(path);
      return { serial: undefined, mtime: undefined, problem: errnoText(path, error) };
    }
    const mtime = info.mtimeMs / 1000;
    if (!info.isFile()) {
      return { serial: undefined, mtime, problem: `${path} is not a regular file` };
    }
    const cached = this.#cache.get(path);
    if (
      cached &&
      cached.mtimeMs === info.mtimeMs &&
      cached.size === info.size &&
      cached.ino === info.ino &&
      cached.dev === info.dev
    )
      return cached.state;
    const read = await readZoneFileSerial(path, {
      origin,
      class: zoneClass,
      ...(baseDir !== undefined ? { baseDir } : {}),
      maxBytes: MAX_ZONE_BYTES,
      deadline,
    });
    const state: FileSerialState = read.isOk()
      ? { serial: read.value.serial, mtime, problem: undefined }
      : { serial: undefined, mtime, problem: read.error.message };
    // A timeout is not a fact about the file: read it again next time.
    if (!(read.isErr() && read.error.kind === 'timeout')) {
      this.#cache.set(path, {
        mtimeMs: info.mtimeMs,
        size: info.size,
        ino: info.ino,
        dev: info.dev,
        state,
      });
    }
    return state;
  }

  /** Forgets files no longer watched. */
  retain(paths: ReadonlySet<string>): void {
    for (const path of this.#cache.keys()) if (!paths.has(path)) this.#cache.delete(path);
  }
}

/** Size and mtime of a journal; absent is not a problem (no update since the last dump). */
export async function journalState(
  path: string,
): Promise<{ bytes: number; mtime: number | undefined; problem: string | undefined }> {
  try {
    const info = await lstat(path);
    if (!info.isFile())
      return { bytes: 0, mtime: undefined, problem: `${path} is not a regular file` };
    return { bytes: info.size, mtime: info.mtimeMs / 1000, problem: undefined };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { bytes: 0, mtime: undefined, problem: undefined };
    return { bytes: 0, mtime: undefined, problem: errnoText(path, error) };
  }
}

/** Lists named's tmp files in `dir` (bounded scan). Never rejects. */
export async function scanTmpFiles(dir: string): Promise<TmpFiles> {
  const files: { path: string; mtime: number }[] = [];
  let seen = 0;
  try {
    const handle = await opendir(dir, { bufferSize: 256 });
    try {
      for await (const entry of handle) {
        if (++seen > MAX_DIR_ENTRIES || files.length >= MAX_TMP_LISTED) break;
        if (!isNamedTmpFile(entry.name) || !entry.isFile()) continue;
        const path = join(dir, entry.name);
        const info = await lstat(path).catch(() => undefined);
        if (info) files.push({ path, mtime: info.mtimeMs / 1000 });
      }
    } finally {
      // for-await closes the handle when it ends; a break leaves it to close here.
      await handle.close().catch(() => {});
    }
  } catch (error) {
    return { files, problem: errnoText(dir, error) };
  }
  return { files, problem: undefined };
}

/**
 * The zone a tmp file is a dump of, from its first record: named's text dumps start with
 * `$ORIGIN .` and the apex SOA under its absolute name. Undefined for raw dumps or anything
 * else. Reads at most 4 KiB. Never rejects.
 */
export async function tmpFileZone(path: string): Promise<string | undefined> {
  const opened = await openRegularFile(path, { followSymlinks: false });
  if (opened.isErr()) return undefined;
  try {
    const buffer = Buffer.alloc(TMP_PEEK_BYTES);
    const { bytesRead } = await opened.value.handle.read(buffer, 0, TMP_PEEK_BYTES, 0);
    if (bytesRead === 0 || buffer[0] === 0) return undefined;
    let origin = '';
    for (const line of buffer.subarray(0, bytesRead).toString('latin1').split('\n').slice(0, 20)) {
      if (line.startsWith('$ORIGIN')) {
        origin = (line.split(/\s+/)[1] ?? '').toLowerCase();
        continue;
      }
      if (line === '' || line.startsWith('$') || line.startsWith(';') || /^\s/.test(line)) continue;
      const owner = (line.split(/\s+/)[0] ?? '').toLowerCase();
      const absolute = owner.endsWith('.') ? owner : `${owner}.${origin === '.' ? '' : origin}`;
      return absolute === '.' ? '.' : absolute.replace(/\.$/, '');
    }
    return undefined;
  } catch {
    return undefined;
  } finally {
    await opened.value.handle.close().catch(() => {});
  }
}

function errnoText(path: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return `${path} does not exist`;
  if (code === 'EACCES') return `${path} cannot be read (permission denied)`;
  return `${path} cannot be read (${code ?? String(error)})`;
}
