// The durability lag starts from the disk's evidence, not from when the watcher started: a zone
// whose journal was written (by an update) after its zone file, with the file still behind, shows
// at least the journal's age on the watcher's first look — a watcher restarted during an outage
// does not report a fresh lag of 0. A journal older than the file is no such evidence.
import { utimes } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RndcClient } from '../../src/control/client.js';
import { type NamedInstance, startNamed } from '../../src/testing/index.js';
import { UpdateClient } from '../../src/update/client.js';
import { Update } from '../../src/update/update.js';
import { serveWatcher } from '../../src/watch/server.js';
import { ZoneWatcher } from '../../src/watch/watcher.js';

let named: NamedInstance;
let rndc: RndcClient;
let zoneFile: string;

beforeAll(async () => {
  named = await startNamed({ zones: [{ name: 'lag.test', kind: 'dynamic' }] });
  rndc = RndcClient.connect({
    port: named.controlPort,
    key: named.keys['hmac-sha256'],
    maxConnections: 1,
  });
  zoneFile = named.zones.find((z) => z.name === 'lag.test')!.path;
  // One update: in the journal at once, in the zone file only at named's next dump (minutes).
  const updates = new UpdateClient({
    server: '127.0.0.1',
    port: named.dnsPort,
    key: named.keys['hmac-sha256'],
  });
  (await updates.send(new Update('lag.test').add('fresh 300 A 192.0.2.7'))).unwrap();
  updates.close();
});

afterAll(async () => {
  await rndc?.close();
  await named?.stop();
});

const HOUR = 3600;
const now = () => Date.now() / 1000;

async function firstLook() {
  const watcher = new ZoneWatcher({ rndc, namedConf: named.configFile, timeoutMs: 10_000 });
  try {
    const report = await watcher.refresh();
    const zone = report.zones.find((z) => z.zone === 'lag.test');
    const server = await serveWatcher(watcher, { port: 0 });
    const metrics = await (await fetch(`http://127.0.0.1:${server.port}/metrics`)).text();
    await server.close();
    const metric = /^bind_zone_durability_lag_seconds\{zone="lag\.test"[^}]*\} (\S+)$/m.exec(
      metrics,
    )?.[1];
    return { zone, metric: metric === undefined ? undefined : Number(metric) };
  } finally {
    await watcher.close();
  }
}

describe('durability lag from the disk', () => {
  it('a journal written 2 h ago after the file: at least 2 h on the first look', async () => {
    await utimes(zoneFile, now() - 3 * HOUR, now() - 3 * HOUR);
    await utimes(`${zoneFile}.jnl`, now() - 2 * HOUR, now() - 2 * HOUR);
    const { zone, metric } = await firstLook();
    expect(zone?.durable).toBe(false);
    expect(zone?.fileSerial).toBeLessThan(zone?.servedSerial ?? 0);
    expect(zone?.lagSeconds).toBeGreaterThanOrEqual(2 * HOUR - 5);
    // Not more than the evidence says (the file itself is 3 h old).
    expect(zone?.lagSeconds).toBeLessThan(2 * HOUR + 600);
    expect(metric).toBeGreaterThanOrEqual(2 * HOUR - 5);
  });

  it('a journal older than the file is no evidence: the lag counts from the first look', async () => {
    await utimes(`${zoneFile}.jnl`, now() - 4 * HOUR, now() - 4 * HOUR);
    await utimes(zoneFile, now() - 3 * HOUR, now() - 3 * HOUR);
    const { zone } = await firstLook();
    expect(zone?.durable).toBe(false);
    expect(zone?.lagSeconds).toBeLessThan(600);
  });
});
