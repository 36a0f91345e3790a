/**
 * Codecs of the older and rarer types, each as BIND reads and prints it (lib/dns/rdata/generic/,
 * in_1/ and ch_3/ of BIND 9.18/9.20): MD, MF, MB, MG, MR, MINFO, RP, AFSDB, X25, ISDN, RT, NSAP,
 * NSAP-PTR, PX, GPOS, LOC, EID, NIMLOC, ATMA, A6, APL, KX, SINK, TALINK, NINFO, AVC, RESINFO,
 * WALLET, DOA, L32, L64, LP, NID, EUI48, EUI64, WKS, and A in class CH (RFC 1035 §3.4.1 of the
 * CHAOS class: a domain name and a 16-bit octal address).
 *
 * NULL, UINFO, UID, GID and UNSPEC have no codec on purpose: BIND knows their names but has no
 * presentation form for them (its NULL reader always refuses; the others are not implemented), so
 * they are read only in the RFC 3597 generic form `\# <length> <hex>`, any bytes, as in BIND.
 */
import type { CodecEntry } from '../rdata.js';
import { textCodec } from './core.js';
import {
  type Codec,
  characterString,
  decimal,
  type Fields,
  fail,
  hexTokens,
  ipv4Bytes,
  ipv6Bytes,
  ipv6Text,
  MAX_U32,
  nameField,
  nameText,
  quote,
  quoted,
  type Reader,
  type Token,
  u8,
  u16,
  u32,
  WireFailure,
} from './kit.js';
import { genericForm, locCodec } from './loc.js';
import { RR_TYPES } from './types.js';
import { wksCodec } from './wks.js';

const CLASS_IN = 1;
const CLASS_CH = 3;

// ---------------------------------------------------------------------------------------------
// Field helpers

/** BIND prints long hex and base64 in 56-character pieces separated by a space. */
const chunks = (text: string): string => text.match(/.{1,56}/g)?.join(' ') ?? '';

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * Base64 spread over tokens, decoded as strictly as BIND (lib/isc/base64.c): complete
 * 4-character groups, `=` only as padding of the last group, unused bits zero. BIND stops reading
 * after a padded group, so a token after it is extra input.
 */
function base64Tokens(tokens: readonly Token[], field: string, what: string): Buffer {
  const out: number[] = [];
  let group: number[] = [];
  let ended = false;
  const bad = (why: string): never =>
    fail('bad-rdata', `${what}: ${field} is not valid base64: ${why}`);
  for (const token of tokens) {
    if (ended) fail('syntax', `${what}: extra input ${quote(token.text)}`);
    if (token.quoted) fail('syntax', `${what}: ${field} must not be quoted: "${token.text}"`);
    for (const char of token.text) {
      if (ended) bad(`${quote(char)} after the end`);
      const value = char === '=' ? 64 : BASE64.indexOf(char);
      if (value < 0) bad(`${quote(char)} is not a base64 character`);
      group.push(value);
      if (group.length < 4) continue;
      const [a, b, c, d] = group as [number, number, number, number];
      group = [];
      if (a === 64 || b === 64 || (c === 64 && d !== 64)) bad('misplaced "="');
      if (c === 64 && (b & 0x0f) !== 0) bad('non-zero padding bits');
      if (d === 64 && (c & 0x03) !== 0) bad('non-zero padding bits');
      const bytes = [(a << 2) | (b >> 4), ((b << 4) | (c >> 2)) & 0xff, ((c << 6) | d) & 0xff];
      const count = c === 64 ? 1 : d === 64 ? 2 : 3;
      out.push(...bytes.slice(0, count));
      if (count < 3) ended = true;
    }
  }
  if (group.length > 0) bad('the last group is incomplete');
  return Buffer.from(out);
}

const base64Text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

const hexUpper = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex').toUpperCase();
const hexLower = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

const u16Field = (f: Fields, field: string): Buffer =>
  u16(decimal(f.word(field), 0xffff, field, f.what));

const u8Field = (f: Fields, field: string): Buffer =>
  u8(decimal(f.word(field), 255, field, f.what));

/** Reads a character-string from the wire and checks it is complete. */
const wireString = (r: Reader, field: string): string => quoted(r.string(field));

// ---------------------------------------------------------------------------------------------
// Codecs made of names and numbers

