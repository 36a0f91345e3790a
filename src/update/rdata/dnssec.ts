/**
 * Codecs of the DNSSEC types and their predecessors: DNSKEY, CDNSKEY, KEY, RRSIG, SIG, NSEC,
 * NSEC3, NSEC3PARAM, NXT, CSYNC — read and printed as BIND does (lib/dns/rdata/generic/*.c,
 * lib/dns/rcode.c, lib/dns/time.c of 9.16.50, 9.18.49 and 9.20.23). Where the versions differ the
 * codecs follow 9.20 (the strictest); test/unit/rdata-dnssec.test.ts lists each difference.
 */
import type { CodecEntry } from '../rdata.js';
import {
  base64Chunks,
  base64Tokens,
  type Codec,
  DNSSEC_ALGORITHMS,
  decimal,
  type Fields,
  fail,
  hex,
  MAX_U32,
  nameField,
  nameText,
  quote,
  Reader,
  type Token,
  u8,
  u16,
  u32,
  WireFailure,
} from './kit.js';
import { NAME_BY_TYPE, RR_TYPES, TYPE_BY_NAME } from './types.js';

// ---------------------------------------------------------------------------------------------
// Mnemonics (lib/dns/rcode.c)

/** Algorithm mnemonics: the DS table plus BIND's short ECDSA aliases. */
const ALGORITHMS: ReadonlyMap<string, number> = new Map([
  ...DNSSEC_ALGORITHMS,
  ['ECDSA256', 13],
  ['ECDSA384', 14],
]);
const PRIVATEDNS = 253;
const PRIVATEOID = 254;

/** KEY protocol mnemonics (RFC 2535 §3.1.3). */
export const KEY_PROTOCOLS: ReadonlyMap<string, number> = new Map([
  ['NONE', 0],
  ['TLS', 1],
  ['EMAIL', 2],
  ['DNSSEC', 3],
  ['IPSEC', 4],
  ['ALL', 255],
]);

/** NSEC3 hash algorithm mnemonics (RFC 5155 §11). */
const HASH_ALGORITHMS: ReadonlyMap<string, number> = new Map([['SHA-1', 1]]);

/**
 * Key flag mnemonics in BIND's order (RFC 2535 §3.1.2 plus KSK). BIND takes the first whose
 * name starts with the written word, so `N` is NOCONF and an empty word (`||`) too.
 */
const KEY_FLAGS: ReadonlyArray<readonly [string, number]> = [
  ['NOCONF', 0x4000],
  ['NOAUTH', 0x8000],
  ['NOKEY', 0xc000],
  ['FLAG2', 0x2000],
  ['EXTEND', 0x1000],
  ['FLAG4', 0x0800],
  ['FLAG5', 0x0400],
  ['USER', 0x0000],
  ['ZONE', 0x0100],
  ['HOST', 0x0200],
  ['NTYP3', 0x0300],
  ['FLAG8', 0x0080],
  ['FLAG9', 0x0040],
  ['FLAG10', 0x0020],
  ['FLAG11', 0x0010],
  ...Array.from({ length: 16 }, (_, i) => [`SIG${i}`, i] as const),
  ['KSK', 0x0001],
];

/** BIND's `maybe_numeric`: a word starting with a digit, at most 12 characters. */
const numericWord = (text: string): boolean => /^[0-9]/.test(text) && text.length <= 12;

/** A number 0-255 or a mnemonic (`dns_mnemonic_fromtext`: decimal only, exact names). */
function mnemonic(
  text: string,
  table: ReadonlyMap<string, number>,
  field: string,
  what: string,
): number {
  if (numericWord(text) && /^[0-9]+$/.test(text)) return decimal(text, 255, field, what);
  const value = table.get(text.toUpperCase());
  if (value === undefined) fail('bad-rdata', `${what}: unknown ${field} ${quote(text)}`);
  return value;
}

/** Key flags: a number (decimal, else hex as C's strtoul reads it) or `NAME|NAME…`. */
export function keyFlags(text: string, what: string): number {
  if (numericWord(text)) {
    const value = /^[0-9]+$/.test(text)
      ? Number(text)
      : /^(0[xX])?[0-9a-fA-F]+$/.test(text)
        ? Number.parseInt(text.replace(/^0[xX]/, ''), 16)
        : undefined;
    if (value !== undefined) {
      if (value > 0xffff) fail('bad-rdata', `${what}: flags ${quote(text)} is out of range`);
      return value;
    }
  }
  let flags = 0;
  let rest = text;
  while (rest.length > 0) {
    const bar = rest.indexOf('|');
    const word = (bar === -1 ? rest : rest.slice(0, bar)).toUpperCase();
    const found = KEY_FLAGS.find(([name]) => name.startsWith(word));
    if (!found) fail('bad-rdata', `${what}: unknown key flag ${quote(word)} in ${quote(text)}`);
    flags |= found[1];
    rest = bar === -1 ? '' : rest.slice(bar + 1);
  }
  return flags;
}

