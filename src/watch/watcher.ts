/**
 * ZoneWatcher: whether named's zones are durable — the file on disk holds the serial named
 * serves — observed on demand (each {@link ZoneWatcher.refresh}, normally each Prometheus
 * scrape; no timer of its own). Sources, cheapest first: the statistics channel's
 * `/json/v1/zones` for served serials when configured, else `zonestatus` over the client's
 * pooled connection; zone-file serials read only when the file changed; named's log followed
 * incrementally for failed dumps and journal writes; `tmp-*` leftovers; the journal's size and
 * age. Nothing here throws for an outside reason: every problem becomes a reason in the report.
 */

import { dirname, isAbsolute, posix, resolve } from 'node:path';
import { mapLimited } from '../concurrency.js';
import type { RndcClient } from '../control/client.js';
import { RndcError } from '../control/errors.js';
import { asyncDispose } from '../dispose.js';
import type { DumpFailureStep, NamedLogEvent } from '../dump/log.js';
import { type NamedConfig, readNamedConfig, type ZoneLookup } from '../dump/named-config.js';
import { FileSerialCache, journalState, scanTmpFiles, tmpFileZone } from './disk.js';
import { LogFollower } from './log-follower.js';
import {
  DEFAULT_MAX_SECONDARY_LAG_SECONDS,
  SecondaryChecker,
  type SecondaryReport,
  type SecondaryWatchOptions,
} from './secondaries.js';
import { fetchStatsZones, type StatsZone } from './stats-channel.js';

/** The dump steps counted, as the log names them. */
export const DUMP_STEPS: readonly DumpFailureStep[] = [
  'start',
  'open',
  'write',
  'flush',
  'fsync',
  'fclose',
  'rename',
];

/** The view label of zones outside any view, as named's statistics channel names it. */
export const DEFAULT_VIEW = '_default';

/**
 * Default readiness threshold: named dumps a dynamic zone up to 15 min (900 s) after an
 * update, so a file behind by less than that plus a margin is normal.
 */
export const DEFAULT_MAX_LAG_SECONDS = 1200;

/** Options of {@link ZoneWatcher} (the secondary checks' among them: {@link SecondaryWatchOptions}). */
export interface ZoneWatcherOptions extends SecondaryWatchOptions {
  /** The control channel (the watcher does not close it unless `closeClient`). */
  readonly rndc: RndcClient;
  /** Close `rndc` with the watcher. Default false. */
  readonly closeClient?: boolean | undefined;
  /** Zones to watch. Default: every zone of named.conf and of the statistics channel. */
  readonly zones?: readonly ZoneLookup[] | undefined;
  /** named.conf. Default: the file `rndc status` names (not under a chroot). */
  readonly namedConf?: string | undefined;
  /** named's `directory`, for relative zone files. Default: named.conf's. */
  readonly directory?: string | undefined;
  /** named's log. Default: named.conf's channel for category general; `false`: none. */
  readonly log?: string | false | undefined;
  /** Base URL of named's statistics channel (`http://127.0.0.1:8053`). Default: none. */
  readonly statisticsUrl?: string | undefined;
  /** Readiness: a zone behind by more than this many seconds is not ready. Default 1200. */
  readonly maxLagSeconds?: number | undefined;
  /** Bound of one refresh, in milliseconds. Default 10 000. */
  readonly timeoutMs?: number | undefined;
  /** With a statistics channel: how often each zone's `zonestatus` (frozen flag, files) is refreshed. Default 60 000 ms. */
  readonly zoneStatusRefreshMs?: number | undefined;
  /** How much of the log's end to read at the first refresh (recent failures). Default 4 MiB. */
  readonly logHistoryBytes?: number | undefined;
  /** How often the zone list and named.conf are read again. Default 60 000 ms. */
  readonly rediscoverMs?: number | undefined;
}

/** One failure seen in the log. */
export interface LoggedFailure {
  /** Seconds since the epoch (the line's time stamp, else when it was read). */
  readonly time: number;
  /** The dump step that failed (`rename`, `open`…). */
  readonly step: string;
  /** BIND's result text (`permission denied`, `unexpected error`…). */
  readonly result: string;
}

