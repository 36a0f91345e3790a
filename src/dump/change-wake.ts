/**
 * Wakes a polling loop early when a file it waits on changes: named's rename of the temp file
 * onto the zone file, or a line appended to named's log. The poll stays as the fallback and as
 * the deadline guard — an inotify event is only a hint to look again, never evidence: the caller
 * reads the file and asks named after every wake, exactly as after a poll.
 *
 * Why: a verified `sync` of a healthy zone is proven by the first look after named's rename.
 * Polling every 100 ms put that look 50 ms after the rename on average; a directory watch puts
 * it within a few milliseconds (inotify `IN_MOVED_TO` on the zone file's directory).
 *
 * Nothing here opens a watched file: inotify watches an inode by path, so a FIFO, a device or a
 * huge file in named's directory cannot block or slow a wake. A watch that cannot be set up
 * (inotify's watch limit: ENOSPC, EACCES, a missing directory, a file system without inotify) or
 * that fails later leaves the plain poll.
 */
import { type FSWatcher, watch as fsWatch } from 'node:fs';
import { basename, dirname } from 'node:path';
import { logger } from '../log.js';

const log = logger('rndc:dump');

/** One path to watch: a file, woken on by changes to it (or to its name in its directory). */
export interface WatchedFile {
  readonly path: string;
  /**
   * Watch the file's directory for its name instead of the file itself: catches the file being
   * replaced by a rename, which a watch on the old inode would not see.
   */
  readonly byDirectory?: boolean;
}

/** Options of {@link ChangeWake}. */
export interface ChangeWakeOptions {
  /** Fewest milliseconds between two early wakes (default 5). */
  readonly minGapMs?: number;
  /** Watch nothing: every wait is a plain poll. */
  readonly disabled?: boolean;
  /** `fs.watch`, replaced by tests to make it fail. */
  readonly watch?: typeof fsWatch;
}

/**
 * Coalesces change events into one pending wake. Events can come at any rate (anyone who can
 * write in named's directory or log can make them), so an early wake is also limited to one per
 * `minGapMs` (or per the gap a wait asks for): the loop it drives never spins faster than that,
 * whatever the event rate.
 */
export class ChangeWake {
  readonly #watchers = new Set<FSWatcher>();
  #pending = false;
  #changes = 0;
  /** Ends the current sleep early on a change (set only while a change may end it). */
  #notify: (() => void) | undefined;
  /** Ends the current sleep, whatever kind (for close()). */
  #stop: (() => void) | undefined;
  #lastWake = 0;
  #closed = false;
  readonly #minGapMs: number;

  constructor(files: readonly WatchedFile[], options: ChangeWakeOptions = {}) {
    this.#minGapMs = options.minGapMs ?? 5;
    if (options.disabled) return;
    for (const file of files) this.#watch(file, options.watch ?? fsWatch);
  }

  /** Changes seen to the watched files so far (every event, before coalescing). */
  get changes(): number {
    return this.#changes;
  }

  /** How many watches are active (0: every wait is a plain poll). */
  get watching(): number {
    return this.#watchers.size;
  }

  #watch(file: WatchedFile, watch: typeof fsWatch): void {
    const target = file.byDirectory ? dirname(file.path) : file.path;
    const name = basename(file.path);
    let watcher: FSWatcher;
    try {
      watcher = watch(target, { persistent: false }, (_event, changed) => {
        // Linux names the entry for a directory watch; where a platform does not, wake anyway.
        if (file.byDirectory && changed !== null && changed !== undefined) {
          if (changed.toString() !== name) return;
        }
        this.#signal();
      });
    } catch (error) {
      // ENOSPC (inotify watch limit), EACCES, ENOENT, a file system without inotify: poll only.
      log('cannot watch %s (%s): polling only', target, (error as Error).message);
      return;
    }
    // A watch that fails later (the directory removed, the inotify queue overflowing) ends
    // quietly: the poll is still there.
    watcher.on('error', (error: Error) => {
      log('watch of %s ended (%s): polling only', target, error.message);
      this.#watchers.delete(watcher);
      watcher.close();
    });
    this.#watchers.add(watcher);
  }

  #signal(): void {
    if (this.#closed) return;
    this.#changes++;
    this.#pending = true;
    const notify = this.#notify;
    this.#notify = undefined;
    notify?.();
  }

  /**
   * Resolves after `ms`, or earlier when a watched file changed since the last wait (at most
   * one early wake per `minGapMs`, default the one given to the constructor), or when `signal`
   * aborts or the wake is closed. Never rejects.
   */
  async wait(ms: number, signal: AbortSignal, minGapMs = this.#minGapMs): Promise<void> {
    const started = Date.now();
    const gap = this.#lastWake + minGapMs - started;
    if (gap > 0) await this.#sleep(Math.min(gap, ms), signal, false);
    const left = ms - (Date.now() - started);
    if (!this.#pending && left > 0) await this.#sleep(left, signal, true);
    this.#pending = false;
    this.#lastWake = Date.now();
  }

  /** Sleeps `ms`, ended early by the signal, close(), and (when `wakeable`) a change. */
  #sleep(ms: number, signal: AbortSignal, wakeable: boolean): Promise<void> {
    if (signal.aborted || this.#closed) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        if (this.#notify === done) this.#notify = undefined;
        if (this.#stop === done) this.#stop = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      if (wakeable) this.#notify = done;
      this.#stop = done;
    });
  }

  /** Stops watching; a wait in progress ends at once, and later ones return at once. */
  close(): void {
    this.#closed = true;
    for (const watcher of this.#watchers) watcher.close();
    this.#watchers.clear();
    this.#stop?.();
    this.#notify?.();
  }
}
