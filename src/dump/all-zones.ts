/**
 * Verified `sync` and `freeze` of every zone: rndc's all-zones form (`rndc sync`, `rndc freeze`
 * without a zone), proven zone by zone. named answers the all-zones form once, when every dump is
 * merely scheduled, and logs each failure on its own; so instead each zone named.conf configures
 * with a file gets the per-zone verified command (RndcClient.sync/freeze with `verify`), a few at
 * a time, all under one deadline, and every zone's outcome is kept: a failing zone never hides
 * the others'. `Ok` only when every zone asked was proven written.
 */

import { stat } from 'node:fs/promises';
import { mapLimited } from '../concurrency.js';
import type {
  CallOptions,
  DumpedResponse,
  RndcClient,
  VerifyDumpOptions,
} from '../control/client.js';
import { RndcError } from '../control/errors.js';
import { RndcLibraryError } from '../errors.js';
import { Err, Ok, type Result } from '../result.js';
import { DumpError } from './errors.js';
import {
  type NamedConfig,
  type NamedConfigError,
  readNamedConfig,
  type ZoneConfig,
  type ZoneLookup,
} from './named-config.js';
import type { DumpEvidence, DumpVerdict } from './verify.js';

/** Options of `RndcClient.freezeAll` (and, with `clean`, of `syncAll`). */
export interface AllZonesOptions extends CallOptions {
  /**
   * The whole call's deadline in milliseconds, every zone included. Default 60 s. Zones not yet
   * started by then are reported `not-proven`; a zone in progress settles as not proven.
   * (A zone this call froze for `clean` is still thawed afterwards, within its own deadline.)
   */
  readonly timeoutMs?: number | undefined;
  /**
   * Verification settings shared by every zone (named's log, directory, named.conf, pid…), as for
   * the per-zone call. `timeoutMs` here is one zone's budget (default 10 s), cut to what is left
   * of the call's deadline. A zone's file and journal come from named (zonestatus) and named.conf,
   * so `zoneFile` and `journalFile` are not accepted.
   */
  readonly verify?: Omit<VerifyDumpOptions, 'zoneFile' | 'journalFile'> | undefined;
  /**
   * The zones, instead of those named.conf configures: for zones added with `rndc addzone`, which
   * named keeps outside named.conf. named.conf is then not read.
   */
  readonly zones?: readonly ZoneLookup[] | undefined;
  /** How many zones are worked on at once. Default 4 (the client's default pool size). */
  readonly concurrency?: number | undefined;
  /** Called as each zone's result is known (for a progress display); its exceptions are ignored. */
  readonly onZone?: ((result: ZoneDumpResult) => void) | undefined;
}

/** Options of `RndcClient.syncAll`. */
export interface SyncAllOptions extends AllZonesOptions {
  /**
   * Also delete each zone's journal, by the rule of `sync(zone, { clean: true })`: only after
   * that zone's dump was proven (a dynamic zone frozen meanwhile, then thawed), so a zone whose
   * dump failed keeps its journal while the others are cleaned.
   */
  readonly clean?: boolean | undefined;
}

/**
 * How one zone ended: `proven` (the file on disk holds the served serial), `failed` (the command
 * or the dump failed, or named does not serve the zone), `not-proven` (no verdict by the deadline,
 * or aborted: named may still write it), `skipped` (nothing for this command to write; see
 * `skipped`).
 */
export type ZoneDumpStatus = 'proven' | 'failed' | 'not-proven' | 'skipped';