/**
 * A type in a type list or RRSIG as BIND's `dns_rdatatype_fromtext` reads it: a mnemonic
 * (with BIND's private KEYDATA), or `TYPE` + what C's strtoul reads, in at most 9 characters.
 */
function typeWord(text: string): number | undefined {
  const known = TYPE_BY_NAME.get(text.toUpperCase());
  if (known !== undefined) return known;
  if (text.toUpperCase() === 'KEYDATA') return 65533;
  if (text.length > 4 && text.length < 10 && text.slice(0, 4).toUpperCase() === 'TYPE') {
    const digits = text.slice(4);
    if (!/^[+-]?[0-9]+$/.test(digits)) return undefined;
    const value = Number(digits.replace(/^\+/, ''));
    return value >= 0 && value <= 0xffff ? Math.abs(value) : undefined;
  }
  return undefined;
}

/** C's `strtol(text, &end, 10)` over a whole word, clamped like a 64-bit long. */
function strtol(text: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(text)) return undefined;
  const value = BigInt(text);
  const max = (1n << 63n) - 1n;
  return value > max ? max : value < -max - 1n ? -max - 1n : value;
}

// ---------------------------------------------------------------------------------------------
// Times (RFC 4034 §3.2, lib/dns/time.c)

function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  return era * 146097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719468;
}

const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** `YYYYMMDDHHmmSS` (UTC, second 60 allowed) → seconds modulo 2^32, as `dns_time32_fromtext`. */
function dateTime(text: string, field: string, what: string): number {
  const match = /^([0-9]{4})([0-9]{2})([0-9]{2})([0-9]{2})([0-9]{2})([0-9]{2})$/.exec(text);
  if (!match) {
    fail('bad-rdata', `${what}: ${field} ${quote(text)} is not a time YYYYMMDDHHmmSS`);
  }
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const monthDays = (MONTH_DAYS[month - 1] ?? 0) + (month === 2 && isLeap(year) ? 1 : 0);
  if (month < 1 || month > 12 || day < 1 || day > monthDays || hour > 23 || minute > 59) {
    fail('bad-rdata', `${what}: ${field} ${quote(text)} is not a valid date and time`);
  }
  if (second > 60) fail('bad-rdata', `${what}: ${field} ${quote(text)} has second > 60`);
  const seconds = daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
  return ((seconds % 2 ** 32) + 2 ** 32) % 2 ** 32;
}

/** RRSIG times: up to 10 digits are seconds since 1970 (RFC 4034 §3.2), else a date. */
function rrsigTime(text: string, field: string, what: string): number {
  if (text.length <= 10 && !text.startsWith('-') && !text.startsWith('+')) {
    return decimal(text, MAX_U32, field, what);
  }
  return dateTime(text, field, what);
}

/**
 * A 32-bit time as BIND prints it: the moment nearest to now with those low 32 bits (serial
 * arithmetic, RFC 1982), as `YYYYMMDDHHmmSS` UTC.
 */
export function timeText(value: number, nowSeconds = Math.floor(Date.now() / 1000)): string {
  const now = nowSeconds >>> 0;
  const ahead = (value - now) >>> 0;
  const t = ahead !== 0 && ahead < 0x80000000 ? now + ahead : now - ((now - value) >>> 0);
  const days = Math.floor(t / 86400);
  const rest = t - days * 86400;
  const date = new Date(days * 86400 * 1000);
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  return (
    pad(date.getUTCFullYear(), 4) +
    pad(date.getUTCMonth() + 1) +
    pad(date.getUTCDate()) +
    pad(Math.floor(rest / 3600)) +
    pad(Math.floor((rest % 3600) / 60)) +
    pad(rest % 60)
  );
}

// ---------------------------------------------------------------------------------------------
// Type bitmaps (RFC 4034 §4.1.2)

