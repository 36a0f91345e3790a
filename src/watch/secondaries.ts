/**
 * The secondaries of the watched zones: each one's SOA serial, asked directly (RD=0, optional
 * TSIG, the fleet's query and verdict table), compared with the serial the primary serves.
 * Secondaries are listed by the caller, found in each zone's NS set, or both. One SOA query per
 * zone and secondary per refresh, at most `concurrency` in flight, each bounded by its own
 * deadline: a secondary that never answers (stopped, firewalled) costs one deadline per zone,
 * spread over the concurrent slots, never a hang.
 *
 * How long a secondary has been behind is measured from when the watcher first saw the primary
 * serve a serial after the secondary's: a short history of the primary's serials is kept per
 * zone, so that a busy zone whose secondaries follow a few seconds behind is not reported as
 * lagging for ever.
 */

import { mapLimited } from '../concurrency.js';
import { RndcLibraryError } from '../errors.js';
import { discoverServers } from '../fleet/discover.js';
import { queryServer } from '../fleet/query.js';
import { classifySoa, compareToTarget, type VerdictKind } from '../fleet/verdict.js';
import { Key, type KeySpec } from '../keys/key.js';
import { Err, Ok, type Result } from '../result.js';
import { serialDistance } from '../serial.js';
import { TYPE_SOA } from '../update/message.js';
import { Name, parseName } from '../update/names.js';

/** A secondary the watcher asks. */
export interface WatchedSecondary {
  /** Its address (or host name). */
  readonly host: string;
  /** DNS port. Default 53. */
  readonly port?: number | undefined;
  /** TSIG key of its queries; `null`: unsigned even with a default key. Default: the default key. */
  readonly key?: Key | KeySpec | null | undefined;
  /**
   * Only these zones (names without or with the final dot). Default: every watched zone — a
   * secondary that does not carry a zone then answers REFUSED for it and counts as down.
   */
  readonly zones?: readonly string[] | undefined;
}

/** How to find each zone's secondaries in its NS set. */
export interface SecondaryDiscovery {
  /** The primary's DNS address, asked (RD=0) for the zone's NS set and SOA. */
  readonly host: string;
  /** Its DNS port. Default 53. */
  readonly port?: number | undefined;
  /** DNS port of the servers found. Default 53. */
  readonly secondaryPort?: number | undefined;
  /** Most servers per zone. Default 16. */
  readonly maxServers?: number | undefined;
}

/** Options of the secondary checks (part of the watcher's options). */
export interface SecondaryWatchOptions {
  /** Secondaries of every zone (or of the zones each lists). */
  readonly secondaries?: readonly WatchedSecondary[] | undefined;
  /**
   * Also each zone's NS set (found by asking the primary), except the SOA MNAME's addresses
   * (the primary, by RFC 1996's convention) and the primary itself.
   */
  readonly discoverSecondaries?: SecondaryDiscovery | undefined;
  /** Default TSIG key of the SOA queries. Default: none. */
  readonly secondaryKey?: Key | KeySpec | undefined;
  /** SOA queries in flight at once. Default 16. */
  readonly secondaryConcurrency?: number | undefined;
  /** Deadline of one SOA query, ms. Default 2 000. */
  readonly secondaryTimeoutMs?: number | undefined;
  /**
   * Make `/readyz` fail for a zone whose secondary is down or lags by more than
   * `maxSecondaryLagSeconds`. Default false: secondaries are metrics and alerts only.
   */
  readonly secondaryReadiness?: boolean | undefined;
  /** With `secondaryReadiness`: seconds a secondary may lag. Default 600. */
  readonly maxSecondaryLagSeconds?: number | undefined;
}

/** What the watcher knows of one secondary of one zone. */
export interface SecondaryReport {
  /** `host#port`, the `secondary` label of its metrics. */
  readonly secondary: string;
  /** Found in the zone's NS set (not listed). */
  readonly discovered: boolean;
  /** The fleet verdict: `served`, `stale`, `unreachable`, `refused`, `lame`… */
  readonly verdict: VerdictKind;
  /** What it answered, in words. */
  readonly detail: string;
  /** It answered authoritatively with the zone's SOA (`served` or `stale`). */
  readonly up: boolean;
  /** The serial it serves, when up. */
  readonly serial: number | undefined;
  /** RFC 1982 steps behind the primary's served serial (0 when equal or after); undefined when either serial is unknown or they are not comparable. */
  readonly lag: number | undefined;
  /** Seconds it has been behind (0 when not behind); undefined when unknown. */
  readonly lagSeconds: number | undefined;
  /** When it was last seen serving the primary's serial (or a later one), seconds since the epoch. */
  readonly lastMatchedAt: number | undefined;
}

