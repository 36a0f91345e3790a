/**
 * What a CLI command may touch of the outside world. `main.ts` builds the real one from `process`;
 * tests can build their own. Commands never call `process.exit` or write to `process.stdout`
 * directly: they write through this and return their exit status.
 */

/** Something text can be written to (process.stdout / process.stderr, or a test buffer). */
export interface TextSink {
  write(text: string): unknown;
  /** True when this is an interactive terminal: progress lines go only to a TTY stderr. */
  readonly isTTY?: boolean;
  /** The terminal's width in characters, when this is one (`triggers` wraps to it). */
  readonly columns?: number;
}

/** The process facing a command. */
export interface CliIo {
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  /** Reads all of standard input (used by `update` without FILE). */
  readStdin(): Promise<string>;
  /** Standard input as a stream, read as it arrives (`explain`: bounded, to a deadline). */
  readonly stdinStream?: AsyncIterable<string | Uint8Array>;
  /** True when standard input is a terminal. */
  readonly stdinIsTTY?: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Aborted on SIGINT/SIGTERM. */
  readonly signal: AbortSignal;
}

/** A subcommand: gets the arguments after its own word, returns the exit status. */
export type CliCommand = (argv: readonly string[], io: CliIo) => Promise<number>;

/** Program name in every message. */
export const PROGRAM = 'rndc-js';
