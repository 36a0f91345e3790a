/**
 * The transfer reader: a pure state machine (no I/O) that takes the messages of an IXFR or AXFR
 * answer one at a time, checks each one (ID, QR, TSIG chain, RCODE, question) and reads its
 * records into either a full zone or a sequence of differences.
 *
 * IXFR answer shapes (RFC 1995 §4), decided from the first two records:
 * - one SOA only (the server's serial not after ours): **up to date**;
 * - SOA(N), then a non-SOA record: an AXFR-style **full** transfer ending with SOA(N);
 * - SOA(N), then SOA(F): **incremental**, a list of differences `SOA(from) deleted… SOA(to)
 *   added…`, each starting where the previous ended, the first at our serial, the last ending at
 *   N, and the whole closed by SOA(N).
 *
 * TSIG (RFC 8945 §5.3.1) as in {@link receiveAxfr}: every message must be signed and chain from
 * the previous MAC. Errors are {@link AxfrError} values naming the message at fault.
 */
import { timingSafeEqual } from 'node:crypto';
import { DIGEST_BYTES, type Key } from '../keys/key.js';
import { Err, Ok, type Result } from '../result.js';
import { compareSerials, serialAfter } from '../serial.js';
import {
  type AnswerBuilder,
  CLASS_IN,
  decodeReply,
  OPCODE_QUERY,
  RCODES,
  TYPE_SOA,
} from '../update/message.js';
import { type Name, NameDecoder } from '../update/names.js';
import { classToText, typeToText } from '../update/rdata.js';
import {
  algorithmName,
  keyName,
  minimumMacLength,
  TSIG_ERRORS,
  type TsigRecord,
  verifyResponse,
} from '../update/tsig.js';
import {
  AxfrError,
  type AxfrErrorKind,
  type AxfrRecord,
  DEFAULT_AXFR_MAX_RECORDS,
  expandRdata,
  soaSerial,
} from './axfr.js';

/** Stands for the RDATA of a record that failed (never handed on). */
const NO_RDATA = Buffer.alloc(0);

/** QTYPE IXFR (RFC 1995 §2). */
export const TYPE_IXFR = 251;

/** One difference of an incremental transfer: the zone at `fromSerial` became `toSerial`. */
export interface IxfrDelta {
  /** The serial before the difference. */
  readonly fromSerial: number;
  /** The serial after it. */
  readonly toSerial: number;
  /** The SOA the difference starts from (deleted). */
  readonly fromSoa: AxfrRecord;
  /** The SOA it ends at (added). */
  readonly toSoa: AxfrRecord;
  /** Records removed, the SOA left out. */
  readonly deleted: readonly AxfrRecord[];
  /** Records added, the SOA left out. */
  readonly added: readonly AxfrRecord[];
}

/** What every transfer result carries. */
export interface XfrFacts {
  /** `host#port`. */
  readonly server: string;
  /** The zone, absolute. */
  readonly zone: Name;
  /** Messages in the answer. */
  readonly messages: number;
  /** Bytes of answer (without TCP length prefixes). */
  readonly bytes: number;
  /** Every message verified with the key. */
  readonly signed: boolean;
}

/** The outcome of an IXFR. */
export type IxfrResult =
  /** The server sent the differences since our serial. */
  | (XfrFacts & {
      /** Differences. */
      readonly kind: 'incremental';
      /** Our serial (the first difference's start). */
      readonly fromSerial: number;
      /** The server's serial (the last difference's end). */
      readonly toSerial: number;
      /** The differences in order, each starting where the previous one ended. */
      readonly deltas: readonly IxfrDelta[];
    })
  /** One SOA: nothing newer than our serial. */
  | (XfrFacts & {
      /** Nothing newer. */
      readonly kind: 'up-to-date';
      /** The server's serial. */
      readonly serial: number;
      /** The serial we sent. */
      readonly requestedSerial: number;
      /** The server's serial is before ours (RFC 1982): it is the one that is behind. */
      readonly serverBehind: boolean;
    })
  /**
   * The server answered with the whole zone, AXFR-style (it has no history back to our serial:
   * no journal, `ixfr-from-differences no`, the journal trimmed, or `request-ixfr no`).
   */
  | (XfrFacts & {
      /** The whole zone instead of differences. */
      readonly kind: 'full';
      /** The zone's serial on the server. */
      readonly serial: number;
      /** The zone, the SOA first (the closing SOA left out). */
      readonly records: readonly AxfrRecord[];
    });

