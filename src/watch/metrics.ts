/**
 * The watcher's report as Prometheus metrics (prom-client, its own registry: nothing global).
 * Names follow Prometheus conventions: `bind_zone_…` per zone with `zone`, `view`, `class`
 * labels, units in names, `_total` for counters. The list and meaning: docs/watch.md.
 */
import { createRequire } from 'node:module';
import type { Counter, Gauge, Registry } from 'prom-client';
import { DUMP_STEPS, type WatchReport } from './watcher.js';

const ZONE = ['zone', 'view', 'class'] as const;
const SECONDARY = [...ZONE, 'secondary'] as const;

type PromClient = typeof import('prom-client');
let promClient: PromClient | undefined;

/**
 * prom-client, loaded the first time a watcher makes its metrics: the package's entry exports
 * the watcher, and `import 'rndc'` (or `rndc-js status`) must not pay for prom-client's load.
 */
function prom(): PromClient {
  promClient ??= createRequire(import.meta.url)('prom-client') as PromClient;
  return promClient;
}

/** Registry and metrics of one watcher; {@link WatchMetrics.update} sets them from a report. */
export class WatchMetrics {
  /** The prom-client registry holding only these metrics. */
  readonly registry: Registry = new (prom().Registry)();
  readonly #g: Record<string, Gauge<string>> = {};
  readonly #c: Record<string, Counter<string>> = {};

