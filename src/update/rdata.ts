/**
 * Resource records in presentation form (RFC 1035 §5.1, RFC 3597 §5) ⇄ wire RDATA.
 *
 * Pure code, no I/O. The text rules follow BIND 9.18's zone-file reader, and the unit tests
 * compare every supported type byte for byte with `named-rrchecker`:
 *
 * - Tokens are separated by blanks; `"…"` quotes a token; `;` starts a comment; `(` `)` group
 *   tokens across line breaks. A backslash keeps the next character in the token.
 * - Names in RDATA are made absolute against the origin ({@link parseName}) and encoded
 *   uncompressed.
 * - Any type may be written in the RFC 3597 generic form `\# <length> <hex>`. For the types
 *   this module knows, the bytes must still be valid RDATA of that type, as in BIND.
 *
 * Supported types: A, AAAA, NS, CNAME, PTR, DNAME, MX, TXT, SPF, SRV, CAA, SSHFP, TLSA, DS,
 * CDS, SOA, HINFO and NAPTR. Every other type needs the generic form.
 */
import { Err, Ok, type Result } from 'ts-results-es';
import { RndcLibraryError } from '../errors.js';
import { decodeName, Name, parseName } from './names.js';

// ---------------------------------------------------------------------------------------------
// Errors

/** Why a record or its RDATA could not be read. */
export type RecordErrorKind =
  | 'syntax'
  | 'bad-ttl'
  | 'bad-class'
  | 'unknown-type'
  | 'unsupported-type'
  | 'bad-rdata'
  | 'name';

/**
 * A record in presentation form that could not be read, or RDATA that is not valid for its
 * type. The message quotes the offending token. For kind `name` the `cause` is the
 * {@link NameError}.
 */
export class RecordError extends RndcLibraryError<RecordErrorKind> {}

/** Thrown inside this module only, and always caught at the exported function. */
class Failure {
  constructor(readonly error: RecordError) {}
}

function fail(
  kind: RecordErrorKind,
  message: string,
  extra: { remedy?: string; causes?: string[]; cause?: unknown } = {},
): never {
  throw new Failure(new RecordError({ kind, message, ...extra }));
}

/** Shows at most 80 characters of user text, quoted. */
function quote(text: string): string {
  const shown = text.length > 80 ? `${text.slice(0, 77)}...` : text;
  return JSON.stringify(shown);
}

const GENERIC_REMEDY = 'write the RDATA in the RFC 3597 generic form: \\# <length> <hex bytes>';

// ---------------------------------------------------------------------------------------------
// Type and class mnemonics

/** RR type numbers by mnemonic (IANA "Resource Record (RR) TYPEs"). */
export const RR_TYPES = {
  A: 1,
  NS: 2,
  MD: 3,
  MF: 4,
  CNAME: 5,
  SOA: 6,
  MB: 7,
  MG: 8,
  MR: 9,
  NULL: 10,
  WKS: 11,
  PTR: 12,
  HINFO: 13,
  MINFO: 14,
  MX: 15,
  TXT: 16,
  RP: 17,
  AFSDB: 18,
  X25: 19,
  ISDN: 20,
  RT: 21,
  NSAP: 22,
  'NSAP-PTR': 23,
  SIG: 24,
  KEY: 25,
  PX: 26,
  GPOS: 27,
  AAAA: 28,
  LOC: 29,
  NXT: 30,
  EID: 31,
  NIMLOC: 32,
  SRV: 33,
  ATMA: 34,
  NAPTR: 35,
  KX: 36,
  CERT: 37,
  A6: 38,
  DNAME: 39,
  SINK: 40,
  OPT: 41,
  APL: 42,
  DS: 43,
  SSHFP: 44,
  IPSECKEY: 45,
  RRSIG: 46,
  NSEC: 47,
  DNSKEY: 48,
  DHCID: 49,
  NSEC3: 50,
  NSEC3PARAM: 51,
  TLSA: 52,
  SMIMEA: 53,
  HIP: 55,
  NINFO: 56,
  RKEY: 57,
  TALINK: 58,
  CDS: 59,
  CDNSKEY: 60,
  OPENPGPKEY: 61,
  CSYNC: 62,
  ZONEMD: 63,
  SVCB: 64,
  HTTPS: 65,
  DSYNC: 66,
  HHIT: 67,
  BRID: 68,
  SPF: 99,
  UINFO: 100,
  UID: 101,
  GID: 102,
  UNSPEC: 103,
  NID: 104,
  L32: 105,
  L64: 106,
  LP: 107,
  EUI48: 108,
  EUI64: 109,
  TKEY: 249,
  TSIG: 250,
  IXFR: 251,
  AXFR: 252,
  MAILB: 253,
  MAILA: 254,
  ANY: 255,
  URI: 256,
  CAA: 257,
  AVC: 258,
  DOA: 259,
  AMTRELAY: 260,
  RESINFO: 261,
  WALLET: 262,
  TA: 32768,
  DLV: 32769,
} as const satisfies Record<string, number>;

/** A mnemonic of {@link RR_TYPES}. */
export type RRTypeName = keyof typeof RR_TYPES;

/** Class numbers by mnemonic (RFC 1035 §3.2.4, RFC 2136 §1.3). */
export const RR_CLASSES = { IN: 1, CH: 3, HS: 4, NONE: 254, ANY: 255 } as const;

const CLASS_IN = 1;
const CLASS_HS = 4;

const TYPE_BY_NAME = new Map<string, number>(Object.entries(RR_TYPES));
const NAME_BY_TYPE = new Map<number, string>(
  Object.entries(RR_TYPES).map(([name, value]) => [value, name]),
);
const CLASS_BY_NAME = new Map<string, number>([
  ...Object.entries(RR_CLASSES),
  ['CHAOS', 3],
  ['HESIOD', 4],
]);
const NAME_BY_CLASS = new Map<number, string>(
  Object.entries(RR_CLASSES).map(([name, value]) => [value, name]),
);

/** `TYPE15` / `CLASS3` style: the number after `prefix`, if it is 0-65535. */
function numbered(text: string, prefix: string): number | undefined {
  if (text.length <= prefix.length || text.length > prefix.length + 5) return undefined;
  if (text.slice(0, prefix.length).toUpperCase() !== prefix) return undefined;
  const digits = text.slice(prefix.length);
  if (!/^[0-9]+$/.test(digits)) return undefined;
  const value = Number(digits);
  return value <= 0xffff ? value : undefined;
}

/**
 * The type number for a mnemonic (`MX`, `mx`) or an RFC 3597 `TYPEnnn` word, or `undefined`.
 */
export function typeFromText(text: string): number | undefined {
  return TYPE_BY_NAME.get(text.toUpperCase()) ?? numbered(text, 'TYPE');
}

