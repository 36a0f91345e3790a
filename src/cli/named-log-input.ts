/**
 * `--named-log` of `sync`/`freeze --verify`: a log file, or a stream (`-` for standard input,
 * `/dev/stdin`, a pipe such as `<(kubectl logs -f POD -c named)`, a FIFO).
 *
 * The verification watches a file: it marks its end before the command and reads what named
 * logged after. A stream is copied, as it arrives, into a private temporary file (mode 0600 in a
 * fresh 0700 directory) that the verification watches; the copy is bounded in bytes and ends
 * with the command. The history a stream starts with (`kubectl logs -f` prints the log so far)
 * is let through before the command is sent, so that only later lines count. A stream that ends
 * before the command cannot show what the dump did, and is said to be so — never read as
 * "nothing was logged". A path that does not exist is an error.
 */
import { type FileHandle, lstat, mkdtemp, open, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Err, Ok, type Result } from '../result.js';
import type { CliIo } from './io.js';

/** What `--named-log` gives the verification. */
export interface NamedLogInput {
  /** The file to watch; undefined when a stream ended before the command (nothing to watch). */
  readonly path: string | undefined;
  /** A sentence for stderr when the log given cannot show the outcome. */
  readonly note?: string;
  /** Ends the copy of a stream and removes the temporary file. */
  stop(): Promise<void>;
}

/** Most bytes copied from a stream (the watcher reads at most the last 16 MiB of it anyway). */
export const MAX_STREAM_COPY_BYTES = 64 * 1024 * 1024;
/** A stream's history is taken as over after this long without data… */
const QUIET_MS = 300;
/** …or after this long in all. */
const HISTORY_MAX_MS = 3000;
/** How long opening a FIFO may wait for its writer. */
const OPEN_MS = 2000;

const nothing = async () => {};

/** Resolves `--named-log VALUE`: Err with the usage message when it cannot be used. */
export async function namedLogInput(
  value: string,
  io: CliIo,
): Promise<Result<NamedLogInput, string>> {
  if (value === '-') {
    const stream =
      io.stdinStream ??
      (async function* () {
        yield await io.readStdin();
      })();
    return Ok(await copyStream(stream, 'standard input'));
  }
  const info = await stat(value).catch((error: NodeJS.ErrnoException) => error);
  if (info instanceof Error) {
    return Err(
      info.code === 'ENOENT' || info.code === 'ENOTDIR'
        ? `--named-log ${value}: no such file (give the \`file\` of a logging channel in named.conf, or '-' to read the log from standard input)`
        : `--named-log ${value}: ${info.message}`,
    );
  }
  if (info.isFile()) return Ok({ path: value, stop: nothing });
  if (info.isDirectory()) return Err(`--named-log ${value} is a directory, not named's log`);
  if (!(info.isFIFO() || info.isCharacterDevice() || info.isSocket())) {
    return Err(`--named-log ${value} is not a file or a stream`);
  }
  if (info.isSocket() || (await lstat(value).catch(() => undefined))?.isSocket()) {
    return Err(`--named-log ${value} is a socket: pipe the log in with '--named-log -'`);
  }
  // A pipe, FIFO or terminal: opened without letting a FIFO with no writer hang the command.
  const opening = open(value, 'r');
  let timer: NodeJS.Timeout | undefined;
  const handle = await Promise.race([
    opening.catch((error: Error) => error),
    new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), OPEN_MS);
    }),
  ]);
  clearTimeout(timer);
  if (handle === 'timeout') {
    void opening.then((h) => h.close()).catch(() => undefined);
    return Err(`--named-log ${value}: nothing opened it for writing within ${OPEN_MS / 1000} s`);
  }
  if (handle instanceof Error) return Err(`--named-log ${value}: ${handle.message}`);
  const input = await copyStream(handle.createReadStream({ autoClose: false }), value);
  return Ok({
    ...input,
    stop: async () => {
      await input.stop();
      await handle.close().catch(() => undefined);
    },
  });
}

/** Copies `stream` into a private temporary file while the command runs. */
async function copyStream(
  stream: AsyncIterable<string | Uint8Array>,
  name: string,
): Promise<NamedLogInput> {
  const dir = await mkdtemp(join(tmpdir(), 'rndc-js-log-'));
  const path = join(dir, 'named.log');
  let file: FileHandle | undefined;
  try {
    file = await open(path, 'wx', 0o600);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const out = file;
  const iterator = stream[Symbol.asyncIterator]();
  let ended = false;
  let stopped = false;
  let copied = 0;
  let lastData = Date.now();
  const pump = (async () => {
    try {
      while (!stopped) {
        const next = await iterator.next();
        if (next.done) break;
        const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
        if (stopped) break;
        const room = MAX_STREAM_COPY_BYTES - copied;
        await out.write(chunk.subarray(0, Math.max(0, room)));
        copied += Math.min(room, chunk.byteLength);
        lastData = Date.now();
        if (copied >= MAX_STREAM_COPY_BYTES) break;
      }
    } catch {
      // A broken pipe ends the copy like its end.
    }
    ended = true;
  })();
  // Let the history through: until the stream ends or stays quiet, bounded.
  const started = Date.now();
  while (!ended && Date.now() - lastData < QUIET_MS && Date.now() - started < HISTORY_MAX_MS) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (!ended && Date.now() - started < QUIET_MS) {
    await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
  }
  const stop = async () => {
    stopped = true;
    // Never wait for a stream that may go on for ever (`kubectl logs -f`).
    void Promise.resolve(iterator.return?.()).catch(() => undefined);
    await Promise.race([pump, new Promise((resolve) => setTimeout(resolve, 200))]);
    await out.close().catch(() => undefined);
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  };
  if (ended) {
    return {
      path: undefined,
      note: `--named-log ${name} ended before the command was sent: it cannot show what the dump did (pipe a live log, e.g. kubectl logs -f POD -c named); named's log was not read`,
      stop,
    };
  }
  return { path, stop };
}
