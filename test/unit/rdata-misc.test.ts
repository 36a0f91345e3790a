// DHCID, IPSECKEY, HIP, CERT, OPENPGPKEY, SMIMEA, URI, AMTRELAY, DSYNC, HHIT, BRID, RKEY, ZONEMD,
// TA, DLV: a corpus of presentation forms checked against named-rrchecker of every installed BIND
// version (-u wire = parseRdata, -p text = formatRdata byte for byte, refusals agree), plus
// property tests. Inputs follow BIND's lib/dns tests (tests/dns/rdata_test.c) and RFC examples,
// written anew here.
import { execFile } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BindVersion } from '../../src/testing/bind-versions.js';
import { Name, parseName } from '../../src/update/names.js';
import {
  checkRdata,
  formatRdata,
  parseRdata,
  RR_TYPES,
  typeFromText,
} from '../../src/update/rdata.js';
import { rrcheckerSpawn, rrcheckerTypes, rrcheckerVersions } from '../helpers/rrchecker.js';

const origin = parseName('example.com.', Name.root).unwrap();
const b64 = (length: number, seed = 1): string =>
  Buffer.from(Array.from({ length }, (_, i) => (i * 37 + seed * 11) & 0xff)).toString('base64');
const hexOf = (length: number, seed = 1): string =>
  Buffer.from(Array.from({ length }, (_, i) => (i * 53 + seed * 7) & 0xff))
    .toString('hex')
    .toUpperCase();

const SHA1 = hexOf(20);
const SHA256 = hexOf(32, 2);
const SHA384 = hexOf(48, 3);
const SHA512 = hexOf(64, 4);
const HIT = '200100107B1A74DF365639CC39F1D578';
const HIPKEY =
  'AwEAAbdxyhNuSutc5EMzxTs9LBPCIkOFH8cIvM4p9+LrV4e19WzK00+CI6zBCQTdtWsuxKbWIy87UOoJTwkUs7lBu+Upr1gsNrut79ryra+bSRGQb1slImA8YVJyuIDsj7kwzG7jnERNqnWxZ48AWkskmdHaVDP4BcelrTI3rMXdXF5D';

/** Blob types: a list of payloads every base64-only type is checked with. */
const BASE64_FORMS: readonly string[] = [
  'AA==',
  'aaaa',
  'aaaaa',
  'AAA=',
  'AB==',
  'AAB=',
  'A===',
  '====',
  'AA==AA==',
  'AA== AA==',
  'AAAA AAAA',
  'AA AA',
  b64(1),
  b64(2),
  b64(3),
  b64(41),
  b64(42),
  b64(43),
  b64(84),
  b64(200),
  `( ${b64(30)}\n ${b64(30, 2)} )`,
  '"AAAA"',
  'AAAA;comment',
  '',
  '\\# 0',
  '\\# 1 00',
  '\\# 3 616263',
  'AA-A',
  'AA_A',
];