/** Reads type words into window blocks. */
function typeBitmap(tokens: readonly Token[], allowEmpty: boolean, what: string): Buffer {
  const types = new Set<number>();
  for (const token of tokens) {
    const type = token.quoted ? undefined : typeWord(token.text);
    if (type === undefined) fail('bad-rdata', `${what}: unknown type ${quote(token.text)}`);
    types.add(type);
  }
  if (types.size === 0 && !allowEmpty) fail('syntax', `${what}: missing type list`);
  const parts: Buffer[] = [];
  const sorted = [...types].sort((a, b) => a - b);
  for (let i = 0; i < sorted.length; ) {
    const window = sorted[i]! >> 8;
    const bits = Buffer.alloc(32);
    let length = 0;
    for (; i < sorted.length && sorted[i]! >> 8 === window; i++) {
      const low = sorted[i]! & 0xff;
      bits[low >> 3]! |= 0x80 >> (low & 7);
      length = (low >> 3) + 1;
    }
    parts.push(u8(window), u8(length), bits.subarray(0, length));
  }
  return Buffer.concat(parts);
}

/** Checks and prints the window blocks that fill the rest of `r` (BIND's `typemap_test`). */
function bitmapText(r: Reader, allowEmpty: boolean): string[] {
  const names: string[] = [];
  let last = -1;
  while (r.remaining > 0) {
    const window = r.u8('bitmap window');
    const length = r.u8('bitmap length');
    if (window <= last) throw new WireFailure('type bitmap windows out of order');
    if (length < 1 || length > 32) throw new WireFailure(`type bitmap length ${length}`);
    const bits = r.bytes(length, 'type bitmap');
    if (bits[length - 1] === 0) throw new WireFailure('type bitmap ends in a zero byte');
    bits.forEach((byte, octet) => {
      for (let bit = 0; bit < 8; bit++) {
        if (byte & (0x80 >> bit)) names.push(typeText(window * 256 + octet * 8 + bit));
      }
    });
    last = window;
  }
  if (names.length === 0 && !allowEmpty) throw new WireFailure('the type bitmap is empty');
  return names;
}

/** A type as BIND prints it in a type list: mnemonic, else TYPEnnn. */
const typeText = (type: number): string =>
  (type !== 0 ? NAME_BY_TYPE.get(type) : undefined) ?? `TYPE${type}`;

const withTypes = (head: string, types: readonly string[]): string =>
  types.length === 0 ? head : `${head} ${types.join(' ')}`;

// ---------------------------------------------------------------------------------------------
// Private algorithms (RFC 4034 A.1.1; BIND 9.20 check_private)

/** OpenSSL's `d2i_ASN1_OBJECT` acceptance of a DER OBJECT IDENTIFIER filling `der` exactly. */
function derOidProblem(der: Uint8Array): string | undefined {
  if (der[0] !== 0x06) return 'not an OBJECT IDENTIFIER';
  let pos = 2;
  let length = der[1];
  if (length === undefined) return 'cut off';
  if (length === 0x80) return 'indefinite length';
  if (length > 0x80) {
    let count = length & 0x7f;
    length = 0;
    while (count > 0 && der[pos] === 0) {
      pos++;
      count--;
    }
    if (count > 8 || pos + count > der.length) return 'bad length';
    for (; count > 0; count--) length = length * 256 + der[pos++]!;
  }
  if (length === 0 || pos + length !== der.length) return 'bad length';
  const content = der.subarray(pos);
  if (content[length - 1]! & 0x80) return 'unterminated sub-identifier';
  for (let i = 0; i < length; i++) {
    if (content[i] === 0x80 && (i === 0 || !(content[i - 1]! & 0x80))) {
      return 'sub-identifier with a leading 0x80';
    }
  }
  return undefined;
}

/** What is wrong with key or signature data of algorithm PRIVATEDNS/PRIVATEOID, if anything. */
function privateProblem(algorithm: number, data: Uint8Array): string | undefined {
  if (algorithm === PRIVATEDNS) {
    try {
      new Reader(data).name('PRIVATEDNS algorithm name');
      return undefined;
    } catch (error) {
      if (error instanceof WireFailure) return error.reason;
      throw error;
    }
  }
  if (algorithm === PRIVATEOID) {
    const length = data[0];
    if (length === undefined || length + 1 > data.length) return 'PRIVATEOID: OID cut off';
    const problem = derOidProblem(data.subarray(1, 1 + length));
    return problem ? `PRIVATEOID: ${problem}` : undefined;
  }
  return undefined;
}

