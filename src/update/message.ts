/**
 * DNS messages for dynamic update: the RFC 2136 UPDATE request, the SOA query used for zone
 * discovery, and a bounded walker over replies that finds every RR (and the TSIG) by offset.
 * Our own RR header writer: dns-packet cannot encode class NONE or an empty typed RDATA, and
 * mis-decodes both (RFC 2136 §2.4 and §2.5 use classes NONE and ANY, and empty RDATA). Pure: no I/O.
 */

import { RndcLibraryError } from '../errors.js';
import { Err, Ok, type Result } from '../result.js';
import { decodeName, type Name, NameDecoder } from './names.js';
import { decodeTsigRdata, type TsigRecord, TYPE_TSIG } from './tsig.js';

/** OPCODE values (RFC 1035, RFC 2136). */
export const OPCODE_QUERY = 0;
export const OPCODE_UPDATE = 5;

/** RCODE names, 0–10 (RFC 1035, RFC 2136 §2.2). */
export const RCODES: readonly string[] = [
  'NOERROR',
  'FORMERR',
  'SERVFAIL',
  'NXDOMAIN',
  'NOTIMP',
  'REFUSED',
  'YXDOMAIN',
  'YXRRSET',
  'NXRRSET',
  'NOTAUTH',
  'NOTZONE',
];

/** Class values. */
export const CLASS_IN = 1;
export const CLASS_NONE = 254;
export const CLASS_ANY = 255;
/** TYPE ANY (also used as "all RRsets" in RFC 2136 meta-records). */
export const TYPE_ANY = 255;
export const TYPE_SOA = 6;
/** RR type of the EDNS OPT pseudo-record (RFC 6891). */
export const TYPE_OPT = 41;

/** One resource record as it goes into an UPDATE: meta-records have TTL 0 and empty RDATA. */
export interface WireRecord {
  /** Owner name. */
  readonly name: Name;
  /** RR type number. */
  readonly type: number;
  /** Class number (IN, or NONE/ANY for deletions and prerequisites). */
  readonly class: number;
  /** TTL in seconds. */
  readonly ttl: number;
  /** The record data in wire format. */
  readonly rdata: Buffer;
}

/** An UPDATE message before signing. */
export interface UpdateMessage {
  /** DNS message ID. */
  readonly id: number;
  /** The zone section's name. */
  readonly zone: Name;
  /** The zone section's class. */
  readonly zoneClass: number;
  /** The prerequisite section (RFC 2136 §2.4). */
  readonly prerequisites: readonly WireRecord[];
  /** The update section (RFC 2136 §2.5). */
  readonly updates: readonly WireRecord[];
}

/** Encodes an UPDATE (RFC 2136 §2): zone, prerequisite and update sections, no additional. */
export function encodeUpdate(message: UpdateMessage): Buffer {
  let size = 12 + message.zone.wireLength + 4;
  for (const r of message.prerequisites) size += r.name.wireLength + 10 + r.rdata.length;
  for (const r of message.updates) size += r.name.wireLength + 10 + r.rdata.length;
  // Every byte is written below: one buffer from Node's pool, no zero fill, no concatenation.
  const out = Buffer.allocUnsafe(size);
  out.writeUInt16BE(message.id, 0);
  out.writeUInt16BE(OPCODE_UPDATE << 11, 2);
  out.writeUInt16BE(1, 4);
  out.writeUInt16BE(message.prerequisites.length, 6);
  out.writeUInt16BE(message.updates.length, 8);
  out.writeUInt16BE(0, 10);
  let at = message.zone.writeWire(out, 12);
  at = out.writeUInt16BE(TYPE_SOA, at);
  at = out.writeUInt16BE(message.zoneClass, at);
  for (const r of message.prerequisites) at = writeRecord(r, out, r.name.writeWire(out, at));
  for (const r of message.updates) at = writeRecord(r, out, r.name.writeWire(out, at));
  return out;
}

/** Writes an RR's fixed fields and RDATA at `at` (just after its owner); returns the end. */
function writeRecord(record: WireRecord, out: Buffer, at: number): number {
  out.writeUInt16BE(record.type, at);
  out.writeUInt16BE(record.class, at + 2);
  out.writeUInt32BE(record.ttl >>> 0, at + 4);
  out.writeUInt16BE(record.rdata.length, at + 8);
  out.set(record.rdata, at + 10);
  return at + 10 + record.rdata.length;
}

/**
 * Encodes one RR uncompressed. `owner` is the owner name's wire form: by default as written;
 * the canonical (lower-case) form for digests (RFC 4034 §6.2).
 */
export function encodeRecord(record: WireRecord, owner: Buffer = record.name.toWire()): Buffer {
  const out = Buffer.allocUnsafe(owner.length + 10 + record.rdata.length);
  out.set(owner, 0);
  writeRecord(record, out, owner.length);
  return out;
}