/** [type, rdata] pairs; BIND decides whether each is valid. */
const CORPUS: ReadonlyArray<readonly [string, string]> = [
  ...['DHCID', 'OPENPGPKEY'].flatMap((type) => BASE64_FORMS.map((rdata) => [type, rdata] as const)),
  // HHIT and BRID read base64 with the same code: a sample of the forms.
  ...['HHIT', 'BRID'].flatMap((type) =>
    BASE64_FORMS.filter((_, i) => i % 3 === 0).map((rdata) => [type, rdata] as const),
  ),
  ['DHCID', 'AAIBY2/AuCccgoJbsaxcQc9TUapptP69lOjxfNuVAA2kjEA='],
  ['DHCID', 'AAEBOSD+XR3Os/0LozeXVqcNc7FwCfQdWL3b/NaiUDlW2No='],
  ['DHCID', 'AAABxLmlskllE0MVjd57zHcWmEH3pCQ6VytcKD//7es/deY='],
  // IPSECKEY (RFC 4025 §3.3 and variations)
  ['IPSECKEY', `10 1 2 192.0.2.38 ${b64(100)}`],
  ['IPSECKEY', `10 0 2 . ${b64(60)}`],
  ['IPSECKEY', `10 1 2 192.0.2.3 ${b64(60)}`],
  ['IPSECKEY', `10 3 2 mygateway.example.com. ${b64(60)}`],
  ['IPSECKEY', `10 3 2 mygateway ${b64(60)}`],
  ['IPSECKEY', `10 2 2 2001:0DB8:0:8002::2000:1 ${b64(60)}`],
  ['IPSECKEY', `10 2 2 ::ffff:1.2.3.4 ${b64(3)}`],
  ['IPSECKEY', '255 0 255 . AA=='],
  ['IPSECKEY', '256 0 2 . AA=='],
  ['IPSECKEY', '1 4 2 . AA=='],
  ['IPSECKEY', '1 0 256 . AA=='],
  ['IPSECKEY', '1 0 2 x AA=='],
  ['IPSECKEY', '1 0 2 .'],
  ['IPSECKEY', '1 1 2 192.0.2.1'],
  ['IPSECKEY', '1 1 2 192.0.2 AA=='],
  ['IPSECKEY', '1 1 2 192.0.2.01 AA=='],
  ['IPSECKEY', '1 2 2 192.0.2.1 AA=='],
  ['IPSECKEY', '1 3 2 a..b AA=='],
  ['IPSECKEY', '1 0 2 . AA= ='],
  ['IPSECKEY', '1 0 2 . A'],
  ['IPSECKEY', '\\# 3 010002'],
  ['IPSECKEY', '\\# 4 01000200'],
  ['IPSECKEY', '\\# 5 0104020000'],
  ['IPSECKEY', '\\# 8 01010201020304FF'],
  ['IPSECKEY', '\\# 7 0101020102030400'],
  ['IPSECKEY', '\\# 6 01030200AABB'],
  ['IPSECKEY', '\\# 4 01030200'],
  ['IPSECKEY', '\\# 7 010302C00C00AA'],
  // HIP (RFC 8005 §6)
  ['HIP', `2 ${HIT} ${HIPKEY}`],
  ['HIP', `2 ${HIT} ${HIPKEY} rvs1.example.com.`],
  ['HIP', `2 ${HIT} ${HIPKEY} rvs1.example.com. rvs2`],
  ['HIP', `2 ${HIT.toLowerCase()} ${HIPKEY} .`],
  ['HIP', `0 AB ${b64(1)}`],
  ['HIP', `255 ${hexOf(255)} ${b64(300)}`],
  ['HIP', `2 ${hexOf(256)} AA==`],
  ['HIP', '256 AB AA=='],
  ['HIP', '2 ABC AA=='],
  ['HIP', '2 AB'],
  ['HIP', '2 AB AA'],
  ['HIP', '2 AB AA== "x."'],
  ['HIP', '2 AB AA== a..b'],
  ['HIP', '2 AB AAAA AAAA'],
  ['HIP', '\\# 4 01020000'],
  ['HIP', '\\# 6 010200010102'],
  ['HIP', '\\# 6 000200010102'],
  ['HIP', '\\# 7 01020001010200'],
  ['HIP', '\\# 8 0102000101020000'],
  ['HIP', '\\# 9 010200010102C00C00'],
  // CERT (RFC 4398 §2)
  ['CERT', `PKIX 0 0 ${b64(100)}`],
  ['CERT', `pgp 65535 RSASHA256 ${b64(10)}`],
  ['CERT', `1 1 1 ${b64(5)}`],
  ['CERT', `URI 2 ECDSA256 ${b64(5)}`],
  ['CERT', `OID 2 ecdsap384sha384 ${b64(5)}`],
  ['CERT', `IACPKIX 3 PRIVATEOID ${b64(5)}`],
  ['CERT', `9 3 200 ${b64(5)}`],
  ['CERT', `65535 3 255 ${b64(5)}`],
  ['CERT', `65536 3 255 ${b64(5)}`],
  ['CERT', `1 65536 255 ${b64(5)}`],
  ['CERT', `1 1 256 ${b64(5)}`],
  ['CERT', `X509 1 1 ${b64(5)}`],
  ['CERT', `1 1 RSA ${b64(5)}`],
  ['CERT', '1 1 1'],
  ['CERT', '01 1 1 AA=='],
  ['CERT', '0000000000001 1 1 AA=='],
  ['CERT', '1x 1 1 AA=='],
  ['CERT', 'pkix 1 ED448 AA== AAAA'],
  ['CERT', `PGP 0 0 ( ${b64(70)} )`],
  ['CERT', '1 1 0000000000255 AA=='],
  ['CERT', '\\# 5 0001000101'],
  ['CERT', '\\# 6 000100010100'],
  ['CERT', '\\# 6 00FF00FFFF00'],
  // SMIMEA (RFC 8162), as TLSA
  ['SMIMEA', `3 1 1 ${SHA256}`],
  ['SMIMEA', `0 0 0 ${hexOf(100)}`],
  ['SMIMEA', '255 255 255 ab'],
  ['SMIMEA', '3 1 1'],
  ['SMIMEA', '3 1 1 abc'],
  ['SMIMEA', '256 1 1 ab'],
  ['SMIMEA', '\\# 3 030101'],
  ['SMIMEA', '\\# 4 030101AB'],
  // URI (RFC 7553 §4.5)
  ['URI', '10 1 "ftp://ftp1.example.com/public"'],
  ['URI', '10 1 "http://www.example.com/path"'],
  ['URI', '65535 65535 ""'],
  ['URI', '1 2 ftp://unquoted.example/'],
  ['URI', String.raw`1 2 "a\"b\\c\255\007 ;()"`],
  ['URI', `1 2 "${'x'.repeat(300)}"`],
  ['URI', '1 2 "a" "b"'],
  ['URI', '65536 1 "x"'],
  ['URI', '1 65536 "x"'],
  ['URI', '1 2'],
  ['URI', '"1" 2 "x"'],
  ['URI', '\\# 4 00010002'],
  ['URI', '\\# 3 000100'],
  ['URI', '\\# 6 000100026869'],
  // AMTRELAY (RFC 8777 §4.3 and BIND's unit tests)
  ['AMTRELAY', ''],
  ['AMTRELAY', '0'],
  ['AMTRELAY', '0 0'],
  ['AMTRELAY', '0 0 0'],
  ['AMTRELAY', '0 0 0 .'],
  ['AMTRELAY', '0 0 0 x'],
  ['AMTRELAY', '0 1 0'],
  ['AMTRELAY', '0 2 0'],
  ['AMTRELAY', '255 1 0'],
  ['AMTRELAY', '256 1 0'],
  ['AMTRELAY', '0 0 1'],
  ['AMTRELAY', '0 0 1 0.0.0.0'],
  ['AMTRELAY', '10 1 1 203.0.113.15'],
  ['AMTRELAY', '0 0 1 0.0.0.0 x'],
  ['AMTRELAY', '0 0 1 0.0.0.0.0'],
  ['AMTRELAY', '0 0 1 ::'],
  ['AMTRELAY', '0 0 2 ::'],
  ['AMTRELAY', '10 0 2 2600:1f16:17c:3950:47ac:cb79:62ba:702e'],
  ['AMTRELAY', '0 0 2 :: xx'],
  ['AMTRELAY', '0 0 2 0.0.0.0'],
  ['AMTRELAY', '0 0 3'],
  ['AMTRELAY', '0 0 3 0.0.0.0'],
  ['AMTRELAY', '0 0 3 example'],
  ['AMTRELAY', '128 0 3 amtrelays.example.com.'],
  ['AMTRELAY', '0 0 3 example. x'],
  ['AMTRELAY', '0 0 4 x'],
  ['AMTRELAY', '0 0 127'],
  ['AMTRELAY', '0 0 128'],
  ['AMTRELAY', '\\# 2 0004'],
  ['AMTRELAY', '\\# 2 0084'],
  ['AMTRELAY', '\\# 2 007F'],
  ['AMTRELAY', '\\# 3 000400'],
  ['AMTRELAY', '\\# 3 008400'],
  ['AMTRELAY', '\\# 3 00FF00'],
  ['AMTRELAY', '\\# 2 0000'],
  ['AMTRELAY', '\\# 3 000000'],
  ['AMTRELAY', '\\# 5 0001000000'],
  ['AMTRELAY', '\\# 6 000101020304'],
  ['AMTRELAY', '\\# 3 000300'],
  ['AMTRELAY', '\\# 4 00030000'],
  ['AMTRELAY', '\\# 1 00'],
  // DSYNC (draft-ietf-dnsop-generalized-notify, BIND's unit tests)
  ['DSYNC', 'CDS NOTIFY 0 example.com.'],
  ['DSYNC', 'CDS 3 0 example.com.'],
  ['DSYNC', 'CSYNC NOTIFY 5359 ns1'],
  ['DSYNC', 'TYPE1000 NOTIFY 0 example.com.'],
  ['DSYNC', 'TYPE1000 3 65535 example.com.'],
  ['DSYNC', 'TYPE64000 255 65535 example.com.'],
  ['DSYNC', 'INVALID 255 65535 example.com.'],
  ['DSYNC', 'TYPE1000 256 65535 example.com.'],
  ['DSYNC', 'TYPE1000 3 65536 example.com.'],
  ['DSYNC', 'TYPE1000 UNKNOWN 65535 example.com.'],
  ['DSYNC', 'cds notify 1 @'],
  ['DSYNC', '59 1 1 x'],
  ['DSYNC', '0 1 1 x'],
  ['DSYNC', 'TYPE0 1 1 x'],
  ['DSYNC', '65535 1 1 x'],
  ['DSYNC', '65536 1 1 x'],
  ['DSYNC', 'A 1 1 x'],
  ['DSYNC', 'ANY 1 1 x'],
  ['DSYNC', 'AXFR 1 1 x'],
  ['DSYNC', 'TYPE65280 1 1 x'],
  ['DSYNC', '+59 1 1 x'],
  ['DSYNC', '-0 1 1 x'],
  ['DSYNC', '-1 1 1 x'],
  ['DSYNC', '0x10 1 1 x'],
  ['DSYNC', 'CDS 01 1 x'],
  ['DSYNC', 'CDS notify 1 x'],
  ['DSYNC', 'CDS NOTIF 1 x'],
  ['DSYNC', 'CDS 1 1'],
  ['DSYNC', 'CDS 1 1 x y'],
  ['DSYNC', '\\# 6 003B01000000'],
  ['DSYNC', '\\# 5 003B010000'],
  // RKEY (BIND's unit tests)
  ['RKEY', 'AA=='],
  ['RKEY', '0 0 0 aaaa'],
  ['RKEY', '0 3 8 aaaa'],
  ['RKEY', `0 DNSSEC RSASHA256 ${b64(100)}`],
  ['RKEY', '1 0 0 aaaa'],
  ['RKEY', '65535 0 0 aaaa'],
  ['RKEY', 'USER 0 0 aaaa'],
  ['RKEY', '0x0 0 0 aaaa'],
  ['RKEY', '0 ALL 255 aaaa'],
  ['RKEY', 'U 0 0 aaaa'],
  ['RKEY', 'user|SIG0 0 0 aaaa'],
  ['RKEY', 'NOKEY 0 0 aaaa'],
  ['RKEY', '0abc 0 0 aaaa'],
  ['RKEY', '00 0 0 aaaa'],
  ['RKEY', '0 tls privatedns B2V4YW1wbGUA'],
  ['RKEY', '0 3 ECDSA384 aaaa'],
  ['RKEY', '0 256 0 aaaa'],
  ['RKEY', '0 0 0'],
  ['RKEY', '0 3 253 AA=='],
  ['RKEY', '0 3 253 AWE='],
  ['RKEY', '0 3 254 AA=='],
  ['RKEY', '0 3 254 BgYDKwYB'],
  ['RKEY', '0 3 254 BQYDKwYB'],
  ['RKEY', '0 3 254 BQYDKwaB'],
  ['RKEY', '0 3 254 BQaDKwYB'],
  ['RKEY', '0 3 253 B2V4YW1wbGUA'],
  ['RKEY', '0 3 253 B2V4YW1wbGUAAQI='],
  ['RKEY', '\\# 4 00000300'],
  ['RKEY', '\\# 5 00000308AA'],
  ['RKEY', '\\# 5 01000308AA'],
  // ZONEMD (RFC 8976 §A and BIND's unit tests)
  ['ZONEMD', ''],
  ['ZONEMD', '0'],
  ['ZONEMD', '0 0'],
  ['ZONEMD', '0 0 0'],
  ['ZONEMD', '99999999 0 0'],
  ['ZONEMD', '2019020700 0 0'],
  ['ZONEMD', '2019020700 1 1 DEADBEEF'],
  ['ZONEMD', '2019020700 1 2 DEADBEEF'],
  ['ZONEMD', '2019020700 1 3 DEADBEEFDEADBEEFDEADBE'],
  ['ZONEMD', '2019020700 1 3 DEADBEEFDEADBEEFDEADBEEF'],
  ['ZONEMD', '2019020700 1 255 DEADBEEFDEADBEEFDEADBEEF'],
  ['ZONEMD', '2019020700 0 256 DEADBEEFDEADBEEFDEADBEEF'],
  ['ZONEMD', '2019020700 255 3 DEADBEEFDEADBEEFDEADBEEF'],
  ['ZONEMD', '2019020700 256 3 DEADBEEFDEADBEEFDEADBEEF'],
  ['ZONEMD', `2018031900 1 1 ${SHA384}`],
  ['ZONEMD', `2018031900 1 1 ${SHA384.slice(0, 40)} ${SHA384.slice(40)}`],
  ['ZONEMD', `2018031900 1 2 ${SHA512}`],
  ['ZONEMD', `2021042801 0 1 ${SHA256}`],
  ['ZONEMD', `2021042802 5 2 ${SHA384}`],
  ['ZONEMD', `4294967295 1 1 ${SHA384}`],
  ['ZONEMD', `4294967296 1 1 ${SHA384}`],
  ['ZONEMD', `1 1 1 ${SHA384}00`],
  ['ZONEMD', `1 1 9 ${hexOf(100)}`],
  ['ZONEMD', '\\# 18 0000000101030102030405060708090A0B0C'],
  ['ZONEMD', '\\# 17 0000000101030102030405060708090A0B'],
  ['ZONEMD', '\\# 18 0000000101010102030405060708090A0B0C'],
  // TA and DLV: DS's format (RFC 4034 §5.3, RFC 4431)
  ...['TA', 'DLV'].flatMap((type) =>
    [
      `60485 5 1 ${SHA1}`,
      `1 8 2 ${SHA256}`,
      `2 ECDSAP256SHA256 SHA-256 ${SHA256}`,
      `2 ECDSA256 SHA256 ${SHA256}`,
      `3 RSASHA1 SHA1 ${SHA1.slice(0, 10)} ${SHA1.slice(10)}`,
      `4 13 4 ${SHA384}`,
      `5 13 3 ${hexOf(32)}`,
      `5 13 200 ${hexOf(70)}`,
      '5 13 1 ABCD',
      `65536 13 1 ${SHA1}`,
      `1 256 1 ${SHA1}`,
      `1 13 256 ${SHA1}`,
      '1 13 1',
      `1 13 SHA-512 ${SHA512}`,
      '\\# 5 00010D03AA',
      '\\# 5 00010D01AA',
    ].map((rdata) => [type, rdata] as const),
  ),
  // core types whose long hex BIND prints in chunks
  ['DS', `1 8 4 ${SHA384}`],
  ['DS', `1 8 200 ${hexOf(100)}`],
  ['CDS', `1 8 2 ${SHA256}`],
  ['SSHFP', `1 2 ${SHA256}`],
  ['SSHFP', `1 9 ${hexOf(57)}`],
  ['SSHFP', '1 0'],
  ['TLSA', `3 1 2 ${SHA512}`],
  ['TLSA', `0 0 0 ${hexOf(28)}`],
  ['TLSA', `0 0 0 ${hexOf(29)}`],
];