function checkPrivate(algorithm: number, data: Uint8Array, field: string, what: string): void {
  const problem = privateProblem(algorithm, data);
  if (problem) fail('bad-rdata', `${what}: ${field}: ${problem}`);
}

// ---------------------------------------------------------------------------------------------
// Codecs

/** DNSKEY, CDNSKEY, KEY (RFC 4034 §2, RFC 7344, RFC 2535 §3.1). */
function keyCodec(isKey: boolean): Codec {
  // RFC 2535 §3.1.2: a KEY whose flags say NOKEY has no key data; not so for DNSKEY/CDNSKEY.
  const noKey = (flags: number): boolean => isKey && (flags & 0xc000) === 0xc000;
  return {
    parse: (f) => {
      const flags = keyFlags(f.word('flags'), f.what);
      const protocol = mnemonic(f.word('protocol'), KEY_PROTOCOLS, 'protocol', f.what);
      const algorithm = mnemonic(f.word('algorithm'), ALGORITHMS, 'algorithm', f.what);
      const head = Buffer.concat([u16(flags), u8(protocol), u8(algorithm)]);
      if (noKey(flags)) return head;
      const key = base64Tokens(f.rest(), 'key', f.what);
      checkPrivate(algorithm, key, 'key', f.what);
      return Buffer.concat([head, key]);
    },
    format: (r) => {
      const flags = r.u16('flags');
      const protocol = r.u8('protocol');
      const algorithm = r.u8('algorithm');
      const head = `${flags} ${protocol} ${algorithm}`;
      if (noKey(flags)) return head;
      const key = r.rest();
      if (key.length === 0) throw new WireFailure('the key is missing');
      const problem = privateProblem(algorithm, key);
      if (problem) throw new WireFailure(problem);
      return `${head} ${base64Chunks(key)}`;
    },
  };
}

/** RRSIG (RFC 4034 §3) and SIG (RFC 2535 §4.1, RFC 2931). */
function signatureCodec(isSig: boolean): Codec {
  return {
    parse: (f, origin) => {
      const coveredText = f.word('type covered');
      let covered = typeWord(coveredText);
      if (covered === undefined) {
        const number = strtol(coveredText);
        if (number === undefined || number < 0n || number > 0xffffn) {
          fail('bad-rdata', `${f.what}: unknown type covered ${quote(coveredText)}`);
        }
        covered = Number(number);
      }
      const algorithm = mnemonic(f.word('algorithm'), ALGORITHMS, 'algorithm', f.what);
      const labels = decimal(f.word('labels'), 255, 'labels', f.what);
      const ttl = decimal(f.word('original TTL'), MAX_U32, 'original TTL', f.what);
      const time = isSig ? dateTime : rrsigTime;
      const expiration = time(f.word('expiration'), 'expiration', f.what);
      const inception = time(f.word('inception'), 'inception', f.what);
      const keyTag = decimal(f.word('key tag'), 0xffff, 'key tag', f.what);
      const signer = nameField(f.word('signer'), origin, 'signer', f.what);
      const signature = base64Tokens(f.rest(), 'signature', f.what);
      checkPrivate(algorithm, signature, 'signature', f.what);
      return Buffer.concat([
        u16(covered),
        u8(algorithm),
        u8(labels),
        u32(ttl),
        u32(expiration),
        u32(inception),
        u16(keyTag),
        signer,
        signature,
      ]);
    },
    format: (r, origin) => {
      const covered = r.u16('type covered');
      const algorithm = r.u8('algorithm');
      const labels = r.u8('labels');
      const ttl = r.u32('original TTL');
      const expiration = timeText(r.u32('expiration'));
      const inception = timeText(r.u32('inception'));
      const keyTag = r.u16('key tag');
      const signer = r.name('signer');
      const signature = r.rest();
      if (signature.length === 0) throw new WireFailure('the signature is missing');
      const problem = privateProblem(algorithm, signature);
      if (problem) throw new WireFailure(problem);
      // SIG prints an unknown covered type as a bare number and the signer relative to the
      // origin; RRSIG prints TYPEnnn and the signer absolute (BIND totext_sig/totext_rrsig).
      // KEYDATA (65533) is known to BIND but has no public mnemonic: TYPE65533 in both.
      const coveredText =
        isSig && covered !== 65533
          ? ((covered !== 0 ? NAME_BY_TYPE.get(covered) : undefined) ?? String(covered))
          : typeText(covered);
      const signerText = isSig ? nameText(signer, origin) : signer.toString();
      return `${coveredText} ${algorithm} ${labels} ${ttl} ${expiration} ${inception} ${keyTag} ${signerText} ${base64Chunks(signature)}`;
    },
  };
}

