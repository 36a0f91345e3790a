/**
 * The watcher's report as Prometheus metrics (prom-client, its own registry: nothing global).
 * Names follow Prometheus conventions: `bind_zone_…` per zone with `zone`, `view`, `class`
 * labels, units in names, `_total` for counters. The list and meaning: docs/watch.md.
 *
 * Cost: every metric is a prom-client Gauge or Counter whose values are read from the latest
 * report when the registry renders (its `get()`), instead of being copied into prom-client's
 * per-series maps at each scrape: nothing per series is kept between scrapes but the label
 * objects, made once per zone and reused. With 1,000 zones that is ~12,000 series rendered per
 * scrape and none stored twice.
 */
import { createRequire } from 'node:module';
import type { Counter, Gauge, Registry } from 'prom-client';
import type { SecondaryReport } from './secondaries.js';
import { DUMP_STEPS, type WatchReport, type ZoneReport } from './watcher.js';

type Labels = Record<string, string>;
interface Sample {
  readonly labels: Labels;
  readonly value: number;
}

interface PromModules {
  readonly Registry: typeof Registry;
  readonly Gauge: typeof Gauge;
  readonly Counter: typeof Counter;
}
let modules: PromModules | undefined;

/**
 * prom-client, loaded the first time a watcher makes its metrics: the package's entry exports
 * the watcher, and `import 'rndc'` (or `rndc-js status`) must not pay for prom-client's load.
 * Only its registry, gauge and counter modules are loaded: its index also loads the
 * Pushgateway (node:http, node:https), the default process metrics and @opentelemetry/api,
 * none of which the watcher uses — about 11 MB of resident memory (measured on Node 20).
 *
 * Those module paths are prom-client's layout (15.x), not its public interface: should a release
 * move them, or close them with an `exports` map, the package's entry is loaded instead — the
 * same classes, at the cost of that memory, never a watcher that cannot start.
 */
function prom(): PromModules {
  if (!modules) {
    modules = loadPromModules(createRequire(import.meta.url));
  }
  return modules;
}

/** @internal Exported for tests: prom-client's classes, found through `require`. */
export function loadPromModules(require: (id: string) => unknown): PromModules {
  return deepModules(require) ?? (require('prom-client') as PromModules);
}

/** prom-client's own registry, gauge and counter modules, or undefined when not found so. */
function deepModules(require: (id: string) => unknown): PromModules | undefined {
  try {
    const found = {
      Registry: require('prom-client/lib/registry') as unknown,
      Gauge: require('prom-client/lib/gauge') as unknown,
      Counter: require('prom-client/lib/counter') as unknown,
    };
    const classes = Object.values(found).every((value) => typeof value === 'function');
    return classes ? (found as PromModules) : undefined;
  } catch {
    return undefined;
  }
}

/** What one metric family reads from a report. */
interface Family {
  readonly name: string;
  readonly help: string;
  readonly type: 'gauge' | 'counter';
  readonly labelNames: readonly string[];
  readonly samples: (report: WatchReport, labels: LabelCache) => Sample[];
}

/** Label objects, made once per zone (and secondary, step, verdict) and reused every scrape. */
class LabelCache {
  readonly #zones = new Map<string, ZoneLabels>();
  #generation = 0;

  /** Starts a scrape: entries not used in it are dropped at {@link LabelCache.prune}. */
  begin(): void {
    this.#generation++;
  }

  zone(z: ZoneReport): ZoneLabels {
    const key = `${z.zone}\u0000${z.view}\u0000${z.class}`;
    let entry = this.#zones.get(key);
    if (!entry) {
      entry = new ZoneLabels({ zone: z.zone, view: z.view, class: z.class });
      this.#zones.set(key, entry);
    }
    entry.generation = this.#generation;
    return entry;
  }