/** What one BIND version does with a form: refuse it, or accept it and print this `-p` text. */
type Verdict = 'refuses' | { readonly prints: string };

/**
 * Where BIND's behaviour depends on its version, what the versions that differ from the library
 * do (the library follows 9.18/9.20; every form not listed must agree on every version).
 */
type Differences = Partial<Record<BindVersion, Verdict>>;
const VERSION_DIFFERENCES: ReadonlyMap<string, Differences> = new Map<string, Differences>([
  // AMTRELAY relay type 0: 9.18+ read and print a "." placeholder (RFC 8777 §4.3); 9.16 has none.
  ['AMTRELAY 0 0 0', { '9.16': { prints: '0 0 0' } }],
  ['AMTRELAY 0 1 0', { '9.16': { prints: '0 1 0' } }],
  ['AMTRELAY 255 1 0', { '9.16': { prints: '255 1 0' } }],
  ['AMTRELAY 0 0 0 .', { '9.16': 'refuses' }],
  ['AMTRELAY \\# 2 0000', { '9.16': { prints: '0 0 0' } }],
  // 9.20 checks the key of private algorithms (check_private: 253 starts with a name, 254 with
  // a DER OID); 9.16 and 9.18 do not.
  ...[
    '0 3 253 AWE=',
    '0 3 254 AA==',
    '0 3 254 BgYDKwYB',
    '0 3 254 BQYDKwaB',
    '0 3 254 BQaDKwYB',
  ].map((rdata): [string, Differences] => [
    `RKEY ${rdata}`,
    { '9.16': { prints: rdata }, '9.18': { prints: rdata } },
  ]),
]);

