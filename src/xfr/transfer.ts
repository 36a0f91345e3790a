/**
 * `transfer()`: a zone transfer (AXFR, RFC 5936) as an async iterator of records, on top of the
 * strict {@link receiveAxfr} client (TSIG over every message, framing checks, bounds).
 *
 * Memory stays constant whatever the zone's size: at most {@link BUFFERED_BATCHES} messages' worth
 * of records wait for the consumer, and while they wait `receiveAxfr` stops reading and pauses the
 * socket, so TCP flow control holds the server back (a 1,000,000-record zone streams through a
 * few hundred KiB).
 *
 * Errors are values: iteration never throws; it simply ends, and {@link ZoneTransfer.done} says how
 * (`Ok(summary)` or `Err(AxfrError)`). Records handed out before an error came from verified
 * messages but are not a whole zone: commit them only once `done` is `Ok`.
 */

import { asyncDispose } from '../dispose.js';
import type { Key } from '../keys/key.js';
import { Err, type Result } from '../result.js';
import type { Name } from '../update/names.js';
import {
  type AxfrError,
  type AxfrOptions,
  type AxfrRecord,
  type AxfrSummary,
  receiveAxfr,
  recordText,
} from './axfr.js';

/** Where and how to transfer a zone; bounds default as in {@link receiveAxfr}. */
export interface TransferOptions {
  /** Server address (an IP address). */
  readonly server: string;
  /** DNS port. Default 53. */
  readonly port?: number | undefined;
  /** TSIG key: the query is signed and every message of the answer must verify. */
  readonly key?: Key | undefined;
  /** Ends the transfer (`aborted`). */
  readonly signal?: AbortSignal | undefined;
  /** Overall deadline in ms. Default 120 000. */
  readonly timeoutMs?: number | undefined;
  /** Longest wait for each message from the server, in ms. Default 15 000. */
  readonly messageTimeoutMs?: number | undefined;
  /** Most bytes of answer accepted. Default 512 MiB. */
  readonly maxBytes?: number | undefined;
  /** Most records accepted. Default 10 000 000. */
  readonly maxRecords?: number | undefined;
}

/** A record of a transfer, with its zone-file line. */
export interface ZoneRecord extends AxfrRecord {
  /** `name ttl class type rdata` (absolute names), as a zone file line without newline. */
  readonly text: string;
}

/** The end of a transfer: how many records, which serial, whether every message was signed. */
export type TransferSummary = AxfrSummary;

/** A running (or not yet started) zone transfer. See {@link transfer}. */
export interface ZoneTransfer extends AsyncIterable<ZoneRecord> {
  /** The records in order: the SOA first, the closing SOA left out. Iterate once. */
  records(): AsyncIterableIterator<ZoneRecord>;
  /**
   * How the transfer ended. Awaiting it without iterating runs the transfer and discards the
   * records (e.g. to learn the serial and the record count). Never rejects.
   */
  readonly done: Promise<Result<TransferSummary, AxfrError>>;
  /** Stops the transfer; `done` becomes `Err` of kind `aborted`. */
  cancel(): void;
  /** Same as {@link ZoneTransfer.cancel} (`await using t = transfer(…)`). */
  [Symbol.asyncDispose](): Promise<void>;
}

/** Messages' worth of records kept for a consumer before the transfer stops reading. */
export const BUFFERED_BATCHES = 2;

/** The record with a lazily made `text` (most consumers of a large zone never ask for it). */
class TransferRecord implements ZoneRecord {
  readonly name: Name;
  readonly type: number;
  readonly class: number;
  readonly ttl: number;
  readonly rdata: Buffer;
  constructor(record: AxfrRecord) {
    this.name = record.name;
    this.type = record.type;
    this.class = record.class;
    this.ttl = record.ttl;
    this.rdata = record.rdata;
  }
  get text(): string {
    return recordText(this);
  }
}

const END: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/**
 * Starts an AXFR of `zone` from `options.server` when first iterated (or when `done` is awaited).
 *
 * @example
 * const t = transfer('example.com', { server: '192.0.2.53', key });
 * for await (const record of t) console.log(record.text);
 * const done = await t.done;             // Result<TransferSummary, AxfrError>
 * if (done.isErr()) console.error(done.error.message);
 */
