// NamedLogWatcher against hostile log files (issue 10, items 4 and 9): whoever can write named's
// log directory can put a FIFO where the log was (a plain open() of it blocks forever, and with
// it a libuv thread), swap a FIFO in between a stat() and an open(), or leave a 4 GiB sparse log
// (reading it whole took 30 s past a 2 s deadline). Every call must settle by its deadline and
// still find the lines at the log's end.
import { spawn, spawnSync } from 'node:child_process';
import {
  appendFileSync,
  lstatSync,
  mkdtempSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_LOG_READ_BYTES, type NamedLogEvent, NamedLogWatcher } from '../../src/dump/log.js';

const dir = mkdtempSync(join(tmpdir(), 'rndc-log-reader-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FAILURE =
  '2026-11-24T17:47:11.316Z general: error: dumping master file: rename: dyn/dyn.test.db: permission denied';
const SYNC = "2026-11-24T17:47:11.317Z general: info: sync: dumping zone 'dyn.test/IN': success";
const isFailure = (event: NamedLogEvent) => event.kind === 'dump-failed';

function fifo(name: string): string {
  const path = join(dir, name);
  const made = spawnSync('mkfifo', [path]);
  expect(made.status, String(made.stderr)).toBe(0);
  return path;
}

/** Resolves with `work`'s value, or `'unsettled'` if it has not settled within `ms`. */
async function within<T>(work: Promise<T>, ms: number): Promise<T | 'unsettled'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'unsettled'>((resolve) => {
    timer = setTimeout(() => resolve('unsettled'), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

describe('a FIFO in place of the log', () => {
  it('waitFor reports it (not-regular, naming the path) and settles by the deadline', async () => {
    const path = fifo('fifo.log');
    const started = Date.now();
    const result = await within(
      new NamedLogWatcher(path).waitFor(isFailure, { since: 0, timeoutMs: 2000 }),
      4000,
    );
    expect(result).not.toBe('unsettled');
    if (result === 'unsettled') return;
    expect(Date.now() - started).toBeLessThanOrEqual(4000);
    const error = result.unwrapErr();
    expect(error.kind).toBe('not-regular');
    expect(error.message).toContain(path);
    expect(error.message).toContain('FIFO');
    expect(error.remedy).not.toBe('');
  });

  it('read reports it as a typed error; eventsSince gives [] — neither blocks', async () => {
    const path = fifo('fifo2.log');
    const watcher = new NamedLogWatcher(path);
    const read = await within(watcher.read(0, { deadline: Date.now() + 2000 }), 4000);
    expect(read).not.toBe('unsettled');
    if (read === 'unsettled') return;
    const error = read.unwrapErr();
    expect(error.kind).toBe('not-regular');
    expect(error.fileType).toBe('FIFO');
    expect(error.path).toBe(path);
    expect(await within(watcher.eventsSince(0), 4000)).toEqual([]);
    expect(watcher.mark()).toBe(0);
  });

  it('a log swapped between a regular file and a FIFO while it is polled: every call settles', async () => {
    const path = join(dir, 'swapped.log');
    writeFileSync(path, `${SYNC}\n`);
    // Another process swaps a FIFO and a regular file into place as fast as it can, so that the
    // file a stat() saw is a FIFO by the time of the open().
    const swapper = spawn(
      'sh',
      [
        '-c',
        `cd "${dir}"; while :; do mkfifo p.$$ 2>/dev/null; mv -f p.$$ swapped.log; echo "${SYNC}" > f.$$; mv -f f.$$ swapped.log; done`,
      ],
      { stdio: 'ignore' },
    );
    try {
      const watcher = new NamedLogWatcher(path, { pollMs: 5 });
      // Wait (on evidence) until the swapping has begun.
      const begun = Date.now();
      while (!lstatSync(path).isFIFO() && Date.now() - begun < 10_000) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      expect(lstatSync(path).isFIFO()).toBe(true);
      const started = Date.now();
      // Two readers call eventsSince back to back for a second; a waitFor polls meanwhile.
      const reader = async () => {
        let calls = 0;
        while (Date.now() - started < 1000) {
          await watcher.eventsSince(0);
          calls++;
        }
        return calls;
      };
      const waiting = watcher.waitFor(isFailure, { since: 0, timeoutMs: 1500 });
      const settled = await within(Promise.all([reader(), reader(), waiting]), 3500);
      expect(settled).not.toBe('unsettled');
      expect(Date.now() - started).toBeLessThanOrEqual(3500);
    } finally {
      swapper.kill('SIGKILL');
    }
  });
});

describe('a 4 GiB sparse log with real lines at its end', () => {
  const path = join(dir, 'sparse.log');
  const SIZE = 4 * 1024 ** 3;

  function makeSparse(): void {
    writeFileSync(path, '');
    truncateSync(path, SIZE);
    appendFileSync(path, `\n${FAILURE}\n${SYNC}\n`);
  }

  it('eventsSince(0) reads only the tail and finds the lines there', async () => {
    makeSparse();
    const watcher = new NamedLogWatcher(path);
    const started = Date.now();
    const events = await within(watcher.eventsSince(0, { deadline: Date.now() + 2000 }), 4000);
    expect(events).not.toBe('unsettled');
    expect(Date.now() - started).toBeLessThanOrEqual(4000);
    if (events === 'unsettled') return;
    expect(events.map((event) => event.kind)).toEqual(['dump-failed', 'sync']);
  });

  it('read(0) says how much of the head it skipped', async () => {
    const read = (await new NamedLogWatcher(path).read(0)).unwrap();
    const end = SIZE + FAILURE.length + SYNC.length + 3;
    expect(read).toMatchObject({
      from: end - MAX_LOG_READ_BYTES,
      to: end,
      skippedBytes: end - MAX_LOG_READ_BYTES,
      complete: true,
    });
    expect(read.events).toHaveLength(2);
  });

  it('waitFor({ since: 0, timeoutMs: 2000 }) finds the failure at the end well within the deadline', async () => {
    const started = Date.now();
    const result = await within(
      new NamedLogWatcher(path).waitFor(isFailure, { since: 0, timeoutMs: 2000 }),
      4000,
    );
    expect(result).not.toBe('unsettled');
    expect(Date.now() - started).toBeLessThanOrEqual(4000);
    if (result === 'unsettled') return;
    expect(result.unwrap()).toMatchObject({ kind: 'dump-failed', step: 'rename' });
  });

  it('with a bound larger than the log, the deadline still stops the read', async () => {
    const watcher = new NamedLogWatcher(path, { maxReadBytes: 8 * 1024 ** 3 });
    const started = Date.now();
    const read = await within(watcher.read(0, { deadline: Date.now() + 300 }), 2300);
    expect(read).not.toBe('unsettled');
    expect(Date.now() - started).toBeLessThanOrEqual(2300);
    if (read === 'unsettled') return;
    expect(read.unwrap().complete).toBe(false);
    // And an aborted signal stops it before the first chunk.
    const aborted = (await watcher.read(0, { signal: AbortSignal.abort() })).unwrap();
    expect(aborted).toMatchObject({ complete: false, to: 0, events: [] });
  });

  it('the line that starts exactly at the bound is read whole, the one cut by it is not', async () => {
    const small = join(dir, 'bound.log');
    const cut = 'zone a/IN: loaded serial 1';
    const whole = 'zone b/IN: loaded serial 2';
    writeFileSync(small, `${cut}\n${whole}\n`);
    const exact = await new NamedLogWatcher(small, { maxReadBytes: whole.length + 1 }).read(0);
    expect(exact.unwrap().events).toMatchObject([{ zone: 'b' }]);
    const inside = await new NamedLogWatcher(small, { maxReadBytes: whole.length + 5 }).read(0);
    expect(inside.unwrap().events).toMatchObject([{ zone: 'b' }]);
  });
});
