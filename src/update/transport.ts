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
 */

import { randomInt } from 'node:crypto';
import { createSocket, type RemoteInfo, type Socket as UdpSocket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { connect, isIP } from 'node:net';

/** Largest request sent over UDP (RFC 1035 §4.2.1; nsupdate sends no EDNS). */
export const MAX_UDP_REQUEST = 512;

/** What the caller's check says about a reply with the right ID from the right peer. */
export type ReplyCheck<T> =
  | { readonly verdict: 'accept'; readonly value: T }
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
  readonly tcp?: boolean;
}

/** A completed exchange. */
export interface Exchanged<T> {
  readonly value: T;
  readonly transport: 'udp' | 'tcp';
  /** Replies that were received and ignored, with the reason (for diagnostics). */
  readonly ignored: readonly string[];
}

/** Why an exchange produced no accepted reply. */
export interface ExchangeFailure {
  readonly kind: 'timeout' | 'aborted' | 'network';
  readonly message: string;
  readonly ignored: readonly string[];
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

/** Exchanges with one DNS server. */
export class DnsTransport {
  readonly #host: string;
  readonly #port: number;
  readonly #sourceAddress: string | undefined;
  #address: Promise<{ address: string; family: 4 | 6 }> | undefined;
  #udp: { readonly socket: UdpSocket; readonly ready: Promise<Error | undefined> } | undefined;
  readonly #pending = new Map<number, Pending>();
  #closed = false;

  constructor(host: string, port: number, sourceAddress?: string) {
    this.#host = host;
    this.#port = port;
    this.#sourceAddress = sourceAddress;
  }

  /** `host#port`, as BIND prints it. */
  get server(): string {
    return `${this.#host}#${this.#port}`;
  }