/** Default SOA queries in flight. */
export const DEFAULT_SECONDARY_CONCURRENCY = 16;
/** Default deadline of one SOA query, ms. */
export const DEFAULT_SECONDARY_TIMEOUT_MS = 2_000;
/** Default lag a secondary may have before it makes its zone not ready (when asked). */
export const DEFAULT_MAX_SECONDARY_LAG_SECONDS = 600;
/** Most secondaries per zone (listed and discovered together). */
export const MAX_SECONDARIES_PER_ZONE = 32;
/** Serials of the primary remembered per zone (for how long a secondary has been behind). */
const HISTORY = 32;

/** A zone to check, as the watcher hands it over. */
export interface SecondaryZone {
  /** The watcher's key of the zone. */
  readonly key: string;
  readonly zone: string;
  /** The primary's served serial, when known. */
  readonly servedSerial: number | undefined;
}

interface Target {
  readonly host: string;
  readonly port: number;
  readonly key: Key | undefined;
  readonly id: string;
  readonly discovered: boolean;
}

interface PairState {
  lastMatchedAt: number | undefined;
  report: SecondaryReport | undefined;
}

interface ZoneSecondaries {
  /** The primary's serials, oldest first, with when each was first seen. */
  readonly history: { serial: number; since: number }[];
  discovered: Target[];
  discoveredAt: number;
  readonly pairs: Map<string, PairState>;
}

/** A bad secondary, port, key or bound in the options: nothing was sent. */
export class SecondaryOptionsError extends RndcLibraryError<'invalid-argument'> {
  constructor(message: string) {
    super({
      kind: 'invalid-argument',
      message,
      remedy: 'fix the secondary options (--secondary HOST[:PORT], --discover-secondaries)',
    });
  }
}

/** Checks the secondaries of every zone once per {@link SecondaryChecker.check}. */
export class SecondaryChecker {
  readonly #explicit: readonly (Target & { zones: ReadonlySet<string> | undefined })[];
  readonly #discovery: SecondaryDiscovery | undefined;
  readonly #concurrency: number;
  readonly #timeoutMs: number;
  readonly #started: number;
  readonly #rediscoverMs: number;
  readonly #zones = new Map<string, ZoneSecondaries>();
  readonly #key: Key | undefined;

  /**
   * The checker of `options`, or why they are wrong. `started` (seconds) stands for when the
   * primary's first serial seen was first served; `rediscoverMs` is how often NS sets are read.
   */
  static create(
    options: SecondaryWatchOptions,
    started: number,
    rediscoverMs: number,
  ): Result<SecondaryChecker, SecondaryOptionsError> {
    try {
      return Ok(new SecondaryChecker(options, started, rediscoverMs));
    } catch (error) {
      if (error instanceof SecondaryOptionsError) return Err(error);
      throw error;
    }
  }

