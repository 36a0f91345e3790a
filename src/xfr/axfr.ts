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
import { timingSafeEqual } from 'node:crypto';
import { connect, isIP, type Socket } from 'node:net';
import { Err, Ok, type Result } from 'ts-results-es';
import { RndcLibraryError } from '../errors.js';
import { DIGEST_BYTES, type Key } from '../keys/key.js';
import {
  CLASS_IN,
  type DecodedRecord,
  decodeReply,
  encodeQuery,
  OPCODE_QUERY,
  RCODES,
  TYPE_SOA,
} from '../update/message.js';
import { decodeName, Name, NameDecoder, parseName } from '../update/names.js';
import { classToText, formatRdata, typeToText } from '../update/rdata.js';
import { FrameReader } from '../update/transport.js';
import {
  algorithmName,
  keyName,
  minimumMacLength,
  signRequest,
  TSIG_ERRORS,
  type TsigRecord,
  verifyResponse,
} from '../update/tsig.js';

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

/** One transfer: the socket, the verification chain and the framing state. */
class Transfer {
  readonly #options: AxfrOptions;
  readonly #zone: Name;
  readonly #server: string;
  readonly #fail: Fail;
  readonly #maxBytes: number;
  readonly #maxRecords: number;
  readonly #now: () => number;
  #id = 0;
  /** The MAC the next message's MAC chains from (the query's, then each message's). */
  #previousMac: Buffer | undefined;
  #messages = 0;
  #bytes = 0;
  #records = 0;
  #serial: number | undefined;
  #done = false;
  /** Where each message's MAC input is assembled (grown once, to the largest message). */
  #macInput = Buffer.alloc(0);

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

