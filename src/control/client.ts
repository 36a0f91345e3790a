/**
 * `RndcClient`: the public face of the control channel. It validates the key, keeps a small pool of
 * verified connections, quotes arguments for named's lexer, turns named's failures into typed
 * errors, and offers one method per command of BIND 9.16–9.20. It learns the server's version
 * from `status` (once per connection, only when a command needs it) and refuses, before sending,
 * a command the server's version does not have (`not-in-this-version`).
 */

import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { inspect } from 'node:util';
import { asyncDispose, dispose } from '../dispose.js';
import type {
  AllZonesDump,
  AllZonesError,
  AllZonesOptions,
  SyncAllOptions,
} from '../dump/all-zones.js';
import { DumpError } from '../dump/errors.js';
import { refusedFlush } from '../dump/refused-flush.js';
import { type DiskEffectOperation, expectedDiskEffect } from '../dump/triggers.js';
import type { DumpEvidence, VerifyOptions } from '../dump/verify.js';
import { type ConfigError, RndcLibraryError } from '../errors.js';
import { Key, type KeySpec } from '../keys/key.js';
import { type ResolveRndcTargetOptions, resolveRndcTarget } from '../keys/resolve.js';
import { addressProblem, MAX_TIMER_MS, rangeProblem } from '../options.js';
import { Err, Ok, type Result } from '../result.js';
import { type CommandTraceContext, endpoint, traced, tracingChannels } from '../tracing.js';
import {
  allowedOnReadOnlyChannel,
  type CommandArgument,
  commandInfo,
  formatCommand,
  unavailableIn,
  versionSensitive,
  type ZoneRef,
  zoneArgs,
} from './commands.js';
import {
  classifyFailure,
  RndcError,
  type RndcErrorDetails,
  type RndcResponse,
  type ScheduledDiskEffect,
} from './errors.js';
import { DEFAULT_MAX_REPLY_BYTES } from './framing.js';
import { parseServerStatus, parseZoneStatus, type ServerStatus, type ZoneStatus } from './parse.js';
import { type PoolStats, type RndcClientEvents, SessionPool } from './pool.js';
import { nextSerial } from './serial.js';
import type { ControlAddress } from './session.js';
import { type ServerVersion, versionFromStatus } from './versions.js';

/** The default control port (named's NAMED_CONTROL_PORT). */
export const DEFAULT_CONTROL_PORT = 953;

/** How to reach named's control channel. */
export interface RndcClientOptions {
  /** Host of the control channel. Default `127.0.0.1`. */
  readonly host?: string | undefined;
  /** Port of the control channel. Default 953. */
  readonly port?: number | undefined;
  /** More addresses to try, in order, when a connection fails (rndc.conf `addresses`). */
  readonly addresses?: readonly ControlAddress[] | undefined;
  /** The key: a {@link Key} or `{ name, algorithm, secret }` with the secret in base64. */
  readonly key: Key | KeySpec;
  /** Connections used for parallel commands. Default 4 (named's listen backlog is 5). */
  readonly maxConnections?: number | undefined;
  /** Default deadline of one command, connect and handshake included. Default 60 s, as rndc. */
  readonly timeoutMs?: number | undefined;
  /** Largest reply accepted. Default 16 MiB (rndc: 1 MiB). */
  readonly maxReplyBytes?: number | undefined;
  /** Replace a connection idle this long before using it. Default 25 s (named closes at 30 s). */
  readonly idleReconnectMs?: number | undefined;
  /** Local IPv4 address to connect from, like rndc's `-b` or rndc.conf `source-address`. */
  readonly sourceAddress?: string | undefined;
  /** Local IPv6 address to connect from (rndc.conf `source-address-v6`). */
  readonly sourceAddressV6?: string | undefined;
  /**
   * Clock used for the message time stamps, in milliseconds since the epoch. Default `Date.now`.
   * named rejects messages more than 300 s off its own clock; this exists for tests of that.
   */
  readonly clock?: (() => number) | undefined;
  /**
   * Where named keeps its files, for dump verification (`sync`/`freeze` with `verify`,
   * `waitForDump`): its log file, its `directory` (default: read from named.conf), its pid (for
   * the storage diagnosis). Each can also be given per call.
   */
  readonly named?:
    | {
        /** named's log file (to see a dump's error lines). */
        readonly log?: string | undefined;
        /** named's `directory`, against which relative zone file names are resolved. */
        readonly directory?: string | undefined;
        /** named's process ID (the storage diagnosis checks access as named's user). */
        readonly pid?: number | undefined;
        /**
         * named's executable, when not `/usr/sbin/named` or `/usr/local/sbin/named` (BIND under
         * `/opt`, a distribution's own path): the storage diagnosis verifies named's identity
         * against it. The executable itself, not a wrapper script; only root may be able to change
         * it (see `DiagnoseOptions.namedBinary`).
         */
        readonly binary?: string | undefined;
      }
    | undefined;
}

/** Options of one call. */
export interface CallOptions {
  /** Deadline for this call in milliseconds; overrides the client's `timeoutMs`. */
  readonly timeoutMs?: number | undefined;
  /**
   * Aborts the call: it settles at once with an `RndcError` of kind `aborted`. Aborted before the
   * command was written (signal already aborted, waiting for a pooled connection, connecting,
   * handshake) nothing was sent (`mayHaveRun: false`); after, named may have run it
   * (`mayHaveRun: true`) and the library never re-sends it.
   */
  readonly signal?: AbortSignal | undefined;
}

/** Zone arguments of zone commands: `zone [class [view]]`. */
export type ZoneOptions = Omit<ZoneRef, 'zone'> & CallOptions;

/** Where {@link RndcClient.fromConfig} looks for settings; the rndc tool's -c/-k/-s/-p/-y. */
export interface RndcConfigOptions extends ResolveRndcTargetOptions {
  /** Extra client settings (pool size, deadlines…). */
  readonly client?: Omit<RndcClientOptions, 'host' | 'port' | 'addresses' | 'key'> | undefined;
}

/**
 * What every command method returns: named's answer, or the error.
 *
 * @inline
 */
type Reply<T, E = RndcError> = Promise<Result<T, E>>;

/** How sync and freeze prove the dump; `true` uses the client's `named` settings. */
export interface DumpCommandOptions {
  /** Wait for proof that named wrote the zone file (`true`, or settings); the evidence is in `dump`. */
  readonly verify?: boolean | VerifyDumpOptions | undefined;
}

/** Per-call settings of dump verification. */
export interface VerifyDumpOptions {
  /** named's log file (to see the dump's error lines). */
  readonly log?: string | undefined;
  /** named's `directory` (zonestatus paths are relative to it). */
  readonly directory?: string | undefined;
  /** The zone file, when zonestatus's path is not the one to check. */
  readonly zoneFile?: string | undefined;
  /** The zone's journal (default: its `journal` in named.conf, else `<zone file>.jnl`). */
  readonly journalFile?: string | undefined;
  /** named.conf, for `directory` and the zone's `journal` (default: the one `rndc status` names). */
  readonly namedConf?: string | undefined;
  /** named's pid, for the storage diagnosis. */
  readonly namedPid?: number | undefined;
  /** named's executable, for the storage diagnosis's identity check (client option `named.binary`). */
  readonly namedBinary?: string | undefined;
  /**
   * Use `namedPid` even when it fails the identity checks (a sidecar whose image has no named
   * binary): see `DiagnoseOptions.trustNamedPid`. Default false.
   */
  readonly trustNamedPid?: boolean | undefined;
  /**
   * How long verification may take, the picture before the command and the proof after it
   * together (diagnosis included); it settles by then whatever the files do. Default 10 s.
   */
  readonly timeoutMs?: number | undefined;
  /** Diagnose the storage when the dump failed. Default true. */
  readonly diagnose?: boolean | undefined;
  /** Look again as soon as the zone file or the log changes (`VerifyOptions.watch`). Default true. */
  readonly watch?: boolean | undefined;
}

