// The durability watcher beside a real named, scraped by a real Prometheus evaluating the shipped
// alert rules. Healthy: the series carry named's serials, no alert, /readyz 200. Then the seed's
// failure — the zone file bind-mounted in named's mount namespace (a Kubernetes subPath), an
// update, a sync: rename fails with EBUSY and leaves a tmp file — fires BindZoneDumpFailing and
// BindZoneTmpFilesAccumulating and turns /readyz red naming the zone; unmounting (the storage
// fixed), a verified sync and clean-tmp clear them.
import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, readdir, readFile, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RndcClient } from '../../src/control/client.js';
import { removeStaleTmpFiles } from '../../src/dump/tmp-clean.js';
import { readZoneFileSerial } from '../../src/dump/zonefile.js';
import { canUseMountNamespace, type NamedInstance, startNamed } from '../../src/testing/index.js';
import { freePort } from '../../src/testing/ports.js';
import { findBinary } from '../../src/testing/rndc-binary.js';
import { UpdateClient } from '../../src/update/client.js';
import { Update } from '../../src/update/update.js';
import { tmpFileZone } from '../../src/watch/disk.js';
import { serveWatcher, type WatchServer } from '../../src/watch/server.js';
import { ZoneWatcher } from '../../src/watch/watcher.js';
import {
  prometheusBinaries,
  type RunningPrometheus,
  startPrometheus,
} from '../helpers/prometheus.js';
import { until } from '../helpers/until.js';

const RULES = join(import.meta.dirname, '../../alerts/rndc-durability.rules.yml');
// Missing Prometheus fails this file (CI installs it with scripts/setup.sh).
const { promtool } = prometheusBinaries();
const mountNamespace = await canUseMountNamespace();

let named: NamedInstance;
let rndc: RndcClient;
let updates: UpdateClient;
let watcher: ZoneWatcher;
let server: WatchServer;
let prom: RunningPrometheus;
let statsPort: number;

beforeAll(async () => {
  if (!mountNamespace.ok) return;
  statsPort = await freePort();
  named = await startNamed({
    user: 'nobody',
    zones: [
      { name: 'dyn.test', kind: 'dynamic' },
      { name: 'good.test', kind: 'dynamic' },
      { name: 'static.test', kind: 'static' },
    ],
    extraConfig: `statistics-channels { inet 127.0.0.1 port ${statsPort} allow { 127.0.0.1; }; };`,
    beforeStart: async ({ dir, zones }) => {
      await mkdir(join(dir, 'cm'));
      await copyFile(zones[0]!.path, join(dir, 'cm/dyn.test.db'));
    },
    mountNamespace: {
      bindMounts: [{ source: 'cm/dyn.test.db', target: 'zones/dyn.test.db', readOnly: true }],
    },
  });
  rndc = RndcClient.connect({
    port: named.controlPort,
    key: named.keys['hmac-sha256'],
    maxConnections: 1,
    named: { log: named.logFile, pid: named.pid, binary: named.namedBinary },
  });
  updates = new UpdateClient({
    server: '127.0.0.1',
    port: named.dnsPort,
    key: named.keys['hmac-sha256'],
  });
  // Discovery as the CLI does it: named.conf from `rndc status`, its log channel, its zones.
  watcher = new ZoneWatcher({ rndc, statisticsUrl: `http://127.0.0.1:${statsPort}` });
  server = await serveWatcher(watcher, { port: 0 });
  // The shipped rules; `for:` shortened so that a test never waits minutes.
  const rules = (await readFile(RULES, 'utf8')).replace(/for: \d+m/g, 'for: 0s');
  prom = await startPrometheus({ target: `127.0.0.1:${server.port}`, rulesText: rules });
});

afterAll(async () => {
  await prom?.stop();
  await server?.close();
  await watcher?.close();
  updates?.close();
  await rndc?.close();
  await named?.stop();
});

const url = (path: string) => `http://127.0.0.1:${server.port}${path}`;
const value = async (expr: string) => (await prom.query(expr))[0]?.value;
/** Where the machine cannot make mount namespaces, say why (as verify-failures does). */
function notHere(): boolean {
  if (mountNamespace.ok) return false;
  console.log(`watch-prometheus: seed case not run: ${mountNamespace.reason}`);
  expect(mountNamespace.reason).not.toBe('');
  return true;
}
const firing = async (alertname: string) =>
  (await prom.query(`ALERTS{alertname="${alertname}",alertstate="firing"}`)).map(
    (s) => s.metric.zone,
  );

async function served(zone: string): Promise<number> {
  return (await rndc.zonestatus(zone)).unwrap().serial;
}

