/**
 * Codecs: DHCID, IPSECKEY, HIP, CERT, OPENPGPKEY, SMIMEA, URI, AMTRELAY, DSYNC, HHIT, BRID, RKEY,
 * ZONEMD, TA, DLV. Text and wire rules as BIND 9.20's lib/dns/rdata (observed with
 * named-rrchecker; where 9.16/9.18 differ, test/unit/rdata-misc.test.ts lists it).
 */
import type { CodecEntry } from '../rdata.js';
import { dsCodec, tlsaCodec } from './core.js';
import { KEY_PROTOCOLS, keyFlags } from './dnssec.js';
import {
  base64Chunks,
  type Codec,
  decimal,
  type Fields,
  fail,
  hex,
  hexChunks,
  hexTokens,
  ipv4Bytes,
  ipv6Bytes,
  ipv6Text,
  MAX_U32,
  nameField,
  nameText,
  quote,
  quoted,
  Reader,
  SECALG_MNEMONICS,
  type Token,
  u8,
  u16,
  u32,
  unescapeText,
  WireFailure,
} from './kit.js';
import { CLASS_IN, RR_TYPES, typeFromText, typeToText } from './types.js';

// ---------------------------------------------------------------------------------------------
// Field helpers local to this group

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=';

/**
 * Base64 as BIND's isc_base64 decoder reads it: quads of the RFC 4648 alphabet, `=` only as
 * padding at the very end, the unused bits before padding zero, nothing after the padding.
 * Tokens are joined (BIND reads base64 across blanks). Returns undefined when invalid.
 */
function base64Bytes(text: string): Buffer | undefined {
  if (text.length % 4 !== 0) return undefined;
  const out: number[] = [];
  for (let i = 0; i < text.length; i += 4) {
    const v = [0, 1, 2, 3].map((k) => BASE64.indexOf(text[i + k]!));
    if (v.some((x) => x < 0)) return undefined;
    const [a, b, c, d] = v as [number, number, number, number];
    if (a === 64 || b === 64 || (c === 64 && d !== 64)) return undefined;
    if (c === 64 && (b & 0xf) !== 0) return undefined;
    if (d === 64 && c !== 64 && (c & 0x3) !== 0) return undefined;
    const n = c === 64 ? 1 : d === 64 ? 2 : 3;
    if (n !== 3 && i + 4 !== text.length) return undefined;
    const cc = c === 64 ? 0 : c;
    const dd = d === 64 ? 0 : d;
    const bytes = [(a << 2) | (b >> 4), ((b << 4) | (cc >> 2)) & 0xff, ((cc << 6) | dd) & 0xff];
    out.push(...bytes.slice(0, n));
  }
  return Buffer.from(out);
}

function unquotedText(tokens: readonly Token[], field: string, what: string): string {
  let text = '';
  for (const token of tokens) {
    if (token.quoted) fail('syntax', `${what}: ${field} must not be quoted: "${token.text}"`);
    text += token.text;
  }
  return text;
}

/** One or more bytes of base64 spread over the remaining tokens (BIND: isc_one_or_more). */
function base64Rest(f: Fields, field: string): Buffer {
  const text = unquotedText(f.rest(), field, f.what);
  if (text === '') fail('syntax', `${f.what}: missing ${field}`);
  const bytes = base64Bytes(text);
  if (!bytes) {
    fail('bad-rdata', `${f.what}: ${field} ${quote(text)} is not valid base64`, {
      remedy: 'write the data in base64 (RFC 4648), padded with = to a multiple of 4 characters',
    });
  }
  return bytes;
}

/** BIND's mnemonic-or-number rule (dns_mnemonic_fromtext): decimal up to 12 digits, or a name. */
function mnemonic(
  text: string,
  table: ReadonlyMap<string, number>,
  max: number,
  field: string,
  what: string,
): number {
  if (/^[0-9]/.test(text) && text.length <= 12) {
    if (!/^[0-9]+$/.test(text))
      fail('bad-rdata', `${what}: ${field} ${quote(text)} is not a number`);
    return decimal(text, max, field, what);
  }
  const value = table.get(text.toUpperCase());
  if (value === undefined) fail('bad-rdata', `${what}: unknown ${field} ${quote(text)}`);
  return value;
}

