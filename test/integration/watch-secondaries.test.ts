// The watcher's secondary checks against a real topology (the version under test): one primary,
// a healthy secondary, one the primary does not NOTIFY (it stays behind after an update), one
// whose transfers the primary refuses (SERVFAIL: never loaded), one stopped with SIGSTOP. The
// metrics are scraped by a real Prometheus evaluating the shipped secondary rules; discovery
// from the zone's NS set, readiness gated on secondaries, and bad options are checked too.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import { RndcClient } from '../../src/control/client.js';
import type { Key } from '../../src/keys/key.js';
import { freePort } from '../../src/testing/ports.js';
import { UpdateClient } from '../../src/update/client.js';
import { Update } from '../../src/update/update.js';
import type { SecondaryReport } from '../../src/watch/secondaries.js';
import { health, readiness, serveWatcher, type WatchServer } from '../../src/watch/server.js';
import { ZoneWatcher } from '../../src/watch/watcher.js';
import { fakeIo } from '../helpers/cli-io.js';
import { type RunningPrometheus, startPrometheus } from '../helpers/prometheus.js';
import { startTopology, type Topology } from '../helpers/topology.js';
import { until } from '../helpers/until.js';

const RULES = join(import.meta.dirname, '../../alerts/rndc-durability.rules.yml');

let topology: Topology;
let rndc: RndcClient;
let watcher: ZoneWatcher;
let server: WatchServer;
let prom: RunningPrometheus;
const closers: (() => Promise<unknown> | unknown)[] = [];

const id = (label: string) => `127.0.0.1#${topology.secondary(label).dnsPort}`;

beforeAll(async () => {
  topology = await startTopology({
    records: ['@ NS ns-a', 'ns-a A 127.0.0.1'],
    secondaries: [
      { label: 'a' },
      // Not in the primary's also-notify: with a 3600 s refresh it stays behind after an update.
      { label: 'quiet', notified: false },
      { label: 'refused', transferKey: 'none' },
      { label: 'stopped' },
    ],
  });
  rndc = RndcClient.connect({
    port: topology.primary.controlPort,
    key: topology.primary.keys['hmac-sha256'],
    maxConnections: 1,
  });
  watcher = new ZoneWatcher({
    rndc,
    zones: [{ zone: topology.zone }],
    secondaries: ['a', 'quiet', 'refused', 'stopped'].map((label) => ({
      host: '127.0.0.1',
      port: topology.secondary(label).dnsPort,
    })),
    // A stopped secondary costs one deadline per scrape: short, so that Prometheus's 1 s
    // scrape timeout is never reached.
    secondaryTimeoutMs: 400,
  });
  server = await serveWatcher(watcher, { port: 0 });
  // The shipped rules with `for:` and the lag threshold shortened: a test never waits minutes.
  const rules = (await readFile(RULES, 'utf8'))
    .replace(/for: \d+m/g, 'for: 0s')
    .replace(/bind_zone_secondary_lag_seconds > \d+/, 'bind_zone_secondary_lag_seconds > 0');
  expect(rules).toMatch(/bind_zone_secondary_lag_seconds > 0/);
  prom = await startPrometheus({ target: `127.0.0.1:${server.port}`, rulesText: rules });
}, 120_000);

afterAll(async () => {
  try {
    process.kill(topology?.secondary('stopped').pid, 'SIGCONT');
  } catch {
    // already running or gone
  }
  for (const close of closers) await close();
  await prom?.stop();
  await server?.close();
  await watcher?.close();
  await rndc?.close();
  await topology?.stop();
});

async function secondaries(w: ZoneWatcher = watcher): Promise<Map<string, SecondaryReport>> {
  const report = await w.refresh();
  const zone = report.zones.find((z) => z.zone === topology.zone);
  return new Map((zone?.secondaries ?? []).map((s) => [s.secondary, s]));
}

const firing = async (alertname: string) =>
  (await prom.query(`ALERTS{alertname="${alertname}",alertstate="firing"}`))
    .map((s) => s.metric.secondary)
    .sort();
const value = async (expr: string) => (await prom.query(expr))[0]?.value;