/** What the watcher knows of one zone. */
export interface ZoneReport {
  /** Zone name without the final dot. */
  readonly zone: string;
  /** Class (`IN`). */
  readonly class: string;
  /** `_default` outside views. */
  readonly view: string;
  /** The serial named serves; undefined when it serves none (removed, not loaded) or is unreachable. */
  readonly servedSerial: number | undefined;
  /** False when named answered that it has no such zone (or does not serve it). */
  readonly served: boolean;
  /** Frozen by `rndc freeze`; undefined until `zonestatus` said. */
  readonly frozen: boolean | undefined;
  /** The zone file, absolute. */
  readonly zoneFile: string | undefined;
  /** SOA serial in the zone file (journal not applied). */
  readonly fileSerial: number | undefined;
  /** Seconds since the epoch. */
  readonly fileMtime: number | undefined;
  /** The zone's journal, absolute. */
  readonly journalFile: string | undefined;
  /** Journal size in bytes (0 when absent). */
  readonly journalBytes: number;
  /** Journal mtime, seconds since the epoch. */
  readonly journalMtime: number | undefined;
  /** named's `tmp-*` leftovers of this zone in its directory. */
  readonly tmpFiles: number;
  /** mtime of the oldest, seconds since the epoch. */
  readonly tmpOldestMtime: number | undefined;
  /** True when the file's serial is the served one; undefined when either is unknown. */
  readonly durable: boolean | undefined;
  /**
   * Seconds the file has been behind (0 when durable): since the journal was written after the
   * file, or else since the watcher saw the served serial change (or started).
   */
  readonly lagSeconds: number;
  /** When the served serial last changed (seconds since the epoch; the watcher's start at first). */
  readonly servedChangedAt: number;
  /** File mtime when last seen durable (a successful dump or load), seconds since the epoch. */
  readonly lastDurableAt: number | undefined;
  /** Failed dumps logged since the watcher started (with the history read), by step. */
  readonly dumpFailures: Readonly<Record<string, number>>;
  /** The latest failed dump logged. */
  readonly lastDumpFailure: LoggedFailure | undefined;
  /** Failed journal operations logged. */
  readonly journalFailures: number;
  /** Its secondaries (listed or discovered), when any are configured; else empty. */
  readonly secondaries: readonly SecondaryReport[];
  /** True when this zone is ready (see {@link readiness}). */
  readonly ready: boolean;
  /** Why not ready, or what could not be read. */
  readonly reasons: readonly string[];
}

/** What one refresh found. */
export interface WatchReport {
  /** Seconds since the epoch. */
  readonly time: number;
  /** Every watched zone. */
  readonly zones: readonly ZoneReport[];
  /** named answered (rndc or the statistics channel) in this refresh. */
  readonly namedUp: boolean;
  /** named's version as `rndc status` reports it. */
  readonly namedVersion: string | undefined;
  /** Why named did not answer, when it did not. */
  readonly namedProblem: string | undefined;
  /** named's log followed, when one is known. */
  readonly logFile: string | undefined;
  /** Why the log could not be read, when it could not. */
  readonly logProblem: string | undefined;
  /** Why the statistics channel failed, when configured and failing. */
  readonly statisticsProblem: string | undefined;
  /** Why the secondary options are not usable (nothing is checked then). */
  readonly secondaryProblem: string | undefined;
  /** Seconds the refresh took. */
  readonly durationSeconds: number;
  /** Counters since the watcher started. */
  readonly rndcErrors: number;
  /** Lines of named's log read. */
  readonly logLinesRead: number;
  /** Bytes of a log backlog skipped (more than one read looks at). */
  readonly logBytesSkipped: number;
  /** Dump failures the log did not tie to a watched zone, by step. */
  readonly unattributedDumpFailures: Readonly<Record<string, number>>;
}

/** A zone's tmp files. */
interface ZoneTmp {
  readonly count: number;
  readonly oldestMtime: number | undefined;
}

interface ZoneState {
  readonly lookup: { zone: string; class: string; view: string | undefined };
  zoneFile: string | undefined;
  journalFile: string | undefined;
  servedSerial: number | undefined;
  served: boolean;
  frozen: boolean | undefined;
  statusAt: number;
  servedChangedAt: number;
  lagSince: number | undefined;
  lastDurableAt: number | undefined;
  /** Shared and frozen: replaced (never changed) when a failure is counted. */
  dumpFailures: Readonly<Record<string, number>>;
  lastDumpFailure: LoggedFailure | undefined;
  journalFailures: number;
}