/** The first mnemonic of `value` in `table`, or the number (dns_mnemonic_totext). */
function mnemonicText(value: number, table: ReadonlyMap<string, number>): string {
  for (const [name, v] of table) if (v === value) return name;
  return String(value);
}

/** CERT types (RFC 4398 §2.1). */
const CERT_TYPES: ReadonlyMap<string, number> = new Map([
  ['PKIX', 1],
  ['SPKI', 2],
  ['PGP', 3],
  ['IPKIX', 4],
  ['ISPKI', 5],
  ['IPGP', 6],
  ['ACPKIX', 7],
  ['IACPKIX', 8],
  ['URI', 253],
  ['OID', 254],
]);

/** DSYNC schemes (draft-ietf-dnsop-generalized-notify). */
const DSYNC_SCHEMES: ReadonlyMap<string, number> = new Map([['NOTIFY', 1]]);

/**
 * An unsigned number read by BIND's lexer as a number token, then range-checked.
 */
const num = (f: Fields, field: string, max: number): number =>
  decimal(f.word(field), max, field, f.what);

/** The RDATA in RFC 3597 form: for wire data BIND accepts but has no text form for. */
function genericText(bytes: Uint8Array): string {
  return bytes.length === 0 ? '\\# 0' : `\\# ${bytes.length} ${hexChunks(bytes)}`;
}

function ipv4(text: string, what: string): Buffer {
  return ipv4Bytes(text) ?? fail('bad-rdata', `${what}: bad IPv4 address ${quote(text)}`);
}

function ipv6(text: string, what: string): Buffer {
  return ipv6Bytes(text) ?? fail('bad-rdata', `${what}: bad IPv6 address ${quote(text)}`);
}

// ---------------------------------------------------------------------------------------------
// The codecs

/** Types whose RDATA is one base64 blob of at least one byte (DHCID, OPENPGPKEY, HHIT, BRID). */
const base64Codec: Codec = {
  parse: (f) => base64Rest(f, 'data'),
  format: (r) => {
    const data = r.rest();
    if (data.length === 0) throw new WireFailure('the data is missing');
    return base64Chunks(data);
  },
};

/** IPSECKEY, RFC 4025 §3. */
const ipseckeyCodec: Codec = {
  parse: (f, origin) => {
    const precedence = num(f, 'precedence', 255);
    const gatewayType = num(f, 'gateway type', 3);
    const algorithm = num(f, 'algorithm', 255);
    const gatewayText = f.word('gateway');
    let gateway: Buffer;
    if (gatewayType === 0) {
      if (gatewayText !== '.') fail('bad-rdata', `${f.what}: gateway type 0 needs "." as gateway`);
      gateway = Buffer.alloc(0);
    } else if (gatewayType === 1) gateway = ipv4(gatewayText, f.what);
    else if (gatewayType === 2) gateway = ipv6(gatewayText, f.what);
    else gateway = nameField(gatewayText, origin, 'gateway', f.what);
    const key = base64Rest(f, 'public key');
    return Buffer.concat([u8(precedence), u8(gatewayType), u8(algorithm), gateway, key]);
  },
  format: (r, origin) => {
    const precedence = r.u8('precedence');
    const gatewayType = r.u8('gateway type');
    const algorithm = r.u8('algorithm');
    let gateway: string;
    if (gatewayType === 0) gateway = '.';
    else if (gatewayType === 1) gateway = Array.from(r.bytes(4, 'gateway')).join('.');
    else if (gatewayType === 2) gateway = ipv6Text(r.bytes(16, 'gateway'));
    else if (gatewayType === 3) gateway = nameText(r.name('gateway'), origin);
    else throw new WireFailure(`gateway type ${gatewayType} is not 0-3`);
    const key = r.rest();
    if (key.length === 0) throw new WireFailure('the public key is missing');
    return `${precedence} ${gatewayType} ${algorithm} ${gateway} ${base64Chunks(key)}`;
  },
};

