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

/** Where test/setup/cli-bundle.ts writes the CLI bundle (inside the checkout: its package.json
 * is found upwards). */
export const CLI_BUNDLE = resolve('.test-results/cli/rndc-js.mjs');

/**
 * `node` arguments that run the CLI built from the current source, as a separate process: the
 * bundle test/setup/cli-bundle.ts writes at the start of every vitest run (a stale dist/ must not
 * decide a test's verdict, and tsx would cost 0.85 s per process).
 */
export const CLI_FROM_SOURCE: readonly string[] = [CLI_BUNDLE];