const nameCodec: Codec = {
  parse: (f, origin) => nameField(f.word('name'), origin, 'name', f.what),
  format: (r, origin) => nameText(r.name('name'), origin),
};

/** Two names: MINFO (rmailbx emailbx), RP (mbox txt), TALINK (previous next). */
const twoNames = (first: string, second: string): Codec => ({
  parse: (f, origin) =>
    Buffer.concat([
      nameField(f.word(first), origin, first, f.what),
      nameField(f.word(second), origin, second, f.what),
    ]),
  format: (r, origin) => `${nameText(r.name(first), origin)} ${nameText(r.name(second), origin)}`,
});

/** A 16-bit number and a name: AFSDB, RT, KX, LP. */
const numberName = (number: string, name: string): Codec => ({
  parse: (f, origin) =>
    Buffer.concat([u16Field(f, number), nameField(f.word(name), origin, name, f.what)]),
  format: (r, origin) => `${r.u16(number)} ${nameText(r.name(name), origin)}`,
});

const pxCodec: Codec = {
  parse: (f, origin) =>
    Buffer.concat([
      u16Field(f, 'preference'),
      nameField(f.word('map822'), origin, 'map822', f.what),
      nameField(f.word('mapx400'), origin, 'mapx400', f.what),
    ]),
  format: (r, origin) =>
    `${r.u16('preference')} ${nameText(r.name('map822'), origin)} ${nameText(r.name('mapx400'), origin)}`,
};

/** A 16-bit preference and a 64-bit locator `xxxx:xxxx:xxxx:xxxx` (RFC 6742): L64, NID. */
const locatorCodec: Codec = {
  parse: (f) => {
    const preference = u16Field(f, 'preference');
    const text = f.word('locator');
    const locator = locatorBytes(text);
    if (!locator) fail('bad-rdata', `${f.what}: bad locator ${quote(text)} (xxxx:xxxx:xxxx:xxxx)`);
    return Buffer.concat([preference, locator]);
  },
  format: (r) => {
    const preference = r.u16('preference');
    const words = [0, 1, 2, 3].map(() => r.u16('locator').toString(16));
    return `${preference} ${words.join(':')}`;
  },
};

/**
 * Four groups of 1-4 hex digits separated by `:` (BIND's locator_pton, which also takes one
 * trailing `:`).
 */
function locatorBytes(text: string): Buffer | undefined {
  const match =
    /^([0-9a-fA-F]{1,4}):([0-9a-fA-F]{1,4}):([0-9a-fA-F]{1,4}):([0-9a-fA-F]{1,4}):?$/.exec(text);
  if (!match) return undefined;
  return Buffer.concat(match.slice(1, 5).map((group) => u16(Number.parseInt(group, 16))));
}

/**
 * EUI-48/EUI-64 (RFC 7043) as BIND 9.16-9.20 read it: C `sscanf("%2x-%2x-…")`, so each group is
 * at most two characters of a hex number (a sign or a `0x` prefix counts), and whatever follows
 * the last group is ignored (`01-23-45-67-89-ab-cd` is an EUI-48). Printed as `xx-xx-…`.
 */
function euiBytes(text: string, count: number): Buffer | undefined {
  const out: number[] = [];
  let i = 0;
  for (let group = 0; group < count; group++) {
    if (group > 0) {
      if (text[i] !== '-') return undefined;
      i++;
    }
    while (i < text.length && ' \t\n\v\f\r'.includes(text[i]!)) i++;
    let width = 2;
    let negative = false;
    if (text[i] === '+' || text[i] === '-') {
      negative = text[i] === '-';
      i++;
      width--;
    }
    let digits = 0;
    let value = 0;
    if (width > 0 && text[i] === '0') {
      i++;
      width--;
      digits++;
      // `0x` is a prefix; it may use up the whole width, leaving the value 0.
      if (width > 0 && (text[i] === 'x' || text[i] === 'X')) {
        i++;
        width--;
      }
    }
    while (width > 0 && i < text.length && /[0-9a-fA-F]/.test(text[i]!)) {
      value = value * 16 + Number.parseInt(text[i]!, 16);
      i++;
      width--;
      digits++;
    }
    if (digits === 0) return undefined;
    if (negative && value !== 0) return undefined;
    out.push(value);
  }
  return Buffer.from(out);
}

