/**
 * DNS exchanges over UDP and TCP for dynamic update — the only code that owns these sockets.
 *
 * - UDP when the request fits in 512 bytes (no EDNS, as nsupdate), TCP otherwise, and TCP again
 *   when a UDP reply has TC set (nsupdate does not; dnspython does).
 * - Retries resend the identical bytes (same ID, same TSIG time and MAC), as nsupdate does.
 * - A datagram is considered only when it comes from the server's address and port and carries
 *   the request's ID; the caller's `check` then accepts it or says why it is ignored (bad MAC,
 *   wrong opcode…), and the exchange keeps waiting until the deadline (RFC 8945 §5.4).
 * - One UDP socket per client and address family carries many requests at once, keyed by ID. It
 *   is connected to the server, so the kernel reports ICMP port unreachable (ECONNREFUSED): every
 *   UDP exchange in flight then fails at once instead of waiting for its deadline.
 * - `close()` ends every exchange in flight (`aborted`), also one still resolving the server's
 *   host name (it sends nothing then), and refuses later ones.
 * - A hostile server cannot make an exchange hold more memory than it asks for: what is kept
 *   about ignored replies is a count and a few distinct reasons ({@link IgnoredReplies}), and a
 *   TCP frame is reassembled in one buffer of its announced size (at most 64 KiB).
 * - Message IDs are reserved, never spun for: with all 65,536 in use, a send waits in a queue
 *   for one to be released, bounded by its deadline and signal ({@link DnsTransport.reserveId}).
 */