/** Encodes a QUERY for `name`/`type` (zone discovery); `recursionDesired` as nsupdate sets it. */
export function encodeQuery(
  id: number,
  name: Name,
  type: number,
  recursionDesired: boolean,
): Buffer {
  const out = Buffer.allocUnsafe(12 + name.wireLength + 4);
  out.writeUInt16BE(id, 0);
  out.writeUInt16BE(recursionDesired ? 0x0100 : 0, 2);
  out.writeUInt16BE(1, 4);
  out.writeUInt32BE(0, 6);
  out.writeUInt16BE(0, 10);
  const at = name.writeWire(out, 12);
  out.writeUInt16BE(type, at);
  out.writeUInt16BE(CLASS_IN, at + 2);
  return out;
}

/** A reply's header. */
export interface ReplyHeader {
  readonly id: number;
  readonly isResponse: boolean;
  readonly opcode: number;
  readonly truncated: boolean;
  /** The RCODE: the header's 4 bits, extended by an OPT record's 8 upper bits (RFC 6891 §6.1.3). */
  readonly rcode: number;
  /** The header's second 16-bit word as received (QR, OPCODE, AA, TC, RD, RA, Z, AD, CD, RCODE). */
  readonly flags: number;
  readonly counts: readonly [number, number, number, number];
}

/** One RR of a decoded reply, with where it sits in the message. */
export interface DecodedRecord {
  readonly name: Name;
  readonly type: number;
  readonly class: number;
  readonly ttl: number;
  /** RDATA as it is in the message (names in it may be compressed against the message). */
  readonly rdata: Buffer;
  /** Offset of the RDATA in the message (to decode compressed names inside it). */
  readonly rdataOffset: number;
  /** Offset of the RR's first byte. */
  readonly start: number;
}

/**
 * Makes one answer-section record out of the fields {@link decodeReply} found (bounds already
 * checked): lets a zone transfer build its own records with no intermediate {@link DecodedRecord}
 * per record. `names` is the message's decoder, for names inside the RDATA.
 */
export type AnswerBuilder<A> = (
  message: Buffer,
  names: NameDecoder,
  name: Name,
  type: number,
  klass: number,
  ttl: number,
  rdataOffset: number,
  rdlength: number,
) => A;

/** A decoded reply (answer-section records of type `A`: {@link DecodedRecord} by default). */
export interface DecodedReply<A = DecodedRecord> {
  readonly header: ReplyHeader;
  readonly question:
    | { readonly name: Name; readonly type: number; readonly class: number }
    | undefined;
  /** RRs by section: answer (UPDATE: prerequisite), authority (UPDATE: update), additional. */
  readonly sections: readonly [readonly A[], readonly DecodedRecord[], readonly DecodedRecord[]];
  /** The TSIG, when it is the last additional RR. */
  readonly tsig: { readonly start: number; readonly record: TsigRecord } | undefined;
  /** Set when a TSIG RR was found somewhere other than last, or more than once (FORMERR per RFC 8945 §5.2). */
  readonly misplacedTsig: boolean;
  /** The names read so far, to read the (compressed) names inside RDATA against (zone transfers). */
  readonly names: NameDecoder;
}

/** Why a reply could not be decoded. */
export class MessageError extends RndcLibraryError<'malformed'> {
  constructor(message: string) {
    super({ kind: 'malformed', message });
  }
}

/**
 * Decodes a reply without trusting any length: every count and RDLENGTH is checked against the
 * bytes present, names go through the bounded decoder, and at most one question is accepted.
 */
export function decodeReply(buf: Buffer): Result<DecodedReply, MessageError>;
/**
 * As above, reading names with `names`, a decoder already {@link NameDecoder.reset} to `buf`
 * (one decoder for every reply a client reads: its tables are made once, not per reply).
 */
export function decodeReply(
  buf: Buffer,
  answer: undefined,
  names: NameDecoder,
): Result<DecodedReply, MessageError>;
/**
 * As above, the answer section's records made by `answer`; `names`, when given, is a decoder
 * already {@link NameDecoder.reset} to `buf` (one for every message of a transfer).
 */