/** A reply to sync or freeze, with the dump's evidence when it was verified. */
export type DumpedResponse = RndcResponse & {
  /** The proof that named wrote the zone file (or why not), when verification was asked for. */
  readonly dump?: DumpEvidence;
};

/** The refusal to delete a journal whose contents the zone file was not proven to hold. */
function cleanRefused(zone: string, evidence: DumpEvidence): DumpError {
  return new DumpError({
    kind: 'clean-refused',
    message: `refusing to delete the journal of ${zone}: the dump was not verified (${evidence.summary}). The journal still holds the changes.`,
    remedy:
      evidence.remedy ??
      'fix the dump failure first; the journal is the only persistent copy of the dynamic changes',
    causes: evidence.diagnosis?.findings.map((finding) => finding.title) ?? [],
    evidence,
    zone,
  });
}

/**
 * Why an option cannot be used, or undefined. A bad port or address would otherwise throw from
 * `net.connect` (`ERR_SOCKET_BAD_PORT`) on the first command instead of returning an error.
 */
function controlOptionProblem(options: RndcClientOptions): string | undefined {
  if (options.host !== undefined && (typeof options.host !== 'string' || options.host === ''))
    return `host must be a host name or address, not ${JSON.stringify(options.host) ?? String(options.host)}`;
  const addresses: readonly unknown[] = options.addresses ?? [];
  const badAddress = addresses.findIndex((address) => {
    const { host, port } = (address ?? {}) as Partial<ControlAddress>;
    return (
      typeof host !== 'string' || host === '' || rangeProblem([['port', port, 1, 65_535, true]])
    );
  });
  if (badAddress >= 0)
    return `addresses[${badAddress}] must be { host, port } with a port from 1 to 65535, not ${JSON.stringify(addresses[badAddress]) ?? String(addresses[badAddress])}`;
  return (
    addressProblem('sourceAddress', options.sourceAddress) ??
    addressProblem('sourceAddressV6', options.sourceAddressV6) ??
    rangeProblem([
      ['port', options.port, 1, 65_535, true],
      ['timeoutMs', options.timeoutMs, 0, MAX_TIMER_MS, false],
      ['idleReconnectMs', options.idleReconnectMs, 0, MAX_TIMER_MS, false],
      // The frame length is a 32-bit field.
      ['maxReplyBytes', options.maxReplyBytes, 1, 0xffff_ffff, true],
    ])
  );
}
/** The zone of a call made through a zone method, for its trace (never a public option). */
const TRACE_ZONE = Symbol('traceZone');