/** With a statistics channel: most `zonestatus` commands per refresh. */
export const MAX_STATUS_PER_REFRESH = 25;

/** Most zones watched. */
export const MAX_WATCHED_ZONES = 100_000;

/** See the module comment. Create one, call {@link ZoneWatcher.refresh} per scrape, close it. */
export class ZoneWatcher {
  readonly #options: ZoneWatcherOptions;
  readonly #rndc: RndcClient;
  readonly #started = Date.now() / 1000;
  readonly #zones = new Map<string, ZoneState>();
  readonly #files = new FileSerialCache();
  /** named.conf was read at least once (it is not kept: ~3.4 KB per zone; read again at each rediscovery). */
  #configRead = false;
  #configProblem: string | undefined;
  #directory: string | undefined;
  #log: LogFollower | undefined;
  #logPath: string | undefined;
  #discoveredAt = 0;
  #version: string | undefined;
  #rndcErrors = 0;
  #logLines = 0;
  #logSkipped = 0;
  readonly #unattributed: Record<string, number> = Object.fromEntries(
    DUMP_STEPS.map((s) => [s, 0]),
  );
  #running: Promise<WatchReport> | undefined;
  #closed = false;
  readonly #secondaries: SecondaryChecker | undefined;
  readonly #secondaryProblem: string | undefined;

  constructor(options: ZoneWatcherOptions) {
    this.#options = options;
    this.#rndc = options.rndc;
    this.#directory = options.directory;
    if (typeof options.log === 'string') this.#setLog(options.log);
    const checker = SecondaryChecker.create(options, this.#started, options.rediscoverMs ?? 60_000);
    if (checker.isOk()) this.#secondaries = checker.value.enabled ? checker.value : undefined;
    else this.#secondaryProblem = checker.error.message;
  }

  /** The last report, if a refresh has run. */
  last: WatchReport | undefined;

  /**
   * Looks at every source once and returns the report. Concurrent calls share one refresh.
   * Never rejects.
   */
  refresh(): Promise<WatchReport> {
    if (this.#running) return this.#running;
    this.#running = this.#refresh().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  /** Stops: closes the client when asked to. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#running?.catch(() => undefined);
    if (this.#options.closeClient) await this.#rndc.close();
  }

  /** Same as {@link ZoneWatcher.close} (`await using`). */
  async [asyncDispose](): Promise<void> {
    await this.close();
  }

  async #refresh(): Promise<WatchReport> {
    const startedMs = Date.now();
    const timeoutMs = this.#options.timeoutMs ?? 10_000;
    const deadline = startedMs + timeoutMs;
    const now = startedMs / 1000;
    let namedUp = false;
    let namedProblem: string | undefined;

    // named itself: version, named.conf.
    const status = await this.#rndc.status({ timeoutMs: Math.max(1, deadline - Date.now()) });
    if (status.isOk()) {
      namedUp = true;
      this.#version = status.value.version;
    } else {
      this.#rndcErrors++;
      namedProblem = `rndc status: ${status.error.message}`;
    }
    if (
      now * 1000 - this.#discoveredAt >= (this.#options.rediscoverMs ?? 60_000) ||
      !this.#configRead
    ) {
      await this.#discover(status.isOk() ? status.value : undefined, deadline);
    }

    // Served serials: the statistics channel when configured.
    let statisticsProblem: string | undefined;
    let stats: StatsZone[] | undefined;
    if (this.#options.statisticsUrl !== undefined) {
      const fetched = await fetchStatsZones(this.#options.statisticsUrl, {
        timeoutMs: Math.max(1, deadline - Date.now()),
      });
      if ('zones' in fetched) {
        stats = fetched.zones;
        namedUp = true;
        if (!this.#options.zones) {
          // named's built-in `_bind` view (version.bind, hostname.bind…) has no zone files.
          for (const z of stats) {
            if (z.view === '_bind') continue;
            this.#add({
              zone: z.zone,
              class: z.class,
              ...(z.view === DEFAULT_VIEW ? {} : { view: z.view }),
            });
          }
        }
      } else statisticsProblem = fetched.problem;
    }
    const statsIndex = new Map<string, StatsZone>();
    for (const z of stats ?? []) statsIndex.set(key(z.zone, z.class, z.view), z);

    // Per zone: zonestatus where needed.
    const refreshMs = this.#options.zoneStatusRefreshMs ?? 60_000;
    // With served serials from the statistics channel, zonestatus only refreshes the frozen flag
    // and files: a few zones per refresh, so that no scrape pays for all of them.
    let statusBudget = stats ? MAX_STATUS_PER_REFRESH : Number.POSITIVE_INFINITY;
    for (const state of this.#zones.values()) {
      if (Date.now() >= deadline) break;
      const k = stateKey(state);
      const fromStats = stats ? statsIndex.get(k) : undefined;
      if (stats) {
        this.#servedSerial(state, fromStats?.serial, fromStats !== undefined, now);
        if (fromStats === undefined || now * 1000 - state.statusAt < refreshMs) continue;
        if (statusBudget-- <= 0) continue;
      }
      if (!namedUp && !stats) continue;
      const zs = await this.#rndc.zonestatus(state.lookup.zone, {
        class: state.lookup.class,
        ...(state.lookup.view !== undefined ? { view: state.lookup.view } : {}),
        timeoutMs: Math.max(1, deadline - Date.now()),
      });
      state.statusAt = Date.now();
      if (zs.isOk()) {
        state.frozen = zs.value.frozen ?? false;
        if (!stats) this.#servedSerial(state, zs.value.serial, true, now);
        const file = zs.value.files[0];
        if (state.zoneFile === undefined && file !== undefined) {
          state.zoneFile = this.#absolute(file);
          state.journalFile ??= state.zoneFile !== undefined ? `${state.zoneFile}.jnl` : undefined;
        }
      } else if (zs.error instanceof RndcError && isGone(zs.error)) {
        this.#servedSerial(state, undefined, false, now);
      } else {
        this.#rndcErrors++;
        if (!stats) state.servedSerial = undefined;
      }
    }

    // Secondaries: their SOA queries run while the log and the disk are read.
    const secondaryCheck = this.#secondaries?.check(
      [...this.#zones].map(([k, state]) => ({
        key: k,
        zone: state.lookup.zone,
        servedSerial: state.served ? state.servedSerial : undefined,
      })),
      now,
      deadline,
    );

    // The log: failures since the last refresh.
    let logProblem: string | undefined =
      this.#logPath === undefined ? 'no log file known' : undefined;
    if (this.#log) {
      const poll = await this.#log.poll(deadline);
      this.#logLines += poll.lines;
      this.#logSkipped += poll.skippedBytes;
      logProblem = poll.problem;
      this.#account(poll.events, now);
    }

    // Disk.
    const tmpByDir = new Map<string, Promise<Map<string, ZoneTmp> & { problem?: string }>>();
    const zonesByDir = new Map<string, number>();
    for (const state of this.#zones.values()) {
      if (state.zoneFile === undefined) continue;
      const dir = dirname(state.zoneFile);
      zonesByDir.set(dir, (zonesByDir.get(dir) ?? 0) + 1);
    }
    const maxLag = this.#options.maxLagSeconds ?? DEFAULT_MAX_LAG_SECONDS;
    const watchedFiles = new Set<string>();
    const states = [...this.#zones.values()];
    const zoneOnDisk = async (state: ZoneState): Promise<ZoneReport> => {
      const reasons: string[] = [];
      let fileSerial: number | undefined;
      let fileMtime: number | undefined;
      let tmp: ZoneTmp = { count: 0, oldestMtime: undefined };
      let journal = {
        bytes: 0,
        mtime: undefined as number | undefined,
        problem: undefined as string | undefined,
      };
      if (state.zoneFile !== undefined && Date.now() < deadline) {
        watchedFiles.add(state.zoneFile);
        const read = await this.#files.read(
          state.zoneFile,
          state.lookup.zone,
          state.lookup.class,
          this.#directory,
          deadline,
        );
        fileSerial = read.serial;
        fileMtime = read.mtime;
        if (read.problem) reasons.push(`zone file: ${read.problem}`);
        const dir = dirname(state.zoneFile);
        let scan = tmpByDir.get(dir);
        if (!scan) {
          scan = this.#tmpByZone(dir, (zonesByDir.get(dir) ?? 0) > 1);
          tmpByDir.set(dir, scan);
        }
        const inDir = await scan;
        tmp = inDir.get(inDir.has('') ? '' : state.lookup.zone.toLowerCase()) ?? tmp;
        if (inDir.problem) reasons.push(`zone directory: ${inDir.problem}`);
        if (state.journalFile !== undefined) {
          journal = await journalState(state.journalFile);
          if (journal.problem) reasons.push(`journal: ${journal.problem}`);
        }
      } else if (state.zoneFile === undefined && state.served) {
        reasons.push('zone file unknown (not in named.conf, zonestatus names none)');
      }
      if (!state.served) reasons.push('named does not serve this zone (deleted, or not loaded)');
      else if (state.servedSerial === undefined)
        reasons.push('served serial unknown (named did not answer)');
      const durable =
        state.servedSerial !== undefined && fileSerial !== undefined
          ? state.servedSerial === fileSerial
          : undefined;
      if (durable === true) {
        state.lagSince = undefined;
        if (fileMtime !== undefined)
          state.lastDurableAt = Math.max(state.lastDurableAt ?? 0, fileMtime);
      } else if (durable === false) {
        state.lagSince ??= Math.max(state.servedChangedAt, this.#started);
        // Evidence from the disk: the newest change the file lacks is in the journal, written
        // by its mtime, and the oldest one it lacks is no newer. So the lag is at least the
        // journal's age — a zone already behind when the watcher (re)starts shows it at once,
        // not from 0. Only a journal written after the file counts.
        const journalAt = journal.mtime;
        if (
          journalAt !== undefined &&
          fileMtime !== undefined &&
          journalAt > fileMtime &&
          journalAt < state.lagSince
        )
          state.lagSince = journalAt;
      }
      const lagSeconds =
        durable === false && state.lagSince !== undefined ? Math.max(0, now - state.lagSince) : 0;
      if (durable === false) {
        const failure = state.lastDumpFailure;
        if (failure && failure.time >= (state.lastDurableAt ?? 0)) {
          reasons.push(
            `file serial ${fileSerial} behind served ${state.servedSerial}: dump failed at ${failure.step} (${failure.result}) at ${new Date(failure.time * 1000).toISOString()}`,
          );
        } else if (lagSeconds > maxLag) {
          reasons.push(
            `file serial ${fileSerial} behind served ${state.servedSerial} for ${Math.round(lagSeconds)} s (more than ${maxLag} s)`,
          );
        }
      }
      const notReady = reasons.filter(
        (r) =>
          r.startsWith('file serial') ||
          r.startsWith('named does not') ||
          r.startsWith('zone file:'),
      );
      const report: ZoneReport = {
        zone: state.lookup.zone,
        class: state.lookup.class,
        view: state.lookup.view ?? DEFAULT_VIEW,
        servedSerial: state.servedSerial,
        served: state.served,
        frozen: state.frozen,
        zoneFile: state.zoneFile,
        fileSerial,
        fileMtime,
        journalFile: state.journalFile,
        journalBytes: journal.bytes,
        journalMtime: journal.mtime,
        tmpFiles: tmp.count,
        tmpOldestMtime: tmp.oldestMtime,
        durable,
        lagSeconds,
        servedChangedAt: state.servedChangedAt,
        lastDurableAt: state.lastDurableAt,
        dumpFailures: state.dumpFailures,
        lastDumpFailure: state.lastDumpFailure,
        journalFailures: state.journalFailures,
        secondaries: NO_SECONDARIES,
        ready: notReady.length === 0,
        reasons,
      };
      return report;
    };
    // A few zones at a time: each waits on stat/lstat in libuv's thread pool, and one after the
    // other 1,000 zones cost 2,000 round trips to it in series.
    const zones = await mapLimited(states, DISK_CONCURRENCY, zoneOnDisk);
    if (secondaryCheck) {
      const bySecondary = await secondaryCheck;
      const gate = this.#options.secondaryReadiness ?? false;
      const maxSecondaryLag =
        this.#options.maxSecondaryLagSeconds ?? DEFAULT_MAX_SECONDARY_LAG_SECONDS;
      for (const [i, report] of zones.entries()) {
        const secondaries = bySecondary.get(key(report.zone, report.class, report.view)) ?? [];
        if (secondaries.length === 0) continue;
        const extra: string[] = [];
        for (const s of secondaries) {
          if (!s.up) extra.push(`secondary ${s.secondary} ${s.verdict}: ${s.detail}`);
          else if ((s.lagSeconds ?? 0) > maxSecondaryLag)
            extra.push(
              `secondary ${s.secondary} behind by more than ${maxSecondaryLag} s: ${s.detail}`,
            );
        }
        zones[i] = {
          ...report,
          secondaries,
          ready: report.ready && !(gate && extra.length > 0),
          reasons: [...report.reasons, ...extra],
        };
      }
    }
    this.#files.retain(watchedFiles);
    for (const path of this.#tmpZones.keys())
      if (!this.#tmpSeen.has(path)) this.#tmpZones.delete(path);
    this.#tmpSeen.clear();
    const report: WatchReport = {
      time: now,
      zones,
      namedUp,
      namedVersion: this.#version,
      namedProblem,
      logFile: this.#logPath,
      logProblem,
      statisticsProblem,
      secondaryProblem: this.#secondaryProblem,
      durationSeconds: (Date.now() - startedMs) / 1000,
      rndcErrors: this.#rndcErrors,
      logLinesRead: this.#logLines,
      logBytesSkipped: this.#logSkipped,
      unattributedDumpFailures: { ...this.#unattributed },
    };
    this.last = report;
    return report;
  }

  readonly #tmpZones = new Map<string, { mtime: number; zone: string | undefined }>();
  readonly #tmpSeen = new Set<string>();

  /**
   * The tmp files of `dir` by zone name (lower case): all under `''` when only one watched zone
   * has its file there, else by the zone each is a dump of (peeked once per file version).
   */
  async #tmpByZone(
    dir: string,
    shared: boolean,
  ): Promise<Map<string, ZoneTmp> & { problem?: string }> {
    const scan = await scanTmpFiles(dir);
    const out: Map<string, ZoneTmp> & { problem?: string } = new Map();
    if (scan.problem !== undefined) out.problem = scan.problem;
    for (const file of scan.files) {
      let zone: string | undefined = '';
      if (shared) {
        this.#tmpSeen.add(file.path);
        const known = this.#tmpZones.get(file.path);
        if (known && known.mtime === file.mtime) zone = known.zone;
        else {
          zone = await tmpFileZone(file.path);
          this.#tmpZones.set(file.path, { mtime: file.mtime, zone });
        }
      }
      if (zone === undefined) continue;
      const entry = out.get(zone) ?? { count: 0, oldestMtime: undefined };
      out.set(zone, {
        count: entry.count + 1,
        oldestMtime: Math.min(entry.oldestMtime ?? file.mtime, file.mtime),
      });
    }
    return out;
  }

  #servedSerial(state: ZoneState, serial: number | undefined, served: boolean, now: number): void {
    state.served = served;
    if (serial !== undefined && serial !== state.servedSerial) {
      if (state.servedSerial !== undefined) state.servedChangedAt = now;
      state.servedSerial = serial;
    } else if (!served) state.servedSerial = undefined;
  }

  /** Reads named.conf (again) and the zone list. */
  async #discover(
    status: { configurationFile?: string; chrootDirectory?: string } | undefined,
    deadline: number,
  ): Promise<void> {
    this.#discoveredAt = Date.now();
    const confPath =
      this.#options.namedConf ??
      (status && status.chrootDirectory === undefined ? status.configurationFile : undefined);
    let config: NamedConfig | undefined;
    if (confPath !== undefined) {
      const read = await readNamedConfig(confPath, {
        timeoutMs: Math.max(1, deadline - Date.now()),
      });
      if (read.isOk()) {
        config = read.value;
        this.#configRead = true;
        this.#configProblem = undefined;
        this.#directory ??= read.value.directory;
      } else this.#configProblem = read.error.message;
    } else this.#configProblem ??= 'named.conf is not known';
    if (this.#options.log === undefined && this.#logPath === undefined && config) {
      const logging = config.logging();
      const chosen = logging.isOk() ? logging.value.dumpLog : undefined;
      if (chosen) this.#setLog(chosen.path);
    }
    const lookups = this.#options.zones ?? config?.zones(MAX_WATCHED_ZONES) ?? [];
    for (const lookup of lookups) this.#add(lookup, config);
  }

  /** Watches `lookup` (files from `config` when given); a no-op for a zone already known with its file. */
  #add(lookup: ZoneLookup, config?: NamedConfig): void {
    if (this.#zones.size >= MAX_WATCHED_ZONES) return;
    const zone = lookup.zone.replace(/\.$/, '') || '.';
    const zoneClass = (lookup.class ?? 'IN').toUpperCase();
    const k = key(zone, zoneClass, lookup.view ?? DEFAULT_VIEW);
    const existing = this.#zones.get(k);
    if (existing?.zoneFile !== undefined) return;
    const state: ZoneState = existing ?? {
      lookup: {
        zone,
        class: zoneClass,
        view: lookup.view === DEFAULT_VIEW ? undefined : lookup.view,
      },
      zoneFile: undefined,
      journalFile: undefined,
      servedSerial: undefined,
      served: true,
      frozen: undefined,
      statusAt: 0,
      servedChangedAt: this.#started,
      lagSince: undefined,
      lastDurableAt: undefined,
      dumpFailures: NO_FAILURES,
      lastDumpFailure: undefined,
      journalFailures: 0,
    };
    const configured = config?.zone({
      zone,
      class: zoneClass,
      ...(lookup.view !== undefined && lookup.view !== DEFAULT_VIEW ? { view: lookup.view } : {}),
    });
    if (configured?.isOk() && configured.value.file !== undefined) {
      state.zoneFile = configured.value.file;
      state.journalFile = configured.value.journal;
    }
    this.#zones.set(k, state);
  }

  #setLog(path: string): void {
    this.#logPath = path;
    this.#log = new LogFollower(path, {
      ...(this.#options.logHistoryBytes !== undefined
        ? { historyBytes: this.#options.logHistoryBytes }
        : {}),
    });
  }

  #absolute(file: string): string | undefined {
    if (isAbsolute(file)) return posix.normalize(file);
    return this.#directory !== undefined ? resolve(this.#directory, file) : undefined;
  }

  /** Counts the log's failures against the zones they concern. */
  #account(events: readonly NamedLogEvent[], now: number): void {
    if (events.length === 0) return;
    const byFile = new Map<string, ZoneState>();
    const byDir = new Map<string, ZoneState[]>();
    const byJournal = new Map<string, ZoneState>();
    for (const state of this.#zones.values()) {
      if (state.zoneFile !== undefined) {
        byFile.set(state.zoneFile, state);
        const dir = dirname(state.zoneFile);
        const list = byDir.get(dir);
        if (list) list.push(state);
        else byDir.set(dir, [state]);
      }
      if (state.journalFile !== undefined) byJournal.set(state.journalFile, state);
    }
    for (const event of events) {
      const time = event.time ? event.time.getTime() / 1000 : now;
      if (event.kind === 'dump-failed') {
        let target: ZoneState | undefined;
        if (event.zone !== undefined) {
          target = this.#zones.get(
            key(event.zone, (event.zoneClass ?? 'IN').toUpperCase(), event.view ?? DEFAULT_VIEW),
          );
        } else if (event.file !== undefined) {
          const path = this.#absolute(event.file);
          if (path !== undefined) {
            if (event.step === 'rename') target = byFile.get(path);
            else {
              const candidates = byDir.get(dirname(path)) ?? [];
              if (candidates.length === 1) target = candidates[0];
            }
          }
        }
        if (!target) {
          this.#unattributed[event.step] = (this.#unattributed[event.step] ?? 0) + 1;
          continue;
        }
        target.dumpFailures = Object.freeze({
          ...target.dumpFailures,
          [event.step]: (target.dumpFailures[event.step] ?? 0) + 1,
        });
        if (!target.lastDumpFailure || time >= target.lastDumpFailure.time) {
          target.lastDumpFailure = { time, step: event.step, result: event.result };
        }
      } else if (event.kind === 'journal-failed') {
        const path = this.#absolute(event.file);
        const target = path !== undefined ? byJournal.get(path) : undefined;
        if (target) target.journalFailures++;
      }
    }
  }
}

const NO_SECONDARIES: readonly SecondaryReport[] = Object.freeze([]);
const NO_FAILURES: Readonly<Record<string, number>> = Object.freeze(
  Object.fromEntries(DUMP_STEPS.map((s) => [s, 0])),
);
/** Zones whose files are looked at concurrently. */
const DISK_CONCURRENCY = 16;

function key(zone: string, zoneClass: string, view: string): string {
  return `${zone.toLowerCase()}/${zoneClass}/${view}`;
}

function stateKey(state: ZoneState): string {
  return key(state.lookup.zone, state.lookup.class, state.lookup.view ?? DEFAULT_VIEW);
}

/** named answered that the zone is not there (deleted with delzone, not loaded). */
function isGone(error: RndcError): boolean {
  return error.kind === 'not-found' || error.kind === 'not-loaded';
}