const BASE32HEX = '0123456789ABCDEFGHIJKLMNOPQRSTUV';

/** Base32hex without padding (RFC 4648 §7), decoded as BIND's `isc_base32hexnp_decodestring`. */
function base32hex(text: string, field: string, what: string): Buffer {
  const bad = (): never =>
    fail('bad-rdata', `${what}: ${field} ${quote(text)} is not valid base32hex`, {
      remedy: 'write the hash in base32hex (0-9, A-V) without "=" padding',
    });
  const values = [...text].map((c) => {
    const v = BASE32HEX.indexOf(c.toUpperCase());
    return v < 0 || c.length !== 1 ? bad() : v;
  });
  // A final group of 2, 4, 5 or 7 digits holds 1-4 bytes; its unused low bits must be zero.
  const tail = values.length % 8;
  const unused: Record<number, number> = { 0: 0, 2: 0x03, 4: 0x0f, 5: 0x01, 7: 0x07 };
  const mask = unused[tail];
  if (mask === undefined || (tail > 0 && (values[values.length - 1]! & mask) !== 0)) bad();
  let bits = 0;
  let count = 0;
  const out: number[] = [];
  for (const value of values) {
    bits = ((bits << 5) | value) & 0xffff;
    count += 5;
    if (count >= 8) {
      count -= 8;
      out.push((bits >> count) & 0xff);
    }
  }
  return Buffer.from(out);
}

function base32hexText(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let count = 0;
  for (const byte of bytes) {
    bits = ((bits << 8) | byte) & 0xffff;
    count += 8;
    while (count >= 5) {
      count -= 5;
      out += BASE32HEX[(bits >> count) & 0x1f];
    }
  }
  if (count > 0) out += BASE32HEX[(bits << (5 - count)) & 0x1f];
  return out;
}

/** The NSEC3/NSEC3PARAM head: hash algorithm, flags, iterations, salt (RFC 5155 §3.3, §4.3). */
function nsec3Head(f: Fields): { hash: number; head: Buffer } {
  const hash = mnemonic(f.word('hash algorithm'), HASH_ALGORITHMS, 'hash algorithm', f.what);
  const flags = decimal(f.word('flags'), 255, 'flags', f.what);
  const iterations = decimal(f.word('iterations'), 0xffff, 'iterations', f.what);
  const saltText = f.word('salt');
  if (saltText.length > 510) fail('bad-rdata', `${f.what}: salt is longer than 255 bytes`);
  let salt = Buffer.alloc(0);
  if (saltText !== '-') {
    if (!/^([0-9a-fA-F]{2})+$/.test(saltText)) {
      fail('bad-rdata', `${f.what}: salt ${quote(saltText)} is not hex or "-"`, {
        remedy: 'write the salt as an even number of hex digits, or "-" for no salt',
      });
    }
    salt = Buffer.from(saltText, 'hex');
  }
  const head = Buffer.concat([u8(hash), u8(flags), u16(iterations), u8(salt.length), salt]);
  return { hash, head };
}

function nsec3HeadText(r: Reader): { hash: number; text: string } {
  const hash = r.u8('hash algorithm');
  const flags = r.u8('flags');
  const iterations = r.u16('iterations');
  const salt = r.string('salt');
  return { hash, text: `${hash} ${flags} ${iterations} ${salt.length ? hex(salt) : '-'}` };
}

/** Hash lengths BIND 9.18+ accepts: SHA-1 exactly 20 bytes, others 1-39 (NSEC3_MAX_HASH_LENGTH). */
function hashLengthProblem(hash: number, length: number): string | undefined {
  if (hash === 1) return length === 20 ? undefined : `a SHA-1 hash is 20 bytes, not ${length}`;
  return length >= 1 && length <= 39 ? undefined : `hash length ${length} is not 1-39`;
}

const nsec3Codec: Codec = {
  parse: (f) => {
    const { hash, head } = nsec3Head(f);
    const next = base32hex(f.word('next hashed owner'), 'next hashed owner', f.what);
    const problem = hashLengthProblem(hash, next.length);
    if (problem) fail('bad-rdata', `${f.what}: next hashed owner: ${problem}`);
    return Buffer.concat([head, u8(next.length), next, typeBitmap(f.rest(), true, f.what)]);
  },
  format: (r) => {
    const { hash, text } = nsec3HeadText(r);
    const next = r.string('next hashed owner');
    const problem = hashLengthProblem(hash, next.length);
    if (problem) throw new WireFailure(problem);
    return withTypes(`${text} ${base32hexText(next)}`, bitmapText(r, true));
  },
};