  private constructor(options: SecondaryWatchOptions, started: number, rediscoverMs: number) {
    this.#started = started;
    this.#rediscoverMs = rediscoverMs;
    this.#discovery = options.discoverSecondaries;
    this.#concurrency = positive(
      options.secondaryConcurrency,
      DEFAULT_SECONDARY_CONCURRENCY,
      'secondaryConcurrency',
    );
    this.#timeoutMs = positive(
      options.secondaryTimeoutMs,
      DEFAULT_SECONDARY_TIMEOUT_MS,
      'secondaryTimeoutMs',
    );
    this.#key = options.secondaryKey !== undefined ? keyOf(options.secondaryKey) : undefined;
    this.#explicit = (options.secondaries ?? []).map((s, i) => {
      const target = this.#target(s.host, s.port, s.key, false, `secondaries[${i}]`);
      const zones = s.zones ? new Set(s.zones.map(normalZone)) : undefined;
      return { ...target, zones };
    });
    if (this.#discovery) {
      const d = this.#discovery;
      this.#target(d.host, d.port, undefined, false, 'discoverSecondaries');
      port(d.secondaryPort, 'discoverSecondaries.secondaryPort');
    }
  }

  /** True when there is anything to check. */
  get enabled(): boolean {
    return this.#explicit.length > 0 || this.#discovery !== undefined;
  }

  /**
   * One SOA query per zone and secondary (after discovery where due). `now` is the refresh's
   * time (seconds); `deadline` bounds the whole check (ms). Never rejects.
   */
  async check(
    zones: readonly SecondaryZone[],
    now: number,
    deadline: number,
  ): Promise<Map<string, SecondaryReport[]>> {
    const out = new Map<string, SecondaryReport[]>();
    const live = new Set<string>();
    const jobs: (() => Promise<void>)[] = [];
    const discoveries: (() => Promise<void>)[] = [];
    for (const zone of zones) {
      live.add(zone.key);
      let state = this.#zones.get(zone.key);
      if (!state) {
        state = { history: [], discovered: [], discoveredAt: 0, pairs: new Map() };
        this.#zones.set(zone.key, state);
      }
      this.#remember(state, zone.servedSerial, now);
      const name = parseName(`${zone.zone === '.' ? '' : zone.zone}.`, Name.root);
      if (name.isErr()) continue;
      const st = state;
      if (this.#discovery && now * 1000 - st.discoveredAt >= this.#rediscoverMs) {
        discoveries.push(async () => {
          st.discovered = await this.#discover(name.value, deadline);
          st.discoveredAt = Date.now();
        });
      }
    }
    for (const key of this.#zones.keys()) if (!live.has(key)) this.#zones.delete(key);
    await mapLimited(discoveries, this.#concurrency, (job) => job().catch(() => undefined));

    for (const zone of zones) {
      const state = this.#zones.get(zone.key);
      const name = parseName(`${zone.zone === '.' ? '' : zone.zone}.`, Name.root);
      if (!state || name.isErr()) continue;
      const targets = this.#targetsOf(zone.zone, state);
      const reports: SecondaryReport[] = [];
      out.set(zone.key, reports);
      const seen = new Set<string>();
      for (const target of targets) {
        seen.add(target.id);
        let pair = state.pairs.get(target.id);
        if (!pair) {
          pair = { lastMatchedAt: undefined, report: undefined };
          state.pairs.set(target.id, pair);
        }
        const p = pair;
        const index = reports.length;
        reports.push(unchecked(target, p));
        jobs.push(async () => {
          const report = await this.#checkOne(name.value, zone, state, target, p, now, deadline);
          p.report = report;
          reports[index] = report;
        });
      }
      for (const id of state.pairs.keys()) if (!seen.has(id)) state.pairs.delete(id);
    }
    await mapLimited(jobs, this.#concurrency, (job) => job().catch(() => undefined));
    return out;
  }

  async #checkOne(
    zone: Name,
    z: SecondaryZone,
    state: ZoneSecondaries,
    target: Target,
    pair: PairState,
    now: number,
    deadline: number,
  ): Promise<SecondaryReport> {
    const own = Math.min(deadline, Date.now() + this.#timeoutMs);
    if (own <= Date.now()) return unchecked(target, pair);
    const outcome = await queryServer(zone, TYPE_SOA, {
      host: target.host,
      port: target.port,
      key: target.key,
      deadline: own,
    });
    const answer = classifySoa(outcome, zone);
    const base = { secondary: target.id, discovered: target.discovered };
    if (answer.kind === 'verdict') {
      return {
        ...base,
        verdict: answer.verdict.kind,
        detail: answer.verdict.detail,
        up: false,
        serial: undefined,
        lag: undefined,
        lagSeconds: undefined,
        lastMatchedAt: pair.lastMatchedAt,
      };
    }
    const serial = answer.serial;
    const primary = z.servedSerial;
    if (primary === undefined) {
      return {
        ...base,
        verdict: 'served',
        detail: `serves serial ${serial} (the primary's is unknown)`,
        up: true,
        serial,
        lag: undefined,
        lagSeconds: undefined,
        lastMatchedAt: pair.lastMatchedAt,
      };
    }
    const verdict = compareToTarget(serial, primary);
    if (verdict.kind !== 'stale') {
      pair.lastMatchedAt = now;
      return {
        ...base,
        verdict: verdict.kind,
        detail: verdict.detail,
        up: true,
        serial,
        lag: 0,
        lagSeconds: 0,
        lastMatchedAt: now,
      };
    }
    const lag = serialDistance(serial, primary);
    // Behind since the primary first served a serial after the secondary's (the oldest such in
    // the history; the history's start, or the watcher's, when the secondary is older still).
    const after = state.history.find(
      (h) => serialDistance(serial, h.serial) !== undefined && h.serial !== serial,
    );
    const since = after?.since ?? state.history[0]?.since ?? this.#started;
    const lagSeconds = Math.max(0, now - Math.max(since, pair.lastMatchedAt ?? 0));
    return {
      ...base,
      verdict: 'stale',
      detail: `${verdict.detail} for ${Math.round(lagSeconds)} s`,
      up: true,
      serial,
      lag,
      lagSeconds,
      lastMatchedAt: pair.lastMatchedAt,
    };
  }

  /** Notes the primary's serial in the zone's history. */
  #remember(state: ZoneSecondaries, serial: number | undefined, now: number): void {
    if (serial === undefined) return;
    const last = state.history[state.history.length - 1];
    if (last?.serial === serial) return;
    // The first serial seen was served since some unknown time: the watcher's start stands for it.
    state.history.push({ serial, since: last === undefined ? this.#started : now });
    if (state.history.length > HISTORY) state.history.shift();
  }

  #targetsOf(zone: string, state: ZoneSecondaries): Target[] {
    const lower = normalZone(zone);
    const out: Target[] = [];
    const ids = new Set<string>();
    for (const t of this.#explicit) {
      if (t.zones && !t.zones.has(lower)) continue;
      if (ids.has(t.id) || out.length >= MAX_SECONDARIES_PER_ZONE) continue;
      ids.add(t.id);
      out.push(t);
    }
    for (const t of state.discovered) {
      if (ids.has(t.id) || out.length >= MAX_SECONDARIES_PER_ZONE) continue;
      ids.add(t.id);
      out.push(t);
    }
    return out;
  }

  async #discover(zone: Name, deadline: number): Promise<Target[]> {
    const d = this.#discovery;
    if (!d) return [];
    const primaryPort = d.port ?? 53;
    const found = await discoverServers(zone, {
      host: d.host,
      port: primaryPort,
      key: this.#key,
      recursive: false,
      deadline: Math.min(deadline, Date.now() + this.#timeoutMs),
      maxServers: d.maxServers ?? 16,
    });
    const secondaryPort = d.secondaryPort ?? 53;
    const targets: Target[] = [];
    for (const server of found.servers) {
      // The SOA MNAME names the primary (RFC 1996 §2.1); the primary itself is no secondary.
      if (server.roles.includes('mname')) continue;
      if (server.address === d.host && secondaryPort === primaryPort) continue;
      targets.push({
        host: server.address,
        port: secondaryPort,
        key: this.#key,
        id: `${server.address}#${secondaryPort}`,
        discovered: true,
      });
    }
    return targets;
  }

  #target(
    host: string,
    portValue: number | undefined,
    key: Key | KeySpec | null | undefined,
    discovered: boolean,
    what: string,
  ): Target {
    if (typeof host !== 'string' || host === '' || host.length > 255 || /[\s/#]/.test(host)) {
      throw new SecondaryOptionsError(`${what}: host ${JSON.stringify(host)} is not an address`);
    }
    const p = port(portValue, `${what}.port`);
    const chosen = key === null ? undefined : key !== undefined ? keyOf(key) : this.#key;
    return { host, port: p, key: chosen, id: `${host}#${p}`, discovered };
  }
}

/** A report for a secondary not (yet) asked in this refresh: its last one, or "not checked". */
function unchecked(target: Target, pair: PairState): SecondaryReport {
  return {
    secondary: target.id,
    discovered: target.discovered,
    verdict: 'unreachable',
    detail: 'not checked: the refresh ran out of time',
    up: false,
    serial: undefined,
    lag: undefined,
    lagSeconds: undefined,
    lastMatchedAt: pair.lastMatchedAt,
  };
}

function normalZone(zone: string): string {
  return zone.toLowerCase().replace(/\.$/, '') || '.';
}

function keyOf(spec: Key | KeySpec): Key {
  const key = Key.of(spec);
  if (key.isErr()) throw new SecondaryOptionsError(`secondary key: ${key.error.message}`);
  return key.value;
}

function port(value: number | undefined, what: string): number {
  const p = value ?? 53;
  if (!Number.isInteger(p) || p < 1 || p > 65_535) {
    throw new SecondaryOptionsError(`${what} must be 1-65535, not ${String(value)}`);
  }
  return p;
}

function positive(value: number | undefined, fallback: number, what: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > 1_000_000) {
    throw new SecondaryOptionsError(
      `${what} must be an integer from 1 to 1000000, not ${String(value)}`,
    );
  }
  return value;
}
