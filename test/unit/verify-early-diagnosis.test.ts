// The journal check's storage diagnosis starts while verification waits for named's dump, and a
// finished one serves later verifications of the same zone on the same named (issue 17) — but
// only while the journal and its directories are as it saw them: a journal chmod-ed since (or
// replaced, removed) means a new diagnosis. Counted through the `status` calls each diagnosis
// makes (named's boot time and configuration file).
import { appendFileSync, chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ok } from 'ts-results-es';
import { afterAll, describe, expect, it } from 'vitest';
import type { ServerStatus, ZoneStatus } from '../../src/control/parse.js';
import { verifyZoneWritten, type ZoneStatusSource } from '../../src/dump/verify.js';

const dir = mkdtempSync(join(tmpdir(), 'verify-early-diagnosis-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function named(file: string): ZoneStatusSource & { statusCalls: number } {
  const source = {
    statusCalls: 0,
    zonestatus: () =>
      Promise.resolve(Ok({ files: [file], serial: 9, dynamic: true } as ZoneStatus)),
    status: () => {
      source.statusCalls++;
      return Promise.resolve(Ok({} as ServerStatus));
    },
  };
  return source;
}

/** This process stands in for named (whatever nameds run on the host): it can write the files. */
const asNamed = { namedPid: process.pid, trustNamedPid: true, timeoutMs: 10_000 };

describe('the early storage diagnosis', () => {
  it('is made once for repeated verifications, again once the journal changed mode', async () => {
    const file = join(dir, 'dyn.test.db');
    writeFileSync(file, '@ 300 IN SOA ns hostmaster 9 3600 600 86400 300\n');
    writeFileSync(`${file}.jnl`, 'journal');
    const rndc = named(file);
    const verify = async () =>
      (
        await verifyZoneWritten({ rndc, zone: 'dyn.test', zoneFile: file, timeoutMs: 10_000 })
      ).unwrap();
    expect((await verify()).verdict).toBe('nothing-pending');
    const first = rndc.statusCalls;
    expect(first).toBe(1);
    // named appending updates to the journal: the same storage, no new diagnosis.
    appendFileSync(`${file}.jnl`, 'update');
    expect((await verify()).verdict).toBe('nothing-pending');
    expect(rndc.statusCalls).toBe(first);
    // The journal's mode changed: the kept diagnosis no longer describes it.
    chmodSync(`${file}.jnl`, 0o600);
    expect((await verify()).verdict).toBe('nothing-pending');
    const afterChmod = rndc.statusCalls;
    expect(afterChmod).toBeGreaterThan(first);
    // The stale one was dropped: the next verification makes (and keeps) a new one, and the one
    // after that uses it.
    await verify();
    await verify();
    expect(rndc.statusCalls).toBe(afterChmod + 1);
  });

  it('is not shared between two nameds (two clients)', async () => {
    const file = join(dir, 'other.test.db');
    writeFileSync(file, '@ 300 IN SOA ns hostmaster 9 3600 600 86400 300\n');
    const one = named(file);
    const two = named(file);
    for (const rndc of [one, two]) {
      const checked = await verifyZoneWritten({
        rndc,
        zone: 'other.test',
        zoneFile: file,
        ...asNamed,
      });
      expect(checked.unwrap().verdict).toBe('nothing-pending');
    }
    expect(one.statusCalls).toBe(1);
    expect(two.statusCalls).toBe(1);
  });
});