const nsec3paramCodec: Codec = {
  parse: (f) => nsec3Head(f).head,
  format: (r) => nsec3HeadText(r).text,
};

const nsecCodec: Codec = {
  parse: (f, origin) =>
    Buffer.concat([
      nameField(f.word('next name'), origin, 'next name', f.what),
      typeBitmap(f.rest(), false, f.what),
    ]),
  // BIND prints the next name absolute (totext_nsec).
  format: (r) => withTypes(r.name('next name').toString(), bitmapText(r, false)),
};

const csyncCodec: Codec = {
  parse: (f) =>
    Buffer.concat([
      u32(decimal(f.word('serial'), MAX_U32, 'serial', f.what)),
      u16(decimal(f.word('flags'), 0xffff, 'flags', f.what)),
      typeBitmap(f.rest(), true, f.what),
    ]),
  format: (r) => withTypes(`${r.u32('serial')} ${r.u16('flags')}`, bitmapText(r, true)),
};

/** NXT (RFC 2535 §5.2): a flat bitmap of types 1-127. */
const nxtCodec: Codec = {
  parse: (f, origin) => {
    const next = nameField(f.word('next name'), origin, 'next name', f.what);
    const bits = Buffer.alloc(16);
    let max = 0;
    for (const token of f.rest()) {
      const number = token.quoted ? undefined : strtol(token.text);
      // BIND stores strtol's long in a 16-bit type (fromtext_nxt).
      const type = number !== undefined ? Number(BigInt.asUintN(16, number)) : typeWord(token.text);
      if (type === undefined) fail('bad-rdata', `${f.what}: unknown type ${quote(token.text)}`);
      if (type < 1 || type > 127) {
        fail('bad-rdata', `${f.what}: type ${quote(token.text)} is not 1-127`, {
          remedy: 'NXT can only list types 1-127; use NSEC',
        });
      }
      bits[type >> 3]! |= 0x80 >> (type & 7);
      max = Math.max(max, type);
    }
    return Buffer.concat([next, max === 0 ? Buffer.alloc(0) : bits.subarray(0, (max >> 3) + 1)]);
  },
  format: (r, origin) => {
    const next = nameText(r.name('next name'), origin);
    const bits = r.rest();
    if (bits.length > 0 && ((bits[0]! & 0x80) !== 0 || bits.length > 16 || bits.at(-1) === 0)) {
      throw new WireFailure('bad NXT bitmap');
    }
    const types: string[] = [];
    bits.forEach((byte, octet) => {
      for (let bit = 0; bit < 8; bit++) {
        const type = octet * 8 + bit;
        if (byte & (0x80 >> bit)) types.push(NAME_BY_TYPE.get(type) ?? String(type));
      }
    });
    return withTypes(next, types);
  },
};

/** The codecs of this group, for the registry in rdata.ts. */
export const DNSSEC_CODECS: readonly CodecEntry[] = [
  { type: RR_TYPES.DNSKEY, codec: keyCodec(false) },
  { type: RR_TYPES.CDNSKEY, codec: keyCodec(false) },
  { type: RR_TYPES.KEY, codec: keyCodec(true) },
  { type: RR_TYPES.RRSIG, codec: signatureCodec(false) },
  { type: RR_TYPES.SIG, codec: signatureCodec(true) },
  { type: RR_TYPES.NSEC, codec: nsecCodec },
  { type: RR_TYPES.NSEC3, codec: nsec3Codec },
  { type: RR_TYPES.NSEC3PARAM, codec: nsec3paramCodec },
  { type: RR_TYPES.NXT, codec: nxtCodec },
  { type: RR_TYPES.CSYNC, codec: csyncCodec },
];

/**
 * The most NSEC3PARAM iterations nsupdate sends (`dns_nsec3_maxiterations()`; nsupdate says
 * "NSEC3PARAM has excessive iterations (> N)"). Not an RDATA rule: named-rrchecker accepts any.
 */
export const NSEC3PARAM_MAX_ITERATIONS = { '9.16': 150, '9.18': 150, '9.20': 50 } as const;
