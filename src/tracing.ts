/**
 * Tracing channels (`node:diagnostics_channel` TracingChannel) for APM instrumentation: one per
 * kind of I/O the library does. Events follow Node's `tracePromise` order — `start` (in the
 * caller's async context, with `runStores` so an AsyncLocalStorage bound to it propagates),
 * `end` when the call has returned its promise, then `asyncStart`/`asyncEnd` when it settles —
 * and `error` when the call settles with an `Err` (the library's calls return errors as values
 * instead of rejecting) or, never expected, throws. Nothing is published, and no context object
 * is built, while a channel has no subscriber.
 *
 * Contexts carry what a span needs and nothing that could be a secret: no key, no MAC, no
 * command arguments (only the command word: `addzone` configurations, `tsig-delete` key names
 * and file paths stay out of traces), no record data.
 */
import { type TracingChannel, tracingChannel } from 'node:diagnostics_channel';
import type { Result } from './result.js';

/** The names of the library's tracing channels. */
export const TRACING_CHANNELS = {
  /** One control-channel command (`RndcClient.run` and every command method). */
  command: 'rndc:command',
  /** One new control-channel connection: TCP connect and the `null` handshake. */
  connect: 'rndc:connect',
  /** One dynamic UPDATE (`UpdateClient.send`), zone discovery included. */
  update: 'rndc:update',
  /** One zone transfer (AXFR or IXFR). */
  transfer: 'rndc:transfer',
  /** One dump verification (`verifyZoneWritten`, `sync`/`freeze` with `verify`, `waitForDump`). */
  verify: 'rndc:verify',
} as const;

/** The server a traced call talks to. */
export interface TraceEndpoint {
  /** The server, `host#port` as BIND prints addresses. */
  readonly server: string;
  /** The server's host (OpenTelemetry `server.address`). */
  readonly host: string;
  /** The server's port (OpenTelemetry `server.port`). */
  readonly port: number;
}

/** Fields every context has once settled; they are set before `asyncStart` (and `error`). */
export interface TraceContext {
  /** True when the call returned `Ok`. */
  ok?: boolean;
  /** The error's `kind` when the call returned `Err`. */
  errorKind?: string;
  /** The error value (an `RndcError`, `UpdateError`…: no secrets) when the call returned `Err`. */
  error?: unknown;
  /** Time from `start` to settling, in milliseconds (monotonic clock). */
  durationMs?: number;
}

/** Context of `rndc:command`. */
export interface CommandTraceContext extends TraceContext, TraceEndpoint {
  /** The command word, lower-case (`zonestatus`); never its arguments. */
  readonly command: string;
  /** The zone, when the call was made through a zone method (`zonestatus(zone)`, `sync(zone)`…). */
  readonly zone?: string;
  /** For an `Err`: whether the command may have run on named (see `RndcError.mayHaveRun`). */
  mayHaveRun?: boolean;
}

/** Context of `rndc:connect`. */
export interface ConnectTraceContext extends TraceContext, TraceEndpoint {
  /** True when this connection replaces an earlier one of the same pool slot. */
  readonly reconnect: boolean;
}

/** Context of `rndc:update`. */
export interface UpdateTraceContext extends TraceContext, TraceEndpoint {
  /** The zone, when the update names it (otherwise it is discovered; see `zoneFound`). */
  readonly zone?: string;
  /** The zone the update went to, once known. */
  zoneFound?: string;
  /** For an `Err`: whether the update may have been applied (`UpdateError.mayHaveApplied`). */
  mayHaveRun?: boolean;
}

/** Context of `rndc:transfer`. */
export interface TransferTraceContext extends TraceContext, TraceEndpoint {
  /** The zone transferred. */
  readonly zone: string;
  /** `AXFR` or `IXFR`. */
  readonly type: 'AXFR' | 'IXFR';
  /** Records received, once settled with `Ok`. */
  records?: number;
  /** Bytes of answer received, once settled with `Ok`. */
  bytes?: number;
}