const TYPES_NEW_IN_918 = new Set(['DSYNC', 'HHIT', 'BRID']);

interface Tally {
  agree: number;
  disagreements: string[];
}

type Outcome = { ok: true; text: string } | { ok: false; error: string };

/** named-rrchecker of `version` on `IN <type> <rdata>` (origin example.com), without blocking. */
function rrchecker(version: BindVersion, mode: '-u' | '-p', type: string, rdata: string) {
  return new Promise<Outcome>((resolve) => {
    const { file, env } = rrcheckerSpawn(version);
    const child = execFile(
      file,
      [mode, '-o', 'example.com'],
      { timeout: 30_000, encoding: 'utf8', env },
      (error, stdout, stderr) => {
        const out = stdout.replace(/\n$/, '');
        resolve(
          error || out === '' ? { ok: false, error: stderr.trim() } : { ok: true, text: out },
        );
      },
    );
    child.stdin?.end(`IN ${type} ${rdata}\n`);
  });
}

/** BIND's wire form (from `-u`) and text (from `-p`) of one form. */
async function bindOf(version: BindVersion, type: string, rdata: string) {
  const [u, p] = await Promise.all([
    rrchecker(version, '-u', type, rdata),
    rrchecker(version, '-p', type, rdata),
  ]);
  if (!u.ok) return { ok: false as const, error: u.error };
  const fields = u.text.trim().split(/\s+/);
  const wire = Buffer.from(fields.slice(4).join(''), 'hex');
  if (fields[2] !== '\\#' || wire.length !== Number(fields[3])) {
    throw new Error(`unexpected -u output: ${u.text}`);
  }
  const text = p.ok ? p.text.split('\t').slice(2).join('\t') : `(refused: ${p.error})`;
  return { ok: true as const, wire, text };
}

