/**
 * A minimal, strict AXFR client (RFC 5936) for copying a zone out of named: one TCP connection,
 * one query, the answer stream checked message by message before any record is handed on.
 *
 * - **TSIG** (RFC 8945 §5.3.1): with a key, the query is signed and every message of the answer
 *   must be signed and verify. The first MAC covers the query MAC and the first message with all
 *   TSIG variables; each later MAC covers the previous MAC, the message and the TSIG timers only.
 *   BIND signs every message it sends (xfrout), so an unsigned message anywhere is refused here,
 *   although RFC 8945 lets a server leave up to 99 in a row unsigned: nothing unauthenticated is
 *   ever written, and the last message is signed by construction.
 * - **Framing** (RFC 5936 §2.2): the first record is the zone's SOA, the transfer ends with the
 *   zone's SOA again (same serial), and nothing may follow it. Records outside the zone, of
 *   another class, or an answer without a closing SOA are errors, never data.
 * - **Bounds**: total bytes and records, an idle timeout per message, an overall deadline and
 *   the caller's signal. Each TCP frame is reassembled in one buffer of its announced size
 *   (≤ 64 KiB); names go through the bounded decoder (pointer loops refused), also inside RDATA.
 *
 * Errors are values ({@link AxfrError}); this module never throws for anything the peer sends.
 */
import { connect, isIP, type Socket } from 'node:net';
import { Err, Ok, type Result } from 'ts-results-es';
import { RndcLibraryError } from '../errors.js';
import type { Key } from '../keys/key.js';
import { type DecodedRecord, encodeQuery } from '../update/message.js';
import { decodeName, Name, NameDecoder, parseName } from '../update/names.js';
import { classToText, formatRdata, typeToText } from '../update/rdata.js';
import { FrameReader } from '../update/transport.js';
import { keyName, signRequest } from '../update/tsig.js';
// The reader imports this module's types and helpers back; nothing of either runs at import.
import { XfrReader } from './reader.js';

/** QTYPE AXFR (RFC 1035 §3.2.3). */
export const TYPE_AXFR = 252;

/** Default bound on the bytes of the whole answer stream. */
export const DEFAULT_AXFR_MAX_BYTES = 512 * 1024 * 1024;
/** Default bound on the records of the answer. */
export const DEFAULT_AXFR_MAX_RECORDS = 10_000_000;
/** Default overall deadline. */
export const DEFAULT_AXFR_TIMEOUT_MS = 120_000;
/** Default time allowed between two complete messages (and for the first). */
export const DEFAULT_AXFR_MESSAGE_TIMEOUT_MS = 15_000;

/** Every way a transfer can fail. */
export type AxfrErrorKind =
  /** A bad zone name, host or option: nothing was sent. */
  | 'invalid-argument'
  /** named answered REFUSED: transfers of this zone are not allowed to this client. */
  | 'refused'
  /** NOTAUTH: not authoritative for the zone, or the key was not accepted (TSIG BADKEY/BADSIG). */
  | 'notauth'
  /** Another RCODE (SERVFAIL, NOTIMP, FORMERR…). */
  | 'rcode'
  /** A message failed TSIG verification, was unsigned, or signed by another key. */
  | 'tsig'
  /** A message that cannot be a DNS message (bad lengths, a compression pointer loop…). */
  | 'malformed'
  /** Valid messages that do not form a zone transfer (no SOA first, records outside the zone…). */
  | 'framing'
  /** The connection ended before the closing SOA. */
  | 'incomplete'
  /** More bytes or records than the bounds allow. */
  | 'too-large'
  /** The overall deadline or the per-message timeout passed. */
  | 'timeout'
  | 'aborted'
  /** TCP could not connect or broke. */
  | 'network';

/** Why a transfer failed; `messageIndex` is the 1-based message at fault, when one was. */
export class AxfrError extends RndcLibraryError<AxfrErrorKind> {
  /** `host#port`. */
  readonly server: string;
  /** The zone asked for. */
  readonly zone: string;
  /** The 1-based number of the message that failed, when a message did. */
  readonly messageIndex: number | undefined;
  /** The RCODE named answered, for `refused`, `notauth` and `rcode`. */
  readonly rcode: string | undefined;

  constructor(
    details: {
      kind: AxfrErrorKind;
      message: string;
      causes?: readonly string[];
      remedy?: string;
      cause?: unknown;
    },
    where: {
      server: string;
      zone: string;
      messageIndex?: number | undefined;
      rcode?: string | undefined;
    },
  ) {
    super(details);
    this.server = where.server;
    this.zone = where.zone;
    this.messageIndex = where.messageIndex;
    this.rcode = where.rcode;
  }
}