/** A client for BIND's rndc control channel. Create with {@link RndcClient.connect}. */
export class RndcClient {
  readonly #pool: SessionPool | undefined;
  readonly #events = new EventEmitter<RndcClientEvents>();
  readonly #host: string;
  readonly #port: number;
  readonly #maxConnections: number;
  readonly #invalid: RndcError | undefined;
  readonly #timeoutMs: number;
  readonly #server: string;
  /** `name (algorithm)` of the key, for inspect output: never the secret. */
  readonly #keyLabel: string;
  #closed = false;
  #warnings: readonly string[] = [];
  readonly #dump: {
    log?: string | undefined;
    directory?: string | undefined;
    namedPid?: number | undefined;
    namedBinary?: string | undefined;
  };

  private constructor(options: RndcClientOptions) {
    const host = options.host ?? '127.0.0.1';
    const port = options.port ?? DEFAULT_CONTROL_PORT;
    this.#server = `${host}#${port}`;
    this.#host = host;
    this.#port = port;
    this.#maxConnections = options.maxConnections ?? 4;
    this.#timeoutMs = options.timeoutMs ?? 60_000;
    this.#dump = {
      log: options.named?.log,
      directory: options.named?.directory,
      namedPid: options.named?.pid,
      namedBinary: options.named?.binary,
    };
    const validated = Key.of(options.key);
    this.#keyLabel = validated.isOk()
      ? `${validated.value.name} (${validated.value.algorithm})`
      : `${String((options.key as { name?: unknown } | undefined)?.name)} (invalid)`;
    const problem = controlOptionProblem(options);
    if (problem) {
      this.#invalid = new RndcError({
        kind: 'invalid-argument',
        message: `RndcClient: ${problem}`,
        remedy: 'pass the option within its range, or leave it out for the default',
        server: this.#server,
      });
      return;
    }
    if (validated.isErr()) {
      this.#invalid = toRndcError(validated.error, this.#server);
      return;
    }
    if (validated.value.truncatedBits !== undefined) {
      this.#invalid = new RndcError({
        kind: 'unsupported-algorithm',
        message: `key "${validated.value.name}": the control channel does not accept truncated MACs (${validated.value.algorithm}-${validated.value.truncatedBits})`,
        remedy: `use the full ${validated.value.algorithm} for rndc keys; truncation is a TSIG feature`,
        server: this.#server,
      });
      return;
    }
    const maxConnections = options.maxConnections ?? 4;
    if (!Number.isInteger(maxConnections) || maxConnections < 1) {
      this.#invalid = new RndcError({
        kind: 'invalid-argument',
        message: `maxConnections must be a positive integer, not ${maxConnections}`,
        server: this.#server,
      });
      return;
    }
    this.#pool = new SessionPool(
      {
        addresses: options.addresses?.length ? options.addresses : [{ host, port }],
        key: validated.value,
        maxReplyBytes: options.maxReplyBytes ?? DEFAULT_MAX_REPLY_BYTES,
        idleReconnectMs: options.idleReconnectMs ?? 25_000,
        nextSerial,
        sourceAddress: options.sourceAddress,
        sourceAddressV6: options.sourceAddressV6,
        now: options.clock ?? Date.now,
      },
      maxConnections,
      this.#events,
    );
  }

  /**
   * A client for one control channel. Connections are opened lazily, on the first command.
   * An invalid key does not throw: every call then returns that error.
   */
  static connect(options: RndcClientOptions): RndcClient {
    return new RndcClient(options);
  }

  /**
   * A client configured the way the `rndc` tool configures itself: rndc.conf (or rndc.key alone),
   * then `server`, `port` and `keyName` overrides, by rndc's precedence rules.
   */
  static async fromConfig(
    options: RndcConfigOptions = {},
  ): Promise<Result<RndcClient, ConfigError>> {
    // rndc opens a relative `include` against its current directory (the config parser opens the
    // name as given); do the same unless the caller chose a base directory.
    const target = await resolveRndcTarget({
      ...options,
      baseDir: options.baseDir ?? process.cwd(),
    });
    if (target.isErr()) return target;
    const { key, addresses, sourceAddress, sourceAddressV6, warnings } = target.value;
    const first = addresses[0];
    const client = new RndcClient({
      ...options.client,
      key,
      addresses,
      ...(first ? { host: first.host, port: first.port } : {}),
      ...(sourceAddress ? { sourceAddress } : {}),
      ...(sourceAddressV6 ? { sourceAddressV6 } : {}),
    });
    client.#warnings = warnings;
    return Ok(client);
  }

  /** Warnings from reading the configuration (rndc prints these on stderr). */
  get warnings(): readonly string[] {
    return this.#warnings;
  }

  /** `host#port` of the control channel. */
  get server(): string {
    return this.#server;
  }

  /**
   * Sends a command. A string is sent as written (named's lexer splits it; quote arguments
   * yourself); an array is a command word followed by arguments, each quoted as needed.
   * Returns named's reply when `result` is 0, else an {@link RndcError} classified by `err`
   * with the reply in `error.response`.
   */
  run(command: string | readonly string[], options: CallOptions = {}): Reply<RndcResponse> {
    const zone = (options as { [TRACE_ZONE]?: string })[TRACE_ZONE];
    return traced(
      tracingChannels.command,
      (): CommandTraceContext => ({
        ...endpoint(this.#host, this.#port),
        command: commandWord(command),
        ...(zone !== undefined ? { zone } : {}),
      }),
      () => this.#run(command, options),
      (result, context) => {
        if (result.isErr()) context.mayHaveRun = result.error.mayHaveRun;
      },
    );
  }

  async #run(command: string | readonly string[], options: CallOptions): Reply<RndcResponse> {
    const formatted =
      typeof command === 'string'
        ? Ok(command.trim())
        : this.#format(command[0] ?? '', command.slice(1));
    if (formatted.isErr()) return formatted;
    const line = formatted.value;
    const usable = this.#usablePool(line);
    if (usable.isErr()) return usable;
    const pool = usable.value;
    if (line === '' || /[\r\n\0]/.test(line)) {
      return Err(
        new RndcError({
          kind: 'invalid-argument',
          message:
            line === '' ? 'empty command' : 'a command line cannot contain newlines or NUL bytes',
          server: this.#server,
          command: line,
        }),
      );
    }
    // rndc refuses this one itself (rndc.c): named would not restart anyway.
    if (/^restart\b/i.test(line)) {
      return Err(
        new RndcError({
          kind: 'invalid-argument',
          message: "'restart' is not implemented",
          remedy: 'use `stop` and start named again',
          server: this.#server,
          command: line,
        }),
      );
    }
    const allowedReadOnly = allowedOnReadOnlyChannel(line);
    const deadline = Date.now() + (options.timeoutMs ?? this.#timeoutMs);
    const versionCheck = versionSensitive(line)
      ? (version: ServerVersion | undefined) => this.#notInVersion(line, version)
      : undefined;
    const exchanged = await pool.use(
      async (session) => {
        const reply = await session.request(line, {
          deadline,
          signal: options.signal,
          resendable: allowedReadOnly,
          ...(versionCheck ? { versionCheck } : {}),
        });
        return reply.map((value) => ({ value, version: session.serverVersion }));
      },
      { deadline, signal: options.signal, command: line },
    );
    if (exchanged.isErr()) return exchanged;
    const { value: reply, version } = exchanged.value;
    const { result, err, type } = reply;
    const response: RndcResponse = {
      command: line,
      result,
      err,
      text: reply.text ?? '',
      type,
      server: this.#server,
      ...(version ? { serverVersion: version } : {}),
    };
    if (result === 0) {
      const diskEffect = scheduledDiskEffect(line);
      return Ok(diskEffect ? { ...response, diskEffect } : response);
    }
    const classified =
      flushRefusedClassification(response) ?? classifyFailure(err, response.text, allowedReadOnly);
    return Err(
      new RndcError({
        ...classified,
        message: `${this.#server}: '${line}' failed: ${err ?? `result ${result}`}${response.text ? ` — ${firstLine(response.text)}` : ''}`,
        server: this.#server,
        command: line,
        response,
      }),
    );
  }

  /**
   * The BIND version of the server, from the `version:` line of an authenticated `status`
   * reply. It is kept per connection: a connection that already knows it answers without
   * sending anything, otherwise one `status` is sent (and any `status` call teaches the
   * connection for free). A new connection (after named closed an idle one, or restarted)
   * learns it again, so an upgraded named is noticed.
   *
   * @returns the version (`major`, `minor`, `patch`, `series` like `9.20`, the full `text`)
   */
  async serverVersion(options: CallOptions = {}): Reply<ServerVersion> {
    const usable = this.#usablePool('status');
    if (usable.isErr()) return usable;
    const deadline = Date.now() + (options.timeoutMs ?? this.#timeoutMs);
    return usable.value.use(
      async (session): Reply<ServerVersion> => {
        const known = session.serverVersion;
        if (known) return Ok(known);
        const reply = await session.request('status', {
          deadline,
          signal: options.signal,
          resendable: true,
        });
        if (reply.isErr()) return reply;
        const version = session.serverVersion ?? versionFromStatus(reply.value.text ?? '');
        if (reply.value.result === 0 && version) return Ok(version);
        return Err(
          new RndcError({
            kind: reply.value.result === 0 ? 'malformed-reply' : 'command-failed',
            message: `${this.#server}: the reply to 'status' ${reply.value.result === 0 ? 'has no "version: BIND n.n.n" line' : `failed: ${reply.value.err ?? `result ${reply.value.result}`}`}, so the server's version is unknown`,
            causes: ['the server is not BIND named, or a BIND version this library does not know'],
            server: this.#server,
            command: 'status',
          }),
        );
      },
      { deadline, signal: options.signal, command: 'status' },
    );
  }

  /** Closes all connections. Later calls return a `closed` error. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#pool?.close();
  }

  /** `await using rndc = RndcClient.connect(…)`: {@link RndcClient.close} at the end of the scope. */
  async [asyncDispose](): Promise<void> {
    await this.close();
  }

  /** `using rndc = RndcClient.connect(…)`: closes the connections at the end of the scope. */
  [dispose](): void {
    void this.close();
  }

  /**
   * The connection pool's counts: `open`, `idle`, `busy` connections and `queued` calls (as
   * pg-pool and undici's Pool report them). All zero for a client with an invalid key.
   */
  poolStats(): PoolStats {
    return (
      this.#pool?.stats() ?? { open: 0, idle: 0, busy: 0, queued: 0, max: this.#maxConnections }
    );
  }

  /**
   * Listens to the connection pool: `connect` (every new, handshaken connection), `reconnect`
   * (one that replaced an earlier connection), `idleClose` (the pool closed an unused connection
   * after `idleReconnectMs`), `error` (a connection failure; it is also the call's `Err`, and an
   * `error` nobody listens to is not thrown).
   */
  on<K extends keyof RndcClientEvents>(
    event: K,
    listener: (...args: RndcClientEvents[K]) => void,
  ): this {
    return this.#listen('on', event, listener);
  }

  /** {@link RndcClient.on} for one event only. */
  once<K extends keyof RndcClientEvents>(
    event: K,
    listener: (...args: RndcClientEvents[K]) => void,
  ): this {
    return this.#listen('once', event, listener);
  }

  /** Removes a listener added with {@link RndcClient.on} or {@link RndcClient.once}. */
  off<K extends keyof RndcClientEvents>(
    event: K,
    listener: (...args: RndcClientEvents[K]) => void,
  ): this {
    return this.#listen('off', event, listener);
  }

  /**
   * What `util.inspect` and the REPL show:
   * `RndcClient { server: '127.0.0.1#953', key: 'rndc-key (hmac-sha256)', closed: false }` —
   * the key's name and algorithm, never its secret.
   */
  [inspect.custom](): string {
    const state = this.#invalid ? `invalid: '${this.#invalid.kind}'` : `closed: ${this.#closed}`;
    return `RndcClient { server: ${inspect(this.#server)}, key: ${inspect(this.#keyLabel)}, ${state} }`;
  }

  #listen<K extends keyof RndcClientEvents>(
    how: 'on' | 'once' | 'off',
    event: K,
    listener: (...args: RndcClientEvents[K]) => void,
  ): this {
    this.#events[how](event, listener as never);
    return this;
  }

  // ---- typed commands (BIND 9.16–9.20; the catalog in commands.ts says which has which) ----

  /** `null`: a no-op round trip (also proves the key works). */
  ping(options?: CallOptions): Reply<RndcResponse> {
    return this.run('null', options);
  }

  /** `status`, parsed. */
  async status(options?: CallOptions): Reply<ServerStatus> {
    const reply = await this.run('status', options);
    return reply.map((r) => parseServerStatus(r.text));
  }

  /** `zonestatus zone [class [view]]`, parsed. */
  async zonestatus(zone: string, options?: ZoneOptions): Reply<ZoneStatus> {
    const reply = await this.#zoneCommand('zonestatus', zone, options);
    return reply.map((r) => parseZoneStatus(r.text));
  }

  /** `showzone`: the zone's configuration text (zones added with addzone, or allow-new-zones). */
  async showzone(zone: string, options?: ZoneOptions): Reply<string> {
    return (await this.#zoneCommand('showzone', zone, options)).map((r) => r.text);
  }

  /** `reload [zone [class [view]]]`: reload configuration and zones, or one zone. */
  reload(zone?: string, options?: ZoneOptions): Reply<RndcResponse> {
    return this.#zoneCommand('reload', zone, options);
  }

  /** `reconfig`: reload configuration and load new zones only. */
  reconfig(options?: CallOptions): Reply<RndcResponse> {
    return this.run('reconfig', options);
  }

  /** `refresh zone`: schedule a refresh of a secondary, mirror or stub zone. */
  refresh(zone: string, options?: ZoneOptions): Reply<RndcResponse> {
    return this.#zoneCommand('refresh', zone, options);
  }

  /**
   * `retransfer [-force] zone`: full transfer of a secondary zone; its file is rewritten
   * afterwards. `force` (BIND 9.20.1+) cancels a transfer in progress first; on older servers it
   * is a `not-in-this-version` error and nothing is sent.
   */
  retransfer(
    zone: string,
    options: ZoneOptions & { readonly force?: boolean | undefined } = {},
  ): Reply<RndcResponse> {
    return this.#zoneCommand('retransfer', zone, options, options.force ? ['-force'] : []);
  }

  /** `notify zone`: resend NOTIFY messages. */
  notify(zone: string, options?: ZoneOptions): Reply<RndcResponse> {
    return this.#zoneCommand('notify', zone, options);
  }

  /**
   * `freeze [zone]`: schedules a dump of the zone (journal folded into the zone file) and refuses
   * updates until thawed. named answers before the dump runs: success does not mean it was
   * written. With `verify`, waits for proof that the file on disk holds the served serial (and
   * fails with the evidence and a diagnosis when it does not: the zone then stays frozen).
   * `already running` (a dump in flight while another change is pending) is retried within the
   * deadline.
   */
  freeze(
    zone?: string,
    options?: ZoneOptions & { readonly verify?: false | undefined },
  ): Reply<DumpedResponse>;
  freeze(
    zone: string | undefined,
    options: ZoneOptions & DumpCommandOptions,
  ): Reply<DumpedResponse, RndcError | DumpError>;
  freeze(
    zone?: string,
    options: ZoneOptions & DumpCommandOptions = {},
  ): Reply<DumpedResponse, RndcError | DumpError> {
    return this.#dumpCommand('freeze', zone, options, false);
  }

  /**
   * `thaw [zone]`: reload the zone from its file and accept updates again. named 9.18 answers
   * "A zone reload and thaw was started" and thaws asynchronously: an update sent right after
   * can still be REFUSED as if the zone were frozen. With `wait: true` (needs `zone`) this
   * resolves only once `zonestatus` says the zone is no longer frozen, within the deadline.
   */
  async thaw(
    zone?: string,
    options: ZoneOptions & { readonly wait?: boolean | undefined } = {},
  ): Reply<RndcResponse> {
    const deadline = Date.now() + (options.timeoutMs ?? this.#timeoutMs);
    const thawed = await this.#zoneCommand('thaw', zone, options);
    if (thawed.isErr() || !options.wait || zone === undefined) return thawed;
    const { wait: _wait, ...statusOptions } = options;
    for (;;) {
      const status = await this.zonestatus(zone, {
        ...statusOptions,
        timeoutMs: Math.max(1, deadline - Date.now()),
      });
      if (status.isErr()) return status;
      if (!status.value.frozen) return thawed;
      if (Date.now() + 50 > deadline) {
        return Err(
          new RndcError({
            kind: 'timeout',
            message: `named accepted 'thaw ${zone}' but the zone was still frozen at the deadline`,
            causes: ['the reload that ends a thaw is slow (a large zone, or a slow disk)'],
            remedy: "allow a longer timeoutMs, or check named's log for the reload",
            server: thawed.value.server,
            command: thawed.value.command,
            mayHaveRun: true,
          }),
        );
      }
      await sleep(50);
    }
  }

  /**
   * `sync [zone]`: schedules a dump of the zone file (the journal is kept). named answers before
   * the dump runs; with `verify`, waits for proof that the file on disk holds the served serial.
   *
   * `clean: true` asks named to delete the journal too — which `rndc sync -clean` does as soon as
   * the dump is *scheduled*, destroying the only copy of the changes when the dump then fails.
   * Here the journal is deleted only while the zone is frozen, after a verified freeze dump: an
   * update cannot land between the proof and `-clean`, so `-clean` schedules no second dump that
   * could fail. The zone is thawed (with `wait`) afterwards, also after any failure; a zone the
   * operator had frozen is proven with `sync` and left frozen; a zone that takes no updates keeps
   * sync, proof, `-clean`. When the dump is not proven, a `clean-refused` error keeps the
   * journal; when the thaw fails, the error says the zone is still frozen.
   */
  sync(
    zone?: string,
    options?: ZoneOptions & {
      readonly verify?: false | undefined;
      readonly clean?: false | undefined;
    },
  ): Reply<DumpedResponse>;
  sync(
    zone: string | undefined,
    options: ZoneOptions & DumpCommandOptions & { readonly clean?: boolean | undefined },
  ): Reply<DumpedResponse, RndcError | DumpError>;
  sync(
    zone?: string,
    options: ZoneOptions & DumpCommandOptions & { readonly clean?: boolean | undefined } = {},
  ): Reply<DumpedResponse, RndcError | DumpError> {
    return this.#dumpCommand('sync', zone, options, options.clean === true);
  }

  /**
   * Verified `sync` of every zone: rndc's all-zones form (`rndc sync` without a zone), proven zone
   * by zone. The zones are those named.conf configures with a file (every view and class; the
   * named.conf `rndc status` names, or `verify.namedConf`), or `zones`; each gets the verified
   * per-zone `sync` (`clean` by its rule: a journal is deleted only after that zone's proof), at
   * most `concurrency` at a time, all within `timeoutMs` (default 60 s) and `signal`.
   *
   * `Ok` only when every zone asked was proven written (zones with nothing to write, such as a
   * secondary kept in memory, are `skipped` and do not count). Otherwise an `AllZonesError` of
   * kind `not-all-proven` whose `dump` holds every zone's result — the zones proven are written
   * whatever the others did — or `zones-unknown` when named.conf could not be read. Zones added
   * with `rndc addzone` are not in named.conf: a note in `notes` says so; pass them in `zones`.
   */
  async syncAll(options: SyncAllOptions = {}): Reply<AllZonesDump, AllZonesError> {
    const { dumpAllZones } = await loadAllZones();
    return dumpAllZones(this, 'sync', options);
  }

  /**
   * Verified `freeze` of every dynamic zone: rndc's all-zones form (`rndc freeze` without a zone,
   * which named applies to dynamic zones only), proven zone by zone as {@link RndcClient.syncAll}
   * does. The zones proven are left frozen (thaw them when done); a zone already frozen is proven
   * with `sync` and stays frozen; a zone that takes no updates is `skipped`. On BIND 9.20 a
   * freeze whose dump fails at once leaves that zone thawed: its result's error says which.
   */
  async freezeAll(options: AllZonesOptions = {}): Reply<AllZonesDump, AllZonesError> {
    const { dumpAllZones } = await loadAllZones();
    const { clean: _clean, ...rest } = options as SyncAllOptions;
    return dumpAllZones(this, 'freeze', rest);
  }

  /**
   * Waits until named's own delayed dump (676–900 s after the first change: `zone_needdump()` in
   * BIND's lib/dns/zone.c) has
   * written the zone file: the file on disk holds the served serial. Default deadline 16 minutes.
   */
  async waitForDump(
    zone: string,
    options: ZoneOptions &
      Omit<DumpCommandOptions, 'verify'> & { readonly verify?: VerifyDumpOptions | undefined } = {},
  ): Reply<DumpEvidence, DumpError> {
    const { dumpOutcome, gatherDumpEvidence } = await loadVerify();
    const verified = await gatherDumpEvidence({
      ...this.#verifyOptions(zone, options),
      timeoutMs: options.verify?.timeoutMs ?? 16 * 60_000,
      pollMs: 1000,
    });
    if (verified.isErr()) return verified;
    return dumpOutcome(verified.value, 'the zone file was not written:');
  }

  /** `stop [-p]`: flush dynamic zones and exit. With `pid`, named's reply carries its pid. */
  stop(options: CallOptions & { readonly pid?: boolean | undefined } = {}): Reply<RndcResponse> {
    return this.run(options.pid ? 'stop -p' : 'stop', options);
  }

  /** `halt [-p]`: exit without flushing zones (journals stay). */
  halt(options: CallOptions & { readonly pid?: boolean | undefined } = {}): Reply<RndcResponse> {
    return this.run(options.pid ? 'halt -p' : 'halt', options);
  }

  /** `dumpdb [-all|-cache|-zones|-adb|-bad|-expired|-fail] [view…]`: write named's dump-file. */
  dumpdb(
    options: CallOptions & {
      readonly scope?: 'all' | 'cache' | 'zones' | 'adb' | 'bad' | 'expired' | 'fail' | undefined;
      readonly views?: readonly string[] | undefined;
    } = {},
  ): Reply<RndcResponse> {
    return this.#command(
      'dumpdb',
      [options.scope ? `-${options.scope}` : undefined, ...(options.views ?? [])],
      options,
    );
  }

  /** `stats`: append statistics to the statistics-file. */
  stats(options?: CallOptions): Reply<RndcResponse> {
    return this.run('stats', options);
  }

  /** `recursing`: write the list of recursing queries to named.recursing. */
  recursing(options?: CallOptions): Reply<RndcResponse> {
    return this.run('recursing', options);
  }

  /** `secroots [-] [view…]`: with `toText`, return the trust anchors instead of writing a file. */
  secroots(
    options: CallOptions & {
      readonly toText?: boolean | undefined;
      readonly views?: readonly string[];
    } = {},
  ): Reply<RndcResponse> {
    return this.#command(
      'secroots',
      [options.toText ? '-' : undefined, ...(options.views ?? [])],
      options,
    );
  }

  /** `flush [view]`: flush the cache. */
  flush(view?: string, options?: CallOptions): Reply<RndcResponse> {
    return this.#command('flush', [view], options);
  }

  /** `flushname name [view]`: flush one name from the cache. */
  flushname(name: string, view?: string, options?: CallOptions): Reply<RndcResponse> {
    return this.#command('flushname', [name, view], options);
  }

  /** `flushtree name [view]`: flush a name and everything below it from the cache. */
  flushtree(name: string, view?: string, options?: CallOptions): Reply<RndcResponse> {
    return this.#command('flushtree', [name, view], options);
  }

  /** `querylog [on|off]`: set query logging; without an argument, toggle it. */
  querylog(on?: boolean, options?: CallOptions): Reply<RndcResponse> {
    return this.#command('querylog', [on === undefined ? undefined : on ? 'on' : 'off'], options);
  }

  /** `trace [level]`: raise the debug level by one, or set it. */
  trace(level?: number, options?: CallOptions): Reply<RndcResponse> {
    return this.#command('trace', [level === undefined ? undefined : String(level)], options);
  }

  /** `notrace`: debug level 0. */
  notrace(options?: CallOptions): Reply<RndcResponse> {
    return this.run('notrace', options);
  }

  /** `scan`: rescan network interfaces. */
  scan(options?: CallOptions): Reply<RndcResponse> {
    return this.run('scan', options);
  }

  /** `fetchlimit [view]`: servers and domains rate-limited now (BIND 9.20+). */
  fetchlimit(view?: string, options?: CallOptions): Reply<RndcResponse> {
    return this.#command('fetchlimit', [view], options);
  }

  /** `responselog [on|off]`: set response logging; without an argument, toggle it (BIND 9.20.3+). */
  responselog(on?: boolean, options?: CallOptions): Reply<RndcResponse> {
    return this.#command(
      'responselog',
      [on === undefined ? undefined : on ? 'on' : 'off'],
      options,
    );
  }

  /** `reset-stats counter…`: reset statistics counters, e.g. `recursive-high-water` (BIND 9.20.8+). */
  resetStats(counters: readonly string[], options?: CallOptions): Reply<RndcResponse> {
    return this.#command('reset-stats', counters, options);
  }

  /** `memprof [on|off|dump]`: jemalloc memory profiling (BIND 9.20.6+, jemalloc builds only). */
  memprof(action?: 'on' | 'off' | 'dump', options?: CallOptions): Reply<RndcResponse> {
    return this.#command('memprof', [action], options);
  }

  /** `skr -import file zone`: import a Signed Key Response for offline KSK signing (BIND 9.20.2+). */
  skrImport(file: string, zone: string, options?: ZoneOptions): Reply<RndcResponse> {
    return this.#zoneCommand('skr', zone, options, ['-import', file]);
  }

  /** `timerpoke`: poke zone timers (9.16, 9.18; removed in 9.20: `not-in-this-version` there). */
  timerpoke(options?: CallOptions): Reply<RndcResponse> {
    return this.run('timerpoke', options);
  }

  /** `tsig-list`: list TSIG keys (9.16, 9.18; removed in 9.20: `not-in-this-version` there). */
  tsigList(options?: CallOptions): Reply<RndcResponse> {
    return this.run('tsig-list', options);
  }

  /** `tsig-delete keyname [view]`: delete a TKEY-negotiated key (9.16, 9.18; removed in 9.20). */
  tsigDelete(keyName: string, view?: string, options?: CallOptions): Reply<RndcResponse> {
    return this.#command('tsig-delete', [keyName, view], options);
  }

  /** `validation on|off|status [view…]`. */
  validation(
    mode: 'on' | 'off' | 'status',
    views: readonly string[] = [],
    options?: CallOptions,
  ): Reply<RndcResponse> {
    return this.#command('validation', [mode, ...views], options);
  }

  /** `serve-stale on|off|reset|status [class [view]]`. */
  serveStale(
    mode: 'on' | 'off' | 'reset' | 'status',
    options: CallOptions & {
      readonly class?: string | undefined;
      readonly view?: string | undefined;
    } = {},
  ): Reply<RndcResponse> {
    const classArg = options.class ?? (options.view !== undefined ? 'IN' : undefined);
    return this.#command('serve-stale', [mode, classArg, options.view], options);
  }

  /** `tcp-timeouts [initial idle keepalive advertised]` (units of 100 ms): show or set. */
  tcpTimeouts(
    values?: { initial: number; idle: number; keepalive: number; advertised: number },
    options?: CallOptions,
  ): Reply<RndcResponse> {
    const args = values
      ? [values.initial, values.idle, values.keepalive, values.advertised].map(String)
      : [];
    return this.#command('tcp-timeouts', args, options);
  }

  /** `addzone zone [class [view]] { options; }` (needs allow-new-zones). `config` is the `{ … }` text. */
  addzone(zone: string, config: string, options?: ZoneOptions): Reply<RndcResponse> {
    return this.#zoneCommand('addzone', zone, options, [], [config]);
  }

  /** `modzone zone [class [view]] { options; }`. */
  modzone(zone: string, config: string, options?: ZoneOptions): Reply<RndcResponse> {
    return this.#zoneCommand('modzone', zone, options, [], [config]);
  }

  /** `delzone [-clean] zone`: remove a zone; `clean` also deletes its file and journal. */
  delzone(
    zone: string,
    options: ZoneOptions & { readonly clean?: boolean | undefined } = {},
  ): Reply<RndcResponse> {
    return this.#zoneCommand('delzone', zone, options, options.clean ? ['-clean'] : []);
  }

  /** `sign zone`: load DNSSEC keys and re-sign. */
  sign(zone: string, options?: ZoneOptions): Reply<RndcResponse> {
    return this.#zoneCommand('sign', zone, options);
  }

  /** `loadkeys zone`: load DNSSEC keys. */
  loadkeys(zone: string, options?: ZoneOptions): Reply<RndcResponse> {
    return this.#zoneCommand('loadkeys', zone, options);
  }

  /** `signing <args> zone`: e.g. `['-list']`, `['-clear', 'all']`, `['-serial', '42']`. */
  signing(args: readonly string[], zone: string, options?: ZoneOptions): Reply<RndcResponse> {
    return this.#zoneCommand('signing', zone, options, args);
  }

  /** `dnssec <args> zone`: e.g. `['-status']`, `['-rollover', '-key', '1234']`. */
  dnssec(args: readonly string[], zone: string, options?: ZoneOptions): Reply<RndcResponse> {
    return this.#zoneCommand('dnssec', zone, options, args);
  }

  /** `managed-keys status|refresh|sync|destroy [class [view]]`. */
  managedKeys(
    action: 'status' | 'refresh' | 'sync' | 'destroy',
    options: CallOptions & {
      readonly class?: string | undefined;
      readonly view?: string | undefined;
    } = {},
  ): Reply<RndcResponse> {
    const classArg = options.class ?? (options.view !== undefined ? 'IN' : undefined);
    return this.#command('managed-keys', [action, classArg, options.view], options);
  }

  /** `nta` with raw arguments: `['-dump']`, `['-lifetime', '1h', 'example.com']`, `['-remove', 'example.com']`. */
  nta(args: readonly string[], options?: CallOptions): Reply<RndcResponse> {
    return this.#command('nta', args, options);
  }

  /** `dnstap -reopen | -roll [n]`. */
  dnstap(args: readonly string[], options?: CallOptions): Reply<RndcResponse> {
    return this.#command('dnstap', args, options);
  }

  /** `dnstap-reopen`: close and reopen the dnstap output file. */
  dnstapReopen(options?: CallOptions): Reply<RndcResponse> {
    return this.run('dnstap-reopen', options);
  }

  /** `testgen [count]`: a reply of `count` bytes of text (a hidden test command of named). */
  testgen(count?: number, options?: CallOptions): Reply<RndcResponse> {
    return this.#command('testgen', [count === undefined ? undefined : String(count)], options);
  }

  async #dumpCommand(
    word: 'sync' | 'freeze',
    zone: string | undefined,
    options: ZoneOptions & DumpCommandOptions,
    clean: boolean,
  ): Reply<DumpedResponse, RndcError | DumpError> {
    const verify = options.verify !== undefined && options.verify !== false;
    if (!verify && !clean) return this.#retryAlreadyRunning(word, zone, options);
    if (zone === undefined) {
      return Err(
        new DumpError({
          kind: 'invalid-argument',
          message: `${word} of all zones cannot be verified in one call${clean ? ' (and -clean is only sent after verification)' : ''}: name the zone, or use ${word}All(), which proves every zone one by one`,
          remedy: `call ${word}All(${clean ? '{ clean: true }' : ''}) for the all-zones form, or ${word}(zone, { verify: true })`,
        }),
      );
    }
    if (clean && word === 'sync') return this.#syncClean(zone, options);
    const verifyOptions = this.#verifyOptions(zone, options);
    const { DEFAULT_VERIFY_TIMEOUT_MS, dumpOutcome, gatherDumpEvidence, snapshotZone } =
      await loadVerify();
    // One verification budget for the picture before and the proof after (each settles by its
    // share whatever the files do); the command itself has its own deadline.
    const budget = verifyOptions.timeoutMs ?? DEFAULT_VERIFY_TIMEOUT_MS;
    const verifyStarted = Date.now();
    const before = await snapshotZone({ ...verifyOptions, timeoutMs: budget });
    if (before.isErr()) return before;
    const snapshotMs = Date.now() - verifyStarted;
    const sent = await this.#retryAlreadyRunning(word, zone, options);
    // BIND 9.20 answers a dump that failed at once (the temp file cannot be created) with a
    // failure instead of success: still a dump-failed verdict with the evidence and diagnosis.
    const refused = sent.isErr() ? refusedFlush(sent.error.response) : undefined;
    if (sent.isErr() && !refused) return sent;
    const verified = await gatherDumpEvidence({
      ...verifyOptions,
      timeoutMs: Math.max(1, budget - snapshotMs),
      before: before.value,
      ...(refused ? { refused } : {}),
    });
    if (verified.isErr()) return verified;
    const evidence = verified.value;
    if (sent.isErr())
      return Err(await this.#refusedDump(word, zone, options, evidence, sent.error));
    if (evidence.verdict !== 'written' && evidence.verdict !== 'nothing-pending') {
      const frozen =
        word === 'freeze' ? ' The zone is frozen nevertheless (thaw it when done).' : '';
      const outcome = dumpOutcome(
        evidence,
        `${word} reported success but the dump was not proven:`,
      );
      if (outcome.isErr() && frozen) {
        return Err(
          new DumpError({
            kind: outcome.error.kind,
            message: `${outcome.error.message}${frozen}`,
            causes: outcome.error.causes,
            remedy: outcome.error.remedy,
            evidence,
            zone,
          }),
        );
      }
      return outcome.isErr() ? outcome : Ok({ ...sent.value, dump: evidence });
    }
    return Ok({ ...sent.value, dump: evidence });
  }

  /**
   * The error of a sync/freeze that named refused because the dump failed (BIND 9.20+). A freeze
   * refused so leaves the zone thawed (9.20 disables updates only after a successful flush); the
   * zone's state is asked rather than assumed.
   */
  async #refusedDump(
    word: 'sync' | 'freeze',
    zone: string,
    options: ZoneOptions,
    evidence: DumpEvidence,
    reply: RndcError,
  ): Promise<DumpError> {
    const { dumpOutcome } = await loadVerify();
    const outcome = dumpOutcome(evidence, 'the dump failed:');
    const failed = outcome.isErr() ? outcome.error : undefined;
    let frozen = '';
    if (word === 'freeze') {
      const { signal: _signal, ...statusOptions } = options;
      const status = await this.zonestatus(zone, statusOptions);
      frozen = status.isErr()
        ? ' Whether the zone is frozen is unknown (zonestatus failed).'
        : status.value.frozen === true
          ? ' The zone is frozen nevertheless (thaw it when done).'
          : ' named did not freeze the zone: it still accepts updates.';
    }
    const message = failed?.message ?? `named refused '${word}': ${reply.message}`;
    return new DumpError({
      kind: 'dump-failed',
      message: frozen && !message.endsWith('.') ? `${message}.${frozen}` : `${message}${frozen}`,
      causes: failed?.causes ?? reply.causes,
      ...(evidence.remedy ? { remedy: evidence.remedy } : {}),
      evidence,
      cause: reply,
      zone,
    });
  }

  /**
   * `sync -clean` without losing an update: the journal is deleted only while named refuses
   * updates, after a dump proven to hold everything named serves.
   *
   * 1. `zonestatus`: a zone that takes no updates (static, secondary) has nothing an update could
   *    add between the proof and `-clean`; it keeps the plain sequence (sync, verify, `-clean`).
   * 2. `freeze` (verified): named schedules the dump and disables updates in one exclusive task
   *    (BIND 9.18 `named_server_freeze`), so from its reply on the served zone cannot change, and
   *    a proof that the file holds the served serial covers every acknowledged update. A zone the
   *    operator had already frozen is proven with a plain `sync` instead, and left frozen.
   * 3. `sync -clean` while frozen: nothing is pending (the proven dump cleared named's NEEDDUMP
   *    flag and nothing can set it again while updates are disabled; re-signing also pauses while
   *    frozen, except for the signed copy of an inline-signed zone, whose journal holds only
   *    signatures named recomputes), so named's flush schedules no second dump that could fail,
   *    and the journal it deletes holds nothing the file does not.
   * 4. `thaw` with `wait`, always, when we froze the zone — also after any failure in between —
   *    and a thaw that fails is reported (the zone is then still frozen).
   */
  async #syncClean(
    zone: string,
    options: ZoneOptions & DumpCommandOptions,
  ): Reply<DumpedResponse, RndcError | DumpError> {
    const verify = options.verify === undefined || options.verify === false ? true : options.verify;
    const { verify: _verify, ...callOptions } = options;
    const status = await this.zonestatus(zone, callOptions);
    if (status.isErr()) return status;
    if (status.value.dynamic !== true) return this.#cleanAfterProof(zone, options);
    if (status.value.frozen === true) return this.#cleanAfterProof(zone, options);
    const frozen = await this.#dumpCommand('freeze', zone, { ...callOptions, verify }, false);
    if (
      frozen.isErr() &&
      frozen.error instanceof RndcError &&
      frozen.error.kind === 'already-frozen'
    ) {
      // Frozen by someone else between zonestatus and freeze: theirs to thaw.
      return this.#cleanAfterProof(zone, options);
    }
    let outcome: Result<DumpedResponse, RndcError | DumpError>;
    if (frozen.isErr()) {
      outcome =
        frozen.error instanceof DumpError && frozen.error.evidence
          ? Err(cleanRefused(zone, frozen.error.evidence))
          : frozen;
    } else {
      const cleaned = await this.#zoneCommand('sync', zone, callOptions, ['-clean']);
      outcome = cleaned.map((reply) => ({
        ...reply,
        ...(frozen.value.dump ? { dump: frozen.value.dump } : {}),
      }));
    }
    return this.#thawIfWeFroze(zone, callOptions, outcome);
  }

  /** Proves the dump with `sync`, then sends `sync -clean` (the zone takes no updates now). */
  async #cleanAfterProof(
    zone: string,
    options: ZoneOptions & DumpCommandOptions,
  ): Reply<DumpedResponse, RndcError | DumpError> {
    const verify = options.verify === undefined || options.verify === false ? true : options.verify;
    const proven = await this.#dumpCommand('sync', zone, { ...options, verify }, false);
    if (proven.isErr()) {
      return proven.error instanceof DumpError && proven.error.evidence
        ? Err(cleanRefused(zone, proven.error.evidence))
        : proven;
    }
    const { verify: _verify, ...callOptions } = options;
    const cleaned = await this.#zoneCommand('sync', zone, callOptions, ['-clean']);
    if (cleaned.isErr()) return cleaned;
    return Ok({ ...cleaned.value, ...(proven.value.dump ? { dump: proven.value.dump } : {}) });
  }

  /**
   * Thaws the zone (with `wait`) if it is frozen now: zonestatus said it was not before our
   * freeze, so a frozen zone here is ours (even when the freeze reply was lost). The outcome is
   * returned unchanged when the thaw succeeds; a failed thaw is reported in it.
   */
  async #thawIfWeFroze(
    zone: string,
    options: ZoneOptions,
    outcome: Result<DumpedResponse, RndcError | DumpError>,
  ): Reply<DumpedResponse, RndcError | DumpError> {
    // Cleanup runs even when the call was aborted: the signal ended the work, not the duty to
    // thaw. Each command still has its own deadline.
    const { signal: _signal, ...cleanup } = options;
    const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
    const now = await this.zonestatus(zone, { ...cleanup, timeoutMs });
    if (now.isOk() && now.value.frozen !== true) return outcome;
    // Frozen, or unknown (zonestatus failed): thaw. Thawing a zone that is not frozen is a no-op.
    const thawed = await this.thaw(zone, { ...cleanup, timeoutMs, wait: true });
    if (thawed.isOk()) return outcome;
    const still = `the zone may still be frozen by this call: thawing it failed (${thawed.error.message}); run \`rndc thaw ${zone}\``;
    if (outcome.isErr()) {
      const error = outcome.error;
      return Err(
        new DumpError({
          kind: error instanceof DumpError ? error.kind : 'command-failed',
          message: `${error.message} Also, ${still}.`,
          causes: error.causes,
          remedy: `thaw the zone (\`rndc thaw ${zone}\`), then: ${error.remedy}`,
          ...(error instanceof DumpError && error.evidence ? { evidence: error.evidence } : {}),
          cause: error,
          zone,
        }),
      );
    }
    return Err(
      new DumpError({
        kind: 'command-failed',
        message: `the journal of ${zone} was deleted after a verified dump (nothing was lost), but ${still}.`,
        remedy: `run \`rndc thaw ${zone}\`; updates are refused until then`,
        ...(outcome.value.dump ? { evidence: outcome.value.dump } : {}),
        cause: thawed.error,
        zone,
      }),
    );
  }

  /** Sends sync/freeze, retrying `already running` (a dump in flight, §1.4) within the deadline. */
  async #retryAlreadyRunning(
    word: string,
    zone: string | undefined,
    options: ZoneOptions,
  ): Reply<DumpedResponse> {
    const deadline = Date.now() + (options.timeoutMs ?? this.#timeoutMs);
    for (;;) {
      const result = await this.#zoneCommand(word, zone, options);
      if (
        result.isOk() ||
        result.error.response?.err !== 'already running' ||
        Date.now() + 250 > deadline
      ) {
        return result;
      }
      await sleep(250);
    }
  }

  #verifyOptions(
    zone: string,
    options: ZoneOptions & { readonly verify?: boolean | VerifyDumpOptions | undefined },
  ): VerifyOptions {
    const verify = typeof options.verify === 'object' ? options.verify : {};
    const log = verify.log ?? this.#dump.log;
    const directory = verify.directory ?? this.#dump.directory;
    const namedPid = verify.namedPid ?? this.#dump.namedPid;
    const namedBinary = verify.namedBinary ?? this.#dump.namedBinary;
    return {
      rndc: this,
      zone,
      ...(options.class !== undefined ? { class: options.class } : {}),
      ...(options.view !== undefined ? { view: options.view } : {}),
      ...(verify.zoneFile !== undefined ? { zoneFile: verify.zoneFile } : {}),
      ...(verify.journalFile !== undefined ? { journalFile: verify.journalFile } : {}),
      ...(verify.namedConf !== undefined ? { namedConf: verify.namedConf } : {}),
      ...(directory !== undefined ? { directory } : {}),
      ...(log !== undefined ? { log } : {}),
      ...(namedPid !== undefined ? { namedPid } : {}),
      ...(namedBinary !== undefined ? { namedBinary } : {}),
      ...(verify.trustNamedPid === true ? { trustNamedPid: true } : {}),
      ...(verify.timeoutMs !== undefined ? { timeoutMs: verify.timeoutMs } : {}),
      ...(verify.diagnose !== undefined ? { diagnose: verify.diagnose } : {}),
      ...(verify.watch !== undefined ? { watch: verify.watch } : {}),
      ...(options.signal !== undefined ? { signal: options.signal } : {}),
    };
  }

  /** The pool, or why no command can be sent (an invalid key, a closed client). */
  #usablePool(line: string): Result<SessionPool, RndcError> {
    if (this.#invalid) return Err(this.#invalid);
    if (!this.#pool || this.#closed) {
      return Err(
        new RndcError({
          kind: 'closed',
          message: 'this RndcClient was closed',
          server: this.#server,
          command: line,
        }),
      );
    }
    return Ok(this.#pool);
  }

  /** The `not-in-this-version` error for a line the server's release lacks, else undefined. */
  #notInVersion(line: string, version: ServerVersion | undefined): RndcError | undefined {
    const missing = version === undefined ? undefined : unavailableIn(line, version);
    if (version === undefined || missing === undefined) return undefined;
    const what = missing.option ? `'${missing.word} ${missing.option}'` : `'${missing.word}'`;
    const change = missing.removedIn
      ? `removed in ${missing.removedIn}`
      : `added in ${missing.addedIn}`;
    const named = missing.option
      ? `named would read "${missing.option}" as an argument`
      : 'named would answer "unknown command"';
    return new RndcError({
      kind: 'not-in-this-version',
      message: `${this.#server}: ${what} is not in BIND ${version.number} (${change}; ${named}); it exists in ${missing.availableIn}. Nothing was sent.`,
      causes: [`the server runs ${version.text}`],
      remedy: missing.removedIn
        ? `BIND ${version.series} has no such command: drop it, or run it against a server of ${missing.availableIn}`
        : `upgrade the server to ${missing.availableIn}, or use a command BIND ${version.series} has`,
      server: this.#server,
      command: line,
      mayHaveRun: false,
    });
  }

  #command(
    word: string,
    args: readonly CommandArgument[],
    options?: CallOptions,
  ): Reply<RndcResponse> {
    const line = this.#format(word, args);
    return line.isErr() ? Promise.resolve(line) : this.run(line.value, options);
  }

  /** Formats a command line; arguments named's lexer cannot carry become an error value. */
  #format(word: string, args: readonly CommandArgument[]): Result<string, RndcError> {
    try {
      return Ok(formatCommand(word, args));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const remedy = error instanceof RndcLibraryError ? error.remedy : '';
      return Err(
        new RndcError({ kind: 'invalid-argument', message, remedy, server: this.#server }),
      );
    }
  }

  #zoneCommand(
    word: string,
    zone: string | undefined,
    options: ZoneOptions = {},
    flags: readonly string[] = [],
    trailing: readonly string[] = [],
  ): Reply<RndcResponse> {
    if (zone === undefined) return this.#command(word, flags, options);
    const zoneRef: ZoneRef = {
      zone,
      ...(options.class !== undefined ? { class: options.class } : {}),
      ...(options.view !== undefined ? { view: options.view } : {}),
    };
    // Configuration blocks (addzone) go verbatim: they are named.conf syntax, not one token.
    const raw = trailing.map((text) => ({ raw: text }));
    const traceZone = { ...options, [TRACE_ZONE]: zone };
    return this.#command(word, [...flags, ...zoneArgs(zoneRef), ...raw], traceZone);
  }
}

