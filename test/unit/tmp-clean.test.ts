// removeStaleTmpFiles against real files in a scratch directory, with a stand-in for named's
// zonestatus: which tmp-* entries go (older than a proven dump, this zone, a serial the zone file
// holds) and which stay, and the attacks between the check and the unlink (a file, a symlink or
// the whole directory swapped in at that moment). The same rules against a real named: see
// test/integration/clean-tmp.test.ts.
import { existsSync } from 'node:fs';
import {
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rename,
  rm,
  symlink,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  removeStaleTmpFiles,
  removeStaleTmpFilesWith,
  type TmpCleanReport,
} from '../../src/dump/tmp-clean.js';
import type { ZoneStatusSource } from '../../src/dump/verify.js';

let scratch: string;
let zones: string;
let zoneFile: string;

const zoneText = (origin: string, serial: number) =>
  `$ORIGIN .\n$TTL 300\n${origin} IN SOA ns.${origin}. hostmaster.${origin}. ( ${serial} 3600 600 86400 300 )\n\tNS ns.${origin}.\n$ORIGIN ${origin}.\nns A 127.0.0.1\n`;

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);

/** A stand-in for named: zonestatus says `serial` and the zone file's absolute path. */
function named(serial: number): ZoneStatusSource {
  return {
    zonestatus: async () =>
      ({
        ok: true,
        isOk: () => true,
        isErr: () => false,
        value: { serial, files: [zoneFile] },
      }) as never,
    status: async () => ({ isOk: () => false, isErr: () => true }) as never,
  };
}

async function tmp(name: string, content: string, age: number): Promise<string> {
  const path = join(zones, name);
  await writeFile(path, content);
  await utimes(path, minutesAgo(age), minutesAgo(age));
  return path;
}

const byName = (report: TmpCleanReport) =>
  Object.fromEntries(report.files.map((f) => [f.name, { verdict: f.verdict, reason: f.reason }]));

beforeEach(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'rndc-tmpclean-'));
  zones = join(scratch, 'zones');
  await mkdir(zones);
  zoneFile = join(zones, 'dyn.test.db');
  await writeFile(zoneFile, zoneText('dyn.test', 10));
  // The last good dump: ten minutes ago.
  await utimes(zoneFile, minutesAgo(10), minutesAgo(10));
});