async function check(version: BindVersion, type: string, rdata: string, tally: Tally) {
  const typeNumber = typeFromText(type);
  if (typeNumber === undefined) throw new Error(`unknown type ${type}`);
  const label = `${version} ${type} ${JSON.stringify(rdata)}`;
  const bind = await bindOf(version, type, rdata);
  const listed = VERSION_DIFFERENCES.get(`${type} ${rdata}`)?.[version];
  if (listed !== undefined) {
    // A listed difference: this version must still do what the table says.
    const same = listed === 'refuses' ? !bind.ok : bind.ok && bind.text === listed.prints;
    if (same) tally.agree++;
    else tally.disagreements.push(`${label}: the version table is out of date`);
    return;
  }
  const ours = parseRdata(typeNumber, rdata, origin);
  if (!bind.ok) {
    if (ours.isOk()) tally.disagreements.push(`${label}: BIND refuses (${bind.error}), we accept`);
    else tally.agree++;
    return;
  }
  if (ours.isErr()) {
    tally.disagreements.push(`${label}: BIND accepts, we refuse: ${ours.error.message}`);
    return;
  }
  if (!ours.value.equals(bind.wire)) {
    tally.disagreements.push(
      `${label}: wire ${ours.value.toString('hex')} != BIND ${bind.wire.toString('hex')}`,
    );
    return;
  }
  // -p prints names absolute (totext gets no origin); so do we without an origin.
  const mine = formatRdata(typeNumber, ours.value);
  if (mine !== bind.text) {
    tally.disagreements.push(
      `${label}: -p ${JSON.stringify(bind.text)} != ours ${JSON.stringify(mine)}`,
    );
    return;
  }
  if (checkRdata(typeNumber, ours.value).isErr()) {
    tally.disagreements.push(`${label}: checkRdata refuses what BIND accepts`);
    return;
  }
  tally.agree++;
}