describe('watcher: secondaries', () => {
  it('healthy secondaries lag 0; the one whose transfers are refused is down (lame)', async () => {
    const served = (await rndc.zonestatus(topology.zone)).unwrap().serial;
    const s = await secondaries();
    expect(s.get(id('a'))).toMatchObject({ up: true, verdict: 'served', serial: served, lag: 0 });
    expect(s.get(id('a'))?.lagSeconds).toBe(0);
    expect(s.get(id('quiet'))).toMatchObject({ up: true, serial: served, lag: 0 });
    expect(s.get(id('stopped'))).toMatchObject({ up: true, lag: 0 });
    // Never transferred: named answers SERVFAIL for a secondary zone it has not loaded.
    expect(s.get(id('refused'))).toMatchObject({ up: false, verdict: 'lame', serial: undefined });
    expect(s.get(id('refused'))?.detail).toMatch(/SERVFAIL/);
    const report = watcher.last!;
    // Secondaries are not part of readiness unless asked.
    expect(readiness(report).ok).toBe(true);
    expect(report.zones[0]?.reasons.join(' ')).toMatch(/secondary .* lame/);
  });

  it('after an update: the quiet one lags, the stopped one is unreachable; the rules fire', async () => {
    const stopped = topology.secondary('stopped');
    process.kill(stopped.pid, 'SIGSTOP');
    const updates = new UpdateClient({
      server: '127.0.0.1',
      port: topology.primary.dnsPort,
      key: topology.primary.keys['hmac-sha256'],
    });
    closers.push(() => updates.close());
    (await updates.send(new Update(topology.zone).add('fresh 300 A 192.0.2.44'))).unwrap();
    const served = (await rndc.zonestatus(topology.zone)).unwrap().serial;
    // The notified one catches up (NOTIFY, then IXFR): evidence, not a sleep.
    await until(
      async () => (await secondaries()).get(id('a'))?.serial === served,
      20_000,
      'secondary a to serve the new serial',
      100,
    );
    const s = await secondaries();
    expect(s.get(id('a'))).toMatchObject({ up: true, lag: 0, lagSeconds: 0 });
    const quiet = s.get(id('quiet'));
    expect(quiet).toMatchObject({ up: true, verdict: 'stale', lag: 1 });
    expect(quiet?.serial).toBeLessThan(served);
    expect(quiet?.detail).toMatch(/1 step behind/);
    expect(s.get(id('stopped'))).toMatchObject({ up: false, verdict: 'unreachable' });
    expect(s.get(id('refused'))).toMatchObject({ up: false });

    // Prometheus: the series, then the shipped rules firing for the right secondaries.
    await until(
      async () =>
        (await value(`bind_zone_secondary_serial_lag{secondary="${id('quiet')}"}`)) === 1 &&
        (await value(`bind_zone_secondary_up{secondary="${id('stopped')}"}`)) === 0,
      20_000,
      'Prometheus to scrape the lag and the stopped secondary',
      200,
    );
    expect(await value(`bind_zone_secondary_serial_lag{secondary="${id('a')}"}`)).toBe(0);
    expect(await value(`bind_zone_secondary_up{secondary="${id('a')}"}`)).toBe(1);
    expect(
      await value(
        `bind_zone_secondary_verdict{secondary="${id('refused')}",verdict="lame",zone="${topology.zone}",view="_default",class="IN"}`,
      ),
    ).toBe(1);
    await until(
      async () =>
        (await firing('BindZoneSecondaryLagging')).join() === id('quiet') &&
        (await firing('BindZoneSecondaryDown')).join() ===
          [id('refused'), id('stopped')].sort().join(),
      20_000,
      'BindZoneSecondaryLagging (quiet) and BindZoneSecondaryDown (refused, stopped) to fire',
      200,
    );
    // The zone itself is durable and ready: no durability alert, /readyz 200.
    expect((await prom.query('ALERTS{alertname=~"BindZone(Dump|Durability|Tmp).*"}')).length).toBe(
      0,
    );
    expect((await fetch(`http://127.0.0.1:${server.port}/readyz`)).status).toBe(200);
  });

  it('readiness gated on secondaries (when asked) names them', async () => {
    const gated = new ZoneWatcher({
      rndc,
      zones: [{ zone: topology.zone }],
      secondaries: [{ host: '127.0.0.1', port: topology.secondary('refused').dnsPort }],
      secondaryReadiness: true,
    });
    closers.push(() => gated.close());
    const ready = readiness(await gated.refresh());
    expect(ready.ok).toBe(false);
    expect(ready.failing[0]?.reasons.join(' ')).toContain(`secondary ${id('refused')} lame`);
  });

  it('discovers secondaries from the NS set, leaving out the SOA MNAME (the primary)', async () => {
    const discovering = new ZoneWatcher({
      rndc,
      zones: [{ zone: topology.zone }],
      discoverSecondaries: {
        host: '127.0.0.1',
        port: topology.primary.dnsPort,
        secondaryPort: topology.secondary('a').dnsPort,
      },
    });
    closers.push(() => discovering.close());
    const s = await secondaries(discovering);
    // ns (the MNAME) and ns-a both resolve to 127.0.0.1: one secondary, ns-a's.
    expect([...s.keys()]).toEqual([id('a')]);
    expect(s.get(id('a'))).toMatchObject({ discovered: true, up: true, lag: 0 });
  });

  it('hostile options: reported, never thrown; the CLI refuses them before connecting', async () => {
    const bad = new ZoneWatcher({
      rndc,
      zones: [{ zone: topology.zone }],
      secondaries: [{ host: '127.0.0.1', port: 70_000 }],
    });
    closers.push(() => bad.close());
    const report = await bad.refresh();
    expect(report.secondaryProblem).toMatch(/port must be 1-65535/);
    expect(report.zones[0]?.secondaries).toEqual([]);
    expect(health(report)).toMatchObject({ ok: false });
    for (const args of [
      ['watch', '--secondary', 'a b'],
      ['watch', '--secondary'],
      ['watch', '--secondary-port', '53'],
      ['watch', '--discover-secondaries', '--secondary-port', '0'],
      ['watch', '--secondary-timeout', 'never'],
    ]) {
      const io = fakeIo();
      expect(await runCli(args, io)).toBe(1);
      expect(io.err()).toMatch(/secondary|primary-dns/);
    }
  });

  it('rndc-js watch signs the SOA queries: --secondary-key, HOST,key=FILE and ,unsigned', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rndc-watch-keys-'));
    closers.push(() => rm(dir, { recursive: true, force: true }));
    const keyFile = async (name: string, key: Key) => {
      const file = join(dir, `${name}.key`);
      const text = `key "${key.name}" {\n\talgorithm ${key.algorithm};\n\tsecret "${key.secretBytes().toString('base64')}";\n};\n`;
      await writeFile(file, text, { mode: 0o600 });
      return file;
    };
    const known = await keyFile('known', topology.transferKey);
    // Same name, another secret: the secondaries answer BADSIG/BADKEY, never data to believe.
    const wrong = await keyFile('wrong', topology.wrongKey);
    const port = await freePort();
    const controller = new AbortController();
    const io = { ...fakeIo(), signal: controller.signal };
    const at = (label: string) => `127.0.0.1:${topology.secondary(label).dnsPort}`;
    const running = runCli(
      [
        '-c',
        topology.primary.rndcConfFile(),
        'watch',
        '--listen',
        `127.0.0.1:${port}`,
        topology.zone,
        '--secondary-key',
        wrong,
        '--secondary',
        `${at('a')},key=${known}`,
        '--secondary',
        `${at('quiet')},unsigned`,
        '--secondary',
        at('refused'),
      ],
      io,
    );
    try {
      await until(() => io.err().includes('watching'), 20_000, 'rndc-js watch to listen', 50);
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      // One sample line of FAMILY for the secondary LABEL (label order is prom-client's).
      const sample = (family: string, label: string, value = '') =>
        metrics
          .split('\n')
          .find(
            (line) =>
              line.startsWith(`${family}{`) &&
              line.includes(`secondary="${id(label)}"`) &&
              (value === '' || line.endsWith(`} ${value}`)),
          );
      const verdict = (label: string) =>
        /verdict="([a-z-]+)"/.exec(sample('bind_zone_secondary_verdict', label, '1') ?? '')?.[1];
      // Its own key: served. Unsigned: served too. The default (wrong) key: a TSIG error.
      const secondaryLines = metrics.split('\n').filter((l) => l.includes('secondary='));
      expect(verdict('a'), secondaryLines.join('\n')).toBe('served');
      expect(verdict('quiet')).toMatch(/^(served|stale)$/);
      expect(verdict('refused')).toBe('tsig-error');
      expect(sample('bind_zone_secondary_up', 'a', '1')).toBeDefined();
      expect(sample('bind_zone_secondary_up', 'refused', '0')).toBeDefined();
      for (const key of [topology.transferKey, topology.wrongKey]) {
        const secret = key.secretBytes().toString('base64');
        expect(metrics).not.toContain(secret);
        expect(io.err()).not.toContain(secret);
      }
    } finally {
      controller.abort();
    }
    expect(await running).toBe(0);

    // A key file that cannot be read: exit 1 naming it, before listening.
    const missing = fakeIo();
    const args = ['-c', topology.primary.rndcConfFile(), 'watch', '--listen', `127.0.0.1:${port}`];
    expect(await runCli([...args, '--secondary-key', join(dir, 'none.key')], missing)).toBe(1);
    expect(missing.err()).toContain(join(dir, 'none.key'));
    expect(missing.err()).not.toContain('watching');
    const perServer = fakeIo();
    const own = `${at('a')},key=${join(dir, 'gone.key')}`;
    expect(await runCli([...args, '--secondary', own], perServer)).toBe(1);
    expect(perServer.err()).toContain(join(dir, 'gone.key'));
    for (const bad of [`${at('a')},key=${known},unsigned`, `${at('a')},bogus`, `${at('a')},key=`]) {
      const usage = fakeIo();
      expect(await runCli([...args, '--secondary', bad], usage)).toBe(1);
      expect(usage.err()).toMatch(/key=FILE or unsigned/);
    }
  });
});
