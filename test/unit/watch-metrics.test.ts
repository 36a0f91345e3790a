// The watcher's metrics from a report made by hand: which series exist (dump failures only from a
// zone's first failure, secondaries only when configured), hostile label values escaped, and
// prom-client loaded only when a watcher makes its metrics — and then only the parts it uses.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { SecondaryReport } from '../../src/watch/secondaries.js';
import type { WatchReport, ZoneReport } from '../../src/watch/watcher.js';

const loaded = () =>
  Object.keys(createRequire(import.meta.url).cache).filter(
    (path) => path.includes('prom-client') || path.includes('@opentelemetry'),
  );

function zone(name: string, extra: Partial<ZoneReport> = {}): ZoneReport {
  return {
    zone: name,
    class: 'IN',
    view: '_default',
    servedSerial: 5,
    served: true,
    frozen: false,
    zoneFile: `/z/${name}.db`,
    fileSerial: 5,
    fileMtime: 1000,
    journalFile: undefined,
    journalBytes: 0,
    journalMtime: undefined,
    tmpFiles: 0,
    tmpOldestMtime: undefined,
    durable: true,
    lagSeconds: 0,
    servedChangedAt: 1000,
    lastDurableAt: 1000,
    dumpFailures: {},
    lastDumpFailure: undefined,
    journalFailures: 0,
    secondaries: [],
    ready: true,
    reasons: [],
    ...extra,
  };
}

function report(zones: ZoneReport[]): WatchReport {
  return {
    time: 2000,
    zones,
    namedUp: true,
    namedVersion: 'BIND 9.20.0',
    namedProblem: undefined,
    logFile: undefined,
    logProblem: undefined,
    statisticsProblem: undefined,
    secondaryProblem: undefined,
    durationSeconds: 0.1,
    rndcErrors: 0,
    logLinesRead: 0,
    logBytesSkipped: 0,
    unattributedDumpFailures: {},
  };
}

const stale: SecondaryReport = {
  secondary: '192.0.2.2#53',
  discovered: false,
  verdict: 'stale',
  detail: 'serves serial 3, 2 steps behind 5',
  up: true,
  serial: 3,
  lag: 2,
  lagSeconds: 40,
  lastMatchedAt: undefined,
};
const down: SecondaryReport = {
  ...stale,
  secondary: '192.0.2.3#53',
  verdict: 'unreachable',
  detail: 'no answer',
  up: false,
  serial: undefined,
  lag: undefined,
  lagSeconds: undefined,
};