export function transfer(zone: string, options: TransferOptions): ZoneTransfer {
  const batches: AxfrRecord[][] = [];
  let current: AxfrRecord[] = [];
  let at = 0;
  let finished = false;
  let started = false;
  let iterating = false;
  let wakeConsumer: (() => void) | undefined;
  let wakeProducer: (() => void) | undefined;
  const controller = new AbortController();
  let resolveDone!: (result: Result<TransferSummary, AxfrError>) => void;
  const done = new Promise<Result<TransferSummary, AxfrError>>((resolve) => {
    resolveDone = resolve;
  });
  const signal = options.signal
    ? AbortSignal.any([options.signal, controller.signal])
    : controller.signal;

  const start = (discard: boolean) => {
    if (started) return;
    started = true;
    const axfr: AxfrOptions = {
      host: options.server,
      zone,
      key: options.key,
      signal,
      ...(options.port !== undefined ? { port: options.port } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.messageTimeoutMs !== undefined
        ? { messageTimeoutMs: options.messageTimeoutMs }
        : {}),
      ...(options.maxBytes !== undefined ? { maxBytes: options.maxBytes } : {}),
      ...(options.maxRecords !== undefined ? { maxRecords: options.maxRecords } : {}),
      onRecords: (records) => {
        if (discard) return;
        batches.push(records as AxfrRecord[]);
        wakeConsumer?.();
        if (batches.length < BUFFERED_BATCHES) return;
        // Backpressure: receiveAxfr reads no further (and pauses the socket) until this settles.
        return new Promise<void>((resolve) => {
          wakeProducer = resolve;
        });
      },
    };
    receiveAxfr(axfr)
      .catch((error: unknown) => Err(error as AxfrError))
      .then((result) => {
        finished = true;
        wakeConsumer?.();
        resolveDone(result);
      });
  };

  const take = (): IteratorResult<ZoneRecord, undefined> | undefined => {
    while (at >= current.length) {
      const next = batches.shift();
      if (!next) return undefined;
      current = next;
      at = 0;
      if (batches.length < BUFFERED_BATCHES && wakeProducer) {
        const resolve = wakeProducer;
        wakeProducer = undefined;
        resolve();
      }
    }
    const r = current[at++]!;
    return { done: false, value: new TransferRecord(r) };
  };

  const cancel = () => {
    controller.abort();
    batches.length = 0;
    current = [];
    wakeProducer?.();
  };

  const iterator: AsyncIterableIterator<ZoneRecord> = {
    next: async (): Promise<IteratorResult<ZoneRecord, undefined>> => {
      start(false);
      for (;;) {
        const item = take();
        if (item) return item;
        if (finished) return END;
        await new Promise<void>((resolve) => {
          wakeConsumer = resolve;
        });
        wakeConsumer = undefined;
      }
    },
    // `break` out of a for-await loop: the transfer stops.
    return: async () => {
      if (!finished) cancel();
      return END;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };

  const records = () => {
    if (iterating) {
      throw new TypeError('a transfer can be iterated once (it reads the zone as it goes)');
    }
    iterating = true;
    return iterator;
  };

  return {
    records,
    [Symbol.asyncIterator]: records,
    get done() {
      // Nobody iterates: run the transfer for its summary alone.
      if (!iterating) start(true);
      return done;
    },
    cancel,
    [asyncDispose]: async () => {
      if (!finished) cancel();
      if (started) await done;
    },
  };
}

/** A zone as zone-file text, with its summary. */
export interface ZoneText {
  /** A zone file named-checkzone accepts: `$ORIGIN`, then one absolute record per line. */
  readonly text: string;
  /** The transfer's summary. */
  readonly summary: TransferSummary;
}

/**
 * Transfers `zone` and returns it as zone-file text (in memory: for large zones iterate
 * {@link transfer} and write as you go).
 */
export async function transferZoneText(
  zone: string,
  options: TransferOptions,
): Promise<Result<ZoneText, AxfrError>> {
  const t = transfer(zone, options);
  const lines: string[] = [];
  for await (const record of t) lines.push(record.text);
  const done = await t.done;
  return done.map((summary) => ({
    text: `${zoneFileHeader(summary)}${lines.join('\n')}\n`,
    summary,
  }));
}

/** The comment and `$ORIGIN` line a transferred zone file starts with. */
export function zoneFileHeader(summary: TransferSummary): string {
  return `; ${summary.zone.toString()} serial ${summary.serial}: AXFR from ${summary.server}, ${summary.records} records in ${summary.messages} messages${summary.signed ? ', every message TSIG-verified' : ''}\n$ORIGIN ${summary.zone.toString()}\n`;
}
