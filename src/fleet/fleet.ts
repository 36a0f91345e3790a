/**
 * `RndcFleet`: one control-channel command fanned out to many named servers (a primary and its
 * secondaries, a pool of resolvers), each with its own address, port and key, under a concurrency
 * cap and a per-server deadline. Every call settles with one result per server and a summary —
 * never throws, never waits on a silent server beyond its deadline.
 *
 * Verified dumps work on secondaries too: after each transfer named writes a secondary's zone
 * file with the same dump machinery as a primary's (tmp file, rename; raw format by default), so
 * `sync(zone, { verify })` proves, per server, that the file on disk holds the served serial.
 * `freeze`/`thaw` only apply to primary zones: named answers `not primary` (9.18+) or
 * `not master` (9.16) for a secondary, reported as that (`not-primary`), not as a dump failure.
 */

import { inspect } from 'node:util';
import { mapLimited } from '../concurrency.js';
import {
  type CallOptions,
  type DumpedResponse,
  RndcClient,
  type RndcClientOptions,
  type VerifyDumpOptions,
  type ZoneOptions,
} from '../control/client.js';
import { RndcError, type RndcResponse } from '../control/errors.js';
import type { ServerStatus, ZoneStatus } from '../control/parse.js';
import { settleBy } from '../deadline.js';
import { asyncDispose } from '../dispose.js';
import type { DumpError } from '../dump/errors.js';
import type { ConfigError } from '../errors.js';
import type { ResolveRndcTargetOptions } from '../keys/resolve.js';
import { logger } from '../log.js';
import { Err, Ok, type Result } from '../result.js';

const log = logger('rndc:fleet');

/** Default number of servers worked on at the same time. */
export const DEFAULT_FLEET_CONCURRENCY = 8;
/** Default per-server deadline: 30 s. */
export const DEFAULT_FLEET_TIMEOUT_MS = 30_000;

/** One server of a fleet: how to reach its control channel, and (for verification) its files. */
export interface FleetServer extends Omit<RndcClientOptions, 'maxConnections' | 'timeoutMs'> {
  /** How the server is called in results and summaries. Default: `host#port`. */
  readonly name?: string | undefined;
  /**
   * Per-server dump verification settings (zone file, named.conf, log…) merged under the call's
   * `verify` settings; the client's `named` option gives log, directory, pid and binary.
   */
  readonly verify?: VerifyDumpOptions | undefined;
}

/** A server given as an existing client (from `RndcClient.fromConfig`, say). */
export interface FleetClient {
  /** How the server is called in results. Default: the client's `host#port`. */
  readonly name?: string;
  /** The client; the fleet closes it in `close()`. */
  readonly client: RndcClient;
  /** Per-server dump verification settings, as {@link FleetServer.verify}. */
  readonly verify?: VerifyDumpOptions;
}

/** Options of {@link RndcFleet.connect}. */
export interface RndcFleetOptions {
  /** The servers, in the order results are reported. Names must be unique. */
  readonly servers: readonly (FleetServer | FleetClient)[];
  /** Servers worked on at the same time (each holds one connection). Default 8. */
  readonly concurrency?: number | undefined;
  /**
   * Deadline of each server's whole call — command, and dump verification when asked — from
   * when its turn starts. Default 30 s.
   */
  readonly timeoutMs?: number | undefined;
  /** Aborts every call of the fleet (servers not yet started report `aborted`). */
  readonly signal?: AbortSignal | undefined;
}

/** Options of one fleet call. */
export interface FleetCallOptions {
  /** Per-server deadline of this call; overrides the fleet's `timeoutMs`. */
  readonly timeoutMs?: number | undefined;
  /** Aborts this call. */
  readonly signal?: AbortSignal | undefined;
}

/** Options of zone commands: `class`, `view`, plus {@link FleetCallOptions}. */
export type FleetZoneOptions = Omit<ZoneOptions, 'timeoutMs' | 'signal'> & FleetCallOptions;

/** Options of fleet `sync`/`freeze`. */
export interface FleetDumpOptions extends FleetZoneOptions {
  /**
   * Prove on each server that named wrote the zone file (`true`, or settings applied to every
   * server on top of its own `verify`). The verification budget is the per-server deadline.
   */
  readonly verify?: boolean | VerifyDumpOptions | undefined;
}

/** How one server's call ended. */
export interface FleetServerResult<T, E = RndcError> {
  /** The server's name (see {@link FleetServer.name}). */
  readonly name: string;
  /** `host#port` of its control channel. */
  readonly server: string;
  /** True when the call succeeded on this server. */
  readonly ok: boolean;
  /** The value, or the error (a per-server `timeout`/`aborted` is an {@link RndcError}). */
  readonly result: Result<T, E | RndcError>;
  /** How long this server's call took, in milliseconds (from its turn, not from the fan-out). */
  readonly ms: number;
}