/** One record of the zone, names absolute and RDATA without compression. */
export interface AxfrRecord {
  /** Owner name, absolute. */
  readonly name: Name;
  /** RR type number. */
  readonly type: number;
  /** Class number (always IN: other classes are refused). */
  readonly class: number;
  /** TTL in seconds. */
  readonly ttl: number;
  /**
   * Wire RDATA with every name expanded (no compression pointers). It may be a view of the
   * message it came in (never reused or written by the client): `Buffer.from` it to keep the
   * bytes without the rest of that message.
   */
  readonly rdata: Buffer;
}

/** Options of {@link receiveAxfr}. */
export interface AxfrOptions {
  /** Server address (an IP address). */
  readonly host: string;
  /** DNS port. Default 53. */
  readonly port?: number;
  /** The zone, with or without the trailing dot. */
  readonly zone: string;
  /** TSIG key: the query is signed and every message of the answer must verify. */
  readonly key?: Key | undefined;
  /**
   * Called with the records of each verified message, in order (the opening SOA included, the
   * closing SOA left out). The next message is not read until the promise settles.
   */
  readonly onRecords: (records: readonly AxfrRecord[]) => void | Promise<void>;
  /** Overall deadline in ms. Default 120 000. */
  readonly timeoutMs?: number;
  /** Longest wait for each complete message, in ms. Default 15 000. */
  readonly messageTimeoutMs?: number;
  /** Most bytes of answer accepted. Default 512 MiB. */
  readonly maxBytes?: number;
  /** Most records accepted. Default 10 000 000. */
  readonly maxRecords?: number;
  /** Ends the transfer at once (`aborted`). */
  readonly signal?: AbortSignal | undefined;
  /** The clock, seconds since the epoch (tests). Default: now. */
  readonly now?: () => number;
}

/** A completed transfer. */
export interface AxfrSummary {
  /** `host#port`. */
  readonly server: string;
  /** The zone, absolute. */
  readonly zone: Name;
  /** The SOA serial of the transfer (opening and closing SOA agree). */
  readonly serial: number;
  /** Records handed to `onRecords` (the closing SOA not counted). */
  readonly records: number;
  /** Messages in the answer. */
  readonly messages: number;
  /** Bytes of answer received (without the TCP length prefixes). */
  readonly bytes: number;
  /** Every message verified with the key. */
  readonly signed: boolean;
}

/** `name ttl class type rdata`, names absolute, as a zone file line (no newline). */
export function recordText(record: AxfrRecord): string {
  return `${record.name.toString()}\t${record.ttl}\t${classToText(record.class)}\t${typeToText(record.type)}\t${formatRdata(record.type, record.rdata, undefined, record.class)}`;
}

/** The SOA serial in uncompressed SOA RDATA, or undefined when malformed. */
export function soaSerial(rdata: Buffer): number | undefined {
  const mname = decodeName(rdata, 0, { compression: false });
  if (mname.isErr()) return undefined;
  const rname = decodeName(rdata, mname.value.end, { compression: false });
  if (rname.isErr() || rname.value.end + 20 !== rdata.length) return undefined;
  return rdata.readUInt32BE(rname.value.end);
}

/**
 * Transfers `zone` from `host` with AXFR, handing each verified message's records to
 * `onRecords`. Settles by `timeoutMs` (or the signal) whatever the server does. Never throws.
 */
export async function receiveAxfr(options: AxfrOptions): Promise<Result<AxfrSummary, AxfrError>> {
  const port = options.port ?? 53;
  const server = `${options.host}#${port}`;
  const fail = (
    kind: AxfrErrorKind,
    message: string,
    extra: {
      causes?: readonly string[];
      remedy?: string;
      messageIndex?: number;
      rcode?: string;
      cause?: unknown;
    } = {},
  ) => {
    const { messageIndex, rcode, ...details } = extra;
    return new AxfrError(
      { kind, message, ...details },
      { server, zone: options.zone, messageIndex, rcode },
    );
  };
  const zone = parseName(options.zone.endsWith('.') ? options.zone : `${options.zone}.`, Name.root);
  if (zone.isErr()) {
    return Err(
      fail('invalid-argument', `zone ${JSON.stringify(options.zone)}: ${zone.error.message}`),
    );
  }
  if (isIP(options.host) === 0) {
    return Err(fail('invalid-argument', `${JSON.stringify(options.host)} is not an IP address`));
  }
  if (options.key && !keyName(options.key)) {
    return Err(fail('invalid-argument', `the key name ${options.key.name} is not a domain name`));
  }
  const session = new Transfer(options, zone.value, server, fail);
  return session.run(port);
}