/** HIP, RFC 8005 §4: hex HIT and base64 key each in one token, then rendezvous servers. */
const hipCodec: Codec = {
  parse: (f, origin) => {
    const algorithm = num(f, 'algorithm', 255);
    const hit = hexTokens([f.any('HIT')], 'HIT', f.what);
    if (hit.length > 255)
      fail('bad-rdata', `${f.what}: HIT is ${hit.length} bytes; the limit is 255`);
    const keyText = f.word('public key');
    const key = base64Bytes(keyText);
    if (!key) fail('bad-rdata', `${f.what}: public key ${quote(keyText)} is not valid base64`);
    if (key.length === 0) fail('bad-rdata', `${f.what}: the public key is empty`);
    if (key.length > 0xffff) fail('bad-rdata', `${f.what}: the public key is too long`);
    const servers = f.rest().map((token) => {
      if (token.quoted) fail('syntax', `${f.what}: server must not be quoted: "${token.text}"`);
      return nameField(token.text, origin, 'rendezvous server', f.what);
    });
    return Buffer.concat([u8(hit.length), u8(algorithm), u16(key.length), hit, key, ...servers]);
  },
  format: (r, origin) => {
    const hitLength = r.u8('HIT length');
    const algorithm = r.u8('algorithm');
    const keyLength = r.u16('key length');
    if (hitLength === 0) throw new WireFailure('the HIT is empty');
    if (keyLength === 0) throw new WireFailure('the public key is empty');
    const hit = r.bytes(hitLength, 'HIT');
    const key = r.bytes(keyLength, 'public key');
    const parts = [String(algorithm), hex(hit), Buffer.from(key).toString('base64')];
    while (r.remaining > 0) parts.push(nameText(r.name('rendezvous server'), origin));
    return parts.join(' ');
  },
};

/** CERT, RFC 4398 §2: type and algorithm by mnemonic or number. */
const certCodec: Codec = {
  parse: (f) => {
    const type = mnemonic(
      f.word('certificate type'),
      CERT_TYPES,
      0xffff,
      'certificate type',
      f.what,
    );
    const keyTag = num(f, 'key tag', 0xffff);
    const algorithm = mnemonic(f.word('algorithm'), SECALG_MNEMONICS, 255, 'algorithm', f.what);
    const cert = base64Rest(f, 'certificate');
    return Buffer.concat([u16(type), u16(keyTag), u8(algorithm), cert]);
  },
  format: (r) => {
    const type = mnemonicText(r.u16('certificate type'), CERT_TYPES);
    const keyTag = r.u16('key tag');
    const algorithm = mnemonicText(r.u8('algorithm'), SECALG_MNEMONICS);
    const cert = r.rest();
    if (cert.length === 0) throw new WireFailure('the certificate is missing');
    return `${type} ${keyTag} ${algorithm} ${base64Chunks(cert)}`;
  },
};

/** URI, RFC 7553 §4.5: the target must be quoted; it has no 255-byte limit. */
const uriCodec: Codec = {
  parse: (f) => {
    const priority = num(f, 'priority', 0xffff);
    const weight = num(f, 'weight', 0xffff);
    const target = f.any('target');
    if (!target.quoted)
      fail('syntax', `${f.what}: the target must be quoted: ${quote(target.text)}`);
    return Buffer.concat([u16(priority), u16(weight), unescapeText(target.text, 'target', f.what)]);
  },
  format: (r) => `${r.u16('priority')} ${r.u16('weight')} ${quoted(r.rest())}`,
};

/**
 * AMTRELAY, RFC 8777 §4: gateway types 0-3. Other types are valid on the wire, but BIND has
 * no text form for them and prints (and reads) them only in the generic form.
 */