/** Context of `rndc:verify`. */
export interface VerifyTraceContext extends TraceContext, Partial<TraceEndpoint> {
  /** The zone verified. */
  readonly zone: string;
  /**
   * The verdict (`written`, `nothing-pending`, `failed`, `unknown`), once reached; `ok` is true only
   * for a proven one (`written`, `nothing-pending`).
   */
  verdict?: string;
}

/** The tracing channel behind `name`: the same object Node returns for the same name. */
function channel<C extends TraceContext>(name: string): TracingChannel<unknown, C> {
  return tracingChannel<unknown, C>(name);
}

/** The library's tracing channels, to subscribe to (or `tracingChannel(name)` with the names). */
export const tracingChannels = {
  /** `rndc:command`. */
  command: channel<CommandTraceContext>(TRACING_CHANNELS.command),
  /** `rndc:connect`. */
  connect: channel<ConnectTraceContext>(TRACING_CHANNELS.connect),
  /** `rndc:update`. */
  update: channel<UpdateTraceContext>(TRACING_CHANNELS.update),
  /** `rndc:transfer`. */
  transfer: channel<TransferTraceContext>(TRACING_CHANNELS.transfer),
  /** `rndc:verify`. */
  verify: channel<VerifyTraceContext>(TRACING_CHANNELS.verify),
} as const;

/**
 * Runs `work` traced on `on`: start/end around the call, asyncStart/asyncEnd when it settles,
 * error for an `Err` or a rejection. `context` is built only when someone listens; `settled`
 * adds the fields of the value.
 *
 * @internal
 */
export function traced<C extends TraceContext, T, E extends { readonly kind: string }>(
  on: TracingChannel<unknown, C>,
  context: () => C,
  work: () => Promise<Result<T, E>>,
  settled?: (result: Result<T, E>, context: C) => void,
): Promise<Result<T, E>> {
  if (!listening(on)) return work();
  const ctx = context();
  // The global `performance`: node:perf_hooks loads only once a trace is listened to.
  const started = performance.now();
  const finish = () => {
    ctx.durationMs = performance.now() - started;
  };
  return on.start.runStores(ctx, () => {
    let promise: Promise<Result<T, E>>;
    try {
      promise = work();
    } catch (error) {
      ctx.error = error;
      ctx.ok = false;
      finish();
      on.error.publish(ctx);
      throw error;
    } finally {
      on.end.publish(ctx);
    }
    return promise.then(
      (result) => {
        finish();
        ctx.ok = result.isOk();
        if (result.isErr()) {
          ctx.errorKind = result.error.kind;
          ctx.error = result.error;
        }
        settled?.(result, ctx);
        if (result.isErr()) on.error.publish(ctx);
        on.asyncStart.publish(ctx);
        on.asyncEnd.publish(ctx);
        return result;
      },
      (error: unknown) => {
        finish();
        ctx.ok = false;
        ctx.error = error;
        on.error.publish(ctx);
        on.asyncStart.publish(ctx);
        on.asyncEnd.publish(ctx);
        throw error;
      },
    );
  });
}

/** Whether anyone listens (`TracingChannel.hasSubscribers` is missing before Node 20.13). */
function listening(on: TracingChannel<unknown, object>): boolean {
  return (
    on.start.hasSubscribers ||
    on.end.hasSubscribers ||
    on.asyncStart.hasSubscribers ||
    on.asyncEnd.hasSubscribers ||
    on.error.hasSubscribers
  );
}

/** `host`, `port` and `server` (`host#port`) of a context. */
export function endpoint(host: string, port: number): TraceEndpoint {
  return { server: `${host}#${port}`, host, port };
}

/** A zone name for a context: as operators write it, without the trailing dot (`.` stays). */
export function zoneText(name: string): string {
  return name.length > 1 && name.endsWith('.') ? name.slice(0, -1) : name;
}

/** The endpoint of a `host#port` text (an `RndcClient`'s `server`), or nothing. */
export function endpointOf(server: unknown): Partial<TraceEndpoint> {
  if (typeof server !== 'string') return {};
  const at = server.lastIndexOf('#');
  const port = Number(server.slice(at + 1));
  return at > 0 && Number.isInteger(port) ? endpoint(server.slice(0, at), port) : {};
}