  /** The AXFR query, signed when there is a key. */
  #query(): Result<Buffer, AxfrError> {
    this.#id = Math.floor(Math.random() * 0x10000);
    const query = encodeQuery(this.#id, this.#zone, TYPE_AXFR, false);
    const key = this.#options.key;
    if (!key) return Ok(query);
    const signed = signRequest(query, key, { time: this.#now() });
    if (!signed)
      return Err(this.#fail('invalid-argument', `the key name ${key.name} is not a domain name`));
    this.#previousMac = signed.mac;
    return Ok(signed.message);
  }

  /** Checks one message and hands its records on. */
  async #handle(frame: Buffer): Promise<Result<void, AxfrError>> {
    const index = ++this.#messages;
    const fail = (kind: AxfrErrorKind, message: string, extra: Parameters<Fail>[2] = {}) =>
      Err(this.#fail(kind, `message ${index}: ${message}`, { messageIndex: index, ...extra }));
    const decoded = decodeReply(frame);
    if (decoded.isErr()) {
      return fail('malformed', decoded.error.message, {
        causes: ['a damaged or hostile message (bad lengths, a compression pointer loop)'],
      });
    }
    const reply = decoded.value;
    const { header } = reply;
    if (header.id !== this.#id)
      return fail('malformed', `message ID ${header.id}, not the query's ${this.#id}`);
    if (!header.isResponse || header.opcode !== OPCODE_QUERY) {
      return fail('malformed', 'not a response to a query (QR or OPCODE)');
    }
    if (reply.misplacedTsig) return fail('tsig', 'a TSIG record that is not the last record');
    const key = this.#options.key;
    if (key) {
      const verified = this.#verify(frame, reply.tsig, index, header.rcode);
      if (verified.isErr()) return verified;
    }
    if (header.rcode !== 0)
      return this.#rcodeError(index, header.rcode, key !== undefined && reply.tsig !== undefined);
    if (header.truncated) return fail('malformed', 'TC set on a TCP answer');
    if (reply.question) {
      const q = reply.question;
      if (!q.name.equals(this.#zone) || q.type !== TYPE_AXFR) {
        return fail('framing', `the question is ${q.name} type ${q.type}, not ${this.#zone} AXFR`);
      }
    }
    const answers = reply.sections[0];
    if (index === 1 && answers.length === 0) {
      return fail('framing', 'the first message has no records (RFC 5936: it starts with the SOA)');
    }
    const out: AxfrRecord[] = [];
    for (let i = 0; i < answers.length; i++) {
      const record = answers[i]!;
      if (this.#done) {
        return fail('framing', `${answers.length - i} record(s) after the closing SOA`);
      }
      if (record.class !== CLASS_IN) {
        return fail('framing', `${record.name} has class ${classToText(record.class)}, not IN`);
      }
      if (!record.name.isSubdomainOf(this.#zone)) {
        return fail('framing', `${record.name} is outside the zone ${this.#zone}`, {
          causes: ['a hostile or broken server injecting records'],
        });
      }
      const rdata = expandRdata(frame, record, reply.names);
      if (rdata.isErr())
        return fail('malformed', `${record.name} ${typeToText(record.type)}: ${rdata.error}`);
      const isApexSoa = record.type === TYPE_SOA && record.name.equals(this.#zone);
      if (this.#serial === undefined) {
        if (!isApexSoa) {
          return fail(
            'framing',
            `the first record is ${record.name} ${typeToText(record.type)}, not the SOA of ${this.#zone}`,
          );
        }
        const serial = soaSerial(rdata.value);
        if (serial === undefined) return fail('malformed', 'the opening SOA has malformed RDATA');
        this.#serial = serial;
      } else if (isApexSoa) {
        const serial = soaSerial(rdata.value);
        if (serial !== this.#serial) {
          return fail(
            'framing',
            `the closing SOA has serial ${serial}, the opening one ${this.#serial}`,
            {
              causes: ['the zone changed during the transfer and the server mixed versions'],
              remedy: 'try again',
            },
          );
        }
        this.#done = true;
        continue;
      }
      if (++this.#records > this.#maxRecords) {
        return fail('too-large', `more than ${this.#maxRecords} records`, {
          causes: ['a zone larger than the bound', 'a server sending an endless stream'],
          remedy: 'raise maxRecords if the zone really is that large',
        });
      }
      out.push({
        name: record.name,
        type: record.type,
        class: record.class,
        ttl: record.ttl,
        rdata: rdata.value,
      });
    }
    if (out.length > 0) await this.#options.onRecords(out);
    return Ok(undefined);
  }

  /** RFC 8945 §5.3.1: message 1 as a reply to the query, later ones chained by MAC and timers. */
  #verify(
    frame: Buffer,
    tsig: { readonly start: number; readonly record: TsigRecord } | undefined,
    index: number,
    rcode: number,
  ): Result<void, AxfrError> {
    const key = this.#options.key!;
    const fail = (message: string, extra: Parameters<Fail>[2] = {}) =>
      Err(
        this.#fail('tsig', `message ${index}: ${message}`, {
          messageIndex: index,
          causes: [
            'the message was altered on the way',
            'it does not come from the server holding the key',
          ],
          remedy: 'nothing of this transfer was kept; check the path to the server and try again',
          ...extra,
        }),
      );
    if (!tsig) {
      // An unsigned REFUSED/NOTAUTH in answer to a signed query: report the RCODE (it gives no
      // data), saying it is unauthenticated.
      if (index === 1 && rcode !== 0) return Ok(undefined);
      return fail(
        'unsigned: every message of a signed transfer must carry a TSIG (BIND signs each one)',
      );
    }
    const previous = this.#previousMac!;
    if (index === 1) {
      const verdict = verifyResponse(frame, tsig, key, previous, this.#now(), this.#id);
      if (verdict.kind === 'verified') {
        if (verdict.record.error !== 0)
          return this.#tsigErrorFromServer(index, verdict.record.error, true);
        this.#previousMac = verdict.record.mac;
        return Ok(undefined);
      }
      if (verdict.kind === 'unsigned-error')
        return this.#tsigErrorFromServer(index, verdict.record.error, false);
      return fail(`TSIG verification failed (${verdict.kind})`);
    }
    const record = tsig.record;
    const name = keyName(key);
    if (
      !name ||
      !record.keyName.equals(name) ||
      !record.algorithm.equals(algorithmName(key.algorithm))
    ) {
      return fail('signed with another key or algorithm');
    }
    const full = DIGEST_BYTES[key.algorithm];
    if (
      record.mac.length > full ||
      record.mac.length < Math.max(minimumMacLength(key), previous.length)
    ) {
      return fail(`MAC of ${record.mac.length} bytes (bad truncation)`);
    }
    // MAC input: previous MAC (length-prefixed), the message without its TSIG (original ID,
    // ARCOUNT less one), the timers. Written into one reused buffer: a copy per message, and no
    // new (external) memory per message for the collector to account for.
    const size = 2 + previous.length + tsig.start + 8;
    if (this.#macInput.length < size)
      this.#macInput = Buffer.allocUnsafe(Math.max(size, 0x10000 + 128));
    const input = this.#macInput;
    input.writeUInt16BE(previous.length, 0);
    previous.copy(input, 2);
    const at = 2 + previous.length;
    frame.copy(input, at, 0, tsig.start);
    input.writeUInt16BE(record.originalId, at);
    input.writeUInt16BE(frame.readUInt16BE(10) - 1, at + 10);
    input.writeUIntBE(record.timeSigned, at + tsig.start, 6);
    input.writeUInt16BE(record.fudge, at + tsig.start + 6);
    const expected = key.hmac(input.subarray(0, size)).subarray(0, record.mac.length);
    if (!timingSafeEqual(expected, record.mac)) return fail('the MAC does not verify');
    if (Math.abs(this.#now() - record.timeSigned) > record.fudge) {
      return fail('signed outside the clock skew allowed (fudge)', {
        causes: ['the clocks of this machine and the server differ', 'a replayed message'],
        remedy: 'synchronise the clocks (NTP) and try again',
      });
    }
    if (record.originalId !== this.#id) return fail('the TSIG Original ID is not the query ID');
    this.#previousMac = record.mac;
    return Ok(undefined);
  }

  #tsigErrorFromServer(index: number, error: number, signed: boolean): Result<void, AxfrError> {
    const name = TSIG_ERRORS[error] ?? `TSIG error ${error}`;
    return Err(
      this.#fail(
        'notauth',
        `${this.#server} did not accept the key ${this.#options.key!.name}: ${name}${signed ? '' : ' (an unsigned answer: it cannot be authenticated)'}`,
        {
          messageIndex: index,
          rcode: name,
          causes:
            error === 18
              ? ['the clocks of this machine and the server differ by more than 5 minutes']
              : [
                  'named has no key of this name, or its secret or algorithm differs',
                  'the key file is not the one named.conf includes',
                ],
          remedy:
            error === 18
              ? 'synchronise the clocks (NTP)'
              : 'use the key named.conf names in allow-transfer (the same file as its key statement)',
        },
      ),
    );
  }

  #rcodeError(index: number, rcode: number, signed: boolean): Result<void, AxfrError> {
    const name = RCODES[rcode] ?? `RCODE ${rcode}`;
    const unauth = this.#options.key && !signed ? ' (unsigned answer)' : '';
    const zone = this.#zone.toString().replace(/\.$/, '') || '.';
    if (rcode === 5) {
      return Err(
        this.#fail(
          'refused',
          `${this.#server} refused the transfer of ${this.#zone} (REFUSED)${unauth}`,
          {
            messageIndex: index,
            rcode: name,
            causes: [
              'allow-transfer does not match this client: BIND 9.20 refuses outgoing transfers unless allow-transfer allows them (9.16 and 9.18 allowed any client)',
              this.#options.key
                ? 'allow-transfer names another key'
                : 'allow-transfer asks for a key and the query was unsigned',
            ],
            remedy: `allow transfers of the zone to this machine only, e.g. in named.conf: zone "${zone}" { … allow-transfer { 127.0.0.1; ::1; }; }; or with a key: allow-transfer { key "NAME"; }; then rndc reconfig, and run again over 127.0.0.1 (with -k KEYFILE for a key)`,
          },
        ),
      );
    }
    if (rcode === 9) {
      return Err(
        this.#fail(
          'notauth',
          `${this.#server} is not authoritative for ${this.#zone} (NOTAUTH)${unauth}`,
          {
            messageIndex: index,
            rcode: name,
            causes: [
              'the zone is not loaded on this server (or in this view)',
              'the key was not accepted',
            ],
            remedy: 'check the zone name and the server (rndc zonestatus ZONE)',
          },
        ),
      );
    }
    return Err(
      this.#fail(
        'rcode',
        `${this.#server} answered ${name} to the AXFR of ${this.#zone}${unauth}`,
        {
          messageIndex: index,
          rcode: name,
          causes: rcode === 2 ? ["the zone is not loaded (a load error: see named's log)"] : [],
          remedy: "see named's log for the transfer (category xfer-out)",
        },
      ),
    );
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