/** Settings of a {@link XfrReader}. */
export interface XfrReaderOptions {
  readonly zone: Name;
  /** `host#port`, for messages. */
  readonly server: string;
  /** The query's ID. */
  readonly id: number;
  /** `axfr`, or `ixfr` from `serial`. */
  readonly mode: { readonly kind: 'axfr' } | { readonly kind: 'ixfr'; readonly serial: number };
  readonly key?: Key | undefined;
  /** The query's MAC, when signed. */
  readonly queryMac?: Buffer | undefined;
  /** Most records (all differences together). Default 10 000 000. */
  readonly maxRecords?: number | undefined;
  /**
   * AXFR only: the zone's records are not kept in the result; each message's records are taken
   * with {@link XfrReader.takeRecords} after its `push` (constant memory: `receiveAxfr`).
   */
  readonly stream?: boolean | undefined;
  /** Seconds since the epoch. */
  readonly now?: (() => number) | undefined;
}

type Extra = {
  causes?: readonly string[];
  remedy?: string;
  messageIndex?: number;
  rcode?: string;
};

type State =
  | { readonly at: 'first' }
  | { readonly at: 'second'; readonly soa: AxfrRecord }
  | { readonly at: 'full' }
  | {
      readonly at: 'deleting' | 'adding';
      readonly fromSoa: AxfrRecord;
      toSoa?: AxfrRecord;
      readonly deleted: AxfrRecord[];
      readonly added: AxfrRecord[];
    }
  | { readonly at: 'done' };

/**
 * Reads one transfer's messages. Call {@link XfrReader.push} with each message (no TCP length
 * prefix) until it says `done`, or {@link XfrReader.end} when the connection closed first.
 * Never throws.
 */