import { randomFillSync, randomInt } from 'node:crypto';
import { createSocket, type RemoteInfo, type Socket as UdpSocket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { connect, isIP, type Socket } from 'node:net';

/** Largest request sent over UDP (RFC 1035 §4.2.1; nsupdate sends no EDNS). */
export const MAX_UDP_REQUEST = 512;

/** Largest DNS message: TCP's 2-byte length prefix (RFC 1035 §4.2.2). */
export const MAX_MESSAGE = 65_535;

/** Message IDs {@link DnsTransport.reserveId} hands out per turn of the event loop. */
export const GRANTS_PER_TURN = 256;

/** Distinct reasons kept about ignored replies; the rest are only counted. */
export const IGNORED_SAMPLE_SIZE = 8;

/**
 * What an exchange keeps about the replies it ignored: how many, and the first few distinct
 * reasons. Bounded whatever the server sends (a flood of forged replies costs a counter).
 */
export class IgnoredReplies {
  #count = 0;
  readonly #sample: string[] = [];

  /** Counts one ignored reply. */
  add(reason: string): void {
    this.#count++;
    if (this.#sample.length < IGNORED_SAMPLE_SIZE && !this.#sample.includes(reason))
      this.#sample.push(reason);
  }

  /** Replies ignored in all. */
  get count(): number {
    return this.#count;
  }

  /** Up to {@link IGNORED_SAMPLE_SIZE} distinct reasons, first seen first. */
  get sample(): readonly string[] {
    return [...this.#sample];
  }
}

/** What the caller's check says about a reply with the right ID from the right peer. */
export type ReplyCheck<T> =
  | { readonly verdict: 'accept'; readonly value: T }
  /**
   * A reply that cannot be authenticated but that the protocol lets the server send (RFC 8945
   * §5.3.2: unsigned BADSIG/BADKEY). It is kept while the exchange goes on waiting for an
   * accepted reply, for `graceMs` at most (and not past the deadline); if none comes, the
   * exchange ends with this one. Only the first is kept; later ones are ignored.
   */
  | { readonly verdict: 'provisional'; readonly value: T; readonly reason: string }
  | { readonly verdict: 'ignore'; readonly reason: string }
  | { readonly verdict: 'truncated' };

/** Settings of one exchange. */
export interface ExchangeOptions {
  /** Absolute deadline, `Date.now()` milliseconds. */
  readonly deadline: number;
  readonly signal?: AbortSignal | undefined;
  /** Interval between UDP sends. */
  readonly retryIntervalMs: number;
  /** UDP sends in all (first + retries). */
  readonly tries: number;
  /** Use TCP whatever the size. */
  readonly tcp?: boolean | undefined;
  /** How long a provisional reply waits for an accepted one. Default: `retryIntervalMs`. */
  readonly graceMs?: number | undefined;
}

/** A completed exchange. */
export interface Exchanged<T> {
  readonly value: T;
  readonly transport: 'udp' | 'tcp';
  /** Up to {@link IGNORED_SAMPLE_SIZE} distinct reasons why replies were ignored. */
  readonly ignored: readonly string[];
  /** Replies received and ignored in all. */
  readonly ignoredCount: number;
  /** The value is a provisional reply (nothing better came within the grace period). */
  readonly provisional: boolean;
  /**
   * Copies of the request that left this machine (UDP sends, plus one over TCP). With more than
   * one, the reply may answer a later copy while an earlier one was applied (its reply lost).
   */
  readonly copies: number;
}

/** Why an exchange produced no accepted reply. */
export interface ExchangeFailure {
  readonly kind: 'timeout' | 'aborted' | 'network' | 'too-large';
  readonly message: string;
  /** Up to {@link IGNORED_SAMPLE_SIZE} distinct reasons why replies were ignored. */
  readonly ignored: readonly string[];
  /** Replies received and ignored in all. */
  readonly ignoredCount: number;
  /** The request left this machine at least once. */
  readonly sent: boolean;
  readonly cause?: unknown;
}

type Outcome<T> = { ok: true; value: Exchanged<T> } | { ok: false; failure: ExchangeFailure };

/** An exchange in flight (or a reserved ID), by message ID. */
interface Pending {
  readonly onReply: (reply: Buffer, from: RemoteInfo) => void;
  /** The UDP socket failed (ICMP unreachable → ECONNREFUSED). */
  readonly onError?: (error: NodeJS.ErrnoException) => void;
  /** The transport was closed. */
  readonly onClose?: () => void;
}

/** A reserved ID whose exchange has not started or is over: replies to it are dropped. */
const RESERVED: Pending = { onReply: () => {} };

/** Why {@link DnsTransport.reserveId} gave no ID. */
export interface IdWaitFailure {
  readonly kind: 'timeout' | 'aborted';
  readonly message: string;
}

/** A send waiting for a free message ID. */
interface IdWaiter {
  readonly grant: (id: number) => void;
  /** The transport was closed. */
  readonly cancel: () => void;
}

/** The UDP socket of a transport. */
interface UdpHandle {
  readonly socket: UdpSocket;
  /** Settles when `connect()` has (undefined) or has failed (the error). */
  readonly ready: Promise<Error | undefined>;
  /** `connect()` has completed: sends need not wait for `ready`. */
  connected: boolean;
}

/** Exchanges with one DNS server. */
export class DnsTransport {
  readonly #host: string;
  readonly #port: number;
  readonly #sourceAddress: string | undefined;
  #address: Promise<{ address: string; family: 4 | 6 }> | undefined;
  /** The settled value of `#address`. */
  #resolved: { readonly address: string; readonly family: 4 | 6 } | undefined;
  #udp: UdpHandle | undefined;
  readonly #pending = new Map<number, Pending>();
  /** Sends waiting for an ID, first come first served (a Set: O(1) removal on expiry). */
  readonly #idWaiters = new Set<IdWaiter>();
  #closed = false;

  constructor(host: string, port: number, sourceAddress?: string) {
    this.#host = host;
    this.#port = port;
    this.#sourceAddress = sourceAddress;
    this.#server = `${host}#${port}`;
  }

  /** `host#port`, as BIND prints it. */
  get server(): string {
    return this.#server;
  }

  readonly #server: string;

  /**
   * Reserves a message ID that no other exchange in flight uses, or returns undefined when all
   * 65,536 are in use (never loops: a few random picks, then one scan from a random start). The
   * ID must be reserved from here until its exchange ends, not just picked: another send may
   * allocate while this one is still signing, and two exchanges sharing an ID would steal each
   * other's replies. The reservation ends with {@link exchange} or {@link releaseId}.
   */
  allocateId(): number | undefined {
    if (this.#pending.size >= 0x10000) return undefined;
    for (let attempt = 0; attempt < 8; attempt++) {
      const id = this.#randomId();
      if (!this.#pending.has(id)) {
        this.#pending.set(id, RESERVED);
        return id;
      }
    }
    const from = randomInt(0, 0x10000);
    for (let i = 0; i < 0x10000; i++) {
      const id = (from + i) & 0xffff;
      if (!this.#pending.has(id)) {
        this.#pending.set(id, RESERVED);
        return id;
      }
    }
    return undefined;
  }

  /** Unpredictable IDs (RFC 5452 §9.2), drawn from the CSPRNG 256 at a time. */
  readonly #ids = new Uint16Array(256);
  #idsLeft = 0;

  #randomId(): number {
    if (this.#idsLeft === 0) {
      randomFillSync(this.#ids);
      this.#idsLeft = this.#ids.length;
    }
    return this.#ids[--this.#idsLeft]!;
  }

  /**
   * Reserves a message ID like {@link allocateId}; when all 65,536 are in use, waits (first come,
   * first served) until an exchange releases one, the deadline passes or `signal` aborts.
   *
   * At most {@link GRANTS_PER_TURN} IDs are handed out per turn of the event loop; the rest wait
   * for the next turn. A caller starting 100,000 sends at once would otherwise run all their
   * signing and sending in one microtask flush, and no timer (deadlines included) could fire
   * until it ended.
   */
  reserveId(options: {
    readonly deadline: number;
    readonly signal?: AbortSignal | undefined;
  }): Promise<{ id: number } | { failure: IdWaitFailure }> {
    if (this.#closed)
      return Promise.resolve({
        failure: { kind: 'aborted', message: 'the client was closed' },
      });
    if (this.#idWaiters.size === 0 && this.#grantsThisTurn < GRANTS_PER_TURN) {
      const id = this.allocateId();
      if (id !== undefined) {
        this.#countGrant();
        return Promise.resolve({ id });
      }
    }
    return new Promise((resolve) => {
      const done = (outcome: { id: number } | { failure: IdWaitFailure }) => {
        this.#idWaiters.delete(waiter);
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        resolve(outcome);
      };
      const waiter: IdWaiter = {
        grant: (granted) => done({ id: granted }),
        cancel: () => done({ failure: { kind: 'aborted', message: 'the client was closed' } }),
      };
      const onAbort = () =>
        done({ failure: { kind: 'aborted', message: `the update to ${this.server} was aborted` } });
      const timer = setTimeout(
        () =>
          done({
            failure: {
              kind: 'timeout',
              message:
                this.#pending.size >= 0x10000
                  ? `no message ID became free before the deadline: 65,536 exchanges with ${this.server} were in flight (nothing was sent)`
                  : `the deadline passed while the update waited its turn to be sent to ${this.server} (nothing was sent)`,
            },
          }),
        Math.max(0, options.deadline - Date.now()),
      );
      if (options.signal?.aborted) {
        onAbort();
        return;
      }
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.#idWaiters.add(waiter);
    });
  }

  /** IDs handed out in this turn of the event loop (see {@link reserveId}). */
  #grantsThisTurn = 0;

  #countGrant(): void {
    if (this.#grantsThisTurn++ > 0) return;
    // Next turn (after timers): a new allowance, and the waiters it can serve.
    setImmediate(() => {
      this.#grantsThisTurn = 0;
      this.#drainWaiters();
    });
  }

  /** Hands free IDs to waiting sends, within this turn's allowance. */
  #drainWaiters(): void {
    while (this.#idWaiters.size > 0 && this.#grantsThisTurn < GRANTS_PER_TURN) {
      const id = this.allocateId();
      if (id === undefined) return;
      const waiter = this.#idWaiters.values().next().value as IdWaiter;
      this.#countGrant();
      waiter.grant(id);
    }
  }

  /** Gives back an ID from {@link allocateId} that will not be used for an exchange. */
  releaseId(id: number): void {
    if (!this.#pending.delete(id)) return;
    if (this.#idWaiters.size === 0 || this.#grantsThisTurn >= GRANTS_PER_TURN) return;
    // Straight to the first waiting send, still reserved (no search for a free ID).
    this.#pending.set(id, RESERVED);
    const waiter = this.#idWaiters.values().next().value as IdWaiter;
    this.#countGrant();
    waiter.grant(id);
  }

  /** Sends `request` (whose ID is `id`) and returns the first reply `check` accepts. */
  async exchange<T>(
    request: Buffer,
    id: number,
    check: (reply: Buffer) => ReplyCheck<T>,
    options: ExchangeOptions,
  ): Promise<Outcome<T>> {
    try {
      if (request.length > MAX_MESSAGE) {
        // The 2-byte TCP length prefix cannot say it (a socket write would throw).
        return {
          ok: false,
          failure: {
            kind: 'too-large',
            message: `the message is ${request.length} bytes, over the ${MAX_MESSAGE}-byte limit of a DNS message`,
            ignored: [],
            ignoredCount: 0,
            sent: false,
          },
        };
      }
      if (this.#closed) return { ok: false, failure: closedFailure(this.server, false) };
      if (Date.now() >= options.deadline) {
        // E.g. a send that waited for a message ID until its deadline: nothing goes out late.
        return {
          ok: false,
          failure: {
            kind: 'timeout',
            message: `the deadline passed before the update was sent to ${this.server} (nothing was sent)`,
            ignored: [],
            ignoredCount: 0,
            sent: false,
          },
        };
      }
      // Once the address is known (an IP address, or a name resolved before), no lookup to wait
      // for: no promise, timer or registration per exchange.
      const resolved = this.#resolved
        ? { address: this.#resolved }
        : await this.#resolveFor(id, options);
      if ('failure' in resolved) return { ok: false, failure: resolved.failure };
      // close() may have come after the lookup settled but before this line: nothing is sent.
      if (this.#closed) return { ok: false, failure: closedFailure(this.server, false) };
      const ignored = new IgnoredReplies();
      if (options.tcp || request.length > MAX_UDP_REQUEST) {
        return await this.#tcp(request, id, check, options, resolved.address, ignored);
      }
      const udp = await this.#udpExchange(request, id, check, options, resolved.address, ignored);
      if (!('truncated' in udp)) return udp;
      // close() may have come between the TC reply and this line: no TCP copy goes out then.
      if (this.#closed) return { ok: false, failure: closedFailure(this.server, true, ignored) };
      // The UDP copy reached the server (it answered TC): whatever happens over TCP, the
      // update may have been applied.
      return await this.#tcp(request, id, check, options, resolved.address, ignored, udp.truncated);
    } finally {
      // The ID stays reserved until the exchange is over (see allocateId).
      this.releaseId(id);
    }
  }

  /** UDP exchanges in progress: the socket keeps the process alive only while there are some. */
  #active = 0;

  /**
   * Closes the UDP socket. Exchanges in flight fail (`aborted`), including those still resolving
   * the server's host name (they send nothing) and those waiting for an ID, and so do later ones.
   */
  close(): void {
    this.#closed = true;
    for (const pending of [...this.#pending.values()]) pending.onClose?.();
    for (const waiter of [...this.#idWaiters]) waiter.cancel();
    this.#udp?.socket.close();
    this.#udp = undefined;
  }
  /**
   * The server's address for exchange `id`, while the exchange is registered under its ID:
   * close() ends a lookup still in progress (`aborted`), and so do the caller's signal and the
   * deadline (`timeout`), instead of letting the exchange send once the host name resolves.
   */
  #resolveFor(
    id: number,
    options: ExchangeOptions,
  ): Promise<{ address: { address: string; family: 4 | 6 } } | { failure: ExchangeFailure }> {
    return new Promise((resolve) => {
      let settled = false;
      const finish = (
        outcome: { address: { address: string; family: 4 | 6 } } | { failure: ExchangeFailure },
      ) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadlineTimer);
        options.signal?.removeEventListener('abort', onAbort);
        if (this.#pending.get(id) === entry) this.#pending.set(id, RESERVED);
        resolve(outcome);
      };
      const failure = (kind: ExchangeFailure['kind'], message: string) =>
        finish({ failure: { kind, message, ignored: [], ignoredCount: 0, sent: false } });
      const onAbort = () => failure('aborted', `the update to ${this.server} was aborted`);
      const entry: Pending = {
        onReply: RESERVED.onReply,
        onClose: () => finish({ failure: closedFailure(this.server, false) }),
      };
      this.#pending.set(id, entry);
      const deadlineTimer = setTimeout(
        () =>
          failure(
            'timeout',
            `no valid reply from ${this.server}: resolving ${this.#host} did not finish before the deadline (0 sends)`,
          ),
        Math.max(0, options.deadline - Date.now()),
      );
      if (options.signal?.aborted) {
        onAbort();
        return;
      }
      options.signal?.addEventListener('abort', onAbort, { once: true });
      void this.#resolve().then(finish);
    });
  }

  async #resolve(): Promise<
    { address: { address: string; family: 4 | 6 } } | { failure: ExchangeFailure }
  > {
    this.#address ??= (async () => {
      const family = isIP(this.#host);
      if (family === 4 || family === 6) {
        this.#resolved = { address: this.#host, family };
        return this.#resolved;
      }
      const found = await lookup(this.#host);
      this.#resolved = { address: found.address, family: found.family === 6 ? 6 : 4 };
      return this.#resolved;
    })();
    try {
      return { address: await this.#address };
    } catch (error) {
      this.#address = undefined;
      return {
        failure: {
          kind: 'network',
          message: `cannot resolve ${this.#host}: ${(error as Error).message}`,
          ignored: [],
          ignoredCount: 0,
          sent: false,
          cause: error,
        },
      };
    }
  }

  #udpSocket(target: { address: string; family: 4 | 6 }): UdpHandle {
    if (this.#udp) return this.#udp;
    const socket = createSocket(target.family === 6 ? 'udp6' : 'udp4');
    socket.on('message', (reply, from) => {
      if (reply.length < 2) return;
      this.#pending.get(reply.readUInt16BE(0))?.onReply(reply, from);
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // ICMP unreachable (ECONNREFUSED) or a broken socket: every UDP exchange in flight fails
      // now, and the socket is replaced on next use.
      if (this.#udp?.socket === socket) this.#udp = undefined;
      for (const pending of [...this.#pending.values()]) pending.onError?.(error);
      socket.close();
    });
    if (this.#sourceAddress) socket.bind({ address: this.#sourceAddress, port: 0 });
    const udp = {
      socket,
      ready: new Promise<Error | undefined>((resolve) => {
        try {
          socket.connect(this.#port, target.address, () => {
            udp.connected = true;
            resolve(undefined);
          });
        } catch (error) {
          resolve(error as Error);
        }
      }),
      connected: false,
    };
    socket.unref();
    this.#udp = udp;
    return udp;
  }

  #udpExchange<T>(
    request: Buffer,
    id: number,
    check: (reply: Buffer) => ReplyCheck<T>,
    options: ExchangeOptions,
    target: { address: string; family: 4 | 6 },
    ignored: IgnoredReplies,
  ): Promise<Outcome<T> | { readonly truncated: number }> {
    return new Promise((resolve) => {
      const udp = this.#udpSocket(target);
      const { socket } = udp;
      let sends = 0;
      /**
       * One timer at a time: the next resend, the end of the wait after the last send, or the
       * deadline, whichever comes first.
       */
      let timer: NodeJS.Timeout | undefined;
      let settled = false;
      const held = new Provisional<T>(options, () => finish(held.outcome('udp', ignored, sends)!));
      const finish = (outcome: Outcome<T> | { readonly truncated: number }) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        held.clear();
        options.signal?.removeEventListener('abort', onAbort);
        // Stop routing replies here; the ID itself stays reserved until exchange() returns.
        this.#pending.set(id, RESERVED);
        this.#active--;
        if (this.#active === 0) this.#udp?.socket.unref();
        resolve(outcome);
      };
      const fail = (kind: ExchangeFailure['kind'], message: string, cause?: unknown) =>
        finish(
          // A kept provisional reply is the answer when nothing better came (timeout only).
          (kind === 'timeout' ? held.outcome('udp', ignored, sends) : undefined) ?? {
            ok: false,
            failure: failure(kind, message, ignored, sends > 0, cause),
          },
        );
      const timedOut = () => fail('timeout', timeoutMessage(this.server, sends, ignored));
      const untilDeadline = () => Math.max(0, options.deadline - Date.now());
      const onSent = (error: Error | null) => {
        if (error) fail('network', `send to ${this.server} failed: ${error.message}`, error);
      };
      const send = () => {
        if (settled) return;
        sends++;
        try {
          socket.send(request, onSent);
        } catch (error) {
          // The socket was closed under us (an error replaced it).
          fail('network', `send to ${this.server} failed: ${(error as Error).message}`, error);
          return;
        }
        clearTimeout(timer);
        const left = untilDeadline();
        timer =
          options.retryIntervalMs < left
            ? setTimeout(sends < options.tries ? send : timedOut, options.retryIntervalMs)
            : setTimeout(timedOut, left);
      };
      const onAbort = () => fail('aborted', `the update to ${this.server} was aborted`);
      this.#pending.set(id, {
        onError: (error) =>
          fail(
            'network',
            error.code === 'ECONNREFUSED'
              ? `${this.server} refused the UDP message (ICMP port unreachable): nothing listens on that port`
              : `UDP to ${this.server} failed: ${error.message}`,
            error,
          ),
        onReply: (reply, from) => {
          if (from.address !== target.address || from.port !== this.#port) {
            ignored.add(`a reply from ${from.address}#${from.port}, not the server`);
            return;
          }
          const verdict = check(reply);
          if (verdict.verdict === 'accept') {
            held.supersede(ignored);
            finish({ ok: true, value: exchanged(verdict.value, 'udp', ignored, false, sends) });
          } else if (verdict.verdict === 'truncated') finish({ truncated: sends });
          else if (verdict.verdict === 'provisional') held.offer(verdict, ignored);
          else ignored.add(verdict.reason);
        },
        onClose: () =>
          finish({ ok: false, failure: closedFailure(this.server, sends > 0, ignored) }),
      });
      if (this.#active++ === 0) socket.ref();
      if (options.signal?.aborted) {
        onAbort();
        return;
      }
      options.signal?.addEventListener('abort', onAbort, { once: true });
      if (udp.connected) {
        send();
        return;
      }
      timer = setTimeout(timedOut, untilDeadline());
      void udp.ready.then((error) => {
        if (error) fail('network', `UDP to ${this.server} failed: ${error.message}`, error);
        else send();
      });
    });
  }

  #tcp<T>(
    request: Buffer,
    id: number,
    check: (reply: Buffer) => ReplyCheck<T>,
    options: ExchangeOptions,
    target: { address: string; family: 4 | 6 },
    ignored: IgnoredReplies,
    udpCopies = 0,
  ): Promise<Outcome<T>> {
    return new Promise((resolve) => {
      let socket: Socket;
      try {
        socket = connect({
          host: target.address,
          port: this.#port,
          ...(this.#sourceAddress ? { localAddress: this.#sourceAddress } : {}),
        });
      } catch (error) {
        // E.g. a local address net.connect refuses synchronously: a value, never a rejection.
        const message = `TCP to ${this.server}: ${(error as Error).message}`;
        resolve({ ok: false, failure: failure('network', message, ignored, udpCopies > 0, error) });
        return;
      }
      socket.setNoDelay(true);
      /** The request left this machine (over UDP before a TC, or written to this connection). */
      let sent = udpCopies > 0;
      let settled = false;
      const frames = new FrameReader();
      /** The request was written to this connection. */
      let written = false;
      const copies = () => udpCopies + (written ? 1 : 0);
      const held = new Provisional<T>(options, () =>
        finish(held.outcome('tcp', ignored, copies())!),
      );
      const finish = (outcome: Outcome<T>) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadlineTimer);
        held.clear();
        options.signal?.removeEventListener('abort', onAbort);
        this.#pending.set(id, RESERVED);
        socket.destroy();
        resolve(outcome);
      };
      const fail = (kind: ExchangeFailure['kind'], message: string, cause?: unknown) =>
        finish(
          // The server closing or the deadline: a kept provisional reply is the answer.
          (kind !== 'aborted' ? held.outcome('tcp', ignored, copies()) : undefined) ?? {
            ok: false,
            failure: failure(kind, message, ignored, sent, cause),
          },
        );
      const onAbort = () => fail('aborted', `the update to ${this.server} was aborted`);
      this.#pending.set(id, {
        onReply: RESERVED.onReply,
        onClose: () => finish({ ok: false, failure: closedFailure(this.server, sent, ignored) }),
      });
      const deadlineTimer = setTimeout(
        () => fail('timeout', timeoutMessage(this.server, copies(), ignored, 'TCP')),
        Math.max(0, options.deadline - Date.now()),
      );
      socket.on('connect', () => {
        // Length prefix and message in one write (RFC 1035 §4.2.2); exchange() checked the size.
        const length = Buffer.alloc(2);
        length.writeUInt16BE(request.length);
        socket.write(Buffer.concat([length, request]));
        sent = true;
        written = true;
      });
      socket.on('data', (chunk: Buffer) => {
        frames.push(chunk, (reply) => {
          if (settled) return false;
          if (reply.length < 2 || reply.readUInt16BE(0) !== id) {
            ignored.add(
              reply.length < 12
                ? 'a TCP frame shorter than a DNS header'
                : 'a TCP reply with another message ID',
            );
            return true;
          }
          const verdict = check(reply);
          if (verdict.verdict === 'accept') {
            held.supersede(ignored);
            finish({ ok: true, value: exchanged(verdict.value, 'tcp', ignored, false, copies()) });
            return false;
          }
          if (verdict.verdict === 'provisional') held.offer(verdict, ignored);
          else
            ignored.add(
              verdict.verdict === 'truncated' ? 'a truncated reply over TCP' : verdict.reason,
            );
          return true;
        });
      });
      socket.on('error', (error: NodeJS.ErrnoException) =>
        fail(
          'network',
          `TCP to ${this.server}: ${error.code === 'ECONNREFUSED' ? 'connection refused' : error.message}`,
          error,
        ),
      );
      socket.on('close', () =>
        fail('network', `${this.server} closed the TCP connection before a valid reply`),
      );
      if (options.signal?.aborted) onAbort();
      else options.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

/**
 * Reassembles length-prefixed DNS messages from a TCP stream (RFC 1035 §4.2.2): a message whole
 * inside one chunk is a view of it, one split across chunks is copied once into a buffer of the
 * announced size. Memory is bounded by 2 + 65,535 bytes per message whatever the peer sends (no
 * growing concatenation).
 */
export class FrameReader {
  readonly #prefix = Buffer.alloc(2);
  #prefixFill = 0;
  #frame: Buffer | undefined;
  #fill = 0;

  /**
   * Consumes `chunk`, calling `onFrame` with each complete message (a buffer the callee may
   * keep). Stops early, dropping the rest, when `onFrame` returns false.
   */
  push(chunk: Buffer, onFrame: (frame: Buffer) => boolean): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.#frame === undefined && this.#prefixFill === 0 && offset + 2 <= chunk.length) {
        // A whole message inside the chunk is handed on as a view of it: Node gives each socket
        // read a buffer of its own, so nothing writes to it again (no copy of a zone transfer).
        const length = (chunk[offset]! << 8) | chunk[offset + 1]!;
        if (offset + 2 + length <= chunk.length) {
          const frame = chunk.subarray(offset + 2, offset + 2 + length);
          offset += 2 + length;
          if (!onFrame(frame)) return;
          continue;
        }
      }
      if (this.#frame === undefined) {
        const take = Math.min(2 - this.#prefixFill, chunk.length - offset);
        chunk.copy(this.#prefix, this.#prefixFill, offset, offset + take);
        this.#prefixFill += take;
        offset += take;
        if (this.#prefixFill < 2) return;
        this.#prefixFill = 0;
        this.#frame = Buffer.allocUnsafe(this.#prefix.readUInt16BE(0));
        this.#fill = 0;
      }
      const take = Math.min(this.#frame.length - this.#fill, chunk.length - offset);
      chunk.copy(this.#frame, this.#fill, offset, offset + take);
      this.#fill += take;
      offset += take;
      if (this.#fill < this.#frame.length) return;
      const frame = this.#frame;
      this.#frame = undefined;
      if (!onFrame(frame)) return;
    }
  }
}

/** The first provisional reply of an exchange, and the grace timer that ends the wait for better. */
class Provisional<T> {
  #value: { readonly value: T; readonly reason: string } | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: ExchangeOptions,
    private readonly onGraceOver: () => void,
  ) {}

  offer(verdict: { readonly value: T; readonly reason: string }, ignored: IgnoredReplies): void {
    if (this.#value) {
      ignored.add(verdict.reason);
      return;
    }
    this.#value = { value: verdict.value, reason: verdict.reason };
    const grace = this.options.graceMs ?? this.options.retryIntervalMs;
    this.#timer = setTimeout(
      this.onGraceOver,
      Math.max(0, Math.min(grace, this.options.deadline - Date.now())),
    );
  }

  /** The exchange's outcome with the kept reply, or undefined when there is none. */
  outcome(
    transport: 'udp' | 'tcp',
    ignored: IgnoredReplies,
    copies: number,
  ): Outcome<T> | undefined {
    if (!this.#value) return undefined;
    return { ok: true, value: exchanged(this.#value.value, transport, ignored, true, copies) };
  }

  /** An accepted reply came: the kept one is counted as ignored. */
  supersede(ignored: IgnoredReplies): void {
    if (this.#value) ignored.add(this.#value.reason);
  }

  clear(): void {
    clearTimeout(this.#timer);
  }
}

function exchanged<T>(
  value: T,
  transport: 'udp' | 'tcp',
  ignored: IgnoredReplies,
  provisional: boolean,
  copies: number,
): Exchanged<T> {
  return {
    value,
    transport,
    ignored: ignored.sample,
    ignoredCount: ignored.count,
    provisional,
    copies,
  };
}

function failure(
  kind: ExchangeFailure['kind'],
  message: string,
  ignored: IgnoredReplies,
  sent: boolean,
  cause: unknown,
): ExchangeFailure {
  return {
    kind,
    message,
    ignored: ignored.sample,
    ignoredCount: ignored.count,
    sent,
    ...(cause ? { cause } : {}),
  };
}

function closedFailure(server: string, sent: boolean, ignored?: IgnoredReplies): ExchangeFailure {
  return {
    kind: 'aborted',
    message: `the client was closed${sent ? ` while waiting for ${server}; the update may have been applied` : ''}`,
    ignored: ignored?.sample ?? [],
    ignoredCount: ignored?.count ?? 0,
    sent,
  };
}

function timeoutMessage(
  server: string,
  sends: number,
  ignored: IgnoredReplies,
  via = 'UDP',
): string {
  const tail =
    ignored.count > 0
      ? `; ${ignored.count} reply(ies) were ignored: ${ignored.sample.join('; ')}${ignored.count > ignored.sample.length ? '; …' : ''}`
      : '';
  return `no valid reply from ${server} over ${via} (${sends} send${sends === 1 ? '' : 's'})${tail}`;
}
