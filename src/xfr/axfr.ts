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
import { isIP } from 'node:net';
import { RndcLibraryError } from '../errors.js';
import type { Key } from '../keys/key.js';
import { Err, Ok, type Result } from '../result.js';
import { encodeQuery } from '../update/message.js';
import { decodeName, Name, type NameDecoder, parseName } from '../update/names.js';
import { classToText, formatRdata, typeToText } from '../update/rdata.js';
import { keyName, signRequest } from '../update/tsig.js';
// connection.ts and reader.ts import this module's types and helpers back; nothing of either
// runs at import.
import { runTransferConnection } from './connection.js';
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
  readonly port?: number | undefined;
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
  readonly timeoutMs?: number | undefined;
  /** Longest wait for each complete message, in ms. Default 15 000. */
  readonly messageTimeoutMs?: number | undefined;
  /** Most bytes of answer accepted. Default 512 MiB. */
  readonly maxBytes?: number | undefined;
  /** Most records accepted. Default 10 000 000. */
  readonly maxRecords?: number | undefined;
  /** Ends the transfer at once (`aborted`). */
  readonly signal?: AbortSignal | undefined;
  /** The clock, seconds since the epoch (tests). Default: now. */
  readonly now?: (() => number) | undefined;
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
  const key = options.key;
  if (key && !keyName(key)) {
    return Err(fail('invalid-argument', `the key name ${key.name} is not a domain name`));
  }
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const id = Math.floor(Math.random() * 0x10000);
  const unsigned = encodeQuery(id, zone.value, TYPE_AXFR, false);
  const signed = key ? signRequest(unsigned, key, { time: now() }) : undefined;
  if (key && !signed) {
    return Err(fail('invalid-argument', `the key name ${key.name} is not a domain name`));
  }
  const maxRecords = options.maxRecords ?? DEFAULT_AXFR_MAX_RECORDS;
  const outcome = await runTransferConnection({
    type: 'AXFR',
    host: options.host,
    port,
    server,
    zone: options.zone,
    zoneName: zone.value.toString(),
    query: signed ? signed.message : unsigned,
    // Every message is checked by the reader (the same checks and TSIG chain as IXFR); stream
    // mode hands each message's records on instead of keeping the zone.
    reader: new XfrReader({
      zone: zone.value,
      server,
      id,
      mode: { kind: 'axfr' },
      key,
      queryMac: signed?.mac,
      now,
      maxRecords,
      stream: true,
    }),
    onRecords: options.onRecords,
    timeoutMs: options.timeoutMs,
    messageTimeoutMs: options.messageTimeoutMs,
    maxBytes: options.maxBytes,
    signal: options.signal,
  });
  if (outcome.isErr()) return outcome;
  const { result, records, bytes } = outcome.value;
  return Ok({
    server,
    zone: zone.value,
    serial: result.kind === 'full' ? result.serial : 0,
    records,
    messages: result.messages,
    bytes,
    signed: key !== undefined,
  });
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

/** The same, by type (all of them below 64): an array read per record instead of a map lookup. */
const COMPRESSIBLE_BY_TYPE: readonly (Layout | undefined)[] = Array.from(
  { length: 64 },
  (_, type) => COMPRESSIBLE.get(type),
);

const expandParts: (Name | number)[] = [];

/**
 * The RDATA at `[rdataOffset, rdataOffset + rdlength)` of `message`, of type `type`, with every
 * (possibly compressed) name written out in full; a string saying what is wrong otherwise. Names
 * must end inside the RDATA; pointers follow {@link decodeName}'s rules (strictly backwards,
 * bounded). Types that never carry compressed names are returned as they are: a view of
 * `message`, not a copy. `names` is the message's decoder (names read once).
 */
export function expandRdata(
  message: Buffer,
  type: number,
  rdataOffset: number,
  rdlength: number,
  names: NameDecoder,
): Buffer | string {
  const end = rdataOffset + rdlength;
  const layout = type < 64 ? COMPRESSIBLE_BY_TYPE[type] : undefined;
  if (!layout) return message.subarray(rdataOffset, end);
  let at = rdataOffset;
  // Names, and [start, end) ranges of the message copied as they are (one array for every call:
  // this function never yields, so no two calls share it at once).
  // Filled from index 0 and read up to `count`: emptying it (`length = 0`) cost more than the
  // rest of a short RDATA's expansion.
  const parts = expandParts;
  let count = 0;
  let length = 0;
  for (let k = 0; k < layout.length; k++) {
    const item = layout[k]!;
    if (item === 'name') {
      // Copied out of the message, never made into a Name (-1 - offset marks it in parts).
      const wire = names.measure(at, end);
      if (wire > 0) {
        parts[count++] = -1 - at;
        length += wire;
        at = names.end;
      } else {
        const slow = names.decode(at, end);
        if (slow.isErr()) return slow.error.message;
        parts[count++] = slow.value.name;
        length += slow.value.name.wireLength;
        at = slow.value.end;
      }
    } else if (item === 'strings3') {
      const start = at;
      for (let i = 0; i < 3; i++) {
        const size = message[at];
        if (size === undefined || at + 1 + size > end)
          return 'character-string runs past the RDATA';
        at += 1 + size;
      }
      parts[count++] = start;
      parts[count++] = at;
      length += at - start;
    } else {
      if (at + item > end) return 'RDATA too short';
      parts[count++] = at;
      parts[count++] = at + item;
      length += item;
      at += item;
    }
  }
  if (at !== end) return `${end - at} byte(s) after the last field of the RDATA`;
  // One buffer written in place (byte loops: the pieces are short).
  const out = Buffer.allocUnsafe(length);
  let pos = 0;
  for (let p = 0; p < count; p++) {
    const part = parts[p]!;
    if (typeof part === 'number' && part < 0) pos = names.writeName(-1 - part, out, pos);
    else if (typeof part === 'number') {
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
  return out;
}