  /**
   * Reserves a message ID that no other exchange in flight uses. The ID must be reserved from
   * here until its exchange ends, not just picked: another send may allocate while this one is
   * still signing, and two exchanges sharing an ID would steal each other's replies. The
   * reservation ends with {@link exchange} or {@link releaseId}.
   */
  allocateId(): number {
    for (;;) {
      const id = randomInt(0, 0x10000);
      if (this.#pending.has(id)) continue;
      this.#pending.set(id, RESERVED);
      return id;
    }
  }

  /** Gives back an ID from {@link allocateId} that will not be used for an exchange. */
  releaseId(id: number): void {
    this.#pending.delete(id);
  }

  /** Sends `request` (whose ID is `id`) and returns the first reply `check` accepts. */
  async exchange<T>(
    request: Buffer,
    id: number,
    check: (reply: Buffer) => ReplyCheck<T>,
    options: ExchangeOptions,
  ): Promise<Outcome<T>> {
    try {
      if (this.#closed) return { ok: false, failure: closedFailure(this.server, false, []) };
      const resolved = await this.#resolveFor(id, options);
      if ('failure' in resolved) return { ok: false, failure: resolved.failure };
      // close() may have come after the lookup settled but before this line: nothing is sent.
      if (this.#closed) return { ok: false, failure: closedFailure(this.server, false, []) };
      if (options.tcp || request.length > MAX_UDP_REQUEST) {
        return await this.#tcp(request, id, check, options, resolved.address, []);
      }
      const udp = await this.#udpExchange(request, id, check, options, resolved.address);
      if (udp.ok || !('truncated' in udp)) return udp;
      return await this.#tcp(request, id, check, options, resolved.address, udp.ignored);
    } finally {
      // The ID stays reserved until the exchange is over (see allocateId).
      this.releaseId(id);
    }
  }

  /** UDP exchanges in progress: the socket keeps the process alive only while there are some. */
  #active = 0;

  /**
   * Closes the UDP socket. Exchanges in flight fail (`aborted`), including those still resolving
   * the server's host name (they send nothing), and so do later ones.
   */
  close(): void {
    this.#closed = true;
    for (const pending of [...this.#pending.values()]) pending.onClose?.();
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
        finish({ failure: { kind, message, ignored: [], sent: false } });
      const onAbort = () => failure('aborted', `the update to ${this.server} was aborted`);
      const entry: Pending = {
        onReply: RESERVED.onReply,
        onClose: () => finish({ failure: closedFailure(this.server, false, []) }),
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
      if (family === 4 || family === 6) return { address: this.#host, family };
      const found = await lookup(this.#host);
      return { address: found.address, family: found.family === 6 ? 6 : 4 };
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
          sent: false,
          cause: error,
        },
      };
    }
  }

  #udpSocket(target: { address: string; family: 4 | 6 }): {
    readonly socket: UdpSocket;
    readonly ready: Promise<Error | undefined>;
  } {
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
    const ready = new Promise<Error | undefined>((resolve) => {
      try {
        socket.connect(this.#port, target.address, () => resolve(undefined));
      } catch (error) {
        resolve(error as Error);
      }
    });
    socket.unref();
    this.#udp = { socket, ready };
    return this.#udp;
  }

  #udpExchange<T>(
    request: Buffer,
    id: number,
    check: (reply: Buffer) => ReplyCheck<T>,
    options: ExchangeOptions,
    target: { address: string; family: 4 | 6 },
  ): Promise<Outcome<T> | { ok: false; truncated: true; ignored: string[] }> {
    return new Promise((resolve) => {
      const { socket, ready } = this.#udpSocket(target);
      const ignored: string[] = [];
      let sends = 0;
      let retryTimer: NodeJS.Timeout | undefined;
      let settled = false;
      const finish = (outcome: Outcome<T> | { ok: false; truncated: true; ignored: string[] }) => {
        if (settled) return;
        settled = true;
        clearTimeout(retryTimer);
        clearTimeout(deadlineTimer);
        options.signal?.removeEventListener('abort', onAbort);
        // Stop routing replies here; the ID itself stays reserved until exchange() returns.
        this.#pending.set(id, RESERVED);
        this.#active--;
        if (this.#active === 0) this.#udp?.socket.unref();
        resolve(outcome);
      };
      const fail = (kind: ExchangeFailure['kind'], message: string, cause?: unknown) =>
        finish({
          ok: false,
          failure: { kind, message, ignored, sent: sends > 0, ...(cause ? { cause } : {}) },
        });
      const send = () => {
        if (settled) return;
        if (sends >= options.tries) return; // the deadline timer ends the exchange
        sends++;
        try {
          socket.send(request, (error) => {
            if (error) fail('network', `send to ${this.server} failed: ${error.message}`, error);
          });
        } catch (error) {
          // The socket was closed under us (an error replaced it).
          fail('network', `send to ${this.server} failed: ${(error as Error).message}`, error);
          return;
        }
        if (sends < options.tries) retryTimer = setTimeout(send, options.retryIntervalMs);
        else
          retryTimer = setTimeout(
            () => fail('timeout', timeoutMessage(this.server, sends, ignored)),
            options.retryIntervalMs,
          );
      };
      const onAbort = () => fail('aborted', `the update to ${this.server} was aborted`);
      const deadlineTimer = setTimeout(
        () => fail('timeout', timeoutMessage(this.server, sends, ignored)),
        Math.max(0, options.deadline - Date.now()),
      );
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
            ignored.push(`a reply from ${from.address}#${from.port}, not the server`);
            return;
          }
          const verdict = check(reply);
          if (verdict.verdict === 'accept')
            finish({ ok: true, value: { value: verdict.value, transport: 'udp', ignored } });
          else if (verdict.verdict === 'truncated') finish({ ok: false, truncated: true, ignored });
          else ignored.push(verdict.reason);
        },
        onClose: () =>
          finish({ ok: false, failure: closedFailure(this.server, sends > 0, ignored) }),
      });
      this.#active++;
      socket.ref();
      if (options.signal?.aborted) onAbort();
      else {
        options.signal?.addEventListener('abort', onAbort, { once: true });
        void ready.then((error) => {
          if (error) fail('network', `UDP to ${this.server} failed: ${error.message}`, error);
          else send();
        });
      }
    });
  }

  #tcp<T>(
    request: Buffer,
    id: number,
    check: (reply: Buffer) => ReplyCheck<T>,
    options: ExchangeOptions,
    target: { address: string; family: 4 | 6 },
    ignored: string[],
  ): Promise<Outcome<T>> {
    return new Promise((resolve) => {
      const socket = connect({
        host: target.address,
        port: this.#port,
        ...(this.#sourceAddress ? { localAddress: this.#sourceAddress } : {}),
      });
      socket.setNoDelay(true);
      let sent = false;
      let settled = false;
      let buffered = Buffer.alloc(0);
      const finish = (outcome: Outcome<T>) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadlineTimer);
        options.signal?.removeEventListener('abort', onAbort);
        this.#pending.set(id, RESERVED);
        socket.destroy();
        resolve(outcome);
      };
      const fail = (kind: ExchangeFailure['kind'], message: string, cause?: unknown) =>
        finish({
          ok: false,
          failure: { kind, message, ignored, sent, ...(cause ? { cause } : {}) },
        });
      const onAbort = () => fail('aborted', `the update to ${this.server} was aborted`);
      this.#pending.set(id, {
        onReply: RESERVED.onReply,
        onClose: () => finish({ ok: false, failure: closedFailure(this.server, sent, ignored) }),
      });
      const deadlineTimer = setTimeout(
        () => fail('timeout', timeoutMessage(this.server, sent ? 1 : 0, ignored, 'TCP')),
        Math.max(0, options.deadline - Date.now()),
      );
      socket.on('connect', () => {
        // Length prefix and message in one write (RFC 1035 §4.2.2).
        const length = Buffer.alloc(2);
        length.writeUInt16BE(request.length);
        socket.write(Buffer.concat([length, request]));
        sent = true;
      });
      socket.on('data', (chunk: Buffer) => {
        buffered = Buffer.concat([buffered, chunk]);
        while (buffered.length >= 2) {
          const size = buffered.readUInt16BE(0);
          if (buffered.length < size + 2) break;
          const reply = buffered.subarray(2, size + 2);
          buffered = buffered.subarray(size + 2);
          if (reply.length < 2 || reply.readUInt16BE(0) !== id) {
            ignored.push('a TCP reply with another message ID');
            continue;
          }
          const verdict = check(Buffer.from(reply));
          if (verdict.verdict === 'accept') {
            finish({ ok: true, value: { value: verdict.value, transport: 'tcp', ignored } });
            return;
          }
          ignored.push(
            verdict.verdict === 'truncated' ? 'a truncated reply over TCP' : verdict.reason,
          );
        }
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

function closedFailure(server: string, sent: boolean, ignored: readonly string[]): ExchangeFailure {
  return {
    kind: 'aborted',
    message: `the client was closed${sent ? ` while waiting for ${server}; the update may have been applied` : ''}`,
    ignored,
    sent,
  };
}

function timeoutMessage(
  server: string,
  sends: number,
  ignored: readonly string[],
  via = 'UDP',
): string {
  const tail =
    ignored.length > 0
      ? `; ${ignored.length} reply(ies) were ignored: ${[...new Set(ignored)].join('; ')}`
      : '';
  return `no valid reply from ${server} over ${via} (${sends} send${sends === 1 ? '' : 's'})${tail}`;
}
