// The wake that lets a verified sync look again as soon as named renames onto the zone file
// (issue 17): woken by the zone file's name only, coalesced, rate-limited against an event
// flood, ended by close() and by the signal, and a plain poll where nothing can be watched.
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
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
      // inotify delivers in order: the rename's event came after the other file's, which were
      // therefore seen and ignored. The temp file's own events do not count either.
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

  it('never wakes more often than minGapMs, however fast the file changes', async () => {
    const zoneFile = join(dir, 'c.test.db');
    writeFileSync(zoneFile, 'old');
    const gap = 40;
    const wake = new ChangeWake([{ path: zoneFile }], { minGapMs: gap });
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
      for (let i = 0; i < waits; i++) await wake.wait(60_000, never);
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

  it('close() and the signal end a wait in progress', async () => {
    const zoneFile = join(dir, 'd.test.db');
    writeFileSync(zoneFile, 'old');
    const wake = new ChangeWake([{ path: zoneFile, byDirectory: true }]);
    const closed = wake.wait(60_000, never);
    wake.close();
    await closed;
    expect(wake.watching).toBe(0);
    const controller = new AbortController();
    const aborted = new ChangeWake([{ path: zoneFile }]);
    const waiting = aborted.wait(60_000, controller.signal);
    controller.abort();
    await waiting;
    aborted.close();
  });

  it('a path it cannot watch leaves a plain poll', async () => {
    const wake = new ChangeWake([{ path: join(dir, 'missing', 'zone.db') }]);
    expect(wake.watching).toBe(0);
    await wake.wait(10, never); // the poll interval ends it
    wake.close();
  });
});
