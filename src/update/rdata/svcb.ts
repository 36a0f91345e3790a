/**
 * Codecs: SVCB (64) and HTTPS (65), class IN only as in BIND (RFC 9460; `dohpath` RFC 9461).
 *
 * Text and wire rules are BIND 9.20's (`lib/dns/rdata/in_1/svcb_64.c`), checked byte for byte
 * against `named-rrchecker` of 9.16, 9.18 and 9.20 in test/unit/rdata-svcb.test.ts, which also
 * holds the one table of what the older versions do differently.
 *
 * - `key=value` and `key="value"` are one SvcParam; a quoted value must follow the `=` directly.
 * - Known keys by their registry name (lowercase, as written): mandatory, alpn,
 *   no-default-alpn, port, ipv4hint, ech, ipv6hint, dohpath. Any key as `keyNNNNN` (no leading
 *   zeros); written that way, a known key's name may be in any case (`ALPN=`) and its value is
 *   read as a plain escaped string whose bytes must be valid wire for the key. `ohttp` (RFC 9540)
 *   is not a name BIND 9.20 knows: write `key8`.
 * - BIND prints keys 0-6 by name and every other key, dohpath included, as `keyNNNNN="…"`.
 * - Keys are sorted on input; duplicates, a `mandatory` list naming a missing key or key 0, a lone
 *   `mandatory`, and `no-default-alpn` without `alpn` are refused, in text and on the wire.
 */
import type { Name } from '../names.js';
import type { CodecEntry } from '../rdata.js';
import {
  type Codec,
  decimal,
  type Fields,
  fail,
  ipv4Bytes,
  ipv6Bytes,
  ipv6Text,
  nameField,
  nameText,
  quote,
  type Reader,
  type Token,
  u16,
  WireFailure,
} from './kit.js';
import { CLASS_IN, RR_TYPES } from './types.js';

// ---------------------------------------------------------------------------------------------
// The SvcParamKey registry as BIND 9.20 knows it

type Encoding = 'keylist' | 'alpn' | 'empty' | 'port' | 'ipv4s' | 'ipv6s' | 'base64' | 'dohpath';

interface KnownKey {
  readonly name: string;
  readonly key: number;
  readonly encoding: Encoding;
  /** BIND prints the key by name (the keys of RFC 9460's first registry set only). */
  readonly printedByName: boolean;
}

const KNOWN_KEYS: readonly KnownKey[] = [
  { name: 'mandatory', key: 0, encoding: 'keylist', printedByName: true },
  { name: 'alpn', key: 1, encoding: 'alpn', printedByName: true },
  { name: 'no-default-alpn', key: 2, encoding: 'empty', printedByName: true },
  { name: 'port', key: 3, encoding: 'port', printedByName: true },
  { name: 'ipv4hint', key: 4, encoding: 'ipv4s', printedByName: true },
  { name: 'ech', key: 5, encoding: 'base64', printedByName: true },
  { name: 'ipv6hint', key: 6, encoding: 'ipv6s', printedByName: true },
  // RFC 9461; BIND reads the name but prints `key7` (9.16-9.20).
  { name: 'dohpath', key: 7, encoding: 'dohpath', printedByName: false },
];

const KEY_MANDATORY = 0;
const KEY_ALPN = 1;
const KEY_NO_DEFAULT_ALPN = 2;

const knownByNumber = (key: number): KnownKey | undefined =>
  KNOWN_KEYS.find((known) => known.key === key);

function keyText(key: number): string {
  const known = knownByNumber(key);
  return known?.printedByName ? known.name : `key${key}`;
}

// Text is handled as a latin1 string of its UTF-8 bytes: one character per byte, as BIND's
// byte-oriented reader sees it.
const asBytes = (text: string): string => Buffer.from(text, 'utf8').toString('latin1');
const bytesOf = (latin1: string): Buffer => Buffer.from(latin1, 'latin1');
const asciiLower = (text: string): string =>
  text.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0x20));
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/** Thrown by the value readers below; becomes a {@link fail} with the param quoted. */
class ValueProblem {
  constructor(readonly reason: string) {}
}
function problem(reason: string): never {
  throw new ValueProblem(reason);
}

