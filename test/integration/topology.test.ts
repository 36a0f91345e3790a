// The test topology itself (test/helpers/topology.ts): a primary whose NOTIFYs reach the healthy
// secondaries, and each broken secondary broken the way its spec says, seen through dig and the
// primary's log. The propagation and fleet tests rely on exactly this.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBinary } from '../../src/testing/index.js';
import { UpdateClient } from '../../src/update/client.js';
import { Update } from '../../src/update/update.js';
import { silentPort, startTopology, type Topology } from '../helpers/topology.js';
import { until } from '../helpers/until.js';

let topology: Topology;
beforeAll(async () => {
  topology = await startTopology({
    secondaries: [
      { label: 'a' },
      { label: 'b' },
      { label: 'refused', transferKey: 'none' },
      { label: 'wrong-key', transferKey: 'wrong' },
      { label: 'stale', primaryPort: await silentPort(), staleSerial: 2023010101 },
    ],
  });
}, 120_000);
afterAll(async () => {
  await topology?.stop();
});

/** dig's answer for the zone's SOA at one server: status and serial. */
async function soa(port: number): Promise<{ status: string; serial: number | undefined }> {
  const run = await runBinary('dig', [
    '@127.0.0.1',
    '-p',
    String(port),
    topology.zone,
    'SOA',
    '+norecurse',
    '+tries=1',
    '+time=5',
  ]);
  const status = /status: (\w+)/.exec(run.stdout)?.[1] ?? 'none';
  const serial = new RegExp(
    `^${topology.zone}\\.\\s+\\d+\\s+IN\\s+SOA\\s+\\S+\\s+\\S+\\s+(\\d+)`,
    'm',
  ).exec(run.stdout)?.[1];
  return { status, serial: serial === undefined ? undefined : Number(serial) };
}

describe('startTopology', () => {
  it('healthy secondaries serve the primary serial, and follow an update through NOTIFY', async () => {
    const first = await soa(topology.primary.dnsPort);
    expect(first).toEqual({ status: 'NOERROR', serial: 2024010101 });
    for (const label of ['a', 'b']) {
      expect(await soa(topology.secondary(label).dnsPort)).toEqual(first);
    }
    const client = new UpdateClient({
      server: '127.0.0.1',
      port: topology.primary.dnsPort,
      key: topology.primary.keys['hmac-sha256'],
    });
    try {
      (await client.send(new Update(topology.zone).add('new 300 A 192.0.2.77'))).unwrap();
    } finally {
      client.close();
    }
    const after = await soa(topology.primary.dnsPort);
    expect(after.serial).toBe(2024010102);
    for (const label of ['a', 'b']) {
      const port = topology.secondary(label).dnsPort;
      await until(
        async () => (await soa(port)).serial === after.serial,
        30_000,
        `${label} serves the new serial`,
      );
    }
  });

  it('the broken secondaries: refused and wrong key serve nothing, stale serves its copy', async () => {
    await topology.primary.waitForLog(/zone transfer 'prop\.test\/AXFR\/IN' denied/, {
      timeoutMs: 30_000,
    });
    await topology.primary.waitForLog(/TSIG xfr-key: tsig verify failure \(BADSIG\)/, {
      timeoutMs: 30_000,
    });
    expect((await soa(topology.secondary('refused').dnsPort)).status).toBe('SERVFAIL');
    expect((await soa(topology.secondary('wrong-key').dnsPort)).status).toBe('SERVFAIL');
    expect(await soa(topology.secondary('stale').dnsPort)).toEqual({
      status: 'NOERROR',
      serial: 2023010101,
    });
  });
});