/** The command word of a call, lower-case, without its arguments (for traces). */
function commandWord(command: string | readonly string[]): string {
  const first = typeof command === 'string' ? command.trimStart().split(/\s/, 1)[0] : command[0];
  return (first ?? '').toLowerCase().slice(0, 64);
}

/** The disk effect of a successful command line, from the trigger table or the command catalog. */
function scheduledDiskEffect(line: string): ScheduledDiskEffect | undefined {
  const words = line.trim().split(/\s+/);
  const word = words[0]?.toLowerCase() ?? '';
  const operation: DiskEffectOperation | undefined =
    word === 'sync'
      ? words.includes('-clean') || words.includes('-clear')
        ? 'sync-clean'
        : 'sync'
      : word === 'unfreeze'
        ? 'thaw'
        : (['freeze', 'thaw', 'stop', 'halt'] as const).find((op) => op === word);
  if (operation) {
    const report = expectedDiskEffect(operation, new Date());
    return {
      summary: report.summary,
      ...(report.zoneFileNotBefore ? { zoneFileNotBefore: report.zoneFileNotBefore } : {}),
      ...(report.zoneFileNotAfter ? { zoneFileNotAfter: report.zoneFileNotAfter } : {}),
      ...(report.journalDeleted ? { journalDeleted: true } : {}),
    };
  }
  const effect = commandInfo(line)?.diskEffect;
  return effect ? { summary: `${effect.writes}: ${effect.note}` } : undefined;
}