const amtrelayCodec: Codec = {
  parse: (f, origin) => {
    const precedence = num(f, 'precedence', 255);
    const discovery = num(f, 'discovery', 1);
    const type = num(f, 'relay type', 0x7f);
    // BIND 9.18+ wants a relay token even for type 0, where it is the placeholder "." (9.16
    // took none: see the version table in the tests).
    const relay = f.word('relay');
    if (type > 3) {
      fail('bad-rdata', `${f.what}: relay type ${type} has no text form`, {
        remedy: 'write the record in the generic form \\# <length> <hex>',
      });
    }
    const head = Buffer.of(precedence, type | (discovery << 7));
    if (type === 0) {
      if (relay !== '.') fail('bad-rdata', `${f.what}: relay type 0 needs "." as relay`);
      return head;
    }
    if (type === 1) return Buffer.concat([head, ipv4(relay, f.what)]);
    if (type === 2) return Buffer.concat([head, ipv6(relay, f.what)]);
    return Buffer.concat([head, nameField(relay, origin, 'relay', f.what)]);
  },
  format: (r, origin) => {
    const precedence = r.u8('precedence');
    const second = r.u8('relay type');
    const type = second & 0x7f;
    const head = `${precedence} ${second >> 7} ${type}`;
    if (type === 0) return `${head} .`;
    if (type === 1) return `${head} ${Array.from(r.bytes(4, 'relay')).join('.')}`;
    if (type === 2) return `${head} ${ipv6Text(r.bytes(16, 'relay'))}`;
    if (type === 3) return `${head} ${nameText(r.name('relay'), origin)}`;
    return genericText(Buffer.concat([Buffer.of(precedence, second), r.rest()]));
  },
};

/**
 * DSYNC (draft-ietf-dnsop-generalized-notify §2): type, scheme, port, target. BIND reads the
 * type as a mnemonic, TYPEnnn, or a number as C's strtol does (a sign is allowed).
 */
const dsyncCodec: Codec = {
  parse: (f, origin) => {
    const typeText = f.word('type');
    let type = typeFromText(typeText);
    if (type === undefined) {
      if (!/^[+-]?[0-9]+$/.test(typeText)) {
        fail('bad-rdata', `${f.what}: unknown type ${quote(typeText)}`);
      }
      const value = Number(typeText);
      // strtol reads "-0" as 0; any other negative or a value past 16 bits is out of range.
      if (!(value >= 0 && value <= 0xffff)) {
        fail('bad-rdata', `${f.what}: type ${quote(typeText)} is out of range`);
      }
      type = Math.abs(value);
    }
    const scheme = mnemonic(f.word('scheme'), DSYNC_SCHEMES, 255, 'scheme', f.what);
    const port = num(f, 'port', 0xffff);
    const target = nameField(f.word('target'), origin, 'target', f.what);
    return Buffer.concat([u16(type), u8(scheme), u16(port), target]);
  },
  format: (r, origin) => {
    const type = r.u16('type');
    const typeText = type === 0 ? 'TYPE0' : typeToText(type);
    const scheme = mnemonicText(r.u8('scheme'), DSYNC_SCHEMES);
    const port = r.u16('port');
    return `${typeText} ${scheme} ${port} ${nameText(r.name('target'), origin)}`;
  },
};

/** Whether a PRIVATEOID key starts with a length byte and a DER OBJECT IDENTIFIER filling it. */
function privateOidProblem(data: Uint8Array): string | undefined {
  const length = data[0];
  if (length === undefined || length + 1 > data.length) return 'the OID length is cut off';
  const der = data.subarray(1, 1 + length);
  // tag 06, short-form length, non-empty content whose last sub-identifier ends (high bit clear)
  // and none starts with 0x80 (X.690 §8.19.2).
  if (der.length < 3 || der[0] !== 0x06 || der[1] !== der.length - 2 || der[1]! > 0x7f) {
    return 'the key does not start with a DER OBJECT IDENTIFIER';
  }
  const body = der.subarray(2);
  if ((body[body.length - 1]! & 0x80) !== 0) return 'the OID is cut off';
  for (let i = 0; i < body.length; i++) {
    if (body[i] === 0x80 && (i === 0 || (body[i - 1]! & 0x80) === 0)) {
      return 'the OID has a padded sub-identifier';
    }
  }
  return undefined;
}