/** One zone's outcome in {@link AllZonesDump}. */
export interface ZoneDumpResult {
  /** The zone, as named.conf (or `zones`) names it. */
  readonly zone: string;
  /** Its class (`IN`). */
  readonly class: string;
  /** Its view, when named.conf has views. */
  readonly view: string | undefined;
  /** See {@link ZoneDumpStatus}. */
  readonly status: ZoneDumpStatus;
  /** The verdict of the evidence, when verification ran. */
  readonly verdict: DumpVerdict | undefined;
  /** The proof (or why not), when verification ran. */
  readonly evidence: DumpEvidence | undefined;
  /** named's reply to the command, when it succeeded. */
  readonly response: DumpedResponse | undefined;
  /** Why the zone was not proven (`failed`, `not-proven`). */
  readonly error: RndcError | DumpError | undefined;
  /** Why nothing was asked for the zone (`skipped`). */
  readonly skipped: string | undefined;
  /** True when the zone was already frozen: proven with `sync`, and left frozen. */
  readonly wasFrozen: boolean;
  /** True when its journal was deleted (`clean`, after the proof). */
  readonly journalCleaned: boolean;
  /** Milliseconds spent on this zone. */
  readonly elapsedMs: number;
}

/** Counts of an all-zones dump, and one sentence saying it. */
export interface AllZonesSummary {
  /** Every zone asked (all but the skipped ones) was proven written. */
  readonly allProven: boolean;
  /** Zones considered, skipped ones included. */
  readonly total: number;
  /** Zones proven written (`written` or `nothing-pending`). */
  readonly proven: number;
  /** Zones whose command or dump failed, or that named does not serve. */
  readonly failed: number;
  /** Zones with no verdict by the deadline, or aborted (named may still write them). */
  readonly notProven: number;
  /** Zones with nothing for the command to write. */
  readonly skipped: number;
  /** `3 of 4 zones proven written; failed: a.test (rename)`. */
  readonly text: string;
}

/** What `syncAll`/`freezeAll` did, zone by zone. */
export interface AllZonesDump {
  /** `sync` or `freeze`. */
  readonly command: 'sync' | 'freeze';
  /** Whether journals were to be deleted after each proof. */
  readonly clean: boolean;
  /** One result per zone, in named.conf's order. */
  readonly zones: readonly ZoneDumpResult[];
  /** Counts, `allProven`, and one sentence saying it. */
  readonly summary: AllZonesSummary;
  /** The named.conf the zones were listed from (`undefined` with `zones`). */
  readonly namedConf: string | undefined;
  /** What this call did not cover: zones added with `rndc addzone`, zones beyond the limit. */
  readonly notes: readonly string[];
}

/** Why an all-zones dump is not `Ok`. */
export type AllZonesErrorKind =
  /** Some zone was not proven written: `dump` holds every zone's result. */
  | 'not-all-proven'
  /** The zones could not be listed (named.conf unknown or unreadable). */
  | 'zones-unknown'
  | 'invalid-argument';

/** An all-zones dump that did not prove every zone, or could not start. */
export class AllZonesError extends RndcLibraryError<AllZonesErrorKind> {
  /** Every zone's result, for `not-all-proven`. */
  readonly dump: AllZonesDump | undefined;

  constructor(details: {
    kind: AllZonesErrorKind;
    message: string;
    causes?: readonly string[];
    remedy?: string;
    cause?: unknown;
    dump?: AllZonesDump;
  }) {
    super(details);
    this.dump = details.dump;
  }
}

/** Default whole-call deadline. */
export const DEFAULT_ALL_ZONES_TIMEOUT_MS = 60_000;
/** Default number of zones worked on at once. */
export const DEFAULT_ALL_ZONES_CONCURRENCY = 4;
/** Most zones one call works on (named.conf may list more: a note then says so). */
export const MAX_ALL_ZONES = 100_000;
/** Zone types named never writes a file for, or that are not zones of the zone table. */
const NOT_DUMPED = new Set(['hint', 'forward', 'delegation-only', 'static-stub', 'redirect']);

/** The types of a primary zone (`master` is the older spelling). */
const PRIMARY = new Set(['primary', 'master']);

/** A zone to work on, or one skipped before asking named. */
interface Planned {
  readonly lookup: ZoneLookup & { readonly class: string };
  readonly skipped?: string;
  readonly journalFile?: string;
  /** `type` in named.conf, lower-case, when named.conf was read. */
  readonly type?: string;
}

