/**
 * Reading configuration files from disk, bounded: only regular files, at most
 * {@link MAX_FILE_BYTES}, never blocking on a FIFO or device.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import type { ConfigError, SourceLocation } from '../errors.js';
import { Err, Ok, type Result } from '../result.js';
import { configError, type ProblemExtras, quoteName } from './problems.js';

/** Largest configuration file read, in bytes (4 MiB). */
export const MAX_FILE_BYTES = 4 * 1024 * 1024;

/**
 * Reads a file's contents; used for included files (and, in `loadRndcConf`/`parseKeyFile`,
 * the file itself). Reject (throw) to signal an unreadable file; a Node `SystemError` `code`
 * such as `ENOENT` is reported as such.
 */
export type ReadFileFn = (path: string) => Promise<string | Uint8Array>;

class NotRegularFile extends Error {}
class TooLarge extends Error {}

/** Reads a regular file of at most {@link MAX_FILE_BYTES}. Throws on any problem. */
export const readFileBounded: ReadFileFn = async (path) => {
  const handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new NotRegularFile();
    if (stats.size > MAX_FILE_BYTES) throw new TooLarge();
    const buffer = Buffer.alloc(Math.min(stats.size + 1, MAX_FILE_BYTES + 1));
    let filled = 0;
    while (filled < buffer.length) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    // The file may have grown since stat(); read one more byte than allowed to notice.
    if (filled > MAX_FILE_BYTES) throw new TooLarge();
    return buffer.subarray(0, filled);
  } finally {
    await handle.close();
  }
};

/**
 * UTF-8 with U+FFFD for bad bytes and the BOM dropped, as TextDecoder decodes; Buffer's decoder
 * avoids TextDecoder's setup cost at startup.
 */
function decodeUtf8(bytes: Uint8Array): string {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function explain(error: unknown): { reason: string } & ProblemExtras {
  if (error instanceof NotRegularFile) return { reason: 'not a regular file' };
  if (error instanceof TooLarge) return { reason: `larger than ${MAX_FILE_BYTES} bytes` };
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case 'ENOENT':
      return { reason: 'file not found' };
    case 'EACCES':
    case 'EPERM':
      return {
        reason: 'permission denied',
        causes: ['rndc.key and rndc.conf are normally readable only by root and the bind group'],
        remedy: 'run as root or as a member of the bind group, or point to a copy you can read',
      };
    case 'EISDIR':
      return { reason: 'is a directory' };
    case 'ELOOP':
      return { reason: 'too many levels of symbolic links' };
    default:
      return { reason: typeof code === 'string' ? code : String(error) };
  }
}

/**
 * Reads and decodes (UTF-8) one configuration file. `includedFrom` is the `include` statement
 * that named it, so the error points there. Errors have kind `file-unreadable`.
 */
export async function readConfigText(
  path: string,
  readFile: ReadFileFn = readFileBounded,
  includedFrom?: SourceLocation,
): Promise<Result<string, ConfigError>> {
  let content: string | Uint8Array;
  try {
    content = await readFile(path);
  } catch (error) {
    const { reason, ...extras } = explain(error);
    const text = includedFrom
      ? `include ${quoteName(path)}: ${reason}`
      : `cannot read ${quoteName(path)}: ${reason}`;
    return Err(configError('file-unreadable', includedFrom, text, { ...extras, cause: error }));
  }
  const text = typeof content === 'string' ? content : decodeUtf8(content);
  if (text.length > MAX_FILE_BYTES) {
    const text2 = `${quoteName(path)} is larger than ${MAX_FILE_BYTES} bytes`;
    return Err(configError('file-unreadable', includedFrom, text2));
  }
  return Ok(text);
}
