/**
 * A small pool of control sessions. named's control listener has a backlog of 5 and runs one
 * command per connection at a time (controlconf.c), so parallel commands need a few connections,
 * never dozens. Callers beyond `size` wait in FIFO order, each until its own deadline or signal.
 */
import type { EventEmitter } from 'node:events';
import { Err, Ok, type Result } from '../result.js';
import { RndcError } from './errors.js';
import { ControlSession, type SessionConfig, type SessionEvent } from './session.js';

/**
 * Connection counts of an {@link RndcClient}'s pool, as pg-pool and undici's Pool report them.
 * `open` counts connections whose socket is open; a connection is `busy` while a call uses it
 * (connecting included) and `idle` when it is open and unused.
 */
export interface PoolStats {
  /** Open connections (handshaken or being used). */
  readonly open: number;
  /** Open connections no call is using. */
  readonly idle: number;
  /** Connections a call is using right now (possibly still connecting). */
  readonly busy: number;
  /** Calls waiting for a connection because all `max` are busy. */
  readonly queued: number;
  /** The pool's size (`maxConnections`). */
  readonly max: number;
}

/** A new connection, handshaken (nonce received). */
export interface PoolConnectEvent {
  /** `host#port` of the control channel. */
  readonly server: string;
  /** True when this connection replaces an earlier one of the same pool slot. */
  readonly reconnect: boolean;
}

/** The pool closed a connection nobody used for `idleReconnectMs` (before named's 30 s timer). */
export interface PoolIdleCloseEvent {
  /** `host#port` of the control channel. */
  readonly server: string;
  /** How long the connection had been idle, in milliseconds. */
  readonly idleMs: number;
}

/** A connection failed (connect, handshake, lost connection, bad reply, timeout). */
export interface PoolErrorEvent {
  /** `host#port` of the control channel. */
  readonly server: string;
  /** The failure; the same error is returned to the call that met it. */
  readonly error: RndcError;
}

/**
 * Events of an {@link RndcClient}'s connection pool (`client.on(name, listener)`).
 * `connect` fires for every new connection, `reconnect` in addition when it replaced an earlier
 * one, `idleClose` when the pool closed an unused connection, `error` for a transport failure.
 * An `error` nobody listens to is not thrown (it is also returned as the call's `Err`).
 */
export interface RndcClientEvents {
  /** A new connection, handshaken. */
  connect: [PoolConnectEvent];
  /** A new connection that replaced an earlier one (after `connect`). */
  reconnect: [PoolConnectEvent];
  /** The pool closed a connection nobody used for `idleReconnectMs`. */
  idleClose: [PoolIdleCloseEvent];
  /** A connection failure; also the failed call's `Err`. */
  error: [PoolErrorEvent];
}

/** The caller's bounds while waiting for a connection. */
export interface AcquireOptions {
  /** Absolute deadline, `Date.now()` milliseconds. */
  readonly deadline: number;
  readonly signal?: AbortSignal | undefined;
  /** The command line, for the error when the wait ends without a connection. */
  readonly command: string;
}

interface Waiter {
  readonly grant: (session: ControlSession) => void;
}

export class SessionPool {
  readonly #config: SessionConfig;
  readonly #size: number;
  readonly #events: EventEmitter<RndcClientEvents>;
  readonly #sessions: ControlSession[] = [];
  /** Sessions currently lent out. */
  readonly #lent = new Set<ControlSession>();
  readonly #waiting: Waiter[] = [];

  constructor(config: SessionConfig, size: number, events: EventEmitter<RndcClientEvents>) {
    this.#size = size;
    this.#events = events;
    this.#config = { ...config, onEvent: (event) => this.#notify(event) };
  }

  /**
   * Runs `work` with a session of its own, waiting for one when all are busy. The wait ends at
   * the deadline or when the signal aborts, with nothing sent (`mayHaveRun: false`).
   */
  async use<T>(
    work: (session: ControlSession) => Promise<Result<T, RndcError>>,
    options: AcquireOptions,
  ): Promise<Result<T, RndcError>> {
    const session = await this.#acquire(options);
    if (session.isErr()) return session;
    try {
      return await work(session.value);
    } finally {
      this.#release(session.value);
    }
  }