/**
 * The all-zones dump. `client` runs the per-zone commands (its `named` settings apply).
 *
 * @internal Called by `RndcClient.syncAll` / `freezeAll`.
 */
export async function dumpAllZones(
  client: RndcClient,
  word: 'sync' | 'freeze',
  options: SyncAllOptions,
): Promise<Result<AllZonesDump, AllZonesError>> {
  const problem = optionProblem(options);
  if (problem) {
    return Err(
      new AllZonesError({
        kind: 'invalid-argument',
        message: `${word} of all zones: ${problem}`,
        remedy: 'pass the option within its range, or leave it out for the default',
      }),
    );
  }
  const started = Date.now();
  const deadline = started + (options.timeoutMs ?? DEFAULT_ALL_ZONES_TIMEOUT_MS);
  const clean = word === 'sync' && options.clean === true;
  // One signal for everything: the caller's, or the deadline's.
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) stop.abort();
  const timer = setTimeout(onAbort, Math.max(0, deadline - started));
  try {
    const planned = await planZones(client, options, deadline, stop.signal);
    if (planned.isErr()) return planned;
    const { zones, namedConf, notes, directory } = planned.value;
    const shared = { options, deadline, signal: stop.signal, clean, directory };
    const results = await mapLimited(
      zones,
      options.concurrency ?? DEFAULT_ALL_ZONES_CONCURRENCY,
      async (zone) => {
        const result = await dumpOneSettled(client, word, zone, shared);
        try {
          options.onZone?.(result);
        } catch {
          // A progress display must not end the work of the other zones.
        }
        return result;
      },
    );
    const summary = summarise(word, results);
    const dump: AllZonesDump = { command: word, clean, zones: results, summary, namedConf, notes };
    if (summary.allProven) return Ok(dump);
    return Err(
      new AllZonesError({
        kind: 'not-all-proven',
        message: `${word} of all zones: ${summary.text}`,
        causes: results
          .filter((result) => result.error !== undefined)
          .slice(0, 20)
          .map((result) => `${zoneLabel(result)}: ${firstLine(result.error?.message ?? '')}`),
        remedy:
          "each zone's error (`dump.zones[i].error`) names the failed step and the remedy; the zones proven are written whatever the others did",
        dump,
      }),
    );
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}

function optionProblem(options: SyncAllOptions): string | undefined {
  const concurrency = options.concurrency;
  if (
    concurrency !== undefined &&
    (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 1000)
  ) {
    return `concurrency must be an integer from 1 to 1000, not ${String(concurrency)}`;
  }
  const timeoutMs = options.timeoutMs;
  if (
    timeoutMs !== undefined &&
    (!Number.isFinite(timeoutMs) || timeoutMs < 0 || timeoutMs > 2_147_483_647)
  ) {
    return `timeoutMs must be a number of milliseconds from 0 to 2147483647, not ${String(timeoutMs)}`;
  }
  if (options.zones !== undefined && !Array.isArray(options.zones)) {
    return 'zones must be an array of { zone, class?, view? }';
  }
  const badZone = (options.zones ?? []).findIndex(
    (zone) =>
      typeof zone?.zone !== 'string' ||
      zone.zone === '' ||
      (zone.class !== undefined && typeof zone.class !== 'string') ||
      (zone.view !== undefined && typeof zone.view !== 'string'),
  );
  if (badZone >= 0) {
    return `zones[${badZone}] must be { zone, class?, view? } with a non-empty zone name, not ${safeJson(options.zones?.[badZone])}`;
  }
  if ((options.zones?.length ?? 0) > MAX_ALL_ZONES) {
    return `zones lists ${options.zones?.length} zones; at most ${MAX_ALL_ZONES} are taken at once`;
  }
  return undefined;
}

/** The zones to work on: `zones`, else every zone named.conf configures (and what is left out). */
async function planZones(
  client: RndcClient,
  options: SyncAllOptions,
  deadline: number,
  signal: AbortSignal,
): Promise<
  Result<
    {
      zones: Planned[];
      namedConf: string | undefined;
      notes: string[];
      directory: string | undefined;
    },
    AllZonesError
  >
