#!/usr/bin/env node
/**
 * Entry point of the `rndc-js` executable: builds the process-facing {@link CliIo}, runs the
 * command, flushes its output and ends the process with its status.
 *
 * SIGINT/SIGTERM abort the command in flight, which then prints one line saying what was cut
 * short; the process ends within a second whatever the command waits on (see exit.ts), with
 * status 128 + the signal's number (130, 143). A second signal ends it at once.
 */
import { isatty } from 'node:tty';
import { debugOnlyFromEnvironment } from '../log.js';
import {
  endProcess,
  flushOutput,
  type InterruptSignal,
  signalExitStatus,
  threadpoolBusy,
} from './exit.js';
import { type CliIo, PROGRAM } from './io.js';
import { runCli } from './run.js';

/** How long an interrupted command gets to stop and print its line before the process ends. */
const STOP_GRACE_MS = 600;
/** Longest wait for output to flush, after a signal and at the end. */
const FLUSH_MS = 200;

const controller = new AbortController();
let received: InterruptSignal | undefined;
let graceTimer: NodeJS.Timeout | undefined;

const onSignal = (name: NodeJS.Signals) => {
  const signal: InterruptSignal = name === 'SIGINT' ? 'SIGINT' : 'SIGTERM';
  if (received !== undefined) {
    endProcess(signalExitStatus(signal), signal, onSignal, process.stderr);
  }
  received = signal;
  controller.abort(new Error(`interrupted by ${signal}`));
  // The command normally stops at once and prints its own line. If it does not (stuck in a file
  // operation, say), the process ends anyway.
  graceTimer = setTimeout(() => {
    process.stderr.write(
      `${PROGRAM}: interrupted by ${signal}: the command did not stop in time (a command already sent may still run in named)\n`,
    );
    void flushOutput([process.stdout, process.stderr], FLUSH_MS).then(() =>
      endProcess(signalExitStatus(signal), signal, onSignal, process.stderr),
    );
  }, STOP_GRACE_MS);
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

// A closed pipe (`rndc-js status | head -1`) is not an error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});

const io: CliIo = {
  stdout: process.stdout,
  stderr: process.stderr,
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
  // Lazily: merely touching process.stdin opens it (a read on a file or /dev/null stays in flight
  // in the threadpool), which only a command that reads it may do.
  get stdinStream() {
    return process.stdin;
  },
  stdinIsTTY: isatty(0),
  env: process.env,
  cwd: process.cwd(),
  signal: controller.signal,
};

/** Runs the command line and ends the process (CommonJS has no top-level await). */
async function main(): Promise<never> {
  // The executable is the whole process: nothing else loads `debug`, so DEBUG alone decides (log.ts).
  debugOnlyFromEnvironment();
  const status = await runCli(process.argv.slice(2), io);
  clearTimeout(graceTimer);
  // Interrupted: the signal's status (a command that finished anyway keeps its success).
  const final = received !== undefined && status !== 0 ? signalExitStatus(received) : status;
  await flushOutput([process.stdout, process.stderr], FLUSH_MS);
  // Work the command abandoned at its deadline or on the signal (a read on a slow file system, or
  // just one in flight when the signal came) may still be in flight: give it a moment — shorter
  // after a signal, to end within a second — but never let it keep the process alive.
  const settleMs = received === undefined ? 1000 : 200;
  for (let waited = 0; waited < settleMs && threadpoolBusy(); waited += 50) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  endProcess(final, received, onSignal, process.stderr);
}

void main();