  prune(): void {
    for (const [key, entry] of this.#zones)
      if (entry.generation !== this.#generation) this.#zones.delete(key);
  }
}

class ZoneLabels {
  generation = 0;
  #steps: Map<string, Labels> | undefined;
  #secondaries: Map<string, { labels: Labels; verdicts: Map<string, Labels> }> | undefined;
  constructor(readonly base: Labels) {}

  step(step: string): Labels {
    this.#steps ??= new Map();
    let labels = this.#steps.get(step);
    if (!labels) {
      labels = { ...this.base, step };
      this.#steps.set(step, labels);
    }
    return labels;
  }

  secondary(s: SecondaryReport): Labels {
    return this.#secondary(s.secondary).labels;
  }

  verdict(s: SecondaryReport): Labels {
    const entry = this.#secondary(s.secondary);
    let labels = entry.verdicts.get(s.verdict);
    if (!labels) {
      labels = { ...entry.labels, verdict: s.verdict };
      entry.verdicts.set(s.verdict, labels);
    }
    return labels;
  }

  #secondary(id: string): { labels: Labels; verdicts: Map<string, Labels> } {
    this.#secondaries ??= new Map();
    let entry = this.#secondaries.get(id);
    if (!entry) {
      // Bounded by the secondaries per zone (MAX_SECONDARIES_PER_ZONE); dropped with the zone.
      if (this.#secondaries.size > 256) this.#secondaries.clear();
      entry = { labels: { ...this.base, secondary: id }, verdicts: new Map() };
      this.#secondaries.set(id, entry);
    }
    return entry;
  }
}

const ZONE = ['zone', 'view', 'class'] as const;
const SECONDARY = [...ZONE, 'secondary'] as const;

/** A per-zone family: one sample per zone whose `value` is defined and finite. */
function perZone(
  name: string,
  help: string,
  value: (z: ZoneReport, now: number) => number | undefined,
  type: 'gauge' | 'counter' = 'gauge',
): Family {
  return {
    name,
    help,
    type,
    labelNames: ZONE,
    samples: (report, labels) => {
      const out: Sample[] = [];
      for (const z of report.zones) {
        const v = value(z, report.time);
        if (v !== undefined && Number.isFinite(v))
          out.push({ labels: labels.zone(z).base, value: v });
      }
      return out;
    },
  };
}

/** A per-secondary family. */
function perSecondary(
  name: string,
  help: string,
  value: (s: SecondaryReport) => number | undefined,
): Family {
  return {
    name,
    help,
    type: 'gauge',
    labelNames: SECONDARY,
    samples: (report, labels) => {
      const out: Sample[] = [];
      for (const z of report.zones) {
        if (z.secondaries.length === 0) continue;
        const zl = labels.zone(z);
        for (const s of z.secondaries) {
          const v = value(s);
          if (v !== undefined && Number.isFinite(v))
            out.push({ labels: zl.secondary(s), value: v });
        }
      }
      return out;
    },
  };
}

/** A per-watcher family with one unlabelled sample. */
function perWatcher(
  name: string,
  help: string,
  value: (report: WatchReport) => number,
  type: 'gauge' | 'counter' = 'gauge',
): Family {
  return { name, help, type, labelNames: [], samples: (r) => [{ labels: {}, value: value(r) }] };
}

const age = (now: number, t: number | undefined) =>
  t === undefined ? undefined : Math.max(0, now - t);
const flag = (b: boolean | undefined) => (b === undefined ? undefined : b ? 1 : 0);

const FAMILIES: readonly Family[] = [
  perZone(
    'bind_zone_served_serial',
    'SOA serial named serves for the zone.',
    (z) => z.servedSerial,
  ),
  perZone(
    'bind_zone_file_serial',
    'SOA serial in the zone file on disk (journal not applied).',
    (z) => z.fileSerial,
  ),
  perZone('bind_zone_durable', '1 when the zone file holds the served serial, else 0.', (z) =>
    flag(z.durable),
  ),
  perZone(
    'bind_zone_durability_lag_seconds',
    'Seconds the zone file has been behind the served serial (0 when durable), as seen by the watcher.',
    (z) => z.lagSeconds,
  ),
  perZone(
    'bind_zone_served_serial_age_seconds',
    'Seconds since the served serial last changed.',
    (z, now) => age(now, z.servedChangedAt),
  ),
  perZone(
    'bind_zone_last_successful_dump_timestamp_seconds',
    'Modification time of the zone file when it was last seen holding the served serial.',
    (z) => z.lastDurableAt,
  ),
  perZone(
    'bind_zone_journal_bytes',
    'Size of the zone journal in bytes (0 when there is none).',
    (z) => z.journalBytes,
  ),
  perZone(
    'bind_zone_journal_age_seconds',
    'Seconds since the zone journal was last written.',
    (z, now) => age(now, z.journalMtime),
  ),
  perZone(
    'bind_zone_tmp_files',
    "named's tmp-* dump files left in the zone file's directory.",
    (z) => z.tmpFiles,
  ),
  perZone(
    'bind_zone_tmp_oldest_age_seconds',
    'Age of the oldest tmp-* file in the zone directory.',
    (z, now) => age(now, z.tmpOldestMtime),
  ),
  perZone(
    'bind_zone_last_dump_failure_timestamp_seconds',
    'When named last logged a failed dump of the zone.',
    (z) => z.lastDumpFailure?.time,
  ),
  perZone('bind_zone_frozen', '1 when the zone is frozen (rndc freeze), else 0.', (z) =>
    flag(z.frozen),
  ),
  perZone(
    'bind_zone_served',
    '1 when named serves the zone, 0 when it answered it has none.',
    (z) => flag(z.served),
  ),
  perZone('bind_zone_ready', '1 when the zone passes /readyz, else 0.', (z) => flag(z.ready)),
  {
    name: 'bind_zone_dump_failures_total',
    help: "Failed dumps of the zone in named's log, by the step that failed (series from a zone's first failure on).",
    type: 'counter',
    labelNames: [...ZONE, 'step'],
    samples: (report, labels) => {
      // Only zones with a failure get series, every step from 0 then (increase() over a later
      // step needs its zero); the first failure shows in bind_zone_last_dump_failure_timestamp_seconds.
      // Zero series for every zone and step would be 7 of every 19 series exported.
      const out: Sample[] = [];
      for (const z of report.zones) {
        if (z.lastDumpFailure === undefined) continue;
        const zl = labels.zone(z);
        for (const step of DUMP_STEPS)
          out.push({ labels: zl.step(step), value: z.dumpFailures[step] ?? 0 });
      }
      return out;
    },
  },
  perZone(
    'bind_zone_journal_write_failures_total',
    "Failed journal operations in named's log.",
    (z) => z.journalFailures,
    'counter',
  ),
  perSecondary(
    'bind_zone_secondary_up',
    "1 when the secondary answered the zone's SOA authoritatively, 0 when unreachable, refused, lame or not authoritative.",
    (s) => (s.up ? 1 : 0),
  ),
  {
    name: 'bind_zone_secondary_verdict',
    help: "Always 1; the verdict label says what the secondary's answer to the zone's SOA meant (served, stale, unreachable, refused, tsig-error, not-authoritative, lame).",
    type: 'gauge',
    labelNames: [...SECONDARY, 'verdict'],
    samples: (report, labels) => {
      const out: Sample[] = [];
      for (const z of report.zones) {
        if (z.secondaries.length === 0) continue;
        const zl = labels.zone(z);
        for (const s of z.secondaries) out.push({ labels: zl.verdict(s), value: 1 });
      }
      return out;
    },
  },
  perSecondary('bind_zone_secondary_serial', 'SOA serial the secondary serves.', (s) => s.serial),
  perSecondary(
    'bind_zone_secondary_serial_lag',
    "Serial steps (RFC 1982) the secondary is behind the primary's served serial; 0 when equal or ahead.",
    (s) => s.lag,
  ),
  perSecondary(
    'bind_zone_secondary_lag_seconds',
    'Seconds since the primary first served a serial the secondary does not have yet; 0 when it is not behind.',
    (s) => s.lagSeconds,
  ),
  perWatcher(
    'bind_watch_scrape_duration_seconds',
    'Seconds the last refresh of every source took.',
    (r) => r.durationSeconds,
  ),
  perWatcher('bind_watch_zones', 'Zones watched.', (r) => r.zones.length),
  perWatcher('bind_watch_named_up', '1 when named answered in the last refresh.', (r) =>
    r.namedUp ? 1 : 0,
  ),
  perWatcher(
    'bind_watch_log_readable',
    "1 when named's log could be read in the last refresh.",
    (r) => (r.logProblem === undefined ? 1 : 0),
  ),
  {
    name: 'bind_named_info',
    help: "named's version, as rndc status reports it.",
    type: 'gauge',
    labelNames: ['version'],
    samples: (r) =>
      r.namedVersion === undefined
        ? []
        : [{ labels: { version: r.namedVersion.slice(0, 200) }, value: 1 }],
  },
  perWatcher(
    'bind_watch_rndc_errors_total',
    'Failed control-channel commands.',
    (r) => r.rndcErrors,
    'counter',
  ),
  perWatcher(
    'bind_watch_log_lines_read_total',
    "Lines of named's log read.",
    (r) => r.logLinesRead,
    'counter',
  ),
  {
    name: 'bind_watch_unattributed_dump_failures_total',
    help: 'Failed dumps logged without a zone the watcher could tie them to, by step.',
    type: 'counter',
    labelNames: ['step'],
    samples: (r) =>
      DUMP_STEPS.map((step) => ({
        labels: STEP_LABELS[step] ?? { step },
        value: r.unattributedDumpFailures[step] ?? 0,
      })),
  },
];

const STEP_LABELS: Readonly<Record<string, Labels>> = Object.fromEntries(
  DUMP_STEPS.map((step) => [step, { step }]),
);

/** Registry and metrics of one watcher; {@link WatchMetrics.update} sets them from a report. */
export class WatchMetrics {
  /** The prom-client registry holding only these metrics. */
  readonly registry: Registry = new (prom().Registry)();
  #report: WatchReport | undefined;
  readonly #labels = new LabelCache();

  constructor() {
    const { Gauge, Counter } = prom();
    const read = (family: Family) => () => {
      const report = this.#report;
      return report ? family.samples(report, this.#labels) : [];
    };
    for (const family of FAMILIES) {
      const options = {
        name: family.name,
        help: family.help,
        labelNames: [...family.labelNames],
        registers: [this.registry],
      };
      const samples = read(family);
      // prom-client renders what get() returns: here, the samples of the latest report.
      const metric = family.type === 'counter' ? new Counter(options) : new Gauge(options);
      const collect = () => undefined;
      metric.get = async () => ({
        name: family.name,
        help: family.help,
        type: family.type as never,
        aggregator: 'sum',
        collect,
        values: samples(),
      });
    }
  }

  /** Makes `report` the one every metric renders. */
  update(report: WatchReport): void {
    this.#report = report;
  }

  /** The text exposition format. */
  async text(): Promise<string> {
    this.#labels.begin();
    const text = await this.registry.metrics();
    this.#labels.prune();
    return text;
  }

  /** Its content type. */
  get contentType(): string {
    return this.registry.contentType;
  }
}
