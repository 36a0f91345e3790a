/**
 * Wakes a polling loop early when a file it waits on changes: named's rename of the temp file
 * onto the zone file, or a line appended to named's log. The poll stays as the fallback and as
 * the deadline guard — an inotify event is only a hint to look again, never evidence: the caller
 * reads the file and asks named after every wake, exactly as after a poll.
 *
 * Why: a verified `sync` of a healthy zone is proven by the first look after named's rename.
 * Polling every 100 ms put that look 50 ms after the rename on average; a directory watch puts
 * it within a few milliseconds (inotify `IN_MOVED_TO` on the zone file's directory).
 */
import { type FSWatcher, watch } from 'node:fs';
import { basename, dirname } from 'node:path';
import createDebug from 'debug';

const log = createDebug('rndc:verify');

/** One path to watch: a file, woken on by changes to it (or to its name in its directory). */
export interface WatchedFile {
  readonly path: string;
  /**
   * Watch the file's directory for its name instead of the file itself: catches the file being
   * replaced by a rename, which a watch on the old inode would not see.
   */
  readonly byDirectory?: boolean;
}

/**
 * Coalesces change events into one pending wake. Events can come at any rate (anyone who can
 * write in named's directory or log can make them), so a wake is also limited to one per
 * `minGapMs`: the loop it drives never spins faster than that, whatever the event rate.
 */
export class ChangeWake {
  readonly #watchers: FSWatcher[] = [];
  #pending = false;
  #changes = 0;
  #notify: (() => void) | undefined;
  #lastWake = 0;
  readonly #minGapMs: number;

  constructor(files: readonly WatchedFile[], options: { readonly minGapMs?: number } = {}) {
    this.#minGapMs = options.minGapMs ?? 5;
    for (const file of files) this.#watch(file);
  }

  /** Changes seen to the watched files so far (every event, before coalescing). */
  get changes(): number {
    return this.#changes;
  }

  /** How many watches are active (0: every wait is a plain poll). */
  get watching(): number {
    return this.#watchers.length;
  }

  #watch(file: WatchedFile): void {
    const target = file.byDirectory ? dirname(file.path) : file.path;
    const name = basename(file.path);
    try {
      const watcher = watch(target, { persistent: false }, (_event, changed) => {
        // Linux names the entry for a directory watch; where a platform does not, wake anyway.
        if (file.byDirectory && changed !== null && changed !== undefined) {
          if (changed.toString() !== name) return;
        }
        this.#signal();
      });
      // A watch that fails later (the directory removed, the inotify queue overflowing) ends
      // quietly: the poll is still there.
      watcher.on('error', (error) => {
        log('watch of %s ended: %s', target, error.message);
        watcher.close();
      });
      this.#watchers.push(watcher);
    } catch (error) {
      // ENOSPC (inotify watch limit), EACCES, ENOENT, a file system without inotify: poll only.
      log('cannot watch %s (%s): polling only', target, (error as Error).message);
    }
  }

  #signal(): void {
    this.#changes++;
    this.#pending = true;
    const notify = this.#notify;
    this.#notify = undefined;
    notify?.();
  }

  /**
   * Resolves after `ms`, or earlier when a watched file changed since the last wait (at most
   * one early wake per `minGapMs`), or when `signal` aborts. Never rejects.
   */
  async wait(ms: number, signal: AbortSignal): Promise<void> {
    const started = Date.now();
    const gap = this.#lastWake + this.#minGapMs - started;
    if (gap > 0) await pause(Math.min(gap, ms), signal);
    const left = ms - (Date.now() - started);
    if (!this.#pending && !signal.aborted && left > 0) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          this.#notify = undefined;
          resolve();
        };
        const timer = setTimeout(done, left);
        signal.addEventListener('abort', done, { once: true });
        this.#notify = done;
      });
    }
    this.#pending = false;
    this.#lastWake = Date.now();
  }

  /** Stops watching; a wait in progress ends at once. */
  close(): void {
    for (const watcher of this.#watchers.splice(0)) watcher.close();
    this.#notify?.();
  }
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