/** The mnemonic of a type number, or `TYPEnnn` (RFC 3597 §5) when it has none. */
export function typeToText(type: number): string {
  return NAME_BY_TYPE.get(type) ?? `TYPE${type}`;
}

/**
 * The class number for `IN`, `CH` (`CHAOS`), `HS` (`HESIOD`), `NONE`, `ANY` or an RFC 3597
 * `CLASSnnn` word, case-insensitive; `undefined` otherwise.
 */
export function classFromText(text: string): number | undefined {
  return CLASS_BY_NAME.get(text.toUpperCase()) ?? numbered(text, 'CLASS');
}

/** The mnemonic of a class number (`IN`, `CH`, `HS`, `NONE`, `ANY`), else `CLASSnnn`. */
export function classToText(rdclass: number): string {
  return NAME_BY_CLASS.get(rdclass) ?? `CLASS${rdclass}`;
}

/**
 * True for types that only exist in queries or as message meta-records and never have RDATA in
 * a zone: 0, OPT, TKEY, TSIG, IXFR, AXFR, MAILB, MAILA and ANY (BIND refuses RDATA for them).
 */
export function isMetaType(type: number): boolean {
  return type === 0 || type === 41 || (type >= 249 && type <= 255);
}

/** True for the classes that never appear on zone data: 0, NONE (254) and ANY (255). */
export function isMetaClass(rdclass: number): boolean {
  return rdclass === 0 || rdclass === 254 || rdclass === 255;
}

// ---------------------------------------------------------------------------------------------
// Tokens

interface Token {
  readonly kind: 'word';
  /** Raw token text: quotes removed, backslash escapes still in place. */
  readonly text: string;
  readonly quoted: boolean;
  readonly start: number;
  readonly end: number;
}

interface Paren {
  readonly kind: 'paren';
  readonly start: number;
  readonly end: number;
}

type Item = Token | Paren;

const BLANKS = new Set([' ', '\t', '\r', '\f', '\v']);
const WORD_END = new Set([...BLANKS, '\n', ';', '(', ')', '"']);

/** Splits presentation text into tokens and parentheses, following BIND's zone-file lexer. */
function tokenize(text: string): Item[] {
  const items: Item[] = [];
  let depth = 0;
  let lineEnded = false;
  let i = 0;
  while (i < text.length) {
    const char = text[i]!;
    if (BLANKS.has(char)) {
      i++;
      continue;
    }
    if (char === '\n') {
      if (depth === 0) lineEnded = true;
      i++;
      continue;
    }
    if (char === ';') {
      const newline = text.indexOf('\n', i);
      i = newline === -1 ? text.length : newline;
      continue;
    }
    if (lineEnded) {
      fail('syntax', `the record continues after a line break: ${quote(text.slice(i))}`, {
        remedy: 'write one record per line, or wrap multi-line RDATA in ( )',
      });
    }
    if (char === '(' || char === ')') {
      depth += char === '(' ? 1 : -1;
      if (depth < 0) fail('syntax', `unbalanced parentheses: ${quote(text)}`);
      items.push({ kind: 'paren', start: i, end: i + 1 });
      i++;
      continue;
    }
    if (char === '"') {
      let j = i + 1;
      for (;;) {
        const c = text[j];
        if (c === undefined || c === '\n') fail('syntax', `unbalanced quotes: ${quote(text)}`);
        if (c === '"') break;
        j += c === '\\' ? 2 : 1;
      }
      items.push({ kind: 'word', text: text.slice(i + 1, j), quoted: true, start: i, end: j + 1 });
      i = j + 1;
      continue;
    }
    let j = i;
    while (j < text.length && !WORD_END.has(text[j]!)) j += text[j] === '\\' ? 2 : 1;
    j = Math.min(j, text.length);
    items.push({ kind: 'word', text: text.slice(i, j), quoted: false, start: i, end: j });
    i = j;
  }
  if (depth !== 0) fail('syntax', `unbalanced parentheses: ${quote(text)}`);
  return items;
}

const words = (items: readonly Item[]): Token[] =>
  items.filter((item): item is Token => item.kind === 'word');

/** Reads the fields of one RDATA in order. */
class Fields {
  #pos = 0;
  constructor(
    private readonly tokens: readonly Token[],
    /** `MX record`: prefixes messages. */
    readonly what: string,
  ) {}

  get done(): boolean {
    return this.#pos >= this.tokens.length;
  }