function toRndcError(error: RndcLibraryError, server: string): RndcError {
  return new RndcError({
    kind: error.kind === 'unsupported-algorithm' ? 'unsupported-algorithm' : 'invalid-argument',
    message: error.message,
    causes: error.causes,
    remedy: error.remedy,
    server,
  });
}

function firstLine(text: string): string {
  const line = text.split('\n', 1)[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

/**
 * A `sync`/`freeze` that named answered with a file error: BIND 9.20 creates the zone's temp file
 * before it answers (9.16 and 9.18 answer success and fail in the log), so the answer itself says
 * the zone file could not be written. The causes and remedy point at the verified call and the
 * doctor, which name the failed step and why.
 */
function flushRefusedClassification(
  response: RndcResponse,
): Pick<RndcErrorDetails, 'kind' | 'causes' | 'remedy'> | undefined {
  const word = commandInfo(response.command)?.word;
  if (word !== 'sync' && word !== 'freeze') return undefined;
  const refused = refusedFlush(response);
  if (!refused) return undefined;
  return {
    kind: 'command-failed',
    causes: [
      `named could not write the zone file (${refused.result}): it could not create its temporary ` +
        "file in the zone file's directory (BIND 9.20 answers this at once)",
      "the directory is not writable by named's user, or is a read-only mount (a ConfigMap, " +
        'a read-only volume)',
      word === 'freeze'
        ? 'on BIND 9.20 the zone was not frozen: it still takes updates'
        : 'the changes are still only in the journal and in memory',
    ],
    remedy:
      `run the same command with verification (\`rndc-js ${word} ZONE --verify\`, or \`{ verify: true }\`) ` +
      "for the failed step, named's log line and the diagnosis, or `rndc-js doctor --zone-file " +
      'FILE`; make the directory writable by named, and do not use `sync -clean` until a dump succeeds',
  };
}

/**
 * The dump verifier, loaded on first use: a client that only sends commands (`rndc-js status`)
 * never loads it, nor the diagnosis and file readers behind it.
 */
const loadVerify = () => import('../dump/verify.js');

/** The all-zones dump, loaded on first use (see {@link loadVerify}). */
const loadAllZones = () => import('../dump/all-zones.js');