type Fail = (
  kind: AxfrErrorKind,
  message: string,
  extra?: {
    causes?: readonly string[];
    remedy?: string;
    messageIndex?: number;
    rcode?: string;
    cause?: unknown;
  },
) => AxfrError;

/** Messages kept while the caller writes earlier ones, before the socket is paused. */
const QUEUE_HIGH_WATER = 4;

/**
 * One transfer: the socket, its bounds and timers. Every message is checked by an
 * {@link XfrReader} in stream mode (the same checks and TSIG chain as IXFR) before any of its
 * records is handed on.
 */
class Transfer {
  readonly #options: AxfrOptions;
  readonly #zone: Name;
  readonly #server: string;
  readonly #fail: Fail;
  readonly #maxBytes: number;
  readonly #maxRecords: number;
  readonly #now: () => number;
  /** Checks each message; made with the query (it needs the query's ID and MAC). */
  #reader: XfrReader | undefined;
  #messages = 0;
  #bytes = 0;
  #records = 0;
  #serial: number | undefined;
  #done = false;

  constructor(options: AxfrOptions, zone: Name, server: string, fail: Fail) {
    this.#options = options;
    this.#zone = zone;
    this.#server = server;
    this.#fail = fail;
    this.#maxBytes = options.maxBytes ?? DEFAULT_AXFR_MAX_BYTES;
    this.#maxRecords = options.maxRecords ?? DEFAULT_AXFR_MAX_RECORDS;
    this.#now = options.now ?? (() => Math.floor(Date.now() / 1000));
  }