> {
  if (options.zones !== undefined) {
    return Ok({
      zones: options.zones.map((lookup) => ({
        lookup: { ...lookup, class: lookup.class ?? 'IN' },
      })),
      namedConf: undefined,
      notes: [],
      directory: options.verify?.directory,
    });
  }
  let namedConf = options.verify?.namedConf;
  if (namedConf === undefined) {
    const status = await client.status({ signal, timeoutMs: Math.max(1, deadline - Date.now()) });
    if (status.isErr()) {
      return Err(
        new AllZonesError({
          kind: 'zones-unknown',
          message: `cannot list the zones: 'status' failed, so named's configuration file is not known: ${status.error.message}`,
          causes: status.error.causes,
          remedy: 'fix the control channel, or pass the named.conf (namedConf / --named-conf FILE)',
          cause: status.error,
        }),
      );
    }
    if (status.value.chrootDirectory !== undefined) {
      return Err(
        new AllZonesError({
          kind: 'zones-unknown',
          message: `cannot list the zones: named runs chrooted in ${status.value.chrootDirectory}, so the configuration file it names is not this host's path`,
          remedy:
            "pass the named.conf as this host sees it (namedConf / --named-conf FILE) and named's directory (the verify option directory; rndc-js: --named-dir DIR)",
        }),
      );
    }
    namedConf = status.value.configurationFile;
    if (namedConf === undefined) {
      return Err(
        new AllZonesError({
          kind: 'zones-unknown',
          message: "cannot list the zones: named's 'status' reply names no configuration file",
          remedy: 'pass the named.conf (namedConf / --named-conf FILE)',
        }),
      );
    }
  }
  const read = await readNamedConfig(namedConf, {
    signal,
    timeoutMs: Math.max(1, deadline - Date.now()),
  });
  if (read.isErr()) {
    return Err(
      new AllZonesError({
        kind: 'zones-unknown',
        message: `cannot list the zones from ${namedConf}: ${read.error.message}`,
        causes: read.error.causes,
        remedy: read.error.remedy || 'fix named.conf, or pass the zones to verify',
        cause: read.error,
      }),
    );
  }
  const config = read.value;
  const lookups = config.zoneConfigs(MAX_ALL_ZONES + 1);
  const notes: string[] = [];
  if (lookups.length > MAX_ALL_ZONES) {
    lookups.length = MAX_ALL_ZONES;
    notes.push(
      `${namedConf} configures more than ${MAX_ALL_ZONES} zones: only the first ${MAX_ALL_ZONES} were verified`,
    );
  }
  notes.push(...(await addedZoneNotes(config)));
  return Ok({
    zones: lookups.map(({ lookup, config: found }) => planned(lookup, found)),
    namedConf,
    notes,
    directory: options.verify?.directory ?? config.directory,
  });
}

/** One zone of named.conf: what to verify, or why it is skipped. */
function planned(lookup: ZoneLookup, found: Result<ZoneConfig, NamedConfigError>): Planned {
  const zoneLookup = { ...lookup, class: lookup.class ?? 'IN' };
  // A zone statement named.conf cannot describe (a relative file with no directory…) is still
  // asked of named: zonestatus knows its file.
  if (found.isErr()) return { lookup: zoneLookup };
  const zone = found.value;
  const type = zone.type ?? '';
  if (NOT_DUMPED.has(type)) {
    return {
      lookup: zoneLookup,
      skipped:
        type === 'redirect'
          ? 'type redirect: named reads its file and takes no updates (rndc names it with -redirect, not sent here)'
          : `type ${type}: named writes no zone file for it`,
    };
  }
  if (zone.file === undefined) {
    return {
      lookup: zoneLookup,
      skipped: `no file in named.conf: named keeps the ${type || 'zone'} zone in memory only`,
    };
  }
  return {
    lookup: zoneLookup,
    ...(zone.journalConfigured && zone.journal !== undefined ? { journalFile: zone.journal } : {}),
    ...(zone.type !== undefined ? { type: zone.type } : {}),
  };
}

