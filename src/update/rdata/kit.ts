/**
 * The building blocks of the RDATA codecs: the presentation-text tokenizer (BIND's zone-file
 * lexer rules), field readers for text and wire, and the error every codec reports. Pure code.
 */

import { type ErrorDetails, RndcLibraryError } from '../../errors.js';
import { Err, Ok, type Result } from '../../result.js';
import { decodeName, type Name, parseName } from '../names.js';

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
export class RecordError extends RndcLibraryError<RecordErrorKind> {
  /**
   * BIND's own words for this failure (its `isc_result_totext`: `bad dotted quad`, `unexpected
   * end of input`, `extra input text`…), as nsupdate prints them after `invalid rdata format: `;
   * `undefined` where no BIND text is known.
   */
  readonly bindResult: string | undefined;

  constructor(details: ErrorDetails<RecordErrorKind> & { readonly bindResult?: string }) {
    super(details);
    this.bindResult = details.bindResult;
  }
}

/** Thrown inside this module only, and always caught at the exported function. */
export class Failure {
  constructor(readonly error: RecordError) {}
}

export function fail(
  kind: RecordErrorKind,
  message: string,
  extra: { remedy?: string; causes?: string[]; cause?: unknown; bind?: string } = {},
): never {
  const { bind, ...rest } = extra;
  throw new Failure(
    new RecordError({
      kind,
      message,
      ...rest,
      ...(bind !== undefined ? { bindResult: bind } : {}),
    }),
  );
}

/** Shows at most 80 characters of user text, quoted. */
export function quote(text: string): string {
  const shown = text.length > 80 ? `${text.slice(0, 77)}...` : text;
  return JSON.stringify(shown);
}

/** BIND's ISC_R_UNEXPECTEDEND text: a field is missing. */
export const BIND_END = 'unexpected end of input';

/** BIND's `dns_name_fromtext` results in its own words, by {@link NameError} kind. */
const NAME_ERROR_BIND: Readonly<Record<string, string>> = {
  empty: BIND_END,
  'empty-label': 'empty label',
  'label-too-long': 'label too long',
  'name-too-long': 'ran out of space',
  'bad-escape': 'bad escape',
  'bad-label-type': 'bad label type',
};

export const GENERIC_REMEDY =
  'write the RDATA in the RFC 3597 generic form: \\# <length> <hex bytes>';

// ---------------------------------------------------------------------------------------------
// Tokens

export interface Token {
  readonly kind: 'word';
  /** Raw token text: quotes removed, backslash escapes still in place. */
  readonly text: string;
  readonly quoted: boolean;
  readonly start: number;
  readonly end: number;
}

export interface Paren {
  readonly kind: 'paren';
  readonly start: number;
  readonly end: number;
}

export type Item = Token | Paren;

export const BLANKS = new Set([' ', '\t', '\r', '\f', '\v']);
export const WORD_END = new Set([...BLANKS, '\n', ';', '(', ')', '"']);