// ---------------------------------------------------------------------------------------------
// Key names

/**
 * C `strtoul(s, &end, 10)` on `text`: skips leading white space, takes a sign, then digits.
 * `end` is 0 when nothing was converted; `value` is capped above 0xffff (out of range anyway).
 */
function strtoul(text: string): { value: number; end: number } {
  let i = 0;
  while (i < text.length && ' \t\n\v\f\r'.includes(text[i]!)) i++;
  const negative = text[i] === '-';
  if (text[i] === '-' || text[i] === '+') i++;
  const start = i;
  let value = 0;
  while (isDigit(text[i])) {
    value = Math.min(value * 10 + Number(text[i]), 0x10000);
    i++;
  }
  if (i === start) return { value: 0, end: 0 };
  return { value: negative && value !== 0 ? 0x10000 : value, end: i };
}

/**
 * One key at the start of `text` followed by `sep` or the end: a known name in any case or
 * `keyNNNNN`. Returns the key and the text after the separator.
 */
function keyFromText(text: string, sep: ',' | '='): { key: number; rest: string } {
  let key: number | undefined;
  let rest = '';
  for (const known of KNOWN_KEYS) {
    const length = known.name.length;
    if (asciiLower(text.slice(0, length)) !== known.name) continue;
    if (text.length !== length && text[length] !== sep) continue;
    key = known.key;
    rest = text.slice(length);
    break;
  }
  if (key === undefined) {
    if (!text.startsWith('key')) problem('unknown key');
    const digits = text.slice(3);
    if (digits === '' || digits[0] === '-' || digits[0] === '+') problem('bad key number');
    if (digits.length > 1 && digits[0] === '0' && digits[1] !== sep) {
      problem('key number with a leading zero');
    }
    const { value, end } = strtoul(digits);
    if (end === 0 || (end !== digits.length && digits[end] !== sep)) problem('bad key number');
    if (value > 0xffff) problem('key number out of range (0-65535)');
    key = value;
    rest = digits.slice(end);
  }
  // A list may not end in a separator.
  if (sep === ',' && rest.length === 1) problem('empty key after ","');
  return { key, rest: rest.slice(1) };
}

// ---------------------------------------------------------------------------------------------
// Values: text → bytes

/** Resolves `\X` and `\DDD` (BIND's multitxt rules, no length limit). */
function unescapeMultitxt(text: string): Buffer {
  let out = '';
  for (let i = 0; i < text.length; ) {
    let c = text[i++]!;
    if (c === '\\') {
      if (i >= text.length) problem('ends with a lone backslash');
      c = text[i++]!;
      if (isDigit(c)) {
        const digits = c + text.slice(i, i + 2);
        if (!/^[0-9]{3}$/.test(digits) || Number(digits) > 255) problem(`bad escape \\${digits}`);
        c = String.fromCharCode(Number(digits));
        i += 2;
      }
    }
    out += c;
  }
  return bytesOf(out);
}

/**
 * An alpn value: a comma-separated list where escapes are resolved twice (BIND's commatxt): once
 * as in any string, then `\,` keeps a comma and `\\` a backslash. So `h2,h3` and `h2\,h3` are
 * two ids, `h\\,2` is one id with a comma. Each id is 1-255 bytes.
 */
function alpnFromText(text: string): Buffer {
  const out: Buffer[] = [];
  let i = 0;
  do {
    let id = '';
    let escaped = false;
    let commaEscape = false;
    let sawComma = false;
    while (i < text.length) {
      let c = text.charCodeAt(i++);
      if (escaped && c >= 0x30 && c <= 0x39) {
        const rest = text.slice(i, i + 2);
        if (!/^[0-9]{2}$/.test(rest)) problem('bad \\DDD escape');
        c = (c - 0x30) * 100 + Number(rest);
        i += 2;
        if (c > 255) problem('bad \\DDD escape');
      } else if (!escaped && c === 0x5c) {
        escaped = true;
        continue;
      }
      escaped = false;
      if (!commaEscape && c === 0x2c) {
        sawComma = true;
        break;
      }
      if (!commaEscape && c === 0x5c) {
        commaEscape = true;
        continue;
      }
      commaEscape = false;
      if (id.length === 255) problem('an alpn id is longer than 255 bytes');
      id += String.fromCharCode(c);
    }
    if (escaped || commaEscape) problem('ends with a lone backslash');
    if (id === '') problem('empty alpn id');
    if (sawComma && i === text.length) problem('empty alpn id at the end');
    out.push(Buffer.of(id.length), bytesOf(id));
  } while (i < text.length);
  return Buffer.concat(out);
}

