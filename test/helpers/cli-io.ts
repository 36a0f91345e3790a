// An in-memory CliIo for calling CLI commands in-process: captures what they print.
import { resolve } from 'node:path';
import type { CliIo } from '../../src/cli/io.js';

export interface FakeIoOptions {
  readonly stdin?: string;
  /** Both sinks claim to be a terminal (progress lines are only drawn on one). */
  readonly isTTY?: boolean;
  readonly cwd?: string;
  /** Replaces stdout's capture, e.g. to make it throw. */
  readonly stdoutWrite?: (text: string) => unknown;
}

/** A CliIo whose output is kept in memory: `out()` and `err()` return what was written. */
export function fakeIo(options: FakeIoOptions = {}): CliIo & { out(): string; err(): string } {
  let out = '';
  let err = '';
  const isTTY = options.isTTY ?? false;
  return {
    stdout: { write: options.stdoutWrite ?? ((text: string) => (out += text)), isTTY },
    stderr: { write: (text: string) => (err += text), isTTY },
    readStdin: async () => options.stdin ?? '',
    env: {},
    cwd: options.cwd ?? process.cwd(),
    signal: new AbortController().signal,
    out: () => out,
    err: () => err,
  };
}

/**
 * `node` arguments that run the CLI from source (through tsx), as a separate process: a stale
 * dist/ must not decide a test's verdict.
 */
export const CLI_FROM_SOURCE: readonly string[] = ['--import', 'tsx', resolve('src/cli/main.ts')];