export class XfrReader {
  readonly #o: XfrReaderOptions;
  readonly #maxRecords: number;
  readonly #now: () => number;
  #previousMac: Buffer | undefined;
  #messages = 0;
  #bytes = 0;
  #records = 0;
  #state: State = { at: 'first' };
  #finalSerial = 0;
  readonly #full: AxfrRecord[] = [];
  /** Stream mode: the records of the message pushed last. */
  #batch: AxfrRecord[] = [];
  /** Previous MAC, message header and timers of the MAC input (a MAC is at most 64 bytes). */
  readonly #macHead = Buffer.alloc(2 + 64 + 12 + 8);
  readonly #deltas: IxfrDelta[] = [];
  #result: IxfrResult | undefined;
  /** The names of the message being read (its tables kept from one message to the next). */
  readonly #names = new NameDecoder(NO_RDATA);
  /** The first record of the message being read whose RDATA could not be expanded, and why. */
  #badRdata: { readonly record: AxfrRecord; readonly why: string } | undefined;
  /**
   * Makes each answer record straight from the message (no intermediate record per answer). An
   * RDATA that cannot be expanded is reported when the checks reach its record, so that a bad
   * MAC or RCODE is still what a message fails with first.
   */
  readonly #answer: AnswerBuilder<AxfrRecord> = (
    message,
    names,
    name,
    type,
    klass,
    ttl,
    rdataOffset,
    rdlength,
  ) => {
    const rdata = expandRdata(message, type, rdataOffset, rdlength, names);
    if (typeof rdata !== 'string') return { name, type, class: klass, ttl, rdata };
    const record = { name, type, class: klass, ttl, rdata: NO_RDATA };
    this.#badRdata ??= { record, why: rdata };
    return record;
  };

  constructor(options: XfrReaderOptions) {
    this.#o = options;
    this.#maxRecords = options.maxRecords ?? DEFAULT_AXFR_MAX_RECORDS;
    this.#now = options.now ?? (() => Math.floor(Date.now() / 1000));
    this.#previousMac = options.queryMac;
  }

  /** Messages read so far. */
  get messages(): number {
    return this.#messages;
  }

  /** The result, once a message completed the transfer. */
  get result(): IxfrResult | undefined {
    return this.#result;
  }

  #error(kind: AxfrErrorKind, message: string, extra: Extra = {}): AxfrError {
    const { messageIndex, rcode, ...details } = extra;
    return new AxfrError(
      { kind, message, ...details },
      { server: this.#o.server, zone: this.#o.zone.toString(), messageIndex, rcode },
    );
  }

  get #what(): string {
    return this.#o.mode.kind === 'ixfr' ? 'IXFR' : 'AXFR';
  }

  /** Stream mode: the zone records of the last message pushed (the closing SOA left out). */
  takeRecords(): AxfrRecord[] {
    const batch = this.#batch;
    this.#batch = [];
    return batch;
  }

  /** A zone record of a full transfer: kept for the result, or handed out (stream mode). */
  #keep(rr: AxfrRecord): void {
    if (this.#o.stream) this.#batch.push(rr);
    else this.#full.push(rr);
  }

  /** Reads one message. `Ok(true)` once the transfer is complete (see {@link result}). */
  push(frame: Buffer): Result<boolean, AxfrError> {
    if (this.#result) {
      return Err(
        this.#error('framing', `message ${this.#messages + 1} after the end of the transfer`, {
          messageIndex: this.#messages + 1,
        }),
      );
    }
    const index = ++this.#messages;
    this.#bytes += frame.length;
    const fail = (kind: AxfrErrorKind, message: string, extra: Extra = {}) =>
      Err(this.#error(kind, `message ${index}: ${message}`, { messageIndex: index, ...extra }));
    this.#badRdata = undefined;
    this.#names.reset(frame);
    const decoded = decodeReply(frame, this.#answer, this.#names);
    if (decoded.isErr()) {
      return fail('malformed', decoded.error.message, {
        causes: ['a damaged or hostile message (bad lengths, a compression pointer loop)'],
      });
    }
    const reply = decoded.value;
    // Set by #answer during decodeReply (a read TypeScript's flow analysis cannot see).
    const bad = this.#badRdata as { readonly record: AxfrRecord; readonly why: string } | undefined;
    const { header } = reply;
    if (header.id !== this.#o.id)
      return fail('malformed', `message ID ${header.id}, not the query's ${this.#o.id}`);
    if (!header.isResponse || header.opcode !== OPCODE_QUERY)
      return fail('malformed', 'not a response to a query (QR or OPCODE)');
    if (reply.misplacedTsig) return fail('tsig', 'a TSIG record that is not the last record');
    const key = this.#o.key;
    if (key) {
      const verified = this.#verify(frame, reply.tsig, index, header.rcode);
      if (verified.isErr()) return verified;
    }
    if (header.rcode !== 0)
      return this.#rcodeError(index, header.rcode, key !== undefined && reply.tsig !== undefined);
    if (header.truncated) return fail('malformed', 'TC set on a TCP answer');
    const qtype = this.#o.mode.kind === 'ixfr' ? TYPE_IXFR : 252;
    if (reply.question) {
      const q = reply.question;
      if (!q.name.equals(this.#o.zone) || q.type !== qtype) {
        return fail(
          'framing',
          `the question is ${q.name} type ${q.type}, not ${this.#o.zone} ${this.#what}`,
        );
      }
    }
    // The question's name (checked equal to the zone) shares its label buffers with every name
    // compressed against it: comparing with it is mostly identity checks.
    const apex = reply.question ? reply.question.name : this.#o.zone;
    const answers = reply.sections[0];
    if (index === 1 && answers.length === 0) {
      return fail(
        'framing',
        'the first message has no records (RFC 5936, RFC 1995: it starts with the SOA)',
      );
    }
    // Records of the bulk (the fast path below) are not copied one by one into the batch: while
    // every record so far took that path, `deferred` says how many; the message's own array then
    // becomes the batch (most messages of a transfer), or they are copied once another kind of
    // record comes.
    let deferred = this.#batch.length === 0 ? 0 : -1;
    for (let i = 0; i < answers.length; i++) {
      const record = answers[i]!;
      if (this.#state.at === 'done')
        return fail('framing', `${answers.length - i} record(s) after the closing SOA`);
      if (record.class !== CLASS_IN)
        return fail('framing', `${record.name} has class ${classToText(record.class)}, not IN`);
      if (!record.name.isSubdomainOf(apex)) {
        return fail('framing', `${record.name} is outside the zone ${this.#o.zone}`, {
          causes: ['a hostile or broken server injecting records'],
        });
      }
      if (record === bad?.record)
        return fail('malformed', `${record.name} ${typeToText(record.type)}: ${bad.why}`);
      // The bulk of a zone: handed on at once, past the state machine (as #record would).
      if (record.type !== TYPE_SOA && this.#state.at === 'full' && this.#o.stream) {
        if (++this.#records > this.#maxRecords) return this.#tooMany(index);
        if (deferred === i) deferred++;
        else this.#batch.push(record);
        continue;
      }
      if (deferred > 0) {
        for (let k = 0; k < deferred; k++) this.#batch.push(answers[k]!);
      }
      deferred = -1;
      let serial: number | undefined;
      if (record.type === TYPE_SOA) {
        if (!record.name.equals(apex))
          return fail('framing', `an SOA at ${record.name}, not at the apex ${this.#o.zone}`);
        serial = soaSerial(record.rdata);
        if (serial === undefined) return fail('malformed', `an SOA with malformed RDATA`);
      }
      if (++this.#records > this.#maxRecords) return this.#tooMany(index);
      const step = this.#record(record, serial);
      if (step) return fail('framing', step.message, step.extra);
    }
    if (deferred > 0) {
      // decodeReply makes a new array per message: nobody else holds this one.
      if (deferred === answers.length) this.#batch = answers as AxfrRecord[];
      else for (let k = 0; k < deferred; k++) this.#batch.push(answers[k]!);
    }
    // One SOA alone in the first message, not after ours: nothing newer (RFC 1995 §4).
    const mode = this.#o.mode;
    if (this.#state.at === 'second' && index === 1 && answers.length === 1) {
      if (mode.kind === 'ixfr' && !serialAfter(this.#finalSerial, mode.serial)) {
        this.#result = {
          kind: 'up-to-date',
          ...this.#facts(),
          serial: this.#finalSerial,
          requestedSerial: mode.serial,
          serverBehind: compareSerials(this.#finalSerial, mode.serial) === -1,
        };
        this.#state = { at: 'done' };
      }
    }
    if (this.#state.at === 'done' && !this.#result) this.#result = this.#complete();
    return Ok(this.#result !== undefined);
  }

  #tooMany(index: number): Result<never, AxfrError> {
    return Err(
      this.#error('too-large', `message ${index}: more than ${this.#maxRecords} records`, {
        messageIndex: index,
        causes: ['a zone or history larger than the bound', 'a server sending an endless stream'],
        remedy: 'raise maxRecords if the zone really is that large',
      }),
    );
  }

  /** The connection closed: the error saying what was missing. */
  end(): AxfrError {
    return this.#error(
      'incomplete',
      this.#messages === 0
        ? `${this.#o.server} closed the connection without answering the ${this.#what} of ${this.#o.zone}`
        : `${this.#o.server} closed the connection before the closing SOA of ${this.#o.zone} (after ${this.#messages} message(s))`,
      {
        causes: [
          'the server ended the transfer early (max-transfer-time-out, a restart)',
          'a transfer cut off on the way',
        ],
        remedy: 'try again; nothing of an incomplete transfer is kept',
      },
    );
  }

  #facts(): XfrFacts {
    return {
      server: this.#o.server,
      zone: this.#o.zone,
      messages: this.#messages,
      bytes: this.#bytes,
      signed: this.#o.key !== undefined,
    };
  }

  #complete(): IxfrResult {
    if (this.#deltas.length > 0) {
      return {
        kind: 'incremental',
        ...this.#facts(),
        fromSerial: this.#deltas[0]!.fromSerial,
        toSerial: this.#finalSerial,
        deltas: this.#deltas,
      };
    }
    return { kind: 'full', ...this.#facts(), serial: this.#finalSerial, records: this.#full };
  }

  /** Advances the state machine by one record; a framing problem when it does not fit. */
  #record(
    rr: AxfrRecord,
    serial: number | undefined,
  ): { message: string; extra?: Extra } | undefined {
    const state = this.#state;
    const mode = this.#o.mode;
    switch (state.at) {
      case 'first':
        if (serial === undefined) {
          return {
            message: `the first record is ${rr.name} ${typeToText(rr.type)}, not the SOA of ${this.#o.zone}`,
          };
        }
        this.#finalSerial = serial;
        this.#state = { at: 'second', soa: rr };
        return undefined;
      case 'second':
        if (serial === undefined || mode.kind === 'axfr') {
          this.#keep(state.soa);
          this.#state = { at: 'full' };
          return this.#record(rr, serial);
        }
        if (serial === this.#finalSerial) {
          // SOA(N) SOA(N): an AXFR of an empty zone would be that, but a zone has NS records;
          // for IXFR, a difference may not start at the end.
          return {
            message: `the second record repeats the serial ${serial}: neither a difference nor a zone`,
          };
        }
        if (serial !== mode.serial) {
          return {
            message: `the first difference starts at serial ${serial}, not at ours (${mode.serial})`,
            extra: { causes: ['a server answering another question, or a broken history'] },
          };
        }
        this.#state = { at: 'deleting', fromSoa: rr, deleted: [], added: [] };
        return undefined;
      case 'full':
        if (serial === undefined) {
          this.#keep(rr);
          return undefined;
        }
        if (serial !== this.#finalSerial) {
          return {
            message: `the closing SOA has serial ${serial}, the opening one ${this.#finalSerial}`,
            extra: {
              causes: ['the zone changed during the transfer and the server mixed versions'],
              remedy: 'try again',
            },
          };
        }
        this.#state = { at: 'done' };
        return undefined;
      case 'deleting': {
        if (serial === undefined) {
          state.deleted.push(rr);
          return undefined;
        }
        const from = soaSerial(state.fromSoa.rdata)!;
        if (!serialAfter(serial, from)) {
          return {
            message: `a difference goes from serial ${from} to ${serial}: serials must increase (RFC 1982)`,
            extra: { causes: ['a broken or hostile server history (serial going backwards)'] },
          };
        }
        if (serialAfter(serial, this.#finalSerial)) {
          return {
            message: `a difference ends at serial ${serial}, past the server's ${this.#finalSerial}`,
          };
        }
        state.toSoa = rr;
        this.#state = { ...state, at: 'adding', toSoa: rr };
        return undefined;
      }
      case 'adding': {
        if (serial === undefined) {
          state.added.push(rr);
          return undefined;
        }
        const to = soaSerial(state.toSoa!.rdata)!;
        if (serial !== to) {
          return {
            message: `a difference starts at serial ${serial}, the previous one ended at ${to}`,
            extra: { causes: ['a gap in the server history', 'a broken or hostile server'] },
          };
        }
        this.#deltas.push({
          fromSerial: soaSerial(state.fromSoa.rdata)!,
          toSerial: to,
          fromSoa: state.fromSoa,
          toSoa: state.toSoa!,
          deleted: state.deleted,
          added: state.added,
        });
        if (to === this.#finalSerial) {
          this.#state = { at: 'done' };
          return undefined;
        }
        this.#state = { at: 'deleting', fromSoa: rr, deleted: [], added: [] };
        return undefined;
      }
      case 'done':
        return { message: 'a record after the closing SOA' };
    }
  }

  /** RFC 8945 §5.3.1: message 1 as a reply to the query, later ones chained by MAC and timers. */
  #verify(
    frame: Buffer,
    tsig: { readonly start: number; readonly record: TsigRecord } | undefined,
    index: number,
    rcode: number,
  ): Result<void, AxfrError> {
    const key = this.#o.key!;
    const fail = (message: string, extra: Extra = {}) =>
      Err(
        this.#error('tsig', `message ${index}: ${message}`, {
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
      // An unsigned error answer to a signed query: reported as its RCODE, marked unsigned.
      if (index === 1 && rcode !== 0) return Ok(undefined);
      return fail(
        'unsigned: every message of a signed transfer must carry a TSIG (BIND signs each one)',
      );
    }
    const previous = this.#previousMac ?? Buffer.alloc(0);
    if (index === 1) {
      const verdict = verifyResponse(frame, tsig, key, previous, this.#now(), this.#o.id);
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
    // Later messages: MAC over the previous MAC (length-prefixed), the message without its TSIG
    // (original ID, ARCOUNT less one) and the timers only. Only the header and the small parts
    // are written into a reused buffer; the body is hashed where it lies (one copy in the HMAC).
    const head = this.#macHead;
    const prefix = 2 + previous.length;
    if (prefix + 12 + 8 > head.length) return fail(`MAC of ${previous.length} bytes (bad length)`);
    head.writeUInt16BE(previous.length, 0);
    previous.copy(head, 2);
    frame.copy(head, prefix, 0, 12);
    head.writeUInt16BE(record.originalId, prefix);
    head.writeUInt16BE(frame.readUInt16BE(10) - 1, prefix + 10);
    const timers = prefix + 12;
    head.writeUIntBE(record.timeSigned, timers, 6);
    head.writeUInt16BE(record.fudge, timers + 6);
    const expected = key
      .hmac(
        head.subarray(0, timers),
        frame.subarray(12, tsig.start),
        head.subarray(timers, timers + 8),
      )
      .subarray(0, record.mac.length);
    if (!timingSafeEqual(expected, record.mac)) return fail('the MAC does not verify');
    if (Math.abs(this.#now() - record.timeSigned) > record.fudge) {
      return fail('signed outside the clock skew allowed (fudge)', {
        causes: ['the clocks of this machine and the server differ', 'a replayed message'],
        remedy: 'synchronise the clocks (NTP) and try again',
      });
    }
    if (record.originalId !== this.#o.id) return fail('the TSIG Original ID is not the query ID');
    // The error field of later messages is outside their MAC (only the timers are covered):
    // BIND never sends one with data, so anything but 0 fails the transfer rather than pass
    // unauthenticated.
    if (record.error !== 0)
      return fail(
        `TSIG error field ${TSIG_ERRORS[record.error] ?? record.error} in a data message`,
      );
    this.#previousMac = record.mac;
    return Ok(undefined);
  }

  #tsigErrorFromServer(index: number, error: number, signed: boolean): Result<never, AxfrError> {
    const name = TSIG_ERRORS[error] ?? `TSIG error ${error}`;
    return Err(
      this.#error(
        'notauth',
        `${this.#o.server} did not accept the key ${this.#o.key!.name}: ${name}${signed ? '' : ' (an unsigned answer: it cannot be authenticated)'}`,
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

  #rcodeError(index: number, rcode: number, signed: boolean): Result<never, AxfrError> {
    const name = RCODES[rcode] ?? `RCODE ${rcode}`;
    const unauth = this.#o.key && !signed ? ' (unsigned answer)' : '';
    const zone = this.#o.zone.toString().replace(/\.$/, '') || '.';
    const extra = { messageIndex: index, rcode: name };
    if (rcode === 5) {
      return Err(
        this.#error(
          'refused',
          `${this.#o.server} refused the transfer of ${this.#o.zone} (REFUSED)${unauth}`,
          {
            ...extra,
            causes: [
              'allow-transfer does not match this client: BIND 9.20 refuses outgoing transfers unless allow-transfer allows them (9.16 and 9.18 allowed any client)',
              this.#o.key
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
        this.#error(
          'notauth',
          `${this.#o.server} is not authoritative for ${this.#o.zone} (NOTAUTH)${unauth}`,
          {
            ...extra,
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
      this.#error(
        'rcode',
        `${this.#o.server} answered ${name} to the ${this.#what} of ${this.#o.zone}${unauth}`,
        {
          ...extra,
          causes: rcode === 2 ? ["the zone is not loaded (a load error: see named's log)"] : [],
          remedy: "see named's log for the transfer (category xfer-out)",
        },
      ),
    );
  }
}