/**
 * Comma-separated addresses. BIND copies at most 46 characters of the rest into a buffer before
 * looking for the comma, so an element longer than that is refused, whatever follows.
 */
function addressesFromText(text: string, family: 4 | 6): Buffer {
  const out: Buffer[] = [];
  let rest = text;
  for (;;) {
    const window = rest.slice(0, 46);
    const comma = window.indexOf(',');
    const element = comma === -1 ? window : window.slice(0, comma);
    const bytes = family === 4 ? ipv4Bytes(element) : ipv6Bytes(element);
    if (!bytes) problem(`bad IPv${family} address ${quote(element)}`);
    out.push(bytes);
    if (comma === -1) return Buffer.concat(out);
    rest = rest.slice(comma + 1);
  }
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=';

/** Base64 as BIND's `isc_base64_decodestring`: blanks skipped, strict padding, may be empty. */
function base64FromText(text: string): Buffer {
  const out: number[] = [];
  const quad: number[] = [];
  let ended = false;
  for (const c of text) {
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') continue;
    const value = BASE64.indexOf(c);
    if (ended || value === -1) problem('bad base64');
    quad.push(value);
    if (quad.length < 4) continue;
    const [a, b, c2, d] = quad as [number, number, number, number];
    quad.length = 0;
    if (a === 64 || b === 64 || (c2 === 64 && d !== 64)) problem('bad base64 padding');
    if (c2 === 64 && (b & 0xf) !== 0) problem('bad base64 padding');
    if (d === 64 && (c2 & 0x3) !== 0) problem('bad base64 padding');
    const count = c2 === 64 ? 1 : d === 64 ? 2 : 3;
    const x = c2 === 64 ? 0 : c2;
    const y = d === 64 ? 0 : d;
    out.push(((a << 2) | (b >> 4)) & 0xff, ((b << 4) | (x >> 2)) & 0xff, ((x << 6) | y) & 0xff);
    out.length -= 3 - count;
    if (count !== 3) ended = true;
  }
  if (quad.length !== 0) problem('bad base64 length');
  return Buffer.from(out);
}

/** The value of a known key written by name. */
function knownValue(known: KnownKey, text: string): Buffer {
  switch (known.encoding) {
    case 'keylist': {
      if (text === '') problem('empty key list');
      const keys: number[] = [];
      let rest = text;
      while (rest !== '') {
        const next = keyFromText(rest, ',');
        keys.push(next.key);
        rest = next.rest;
      }
      keys.sort((a, b) => a - b);
      if (keys.some((key, i) => i > 0 && keys[i - 1] === key)) problem('a key is listed twice');
      return Buffer.concat(keys.map(u16));
    }
    case 'alpn':
      return alpnFromText(text);
    case 'empty':
      if (text !== '') problem('takes no value');
      return Buffer.alloc(0);
    case 'port': {
      if (!/^[0-9]+$/.test(text)) problem('port is not a number');
      const { value } = strtoul(text);
      if (value > 0xffff) problem('port out of range (0-65535)');
      return u16(value);
    }
    case 'ipv4s':
      return addressesFromText(text, 4);
    case 'ipv6s':
      return addressesFromText(text, 6);
    case 'base64':
      return base64FromText(text);
    case 'dohpath':
      return unescapeMultitxt(text);
  }
}

// ---------------------------------------------------------------------------------------------
// Wire values: checks and text

/** Is `bytes` valid UTF-8 as BIND's `isc_utf8_valid` sees it (surrogates pass)? */
function utf8Valid(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b <= 0x7f) continue;
    const more = (b & 0xe0) === 0xc0 ? 1 : (b & 0xf0) === 0xe0 ? 2 : (b & 0xf8) === 0xf0 ? 3 : -1;
    if (more === -1 || i + more >= bytes.length) return false;
    let w = b & (0x3f >> more);
    for (let k = 1; k <= more; k++) {
      const next = bytes[i + k]!;
      if ((next & 0xc0) !== 0x80) return false;
      w = (w << 6) | (next & 0x3f);
    }
    const least = [0, 0x80, 0x800, 0x10000][more]!;
    if (w < least || w > 0x10ffff) return false;
    i += more;
  }
  return true;
}

