/**
 * The TCP connection of one zone transfer (AXFR or IXFR): sends the query, reassembles the
 * answer's messages, hands each one to an {@link XfrReader} (which checks it: ID, TSIG chain,
 * RCODE, framing) and, in stream mode, the records of each checked message to the caller. Owns
 * the bounds: total bytes, the overall deadline, the time allowed for each message, the caller's
 * signal, and backpressure (the socket is paused while the caller is still busy with earlier
 * messages). Settles by the deadline whatever the server does; never throws.
 */
import { connect, type Socket } from 'node:net';
import { Err, Ok, type Result } from '../result.js';
import { type TransferTraceContext, traced, tracingChannels, zoneText } from '../tracing.js';
import { FrameReader } from '../update/transport.js';
import {
  type AxfrError,
  AxfrError as AxfrErrorClass,
  type AxfrErrorKind,
  type AxfrRecord,
  DEFAULT_AXFR_MAX_BYTES,
  DEFAULT_AXFR_MESSAGE_TIMEOUT_MS,
  DEFAULT_AXFR_TIMEOUT_MS,
} from './axfr.js';
import type { IxfrResult, XfrReader } from './reader.js';

/** What one transfer connection needs. */
export interface TransferConnectionOptions {
  readonly host: string;
  readonly port: number;
  /** `host#port`, for messages. */
  readonly server: string;
  /** The zone as the caller wrote it (errors carry it). */
  readonly zone: string;
  /** The zone, absolute, for messages. */
  readonly zoneName: string;
  /** The query, signed when there is a key. */
  readonly query: Buffer;
  /** Checks the answer; made for this query (its ID and MAC). */
  readonly reader: XfrReader;
  /** Stream mode: called with each checked message's records; the next waits for it. */
  readonly onRecords?: ((records: readonly AxfrRecord[]) => void | Promise<void>) | undefined;
  readonly timeoutMs?: number | undefined;
  readonly messageTimeoutMs?: number | undefined;
  readonly maxBytes?: number | undefined;
  readonly signal?: AbortSignal | undefined;
  /** The query type, for the `rndc:transfer` trace. */
  readonly type: 'AXFR' | 'IXFR';
}

/** A completed transfer: the reader's result, and what went through the connection. */
export interface TransferOutcome {
  readonly result: IxfrResult;
  /** Records handed to `onRecords`. */
  readonly records: number;
  /** Bytes of answer (without the TCP length prefixes). */
  readonly bytes: number;
}

/** Messages kept while the caller works on earlier ones, before the socket is paused. */
const QUEUE_HIGH_WATER = 4;

/** Runs one transfer to its result or its error. */
export function runTransferConnection(
  options: TransferConnectionOptions,
): Promise<Result<TransferOutcome, AxfrError>> {
  return traced(
    tracingChannels.transfer,
    (): TransferTraceContext => ({
      server: options.server,
      host: options.host,
      port: options.port,
      zone: zoneText(options.zoneName),
      type: options.type,
    }),
    () => new TransferConnection(options).run(),
    (result, context) => {
      if (result.isErr()) return;
      context.bytes = result.value.bytes;
      if (options.type === 'AXFR') context.records = result.value.records;
    },
  );
}

class TransferConnection {
  readonly #o: TransferConnectionOptions;
  readonly #maxBytes: number;
  #bytes = 0;
  #records = 0;
  #done = false;

  constructor(options: TransferConnectionOptions) {
    this.#o = options;
    this.#maxBytes = options.maxBytes ?? DEFAULT_AXFR_MAX_BYTES;
  }