/** Notes on the views that allow `rndc addzone`: their added zones are not in named.conf. */
async function addedZoneNotes(config: NamedConfig): Promise<string[]> {
  const notes: string[] = [];
  for (const store of config.addedZoneStores().slice(0, 100)) {
    const present: string[] = [];
    for (const file of store.files) {
      if (
        await stat(file).then(
          () => true,
          () => false,
        )
      )
        present.push(file);
    }
    const where =
      present.length > 0
        ? `kept in ${present.join(' and ')}`
        : `kept in ${store.view}.nzd or ${store.view}.nzf`;
    notes.push(
      `view ${store.view} allows rndc addzone: zones added that way (${where}) are not in named.conf and were not verified; name them in \`zones\` (rndc-js: sync ZONE --verify)`,
    );
  }
  return notes;
}

/** What every zone's work shares. */
interface Shared {
  readonly options: SyncAllOptions;
  readonly deadline: number;
  readonly signal: AbortSignal;
  readonly clean: boolean;
  readonly directory: string | undefined;
}

/** {@link dumpOne}, with an unexpected exception kept as that zone's failure. */
async function dumpOneSettled(
  client: RndcClient,
  word: 'sync' | 'freeze',
  planned: Planned,
  shared: Shared,
): Promise<ZoneDumpResult> {
  const started = Date.now();
  try {
    return await dumpOne(client, word, planned, shared);
  } catch (thrown) {
    const { lookup } = planned;
    return {
      zone: lookup.zone,
      class: lookup.class,
      view: lookup.view,
      status: 'failed',
      verdict: undefined,
      evidence: undefined,
      response: undefined,
      error: new DumpError({
        kind: 'command-failed',
        message: `${lookup.zone}: ${word} failed unexpectedly: ${thrown instanceof Error ? thrown.message : String(thrown)}`,
        remedy: "report this as a bug of the library, with the zone's configuration",
        cause: thrown,
        zone: lookup.zone,
      }),
      skipped: undefined,
      wasFrozen: false,
      journalCleaned: false,
      elapsedMs: Date.now() - started,
    };
  }
}

