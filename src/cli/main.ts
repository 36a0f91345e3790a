/**
 * Entry point of the `rndc-js` executable: builds the process-facing {@link CliIo}, runs the
 * command, and sets `process.exitCode` (no `process.exit`, so pending output is flushed).
 * SIGINT/SIGTERM abort the command in flight; a second signal ends the process at once.
 */
import type { CliIo } from './io.js';
import { runCli } from './run.js';

const controller = new AbortController();
let signals = 0;
const onSignal = (signal: NodeJS.Signals) => {
  signals++;
  if (signals > 1) process.exit(signal === 'SIGINT' ? 130 : 143);
  controller.abort(new Error(`interrupted by ${signal}`));
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
  env: process.env,
  cwd: process.cwd(),
  signal: controller.signal,
};

const status = await runCli(process.argv.slice(2), io);
process.exitCode = signals > 0 && status !== 0 ? 130 : status;
process.off('SIGINT', onSignal);
process.off('SIGTERM', onSignal);