  #fail(
    kind: AxfrErrorKind,
    message: string,
    extra: {
      causes?: readonly string[];
      remedy?: string;
      messageIndex?: number;
      cause?: unknown;
    } = {},
  ): AxfrError {
    const { messageIndex, ...details } = extra;
    return new AxfrErrorClass(
      { kind, message, ...details },
      { server: this.#o.server, zone: this.#o.zone, messageIndex },
    );
  }

  run(): Promise<Result<TransferOutcome, AxfrError>> {
    const options = this.#o;
    const fail = this.#fail.bind(this);
    const query = this.#o.query;
    const port = this.#o.port;
    return new Promise((resolve) => {
      let settled = false;
      const queue: Buffer[] = [];
      let draining = false;
      let socket: Socket;
      const finish = (result: Result<TransferOutcome, AxfrError>) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        clearTimeout(idle);
        options.signal?.removeEventListener('abort', onAbort);
        socket?.destroy();
        resolve(result);
      };
      const where = () =>
        `after ${this.#o.reader.messages} message(s) and ${this.#records} record(s) from ${this.#o.server}`;
      const timeoutMs = options.timeoutMs ?? DEFAULT_AXFR_TIMEOUT_MS;
      const messageTimeoutMs = options.messageTimeoutMs ?? DEFAULT_AXFR_MESSAGE_TIMEOUT_MS;
      const deadline = setTimeout(
        () =>
          finish(
            Err(
              fail(
                'timeout',
                `the transfer of ${this.#o.zoneName} did not finish within ${timeoutMs} ms (${where()})`,
                {
                  causes: ['a very large zone', 'a server that stalls or trickles the answer'],
                  remedy: 'allow a longer timeout, or transfer when the server is less busy',
                },
              ),
            ),
          ),
        timeoutMs,
      );
      let idle: NodeJS.Timeout | undefined;
      const armIdle = () => {
        clearTimeout(idle);
        idle = setTimeout(
          () =>
            finish(
              Err(
                fail(
                  'timeout',
                  `no complete message ${this.#o.reader.messages + 1} within ${messageTimeoutMs} ms (${where()})`,
                  {
                    messageIndex: this.#o.reader.messages + 1,
                    causes: [
                      'the server stopped sending (overloaded, or a hostile server holding the connection)',
                      'a firewall dropping TCP to the DNS port',
                    ],
                    remedy: 'check that named answers on TCP (dig +tcp SOA), then try again',
                  },
                ),
              ),
            ),
          messageTimeoutMs,
        );
      };
      const onAbort = () =>
        finish(
          Err(fail('aborted', `the transfer of ${this.#o.zoneName} was aborted (${where()})`)),
        );
      if (options.signal?.aborted) {
        onAbort();
        return;
      }
      options.signal?.addEventListener('abort', onAbort, { once: true });
      try {
        socket = connect({ host: options.host, port });
      } catch (error) {
        finish(
          Err(
            fail('network', `TCP to ${this.#o.server}: ${(error as Error).message}`, {
              cause: error,
            }),
          ),
        );
        return;
      }
      socket.setNoDelay(true);
      armIdle();
      const frames = new FrameReader();
      const drain = async () => {
        if (draining) return;
        draining = true;
        try {
          while (!settled && queue.length > 0) {
            const frame = queue.shift()!;
            if (queue.length < QUEUE_HIGH_WATER) socket.resume();
            // Our own writing (a slow disk) is not the server's stall: the per-message clock
            // stops while a message is handled and starts again after it.
            clearTimeout(idle);
            const outcome = await this.#handle(frame);
            if (settled) return;
            armIdle();
            if (outcome.isErr()) {
              finish(Err(outcome.error));
              return;
            }
            if (this.#done) {
              finish(
                Ok({ result: this.#o.reader.result!, records: this.#records, bytes: this.#bytes }),
              );
              return;
            }
          }
        } catch (error) {
          // The caller's onRecords threw (a write error): a value, never a rejection.
          finish(
            Err(
              fail('aborted', `the transfer was stopped: ${(error as Error).message}`, {
                cause: error,
              }),
            ),
          );
        } finally {
          draining = false;
        }
      };
      socket.on('connect', () => {
        const length = Buffer.alloc(2);
        length.writeUInt16BE(query.length);
        socket.write(Buffer.concat([length, query]));
      });
      socket.on('data', (chunk: Buffer) => {
        if (settled || this.#done) return;
        frames.push(chunk, (frame) => {
          if (settled) return false;
          // Counted as they arrive: a flood is cut off even while the caller is still writing.
          this.#bytes += frame.length;
          if (this.#bytes > this.#maxBytes) {
            finish(
              Err(
                fail('too-large', `the answer exceeds ${this.#maxBytes} bytes (${where()})`, {
                  causes: ['a zone larger than the bound', 'a server sending an endless stream'],
                  remedy: 'raise maxBytes if the zone really is that large',
                }),
              ),
            );
            return false;
          }
          armIdle();
          queue.push(frame);
          if (queue.length >= QUEUE_HIGH_WATER) socket.pause();
          return true;
        });
        void drain();
      });
      socket.on('error', (error: NodeJS.ErrnoException) =>
        finish(
          Err(
            fail(
              'network',
              `TCP to ${this.#o.server}: ${error.code === 'ECONNREFUSED' ? 'connection refused' : error.message}`,
              {
                cause: error,
                causes:
                  error.code === 'ECONNREFUSED'
                    ? ['named does not listen on this address and port (listen-on)']
                    : [],
              },
            ),
          ),
        ),
      );
      socket.on('close', () => {
        // Frames still queued are handled first; the end matters only once they are.
        const waitForQueue = async () => {
          while (draining || queue.length > 0) {
            if (settled) return;
            await new Promise((r) => setImmediate(r));
            if (!draining && queue.length > 0) void drain();
          }
          if (settled) return;
          finish(Err(this.#o.reader.end()));
        };
        void waitForQueue();
      });
    });
  }

  /** Checks one message (all of it, in the reader) and hands its records on. */
  async #handle(frame: Buffer): Promise<Result<void, AxfrError>> {
    const reader = this.#o.reader;
    const pushed = reader.push(frame);
    if (pushed.isErr()) return pushed;
    const records = reader.takeRecords();
    this.#records += records.length;
    if (records.length > 0) await this.#o.onRecords?.(records);
    if (pushed.value) this.#done = true;
    return Ok(undefined);
  }
}