describe('watcher + real Prometheus + shipped rules', () => {
  it('promtool accepts the shipped rules and a scrape', async () => {
    const rules = spawnSync(promtool, ['check', 'rules', RULES], { encoding: 'utf8' });
    expect(rules.stdout + rules.stderr).toMatch(/SUCCESS: 9 rules found/);
    expect(rules.status).toBe(0);
    if (notHere()) return;
    const scrape = await (await fetch(url('/metrics'))).text();
    const check = spawnSync(promtool, ['check', 'metrics'], { input: scrape, encoding: 'utf8' });
    expect(check.stdout + check.stderr).toBe('');
    expect(check.status).toBe(0);
  });

  it('healthy: series with named’s serials, no alert, /readyz 200', async () => {
    if (notHere()) return;
    const dynServed = await served('dyn.test');
    await until(
      async () => (await value('bind_zone_served_serial{zone="dyn.test"}')) === dynServed,
      20_000,
      'prometheus to scrape the served serial',
      200,
    );
    const fileSerial = (
      await readZoneFileSerial(named.zones[1]!.path, { origin: 'good.test' })
    ).unwrap().serial;
    expect(await value('bind_zone_file_serial{zone="good.test"}')).toBe(fileSerial);
    expect(await value('bind_zone_durable{zone="static.test",view="_default",class="IN"}')).toBe(1);
    expect(await value('bind_zone_tmp_files{zone="dyn.test"}')).toBe(0);
    // No failure yet: no dump-failure series at all (they start with a zone's first failure).
    expect(await prom.query('bind_zone_dump_failures_total')).toEqual([]);
    expect(await value('bind_watch_named_up')).toBe(1);
    expect((await prom.query('bind_named_info'))[0]?.metric.version).toMatch(/^BIND 9\.\d+/);
    expect(await prom.query('ALERTS')).toEqual([]);
    const ready = await fetch(url('/readyz'));
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ok: true, zones: 3, failing: [] });
    expect((await fetch(url('/healthz'))).status).toBe(200);
  });

  it('the seed failure fires the alerts and turns /readyz red naming the zone; the fix clears them', async () => {
    if (notHere()) return;
    (await updates.send(new Update('dyn.test').add('seed 300 A 192.0.2.7'))).unwrap();
    (await updates.send(new Update('good.test').add('fine 300 A 192.0.2.8'))).unwrap();
    // rndc's sync: "success" — the dump fails later, in named's worker (rename: EBUSY).
    (await rndc.run('sync')).unwrap();
    const zonesDir = join(named.dir, 'zones');
    // The failure as Prometheus sees it: the rename step counted from named's log.
    await until(
      async () =>
        ((await value('bind_zone_dump_failures_total{zone="dyn.test",step="rename"}')) ?? 0) >= 1,
      20_000,
      'the failed rename of dyn.test in Prometheus',
      200,
    );
    // dyn.test's leftover (not good.test's tmp file of a dump in flight) aged as if named had
    // failed an hour ago.
    const old = new Date(Date.now() - 3600_000);
    let aged = 0;
    for (const name of await readdir(zonesDir)) {
      const path = join(zonesDir, name);
      if (name.startsWith('tmp-') && (await tmpFileZone(path)) === 'dyn.test') {
        await utimes(path, old, old);
        aged++;
      }
    }
    expect(aged).toBe(1);
    await until(
      async () =>
        (await firing('BindZoneDumpFailing')).includes('dyn.test') &&
        (await firing('BindZoneTmpFilesAccumulating')).includes('dyn.test'),
      20_000,
      'BindZoneDumpFailing and BindZoneTmpFilesAccumulating to fire for dyn.test',
      200,
    );
    expect(await firing('BindZoneDumpFailing')).toEqual(['dyn.test']);
    expect(
      await value('bind_zone_dump_failures_total{zone="dyn.test",step="rename"}'),
    ).toBeGreaterThanOrEqual(1);
    // From its first failure on, the zone has every step's series (increase() needs the zeros);
    // zones that never failed have none.
    expect(await value('bind_zone_dump_failures_total{zone="dyn.test",step="open"}')).toBe(0);
    expect(await prom.query('bind_zone_dump_failures_total{zone="good.test"}')).toEqual([]);
    expect(await value('bind_zone_durable{zone="dyn.test"}')).toBe(0);
    expect(await value('bind_zone_served_serial{zone="dyn.test"}')).toBe(await served('dyn.test'));
    // good.test shares the directory: its dump worked and the tmp file is not counted as its.
    expect(await value('bind_zone_tmp_files{zone="good.test"}')).toBe(0);
    expect(await value('bind_zone_durable{zone="good.test"}')).toBe(1);
    const red = await fetch(url('/readyz'));
    expect(red.status).toBe(503);
    const body = (await red.json()) as { failing: { zone: string; reasons: string[] }[] };
    expect(body.failing.map((f) => f.zone)).toEqual(['dyn.test']);
    expect(body.failing[0]?.reasons.join(' ')).toMatch(/dump failed at rename/);

    // The storage fixed: the bind mount gone from named's namespace.
    const nsenter = findBinary('nsenter');
    expect(nsenter).toBeDefined();
    const umount = spawnSync(
      nsenter!,
      ['-t', String(named.pid), '-m', 'umount', join(zonesDir, 'dyn.test.db')],
      {
        encoding: 'utf8',
      },
    );
    expect(umount.stderr).toBe('');
    expect(umount.status).toBe(0);
    (await rndc.sync('dyn.test', { verify: true })).unwrap();
    const cleaned = (await removeStaleTmpFiles({ rndc, zone: 'dyn.test' })).unwrap();
    expect(cleaned.removed).toBeGreaterThanOrEqual(1);
    await until(
      async () => (await prom.query('ALERTS')).length === 0,
      20_000,
      'every alert to clear',
      200,
    );
    expect(await value('bind_zone_durable{zone="dyn.test"}')).toBe(1);
    const green = await fetch(url('/readyz'));
    expect(green.status).toBe(200);
  });
});