/** Runs `work` over `items`, `width` at a time. */
async function pool<T>(items: readonly T[], width: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: width }, lane));
}

const versions = rrcheckerVersions();

describe.skipIf(versions.length === 0)('misc types against named-rrchecker', () => {
  it('has a corpus of at least 200 presentation forms', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(200);
  });

  it.each(versions)(
    'BIND %s agrees on every form',
    async (version) => {
      const known = new Set(rrcheckerTypes(version));
      const tally: Tally = { agree: 0, disagreements: [] };
      let asGeneric = 0;
      await pool(CORPUS, 3, async ([type, rdata]) => {
        if (known.has(type)) return check(version, type, rdata, tally);
        // BIND 9.16 has no DSYNC, HHIT or BRID: it refuses the mnemonic, and takes our wire
        // only as TYPEnnn in the generic form.
        expect(TYPES_NEW_IN_918.has(type) && version === '9.16', `${version} lacks ${type}`).toBe(
          true,
        );
        const typeNumber = typeFromText(type)!;
        const byName = await rrchecker(version, '-u', type, '\\# 0');
        expect(byName.ok, `${version} refuses the mnemonic ${type}`).toBe(false);
        const ours = parseRdata(typeNumber, rdata, origin);
        if (ours.isErr()) return;
        const generic = `\\# ${ours.value.length} ${ours.value.toString('hex')}`;
        const bind = await bindOf(version, `TYPE${typeNumber}`, generic);
        expect(
          bind.ok && bind.wire.equals(ours.value),
          `${type} ${rdata} as TYPE${typeNumber}`,
        ).toBe(true);
        asGeneric++;
      });
      console.log(
        `BIND ${version}: ${tally.agree} of ${tally.agree + tally.disagreements.length} forms agree; ${asGeneric} more forms of types it lacks read as TYPEnnn to the same wire`,
      );
      expect(tally.disagreements).toEqual([]);
    },
    600_000,
  );
});