const isAlnum = (c: number): boolean =>
  (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
const isHex = (c: number): boolean =>
  (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);

/**
 * A dohpath (RFC 9461 §5): a relative RFC 6570 URI template, valid UTF-8, with a `dns`
 * variable. The same state machine as BIND 9.18/9.20 (9.16 only looked for `{?dns}`).
 */
function dohpathValid(bytes: Uint8Array): boolean {
  if (bytes.length === 0 || bytes[0] !== 0x2f || !utf8Valid(bytes)) return false;
  type State = 'path' | 'variable' | 'pct1' | 'pct2' | 'vpct1' | 'vpct2' | 'prefix' | 'explode';
  let state: State = 'path';
  let dns = false;
  let afterOperator = false;
  let nameStart = 0; // index of the variable name's first byte
  let prefixStart = 0;
  let p = 0;
  while (p < bytes.length) {
    const c = bytes[p++]!;
    switch (state) {
      case 'path':
        if (c === 0x7b) {
          state = 'variable';
          afterOperator = false;
          nameStart = p;
        } else if (c === 0x25) state = 'pct1';
        break;
      case 'variable':
        if ('+#./;?&'.includes(String.fromCharCode(c))) {
          // Operators only at the start of the expression, once.
          if (p !== nameStart + 1 || afterOperator) return false;
          afterOperator = true;
          nameStart = p;
        } else if ('=!@|'.includes(String.fromCharCode(c))) {
          return false;
        } else if ('*:},'.includes(String.fromCharCode(c))) {
          if (p === nameStart + 1) return false;
          if (p - nameStart === 4 && bytes[nameStart] === 0x64) {
            if (bytes[nameStart + 1] === 0x6e && bytes[nameStart + 2] === 0x73) dns = true;
          }
          if (c === 0x3a) {
            state = 'prefix';
            prefixStart = p;
          } else if (c === 0x7d) state = 'path';
          else if (c === 0x2a) state = 'explode';
          else {
            afterOperator = false;
            nameStart = p;
          }
        } else if (c === 0x25) {
          state = 'vpct1';
        } else if (c !== 0x5f && !isAlnum(c)) {
          return false;
        }
        break;
      case 'explode':
        if (c === 0x2c) {
          state = 'variable';
          afterOperator = false;
          nameStart = p;
        } else if (c === 0x7d) state = 'path';
        else return false;
        break;
      case 'pct1':
      case 'pct2':
      case 'vpct1':
      case 'vpct2':
        if (!isHex(c)) return false;
        state =
          state === 'pct1'
            ? 'pct2'
            : state === 'pct2'
              ? 'path'
              : state === 'vpct1'
                ? 'vpct2'
                : 'variable';
        break;
      case 'prefix':
        if (c < 0x30 || c > 0x39) {
          // A max-length of 1-9999 without leading zeros.
          if (p === prefixStart + 1 || p - prefixStart > 5 || bytes[prefixStart] === 0x30) {
            return false;
          }
          // BIND 9.18/9.20 do not restart the variable name after `:n,`; kept for equality.
          if (c === 0x2c) {
            state = 'variable';
            afterOperator = false;
          } else if (c === 0x7d) state = 'path';
          else return false;
        }
        break;
    }
  }
  return state === 'path' && dns;
}

/** Why the wire value of `key` is not valid, if it is not (BIND's `svcb_validate`). */
function valueProblem(key: number, value: Uint8Array): string | undefined {
  const known = knownByNumber(key);
  if (!known) return undefined;
  const name = known.name;
  switch (known.encoding) {
    case 'port':
      return value.length === 2 ? undefined : `${name} must be 2 bytes`;
    case 'ipv4s':
      return value.length > 0 && value.length % 4 === 0 ? undefined : `bad ${name} length`;
    case 'ipv6s':
      return value.length > 0 && value.length % 16 === 0 ? undefined : `bad ${name} length`;
    case 'alpn': {
      if (value.length === 0) return 'empty alpn';
      for (let i = 0; i < value.length; i += value[i]! + 1) {
        if (value[i] === 0 || i + value[i]! + 1 > value.length) return 'bad alpn id length';
      }
      return undefined;
    }
    case 'keylist': {
      if (value.length === 0 || value.length % 2 !== 0) return `bad ${name} length`;
      for (let i = 2; i < value.length; i += 2) {
        const previous = (value[i - 2]! << 8) | value[i - 1]!;
        if (previous >= ((value[i]! << 8) | value[i + 1]!)) {
          return `${name} keys not in strictly increasing order`;
        }
      }
      return undefined;
    }
    case 'dohpath':
      return dohpathValid(value) ? undefined : 'dohpath is not a relative URI template with {?dns}';
    case 'empty':
      return value.length === 0 ? undefined : `${name} takes no value`;
    case 'base64':
      return undefined;
  }
}

interface Param {
  readonly key: number;
  readonly value: Uint8Array;
}

/**
 * Why a list of params (in wire order) is not valid, if it is not: the checks of BIND's
 * `fromwire`, which its text reader also applies after sorting (RFC 9460 §2.2, §8).
 */
function paramsProblem(params: readonly Param[]): string | undefined {
  let last = -1;
  let mandatory: number[] = [];
  let haveAlpn = false;
  for (const { key, value } of params) {
    if (key <= last) {
      return key === last ? `key${key} appears twice` : 'keys are not in increasing order';
    }
    last = key;
    const wanted = mandatory[0];
    if (wanted !== undefined && key > wanted) return `mandatory ${keyText(wanted)} is missing`;
    if (key === wanted) mandatory.shift();
    if (key === KEY_ALPN) haveAlpn = true;
    if (key === KEY_NO_DEFAULT_ALPN && !haveAlpn) return 'no-default-alpn without alpn';
    if (key === KEY_MANDATORY) {
      if (value.length < 2) return 'empty mandatory';
      if (((value[0]! << 8) | value[1]!) === KEY_MANDATORY) return 'mandatory lists itself';
      mandatory = [];
      for (let i = 0; i + 1 < value.length; i += 2)
        mandatory.push((value[i]! << 8) | value[i + 1]!);
    }
    const bad = valueProblem(key, value);
    if (bad) return bad;
  }
  const missing = mandatory[0];
  return missing === undefined ? undefined : `mandatory ${keyText(missing)} is missing`;
}

/** Bytes in a quoted string as BIND's multitxt prints them. */
function quotedText(bytes: Uint8Array): string {
  let out = '"';
  for (const b of bytes) {
    if (b < 0x20 || b >= 0x7f) out += `\\${String(b).padStart(3, '0')}`;
    else out += b === 0x22 || b === 0x5c ? `\\${String.fromCharCode(b)}` : String.fromCharCode(b);
  }
  return `${out}"`;
}

/** One alpn id inside BIND's quoted alpn list: `,` as `\\,`, `\` as `\\\\`, space as `\032`. */
function alpnIdText(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) {
    if (b < 0x21 || b >= 0x7f) out += `\\${String(b).padStart(3, '0')}`;
    else if (b === 0x22) out += '\\"';
    else if (b === 0x5c) out += '\\\\\\\\';
    else if (b === 0x2c) out += '\\\\,';
    else out += String.fromCharCode(b);
  }
  return out;
}