export function decodeReply<A>(
  buf: Buffer,
  answer: AnswerBuilder<A>,
  names?: NameDecoder,
): Result<DecodedReply<A>, MessageError>;
export function decodeReply<A>(
  buf: Buffer,
  answer?: AnswerBuilder<A>,
  names = new NameDecoder(buf),
): Result<DecodedReply<A | DecodedRecord>, MessageError> {
  if (buf.length < 12)
    return Err(new MessageError(`reply of ${buf.length} bytes is shorter than a DNS header`));
  const flags = buf.readUInt16BE(2);
  const counts = [
    buf.readUInt16BE(4),
    buf.readUInt16BE(6),
    buf.readUInt16BE(8),
    buf.readUInt16BE(10),
  ] as const;
  const header: ReplyHeader = {
    id: buf.readUInt16BE(0),
    isResponse: (flags & 0x8000) !== 0,
    opcode: (flags >> 11) & 0xf,
    truncated: (flags & 0x0200) !== 0,
    rcode: flags & 0xf,
    flags,
    counts,
  };
  // Each RR takes at least 11 bytes, each question 5: counts beyond that are lies.
  if (counts[0] > 1 || (counts[1] + counts[2] + counts[3]) * 11 > buf.length) {
    return Err(new MessageError('section counts exceed the message size'));
  }
  let offset = 12;
  let question: DecodedReply['question'];
  if (counts[0] === 1) {
    const name = names.decode(offset);
    if (name.isErr()) return Err(new MessageError(`question name: ${name.error.message}`));
    offset = name.value.end;
    if (offset + 4 > buf.length) return Err(new MessageError('question runs past the end'));
    question = {
      name: name.value.name,
      type: buf.readUInt16BE(offset),
      class: buf.readUInt16BE(offset + 2),
    };
    offset += 4;
  }
  const answers: (A | DecodedRecord)[] = [];
  const sections: [(A | DecodedRecord)[], DecodedRecord[], DecodedRecord[]] = [answers, [], []];
  let tsigCount = 0;
  for (let section = 0; section < 3; section++) {
    const records: (A | DecodedRecord)[] = sections[section]!;
    const build = section === 0 && answer ? answer : undefined;
    for (let i = 0; i < counts[section + 1]!; i++) {
      const start = offset;
      let name = names.readName(offset);
      if (name) offset = names.end;
      else {
        const slow = names.decode(offset);
        if (slow.isErr()) return Err(new MessageError(`record name: ${slow.error.message}`));
        name = slow.value.name;
        offset = slow.value.end;
      }
      if (offset + 10 > buf.length) return Err(new MessageError('record header runs past the end'));
      const type = (buf[offset]! << 8) | buf[offset + 1]!;
      const klass = (buf[offset + 2]! << 8) | buf[offset + 3]!;
      // By hand: the bounds were checked above, and readUInt32BE's own checks showed in AXFR
      // profiles (one call per record).
      const ttl =
        buf[offset + 4]! * 0x100_0000 +
        ((buf[offset + 5]! << 16) | (buf[offset + 6]! << 8) | buf[offset + 7]!);
      const rdlength = (buf[offset + 8]! << 8) | buf[offset + 9]!;
      const rdataOffset = offset + 10;
      if (rdataOffset + rdlength > buf.length)
        return Err(new MessageError('record data runs past the end'));
      if (type === TYPE_TSIG) tsigCount++;
      records.push(
        build
          ? build(buf, names, name, type, klass, ttl, rdataOffset, rdlength)
          : {
              name,
              type,
              class: klass,
              ttl,
              rdata: buf.subarray(rdataOffset, rdataOffset + rdlength),
              rdataOffset,
              start,
            },
      );
      offset = rdataOffset + rdlength;
    }
  }
  if (offset !== buf.length)
    return Err(new MessageError(`${buf.length - offset} bytes after the last record`));
  const last = sections[2].at(-1);
  let tsig: DecodedReply['tsig'];
  if (last && last.type === TYPE_TSIG) {
    // RFC 8945 §4.2: CLASS ANY and TTL 0. The MAC input uses those values, not the ones received,
    // so a TSIG carrying others would otherwise verify despite being altered.
    if (last.class !== CLASS_ANY || last.ttl !== 0) {
      return Err(
        new MessageError(
          `TSIG record with class ${last.class} and TTL ${last.ttl} (must be ANY and 0)`,
        ),
      );
    }
    const record = decodeTsigRdata(last.name, Buffer.from(last.rdata), (rdata, at) => {
      const decoded = decodeName(rdata, at);
      return decoded.isOk() ? decoded.value : undefined;
    });
    if (!record) return Err(new MessageError('malformed TSIG record'));
    tsig = { start: last.start, record };
  }
  // EDNS (RFC 6891 §6.1.3): the OPT TTL's top byte holds the upper 8 bits of a 12-bit RCODE. A
  // reply saying NOERROR in the header and BADVERS (16) in the OPT is an error, not a success.
  const opt = sections[2].find((r) => r.type === TYPE_OPT);
  const extended = opt ? opt.ttl >>> 24 : 0;
  return Ok({
    header: extended === 0 ? header : { ...header, rcode: (extended << 4) | header.rcode },
    question,
    sections,
    tsig,
    misplacedTsig: tsigCount > (tsig ? 1 : 0),
    names,
  });
}