const euiCodec = (count: number): Codec => ({
  parse: (f) => {
    const text = f.word('address');
    const bytes = euiBytes(text, count);
    if (!bytes) {
      fail('bad-rdata', `${f.what}: bad address ${quote(text)} (${count} hex pairs joined by "-")`);
    }
    return bytes;
  },
  format: (r) => hexLower(r.bytes(count, 'address')).replace(/(..)(?!$)/g, '$1-'),
});

// ---------------------------------------------------------------------------------------------
// Codecs made of character-strings

/** X25 (RFC 1183 §3.1): a PSDN address of at least 4 decimal digits, written as digits only. */
const x25Codec: Codec = {
  parse: (f) => {
    const token = f.any('PSDN address');
    // BIND checks the token as written: escapes such as \049 are not digits.
    if (token.text.length < 4) {
      fail('bad-rdata', `${f.what}: PSDN address ${quote(token.text)} needs at least 4 digits`);
    }
    if (!/^[0-9]+$/.test(token.text)) {
      fail('bad-rdata', `${f.what}: PSDN address ${quote(token.text)} must be decimal digits`);
    }
    return characterString(token, 'PSDN address', f.what);
  },
  format: (r) => {
    const address = r.string('PSDN address');
    if (address.length < 4 || !address.every((byte) => byte >= 0x30 && byte <= 0x39)) {
      throw new WireFailure('the PSDN address must be at least 4 decimal digits');
    }
    return quoted(address);
  },
};

/** ISDN (RFC 1183 §3.2): address and an optional subaddress. */
const isdnCodec: Codec = {
  parse: (f) => {
    const parts = [characterString(f.any('ISDN address'), 'ISDN address', f.what)];
    if (!f.done) parts.push(characterString(f.any('subaddress'), 'subaddress', f.what));
    return Buffer.concat(parts);
  },
  format: (r) => {
    const address = wireString(r, 'ISDN address');
    return r.remaining > 0 ? `${address} ${wireString(r, 'subaddress')}` : address;
  },
};

/** GPOS (RFC 1712): longitude, latitude, altitude as strings (BIND does not check them). */
const gposCodec: Codec = {
  parse: (f) =>
    Buffer.concat(
      ['longitude', 'latitude', 'altitude'].map((field) =>
        characterString(f.any(field), field, f.what),
      ),
    ),
  format: (r) =>
    ['longitude', 'latitude', 'altitude'].map((field) => wireString(r, field)).join(' '),
};

// ---------------------------------------------------------------------------------------------
// Codecs with binary data

/** NSAP (RFC 1706): `0x` then hex digits, dots allowed anywhere after `0x`; printed lower case. */
const nsapCodec: Codec = {
  parse: (f) => {
    const text = f.word('NSAP address');
    if (!/^0[xX]/.test(text))
      fail('bad-rdata', `${f.what}: NSAP address ${quote(text)} must start with 0x`);
    const digits = text.slice(2).replaceAll('.', '');
    if (!/^[0-9a-fA-F]*$/.test(digits) || digits.length === 0 || digits.length % 2 !== 0) {
      fail(
        'bad-rdata',
        `${f.what}: NSAP address ${quote(text)} is not an even number of hex digits`,
      );
    }
    return Buffer.from(digits, 'hex');
  },
  format: (r) => {
    const bytes = r.rest();
    if (bytes.length === 0) throw new WireFailure('the NSAP address is empty');
    return `0x${hexLower(bytes)}`;
  },
};

/** EID, NIMLOC: one or more bytes of hex, printed upper case in 56-digit pieces. */
const hexCodec: Codec = {
  parse: (f) => {
    const data = hexTokens(f.rest(), 'data', f.what);
    if (data.length === 0) fail('syntax', `${f.what}: missing hex data`);
    return data;
  },
  format: (r) => {
    const data = r.rest();
    if (data.length === 0) throw new WireFailure('the data is empty');
    return chunks(hexUpper(data));
  },
};