  /** The next token, which may be quoted. */
  any(field: string): Token {
    const token = this.tokens[this.#pos];
    if (!token) fail('syntax', `${this.what}: missing ${field}`);
    this.#pos++;
    return token;
  }

  /** The next token, which must not be quoted; its raw text. */
  word(field: string): string {
    const token = this.any(field);
    if (token.quoted) {
      fail('syntax', `${this.what}: ${field} must not be quoted: "${token.text}"`);
    }
    return token.text;
  }

  /** All remaining tokens. */
  rest(): Token[] {
    const rest = this.tokens.slice(this.#pos);
    this.#pos = this.tokens.length;
    return rest;
  }

  /** Fails if tokens are left over. */
  finish(): void {
    const extra = this.tokens[this.#pos];
    if (extra) fail('syntax', `${this.what}: extra input ${quote(extra.text)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Field values: text → bytes

const isDigitCode = (code: number | undefined): boolean =>
  code !== undefined && code >= 0x30 && code <= 0x39;

/** Decimal number of at most `max`; leading zeros allowed, signs and hex not (as BIND). */
function decimal(text: string, max: number, field: string, what: string): number {
  if (!/^[0-9]+$/.test(text)) fail('bad-rdata', `${what}: ${field} "${text}" is not a number`);
  const value = text.length > 15 ? Number.POSITIVE_INFINITY : Number(text);
  if (value > max) fail('bad-rdata', `${what}: ${field} "${text}" is out of range (0-${max})`);
  return value;
}

/** Resolves `\X` and `\DDD` escapes; characters outside ASCII become their UTF-8 bytes. */
function unescapeText(text: string, field: string, what: string): Buffer {
  const bytes: number[] = [];
  let i = 0;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code === 0x5c) {
      if (i + 1 >= text.length) fail('bad-rdata', `${what}: ${field} ends with a lone backslash`);
      if (isDigitCode(text.charCodeAt(i + 1))) {
        const digits = text.slice(i + 1, i + 4);
        if (!/^[0-9]{3}$/.test(digits) || Number(digits) > 255) {
          fail('bad-rdata', `${what}: bad escape "\\${digits}" in ${field}`, {
            remedy: 'use \\DDD with exactly three decimal digits (000-255)',
          });
        }
        bytes.push(Number(digits));
        i += 4;
        continue;
      }
      i++;
    }
    const point = text.codePointAt(i)!;
    if (point < 0x80) bytes.push(point);
    else bytes.push(...Buffer.from(String.fromCodePoint(point), 'utf8'));
    i += point > 0xffff ? 2 : 1;
  }
  return Buffer.from(bytes);
}

/** A character-string (RFC 1035 §3.3): length byte + at most 255 bytes. */
function characterString(token: Token, field: string, what: string): Buffer {
  const bytes = unescapeText(token.text, field, what);
  if (bytes.length > 255) {
    fail(
      'bad-rdata',
      `${what}: ${field} ${quote(token.text)} is ${bytes.length} bytes; the limit is 255`,
      {
        remedy: 'split long text into several quoted strings of at most 255 bytes each',
      },
    );
  }
  return Buffer.concat([Buffer.of(bytes.length), bytes]);
}

/** Hex digits spread over any number of tokens (BIND joins them). */
function hexTokens(tokens: readonly Token[], field: string, what: string): Buffer {
  let digits = '';
  for (const token of tokens) {
    if (token.quoted) fail('syntax', `${what}: ${field} must not be quoted: "${token.text}"`);
    digits += token.text;
  }
  if (!/^[0-9a-fA-F]*$/.test(digits) || digits.length % 2 !== 0) {
    fail('bad-rdata', `${what}: ${field} ${quote(digits)} is not valid hex`, {
      remedy: 'write an even number of hex digits (0-9, a-f)',
    });
  }
  return Buffer.from(digits, 'hex');
}

function nameField(text: string, origin: Name, field: string, what: string): Buffer {
  const parsed = parseName(text, origin);
  if (parsed.isErr()) {
    fail('name', `${what}: ${field} ${quote(text)}: ${parsed.error.message}`, {
      cause: parsed.error,
    });
  }
  return parsed.value.toWire();
}

const u8 = (value: number): Buffer => Buffer.of(value);
const u16 = (value: number): Buffer => {
  const out = Buffer.alloc(2);
  out.writeUInt16BE(value);
  return out;
};
const u32 = (value: number): Buffer => {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value);
  return out;
};

/** Dotted quad as BIND reads it: four decimal parts 0-255, no leading zeros. */
function ipv4Bytes(text: string): Buffer | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const bytes: number[] = [];
  for (const part of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part) || Number(part) > 255) return undefined;
    bytes.push(Number(part));
  }
  return Buffer.from(bytes);
}

/** IPv6 text (RFC 4291 §2.2) as BIND reads it; no zone index. */
function ipv6Bytes(text: string): Buffer | undefined {
  const gap = text.indexOf('::');
  if (gap !== -1 && text.indexOf('::', gap + 1) !== -1) return undefined;
  const groups = (part: string, ipv4Allowed: boolean): number[] | undefined => {
    if (part === '') return [];
    const pieces = part.split(':');
    const out: number[] = [];
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i]!;
      if (ipv4Allowed && i === pieces.length - 1 && piece.includes('.')) {
        const v4 = ipv4Bytes(piece);
        if (!v4) return undefined;
        out.push(v4.readUInt16BE(0), v4.readUInt16BE(2));
      } else if (/^[0-9a-fA-F]{1,4}$/.test(piece)) {
        out.push(Number.parseInt(piece, 16));
      } else {
        return undefined;
      }
    }
    return out;
  };
  const head = groups(gap === -1 ? text : text.slice(0, gap), gap === -1);
  const tail = gap === -1 ? [] : groups(text.slice(gap + 2), true);
  if (!head || !tail) return undefined;
  const count = head.length + tail.length;
  if (gap === -1 ? count !== 8 : count > 7) return undefined;
  const all = [...head, ...new Array<number>(8 - count).fill(0), ...tail];
  const out = Buffer.alloc(16);
  all.forEach((word, i) => {
    out.writeUInt16BE(word, i * 2);
  });
  return out;
}

const TTL_UNITS: Readonly<Record<string, number>> = { w: 604800, d: 86400, h: 3600, m: 60, s: 1 };
const MAX_U32 = 0xffffffff;
/** Largest TTL a record may have (RFC 2181 §8). */
export const MAX_TTL = 0x7fffffff;

function ttlValue(text: string): number | string {
  if (/^[0-9]+$/.test(text)) {
    const value = text.length > 15 ? Number.POSITIVE_INFINITY : Number(text);
    return value <= MAX_U32 ? value : 'is out of range';
  }
  if (!/^([0-9]+[wdhmsWDHMS])+$/.test(text)) {
    return 'is not a number of seconds or a duration like 1h30m (units w, d, h, m, s)';
  }
  let total = 0;
  for (const [, digits, unit] of text.matchAll(/([0-9]+)([a-zA-Z])/g)) {
    const value = digits!.length > 15 ? Number.POSITIVE_INFINITY : Number(digits);
    total += value * TTL_UNITS[unit!.toLowerCase()]!;
    if (total > MAX_U32) return 'is out of range';
  }
  return total;
}

/**
 * Reads a TTL as BIND does: plain seconds (`3600`) or a duration made of number+unit pairs
 * (`1h30m`, `1w2d`; units `w d h m s`, any case). The value must fit 32 bits; whether it is
 * also ≤ {@link MAX_TTL} is the caller's check. Never throws.
 */
export function parseTtl(text: string): Result<number, RecordError> {
  const value = ttlValue(text);
  if (typeof value === 'number') return Ok(value);
  return Err(new RecordError({ kind: 'bad-ttl', message: `TTL ${quote(text)} ${value}` }));
}

// ---------------------------------------------------------------------------------------------
// Wire RDATA → fields

class WireFailure {
  constructor(readonly reason: string) {}
}

/** Reads the fields of one wire RDATA in order; throws {@link WireFailure}. */
class Reader {
  #pos = 0;
  constructor(private readonly data: Uint8Array) {}

  get remaining(): number {
    return this.data.length - this.#pos;
  }

  #take(count: number, field: string): Uint8Array {
    if (this.#pos + count > this.data.length) throw new WireFailure(`${field} is cut off`);
    const out = this.data.subarray(this.#pos, this.#pos + count);
    this.#pos += count;
    return out;
  }

  u8(field: string): number {
    return this.#take(1, field)[0]!;
  }

  u16(field: string): number {
    const bytes = this.#take(2, field);
    return (bytes[0]! << 8) | bytes[1]!;
  }

  u32(field: string): number {
    const bytes = this.#take(4, field);
    return ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
  }

  bytes(count: number, field: string): Uint8Array {
    return this.#take(count, field);
  }

  rest(): Uint8Array {
    return this.#take(this.remaining, 'data');
  }

  string(field: string): Uint8Array {
    return this.#take(this.u8(field), field);
  }

  name(field: string): Name {
    if (this.#pos >= this.data.length) throw new WireFailure(`${field} is missing`);
    const decoded = decodeName(this.data, this.#pos, { compression: false });
    if (decoded.isErr()) throw new WireFailure(`${field}: ${decoded.error.message}`);
    this.#pos = decoded.value.end;
    return decoded.value.name;
  }

  finish(): void {
    if (this.remaining > 0) throw new WireFailure(`${this.remaining} bytes of extra data`);
  }
}

/** A character-string in presentation form, escaped as BIND prints it. */
function quoted(bytes: Uint8Array): string {
  let out = '"';
  for (const byte of bytes) {
    if (byte === 0x22 || byte === 0x5c) out += `\\${String.fromCharCode(byte)}`;
    else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
    else out += `\\${byte.toString().padStart(3, '0')}`;
  }
  return `${out}"`;
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex').toUpperCase();

const nameText = (name: Name, origin: Name | undefined): string =>
  origin ? name.relativeTo(origin) : name.toString();

/** IPv6 text as BIND 9.18 prints it (glibc `inet_ntop`: RFC 5952 style, lowercase). */
function ipv6Text(bytes: Uint8Array): string {
  const words = Array.from({ length: 8 }, (_, i) => (bytes[i * 2]! << 8) | bytes[i * 2 + 1]!);
  let best = { start: -1, length: 0 };
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > best.length) best = { start: i, length: j - i };
    i = j;
  }
  if (best.length < 2) best = { start: -1, length: 0 };
  if (best.start === 0 && (best.length === 6 || (best.length === 5 && words[5] === 0xffff))) {
    const v4 = Array.from(bytes.subarray(12, 16)).join('.');
    return best.length === 6 ? `::${v4}` : `::ffff:${v4}`;
  }
  const hexWords = words.map((word) => word.toString(16));
  if (best.start === -1) return hexWords.join(':');
  const head = hexWords.slice(0, best.start).join(':');
  const tail = hexWords.slice(best.start + best.length).join(':');
  return `${head}::${tail}`;
}

// ---------------------------------------------------------------------------------------------
// NAPTR regexp (RFC 3403 §4.1), checked as BIND checks it

const CHARACTER_CLASSES = new Set([
  ':alnum:',
  ':digit:',
  ':punct:',
  ':alpha:',
  ':graph:',
  ':space:',
  ':blank:',
  ':lower:',
  ':upper:',
  ':cntrl:',
  ':print:',
  ':xdigit:',
]);

const ch = (char: string): number => char.charCodeAt(0);

/**
 * Reads a bracket expression starting just after `[`; returns the index after its `]`, or
 * `undefined` when it is malformed (unterminated, reversed range, unknown `[:class:]`, …).
 */
function bracketEnd(re: readonly number[], from: number): number | undefined {
  let i = from;
  let negated = false;
  let seenChar = false;
  let range = 0; // 2 right after a '-', 1 after the range's end, 0 otherwise
  let rangeStart = 0;
  const ordinary = (code: number) => {
    seenChar = true;
    if (range === 2 && code < rangeStart) return false;
    if (range > 0) range--;
    rangeStart = code;
    i++;
    return true;
  };
  for (;;) {
    const code = re[i];
    if (code === undefined) return undefined;
    if (code === ch('^') && !seenChar && !negated) {
      negated = true;
      i++;
    } else if (code === ch('-') && seenChar && range !== 2) {
      if (range === 1) return undefined;
      range = 2;
      i++;
    } else if (code === ch('[')) {
      i++;
      const kind = re[i];
      if (kind === ch('.')) {
        // collating element [.x.]
        if (range > 0) range--;
        i++;
        let seen = false;
        for (;;) {
          const c = re[i];
          if (c === undefined) return undefined;
          if (c === ch('.')) {
            i++;
            if (re[i] === ch(']')) {
              if (!seen) return undefined;
              i++;
              break;
            }
            rangeStart = seen ? 256 : ch('.');
            seen = true;
          } else {
            rangeStart = seen ? 256 : c;
            seen = true;
            i++;
          }
        }
      } else if (kind === ch('=')) {
        // equivalence class [=x=]
        if (range === 2) return undefined;
        i++;
        let seen = false;
        for (;;) {
          const c = re[i];
          if (c === undefined) return undefined;
          if (c === ch('=')) {
            i++;
            if (re[i] === ch(']')) {
              if (!seen) return undefined;
              i++;
              break;
            }
          } else {
            i++;
          }
          seen = true;
        }
      } else if (kind === ch(':')) {
        // character class [:name:]
        if (range === 2) return undefined;
        const nameStart = i;
        i++;
        for (;;) {
          const c = re[i];
          if (c === undefined) return undefined;
          i++;
          if (c === ch(':') && re[i] === ch(']')) {
            const className = String.fromCharCode(...re.slice(nameStart, i));
            if (!CHARACTER_CLASSES.has(className)) return undefined;
            i++;
            break;
          }
        }
      }
      seenChar = true;
    } else if (code === ch(']') && seenChar) {
      return i + 1;
    } else {
      if (code === ch(']') && i === re.length - 1) return undefined;
      if (!ordinary(code)) return undefined;
    }
  }
}

/**
 * Checks a POSIX extended regular expression the way BIND 9.18 does (C locale) and returns the
 * number of groups `( )`, or `undefined` when BIND would refuse it.
 */
function ereGroupCount(re: readonly number[]): number | undefined {
  if (re.length === 0) return undefined;
  let open = 0;
  let groups = 0;
  let atom = false; // something a quantifier could apply to precedes
  let quantified = false; // the previous item was a quantifier or an anchor
  let emptyAlternativeOk = false;
  let i = 0;
  while (i < re.length) {
    const code = re[i]!;
    switch (code) {
      case ch('\\'): {
        const next = re[i + 1];
        if (next === undefined) return undefined;
        if (next >= ch('1') && next <= ch('9') && next - ch('0') > groups) return undefined;
        atom = true;
        quantified = false;
        i += 2;
        break;
      }
      case ch('['): {
        const end = bracketEnd(re, i + 1);
        if (end === undefined) return undefined;
        atom = true;
        quantified = false;
        i = end;
        break;
      }
      case ch('('):
        open++;
        groups++;
        atom = false;
        quantified = false;
        emptyAlternativeOk = true;
        i++;
        break;
      case ch(')'):
        if (open > 0 && !atom && !emptyAlternativeOk) return undefined;
        if (open > 0) open--;
        atom = true;
        quantified = false;
        i++;
        break;
      case ch('|'):
        if (!atom) return undefined;
        atom = false;
        quantified = false;
        emptyAlternativeOk = false;
        i++;
        break;
      case ch('^'):
      case ch('$'):
        atom = true;
        quantified = true;
        i++;
        break;
      case ch('*'):
      case ch('+'):
      case ch('?'):
        if (quantified || !atom) return undefined;
        quantified = true;
        i++;
        break;
      default:
        if (code === ch('{') && isDigitCode(re[i + 1])) {
          // bound {m}, {m,}, {m,n}
          if (!atom || quantified) return undefined;
          i++;
          let low = 0;
          let high = 0;
          let comma = false;
          let highSeen = false;
          for (;;) {
            const c = re[i];
            if (c === undefined) return undefined;
            i++;
            if (isDigitCode(c)) {
              if (comma) {
                highSeen = true;
                high = high * 10 + c - ch('0');
                if (high > 255) return undefined;
              } else {
                low = low * 10 + c - ch('0');
                if (low > 255) return undefined;
              }
            } else if (c === ch(',') && !comma) {
              comma = true;
            } else if (c === ch('}')) {
              if (highSeen && low > high) return undefined;
              break;
            } else {
              return undefined;
            }
          }
          quantified = true;
          break;
        }
        atom = true;
        quantified = false;
        i++;
    }
  }
  if (open !== 0 || !atom) return undefined;
  return groups;
}

/** Why BIND would refuse this NAPTR regexp field, or `undefined` if it is acceptable. */
function naptrRegexpProblem(field: Uint8Array): string | undefined {
  if (field.length === 0) return undefined;
  const delimiter = field[0]!;
  if (
    isDigitCode(delimiter) ||
    delimiter === ch('\\') ||
    delimiter === ch('i') ||
    delimiter === 0
  ) {
    return 'the delimiter must not be a digit, a backslash, "i" or NUL';
  }
  const ere: number[] = [];
  let part: 'ere' | 'replacement' | 'flags' = 'ere';
  let highestReference = 0;
  for (let i = 1; i < field.length; i++) {
    const code = field[i]!;
    if (code === 0) return 'it contains a NUL byte';
    if (code === delimiter) {
      if (part === 'flags') return 'it has more than three delimiters';
      part = part === 'ere' ? 'replacement' : 'flags';
      continue;
    }
    if (part === 'flags') {
      if (code !== ch('i')) return 'the only flag allowed after the last delimiter is "i"';
      continue;
    }
    if (part === 'ere') ere.push(code);
    if (code === ch('\\')) {
      const next = field[i + 1];
      if (next === undefined) return 'it ends with a lone backslash';
      if (next === 0) return 'it contains a NUL byte';
      i++;
      if (part === 'ere') ere.push(next);
      else if (next === ch('0')) return 'the replacement refers to \\0';
      else if (isDigitCode(next)) highestReference = Math.max(highestReference, next - ch('0'));
    }
  }
  if (part !== 'flags') return 'it needs three delimiters: <d>regexp<d>replacement<d>[i]';
  const groups = ereGroupCount(ere);
  if (groups === undefined) return 'the regular expression is not a valid POSIX extended regexp';
  if (highestReference > groups) {
    return `the replacement refers to \\${highestReference} but the regexp has ${groups} group(s)`;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// DNSSEC mnemonics and digest lengths

/** DNSSEC algorithm mnemonics BIND accepts in DS/CDS (RFC 8624 and the IANA registry). */
const DNSSEC_ALGORITHMS: ReadonlyMap<string, number> = new Map([
  ['RSAMD5', 1],
  ['DH', 2],
  ['DSA', 3],
  ['RSASHA1', 5],
  ['NSEC3DSA', 6],
  ['NSEC3RSASHA1', 7],
  ['RSASHA256', 8],
  ['RSASHA512', 10],
  ['ECCGOST', 12],
  ['ECDSAP256SHA256', 13],
  ['ECDSAP384SHA384', 14],
  ['ED25519', 15],
  ['ED448', 16],
  ['INDIRECT', 252],
  ['PRIVATEDNS', 253],
  ['PRIVATEOID', 254],
]);

/** DS digest type mnemonics BIND accepts (RFC 4034, 4509, 5933, 6605). */
const DS_DIGESTS: ReadonlyMap<string, number> = new Map([
  ['SHA-1', 1],
  ['SHA1', 1],
  ['SHA-256', 2],
  ['SHA256', 2],
  ['GOST', 3],
  ['SHA-384', 4],
  ['SHA384', 4],
]);

/** Digest lengths BIND enforces for DS/CDS digest types (SHA-1, SHA-256, SHA-384). */
const DS_DIGEST_BYTES: ReadonlyMap<number, number> = new Map([
  [1, 20],
  [2, 32],
  [4, 48],
]);

/** Fingerprint lengths BIND enforces for SSHFP fingerprint types (SHA-1, SHA-256). */
const SSHFP_FINGERPRINT_BYTES: ReadonlyMap<number, number> = new Map([
  [1, 20],
  [2, 32],
]);

function mnemonicOrNumber(
  text: string,
  table: ReadonlyMap<string, number>,
  field: string,
  what: string,
): number {
  if (/^[0-9]+$/.test(text)) return decimal(text, 255, field, what);
  const value = table.get(text.toUpperCase());
  if (value === undefined) fail('bad-rdata', `${what}: unknown ${field} ${quote(text)}`);
  return value;
}

// ---------------------------------------------------------------------------------------------
// Codecs of the supported types

interface Codec {
  /** Presentation fields → wire RDATA. Throws {@link Failure}. */
  readonly parse: (fields: Fields, origin: Name) => Buffer;
  /** Wire RDATA → presentation text. Throws {@link WireFailure}; must consume everything. */
  readonly format: (reader: Reader, origin: Name | undefined) => string;
}

const nameCodec: Codec = {
  parse: (f, origin) => nameField(f.word('name'), origin, 'name', f.what),
  format: (r, origin) => nameText(r.name('name'), origin),
};

const textCodec: Codec = {
  parse: (f) => {
    const tokens = f.rest();
    if (tokens.length === 0) fail('syntax', `${f.what}: missing text`);
    return Buffer.concat(tokens.map((token) => characterString(token, 'string', f.what)));
  },
  format: (r) => {
    const strings: string[] = [];
    do strings.push(quoted(r.string('string')));
    while (r.remaining > 0);
    return strings.join(' ');
  },
};

const dsCodec: Codec = {
  parse: (f) => {
    const keyTag = decimal(f.word('key tag'), 0xffff, 'key tag', f.what);
    const algorithm = mnemonicOrNumber(f.word('algorithm'), DNSSEC_ALGORITHMS, 'algorithm', f.what);
    const digestType = mnemonicOrNumber(f.word('digest type'), DS_DIGESTS, 'digest type', f.what);
    const digest = hexTokens(f.rest(), 'digest', f.what);
    if (digest.length === 0) fail('syntax', `${f.what}: missing digest`);
    const expected = DS_DIGEST_BYTES.get(digestType);
    if (expected !== undefined && digest.length !== expected) {
      fail(
        'bad-rdata',
        `${f.what}: digest type ${digestType} needs a ${expected}-byte digest, got ${digest.length} bytes`,
      );
    }
    return Buffer.concat([u16(keyTag), u8(algorithm), u8(digestType), digest]);
  },
  format: (r) => {
    const keyTag = r.u16('key tag');
    const algorithm = r.u8('algorithm');
    const digestType = r.u8('digest type');
    const digest = r.rest();
    if (digest.length === 0) throw new WireFailure('the digest is missing');
    const expected = DS_DIGEST_BYTES.get(digestType);
    if (expected !== undefined && digest.length !== expected) {
      throw new WireFailure(`digest type ${digestType} needs a ${expected}-byte digest`);
    }
    return `${keyTag} ${algorithm} ${digestType} ${hex(digest)}`;
  },
};

const CODECS: ReadonlyMap<number, Codec> = new Map<number, Codec>([
  [
    RR_TYPES.A,
    {
      parse: (f) => {
        const text = f.word('address');
        return ipv4Bytes(text) ?? fail('bad-rdata', `${f.what}: bad IPv4 address ${quote(text)}`);
      },
      format: (r) => Array.from(r.bytes(4, 'address')).join('.'),
    },
  ],
  [
    RR_TYPES.AAAA,
    {
      parse: (f) => {
        const text = f.word('address');
        return ipv6Bytes(text) ?? fail('bad-rdata', `${f.what}: bad IPv6 address ${quote(text)}`);
      },
      format: (r) => ipv6Text(r.bytes(16, 'address')),
    },
  ],
  [RR_TYPES.NS, nameCodec],
  [RR_TYPES.CNAME, nameCodec],
  [RR_TYPES.PTR, nameCodec],
  [RR_TYPES.DNAME, nameCodec],
  [
    RR_TYPES.MX,
    {
      parse: (f, origin) =>
        Buffer.concat([
          u16(decimal(f.word('preference'), 0xffff, 'preference', f.what)),
          nameField(f.word('exchange'), origin, 'exchange', f.what),
        ]),
      format: (r, origin) => `${r.u16('preference')} ${nameText(r.name('exchange'), origin)}`,
    },
  ],
  [RR_TYPES.TXT, textCodec],
  [RR_TYPES.SPF, textCodec],
  [
    RR_TYPES.SRV,
    {
      parse: (f, origin) =>
        Buffer.concat([
          u16(decimal(f.word('priority'), 0xffff, 'priority', f.what)),
          u16(decimal(f.word('weight'), 0xffff, 'weight', f.what)),
          u16(decimal(f.word('port'), 0xffff, 'port', f.what)),
          nameField(f.word('target'), origin, 'target', f.what),
        ]),
      format: (r, origin) =>
        `${r.u16('priority')} ${r.u16('weight')} ${r.u16('port')} ${nameText(r.name('target'), origin)}`,
    },
  ],
  [
    RR_TYPES.CAA,
    {
      parse: (f) => {
        const flags = decimal(f.word('flags'), 255, 'flags', f.what);
        const tag = f.word('tag');
        if (!/^[0-9A-Za-z]{1,255}$/.test(tag)) {
          fail('bad-rdata', `${f.what}: tag ${quote(tag)} must be 1-255 letters and digits`);
        }
        const value = unescapeText(f.any('value').text, 'value', f.what);
        return Buffer.concat([u8(flags), u8(tag.length), Buffer.from(tag, 'ascii'), value]);
      },
      format: (r) => {
        const flags = r.u8('flags');
        const tag = r.string('tag');
        if (tag.length === 0 || !tag.every((b) => /[0-9A-Za-z]/.test(String.fromCharCode(b)))) {
          throw new WireFailure('the tag must be letters and digits');
        }
        return `${flags} ${Buffer.from(tag).toString('ascii')} ${quoted(r.rest())}`;
      },
    },
  ],
  [
    RR_TYPES.SSHFP,
    {
      parse: (f) => {
        const algorithm = decimal(f.word('algorithm'), 255, 'algorithm', f.what);
        const type = decimal(f.word('fingerprint type'), 255, 'fingerprint type', f.what);
        const fingerprint = hexTokens(f.rest(), 'fingerprint', f.what);
        const expected = SSHFP_FINGERPRINT_BYTES.get(type);
        if (expected !== undefined && fingerprint.length !== expected) {
          fail(
            'bad-rdata',
            `${f.what}: fingerprint type ${type} needs a ${expected}-byte fingerprint, got ${fingerprint.length} bytes`,
          );
        }
        return Buffer.concat([u8(algorithm), u8(type), fingerprint]);
      },
      format: (r) => {
        const algorithm = r.u8('algorithm');
        const type = r.u8('fingerprint type');
        const fingerprint = r.rest();
        const expected = SSHFP_FINGERPRINT_BYTES.get(type);
        if (expected !== undefined && fingerprint.length !== expected) {
          throw new WireFailure(`fingerprint type ${type} needs a ${expected}-byte fingerprint`);
        }
        return fingerprint.length === 0
          ? `${algorithm} ${type}`
          : `${algorithm} ${type} ${hex(fingerprint)}`;
      },
    },
  ],
  [
    RR_TYPES.TLSA,
    {
      parse: (f) => {
        const usage = decimal(f.word('usage'), 255, 'usage', f.what);
        const selector = decimal(f.word('selector'), 255, 'selector', f.what);
        const matching = decimal(f.word('matching type'), 255, 'matching type', f.what);
        const data = hexTokens(f.rest(), 'certificate data', f.what);
        if (data.length === 0) fail('syntax', `${f.what}: missing certificate data`);
        return Buffer.concat([u8(usage), u8(selector), u8(matching), data]);
      },
      format: (r) => {
        const head = `${r.u8('usage')} ${r.u8('selector')} ${r.u8('matching type')}`;
        const data = r.rest();
        if (data.length === 0) throw new WireFailure('the certificate data is missing');
        return `${head} ${hex(data)}`;
      },
    },
  ],
  [RR_TYPES.DS, dsCodec],
  [RR_TYPES.CDS, dsCodec],
  [
    RR_TYPES.SOA,
    {
      parse: (f, origin) => {
        const parts = [
          nameField(f.word('primary server'), origin, 'primary server', f.what),
          nameField(f.word('mailbox'), origin, 'mailbox', f.what),
          u32(decimal(f.word('serial'), MAX_U32, 'serial', f.what)),
        ];
        for (const field of ['refresh', 'retry', 'expire', 'minimum']) {
          const text = f.word(field);
          const value = ttlValue(text);
          if (typeof value === 'string')
            fail('bad-rdata', `${f.what}: ${field} ${quote(text)} ${value}`);
          parts.push(u32(value));
        }
        return Buffer.concat(parts);
      },
      format: (r, origin) => {
        const mname = nameText(r.name('primary server'), origin);
        const rname = nameText(r.name('mailbox'), origin);
        const numbers = ['serial', 'refresh', 'retry', 'expire', 'minimum'].map((f) => r.u32(f));
        return `${mname} ${rname} ${numbers.join(' ')}`;
      },
    },
  ],
  [
    RR_TYPES.HINFO,
    {
      parse: (f) =>
        Buffer.concat([
          characterString(f.any('CPU'), 'CPU', f.what),
          characterString(f.any('OS'), 'OS', f.what),
        ]),
      format: (r) => `${quoted(r.string('CPU'))} ${quoted(r.string('OS'))}`,
    },
  ],
  [
    RR_TYPES.NAPTR,
    {
      parse: (f, origin) => {
        const order = decimal(f.word('order'), 0xffff, 'order', f.what);
        const preference = decimal(f.word('preference'), 0xffff, 'preference', f.what);
        const flags = characterString(f.any('flags'), 'flags', f.what);
        const services = characterString(f.any('services'), 'services', f.what);
        const regexpToken = f.any('regexp');
        const regexp = characterString(regexpToken, 'regexp', f.what);
        const problem = naptrRegexpProblem(regexp.subarray(1));
        if (problem) fail('bad-rdata', `${f.what}: regexp ${quote(regexpToken.text)}: ${problem}`);
        const replacement = nameField(f.word('replacement'), origin, 'replacement', f.what);
        return Buffer.concat([u16(order), u16(preference), flags, services, regexp, replacement]);
      },
      format: (r, origin) => {
        const head = `${r.u16('order')} ${r.u16('preference')}`;
        const flags = quoted(r.string('flags'));
        const services = quoted(r.string('services'));
        const regexp = r.string('regexp');
        const problem = naptrRegexpProblem(regexp);
        if (problem) throw new WireFailure(`regexp: ${problem}`);
        const replacement = nameText(r.name('replacement'), origin);
        return `${head} ${flags} ${services} ${quoted(regexp)} ${replacement}`;
      },
    },
  ],
]);

/** The codec for `type` in `rdclass`: A only in IN and HS, AAAA and SRV only in IN (as BIND). */
function codecFor(type: number, rdclass: number): Codec | undefined {
  if (type === RR_TYPES.A && rdclass !== CLASS_IN && rdclass !== CLASS_HS) return undefined;
  if ((type === RR_TYPES.AAAA || type === RR_TYPES.SRV) && rdclass !== CLASS_IN) return undefined;
  return CODECS.get(type);
}

/** The RDATA types {@link parseRdata} reads from their own presentation form (class IN). */
export const SUPPORTED_TYPES: readonly number[] = Object.freeze([...CODECS.keys()]);

// ---------------------------------------------------------------------------------------------
// Public entry points

const MAX_RDATA = 0xffff;

function checkType(type: number): void {
  if (!Number.isInteger(type) || type < 0 || type > 0xffff) {
    fail('unknown-type', `type ${type} is not a number from 0 to 65535`);
  }
  if (isMetaType(type)) {
    fail('unsupported-type', `${typeToText(type)} is a meta type and cannot have RDATA`);
  }
}

/** Runs the codec over wire bytes; the reason it refuses them, if it does. */
function wireProblem(codec: Codec, rdata: Uint8Array): string | undefined {
  try {
    const reader = new Reader(rdata);
    codec.format(reader, undefined);
    reader.finish();
    return undefined;
  } catch (error) {
    if (error instanceof WireFailure) return error.reason;
    throw error;
  }
}

/** Parses the RDATA tokens (after the type) of one record. Throws {@link Failure}. */
function rdataFromTokens(
  type: number,
  tokens: readonly Token[],
  origin: Name,
  rdclass: number,
): Buffer {
  checkType(type);
  const what = `${typeToText(type)} record`;
  const codec = codecFor(type, rdclass);
  const first = tokens[0];
  if (first && !first.quoted && first.text === '\\#') {
    const fields = new Fields(tokens.slice(1), what);
    const lengthText = fields.word('RDATA length after \\#');
    const length = decimal(lengthText, MAX_RDATA, 'RDATA length', what);
    const data = hexTokens(fields.rest(), 'RDATA', what);
    if (data.length !== length) {
      fail(
        'bad-rdata',
        `${what}: \\# says ${length} bytes but ${data.length} bytes of hex follow`,
        { remedy: 'the number after \\# must be the count of bytes (hex digit pairs) that follow' },
      );
    }
    const problem = codec ? wireProblem(codec, data) : undefined;
    if (problem)
      fail('bad-rdata', `${what}: the \\# data is not valid ${typeToText(type)} RDATA: ${problem}`);
    return data;
  }
  if (!codec) {
    fail(
      'unsupported-type',
      `${what}: ${typeToText(type)} in class ${classToText(rdclass)} can only be written in the generic form`,
      { remedy: GENERIC_REMEDY },
    );
  }
  const fields = new Fields(tokens, what);
  const rdata = codec.parse(fields, origin);
  fields.finish();
  if (rdata.length > MAX_RDATA) {
    fail('bad-rdata', `${what}: RDATA is ${rdata.length} bytes; the limit is ${MAX_RDATA}`);
  }
  return rdata;
}

function catching<T>(body: () => T): Result<T, RecordError> {
  try {
    return Ok(body());
  } catch (error) {
    if (error instanceof Failure) return Err(error.error);
    throw error;
  }
}

/**
 * Presentation RDATA → wire RDATA, e.g. `parseRdata(15, '10 mail', origin)`.
 *
 * Names resolve against `origin` (`@` is the origin; names without a trailing dot are made
 * absolute under it) and are encoded uncompressed. `\# <length> <hex>` is accepted for every
 * type (for supported types the bytes must be valid RDATA of that type). `rdclass` (default IN)
 * matters only for A (IN, HS), AAAA and SRV (IN). Never throws.
 */
export function parseRdata(
  type: number,
  text: string,
  origin: Name,
  rdclass: number = CLASS_IN,
): Result<Buffer, RecordError> {
  return catching(() => rdataFromTokens(type, words(tokenize(text)), origin, rdclass));
}

/**
 * Checks that wire RDATA is valid for its type, as BIND checks RDATA it receives: correct
 * lengths, names without compression pointers, no trailing bytes, known DS/SSHFP digest lengths,
 * CAA tags, NAPTR regexps. Types without a codec are always accepted. Never throws.
 */
export function checkRdata(
  type: number,
  rdata: Uint8Array,
  rdclass: number = CLASS_IN,
): Result<void, RecordError> {
  const codec = codecFor(type, rdclass);
  const problem = codec ? wireProblem(codec, rdata) : undefined;
  if (problem === undefined) return Ok(undefined);
  return Err(
    new RecordError({
      kind: 'bad-rdata',
      message: `invalid ${typeToText(type)} RDATA (${rdata.length} bytes): ${problem}`,
    }),
  );
}

/** RFC 3597 generic form: `\# <length> <HEX>`. */
function genericText(rdata: Uint8Array): string {
  return rdata.length === 0 ? '\\# 0' : `\\# ${rdata.length} ${hex(rdata)}`;
}

/**
 * Wire RDATA → presentation text, as BIND prints it (hex in one piece): `10 mail.example.`,
 * `"v=spf1" "-all"`, `0 issue "ca.example"`. With `origin`, names are shown relative to it
 * (`@`, `mail`). Unsupported types and RDATA that is not valid for its type come out in the
 * RFC 3597 generic form. When the RDATA is valid for its type, the result reads back with
 * {@link parseRdata} (same origin and class) to the same bytes; invalid RDATA of a supported type
 * is shown as `\#` but refused by {@link parseRdata}, as BIND refuses it. Never throws.
 */
export function formatRdata(
  type: number,
  rdata: Uint8Array,
  origin?: Name,
  rdclass: number = CLASS_IN,
): string {
  try {
    const codec = isMetaType(type) ? undefined : codecFor(type, rdclass);
    if (codec && rdata.length > 0) {
      const reader = new Reader(rdata);
      const text = codec.format(reader, origin);
      reader.finish();
      const back = parseRdata(type, text, origin ?? Name.root, rdclass);
      if (back.isOk() && back.value.equals(rdata)) return text;
    }
  } catch {
    // fall through to the generic form
  }
  return genericText(rdata);
}

/** One record read by {@link parseRecord}. */
export interface ParsedRecord {
  /** Owner name, absolute. */
  readonly name: Name;
  /** TTL in seconds; `undefined` when the text has none and no `defaultTtl` was given. */
  readonly ttl: number | undefined;
  /** Class number: from the text, else `defaultClass`, else IN (1). Never NONE, ANY or 0. */
  readonly class: number;
  /** Type number (see `typeFromText`). */
  readonly type: number;
  /** Wire RDATA; empty when the record has none (only with `allowEmptyRdata`). */
  readonly rdata: Buffer;
  /** The RDATA exactly as written (without comments or surrounding blanks); `''` when none. */
  readonly rdataText: string;
}

/** Options of {@link parseRecord}. */
export interface ParseRecordOptions {
  /** Origin for relative names and `@`, in the owner and in the RDATA. */
  readonly origin: Name;
  /** TTL when the text has none; otherwise the record's `ttl` stays `undefined`. */
  readonly defaultTtl?: number | undefined;
  /** Class when the text has none; default IN. */
  readonly defaultClass?: number | undefined;
  /**
   * Accept a record that ends after its type (`name [ttl] [class] type`), as UPDATE delete and
   * prerequisite forms need; its `rdata` is empty. Default `false`.
   */
  readonly allowEmptyRdata?: boolean | undefined;
}

/**
 * Reads one record in zone-file form: `owner [ttl] [class] type rdata…`, TTL and class in
 * either order, as in BIND zone files.
 *
 * - `owner` is a name relative to `origin` unless it ends in a dot; `@` is the origin.
 * - `ttl` is seconds or a duration (`1h30m`, see `parseTtl`), at most 2147483647.
 * - `class` is IN, CH, HS or CLASSnnn; NONE and ANY are refused (they only exist on the wire).
 * - `type` is a mnemonic or TYPEnnn; the RDATA follows {@link parseRdata}.
 * - `;` starts a comment; `( )` may wrap RDATA over several lines.
 *
 * Never throws.
 */
export function parseRecord(
  text: string,
  options: ParseRecordOptions,
): Result<ParsedRecord, RecordError> {
  return catching(() => {
    const items = tokenize(text);
    const tokens = words(items);
    const owner = tokens[0];
    if (!owner) fail('syntax', 'empty record: expected "owner [ttl] [class] type rdata"');
    if (owner.quoted) fail('syntax', `owner name must not be quoted: "${owner.text}"`);
    const name = parseName(owner.text, options.origin);
    if (name.isErr()) {
      fail('name', `owner ${quote(owner.text)}: ${name.error.message}`, { cause: name.error });
    }

    let ttl: number | undefined;
    let rdclass: number | undefined;
    let index = 1;
    let typeToken: Token | undefined;
    for (;;) {
      const token = tokens[index];
      if (!token) {
        fail(
          'syntax',
          `missing type after ${quote(text.slice(owner.start, tokens[index - 1]!.end))}`,
        );
      }
      index++;
      if (token.quoted) fail('syntax', `unexpected quoted token "${token.text}" before the type`);
      const asClass = classFromText(token.text);
      // `ANY` is both a class and a type: at the end of the record it is the type.
      const isLast = index >= tokens.length;
      // After a class (or TTL), the next class-like (or TTL-like) token is read as the type, as
      // BIND's zone loader does: `www IN CH A` is an unknown type "CH".
      if (
        asClass !== undefined &&
        rdclass === undefined &&
        !(isLast && typeFromText(token.text) !== undefined)
      ) {
        if (isMetaClass(asClass)) {
          fail('bad-class', `class ${quote(token.text)} cannot be used on a record`, {
            remedy: 'use the zone class (normally IN)',
          });
        }
        rdclass = asClass;
        continue;
      }
      if (isDigitCode(token.text.charCodeAt(0)) && ttl === undefined) {
        const value = ttlValue(token.text);
        if (typeof value === 'string') fail('bad-ttl', `TTL ${quote(token.text)} ${value}`);
        if (value > MAX_TTL) {
          fail('bad-ttl', `TTL ${quote(token.text)} is above the maximum ${MAX_TTL}`);
        }
        ttl = value;
        continue;
      }
      typeToken = token;
      break;
    }
    const type = typeFromText(typeToken.text);
    if (type === undefined) {
      fail('unknown-type', `unknown type ${quote(typeToken.text)}`, {
        causes: ['a misspelt type', 'a type this library has no name for'],
        remedy: 'write the type as TYPEnnn (its number) and the RDATA as \\# <length> <hex>',
      });
    }
    rdclass ??= options.defaultClass ?? CLASS_IN;
    ttl ??= options.defaultTtl;

    const rdataTokens = tokens.slice(index);
    const after = items.slice(items.indexOf(typeToken) + 1);
    const rdataText =
      after.length === 0 ? '' : text.slice(after[0]!.start, after[after.length - 1]!.end);
    if (rdataTokens.length === 0) {
      if (!options.allowEmptyRdata) fail('syntax', `${typeToText(type)} record: missing RDATA`);
      return { name: name.value, ttl, class: rdclass, type, rdata: Buffer.alloc(0), rdataText: '' };
    }
    const rdata = rdataFromTokens(type, rdataTokens, options.origin, rdclass);
    return { name: name.value, ttl, class: rdclass, type, rdata, rdataText };
  });
}