/** One zone: zonestatus, then the verified command. */
async function dumpOne(
  client: RndcClient,
  word: 'sync' | 'freeze',
  planned: Planned,
  shared: Shared,
): Promise<ZoneDumpResult> {
  const started = Date.now();
  const { lookup } = planned;
  const base = {
    zone: lookup.zone,
    class: lookup.class,
    view: lookup.view,
    verdict: undefined,
    evidence: undefined,
    response: undefined,
    error: undefined,
    skipped: undefined,
    wasFrozen: false,
    journalCleaned: false,
  };
  const done = (fields: Partial<ZoneDumpResult> & Pick<ZoneDumpResult, 'status'>) => ({
    ...base,
    ...fields,
    elapsedMs: Date.now() - started,
  });
  if (planned.skipped !== undefined) return done({ status: 'skipped', skipped: planned.skipped });
  // named's freeze of all zones freezes dynamic primaries only; a secondary never takes updates.
  if (word === 'freeze' && planned.type !== undefined && !PRIMARY.has(planned.type)) {
    return done({
      status: 'skipped',
      skipped: `type ${planned.type}: not dynamic, freeze does not apply`,
    });
  }
  const remaining = shared.deadline - Date.now();
  if (shared.signal.aborted || remaining <= 0) {
    const aborted = shared.options.signal?.aborted === true;
    return done({
      status: 'not-proven',
      error: new DumpError({
        kind: aborted ? 'aborted' : 'timeout',
        message: aborted
          ? `${lookup.zone}: not started: the call was aborted first`
          : `${lookup.zone}: not started: the deadline of the whole call passed first`,
        remedy: aborted
          ? 'run the call again'
          : 'allow the whole call a longer deadline (rndc-js: --wait SECONDS), or more zones at once',
        zone: lookup.zone,
      }),
    });
  }
  const zoneOptions = {
    ...(lookup.class !== 'IN' || lookup.view !== undefined ? { class: lookup.class } : {}),
    ...(lookup.view !== undefined ? { view: lookup.view } : {}),
    signal: shared.signal,
    timeoutMs: remaining,
  };
  const status = await client.zonestatus(lookup.zone, zoneOptions);
  if (status.isErr()) return done(failure(status.error, notServed(lookup, status.error)));
  if (status.value.files.length === 0) {
    return done({
      status: 'skipped',
      skipped: 'named keeps no file of this zone (zonestatus lists none)',
    });
  }
  const verifyBudget = shared.options.verify?.timeoutMs;
  // named.conf was read once, for every zone: its directory and the zone's `journal` are passed
  // on, so that no zone reads it again (with `zones` given, it was not read: each zone may).
  const { namedConf, ...sharedVerify } = shared.options.verify ?? {};
  const verify: VerifyDumpOptions = {
    ...sharedVerify,
    ...(shared.options.zones !== undefined && namedConf !== undefined ? { namedConf } : {}),
    ...(shared.directory !== undefined ? { directory: shared.directory } : {}),
    ...(planned.journalFile !== undefined ? { journalFile: planned.journalFile } : {}),
    timeoutMs: Math.max(
      1,
      Math.min(verifyBudget ?? DEFAULT_ZONE_VERIFY_MS, shared.deadline - Date.now()),
    ),
  };
  const callOptions = {
    ...zoneOptions,
    timeoutMs: Math.max(1, shared.deadline - Date.now()),
    verify,
  };
  const frozen = status.value.frozen === true;
  if (word === 'freeze') {
    // named's own `freeze` of all zones freezes the dynamic primaries only (BIND 9.16–9.20
    // lib/dns/zt.c, freezezones()).
    if (status.value.dynamic !== true) {
      return done({
        status: 'skipped',
        skipped: "not dynamic: freeze does not apply (named's freeze of all zones skips it too)",
      });
    }
    // Already frozen (by the operator): prove its file with sync, and leave it frozen.
    let outcome = frozen
      ? await client.sync(lookup.zone, callOptions)
      : await client.freeze(lookup.zone, callOptions);
    let wasFrozen = frozen;
    if (
      outcome.isErr() &&
      outcome.error instanceof RndcError &&
      outcome.error.kind === 'already-frozen'
    ) {
      wasFrozen = true;
      outcome = await client.sync(lookup.zone, callOptions);
    }
    return done(outcome.isOk() ? proven(outcome.value, wasFrozen, false) : failure(outcome.error));
  }
  const outcome = await client.sync(lookup.zone, { ...callOptions, clean: shared.clean });
  return done(
    outcome.isOk() ? proven(outcome.value, frozen, shared.clean) : failure(outcome.error),
  );
}

/** A zone's verification budget when `verify.timeoutMs` is not given (the per-zone default). */
const DEFAULT_ZONE_VERIFY_MS = 10_000;

function proven(
  response: DumpedResponse,
  wasFrozen: boolean,
  journalCleaned: boolean,
): Partial<ZoneDumpResult> & Pick<ZoneDumpResult, 'status'> {
  const evidence = response.dump;
  return {
    // The per-zone call is Ok only for a proven verdict; without evidence nothing is claimed.
    status: evidence ? 'proven' : 'not-proven',
    verdict: evidence?.verdict,
    evidence,
    response,
    wasFrozen,
    journalCleaned,
  };
}

function failure(
  error: RndcError | DumpError,
  replaced?: DumpError,
): Partial<ZoneDumpResult> & Pick<ZoneDumpResult, 'status'> {
  const shown = replaced ?? error;
  const evidence = error instanceof DumpError ? error.evidence : undefined;
  return {
    status: statusOf(error),
    verdict: evidence?.verdict,
    evidence,
    error: shown,
  };
}