/** ATMA (ATM Forum AF-DANS-0152.000): AESA as hex (format 0) or E.164 as `+digits` (format 1). */
const atmaCodec: Codec = {
  parse: (f) => {
    const text = f.word('ATM address');
    const bad = (): never => fail('bad-rdata', `${f.what}: bad ATM address ${quote(text)}`);
    // Dots may separate digits, but not lead, trail or repeat.
    if (text.startsWith('+')) {
      const digits = text.slice(1);
      if (!/^[0-9]+(\.[0-9]+)*$/.test(digits)) bad();
      return Buffer.concat([u8(1), Buffer.from(digits.replaceAll('.', ''), 'ascii')]);
    }
    if (!/^[0-9a-fA-F]+(\.[0-9a-fA-F]+)*$/.test(text)) bad();
    const digits = text.replaceAll('.', '');
    if (digits.length % 2 !== 0) bad();
    return Buffer.concat([u8(0), Buffer.from(digits, 'hex')]);
  },
  format: (r) => {
    const format = r.u8('format');
    const address = r.rest();
    if (address.length === 0) throw new WireFailure('the ATM address is empty');
    if (format === 0) return hexLower(address);
    if (format === 1) {
      if (!address.every((byte) => byte >= 0x30 && byte <= 0x39)) {
        throw new WireFailure('an E.164 ATM address must be digits');
      }
      return `+${Buffer.from(address).toString('ascii')}`;
    }
    // Other formats are valid RDATA for BIND but have no text form.
    return genericForm(Buffer.concat([u8(format), address]));
  },
};

/** A6 (RFC 2874): prefix length, address suffix, prefix name. */
const a6Codec: Codec = {
  parse: (f, origin) => {
    const prefix = decimal(f.word('prefix length'), 128, 'prefix length', f.what);
    const parts = [u8(prefix)];
    if (prefix !== 128) {
      const text = f.word('address suffix');
      const address =
        ipv6Bytes(text) ?? fail('bad-rdata', `${f.what}: bad IPv6 address ${quote(text)}`);
      const octets = prefix >> 3;
      // BIND silently clears the bits that belong to the prefix.
      address[octets]! &= 0xff >> (prefix & 7);
      parts.push(address.subarray(octets));
    }
    if (prefix !== 0) parts.push(nameField(f.word('prefix name'), origin, 'prefix name', f.what));
    return Buffer.concat(parts);
  },
  format: (r, origin) => {
    const prefix = r.u8('prefix length');
    if (prefix > 128) throw new WireFailure('the prefix length is above 128');
    let text = `${prefix} `;
    if (prefix !== 128) {
      const octets = prefix >> 3;
      const suffix = r.bytes(16 - octets, 'address suffix');
      if ((suffix[0]! & ~(0xff >> (prefix & 7))) !== 0) {
        throw new WireFailure('the address suffix has bits of the prefix set');
      }
      const address = Buffer.alloc(16);
      address.set(suffix, octets);
      text += ipv6Text(address);
    }
    // BIND prints two spaces before the name when there is no suffix (prefix length 128).
    if (prefix !== 0) text += ` ${nameText(r.name('prefix name'), origin)}`;
    return text;
  },
};

