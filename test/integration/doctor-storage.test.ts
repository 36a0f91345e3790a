// The storage doctor where named's directory turns hostile or full, against real named 9.18:
// a FIFO in place of the journal or of the zone file (named's user can put one there) must not
// stop diagnoseZoneStorage from settling by its deadline, and is a finding of its own; a full
// (or inode-exhausted) file system is a finding, a healthy one is not.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RndcClient } from '../../src/control/client.js';
import { diagnoseZoneStorage, type StorageDiagnosis } from '../../src/dump/diagnose.js';
import { type NamedInstance, runBinary, startNamed } from '../../src/testing/index.js';
import { UpdateClient } from '../../src/update/client.js';
import { Update } from '../../src/update/update.js';
import { NOBODY } from '../helpers/layouts.js';

const ZONE = 'dyn.test';
const CLI = resolve('dist/cli.cjs');

interface Lab {
  readonly named: NamedInstance;
  readonly rndc: RndcClient;
  readonly updates: UpdateClient;
  readonly zoneFile: string;
  readonly cleanups: Array<() => Promise<void>>;
}

const labs: Lab[] = [];
let counter = 0;

/** tmpfs mounts made in the host namespace: always unmounted, whatever failed before. */
const mounts = new Set<string>();

afterAll(async () => {
  for (const lab of [...labs]) await stop(lab).catch(() => {});
  for (const mount of mounts) await sh('umount', '-l', mount).catch(() => {});
});

async function start(tmpfs?: string): Promise<Lab> {
  const cleanups: Array<() => Promise<void>> = [];
  const named = await startNamed({
    user: 'nobody',
    zones: [{ name: ZONE, kind: 'dynamic' }],
    ...(tmpfs !== undefined
      ? {
          // The zones directory becomes a small tmpfs of its own, owned by named's user.
          beforeStart: async ({ dir }) => {
            const zones = join(dir, 'zones');
            const saved = new Map<string, Buffer>();
            for (const name of await readdir(zones)) {
              saved.set(name, await readFile(join(zones, name)));
            }
            await sh(
              'mount',
              '-t',
              'tmpfs',
              '-o',
              `${tmpfs},mode=0755,uid=${NOBODY},gid=${NOBODY}`,
              'rndc-doctor-test',
              zones,
            );
            mounts.add(zones);
            cleanups.push(async () => {
              await sh('umount', '-l', zones);
              mounts.delete(zones);
            });
            for (const [name, bytes] of saved) {
              await writeFile(join(zones, name), bytes);
              await sh('chown', `${NOBODY}:${NOBODY}`, join(zones, name));
            }
          },
        }
      : {}),
  });
  const lab: Lab = {
    named,
    rndc: RndcClient.connect({
      port: named.controlPort,
      key: named.keys['hmac-sha256'],
      named: { binary: named.namedBinary },
    }),
    updates: new UpdateClient({
      server: '127.0.0.1',
      port: named.dnsPort,
      key: named.keys['hmac-sha256'],
      timeoutMs: 5000,
    }),
    zoneFile: named.zones.find((z) => z.name === ZONE)!.path,
    cleanups,
  };
  labs.push(lab);
  return lab;
}

async function stop(lab: Lab): Promise<void> {
  if (!labs.includes(lab)) return;
  labs.splice(labs.indexOf(lab), 1);
  lab.updates.close();
  await lab.rndc.close().catch(() => {});
  // Unmount (lazily) first: stop() removes the instance directory, the tmpfs included.
  for (const cleanup of lab.cleanups) await cleanup();
  await lab.named.stop();
}

function sh(cmd: string, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(cmd, args, { timeout: 20_000 }, (error, stdout, stderr) =>
      error
        ? reject(new Error(`${cmd} ${args.join(' ')}: ${stderr || error.message}`))
        : resolve(stdout),
    ),
  );
}

function add(lab: Lab) {
  counter++;
  return lab.updates.send(new Update(ZONE).add(`h${counter} 300 A 192.0.2.${counter % 250}`));
}

async function diagnose(lab: Lab, timeoutMs = 20_000): Promise<StorageDiagnosis> {
  const served = (await lab.rndc.zonestatus(ZONE)).unwrap().serial!;
  return (
    await diagnoseZoneStorage({
      zoneFile: lab.zoneFile,
      namedPid: lab.named.pid,
      namedBinary: lab.named.namedBinary,
      origin: ZONE,
      servedSerial: served,
      timeoutMs,
    })
  ).unwrap();
}

const codes = (d: StorageDiagnosis) => d.findings.map((f) => f.code).sort();

/** Replaces `path` with a FIFO nobody writes to (as named's user could). */
async function plantFifo(path: string): Promise<void> {
  await rm(path, { force: true });
  await sh('mkfifo', '-m', '0644', path);
  await sh('chown', `${NOBODY}:${NOBODY}`, path);
}