  run(port: number): Promise<Result<AxfrSummary, AxfrError>> {
    const options = this.#options;
    const fail = this.#fail;
    const query = this.#query();
    return new Promise((resolve) => {
      let settled = false;
      const queue: Buffer[] = [];
      let draining = false;
      let socket: Socket;
      const finish = (result: Result<AxfrSummary, AxfrError>) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        clearTimeout(idle);
        options.signal?.removeEventListener('abort', onAbort);
        socket?.destroy();
        resolve(result);
      };
      const where = () =>
        `after ${this.#messages} message(s) and ${this.#records} record(s) from ${this.#server}`;
      const timeoutMs = options.timeoutMs ?? DEFAULT_AXFR_TIMEOUT_MS;
      const messageTimeoutMs = options.messageTimeoutMs ?? DEFAULT_AXFR_MESSAGE_TIMEOUT_MS;
      const deadline = setTimeout(
        () =>
          finish(
            Err(
              fail(
                'timeout',
                `the transfer of ${this.#zone} did not finish within ${timeoutMs} ms (${where()})`,
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
                  `no complete message ${this.#messages + 1} within ${messageTimeoutMs} ms (${where()})`,
                  {
                    messageIndex: this.#messages + 1,
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
        finish(Err(fail('aborted', `the transfer of ${this.#zone} was aborted (${where()})`)));
      if (query.isErr()) {
        finish(Err(query.error));
        return;
      }
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
            fail('network', `TCP to ${this.#server}: ${(error as Error).message}`, {
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
                Ok({
                  server: this.#server,
                  zone: this.#zone,
                  serial: this.#serial ?? 0,
                  records: this.#records,
                  messages: this.#messages,
                  bytes: this.#bytes,
                  signed: options.key !== undefined,
                }),
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
        length.writeUInt16BE(query.value.length);
        socket.write(Buffer.concat([length, query.value]));
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
              `TCP to ${this.#server}: ${error.code === 'ECONNREFUSED' ? 'connection refused' : error.message}`,
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
          finish(
            Err(
              fail(
                'incomplete',
                this.#messages === 0
                  ? `${this.#server} closed the connection without answering the AXFR of ${this.#zone}`
                  : `${this.#server} closed the connection before the closing SOA of ${this.#zone} (${where()})`,
                {
                  causes: [
                    'the server ended the transfer early (max-transfer-time-out, a restart)',
                    'a transfer cut off on the way',
                  ],
                  remedy: 'try again; nothing of an incomplete transfer is kept',
                },
              ),
            ),
          );
        };
        void waitForQueue();
      });
    });
  }

  /** The AXFR query, signed when there is a key, and the reader of its answer. */
  #query(): Result<Buffer, AxfrError> {
    const id = Math.floor(Math.random() * 0x10000);
    const query = encodeQuery(id, this.#zone, TYPE_AXFR, false);
    const key = this.#options.key;
    let signed: { message: Buffer; mac: Buffer } | undefined;
    if (key) {
      signed = signRequest(query, key, { time: this.#now() });
      if (!signed)
        return Err(this.#fail('invalid-argument', `the key name ${key.name} is not a domain name`));
    }
    this.#reader = new XfrReader({
      zone: this.#zone,
      server: this.#server,
      id,
      mode: { kind: 'axfr' },
      key,
      queryMac: signed?.mac,
      now: this.#now,
      maxRecords: this.#maxRecords,
      stream: true,
    });
    return Ok(signed ? signed.message : query);
  }

  /** Checks one message (all of it, in the reader) and hands its records on. */
  async #handle(frame: Buffer): Promise<Result<void, AxfrError>> {
    const reader = this.#reader!;
    const pushed = reader.push(frame);
    if (pushed.isErr()) return pushed;
    this.#messages = reader.messages;
    const records = reader.takeRecords();
    this.#records += records.length;
    if (records.length > 0) await this.#options.onRecords(records);
    const result = reader.result;
    if (pushed.value && result?.kind === 'full') {
      this.#serial = result.serial;
      this.#done = true;
    }
    return Ok(undefined);
  }
}

/** Types whose RDATA names may be compressed (RFC 3597 §4), with where the names are. */
type Layout = readonly ('name' | number | 'strings3')[];
const COMPRESSIBLE: ReadonlyMap<number, Layout> = new Map<number, Layout>([
  [2, ['name']], // NS
  [3, ['name']], // MD
  [4, ['name']], // MF
  [5, ['name']], // CNAME
  [6, ['name', 'name', 20]], // SOA
  [7, ['name']], // MB
  [8, ['name']], // MG
  [9, ['name']], // MR
  [12, ['name']], // PTR
  [14, ['name', 'name']], // MINFO
  [15, [2, 'name']], // MX
  // RFC 3597 §4: receivers also decompress these (older servers compressed them).
  [17, ['name', 'name']], // RP
  [18, [2, 'name']], // AFSDB
  [21, [2, 'name']], // RT
  [26, [2, 'name', 'name']], // PX
  [33, [6, 'name']], // SRV
  [35, [4, 'strings3', 'name']], // NAPTR
  [36, [2, 'name']], // KX
  [39, ['name']], // DNAME
]);

const expandParts: (Name | number)[] = [];

/**
 * The record's RDATA with every (possibly compressed) name written out in full. Names must end
 * inside the RDATA; pointers follow {@link decodeName}'s rules (strictly backwards, bounded).
 * Types that never carry compressed names are returned as they are: a view of `message`, not a
 * copy. `names` is the message's decoder, when the caller has one (names read once).
 */
export function expandRdata(
  message: Buffer,
  record: DecodedRecord,
  names: NameDecoder = new NameDecoder(message),
): Result<Buffer, string> {
  const layout = COMPRESSIBLE.get(record.type);
  if (!layout) return Ok(record.rdata);
  const end = record.rdataOffset + record.rdata.length;
  let at = record.rdataOffset;
  // Names, and [start, end) ranges of the message copied as they are (one array for every call:
  // this function never yields, so no two calls share it at once).
  const parts = expandParts;
  parts.length = 0;
  let length = 0;
  for (let k = 0; k < layout.length; k++) {
    const item = layout[k]!;
    if (item === 'name') {
      let name = names.tryDecode(at, end);
      if (!name) {
        const slow = names.decode(at, end);
        if (slow.isErr()) return Err(slow.error.message);
        name = slow.value;
      }
      parts.push(name.name);
      length += name.name.wireLength;
      at = name.end;
    } else if (item === 'strings3') {
      const start = at;
      for (let i = 0; i < 3; i++) {
        const size = message[at];
        if (size === undefined || at + 1 + size > end)
          return Err('character-string runs past the RDATA');
        at += 1 + size;
      }
      parts.push(start, at);
      length += at - start;
    } else {
      if (at + item > end) return Err('RDATA too short');
      parts.push(at, at + item);
      length += item;
      at += item;
    }
  }
  if (at !== end) return Err(`${end - at} byte(s) after the last field of the RDATA`);
  // One buffer written in place (byte loops: the pieces are short).
  const out = Buffer.allocUnsafe(length);
  let pos = 0;
  for (let p = 0; p < parts.length; p++) {
    const part = parts[p]!;
    if (typeof part === 'number') {
      const stop = parts[++p] as number;
      for (let i = part; i < stop; i++) out[pos++] = message[i]!;
    } else {
      const labels = part.labels;
      for (let k = 0; k < labels.length; k++) {
        const label = labels[k]!;
        out[pos++] = label.length;
        for (let i = 0; i < label.length; i++) out[pos++] = label[i]!;
      }
      out[pos++] = 0;
    }
  }
  return Ok(out);
}