afterEach(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('removeStaleTmpFiles', () => {
  it('proven current: removes this zone’s tmp files older than the dump at serials it holds; keeps everything else, each with its reason', async () => {
    await tmp('tmp-aaaaaaaaa1', zoneText('dyn.test', 8), 53);
    await tmp('tmp-aaaaaaaaa2', zoneText('dyn.test', 9), 39);
    await tmp('tmp-aaaaaaaaa3', zoneText('dyn.test', 10), 26);
    await tmp('tmp-aaaaaaaaa4', '', 20); // empty: holds nothing
    await tmp('tmp-bbbbbbbbb1', zoneText('dyn.test', 11), 30); // newer serial than the file
    await tmp('tmp-bbbbbbbbb2', zoneText('other.test', 3), 30); // another zone's dump
    await tmp('tmp-bbbbbbbbb3', 'garbage without an SOA\n', 30);
    await tmp('tmp-bbbbbbbbb4', zoneText('dyn.test', 9), 5); // after the dump
    await tmp('tmp-bbbbbbbbb5', zoneText('dyn.test', 9), 0); // just written
    // A symlink and a directory with tmp- names, pointing at / holding something old.
    const victim = join(scratch, 'victim');
    await writeFile(victim, zoneText('dyn.test', 1));
    await utimes(victim, minutesAgo(60), minutesAgo(60));
    await symlink(victim, join(zones, 'tmp-cccccccccc'));
    await mkdir(join(zones, 'tmp-dddddddddd'));
    await tmp('tmp-dddddddddd/inner', zoneText('dyn.test', 1), 60);
    await utimes(join(zones, 'tmp-dddddddddd'), minutesAgo(60), minutesAgo(60));
    // Not named's pattern: never looked at.
    await tmp('tmp-short', zoneText('dyn.test', 1), 60);
    await tmp('tmp-aaaaaaaaaaa', zoneText('dyn.test', 1), 60);
    await tmp('TMP-aaaaaaaaaa', zoneText('dyn.test', 1), 60);

    const report = (await removeStaleTmpFiles({ rndc: named(10), zone: 'dyn.test' })).unwrap();
    expect(report.current).toBe(true);
    expect(report.fileSerial).toBe(10);
    expect(byName(report)).toEqual({
      'tmp-aaaaaaaaa1': { verdict: 'removed', reason: undefined },
      'tmp-aaaaaaaaa2': { verdict: 'removed', reason: undefined },
      'tmp-aaaaaaaaa3': { verdict: 'removed', reason: undefined },
      'tmp-aaaaaaaaa4': { verdict: 'removed', reason: undefined },
      'tmp-bbbbbbbbb1': { verdict: 'kept', reason: 'other-content' },
      'tmp-bbbbbbbbb2': { verdict: 'kept', reason: 'other-content' },
      'tmp-bbbbbbbbb3': { verdict: 'kept', reason: 'other-content' },
      'tmp-bbbbbbbbb4': { verdict: 'kept', reason: 'newer-than-dump' },
      'tmp-bbbbbbbbb5': { verdict: 'kept', reason: 'in-flight' },
      'tmp-cccccccccc': { verdict: 'kept', reason: 'not-regular' },
      'tmp-dddddddddd': { verdict: 'kept', reason: 'not-regular' },
    });
    expect(report).toMatchObject({ removed: 4, kept: 7, listingIncomplete: false });
    for (const name of ['tmp-aaaaaaaaa1', 'tmp-aaaaaaaaa2', 'tmp-aaaaaaaaa3', 'tmp-aaaaaaaaa4']) {
      expect(existsSync(join(zones, name)), name).toBe(false);
    }
    for (const name of [
      'tmp-bbbbbbbbb1',
      'tmp-bbbbbbbbb2',
      'tmp-bbbbbbbbb3',
      'tmp-bbbbbbbbb4',
      'tmp-bbbbbbbbb5',
      'tmp-short',
      'tmp-aaaaaaaaaaa',
      'TMP-aaaaaaaaaa',
      'tmp-dddddddddd/inner',
    ]) {
      expect(existsSync(join(zones, name)), name).toBe(true);
    }
    expect((await lstat(join(zones, 'tmp-cccccccccc'))).isSymbolicLink()).toBe(true);
    expect(existsSync(victim)).toBe(true);
    expect(existsSync(zoneFile)).toBe(true);
    expect(report.files.find((f) => f.name === 'tmp-aaaaaaaaa2')?.detail).toMatch(
      /holds serial 9, older than the zone file's 10/,
    );
  });

  it('dry run: says what would go, removes nothing', async () => {
    await tmp('tmp-aaaaaaaaa1', zoneText('dyn.test', 8), 53);
    const report = (
      await removeStaleTmpFiles({ rndc: named(10), zone: 'dyn.test', dryRun: true })
    ).unwrap();
    expect(report.files).toMatchObject([{ name: 'tmp-aaaaaaaaa1', verdict: 'would-remove' }]);
    expect(report).toMatchObject({ dryRun: true, removed: 1, kept: 0 });
    expect(existsSync(join(zones, 'tmp-aaaaaaaaa1'))).toBe(true);
  });

  it('not proven current (named serves a newer serial than the file): nothing is removed, not even old files', async () => {
    await tmp('tmp-aaaaaaaaa1', zoneText('dyn.test', 8), 53);
    await tmp('tmp-aaaaaaaaa2', zoneText('dyn.test', 11), 13);
    const report = (await removeStaleTmpFiles({ rndc: named(11), zone: 'dyn.test' })).unwrap();
    expect(report.current).toBe(false);
    expect(report.currentDetail).toMatch(/holds serial 10, named serves 11/);
    expect(report.files.map((f) => [f.name, f.reason])).toEqual([
      ['tmp-aaaaaaaaa1', 'zone-not-current'],
      ['tmp-aaaaaaaaa2', 'zone-not-current'],
    ]);
    expect(existsSync(join(zones, 'tmp-aaaaaaaaa1'))).toBe(true);
    expect(existsSync(join(zones, 'tmp-aaaaaaaaa2'))).toBe(true);
  });

  it('a zone file that is a symbolic link (a ConfigMap, never dumped) proves nothing', async () => {
    const real = join(scratch, 'real.db');
    await rename(zoneFile, real);
    await symlink(real, zoneFile);
    await tmp('tmp-aaaaaaaaa1', zoneText('dyn.test', 8), 53);
    const report = (await removeStaleTmpFiles({ rndc: named(10), zone: 'dyn.test' })).unwrap();
    expect(report.current).toBe(false);
    expect(report.currentDetail).toMatch(/symbolic link/);
    expect(existsSync(join(zones, 'tmp-aaaaaaaaa1'))).toBe(true);
  });

  describe('a swap between the check and the unlink', () => {
    it('another file renamed into place: kept (changed); the file swapped in survives', async () => {
      const path = await tmp('tmp-aaaaaaaaa1', zoneText('dyn.test', 8), 53);
      const precious = join(zones, 'precious');
      await writeFile(precious, 'the only copy');
      await utimes(precious, minutesAgo(53), minutesAgo(53));
      const report = (
        await removeStaleTmpFilesWith(
          { rndc: named(10), zone: 'dyn.test' },
          { beforeRecheck: async (p) => rename(precious, p) },
        )
      ).unwrap();
      expect(report.files).toMatchObject([{ verdict: 'kept', reason: 'changed' }]);
      expect(await readFile(path, 'utf8')).toBe('the only copy');
    });

    it('a symbolic link put in its place: kept (changed); neither link nor target is removed', async () => {
      const path = await tmp('tmp-aaaaaaaaa1', zoneText('dyn.test', 8), 53);
      const target = join(scratch, 'target');
      await writeFile(target, 'outside');
      const report = (
        await removeStaleTmpFilesWith(
          { rndc: named(10), zone: 'dyn.test' },
          {
            beforeRecheck: async (p) => {
              await rm(p);
              await symlink(target, p);
            },
          },
        )
      ).unwrap();
      expect(report.files).toMatchObject([{ verdict: 'kept', reason: 'changed' }]);
      expect((await lstat(path)).isSymbolicLink()).toBe(true);
      expect(await readFile(target, 'utf8')).toBe('outside');
    });

    it('the zone directory replaced by another: nothing in it is removed', async () => {
      await tmp('tmp-aaaaaaaaa1', zoneText('dyn.test', 8), 53);
      await tmp('tmp-aaaaaaaaa2', zoneText('dyn.test', 9), 40);
      const report = (
        await removeStaleTmpFilesWith(
          { rndc: named(10), zone: 'dyn.test' },
          {
            beforeRecheck: async () => {
              if (existsSync(join(scratch, 'moved'))) return;
              await rename(zones, join(scratch, 'moved'));
              await mkdir(zones);
              for (const name of ['tmp-aaaaaaaaa1', 'tmp-aaaaaaaaa2']) {
                await writeFile(join(zones, name), 'another directory’s file');
              }
            },
          },
        )
      ).unwrap();
      expect(report.files.map((f) => f.reason)).toEqual(['changed', 'not-examined']);
      for (const name of ['tmp-aaaaaaaaa1', 'tmp-aaaaaaaaa2']) {
        expect(existsSync(join(zones, name))).toBe(true);
        expect(existsSync(join(scratch, 'moved', name))).toBe(true);
      }
    });
  });

  it('a directory with more tmp-* entries than one run examines: the listing stops, says so, and the next run goes on', async () => {
    const when = minutesAgo(30);
    const names = Array.from({ length: 10_010 }, (_, i) => `tmp-${String(i).padStart(10, '0')}`);
    for (const name of names) {
      const path = join(zones, name);
      await writeFile(path, '');
      await utimes(path, when, when);
    }
    const first = (await removeStaleTmpFiles({ rndc: named(10), zone: 'dyn.test' })).unwrap();
    expect(first.listingIncomplete).toBe(true);
    expect(first.files).toHaveLength(10_000);
    expect(first.removed).toBe(10_000);
    const second = (await removeStaleTmpFiles({ rndc: named(10), zone: 'dyn.test' })).unwrap();
    expect(second).toMatchObject({ listingIncomplete: false, removed: 10, kept: 0 });
    expect((await readdir(zones)).filter((n) => n.startsWith('tmp-'))).toEqual([]);
  }, 60_000);

  it('no such zone directory: an error value that says where, nothing thrown', async () => {
    zoneFile = join(scratch, 'nowhere/dyn.test.db');
    const error = (await removeStaleTmpFiles({ rndc: named(10), zone: 'dyn.test' })).unwrapErr();
    expect(error.kind).toBe('zone-dir-unreadable');
    expect(error.message).toContain(join(scratch, 'nowhere'));
  });
});