  constructor() {
    const gauge = (name: string, help: string, labels: readonly string[] = ZONE) => {
      this.#g[name] = new (prom().Gauge)({
        name,
        help,
        labelNames: [...labels],
        registers: [this.registry],
      });
    };
    const counter = (name: string, help: string, labels: readonly string[] = ZONE) => {
      this.#c[name] = new (prom().Counter)({
        name,
        help,
        labelNames: [...labels],
        registers: [this.registry],
      });
    };
    gauge('bind_zone_served_serial', 'SOA serial named serves for the zone.');
    gauge('bind_zone_file_serial', 'SOA serial in the zone file on disk (journal not applied).');
    gauge('bind_zone_durable', '1 when the zone file holds the served serial, else 0.');
    gauge(
      'bind_zone_durability_lag_seconds',
      'Seconds the zone file has been behind the served serial (0 when durable), as seen by the watcher.',
    );
    gauge('bind_zone_served_serial_age_seconds', 'Seconds since the served serial last changed.');
    gauge(
      'bind_zone_last_successful_dump_timestamp_seconds',
      'Modification time of the zone file when it was last seen holding the served serial.',
    );
    gauge('bind_zone_journal_bytes', 'Size of the zone journal in bytes (0 when there is none).');
    gauge('bind_zone_journal_age_seconds', 'Seconds since the zone journal was last written.');
    gauge('bind_zone_tmp_files', "named's tmp-* dump files left in the zone file's directory.");
    gauge(
      'bind_zone_tmp_oldest_age_seconds',
      'Age of the oldest tmp-* file in the zone directory.',
    );
    gauge(
      'bind_zone_last_dump_failure_timestamp_seconds',
      'When named last logged a failed dump of the zone.',
    );
    gauge('bind_zone_frozen', '1 when the zone is frozen (rndc freeze), else 0.');
    gauge('bind_zone_served', '1 when named serves the zone, 0 when it answered it has none.');
    gauge('bind_zone_ready', '1 when the zone passes /readyz, else 0.');
    counter(
      'bind_zone_dump_failures_total',
      "Failed dumps of the zone in named's log, by the step that failed.",
      [...ZONE, 'step'],
    );
    counter('bind_zone_journal_write_failures_total', "Failed journal operations in named's log.");
    gauge(
      'bind_zone_secondary_up',
      "1 when the secondary answered the zone's SOA authoritatively, 0 when unreachable, refused, lame or not authoritative.",
      SECONDARY,
    );
    gauge(
      'bind_zone_secondary_verdict',
      "Always 1; the verdict label says what the secondary's answer to the zone's SOA meant (served, stale, unreachable, refused, tsig-error, not-authoritative, lame).",
      [...SECONDARY, 'verdict'],
    );
    gauge('bind_zone_secondary_serial', 'SOA serial the secondary serves.', SECONDARY);
    gauge(
      'bind_zone_secondary_serial_lag',
      "Serial steps (RFC 1982) the secondary is behind the primary's served serial; 0 when equal or ahead.",
      SECONDARY,
    );
    gauge(
      'bind_zone_secondary_lag_seconds',
      'Seconds since the primary first served a serial the secondary does not have yet; 0 when it is not behind.',
      SECONDARY,
    );
    gauge(
      'bind_watch_scrape_duration_seconds',
      'Seconds the last refresh of every source took.',
      [],
    );
    gauge('bind_watch_zones', 'Zones watched.', []);
    gauge('bind_watch_named_up', '1 when named answered in the last refresh.', []);
    gauge('bind_watch_log_readable', "1 when named's log could be read in the last refresh.", []);
    gauge('bind_named_info', "named's version, as rndc status reports it.", ['version']);
    counter('bind_watch_rndc_errors_total', 'Failed control-channel commands.', []);
    counter('bind_watch_log_lines_read_total', "Lines of named's log read.", []);
    counter(
      'bind_watch_unattributed_dump_failures_total',
      'Failed dumps logged without a zone the watcher could tie them to, by step.',
      ['step'],
    );
  }

  /** Sets every metric from `report`. */
  update(report: WatchReport): void {
    for (const metric of Object.values(this.#g)) metric.reset();
    for (const metric of Object.values(this.#c)) metric.reset();
    const g = this.#g;
    const c = this.#c;
    const now = report.time;
    for (const z of report.zones) {
      const labels = { zone: z.zone, view: z.view, class: z.class };
      const set = (name: string, value: number | undefined) => {
        if (value !== undefined && Number.isFinite(value)) g[name]?.set(labels, value);
      };
      set('bind_zone_served_serial', z.servedSerial);
      set('bind_zone_file_serial', z.fileSerial);
      if (z.durable !== undefined) set('bind_zone_durable', z.durable ? 1 : 0);
      set('bind_zone_durability_lag_seconds', z.lagSeconds);
      set('bind_zone_served_serial_age_seconds', Math.max(0, now - z.servedChangedAt));
      set('bind_zone_last_successful_dump_timestamp_seconds', z.lastDurableAt);
      set('bind_zone_journal_bytes', z.journalBytes);
      if (z.journalMtime !== undefined)
        set('bind_zone_journal_age_seconds', Math.max(0, now - z.journalMtime));
      set('bind_zone_tmp_files', z.tmpFiles);
      if (z.tmpOldestMtime !== undefined) {
        set('bind_zone_tmp_oldest_age_seconds', Math.max(0, now - z.tmpOldestMtime));
      }
      set('bind_zone_last_dump_failure_timestamp_seconds', z.lastDumpFailure?.time);
      if (z.frozen !== undefined) set('bind_zone_frozen', z.frozen ? 1 : 0);
      set('bind_zone_served', z.served ? 1 : 0);
      set('bind_zone_ready', z.ready ? 1 : 0);
      // Every step from 0: increase() over a series needs its zero.
      for (const step of DUMP_STEPS) {
        c.bind_zone_dump_failures_total?.inc({ ...labels, step }, z.dumpFailures[step] ?? 0);
      }
      c.bind_zone_journal_write_failures_total?.inc(labels, z.journalFailures);
      for (const s of z.secondaries) {
        const sl = { ...labels, secondary: s.secondary };
        g.bind_zone_secondary_up?.set(sl, s.up ? 1 : 0);
        g.bind_zone_secondary_verdict?.set({ ...sl, verdict: s.verdict }, 1);
        if (s.serial !== undefined) g.bind_zone_secondary_serial?.set(sl, s.serial);
        if (s.lag !== undefined) g.bind_zone_secondary_serial_lag?.set(sl, s.lag);
        if (s.lagSeconds !== undefined) g.bind_zone_secondary_lag_seconds?.set(sl, s.lagSeconds);
      }
    }
    g.bind_watch_scrape_duration_seconds?.set(report.durationSeconds);
    g.bind_watch_zones?.set(report.zones.length);
    g.bind_watch_named_up?.set(report.namedUp ? 1 : 0);
    g.bind_watch_log_readable?.set(report.logProblem === undefined ? 1 : 0);
    if (report.namedVersion !== undefined) {
      g.bind_named_info?.set({ version: report.namedVersion.slice(0, 200) }, 1);
    }
    c.bind_watch_rndc_errors_total?.inc(report.rndcErrors);
    c.bind_watch_log_lines_read_total?.inc(report.logLinesRead);
    for (const step of DUMP_STEPS) {
      c.bind_watch_unattributed_dump_failures_total?.inc(
        { step },
        report.unattributedDumpFailures[step] ?? 0,
      );
    }
  }

  /** The text exposition format. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  /** Its content type. */
  get contentType(): string {
    return this.registry.contentType;
  }
}