/** A failed server, in a summary. */
export interface FleetFailure {
  /** The server's name. */
  readonly name: string;
  /** `host#port` of its control channel. */
  readonly server: string;
  /** The error's kind (`timeout`, `rejected`, `not-primary`, `dump-failed`…). */
  readonly kind: string;
  /** The error's message. */
  readonly message: string;
}

/** Every server's result and what they add up to. */
export interface FleetResult<T, E = RndcError> {
  /** True when every server succeeded. */
  readonly ok: boolean;
  /** One per server, in the fleet's order. */
  readonly results: readonly FleetServerResult<T, E>[];
  /** Names of the servers that succeeded. */
  readonly succeeded: readonly string[];
  /** The servers that failed, and why. */
  readonly failed: readonly FleetFailure[];
  /** One line for a person: `3 of 3 servers ok` or `1 of 3 servers ok; failed: b (timeout: …)`. */
  readonly summary: string;
}

interface Member {
  readonly name: string;
  readonly client: RndcClient;
  readonly verify: VerifyDumpOptions | undefined;
}

/** A fleet whose configuration is wrong (duplicate names, a bad cap): returned, not thrown. */
function invalidFleet(message: string): RndcError {
  return new RndcError({ kind: 'invalid-argument', message });
}

/**
 * Fans control-channel commands out to many named servers. Create with
 * {@link RndcFleet.connect} (or {@link RndcFleet.fromConfig}); every method resolves with a
 * {@link FleetResult} and never throws; `close()` (or `await using`) closes every connection.
 *
 * @example
 * ```ts
 * await using fleet = RndcFleet.connect({ servers: [
 *   { name: 'primary', host: '10.0.0.1', key },
 *   { name: 'ns2', host: '10.0.0.2', key: key2 },
 * ], timeoutMs: 10_000 })
 * const synced = await fleet.sync('example.com', { verify: true })
 * if (!synced.ok) console.error(synced.summary)
 * ```
 */
export class RndcFleet {
  readonly #members: readonly Member[];
  readonly #concurrency: number;
  readonly #timeoutMs: number;
  readonly #signal: AbortSignal | undefined;
  readonly #invalid: RndcError | undefined;
  #closed = false;

  private constructor(options: RndcFleetOptions) {
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_FLEET_TIMEOUT_MS;
    this.#concurrency = options.concurrency ?? DEFAULT_FLEET_CONCURRENCY;
    this.#signal = options.signal;
    const members: Member[] = [];
    for (const spec of options.servers) {
      const client =
        'client' in spec
          ? spec.client
          : RndcClient.connect({
              ...spec,
              // One command per server at a time: one connection is all a fleet call needs.
              maxConnections: 1,
              timeoutMs: this.#timeoutMs,
            });
      members.push({ name: spec.name ?? client.server, client, verify: spec.verify });
    }
    this.#members = members;
    const seen = new Set<string>();
    const duplicate = members.find((m) => {
      if (seen.has(m.name)) return true;
      seen.add(m.name);
      return false;
    });
    if (!Number.isInteger(this.#concurrency) || this.#concurrency < 1) {
      this.#invalid = invalidFleet(
        `concurrency must be a positive integer, not ${this.#concurrency}`,
      );
    } else if (!Number.isFinite(this.#timeoutMs) || this.#timeoutMs <= 0) {
      this.#invalid = invalidFleet(`timeoutMs must be a positive number, not ${this.#timeoutMs}`);
    } else if (duplicate) {
      this.#invalid = invalidFleet(`two servers are called "${duplicate.name}": names must differ`);
    }
  }

  /** A fleet of the given servers. Connections open lazily, one per server, on the first call. */
  static connect(options: RndcFleetOptions): RndcFleet {
    return new RndcFleet(options);
  }

  /**
   * A fleet configured the way rndc configures itself, once per server: each entry of
   * `servers` is a `server` of rndc.conf (with its own key, port and addresses) or a host name,
   * resolved with the shared `configFile`/`keyFile`/`keyName`/`port` choices.
   */
  static async fromConfig(
    options: Omit<ResolveRndcTargetOptions, 'server'> & {
      readonly servers: readonly string[];
    } & Omit<RndcFleetOptions, 'servers'>,
  ): Promise<Result<RndcFleet, ConfigError>> {
    const { servers, concurrency, timeoutMs, signal, ...choices } = options;
    const clients: FleetClient[] = [];
    for (const server of servers) {
      const client = await RndcClient.fromConfig({
        ...choices,
        server,
        client: { maxConnections: 1, timeoutMs: timeoutMs ?? DEFAULT_FLEET_TIMEOUT_MS },
      });
      if (client.isErr()) {
        await Promise.all(clients.map((c) => c.client.close()));
        return Err(client.error);
      }
      clients.push({ name: server, client: client.value });
    }
    return Ok(
      new RndcFleet({
        servers: clients,
        ...(concurrency !== undefined ? { concurrency } : {}),
        ...(timeoutMs !== undefined ? { timeoutMs } : {}),
        ...(signal !== undefined ? { signal } : {}),
      }),
    );
  }

  /** The servers' names, in order. */
  get names(): readonly string[] {
    return this.#members.map((m) => m.name);
  }

  /** `run(command)` on every server (a string as written, or a word and quoted arguments). */
  run(
    command: string | readonly string[],
    options: FleetCallOptions = {},
  ): Promise<FleetResult<RndcResponse>> {
    return this.#fanOut(options, (m, call) => m.client.run(command, call));
  }

  /** `status` on every server, parsed. */
  status(options: FleetCallOptions = {}): Promise<FleetResult<ServerStatus>> {
    return this.#fanOut(options, (m, call) => m.client.status(call));
  }

  /** `zonestatus zone` on every server, parsed (served serial, files, type…). */
  zonestatus(zone: string, options: FleetZoneOptions = {}): Promise<FleetResult<ZoneStatus>> {
    return this.#fanOut(options, (m, call) =>
      m.client.zonestatus(zone, { ...zoneRef(options), ...call }),
    );
  }