/** Splits presentation text into tokens and parentheses, following BIND's zone-file lexer. */
export function tokenize(text: string): Item[] {
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

export const words = (items: readonly Item[]): Token[] =>
  items.filter((item): item is Token => item.kind === 'word');

/** Reads the fields of one RDATA in order. */
export class Fields {
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
    if (!token) fail('syntax', `${this.what}: missing ${field}`, { bind: BIND_END });
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
    if (extra) {
      fail('syntax', `${this.what}: extra input ${quote(extra.text)}`, {
        bind: 'extra input text',
      });
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Field values: text → bytes

export const isDigitCode = (code: number | undefined): boolean =>
  code !== undefined && code >= 0x30 && code <= 0x39;

/** Decimal number of at most `max`; leading zeros allowed, signs and hex not (as BIND). */
export function decimal(text: string, max: number, field: string, what: string): number {
  if (!/^[0-9]+$/.test(text)) {
    fail('bad-rdata', `${what}: ${field} "${text}" is not a number`, {
      bind: 'not a valid number',
    });
  }
  const value = text.length > 15 ? Number.POSITIVE_INFINITY : Number(text);
  if (value > max) {
    fail('bad-rdata', `${what}: ${field} "${text}" is out of range (0-${max})`, {
      bind: 'out of range',
    });
  }
  return value;
}

/** Resolves `\X` and `\DDD` escapes; characters outside ASCII become their UTF-8 bytes. */
export function unescapeText(text: string, field: string, what: string): Buffer {
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
export function characterString(token: Token, field: string, what: string): Buffer {
  const bytes = unescapeText(token.text, field, what);
  if (bytes.length > 255) {
    fail(
      'bad-rdata',
      `${what}: ${field} ${quote(token.text)} is ${bytes.length} bytes; the limit is 255`,
      {
        remedy: 'split long text into several quoted strings of at most 255 bytes each',
        // BIND's txt_fromtext answers DNS_R_SYNTAX for a string over 255 bytes.
        bind: 'syntax error',
      },
    );
  }
  return Buffer.concat([Buffer.of(bytes.length), bytes]);
}

/** Hex digits spread over any number of tokens (BIND joins them). */
export function hexTokens(tokens: readonly Token[], field: string, what: string): Buffer {
  let digits = '';
  for (const token of tokens) {
    if (token.quoted) fail('syntax', `${what}: ${field} must not be quoted: "${token.text}"`);
    digits += token.text;
  }
  if (!/^[0-9a-fA-F]*$/.test(digits) || digits.length % 2 !== 0) {
    fail('bad-rdata', `${what}: ${field} ${quote(digits)} is not valid hex`, {
      remedy: 'write an even number of hex digits (0-9, a-f)',
      bind: /^[0-9a-fA-F]*$/.test(digits) ? BIND_END : 'bad hex encoding',
    });
  }
  return Buffer.from(digits, 'hex');
}

export function nameField(text: string, origin: Name, field: string, what: string): Buffer {
  const parsed = parseName(text, origin);
  if (parsed.isErr()) {
    fail('name', `${what}: ${field} ${quote(text)}: ${parsed.error.message}`, {
      cause: parsed.error,
      bind: NAME_ERROR_BIND[parsed.error.kind] ?? 'syntax error',
    });
  }
  return parsed.value.toWire();
}

export const u8 = (value: number): Buffer => Buffer.of(value);
export const u16 = (value: number): Buffer => {
  const out = Buffer.alloc(2);
  out.writeUInt16BE(value);
  return out;
};
export const u32 = (value: number): Buffer => {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value);
  return out;
};

/** Dotted quad as BIND reads it: four decimal parts 0-255, no leading zeros. */
export function ipv4Bytes(text: string): Buffer | undefined {
  const out = Buffer.allocUnsafe(4);
  let part = 0;
  let value = 0;
  let digits = 0;
  for (let i = 0; i <= text.length; i++) {
    const code = i < text.length ? text.charCodeAt(i) : 0x2e;
    if (code === 0x2e) {
      // An empty part, or a fifth one.
      if (digits === 0 || part === 4) return undefined;
      out[part++] = value;
      value = 0;
      digits = 0;
    } else if (code >= 0x30 && code <= 0x39) {
      // No leading zero ("01"), at most three digits, at most 255.
      if (digits > 0 && value === 0) return undefined;
      value = value * 10 + code - 0x30;
      if (++digits > 3 || value > 255) return undefined;
    } else {
      return undefined;
    }
  }
  return part === 4 ? out : undefined;
}

/** IPv6 text (RFC 4291 §2.2) as BIND reads it; no zone index. */
export function ipv6Bytes(text: string): Buffer | undefined {
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

export const TTL_UNITS: Readonly<Record<string, number>> = {
  w: 604800,
  d: 86400,
  h: 3600,
  m: 60,
  s: 1,
};
export const MAX_U32 = 0xffffffff;
/** Largest TTL a record may have (RFC 2181 §8). */
export const MAX_TTL = 0x7fffffff;

export function ttlValue(text: string): number | string {
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

export class WireFailure {
  constructor(readonly reason: string) {}
}

/** Reads the fields of one wire RDATA in order; throws {@link WireFailure}. */
export class Reader {
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
export function quoted(bytes: Uint8Array): string {
  let out = '"';
  for (const byte of bytes) {
    if (byte === 0x22 || byte === 0x5c) out += `\\${String.fromCharCode(byte)}`;
    else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
    else out += `\\${byte.toString().padStart(3, '0')}`;
  }
  return `${out}"`;
}

export const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex').toUpperCase();

export const nameText = (name: Name, origin: Name | undefined): string =>
  origin ? name.relativeTo(origin) : name.toString();

/** IPv6 text as BIND 9.18 prints it (glibc `inet_ntop`: RFC 5952 style, lowercase). */
export function ipv6Text(bytes: Uint8Array): string {
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
// DNSSEC mnemonics and digest lengths

/** DNSSEC algorithm mnemonics BIND accepts in DS/CDS (RFC 8624 and the IANA registry). */
export const DNSSEC_ALGORITHMS: ReadonlyMap<string, number> = new Map([
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
  ['ECDSA256', 13],
  ['ECDSAP384SHA384', 14],
  ['ECDSA384', 14],
  ['ED25519', 15],
  ['ED448', 16],
  ['INDIRECT', 252],
  ['PRIVATEDNS', 253],
  ['PRIVATEOID', 254],
]);

/** DS digest type mnemonics BIND accepts (RFC 4034, 4509, 5933, 6605). */
export const DS_DIGESTS: ReadonlyMap<string, number> = new Map([
  ['SHA-1', 1],
  ['SHA1', 1],
  ['SHA-256', 2],
  ['SHA256', 2],
  ['GOST', 3],
  ['SHA-384', 4],
  ['SHA384', 4],
]);

/** Digest lengths BIND enforces for DS/CDS digest types (SHA-1, SHA-256, SHA-384). */
export const DS_DIGEST_BYTES: ReadonlyMap<number, number> = new Map([
  [1, 20],
  [2, 32],
  [4, 48],
]);

/** Fingerprint lengths BIND enforces for SSHFP fingerprint types (SHA-1, SHA-256). */
export const SSHFP_FINGERPRINT_BYTES: ReadonlyMap<number, number> = new Map([
  [1, 20],
  [2, 32],
]);

export function mnemonicOrNumber(
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
// The codec of one type

export interface Codec {
  /** Presentation fields → wire RDATA. Throws {@link Failure}. */
  readonly parse: (fields: Fields, origin: Name) => Buffer;
  /** Wire RDATA → presentation text. Throws {@link WireFailure}; must consume everything. */
  readonly format: (reader: Reader, origin: Name | undefined) => string;
}

// ---------------------------------------------------------------------------------------------
// Base64 fields (RFC 4648 §4) as BIND reads and prints them

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * Base64 spread over any number of tokens, decoded as BIND's `isc_base64_tobuffer` does: the
 * tokens are one stream; `=` padding only in the last quad, with the unused bits zero; nothing
 * after it; a partial quad at the end is an error. At least one byte is required.
 */
export function base64Tokens(tokens: readonly Token[], field: string, what: string): Buffer {
  if (tokens.length === 0) fail('syntax', `${what}: missing ${field}`);
  let text = '';
  for (const token of tokens) {
    if (token.quoted) fail('syntax', `${what}: ${field} must not be quoted: "${token.text}"`);
    text += token.text;
  }
  const bad = (why: string): never =>
    fail('bad-rdata', `${what}: ${field} is not valid base64: ${why}`, {
      remedy: 'write the data in base64 (A-Z a-z 0-9 + /, "=" padding only at the end)',
    });
  const out: number[] = [];
  let quad: number[] = [];
  let ended = false;
  for (const char of text) {
    if (ended) bad('data after the "=" padding');
    const value = char === '=' ? 64 : BASE64_ALPHABET.indexOf(char);
    if (value < 0) bad(`character ${quote(char)}`);
    quad.push(value);
    if (quad.length < 4) continue;
    const [a, b, c, d] = quad as [number, number, number, number];
    if (a === 64 || b === 64 || (c === 64 && d !== 64)) bad('misplaced "="');
    if (c === 64 && (b & 0xf) !== 0) bad('non-zero bits before the "=" padding');
    if (d === 64 && c !== 64 && (c & 0x3) !== 0) bad('non-zero bits before the "=" padding');
    const count = c === 64 ? 1 : d === 64 ? 2 : 3;
    const bytes = [
      ((a << 2) | (b >> 4)) & 0xff,
      ((b << 4) | (c >> 2)) & 0xff,
      ((c << 6) | d) & 0xff,
    ];
    out.push(...bytes.slice(0, count));
    ended = count < 3;
    quad = [];
  }
  if (quad.length !== 0) bad('its length is not a multiple of 4');
  if (out.length === 0) fail('syntax', `${what}: missing ${field}`);
  return Buffer.from(out);
}

// ---------------------------------------------------------------------------------------------
// Hex and base64 as BIND prints them

/*
 * `named-rrchecker -p` (and nsupdate's `show`) print with a 60-column style: BIND's
 * isc_hex_totext/isc_base64_totext get a word length of 60 - 2 and break *before* a unit whose
 * end would reach it, so every chunk is 56 characters (28 bytes of hex, 14 base64 quads),
 * separated by one space on the same line. Same rule in 9.16, 9.18 and 9.20.
 */
const CHUNK = 56;

function chunked(text: string): string {
  const parts: string[] = [];
  for (let i = 0; i < text.length; i += CHUNK) parts.push(text.slice(i, i + CHUNK));
  return parts.join(' ');
}

/** Upper-case hex in BIND's 56-character chunks: `ABCD… EF01…`. */
export const hexChunks = (bytes: Uint8Array): string => chunked(hex(bytes));

/** Base64 in BIND's 56-character chunks. */
export const base64Chunks = (bytes: Uint8Array): string =>
  chunked(Buffer.from(bytes).toString('base64'));

/**
 * DNSSEC algorithm mnemonics exactly as BIND 9.16-9.20 read them in DS, CERT, RKEY…
 * (lib/dns/rcode.c, `dns_secalg_fromtext`), aliases included; the first name of a value is the
 * one BIND prints (CERT).
 */
export const SECALG_MNEMONICS: ReadonlyMap<string, number> = new Map([
  ...DNSSEC_ALGORITHMS,
  ['ECDSA256', 13],
  ['ECDSA384', 14],
]);

// ---------------------------------------------------------------------------------------------
// nsupdate's line mode

/**
 * Splits RDATA text as nsupdate's lexer does on an `update`/`prereq` line (BIND's `isc_lex` with
 * no special characters and no comments, bin/nsupdate/nsupdate.c `parse_rdata`): only blanks
 * separate tokens, so `;`, `(` and `)` are ordinary characters (`TXT a;b` is one string, `TXT (
 * a )` three); a `"` opens a quoted string only at the start of a token; a backslash keeps the
 * next character. An unterminated quote or a trailing lone backslash is BIND's `unexpected end of
 * input`. Throws {@link Failure}.
 */
export function tokenizeLine(text: string): Token[] {
  const tokens: Token[] = [];
  const isBlank = (char: string | undefined) => char === ' ' || char === '\t';
  const cutOff = (why: string): never =>
    fail('syntax', `record data ${quote(text)}: ${why}`, { bind: BIND_END });
  let i = 0;
  while (i < text.length) {
    if (isBlank(text[i])) {
      i++;
      continue;
    }
    if (text[i] === '"') {
      let j = i + 1;
      for (;;) {
        const c = text[j];
        if (c === undefined) cutOff('a quoted string is not closed');
        if (c === '"') break;
        if (c === '\\' && j + 1 >= text.length) cutOff('a quoted string is not closed');
        j += c === '\\' ? 2 : 1;
      }
      tokens.push({ kind: 'word', text: text.slice(i + 1, j), quoted: true, start: i, end: j + 1 });
      i = j + 1;
      continue;
    }
    let j = i;
    while (j < text.length && !isBlank(text[j])) {
      if (text[j] === '\\' && j + 1 >= text.length) cutOff('it ends with a lone backslash');
      j += text[j] === '\\' ? 2 : 1;
    }
    tokens.push({ kind: 'word', text: text.slice(i, j), quoted: false, start: i, end: j });
    i = j;
  }
  return tokens;
}
