/**
 * Ending the `rndc-js` process: promptly, whatever the command was waiting on.
 *
 * Letting the event loop drain is not enough: a file operation stuck in the kernel (an `open()`
 * of a FIFO planted where a zone file or journal should be, a hung NFS mount) keeps it alive
 * forever. Nor is `process.exit()` always: it joins libuv's threadpool threads on the way out
 * (uv_library_shutdown), and a thread stuck in the kernel never returns. So after a signal, when
 * threadpool work is still pending, the process ends by the signal's default action instead; a
 * shell sees the same status (128 + the signal's number) either way.
 */
import { constants } from 'node:os';
import { PROGRAM, type TextSink } from './io.js';

/** The signals that interrupt a command. */
export type InterruptSignal = 'SIGINT' | 'SIGTERM';

/** Exit status after a signal, as shells report it: 128 + its number (SIGINT 130, SIGTERM 143). */
export function signalExitStatus(signal: InterruptSignal): number {
  return 128 + constants.signals[signal];
}

/**
 * libuv requests that run on a threadpool thread (`process.getActiveResourcesInfo()` names):
 * file system calls, name lookups, and compression/crypto work.
 */
const THREADPOOL_WORK = /^(FSReq|GetAddrInfo|GetNameInfo|.*Work)/;

/** Whether a threadpool request is still in flight (then `process.exit()` may never return). */
export function threadpoolBusy(): boolean {
  return process.getActiveResourcesInfo().some((name) => THREADPOOL_WORK.test(name));
}

/** Resolves once everything written so far to `sinks` is flushed, or after `maxMs`. */
export async function flushOutput(sinks: readonly TextSink[], maxMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const flushed = sinks.map(
    (sink) =>
      new Promise<void>((done) => {
        try {
          // An empty write's callback runs once the writes before it are done.
          (sink.write as (text: string, callback: () => void) => unknown)('', () => done());
        } catch {
          done();
        }
      }),
  );
  await Promise.race([
    Promise.all(flushed),
    new Promise<void>((done) => {
      timer = setTimeout(done, maxMs);
    }),
  ]);
  clearTimeout(timer);
}

/**
 * Ends the process now with `status`. After `signal`, if threadpool work is pending, by
 * re-raising the signal with its default action (`listener` is removed first), so that a thread
 * stuck in the kernel cannot keep the process alive. Without a signal, pending work is said on
 * `stderr`, and SIGINT/SIGTERM get their default action back, so that they still end the
 * process should `process.exit()` wait for it.
 */
export function endProcess(
  status: number,
  signal: InterruptSignal | undefined,
  listener: (signal: NodeJS.Signals) => void,
  stderr: TextSink,
): never {
  if (threadpoolBusy()) {
    // With no listener left, libuv restores the default action: the kernel ends the process.
    process.off('SIGINT', listener);
    process.off('SIGTERM', listener);
    if (signal !== undefined) process.kill(process.pid, signal);
    stderr.write(
      `${PROGRAM}: a file operation has not returned (a hung file system?); exiting may wait for it (SIGINT or SIGTERM ends the process)\n`,
    );
  }
  process.exit(status);
}