describe('a FIFO in named directory (issue: the diagnosis never settled)', () => {
  it('FIFO as the journal: settles by the deadline + 2 s with not-a-regular-file (journal)', async () => {
    const lab = await start();
    (await add(lab)).unwrap();
    (await lab.rndc.sync(ZONE, { verify: true })).unwrap();
    const journal = `${lab.zoneFile}.jnl`;
    await plantFifo(journal);
    try {
      const timeoutMs = 5000;
      const began = Date.now();
      const d = await diagnose(lab, timeoutMs);
      const took = Date.now() - began;
      expect(took).toBeLessThan(timeoutMs + 2000);
      const finding = d.findings.find((f) => f.code === 'not-a-regular-file');
      expect(finding?.title).toMatch(/journal .* is a FIFO/);
      expect(finding?.remedy).toMatch(/remove it/);
      expect(d.facts.notRegular).toEqual([{ subject: 'journal', path: journal, type: 'FIFO' }]);
      // Twice in a row: no threadpool thread was left blocked on the FIFO.
      const again = await diagnose(lab, timeoutMs);
      expect(codes(again)).toContain('not-a-regular-file');
      // The CLI (dist) the same: exit 1 with the finding, well within its time.
      expect(existsSync(CLI), 'run `npm run build` first').toBe(true);
      const cli = await runBinary(
        process.execPath,
        [CLI, 'doctor', '--zone-file', lab.zoneFile, '--named-pid', String(lab.named.pid)],
        { timeoutMs: 30_000 },
      );
      expect(cli.timedOut).toBe(false);
      expect(cli.exitCode, cli.stderr).toBe(1);
      expect(cli.stdout).toMatch(/not-a-regular-file/);
      expect(cli.stdout).toMatch(/is a FIFO, not a regular file/);
    } finally {
      await rm(journal, { force: true });
    }
    await stop(lab);
  }, 60_000);

  it('FIFO as the zone file: settles by the deadline + 2 s with not-a-regular-file (zone file)', async () => {
    const lab = await start();
    (await add(lab)).unwrap();
    (await lab.rndc.sync(ZONE, { verify: true })).unwrap();
    const saved = `${lab.zoneFile}.saved`;
    await rename(lab.zoneFile, saved);
    await plantFifo(lab.zoneFile);
    try {
      const timeoutMs = 5000;
      const began = Date.now();
      const d = await diagnose(lab, timeoutMs);
      expect(Date.now() - began).toBeLessThan(timeoutMs + 2000);
      expect(d.facts.notRegular).toEqual([
        { subject: 'zone-file', path: lab.zoneFile, type: 'FIFO' },
      ]);
      const finding = d.findings.find((f) => f.code === 'not-a-regular-file');
      expect(finding?.severity).toBe('error');
      expect(finding?.title).toMatch(/zone file .* is a FIFO/);
      expect(d.facts.fileSerial).toBeUndefined();
    } finally {
      await rm(lab.zoneFile, { force: true });
      await rename(saved, lab.zoneFile);
    }
    await stop(lab);
  }, 60_000);

  it('an aborted signal or an expired deadline settles at once, with a typed error', async () => {
    const lab = await start();
    const controller = new AbortController();
    controller.abort();
    const aborted = await diagnoseZoneStorage({
      zoneFile: lab.zoneFile,
      namedPid: lab.named.pid,
      signal: controller.signal,
    });
    expect(aborted.isErr() && aborted.error.kind).toBe('aborted');
    const bad = await diagnoseZoneStorage({ zoneFile: lab.zoneFile, timeoutMs: -1 });
    expect(bad.isErr() && bad.error.kind).toBe('invalid-argument');
    await stop(lab);
  });
});

describe('free space and inodes (statfs)', () => {
  it('a healthy 4 MiB tmpfs: no filesystem finding, the space is reported', async () => {
    const lab = await start('size=4m,nr_inodes=1000');
    (await add(lab)).unwrap();
    (await lab.rndc.sync(ZONE, { verify: true })).unwrap();
    const d = await diagnose(lab);
    expect(d.findings).toEqual([]);
    const space = d.facts.space.find((s) => s.path.endsWith('/zones'));
    expect(space?.availableBytes).toBeGreaterThan(space!.neededBytes);
    expect(space?.freeInodes).toBeGreaterThan(2);
    await stop(lab);
  });

  it('a 100 %-full tmpfs: filesystem-full with the remedy (the doctor used to say named can write)', async () => {
    const lab = await start('size=256k,nr_inodes=1000');
    (await add(lab)).unwrap();
    const zones = join(lab.named.dir, 'zones');
    // Fill it (root has no reserved blocks on tmpfs: this is 100 %).
    await runBinary('dd', ['if=/dev/zero', `of=${join(zones, 'fill')}`, 'bs=4096'], {
      timeoutMs: 30_000,
    });
    await add(lab); // may fail: the journal cannot grow
    await lab.rndc.sync(ZONE);
    await sh('sync');
    const d = await diagnose(lab);
    const full = d.findings.find((f) => f.code === 'filesystem-full');
    expect(full?.severity).toBe('error');
    expect(full?.remedy).toMatch(/Free space on the file system holding .*zones/);
    const space = d.facts.space.find((s) => s.path === join(lab.named.dir, 'zones'));
    expect(space?.availableBytes).toBeLessThan(space!.neededBytes);
    expect(codes(d)).not.toContain('filesystem-no-inodes');
    await rm(join(zones, 'fill'), { force: true });
    await stop(lab);
  }, 60_000);

  it('a tmpfs out of inodes: filesystem-no-inodes', async () => {
    const lab = await start('size=4m,nr_inodes=16');
    (await add(lab)).unwrap();
    const zones = join(lab.named.dir, 'zones');
    // Use up every inode left.
    for (let i = 0; i < 64; i++) {
      try {
        await writeFile(join(zones, `f${i}`), '');
      } catch (error) {
        expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
        break;
      }
    }
    const d = await diagnose(lab);
    expect(codes(d)).toContain('filesystem-no-inodes');
    expect(codes(d)).not.toContain('filesystem-full');
    const finding = d.findings.find((f) => f.code === 'filesystem-no-inodes');
    expect(finding?.remedy).toMatch(/nr_inodes/);
    await stop(lab);
  }, 60_000);
});