// ---------------------------------------------------------------------------------------------
// Properties

const MISC_TYPES = [
  'DHCID',
  'IPSECKEY',
  'HIP',
  'CERT',
  'OPENPGPKEY',
  'SMIMEA',
  'URI',
  'AMTRELAY',
  'DSYNC',
  'HHIT',
  'BRID',
  'RKEY',
  'ZONEMD',
  'TA',
  'DLV',
] as const;

const bytes = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max });
const base64Of = (min: number, max: number) =>
  bytes(min, max).map((b) => Buffer.from(b).toString('base64'));
const hexOfArb = (min: number, max: number) =>
  bytes(min, max).map((b) => Buffer.from(b).toString('hex'));
const u8a = fc.integer({ min: 0, max: 255 });
const u16a = fc.integer({ min: 0, max: 0xffff });
const label = fc.stringMatching(/^[a-z0-9-]{1,20}$/);
const nameArb = fc.array(label, { minLength: 0, maxLength: 3 }).map((l) => `${l.join('.')}.`);
const ipv4Arb = fc.ipV4();
const ipv6Arb = fc.ipV6();

/** Random valid presentation forms of each type. */
const VALID_TEXT: Record<(typeof MISC_TYPES)[number], fc.Arbitrary<string>> = {
  DHCID: base64Of(1, 80),
  OPENPGPKEY: base64Of(1, 200),
  HHIT: base64Of(1, 80),
  BRID: base64Of(1, 80),
  IPSECKEY: fc
    .tuple(
      u8a,
      u8a,
      fc.oneof(
        fc.constant('0 .'),
        ipv4Arb.map((a) => `1 ${a}`),
        ipv6Arb.map((a) => `2 ${a}`),
        nameArb.map((n) => `3 ${n}`),
      ),
      base64Of(1, 100),
    )
    .map(([p, a, g, k]) => {
      const [type, gateway] = g.split(' ');
      return `${p} ${type} ${a} ${gateway} ${k}`;
    }),
  HIP: fc
    .tuple(u8a, hexOfArb(1, 40), base64Of(1, 100), fc.array(nameArb, { maxLength: 3 }))
    .map(([a, h, k, s]) => [a, h, k, ...s].join(' ')),
  CERT: fc.tuple(u16a, u16a, u8a, base64Of(1, 100)).map(([t, k, a, c]) => `${t} ${k} ${a} ${c}`),
  SMIMEA: fc.tuple(u8a, u8a, u8a, hexOfArb(1, 80)).map((p) => p.join(' ')),
  URI: fc
    .tuple(u16a, u16a, fc.string({ maxLength: 60 }))
    .map(([p, w, t]) => `${p} ${w} "${t.replace(/[\\"]/g, '\\$&').replace(/[\n\r]/g, ' ')}"`),
  AMTRELAY: fc
    .tuple(
      u8a,
      fc.integer({ min: 0, max: 1 }),
      fc.oneof(
        fc.constant('0 .'),
        ipv4Arb.map((a) => `1 ${a}`),
        ipv6Arb.map((a) => `2 ${a}`),
        nameArb.map((n) => `3 ${n}`),
      ),
    )
    .map(([p, d, g]) => `${p} ${d} ${g}`),
  DSYNC: fc
    .tuple(fc.integer({ min: 1, max: 0xffff }), u8a, u16a, nameArb)
    .map(([t, s, p, n]) => `TYPE${t} ${s} ${p} ${n}`),
  RKEY: fc
    .tuple(u8a, fc.integer({ min: 0, max: 252 }), base64Of(1, 100))
    .map(([p, a, k]) => `0 ${p} ${a} ${k}`),
  ZONEMD: fc
    .tuple(
      fc.integer({ min: 0, max: 0xffffffff }),
      u8a,
      fc.oneof(
        bytes(48, 48).map((d) => `1 ${Buffer.from(d).toString('hex')}`),
        bytes(64, 64).map((d) => `2 ${Buffer.from(d).toString('hex')}`),
        fc.tuple(fc.integer({ min: 3, max: 255 }), hexOfArb(12, 70)).map(([a, d]) => `${a} ${d}`),
      ),
    )
    .map(([s, sc, d]) => `${s} ${sc} ${d}`),
  TA: fc
    .tuple(
      u16a,
      u8a,
      fc.oneof(
        bytes(20, 20).map((d) => `1 ${Buffer.from(d).toString('hex')}`),
        bytes(32, 32).map((d) => `2 ${Buffer.from(d).toString('hex')}`),
        hexOfArb(1, 70).map((d) => `3 ${d}`),
      ),
    )
    .map(([k, a, d]) => `${k} ${a} ${d}`),
  DLV: fc
    .tuple(u16a, u8a, bytes(48, 48))
    .map(([k, a, d]) => `${k} ${a} 4 ${Buffer.from(d).toString('hex')}`),
};