  /**
   * `sync zone` on every server; with `verify`, each server's file is proven to hold the serial
   * that server serves (primaries and secondaries alike), or the error carries the evidence and
   * the storage diagnosis.
   */
  sync(
    zone: string,
    options: FleetDumpOptions = {},
  ): Promise<FleetResult<DumpedResponse, RndcError | DumpError>> {
    return this.#fanOut(options, (m, call) =>
      m.client.sync(zone, { ...zoneRef(options), ...call, ...this.#verify(m, options, call) }),
    );
  }

  /**
   * `freeze zone` on every server (verified as `sync`). A secondary refuses it (`not-primary`):
   * freeze applies to primary zones only.
   */
  freeze(
    zone: string,
    options: FleetDumpOptions = {},
  ): Promise<FleetResult<DumpedResponse, RndcError | DumpError>> {
    return this.#fanOut(options, (m, call) =>
      m.client.freeze(zone, { ...zoneRef(options), ...call, ...this.#verify(m, options, call) }),
    );
  }

  /** `thaw zone` on every server (with `wait`: until zonestatus says it is no longer frozen). */
  thaw(
    zone: string,
    options: FleetZoneOptions & { readonly wait?: boolean | undefined } = {},
  ): Promise<FleetResult<RndcResponse>> {
    return this.#fanOut(options, (m, call) =>
      m.client.thaw(zone, {
        ...zoneRef(options),
        ...call,
        ...(options.wait ? { wait: true } : {}),
      }),
    );
  }

  /** Closes every server's connections (also the clients given in). Later calls fail per server. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.#members.map((m) => m.client.close()));
  }

  /** `await using fleet = RndcFleet.connect(…)`: {@link RndcFleet.close} at the end of the scope. */
  async [asyncDispose](): Promise<void> {
    await this.close();
  }

  /** `RndcFleet { servers: [ 'a', 'b' ], concurrency: 8, timeoutMs: 30000, closed: false }`. */
  [inspect.custom](): string {
    return `RndcFleet { servers: ${inspect(this.names)}, concurrency: ${this.#concurrency}, timeoutMs: ${this.#timeoutMs}, closed: ${this.#closed} }`;
  }

  /** The verify settings of one server: its own under the call's, within its deadline. */
  #verify(
    member: Member,
    options: FleetDumpOptions,
    call: CallOptions,
  ): { verify?: VerifyDumpOptions } {
    if (options.verify === undefined || options.verify === false) return {};
    const asked = typeof options.verify === 'object' ? options.verify : {};
    const merged: VerifyDumpOptions = { ...member.verify, ...asked };
    // The whole call must settle by the server's deadline: leave the command a second of it.
    const budget = Math.max(1, (call.timeoutMs ?? this.#timeoutMs) - 1000);
    return { verify: { ...merged, timeoutMs: Math.min(merged.timeoutMs ?? budget, budget) } };
  }

  /**
   * Runs `work` on every server, at most `concurrency` at a time, each settling by its deadline
   * (the late result is dropped and its work aborted), and adds the results up.
   */
  async #fanOut<T, E>(
    options: FleetCallOptions,
    work: (member: Member, call: CallOptions) => Promise<Result<T, E>>,
  ): Promise<FleetResult<T, E>> {
    const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
    const signals = [this.#signal, options.signal].filter((s) => s !== undefined);
    const fleetSignal = signals.length > 0 ? AbortSignal.any(signals) : undefined;
    const invalid = this.#invalid;
    const results = invalid
      ? this.#members.map((member) => result<T, E>(member, Err(invalid), 0))
      : await mapLimited(this.#members, this.#concurrency, (member) =>
          this.#one(member, timeoutMs, fleetSignal, work),
        );
    return summarise(results);
  }

  async #one<T, E>(
    member: Member,
    timeoutMs: number,
    fleetSignal: AbortSignal | undefined,
    work: (member: Member, call: CallOptions) => Promise<Result<T, E>>,
  ): Promise<FleetServerResult<T, E>> {
    const started = Date.now();
    const server = member.client.server;
    if (fleetSignal?.aborted) {
      // Aborted before this server's turn: nothing was sent to it.
      const notSent = new RndcError({
        kind: 'aborted',
        message: `${server}: the fleet call was aborted before this server's turn; nothing was sent`,
        server,
        mayHaveRun: false,
      });
      return result<T, E>(member, Err(notSent), 0);
    }
    // Stops this server's work when its deadline passes or the fleet call is aborted.
    const stop = new AbortController();
    const signal = fleetSignal ? AbortSignal.any([fleetSignal, stop.signal]) : stop.signal;
    const deadline = started + timeoutMs;
    let outcome: Result<T, E | RndcError>;
    try {
      outcome = await settleBy<Result<T, E | RndcError>>(
        work(member, { timeoutMs, signal }),
        deadline,
        (why) => Err(expired(server, why, timeoutMs)),
        fleetSignal,
      );
    } catch (error) {
      // A bug below: this server's failure, not the fleet's.
      outcome = Err(
        new RndcError({
          kind: 'command-failed',
          message: `${server}: internal error: ${error instanceof Error ? error.message : String(error)}`,
          server,
          cause: error,
        }),
      );
    } finally {
      stop.abort();
    }
    const ms = Date.now() - started;
    log('%s: %s in %d ms', member.name, outcome.isOk() ? 'ok' : 'failed', ms);
    return result(member, outcome, ms);
  }
}

function zoneRef(options: FleetZoneOptions): { class?: string; view?: string } {
  return {
    ...(options.class !== undefined ? { class: options.class } : {}),
    ...(options.view !== undefined ? { view: options.view } : {}),
  };
}

function expired(server: string, why: 'timeout' | 'aborted', timeoutMs: number): RndcError {
  return why === 'timeout'
    ? new RndcError({
        kind: 'timeout',
        message: `${server}: no answer within the per-server deadline of ${timeoutMs} ms`,
        causes: [
          'named is stopped or overloaded (SIGSTOP, a long reload, a busy disk)',
          'a firewall drops the packets to the control port',
          'dump verification needed longer than the deadline',
        ],
        remedy: 'check that named runs and answers `rndc status`; allow a longer timeoutMs',
        server,
        mayHaveRun: true,
      })
    : new RndcError({
        kind: 'aborted',
        message: `${server}: the fleet call was aborted`,
        server,
        mayHaveRun: true,
      });
}

function result<T, E>(
  member: Member,
  outcome: Result<T, E | RndcError>,
  ms: number,
): FleetServerResult<T, E> {
  return {
    name: member.name,
    server: member.client.server,
    ok: outcome.isOk(),
    result: outcome,
    ms,
  };
}

function summarise<T, E>(results: readonly FleetServerResult<T, E>[]): FleetResult<T, E> {
  const succeeded = results.filter((r) => r.ok).map((r) => r.name);
  const failed: FleetFailure[] = [];
  for (const r of results) {
    if (r.result.isOk()) continue;
    const error = r.result.error as { kind?: unknown; message?: unknown };
    failed.push({
      name: r.name,
      server: r.server,
      kind: typeof error.kind === 'string' ? error.kind : 'error',
      message: typeof error.message === 'string' ? error.message : String(r.result.error),
    });
  }
  const head = `${succeeded.length} of ${results.length} servers ok`;
  const summary =
    failed.length === 0
      ? head
      : `${head}; failed: ${failed.map((f) => `${f.name} (${f.kind})`).join(', ')}`;
  return { ok: failed.length === 0, results, succeeded, failed, summary };
}
