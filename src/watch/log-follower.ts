/**
 * Follows named's log for the watcher: each {@link LogFollower.poll} reads what was appended
 * since the last one and returns its events (the recogniser of `explain` and verification,
 * {@link NamedLogParser}). Rotation (another inode) and truncation (a shorter file) start over
 * at the top of the new file. Memory stays bounded: one read looks at most at `maxReadBytes`
 * (the head of a larger backlog is skipped and counted), the parser holds at most a few lines.
 * A log that is not a regular file (a FIFO planted in its place) is never opened for reading.
 */
import { StringDecoder } from 'node:string_decoder';
import { type NamedLogEvent, NamedLogParser } from '../dump/log.js';
import { describeFileProblem, openRegularFile } from '../files/regular-file.js';

/** What one poll of the log found. */
export interface LogPoll {
  /** Events of the complete lines read, in log order. */
  readonly events: NamedLogEvent[];
  /** Complete lines read. */
  readonly lines: number;
  /** Bytes read. */
  readonly bytes: number;
  /** Bytes of a backlog skipped because it was larger than `maxReadBytes`. */
  readonly skippedBytes: number;
  /** Why the log cannot be read (missing, FIFO, permissions), when it cannot. */
  readonly problem: string | undefined;
  /** True when the file was rotated or truncated since the last poll. */
  readonly restarted: boolean;
}

/** Options of {@link LogFollower}. */
export interface LogFollowerOptions {
  /** Most bytes one poll reads. Default 16 MiB. */
  readonly maxReadBytes?: number | undefined;
  /**
   * On the first poll, how much of the existing log to read (its last bytes): the recent
   * history of failures. Default 4 MiB; 0 starts at the end.
   */
  readonly historyBytes?: number | undefined;
}

const CHUNK = 1024 * 1024;

/** Follows one log file; see the module comment. */
export class LogFollower {
  /** The log file. */
  readonly path: string;
  readonly #maxReadBytes: number;
  readonly #historyBytes: number;
  #offset: number | undefined;
  #identity: string | undefined;
  #parser = new NamedLogParser();
  #decoder = new StringDecoder('utf8');

  constructor(path: string, options: LogFollowerOptions = {}) {
    this.path = path;
    this.#maxReadBytes = positive(options.maxReadBytes, 16 * 1024 * 1024);
    this.#historyBytes = Math.min(this.#maxReadBytes, positive(options.historyBytes, 4 << 20, 0));
  }

  /** Reads what was appended since the last poll. Never rejects. */
  async poll(deadline?: number): Promise<LogPoll> {
    const opened = await openRegularFile(this.path);
    if (opened.isErr()) {
      return empty(describeFileProblem(opened.error));
    }
    const { handle, stats } = opened.value;
    try {
      const identity = `${stats.dev}:${stats.ino}`;
      let restarted = false;
      if (this.#offset === undefined) {
        this.#offset = Math.max(0, stats.size - this.#historyBytes);
        this.#identity = identity;
        this.#skipHead = this.#offset > 0;
      } else if (identity !== this.#identity || stats.size < this.#offset) {
        // Rotated or truncated: the new file is read from its top.
        restarted = true;
        this.#offset = 0;
        this.#identity = identity;
        this.#parser = new NamedLogParser();
        this.#decoder = new StringDecoder('utf8');
      }
      let skippedBytes = 0;
      if (stats.size - this.#offset > this.#maxReadBytes) {
        const from = stats.size - this.#maxReadBytes;
        skippedBytes = from - this.#offset;
        this.#offset = from;
        this.#skipHead = true;
        this.#parser = new NamedLogParser();
        this.#decoder = new StringDecoder('utf8');
      }
      const events: NamedLogEvent[] = [];
      let lines = 0;
      let bytes = 0;
      const buffer = Buffer.alloc(Math.min(CHUNK, Math.max(1, stats.size - this.#offset)));
      while (this.#offset < stats.size) {
        if (deadline !== undefined && Date.now() >= deadline) break;
        const want = Math.min(buffer.length, stats.size - this.#offset);
        const { bytesRead } = await handle.read(buffer, 0, want, this.#offset);
        if (bytesRead <= 0) break;
        this.#offset += bytesRead;
        bytes += bytesRead;
        let chunk = buffer.subarray(0, bytesRead);
        if (this.#skipHead) {
          // The first line of a skipped backlog is cut: start after its end.
          const newline = chunk.indexOf(0x0a);
          if (newline < 0) continue;
          chunk = chunk.subarray(newline + 1);
          this.#skipHead = false;
        }
        lines += countNewlines(chunk);
        events.push(...this.#parser.push(this.#decoder.write(chunk)));
      }
      // Between polls the log is quiet enough: release lines held for a continuation.
      events.push(...this.#parser.flush());
      return { events, lines, bytes, skippedBytes, problem: undefined, restarted };
    } catch (error) {
      return empty(
        `${this.path} cannot be read (${(error as NodeJS.ErrnoException).code ?? error})`,
      );
    } finally {
      await handle.close().catch(() => {});
    }
  }

  #skipHead = false;
}

function empty(problem: string): LogPoll {
  return { events: [], lines: 0, bytes: 0, skippedBytes: 0, problem, restarted: false };
}

function countNewlines(bytes: Uint8Array): number {
  let n = 0;
  let at = bytes.indexOf(0x0a);
  while (at >= 0) {
    n++;
    at = bytes.indexOf(0x0a, at + 1);
  }
  return n;
}

function positive(value: number | undefined, fallback: number, min = 1): number {
  return value !== undefined && Number.isFinite(value) && value >= min
    ? Math.floor(value)
    : fallback;
}
