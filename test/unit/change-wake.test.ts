// The wake that lets a verified sync look again as soon as named renames onto the zone file
// (issue 17): woken by the zone file's name only, coalesced, rate-limited against an event
// flood, ended by close() and by the signal, and a plain poll where nothing can be watched —
// including when fs.watch fails (ENOSPC: inotify's watch limit, EACCES) or a watch dies later.
// Hostile files in the directory (a FIFO, a symlink, a huge file named like named's temp files)
// neither block it nor wake it.
import { execFileSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import {
  type FSWatcher,
  mkdirSync,
  mkdtempSync,
  renameSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ChangeWake } from '../../src/dump/change-wake.js';

const dir = mkdtempSync(join(tmpdir(), 'change-wake-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const never = new AbortController().signal;

/** named's dump: write a temp file, rename it onto the zone file. */
function dump(zoneFile: string, n: number): void {
  const tmp = join(dir, `tmp-${String(n).padStart(10, '0')}`);
  writeFileSync(tmp, `@ 300 IN SOA ns hostmaster ${n} 3600 600 86400 300\n`);
  renameSync(tmp, zoneFile);
}

/** A watch function that fails like fs.watch does, with `code`. */
function failingWatch(code: string): typeof import('node:fs').watch {
  return (() => {
    throw Object.assign(new Error(`${code}: watch failed`), { code });
  }) as unknown as typeof import('node:fs').watch;
}

describe('ChangeWake', () => {
  it('wakes a long wait when the zone file is renamed over, and counts only its own name', async () => {
    const zoneFile = join(dir, 'a.test.db');
    writeFileSync(zoneFile, 'old');
    const wake = new ChangeWake([{ path: zoneFile, byDirectory: true }]);
    try {
      expect(wake.watching).toBe(1);
      // A minute-long wait ends with the rename (the test's own timeout would catch a miss).
      const waiting = wake.wait(60_000, never);
      writeFileSync(join(dir, 'other.db'), 'x');
      writeFileSync(join(dir, 'other.db'), 'y');
      dump(zoneFile, 1);
      await waiting;
      expect(wake.changes).toBeGreaterThanOrEqual(1);
      const before = wake.changes;
      writeFileSync(join(dir, 'other.db'), 'z');
      dump(zoneFile, 2);
      await wake.wait(60_000, never);
      expect(wake.changes).toBeGreaterThan(before);
    } finally {
      wake.close();
    }
  });

  it('a change made before a wait wakes it at once; with nothing pending a wait runs out its poll', async () => {
    const zoneFile = join(dir, 'b.test.db');
    writeFileSync(zoneFile, 'old');
    const wake = new ChangeWake([{ path: zoneFile, byDirectory: true }], { minGapMs: 0 });
    try {
      dump(zoneFile, 3);
      await wake.wait(60_000, never); // already pending, or arrives shortly
      expect(wake.changes).toBeGreaterThanOrEqual(1);
      // This wait ends by its (short) poll interval or a late event of the same rename.
      await wake.wait(20, never);
    } finally {
      wake.close();
    }
  });

  it('never wakes more often than the gap asked for, however fast the file changes', async () => {
    const zoneFile = join(dir, 'c.test.db');
    writeFileSync(zoneFile, 'old');
    const gap = 40;
    const wake = new ChangeWake([{ path: zoneFile }], { minGapMs: 1 });
    let flooding = true;
    const flood = (async () => {
      let n = 0;
      while (flooding) {
        writeFileSync(zoneFile, String(n++));
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    try {
      const waits = 6;
      const started = performance.now();
      for (let i = 0; i < waits; i++) await wake.wait(60_000, never, gap);
      // A lower bound only (it cannot fail because the machine is slow): waits 2…6 each came at
      // least `gap` after the previous one.
      expect(performance.now() - started).toBeGreaterThanOrEqual((waits - 1) * gap - 5);
      expect(wake.changes).toBeGreaterThan(waits);
    } finally {
      flooding = false;
      await flood;
      wake.close();
    }
  });

  it('close() and the signal end a wait in progress, also during the gap', async () => {
    const zoneFile = join(dir, 'd.test.db');
    writeFileSync(zoneFile, 'old');
    const wake = new ChangeWake([{ path: zoneFile, byDirectory: true }]);
    const closed = wake.wait(60_000, never);
    wake.close();
    await closed;
    expect(wake.watching).toBe(0);
    // After close(), a wait returns at once instead of sleeping out its poll.
    await wake.wait(60_000, never);
    const controller = new AbortController();
    const aborted = new ChangeWake([{ path: zoneFile }], { minGapMs: 60_000 });
    await aborted.wait(0, never); // the next wait starts inside a minute-long gap
    const waiting = aborted.wait(60_000, controller.signal);
    controller.abort();
    await waiting;
    aborted.close();
  });

  it('a path it cannot watch, or `disabled`, leaves a plain poll', async () => {
    const missing = new ChangeWake([{ path: join(dir, 'missing', 'zone.db') }]);
    expect(missing.watching).toBe(0);
    await missing.wait(10, never); // the poll interval ends it
    missing.close();
    const zoneFile = join(dir, 'e.test.db');
    writeFileSync(zoneFile, 'old');
    const disabled = new ChangeWake([{ path: zoneFile, byDirectory: true }], { disabled: true });
    expect(disabled.watching).toBe(0);
    dump(zoneFile, 4);
    await disabled.wait(10, never);
    expect(disabled.changes).toBe(0);
    disabled.close();
  });

  it.each(['ENOSPC', 'EACCES', 'EMFILE'])(
    'fs.watch failing with %s: no throw, a plain poll',
    async (code) => {
      const zoneFile = join(dir, `f-${code}.db`);
      writeFileSync(zoneFile, 'old');
      const wake = new ChangeWake([{ path: zoneFile, byDirectory: true }, { path: zoneFile }], {
        watch: failingWatch(code),
      });
      expect(wake.watching).toBe(0);
      const started = performance.now();
      await wake.wait(15, never);
      // It slept (a poll), rather than spinning.
      expect(performance.now() - started).toBeGreaterThanOrEqual(10);
      wake.close();
    },
  );

  it('a watch that fails later (directory gone, queue overflow) is dropped; the poll goes on', async () => {
    const watchers: EventEmitter[] = [];
    const fake = (() => {
      const emitter = Object.assign(new EventEmitter(), { close: () => undefined });
      watchers.push(emitter);
      return emitter as unknown as FSWatcher;
    }) as unknown as typeof import('node:fs').watch;
    const wake = new ChangeWake([{ path: join(dir, 'g.test.db'), byDirectory: true }], {
      watch: fake,
    });
    expect(wake.watching).toBe(1);
    watchers[0]!.emit('error', Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' }));
    expect(wake.watching).toBe(0);
    await wake.wait(5, never);
    wake.close();
  });

  it('the watched directory removed while waiting: no throw, the wait ends by its poll', async () => {
    const sub = join(dir, 'gone');
    mkdirSync(sub);
    const zoneFile = join(sub, 'h.test.db');
    writeFileSync(zoneFile, 'old');
    const wake = new ChangeWake([{ path: zoneFile, byDirectory: true }]);
    rmSync(sub, { recursive: true });
    await wake.wait(30, never);
    await wake.wait(30, never);
    wake.close();
  });

  it('hostile files in the directory neither block nor wake it: FIFOs, symlinks, a huge tmp-* file', async () => {
    const sub = mkdtempSync(join(dir, 'hostile-'));
    const zoneFile = join(sub, 'i.test.db');
    writeFileSync(zoneFile, 'old');
    // The log given is a FIFO with no writer: watching it must not open it.
    const log = join(sub, 'named.log');
    execFileSync('mkfifo', [log]);
    const wake = new ChangeWake([{ path: zoneFile, byDirectory: true }, { path: log }]);
    try {
      expect(wake.watching).toBe(2);
      execFileSync('mkfifo', [join(sub, 'tmp-AAAAAAAAAA')]);
      symlinkSync('/dev/zero', join(sub, 'tmp-BBBBBBBBBB'));
      const huge = join(sub, 'tmp-CCCCCCCCCC');
      writeFileSync(huge, '');
      truncateSync(huge, 2 ** 40); // 1 TiB, sparse
      writeFileSync(join(sub, 'i.test.db.jnl.tmp'), 'x'.repeat(1 << 16));
      await wake.wait(30, never);
      expect(wake.changes).toBe(0);
      // The zone file's name still wakes it, however the directory is filled.
      const waiting = wake.wait(60_000, never);
      symlinkSync('/dev/zero', join(sub, 'link'));
      renameSync(join(sub, 'link'), zoneFile);
      await waiting;
      expect(wake.changes).toBeGreaterThanOrEqual(1);
    } finally {
      wake.close();
    }
  });
});
