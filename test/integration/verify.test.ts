// verifyZoneWritten and sync/freeze with verify against a real, healthy named 9.18.
import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RndcClient } from '../../src/control/client.js';
import { readJournalInfo } from '../../src/dump/journal.js';
import { verifyZoneWritten } from '../../src/dump/verify.js';
import { readZoneFileSerial } from '../../src/dump/zonefile.js';
import { type NamedInstance, runRndcBinary, startNamed } from '../../src/testing/index.js';
import { UpdateClient } from '../../src/update/client.js';
import { Update } from '../../src/update/update.js';

let named: NamedInstance;
let rndc: RndcClient;
let updates: UpdateClient;
let counter = 0;

const zoneFile = (zone: string) => named.zones.find((z) => z.name === zone)!.path;
const fileSerial = async (zone: string) =>
  (await readZoneFileSerial(zoneFile(zone), { origin: zone })).unwrap().serial;
const add = async (zone: string) =>
  (
    await updates.send(new Update(zone).add(`v${counter++} 300 A 192.0.2.${counter % 250}`))
  ).unwrap();

beforeAll(async () => {
  named = await startNamed({
    zones: [
      { name: 'dyn.test', kind: 'dynamic' },
      { name: 'signed.test', kind: 'inline-signing' },
    ],
  });
  rndc = RndcClient.connect({
    port: named.controlPort,
    key: named.keys['hmac-sha256'],
    named: { log: named.logFile, pid: named.pid },
  });
  updates = new UpdateClient({
    server: '127.0.0.1',
    port: named.dnsPort,
    key: named.keys['hmac-sha256'],
  });
});

afterAll(async () => {
  updates?.close();
  await rndc?.close();
  await named?.stop();
});

describe('a healthy zone', () => {
  it('update → sync({ verify: true }) proves the write: file serial == served serial', async () => {
    await add('dyn.test');
    const served = (await rndc.zonestatus('dyn.test')).unwrap().serial!;
    expect(await fileSerial('dyn.test')).toBeLessThan(served);
    const result = (await rndc.sync('dyn.test', { verify: true })).unwrap();
    expect(result.dump).toMatchObject({
      verdict: 'written',
      servedSerial: served,
      fileSerialAfter: served,
      newTmpFiles: [],
    });
    expect(result.dump?.zoneFile).toBe(zoneFile('dyn.test'));
    expect(result.dump?.logRead).toBe(true);
    expect(await fileSerial('dyn.test')).toBe(served);
    // The journal stays (plain sync).
    expect((await readJournalInfo(`${zoneFile('dyn.test')}.jnl`)).unwrap().endSerial).toBe(served);
  });

  it('a second verified sync finds nothing pending', async () => {
    const result = (await rndc.sync('dyn.test', { verify: true })).unwrap();
    expect(result.dump?.verdict).toBe('nothing-pending');
  });

  it('freeze({ verify: true }) proves the write before returning; thaw restores updates', async () => {
    await add('dyn.test');
    const served = (await rndc.zonestatus('dyn.test')).unwrap().serial!;
    const frozen = (await rndc.freeze('dyn.test', { verify: true })).unwrap();
    expect(frozen.dump).toMatchObject({ verdict: 'written', fileSerialAfter: served });
    expect((await rndc.zonestatus('dyn.test')).unwrap().frozen).toBe(true);
    (await rndc.thaw('dyn.test', { wait: true })).unwrap();
  });

  it('sync({ clean: true }) verifies first, then deletes the journal', async () => {
    await add('dyn.test');
    const served = (await rndc.zonestatus('dyn.test')).unwrap().serial!;
    const result = (await rndc.sync('dyn.test', { clean: true })).unwrap();
    expect(result.dump?.verdict).toBe('written');
    expect(result.command).toBe('sync -clean dyn.test');
    expect(await fileSerial('dyn.test')).toBe(served);
    expect(existsSync(`${zoneFile('dyn.test')}.jnl`)).toBe(false);
  });

  it('an inline-signing zone: both the unsigned file and the raw .signed file are checked', async () => {
    await add('signed.test');
    const result = (await rndc.sync('signed.test', { verify: true })).unwrap();
    const status = (await rndc.zonestatus('signed.test')).unwrap();
    expect(result.dump?.verdict).toBe('written');
    expect(result.dump?.signed).toMatchObject({
      servedSerial: status.signedSerial,
      fileSerial: status.signedSerial,
    });
  });

  it('verifyZoneWritten finds the file through named.conf and reports nothing pending when current', async () => {
    const evidence = (
      await verifyZoneWritten({ rndc, zone: 'dyn.test', log: named.logFile })
    ).unwrap();
    expect(evidence.verdict).toBe('nothing-pending');
    expect(evidence.zoneFile).toBe(zoneFile('dyn.test'));
    expect((await rndc.waitForDump('dyn.test')).unwrap().verdict).toBe('nothing-pending');
  });

  it('without the command a pending change stays unproven until the deadline (no false "written")', async () => {
    await add('dyn.test');
    // Not proven is an error, as for sync/freeze: `not-verified`, carrying the evidence.
    const error = (
      await verifyZoneWritten({ rndc, zone: 'dyn.test', log: named.logFile, timeoutMs: 500 })
    ).unwrapErr();
    expect(error.kind).toBe('not-verified');
    const evidence = error.evidence!;
    expect(evidence.verdict).toBe('unknown');
    expect(evidence.fileSerialAfter).toBeLessThan(evidence.servedSerial);
    // And rndc's own sync then fixes it.
    expect((await runRndcBinary(named, ['sync', 'dyn.test'])).exitCode).toBe(0);
    // The dump may land before verification takes its baseline: then nothing is pending any more.
    const after = (
      await verifyZoneWritten({ rndc, zone: 'dyn.test', log: named.logFile })
    ).unwrap();
    expect(['written', 'nothing-pending']).toContain(after.verdict);
    expect(after.fileSerialAfter).toBe(after.servedSerial);
  });

  it('sync of all zones cannot be verified and says so', async () => {
    expect((await rndc.sync(undefined, { verify: true })).unwrapErr().kind).toBe(
      'invalid-argument',
    );
  });
});

describe("named's user floods the zone directory with tmp files", { timeout: 120_000 }, () => {
  it('20,000 new tmp-* files during a verified sync: the proof holds, at most 1,000 are named in the evidence', async () => {
    await add('dyn.test');
    const dir = dirname(zoneFile('dyn.test'));
    const names: string[] = [];
    for (let i = 0; i < 20_000; i++) names.push(`tmp-${i.toString(36).padStart(10, 'F')}`);
    try {
      // Created while the verification runs: each is a tmp file named did not have before.
      const flood = (async () => {
        for (let i = 0; i < names.length; i += 500) {
          await Promise.all(names.slice(i, i + 500).map((n) => writeFile(join(dir, n), '')));
        }
      })();
      const result = await rndc.sync('dyn.test', { verify: { timeoutMs: 60_000 } });
      await flood;
      const observed = (
        await verifyZoneWritten({ rndc, zone: 'dyn.test', log: named.logFile, timeoutMs: 30_000 })
      ).unwrap();
      expect(result.isOk()).toBe(true);
      expect(observed.verdict).toBe('nothing-pending');
      expect(observed.newTmpFiles.length).toBeLessThanOrEqual(1000);
      expect(result.unwrap().dump!.newTmpFiles.length).toBeLessThanOrEqual(1000);
    } finally {
      await Promise.all(names.map((n) => rm(join(dir, n), { force: true })));
    }
  });
});