/** RKEY (draft-reid-dnsext-rkey): DNSKEY's format with flags that must be 0. */
const rkeyCodec: Codec = {
  parse: (f) => {
    const flags = keyFlags(f.word('flags'), f.what);
    if (flags !== 0) fail('bad-rdata', `${f.what}: flags must be 0`);
    const protocol = mnemonic(f.word('protocol'), KEY_PROTOCOLS, 255, 'protocol', f.what);
    const algorithm = mnemonic(f.word('algorithm'), SECALG_MNEMONICS, 255, 'algorithm', f.what);
    const key = base64Rest(f, 'public key');
    const problem = privateKeyProblem(algorithm, key);
    if (problem) fail('bad-rdata', `${f.what}: ${problem}`);
    return Buffer.concat([u16(0), u8(protocol), u8(algorithm), key]);
  },
  format: (r) => {
    const flags = r.u16('flags');
    if (flags !== 0) throw new WireFailure('the flags must be 0');
    const protocol = r.u8('protocol');
    const algorithm = r.u8('algorithm');
    const key = r.rest();
    if (key.length === 0) throw new WireFailure('the public key is missing');
    const problem = privateKeyProblem(algorithm, key);
    if (problem) throw new WireFailure(problem);
    return `0 ${protocol} ${algorithm} ${base64Chunks(key)}`;
  },
};

/** BIND 9.20 checks the key of private algorithms (253: a name first; 254: an OID first). */
function privateKeyProblem(algorithm: number, key: Uint8Array): string | undefined {
  if (algorithm === 253) {
    try {
      new Reader(key).name('private algorithm name');
    } catch (error) {
      if (error instanceof WireFailure) return error.reason;
      throw error;
    }
  }
  if (algorithm === 254) return privateOidProblem(key);
  return undefined;
}

/** ZONEMD digest lengths (RFC 8976 §2.2.3): SHA-384, SHA-512; others at least 12 bytes. */
const ZONEMD_DIGEST_BYTES: ReadonlyMap<number, number> = new Map([
  [1, 48],
  [2, 64],
]);

const zonemdCodec: Codec = {
  parse: (f) => {
    const serial = num(f, 'serial', MAX_U32);
    const scheme = num(f, 'scheme', 255);
    const algorithm = num(f, 'hash algorithm', 255);
    const digest = hexTokens(f.rest(), 'digest', f.what);
    const expected = ZONEMD_DIGEST_BYTES.get(algorithm);
    if (expected !== undefined ? digest.length !== expected : digest.length < 12) {
      fail(
        'bad-rdata',
        `${f.what}: hash algorithm ${algorithm} needs a digest of ${expected ?? 'at least 12'} bytes, got ${digest.length}`,
      );
    }
    return Buffer.concat([u32(serial), u8(scheme), u8(algorithm), digest]);
  },
  format: (r) => {
    const serial = r.u32('serial');
    const scheme = r.u8('scheme');
    const algorithm = r.u8('hash algorithm');
    const digest = r.rest();
    const expected = ZONEMD_DIGEST_BYTES.get(algorithm);
    if (expected !== undefined ? digest.length !== expected : digest.length < 12) {
      throw new WireFailure(`hash algorithm ${algorithm}: wrong digest length ${digest.length}`);
    }
    return `${serial} ${scheme} ${algorithm} ${hexChunks(digest)}`;
  },
};

/** The codec table of this group. DHCID is IN-only in BIND (lib/dns/rdata/in_1). */
export const MISC_CODECS: readonly CodecEntry[] = [
  { type: RR_TYPES.DHCID, classes: [CLASS_IN], codec: base64Codec },
  { type: RR_TYPES.IPSECKEY, codec: ipseckeyCodec },
  { type: RR_TYPES.HIP, codec: hipCodec },
  { type: RR_TYPES.CERT, codec: certCodec },
  { type: RR_TYPES.OPENPGPKEY, codec: base64Codec },
  { type: RR_TYPES.SMIMEA, codec: tlsaCodec },
  { type: RR_TYPES.URI, codec: uriCodec },
  { type: RR_TYPES.AMTRELAY, codec: amtrelayCodec },
  { type: RR_TYPES.DSYNC, codec: dsyncCodec },
  { type: RR_TYPES.HHIT, codec: base64Codec },
  { type: RR_TYPES.BRID, codec: base64Codec },
  { type: RR_TYPES.RKEY, codec: rkeyCodec },
  { type: RR_TYPES.ZONEMD, codec: zonemdCodec },
  { type: RR_TYPES.TA, codec: dsCodec },
  { type: RR_TYPES.DLV, codec: dsCodec },
];