describe('misc types: properties', () => {
  it.each(MISC_TYPES)('%s: random valid records round-trip text → wire → text → wire', (type) => {
    const typeNumber = typeFromText(type)!;
    fc.assert(
      fc.property(VALID_TEXT[type], (text) => {
        const wire = parseRdata(typeNumber, text, origin);
        if (wire.isErr()) throw new Error(`${type} ${text}: ${wire.error.message}`);
        const printed = formatRdata(typeNumber, wire.value);
        expect(printed.startsWith('\\#')).toBe(false);
        const again = parseRdata(typeNumber, printed, Name.root).unwrap();
        expect(again.equals(wire.value)).toBe(true);
        expect(formatRdata(typeNumber, again)).toBe(printed);
        expect(checkRdata(typeNumber, wire.value).isOk()).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it.each(MISC_TYPES)('%s: random bytes and text never throw', (type) => {
    const typeNumber = typeFromText(type)!;
    fc.assert(
      fc.property(bytes(0, 120), fc.string({ maxLength: 80 }), (data, text) => {
        const printed = formatRdata(typeNumber, data);
        const valid = checkRdata(typeNumber, data).isOk();
        const back = parseRdata(typeNumber, printed, Name.root);
        // whatever we print reads back to the same bytes exactly when the bytes are valid
        expect(back.isOk() && back.value.equals(Buffer.from(data))).toBe(valid);
        parseRdata(typeNumber, text, origin);
      }),
      { numRuns: 200 },
    );
  });

  it.skipIf(versions.length === 0)(
    'random valid records of every type agree with the newest named-rrchecker',
    async () => {
      const version = versions[versions.length - 1]!;
      const known = new Set(rrcheckerTypes(version));
      const tally: Tally = { agree: 0, disagreements: [] };
      const cases = MISC_TYPES.filter((type) => known.has(type)).flatMap((type) =>
        fc
          .sample(VALID_TEXT[type], { numRuns: 6, seed: 13 })
          .map((rdata) => [type, rdata] as const),
      );
      await pool(cases, 3, ([type, rdata]) => check(version, type, rdata, tally));
      expect(tally.disagreements).toEqual([]);
      expect(tally.agree).toBe(cases.length);
    },
    600_000,
  );

  it('prints long hex and base64 in BIND chunks of 56 characters', () => {
    const digest = Buffer.alloc(48, 0xab);
    const text = formatRdata(RR_TYPES.DS, Buffer.concat([Buffer.of(0, 1, 8, 4), digest]));
    expect(text).toBe(`1 8 4 ${'AB'.repeat(28)} ${'AB'.repeat(20)}`);
    const key = formatRdata(RR_TYPES.OPENPGPKEY, Buffer.alloc(43, 0));
    expect(key).toBe(`${'A'.repeat(56)} AA==`);
  });
});
