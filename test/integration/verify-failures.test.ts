// Each reproducible failure row of research/dump-behaviour.md §5.1 against a real named 9.18:
// the rndc binary says success, sync({ verify: true }) says `failed` with the failing step and a
// diagnosis naming the cause. And sync({ clean: true }) in a failing state keeps the journal, so
// after a restart of named no update is lost.

import { existsSync } from 'node:fs';
import { chmod, chown, copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RndcClient } from '../../src/control/client.js';
import { RndcError } from '../../src/control/errors.js';
import type { DumpError } from '../../src/dump/errors.js';
import { verifyZoneWritten } from '../../src/dump/verify.js';
import {
  canUseMountNamespace,
  type NamedInstance,
  runRndcBinary,
  type StartNamedOptions,
  startNamed,
} from '../../src/testing/index.js';
import { UpdateClient } from '../../src/update/client.js';
import { Update } from '../../src/update/update.js';
import { lookup } from '../helpers/dns.js';
import { dumpBehaviour } from '../helpers/dump-versions.js';
import { JOURNAL_ELSEWHERE, NOBODY, readOnlyZonesDir } from '../helpers/layouts.js';

// Keeps the journal writable when the zone directory is not (otherwise UPDATEs fail first).
const mountNamespace = await canUseMountNamespace();
const instances: NamedInstance[] = [];
let counter = 0;

afterAll(async () => {
  for (const named of instances) await named.stop();
});

async function lab(options: StartNamedOptions) {
  const named = await startNamed(options);
  instances.push(named);
  const rndc = RndcClient.connect({
    port: named.controlPort,
    key: named.keys['hmac-sha256'],
    named: { log: named.logFile, pid: named.pid, binary: named.namedBinary },
  });
  const updates = new UpdateClient({
    server: '127.0.0.1',
    port: named.dnsPort,
    key: named.keys['hmac-sha256'],
  });
  const add = async () => {
    counter++;
    (
      await updates.send(new Update('dyn.test').add(`f${counter} 300 A 192.0.2.${counter % 250}`))
    ).unwrap();
    return `f${counter}.dyn.test`;
  };
  const close = async () => {
    updates.close();
    await rndc.close();
  };
  return { named, rndc, add, close };
}

/** rndc says success; our verified sync says failed at `step`, with `finding` in the diagnosis. */
async function expectHiddenFailure(
  l: Awaited<ReturnType<typeof lab>>,
  step: string,
  finding: string,
) {
  await l.add();
  const behaviour = dumpBehaviour(l.named.bindVersion);
  const binary = await runRndcBinary(l.named, ['sync', 'dyn.test']);
  // BIND's rndc: success, except on 9.20 for a temp file it cannot create (it fails at once).
  const expected =
    step === 'open' ? behaviour.rndcSyncOpenFailure : { exitCode: 0, stdout: '', stderr: /^$/ };
  expect(binary).toMatchObject({ exitCode: expected.exitCode, stdout: expected.stdout });
  expect(binary.stderr).toMatch(expected.stderr);
  // Asked after the fact ("did that sync work?"), verification looks back and sees the failure.
  // A failed verdict is an Err, as for sync/freeze.
  const afterwards = (
    await verifyZoneWritten({
      rndc: l.rndc,
      zone: 'dyn.test',
      log: l.named.logFile,
      timeoutMs: 5000,
      diagnose: false,
    })
  ).unwrapErr();
  expect(afterwards.kind).toBe('dump-failed');
  expect(afterwards.evidence?.verdict).toBe('failed');
  expect(afterwards.evidence?.failedStep).toBe(step);
  await l.add();
  const result = await l.rndc.sync('dyn.test', { verify: true });
  const error = result.unwrapErr() as DumpError;
  expect(error.kind).toBe('dump-failed');
  expect(error.evidence?.verdict).toBe('failed');
  expect(error.evidence?.failedStep).toBe(step);
  expect(error.evidence?.fileSerialAfter).toBeLessThan(error.evidence!.servedSerial);
  expect(error.evidence?.diagnosis?.findings.map((f) => f.code)).toContain(finding);
  expect(error.describe()).toContain('Remedy:');
  // Where named refused the sync (9.20, open), its answer is the cause and is in the summary.
  const refused = step === 'open' && behaviour.openFailureAnswer !== undefined;
  expect(error.cause instanceof RndcError).toBe(refused);
  if (refused) {
    expect((error.cause as RndcError).response?.err).toBe(behaviour.openFailureAnswer?.sync);
    expect(error.evidence?.summary).toMatch(
      /^named answered 'sync dyn\.test' with "permission denied": /,
    );
  }
  return error;
}