/** A valid value as BIND prints it after `key=`. */
function valueText(key: number, value: Uint8Array): string {
  const known = knownByNumber(key);
  const encoding = known?.printedByName ? known.encoding : 'text';
  const words = (size: number): Uint8Array[] =>
    Array.from({ length: value.length / size }, (_, i) =>
      value.subarray(i * size, i * size + size),
    );
  switch (encoding) {
    case 'keylist':
      return words(2)
        .map((w) => keyText((w[0]! << 8) | w[1]!))
        .join(',');
    case 'alpn': {
      const ids: string[] = [];
      for (let i = 0; i < value.length; i += value[i]! + 1) {
        ids.push(alpnIdText(value.subarray(i + 1, i + 1 + value[i]!)));
      }
      return `"${ids.join(',')}"`;
    }
    case 'port':
      return String((value[0]! << 8) | value[1]!);
    case 'ipv4s':
      return words(4)
        .map((w) => w.join('.'))
        .join(',');
    case 'ipv6s':
      return words(16).map(ipv6Text).join(',');
    case 'base64':
      return Buffer.from(value).toString('base64');
    default:
      return quotedText(value);
  }
}

// ---------------------------------------------------------------------------------------------
// The codec

/**
 * Joins `key=` and a quoted value written right after it into one param, as BIND's lexer does;
 * any other quoted token is refused.
 */
