/**
 * Making sure no test named outlives the test run.
 *
 * Two independent safety nets besides an explicit `stop()`:
 * - a synchronous `process.on('exit')` handler that SIGKILLs every still-registered named and
 *   removes its directory (covers `process.exit()` and a normal end);
 * - a tiny detached `sh` watchdog per named that blocks reading a pipe from this process. If
 *   this process dies in a way that skips exit handlers (SIGKILL, fatal signal), the pipe closes,
 *   `read` returns, and the watchdog SIGTERMs (then SIGKILLs) named and removes the directory.
 *   On a normal stop the watchdog is told `detach` and exits without touching anything.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';

/** What the exit handler needs to know about a named started by this process. */
export interface Registered {
  /** The pid while named runs; set to undefined once it has exited (never kill a reused pid). */
  pid: number | undefined;
  /** Directory to remove, or undefined to keep it. */
  readonly removeDir: string | undefined;
}

const live = new Set<Registered>();
let handlerInstalled = false;

function onExit(): void {
  for (const entry of live) {
    if (entry.pid !== undefined) {
      try {
        process.kill(entry.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    if (entry.removeDir !== undefined) {
      try {
        rmSync(entry.removeDir, { recursive: true, force: true, maxRetries: 3 });
      } catch {
        // best effort while exiting
      }
    }
  }
  live.clear();
}

/** Registers a named (and its directory) for the exit handler. Returns the function that unregisters it. */
export function register(entry: Registered): () => void {
  if (!handlerInstalled) {
    process.on('exit', onExit);
    handlerInstalled = true;
  }
  live.add(entry);
  return () => {
    live.delete(entry);
  };
}

const WATCHDOG_SCRIPT = [
  'pid=$1',
  'dir=$2',
  // A zombie (state Z) has exited already; it only waits for its new parent to reap it.
  'alive() { kill -0 "$pid" 2>/dev/null && ! grep -qs "^[0-9]* ([^)]*) Z" "/proc/$pid/stat"; }',
  'read -r line',
  'if [ "$line" = detach ]; then exit 0; fi',
  'kill -TERM "$pid" 2>/dev/null',
  'i=0',
  'while alive && [ "$i" -lt 50 ]; do sleep 0.1; i=$((i+1)); done',
  'if alive; then kill -KILL "$pid" 2>/dev/null; sleep 0.2; fi',
  'if [ -n "$dir" ]; then rm -rf -- "$dir"; fi',
].join('\n');

/** A watchdog for one named process. */
export interface Watchdog {
  /** Tells the watchdog to exit without killing anything (named has exited or was stopped). */
  detach(): void;
}

/**
 * Starts the watchdog for `pid` (see the module comment). It neither keeps this process's event
 * loop alive nor receives the terminal's signals (own session). Never throws: if `sh` cannot be
 * started, the exit handler is the only safety net.
 */
export function startWatchdog(pid: number, removeDir: string | undefined): Watchdog {
  let child: ChildProcess;
  try {
    child = spawn(
      '/bin/sh',
      ['-c', WATCHDOG_SCRIPT, 'rndc-named-watchdog', String(pid), removeDir ?? ''],
      {
        detached: true,
        stdio: ['pipe', 'ignore', 'ignore'],
      },
    );
  } catch {
    return { detach: () => {} };
  }
  child.on('error', () => {});
  child.stdin?.on('error', () => {});
  child.unref();
  (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  let detached = false;
  return {
    detach() {
      if (detached) return;
      detached = true;
      try {
        child.stdin?.end('detach\n');
      } catch {
        // the watchdog is gone already
      }
    },
  };
}