describe('rndc says success; verification says failed, and why', () => {
  it('read-only zone directory (chmod 555, named -u nobody) → open', async () => {
    const l = await lab(readOnlyZonesDir());
    const error = await expectHiddenFailure(l, 'open', 'zone-dir-not-writable');
    expect(error.evidence?.newTmpFiles).toEqual([]);
    expect(
      error.evidence?.logEvents.some((e) => e.kind === 'dump-failed' && e.step === 'open'),
    ).toBe(true);
    await l.close();
  });

  it('read-only zone directory: a verified freeze fails at open and says whether the zone is frozen; sync -clean keeps the journal and leaves the zone thawed', async () => {
    const l = await lab(readOnlyZonesDir());
    const behaviour = dumpBehaviour(l.named.bindVersion);
    await l.add();
    const frozen = (await l.rndc.freeze('dyn.test', { verify: true })).unwrapErr() as DumpError;
    expect(frozen.kind).toBe('dump-failed');
    expect(frozen.evidence).toMatchObject({ verdict: 'failed', failedStep: 'open' });
    expect(frozen.remedy).toMatch(/named cannot create files/);
    // 9.16/9.18 freeze although the dump fails; 9.20 refuses the freeze and stays thawed.
    const isFrozen = (await l.rndc.zonestatus('dyn.test')).unwrap().frozen;
    expect(isFrozen).toBe(behaviour.frozenAfterFailedOpen);
    expect(frozen.message).toContain(
      isFrozen ? 'The zone is frozen nevertheless' : 'named did not freeze the zone',
    );
    (await l.rndc.thaw('dyn.test', { wait: true })).unwrap();

    await l.add();
    const journal = join(l.named.dir, 'jnl/dyn.test.db.jnl');
    const cleaned = (await l.rndc.sync('dyn.test', { verify: true, clean: true })).unwrapErr();
    expect(cleaned).toMatchObject({ kind: 'clean-refused' });
    expect((cleaned as DumpError).evidence).toMatchObject({
      verdict: 'failed',
      failedStep: 'open',
    });
    expect(existsSync(journal)).toBe(true);
    // Thawed again whatever the version did with the freeze: updates are accepted.
    expect((await l.rndc.zonestatus('dyn.test')).unwrap().frozen).toBe(false);
    await l.add();
    await l.close();
  });

  it('zone file and directory owned by root, named -u nobody → open', async () => {
    const l = await lab({
      user: 'nobody',
      ownership: 'leave',
      zones: [{ name: 'dyn.test', kind: 'dynamic', options: JOURNAL_ELSEWHERE }],
      beforeStart: async ({ dir, zones }) => {
        await mkdir(join(dir, 'jnl'));
        await chown(join(dir, 'jnl'), NOBODY, NOBODY);
        for (const zone of zones) await chown(zone.path, 0, 0);
      },
    });
    await expectHiddenFailure(l, 'open', 'zone-dir-not-writable');
    await l.close();
  });

  it('sticky directory with a foreign-owned zone file → rename, temp file left behind', async () => {
    const l = await lab({
      user: 'nobody',
      zones: [{ name: 'dyn.test', kind: 'dynamic' }],
      beforeStart: async ({ dir, zones }) => {
        await chown(join(dir, 'zones'), 0, 0);
        await chmod(join(dir, 'zones'), 0o1777);
        for (const zone of zones) await chown(zone.path, 0, 0);
      },
    });
    const error = await expectHiddenFailure(l, 'rename', 'sticky-dir-foreign-file');
    expect(error.evidence?.newTmpFiles.length).toBeGreaterThanOrEqual(1);
    await l.close();
  });

  it('bind-mounted zone file (Kubernetes subPath, the seed case) → rename (EBUSY)', async () => {
    if (!mountNamespace.ok) {
      console.log(`bind-mount case not run: ${mountNamespace.reason}`);
      expect(mountNamespace.reason).not.toBe('');
      return;
    }
    const l = await lab({
      user: 'nobody',
      zones: [{ name: 'dyn.test', kind: 'dynamic' }],
      beforeStart: async ({ dir, zones }) => {
        await mkdir(join(dir, 'cm'));
        await copyFile(zones[0]!.path, join(dir, 'cm/dyn.test.db'));
      },
      mountNamespace: {
        bindMounts: [{ source: 'cm/dyn.test.db', target: 'zones/dyn.test.db', readOnly: true }],
      },
    });
    const error = await expectHiddenFailure(l, 'rename', 'zone-file-mount-point');
    expect(error.evidence?.logEvents.find((e) => e.kind === 'dump-failed')).toMatchObject({
      step: 'rename',
      result: 'unexpected error',
    });
    expect(error.remedy).toMatch(/mount point/);
    await l.close();
  });
});

describe('sync({ clean: true }) in a failing state', () => {
  it('keeps the journal; after a restart of named no update is lost', async () => {
    const l = await lab({
      user: 'nobody',
      zones: [{ name: 'dyn.test', kind: 'dynamic' }],
      beforeStart: async ({ dir, zones }) => {
        await chown(join(dir, 'zones'), 0, 0);
        await chmod(join(dir, 'zones'), 0o1777);
        for (const zone of zones) await chown(zone.path, 0, 0);
      },
    });
    const names = [await l.add(), await l.add()];
    const served = (await l.rndc.zonestatus('dyn.test')).unwrap().serial;
    const error = (await l.rndc.sync('dyn.test', { clean: true })).unwrapErr() as DumpError;
    expect(error.kind).toBe('clean-refused');
    expect(error.message).toMatch(/refusing to delete the journal/);
    const journal = `${l.named.zones[0]!.path}.jnl`;
    expect(existsSync(journal)).toBe(true);
    // The rndc binary would have deleted it: `sync -clean` removes the journal at scheduling time.
    await l.close();
    await l.named.restart();
    const after = RndcClient.connect({
      port: l.named.controlPort,
      key: l.named.keys['hmac-sha256'],
    });
    expect((await after.zonestatus('dyn.test')).unwrap().serial).toBe(served);
    for (const name of names) expect(await lookup(l.named.dnsPort, name, 'A')).toHaveLength(1);
    await after.close();
  });
});
