// The print that decides whether a storage diagnosis taken while waiting for named's dump may
// still be used after the proof (issue 17): it changes with everything the journal check judges
// (the journal appearing or going, being replaced, chmod/chown/ACL, then written) and with the
// directories' owner and mode, and not with the rename being waited for or named's appends.
import { appendFileSync, chmodSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { storagePrint } from '../../src/dump/storage-print.js';

const dir = mkdtempSync(join(tmpdir(), 'storage-print-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const zoneFile = join(dir, 'z.test.db');
const journal = `${zoneFile}.jnl`;

describe('storagePrint', () => {
  it('is unchanged by a dump (temp file written and renamed onto the zone file)', async () => {
    writeFileSync(zoneFile, 'old');
    writeFileSync(journal, 'j');
    const before = await storagePrint(zoneFile, journal);
    writeFileSync(join(dir, 'tmp-0123456789'), 'new');
    renameSync(join(dir, 'tmp-0123456789'), zoneFile);
    expect(await storagePrint(zoneFile, journal)).toBe(before);
  });

  it('is unchanged by named appending to the journal', async () => {
    writeFileSync(journal, 'j');
    const before = await storagePrint(zoneFile, journal);
    for (let i = 0; i < 50; i++) appendFileSync(journal, `update ${i}\n`);
    expect(await storagePrint(zoneFile, journal)).toBe(before);
  });

  it('changes when the journal goes, comes back, is replaced, chmod-ed, then written', async () => {
    writeFileSync(journal, 'j');
    const prints = [await storagePrint(zoneFile, journal)];
    rmSync(journal);
    prints.push(await storagePrint(zoneFile, journal));
    // Another owner's or mode's file renamed in (a file system may hand out the old inode number
    // again, so the mode tells it apart here; what the diagnosis judges is owner and mode).
    writeFileSync(join(dir, 'replacement'), 'j', { mode: 0o640 });
    chmodSync(join(dir, 'replacement'), 0o640);
    renameSync(join(dir, 'replacement'), journal);
    prints.push(await storagePrint(zoneFile, journal));
    chmodSync(journal, 0o444);
    prints.push(await storagePrint(zoneFile, journal));
    // ctime has the kernel's coarse clock: wait for it to move before the write.
    const last = prints.at(-1);
    for (let i = 0; (await storagePrint(zoneFile, journal)) === last && i < 1000; i++) {
      writeFileSync(journal, `j${i}`);
    }
    prints.push(await storagePrint(zoneFile, journal));
    expect(new Set(prints).size).toBe(prints.length);
  });

  it("changes when the zone directory's mode changes", async () => {
    const before = await storagePrint(zoneFile, journal);
    chmodSync(dir, 0o555);
    try {
      expect(await storagePrint(zoneFile, journal)).not.toBe(before);
    } finally {
      chmodSync(dir, 0o755);
    }
  });
});