describe('WatchMetrics', () => {
  it("import 'rndc' does not load prom-client; a watcher's metrics load only its registry, gauge and counter", async () => {
    await import('../../src/index.js');
    expect(loaded()).toEqual([]);
    const { WatchMetrics } = await import('../../src/watch/metrics.js');
    new WatchMetrics();
    const names = loaded().map((p) => p.slice(p.indexOf('prom-client')));
    expect(names).toContain('prom-client/lib/registry.js');
    expect(names).not.toContain('prom-client/index.js');
    expect(names.filter((n) => /pushgateway|defaultMetrics|opentelemetry/.test(n))).toEqual([]);
  });

  it('dump-failure series only for zones that failed (every step then); secondaries when configured', async () => {
    const { WatchMetrics } = await import('../../src/watch/metrics.js');
    const metrics = new WatchMetrics();
    metrics.update(
      report([
        zone('fine.test'),
        zone('bad.test', {
          dumpFailures: { rename: 2 },
          lastDumpFailure: { time: 1500, step: 'rename', result: 'unexpected error' },
          durable: false,
          secondaries: [stale, down],
        }),
      ]),
    );
    const text = await metrics.text();
    const lines = (prefix: string) => text.split('\n').filter((l) => l.startsWith(prefix));
    expect(lines('bind_zone_dump_failures_total{zone="fine.test"')).toEqual([]);
    expect(lines('bind_zone_dump_failures_total{zone="bad.test"')).toHaveLength(7);
    expect(text).toContain(
      'bind_zone_dump_failures_total{zone="bad.test",view="_default",class="IN",step="rename"} 2',
    );
    expect(text).toContain(
      'bind_zone_dump_failures_total{zone="bad.test",view="_default",class="IN",step="open"} 0',
    );
    const s = 'zone="bad.test",view="_default",class="IN",secondary="192.0.2.2#53"';
    expect(text).toContain(`bind_zone_secondary_serial_lag{${s}} 2`);
    expect(text).toContain(`bind_zone_secondary_lag_seconds{${s}} 40`);
    expect(text).toContain(`bind_zone_secondary_up{${s}} 1`);
    expect(text).toContain(`bind_zone_secondary_verdict{${s},verdict="stale"} 1`);
    const d = 'zone="bad.test",view="_default",class="IN",secondary="192.0.2.3#53"';
    expect(text).toContain(`bind_zone_secondary_up{${d}} 0`);
    expect(text).toContain(`bind_zone_secondary_verdict{${d},verdict="unreachable"} 1`);
    expect(text).not.toContain(`bind_zone_secondary_serial_lag{${d}}`);
    expect(lines('bind_zone_secondary_up{zone="fine.test"')).toEqual([]);
    expect(text).toContain(
      'bind_zone_served_serial_age_seconds{zone="fine.test",view="_default",class="IN"} 1000',
    );
    // A later report replaces the earlier one entirely: a zone gone has no series left.
    metrics.update(report([zone('fine.test')]));
    expect(await metrics.text()).not.toContain('bad.test');
  });

  it('hostile zone names and versions are escaped, never break the format', async () => {
    const { WatchMetrics } = await import('../../src/watch/metrics.js');
    const metrics = new WatchMetrics();
    const r = report([zone('we"ird\\zone\nx')]);
    metrics.update({ ...r, namedVersion: `BIND "9"\n${'x'.repeat(1000)}` });
    const text = await metrics.text();
    expect(text).toContain(
      'bind_zone_served_serial{zone="we\\"ird\\\\zone\\nx",view="_default",class="IN"} 5',
    );
    const info = text.split('\n').find((l) => l.startsWith('bind_named_info'));
    expect(info).toBe(`bind_named_info{version="BIND \\"9\\"\\n${'x'.repeat(191)}"} 1`);
    // Every sample line: NAME{labels} VALUE, one per line.
    for (const line of text.split('\n')) {
      if (line === '' || line.startsWith('#')) continue;
      expect(line).toMatch(/^[a-z_]+(\{.*\})? -?[0-9.e+]+$/);
    }
  });

  it("falls back to prom-client's entry when its internal module layout is not there", async () => {
    const { loadPromModules } = await import('../../src/watch/metrics.js');
    const real = createRequire(import.meta.url);
    const entry = real('prom-client') as Record<string, unknown>;
    const asked: string[] = [];
    // A prom-client release that moved lib/ (or closed it with an exports map).
    const moved = (id: string) => {
      asked.push(id);
      if (id !== 'prom-client')
        throw Object.assign(new Error(`no ${id}`), { code: 'MODULE_NOT_FOUND' });
      return entry;
    };
    const found = loadPromModules(moved);
    expect(asked).toContain('prom-client/lib/registry');
    expect(asked.at(-1)).toBe('prom-client');
    expect(found.Registry).toBe(entry.Registry);
    expect(found.Gauge).toBe(entry.Gauge);
    expect(found.Counter).toBe(entry.Counter);
    // A layout whose modules are not the classes any more: the entry too, not a broken registry.
    const reshaped = (id: string) => (id === 'prom-client' ? entry : { default: 'not a class' });
    expect(loadPromModules(reshaped).Registry).toBe(entry.Registry);
    // The layout as shipped: the classes straight from lib/, without loading the entry.
    const direct: string[] = [];
    const shipped = loadPromModules((id) => {
      direct.push(id);
      return real(id);
    });
    expect(direct).not.toContain('prom-client');
    expect(typeof shipped.Registry).toBe('function');
    const registry = new shipped.Registry();
    new shipped.Gauge({ name: 'x_gauge', help: 'x', registers: [registry] }).set(3);
    expect(await registry.metrics()).toContain('x_gauge 3');
  });
});