/** `failed` when something definitely went wrong; `not-proven` when the answer is unknown. */
function statusOf(error: RndcError | DumpError): 'failed' | 'not-proven' {
  if (error instanceof DumpError) {
    const verdict = error.evidence?.verdict;
    if (verdict === 'failed') return 'failed';
    if (verdict === 'unknown') return 'not-proven';
    if (error.kind === 'zone-status' && error.cause instanceof RndcError) {
      return statusOf(error.cause);
    }
    return error.kind === 'not-verified' || error.kind === 'timeout' || error.kind === 'aborted'
      ? 'not-proven'
      : 'failed';
  }
  return error.kind === 'timeout' || error.kind === 'aborted' ? 'not-proven' : 'failed';
}

/** named.conf lists the zone, named does not serve it: said so, with the likely reasons. */
function notServed(lookup: ZoneLookup, error: RndcError): DumpError | undefined {
  if (error.kind !== 'not-found' && error.kind !== 'not-loaded') return undefined;
  const what = error.kind === 'not-found' ? 'does not serve it' : 'has not loaded it';
  return new DumpError({
    kind: 'zone-status',
    message: `named.conf configures ${lookup.zone}${lookup.view !== undefined ? ` in view ${lookup.view}` : ''}, but named ${what}: ${error.message}`,
    causes: [
      'named.conf was changed since named last read it (rndc reconfig, or reload, loads it)',
      'this is not the named.conf the running named read (rndc status names it)',
      ...(error.kind === 'not-loaded'
        ? [
            "the zone failed to load (named's log says why), or a secondary has not transferred it yet",
          ]
        : []),
    ],
    remedy:
      error.kind === 'not-found'
        ? 'run `rndc reconfig` after changing named.conf, or point to the named.conf named runs with'
        : "read named's log for the zone's load error",
    cause: error,
    zone: lookup.zone,
  });
}

function summarise(word: 'sync' | 'freeze', results: readonly ZoneDumpResult[]): AllZonesSummary {
  const count = (status: ZoneDumpStatus) => results.filter((r) => r.status === status).length;
  const proven = count('proven');
  const failed = count('failed');
  const notProven = count('not-proven');
  const skipped = count('skipped');
  const asked = results.length - skipped;
  const parts = [`${proven} of ${asked} zone${asked === 1 ? '' : 's'} proven written`];
  const list = (status: ZoneDumpStatus) => {
    const zones = results.filter((r) => r.status === status);
    const shown = zones.slice(0, 10).map((r) => {
      const step = r.evidence?.failedStep;
      return `${zoneLabel(r)}${step ? ` (${step})` : ''}`;
    });
    return `${shown.join(', ')}${zones.length > 10 ? ` and ${zones.length - 10} more` : ''}`;
  };
  if (failed > 0) parts.push(`failed: ${list('failed')}`);
  if (notProven > 0) parts.push(`not proven: ${list('not-proven')}`);
  if (skipped > 0) parts.push(`${skipped} skipped (nothing for ${word} to write)`);
  return {
    allProven: failed === 0 && notProven === 0,
    total: results.length,
    proven,
    failed,
    notProven,
    skipped,
    text: parts.join('; '),
  };
}

/** `zone`, `zone/CLASS`, `zone (view v)`. */
export function zoneLabel(zone: { zone: string; class: string; view: string | undefined }): string {
  const cls = zone.class !== 'IN' ? `/${zone.class}` : '';
  return `${zone.zone}${cls}${zone.view !== undefined ? ` (view ${zone.view})` : ''}`;
}

function firstLine(text: string): string {
  const line = text.split('\n', 1)[0] ?? '';
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

function safeJson(value: unknown): string {
  try {
    const text = JSON.stringify(value) ?? String(value);
    return text.length > 100 ? `${text.slice(0, 100)}…` : text;
  } catch {
    return String(value);
  }
}
