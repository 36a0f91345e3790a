// Issue 11 item 5 against a real named: `rndc-js sync ZONE -clean` (and rndc's spelling
// `sync -clean ZONE`) verifies the dump before the journal is deleted, without `--verify`. While
// dumps fail (a sticky zone directory with a zone file named's user does not own: rename()
// fails) it exits non-zero and the journal — the only copy of the updates on disk — survives a
// restart of named. Healthy, the journal is deleted after the proof, exit 0. Only the loudly
// named flag sends rndc's raw `sync -clean`, with a warning; in the failing state that loses
// the updates at the next restart, as BIND's rndc would.
import { existsSync } from 'node:fs';
import { chmod, chown, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RndcClient } from '../../src/control/client.js';
import {
  type BinaryResult,
  type NamedInstance,
  runBinary,
  startNamed,
} from '../../src/testing/index.js';
import { addRecord } from '../helpers/add-record.js';
import { CLI_FROM_SOURCE } from '../helpers/cli-io.js';
import { lookup } from '../helpers/dns.js';
import { until } from '../helpers/until.js';

const RAW_FLAG = '--unverified-clean-may-lose-journal';
const instances: NamedInstance[] = [];

afterAll(async () => {
  for (const named of instances) await named.stop();
});

function cli(named: NamedInstance, args: readonly string[]): Promise<BinaryResult> {
  return runBinary(process.execPath, [...CLI_FROM_SOURCE, '-c', named.rndcConfFile(), ...args], {
    timeoutMs: 60_000,
  });
}

async function servedSerial(named: NamedInstance): Promise<number | undefined> {
  const rndc = RndcClient.connect({ port: named.controlPort, key: named.keys['hmac-sha256'] });
  try {
    return (await rndc.zonestatus('dyn.test')).unwrap().serial;
  } finally {
    await rndc.close();
  }
}

describe('sync -clean while dumps fail (rename refused in a sticky directory)', () => {
  let named: NamedInstance;
  let journal: string;
  const names: string[] = [];

  beforeAll(async () => {
    named = await startNamed({
      user: 'nobody',
      zones: [{ name: 'dyn.test', kind: 'dynamic' }],
      beforeStart: async ({ dir, zones }) => {
        await chown(join(dir, 'zones'), 0, 0);
        await chmod(join(dir, 'zones'), 0o1777);
        for (const zone of zones) await chown(zone.path, 0, 0);
      },
    });
    instances.push(named);
    journal = `${named.zones[0]!.path}.jnl`;
  }, 60_000);

  it('`sync dyn.test -clean` verifies first: FAILED at rename, exit 1, the journal kept', async () => {
    names.push(await addRecord(named, 'c'), await addRecord(named, 'c'));
    expect(existsSync(journal)).toBe(true);
    const result = await cli(named, ['sync', 'dyn.test', '-clean', '--named-log', named.logFile]);
    expect(result.exitCode, result.stdout + result.stderr).toBe(1);
    expect(result.stdout).toMatch(/^dyn\.test: FAILED$/m);
    expect(result.stdout).toMatch(/^ {2}failed step: +rename$/m);
    expect(result.stdout).not.toMatch(/journal: +deleted/);
    expect(result.stderr).toMatch(
      /^rndc-js: 'sync' failed: refusing to delete the journal of dyn\.test: the dump was not verified/m,
    );
    expect(existsSync(journal)).toBe(true);
  });

  it('rndc’s spelling `sync -clean dyn.test` too; `sync -clean` of every zone is refused before anything is sent', async () => {
    names.push(await addRecord(named, 'c'));
    const spelled = await cli(named, ['sync', '-clean', 'dyn.test']);
    expect(spelled.exitCode, spelled.stdout + spelled.stderr).toBe(1);
    expect(spelled.stdout).toMatch(/^dyn\.test: (FAILED|NOT PROVEN)$/m);
    expect(spelled.stderr).toMatch(/refusing to delete the journal of dyn\.test/);
    expect(existsSync(journal)).toBe(true);

    const offset = named.logOffset();
    const all = await cli(named, ['sync', '-clean']);
    expect(all.exitCode).toBe(1);
    expect(all.stderr).toContain(`sync -clean needs a zone`);
    expect(all.stderr).toContain(RAW_FLAG);
    expect(existsSync(journal)).toBe(true);
    // Nothing reached named: no control command was logged after the refusal.
    const log = await readFile(named.logFile);
    expect(log.subarray(offset).toString()).not.toMatch(/received control channel command 'sync/);
  });

  it('after a restart of named every update is still there (the journal was kept)', async () => {
    const served = await servedSerial(named);
    await named.restart();
    expect(await servedSerial(named)).toBe(served);
    for (const name of names) expect(await lookup(named.dnsPort, name, 'A'), name).toHaveLength(1);
  });

  it(`${RAW_FLAG}: rndc's raw sync -clean with a warning — the journal goes while the dump fails, and a restart loses the updates`, async () => {
    const lost = await addRecord(named, 'c');
    expect(existsSync(journal)).toBe(true);
    const result = await cli(named, ['sync', '-clean', 'dyn.test', RAW_FLAG]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toBe(''); // as rndc prints it: nothing
    expect(result.stderr).toMatch(
      new RegExp(
        `^rndc-js: WARNING: ${RAW_FLAG}: sending 'sync -clean' unverified, as rndc does\\.`,
      ),
    );
    expect(result.stderr).toMatch(/next restart loses them/);
    await until(() => !existsSync(journal), 10_000, 'named to delete the journal');
    await named.restart();
    // The zone file never got the updates (every dump failed): they are gone.
    expect(await lookup(named.dnsPort, lost, 'A')).toHaveLength(0);
    for (const name of names) expect(await lookup(named.dnsPort, name, 'A'), name).toHaveLength(0);
  });

  it(`${RAW_FLAG} without -clean, or with --verify, is a usage error; nothing is sent`, async () => {
    const alone = await cli(named, ['sync', 'dyn.test', RAW_FLAG]);
    expect(alone.exitCode).toBe(1);
    expect(alone.stderr).toContain(`${RAW_FLAG} goes with -clean and without --verify`);
    const both = await cli(named, ['sync', 'dyn.test', '-clean', '--verify', RAW_FLAG]);
    expect(both.exitCode).toBe(1);
    expect(both.stderr).toContain(`${RAW_FLAG} goes with -clean and without --verify`);
  });
});

describe('sync -clean on a healthy named', () => {
  it('`sync dyn.test -clean`: WRITTEN, the journal deleted after the proof, exit 0; the update survives a restart', async () => {
    const named = await startNamed({ zones: [{ name: 'dyn.test', kind: 'dynamic' }] });
    instances.push(named);
    const journal = `${named.zones[0]!.path}.jnl`;
    const name = await addRecord(named, 'c');
    expect(existsSync(journal)).toBe(true);
    const result = await cli(named, ['sync', 'dyn.test', '-clean', '--named-log', named.logFile]);
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^dyn\.test: WRITTEN/m);
    expect(result.stdout).toMatch(/^ {2}journal: +deleted \(sync -clean sent after the proof\)$/m);
    expect(result.stderr).toBe('');
    expect(existsSync(journal)).toBe(false);
    await named.restart();
    expect(await lookup(named.dnsPort, name, 'A')).toHaveLength(1);
  });
});