/** APL (RFC 3123): `[!]afi:address/prefix` items, IPv4 (1) and IPv6 (2). */
const aplCodec: Codec = {
  parse: (f) => {
    const items: Buffer[] = [];
    while (!f.done) {
      const text = f.word('APL item');
      const bad = (why: string): never =>
        fail('bad-rdata', `${f.what}: APL item ${quote(text)}: ${why}`);
      // The family is read with C strtoul (a sign is allowed), the prefix as plain digits.
      const match = /^(!?)([+-]?)([0-9]+):([^/]+)\/([0-9]+)$/.exec(text);
      if (!match) bad('expected [!]family:address/prefix');
      const [, negate, sign, familyText, addressText, prefixText] = match as unknown as string[];
      let family = familyText!.length > 6 ? Number.POSITIVE_INFINITY : Number(familyText);
      if (sign === '-' && family !== 0) family = Number.POSITIVE_INFINITY;
      const prefix = prefixText!.length > 4 ? Number.POSITIVE_INFINITY : Number(prefixText);
      if (family > 0xffff) bad('address family out of range');
      if (prefix > 255) bad('prefix out of range');
      let address: Buffer;
      if (family === 1) {
        address = ipv4Bytes(addressText!) ?? bad('bad IPv4 address');
        if (prefix > 32) bad('prefix above 32');
      } else if (family === 2) {
        address = ipv6Bytes(addressText!) ?? bad('bad IPv6 address');
        if (prefix > 128) bad('prefix above 128');
      } else {
        address = bad('only address families 1 (IPv4) and 2 (IPv6) have a text form');
      }
      // Trailing zero bytes are left out (RFC 3123 §4).
      let length = address.length;
      while (length > 0 && address[length - 1] === 0) length--;
      items.push(
        Buffer.concat([
          u16(family),
          u8(prefix),
          u8(length | (negate ? 0x80 : 0)),
          address.subarray(0, length),
        ]),
      );
    }
    return Buffer.concat(items);
  },
  format: (r) => {
    const items: string[] = [];
    let printable = true;
    const start = r.remaining;
    const all: number[] = [];
    while (r.remaining > 0) {
      const family = r.u16('address family');
      const prefix = r.u8('prefix');
      const lengthByte = r.u8('address length');
      const length = lengthByte & 0x7f;
      const data = r.bytes(length, 'address');
      all.push(family >> 8, family & 0xff, prefix, lengthByte, ...data);
      if (family === 1 && (prefix > 32 || length > 4)) throw new WireFailure('bad IPv4 item');
      if (family === 2 && (prefix > 128 || length > 16)) throw new WireFailure('bad IPv6 item');
      if (length > 0 && data[length - 1] === 0) {
        throw new WireFailure('an address ends in a zero byte');
      }
      const negate = lengthByte & 0x80 ? '!' : '';
      if (family === 1) {
        const address = Buffer.alloc(4);
        address.set(data);
        items.push(`${negate}1:${Array.from(address).join('.')}/${prefix}`);
      } else if (family === 2) {
        const address = Buffer.alloc(16);
        address.set(data);
        items.push(`${negate}2:${ipv6Text(address)}/${prefix}`);
      } else {
        printable = false;
      }
    }
    // Other families are valid RDATA for BIND but have no text form.
    return printable || start === 0 ? items.join(' ') : genericForm(Buffer.from(all));
  },
};

/** SINK (draft-eastlake-kitchen-sink): meaning, coding, subcoding, base64 data. */
const sinkCodec: Codec = {
  parse: (f) =>
    Buffer.concat([
      u8Field(f, 'meaning'),
      u8Field(f, 'coding'),
      u8Field(f, 'subcoding'),
      base64Tokens(f.rest(), 'data', f.what),
    ]),
  format: (r) => {
    const head = `${r.u8('meaning')} ${r.u8('coding')} ${r.u8('subcoding')}`;
    const data = r.rest();
    return data.length === 0 ? head : `${head} ${chunks(base64Text(data))}`;
  },
};

/** DOA (draft-durand-doa-over-dns): enterprise, type, location, media type, base64 data or `-`. */
const doaCodec: Codec = {
  parse: (f) => {
    const enterprise = u32(decimal(f.word('enterprise'), MAX_U32, 'enterprise', f.what));
    const type = u32(decimal(f.word('type'), MAX_U32, 'type', f.what));
    const location = u8Field(f, 'location');
    const media = characterString(f.any('media type'), 'media type', f.what);
    const tokens = f.rest();
    const first = tokens[0];
    if (!first) fail('syntax', `${f.what}: missing data (base64, or "-" for none)`);
    let data: Buffer = Buffer.alloc(0);
    if (first.quoted || first.text !== '-') data = base64Tokens(tokens, 'data', f.what);
    else if (tokens[1]) fail('syntax', `${f.what}: extra input ${quote(tokens[1].text)}`);
    return Buffer.concat([enterprise, type, location, media, data]);
  },
  format: (r) => {
    const head = `${r.u32('enterprise')} ${r.u32('type')} ${r.u8('location')}`;
    const media = wireString(r, 'media type');
    const data = r.rest();
    // BIND prints DOA's base64 in one piece.
    return `${head} ${media} ${data.length === 0 ? '-' : base64Text(data)}`;
  },
};

/** L32 (RFC 6742): preference and an IPv4 locator. */
const l32Codec: Codec = {
  parse: (f) => {
    const preference = u16Field(f, 'preference');
    const text = f.word('locator');
    const locator =
      ipv4Bytes(text) ?? fail('bad-rdata', `${f.what}: bad IPv4 locator ${quote(text)}`);
    return Buffer.concat([preference, locator]);
  },
  format: (r) => `${r.u16('preference')} ${Array.from(r.bytes(4, 'locator')).join('.')}`,
};