function paramTexts(tokens: readonly Token[], what: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.quoted) fail('syntax', `${what}: unexpected quoted text "${token.text}"`);
    const next = tokens[i + 1];
    if (
      next?.quoted &&
      next.start === token.end &&
      firstEquals(token.text) === token.text.length - 1
    ) {
      out.push(token.text + next.text);
      i++;
    } else {
      out.push(token.text);
    }
  }
  return out;
}

/** Index of the first `=` not escaped by a backslash, or -1. */
function firstEquals(text: string): number {
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '=') return i;
  }
  return -1;
}

/** One SvcParam in presentation form → key and wire value (not yet checked against others). */
function paramFromText(text: string): Param {
  const raw = asBytes(text);
  for (const known of KNOWN_KEYS) {
    const length = known.name.length;
    if (!raw.startsWith(known.name) || (raw.length !== length && raw[length] !== '=')) continue;
    return { key: known.key, value: knownValue(known, raw.slice(length + 1)) };
  }
  const { key, rest } = keyFromText(raw, '=');
  const value = unescapeMultitxt(rest);
  const bad = valueProblem(key, value);
  if (bad) problem(bad);
  return { key, value };
}

function parseSvcb(fields: Fields, origin: Name): Buffer {
  const what = fields.what;
  const priority = decimal(fields.word('SvcPriority'), 0xffff, 'SvcPriority', what);
  const target = nameField(fields.any('TargetName').text, origin, 'TargetName', what);
  const params: Param[] = [];
  for (const text of paramTexts(fields.rest(), what)) {
    try {
      params.push(paramFromText(text));
    } catch (error) {
      if (!(error instanceof ValueProblem)) throw error;
      fail('bad-rdata', `${what}: SvcParam ${quote(text)}: ${error.reason}`);
    }
  }
  params.sort((a, b) => a.key - b.key);
  const bad = paramsProblem(params);
  if (bad) fail('bad-rdata', `${what}: ${bad}`);
  const parts: Buffer[] = [u16(priority), target];
  for (const { key, value } of params) {
    if (value.length > 0xffff) fail('bad-rdata', `${what}: ${keyText(key)} value is too long`);
    parts.push(u16(key), u16(value.length), Buffer.from(value));
  }
  return Buffer.concat(parts);
}

function formatSvcb(reader: Reader, origin: Name | undefined): string {
  const priority = reader.u16('SvcPriority');
  const target = reader.name('TargetName');
  const params: Param[] = [];
  while (reader.remaining > 0) {
    const key = reader.u16('SvcParamKey');
    const length = reader.u16(`${keyText(key)} length`);
    params.push({ key, value: reader.bytes(length, `${keyText(key)} value`) });
  }
  const bad = paramsProblem(params);
  if (bad) throw new WireFailure(bad);
  const text = params.map(({ key, value }) =>
    value.length === 0 ? keyText(key) : `${keyText(key)}=${valueText(key, value)}`,
  );
  return [String(priority), nameText(target, origin), ...text].join(' ');
}

const svcbCodec: Codec = { parse: parseSvcb, format: formatSvcb };

/** SVCB and HTTPS share one format (RFC 9460 §9); BIND knows both only in class IN. */
export const SVCB_CODECS: readonly CodecEntry[] = [
  { type: RR_TYPES.SVCB, classes: [CLASS_IN], codec: svcbCodec },
  { type: RR_TYPES.HTTPS, classes: [CLASS_IN], codec: svcbCodec },
];