  /** Counts of connections and waiting calls. */
  stats(): PoolStats {
    let open = 0;
    let idle = 0;
    for (const session of this.#sessions) {
      if (!session.open) continue;
      open++;
      if (!this.#lent.has(session)) idle++;
    }
    return { open, idle, busy: this.#lent.size, queued: this.#waiting.length, max: this.#size };
  }

  /**
   * Closes every connection. Requests in flight end with `closed`, and so do callers still
   * waiting for a session (the session they get is closed: their commands are never sent). The
   * owner (`RndcClient`) refuses new calls after close(), so no session is made after it.
   */
  close(): void {
    for (const session of this.#sessions) session.close();
  }

  async #acquire(options: AcquireOptions): Promise<Result<ControlSession, RndcError>> {
    if (options.signal?.aborted) return Err(this.#notSent('aborted', options));
    const free = this.#sessions.filter((s) => !this.#lent.has(s));
    // Prefer a connection that is already handshaken (it saves two round trips), and among those
    // one that knows the server's version (a version-dependent command then needs no `status`).
    let session =
      free.find((s) => s.serverVersion !== undefined) ?? free.find((s) => s.connected) ?? free[0];
    if (!session && this.#sessions.length < this.#size) {
      session = new ControlSession(this.#config);
      this.#sessions.push(session);
    }
    if (session) {
      this.#lent.add(session);
      return Ok(session);
    }
    return this.#queue(options);
  }

  #queue(options: AcquireOptions): Promise<Result<ControlSession, RndcError>> {
    return new Promise((resolve) => {
      const leave = (why: 'timeout' | 'aborted') => {
        const at = this.#waiting.indexOf(waiter);
        if (at < 0) return;
        this.#waiting.splice(at, 1);
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        resolve(Err(this.#notSent(why, options)));
      };
      const onAbort = () => leave('aborted');
      const waiter: Waiter = {
        grant: (session) => {
          clearTimeout(timer);
          options.signal?.removeEventListener('abort', onAbort);
          resolve(Ok(session));
        },
      };
      const timer = setTimeout(() => leave('timeout'), Math.max(0, options.deadline - Date.now()));
      this.#waiting.push(waiter);
      options.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  #release(session: ControlSession): void {
    const next = this.#waiting.shift();
    if (next) next.grant(session);
    else this.#lent.delete(session);
  }

  #notSent(why: 'timeout' | 'aborted', options: AcquireOptions): RndcError {
    const server = this.#sessions[0]?.server;
    const word = options.command.split(/\s/, 1)[0] ?? '';
    return new RndcError({
      kind: why,
      message:
        why === 'aborted'
          ? `'${word}' was aborted before it was sent`
          : `'${word}' waited for a free connection past its deadline (all ${this.#size} were busy); it was not sent`,
      ...(why === 'timeout'
        ? {
            causes: ['more parallel calls than `maxConnections`, and slow commands ahead of it'],
            remedy: 'raise timeoutMs or maxConnections (named accepts a backlog of 5)',
          }
        : {}),
      ...(server ? { server } : {}),
      command: options.command,
      mayHaveRun: false,
    });
  }

  #notify(event: SessionEvent): void {
    switch (event.type) {
      case 'connect':
        this.#events.emit('connect', { server: event.server, reconnect: event.reconnect });
        if (event.reconnect) {
          this.#events.emit('reconnect', { server: event.server, reconnect: true });
        }
        break;
      case 'idleClose':
        this.#events.emit('idleClose', { server: event.server, idleMs: event.idleMs });
        break;
      case 'error':
        // An unheard 'error' would throw from emit(): the call already returns this error.
        if (this.#events.listenerCount('error') > 0) {
          this.#events.emit('error', { server: event.server, error: event.error });
        }
        break;
    }
  }
}