/** A in class CH: a domain name and a 16-bit address written in octal. */
const chaosACodec: Codec = {
  parse: (f, origin) => {
    const name = nameField(f.word('domain'), origin, 'domain', f.what);
    const text = f.word('address');
    if (!/^[0-7]+$/.test(text)) fail('bad-rdata', `${f.what}: address ${quote(text)} is not octal`);
    const value = text.length > 12 ? Number.POSITIVE_INFINITY : Number.parseInt(text, 8);
    if (value > 0xffff)
      fail('bad-rdata', `${f.what}: address ${quote(text)} is out of range (0-177777)`);
    return Buffer.concat([name, u16(value)]);
  },
  format: (r, origin) => `${nameText(r.name('domain'), origin)} ${r.u16('address').toString(8)}`,
};

// ---------------------------------------------------------------------------------------------
// The registry entries

const IN_ONLY = [CLASS_IN] as const;

/** The codecs of this group; WKS, NSAP, NSAP-PTR, PX, EID, NIMLOC, ATMA, KX, A6, APL only in IN. */
export const LEGACY_CODECS: readonly CodecEntry[] = [
  { type: RR_TYPES.MD, codec: nameCodec },
  { type: RR_TYPES.MF, codec: nameCodec },
  { type: RR_TYPES.MB, codec: nameCodec },
  { type: RR_TYPES.MG, codec: nameCodec },
  { type: RR_TYPES.MR, codec: nameCodec },
  { type: RR_TYPES.WKS, classes: IN_ONLY, codec: wksCodec },
  { type: RR_TYPES.MINFO, codec: twoNames('responsible mailbox', 'error mailbox') },
  { type: RR_TYPES.RP, codec: twoNames('mailbox', 'TXT name') },
  { type: RR_TYPES.AFSDB, codec: numberName('subtype', 'hostname') },
  { type: RR_TYPES.X25, codec: x25Codec },
  { type: RR_TYPES.ISDN, codec: isdnCodec },
  { type: RR_TYPES.RT, codec: numberName('preference', 'intermediate host') },
  { type: RR_TYPES.NSAP, classes: IN_ONLY, codec: nsapCodec },
  { type: RR_TYPES['NSAP-PTR'], classes: IN_ONLY, codec: nameCodec },
  { type: RR_TYPES.PX, classes: IN_ONLY, codec: pxCodec },
  { type: RR_TYPES.GPOS, codec: gposCodec },
  { type: RR_TYPES.LOC, codec: locCodec },
  { type: RR_TYPES.EID, classes: IN_ONLY, codec: hexCodec },
  { type: RR_TYPES.NIMLOC, classes: IN_ONLY, codec: hexCodec },
  { type: RR_TYPES.ATMA, classes: IN_ONLY, codec: atmaCodec },
  { type: RR_TYPES.KX, classes: IN_ONLY, codec: numberName('preference', 'exchanger') },
  { type: RR_TYPES.A6, classes: IN_ONLY, codec: a6Codec },
  { type: RR_TYPES.SINK, codec: sinkCodec },
  { type: RR_TYPES.APL, classes: IN_ONLY, codec: aplCodec },
  { type: RR_TYPES.NINFO, codec: textCodec },
  { type: RR_TYPES.TALINK, codec: twoNames('previous name', 'next name') },
  { type: RR_TYPES.NID, codec: locatorCodec },
  { type: RR_TYPES.L32, codec: l32Codec },
  { type: RR_TYPES.L64, codec: locatorCodec },
  { type: RR_TYPES.LP, codec: numberName('preference', 'FQDN') },
  { type: RR_TYPES.EUI48, codec: euiCodec(6) },
  { type: RR_TYPES.EUI64, codec: euiCodec(8) },
  { type: RR_TYPES.AVC, codec: textCodec },
  { type: RR_TYPES.DOA, codec: doaCodec },
  { type: RR_TYPES.RESINFO, codec: textCodec },
  { type: RR_TYPES.WALLET, codec: textCodec },
  { type: RR_TYPES.A, classes: [CLASS_CH], codec: chaosACodec },
];
