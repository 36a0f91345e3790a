/** Codecs: A, AAAA, NS, CNAME, PTR, DNAME, MX, TXT, SPF, SRV, CAA, SSHFP, TLSA, DS, CDS, SOA, HINFO, NAPTR. */

import {
  type Codec,
  characterString,
  DS_DIGEST_BYTES,
  DS_DIGESTS,
  decimal,
  fail,
  hexChunks,
  hexTokens,
  ipv4Bytes,
  ipv6Bytes,
  ipv6Text,
  MAX_U32,
  mnemonicOrNumber,
  nameField,
  nameText,
  quote,
  quoted,
  SECALG_MNEMONICS,
  SSHFP_FINGERPRINT_BYTES,
  ttlValue,
  u8,
  u16,
  u32,
  unescapeText,
  WireFailure,
} from './kit.js';
import { naptrRegexpProblem } from './naptr-regexp.js';
import { RR_TYPES } from './types.js';

// ---------------------------------------------------------------------------------------------
// Codecs of the supported types

const nameCodec: Codec = {
  parse: (f, origin) => nameField(f.word('name'), origin, 'name', f.what),
  format: (r, origin) => nameText(r.name('name'), origin),
};

/** One or more character-strings (TXT's form); also SPF, NINFO, AVC, RESINFO, WALLET. */
export const textCodec: Codec = {
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

/** DS and its look-alikes (CDS here; TA, DLV in misc.ts): RFC 4034 §5.3. */
export const dsCodec: Codec = {
  parse: (f) => {
    const keyTag = decimal(f.word('key tag'), 0xffff, 'key tag', f.what);
    const algorithm = mnemonicOrNumber(f.word('algorithm'), SECALG_MNEMONICS, 'algorithm', f.what);
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
    return `${keyTag} ${algorithm} ${digestType} ${hexChunks(digest)}`;
  },
};

/** TLSA (RFC 6698 §2.2) and SMIMEA (RFC 8162), which shares its format. */
export const tlsaCodec: Codec = {
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
    return `${head} ${hexChunks(data)}`;
  },
};

/** The codecs of the first supported types. */
export const CORE_CODECS: ReadonlyArray<readonly [number, Codec]> = [
  [
    RR_TYPES.A,
    {
      parse: (f) => {
        const text = f.word('address');
        return (
          ipv4Bytes(text) ??
          fail('bad-rdata', `${f.what}: bad IPv4 address ${quote(text)}`, {
            bind: 'bad dotted quad',
          })
        );
      },
      format: (r) => Array.from(r.bytes(4, 'address')).join('.'),
    },
  ],
  [
    RR_TYPES.AAAA,
    {
      parse: (f) => {
        const text = f.word('address');
        return (
          ipv6Bytes(text) ??
          fail('bad-rdata', `${f.what}: bad IPv6 address ${quote(text)}`, {
            bind: 'bad IPv6 address',
          })
        );
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
          : `${algorithm} ${type} ${hexChunks(fingerprint)}`;
      },
    },
  ],
  [RR_TYPES.TLSA, tlsaCodec],
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
];
