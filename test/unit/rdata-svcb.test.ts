// SVCB and HTTPS (RFC 9460, dohpath RFC 9461) checked byte for byte against named-rrchecker of
// every installed BIND version: `-u` wire = parseRdata, `-p` text = formatRdata, same refusals.
// Where an older version differs, DIFFERENCES records what it does and the test asserts exactly
// that. Plus property tests: round trips of random records, and garbage never throws.
import { spawn } from 'node:child_process';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BindVersion } from '../../src/testing/bind-versions.js';
import { Name, parseName } from '../../src/update/names.js';
import { checkRdata, formatRdata, parseRdata, RR_TYPES } from '../../src/update/rdata.js';
import { rrcheckerSpawn, rrcheckerVersions } from '../helpers/rrchecker.js';

type SvcbType = 'SVCB' | 'HTTPS';
interface Entry {
  readonly type: SvcbType;
  readonly rdata: string;
  /** Origin for relative names (`-o` for named-rrchecker). */
  readonly origin?: string;
}

const typeNumber = (type: SvcbType): number => (type === 'SVCB' ? RR_TYPES.SVCB : RR_TYPES.HTTPS);

// ---------------------------------------------------------------------------------------------
// The corpus: our own inputs, after RFC 9460 Appendix D and BIND's rdata unit tests, plus the
// corners of BIND's reader (lexer joins `key="…"`, strtoul in key numbers, commatxt escapes).

const TEXTS: readonly string[] = [
  // RFC 9460 Appendix D.1/D.2 (valid)
  'HTTPS 0 foo.example.com.',
  'SVCB 1 .',
  'SVCB 16 foo.example.com. port=53',
  'SVCB 1 foo.example.com. key667=hello',
  'SVCB 1 foo.example.com. key667="hello\\210qoo"',
  'SVCB 1 foo.example.com. ( ipv6hint="2001:db8::1,2001:db8::53:1" )',
  'SVCB 1 example.com. ( ipv6hint="2001:db8:122:344::192.0.2.33" )',
  'SVCB 16 foo.example.org. ( alpn=h2,h3-19 mandatory=ipv4hint,alpn ipv4hint=192.0.2.1 )',
  'SVCB 16 foo.example.org. alpn="f\\\\\\\\oo\\\\,bar,h2"',
  'SVCB 16 foo.example.org. alpn=f\\\\\\092oo\\092,bar,h2',
  // RFC 9460 Appendix D.3 (invalid)
  'SVCB 1 foo.example.com. ( key123=abc key123=def )',
  'SVCB 1 foo.example.com. mandatory',
  'SVCB 1 foo.example.com. alpn',
  'SVCB 1 foo.example.com. port',
  'SVCB 1 foo.example.com. ipv4hint',
  'SVCB 1 foo.example.com. ipv6hint',
  'SVCB 1 foo.example.com. no-default-alpn=abc',
  'SVCB 1 foo.example.com. mandatory=key123',
  'SVCB 1 foo.example.com. ( mandatory=mandatory ipv4hint=192.0.2.1 )',
  'SVCB 1 foo.example.com. ( mandatory=ipv4hint,ipv4hint ipv4hint=192.0.2.1 )',
  'SVCB 1 foo.example.com. ( mandatory=key123,key123 key123=abc )',
  // priority and target
  'SVCB 0',
  'SVCB',
  'SVCB 0 .',
  'HTTPS 65535 .',
  'HTTPS 65536 .',
  'HTTPS 00001 svc.example.',
  'HTTPS -1 .',
  'HTTPS 0x10 .',
  'HTTPS 1a .',
  'HTTPS "1" .',
  'HTTPS 1 "svc.example."',
  'HTTPS 1 ""',
  'HTTPS 1 _underscore.example.',
  'HTTPS 1 svc\\.dot.example.',
  'HTTPS 1 svc..example.',
  // AliasMode (priority 0) with params
  'SVCB 0 . alpn="h2"',
  'HTTPS 0 alias.example. port=443',
  'HTTPS 0 alias.example. key65535',
  // keys by name and number
  'HTTPS 1 . unknown=',
  'HTTPS 2 svc.example.net. 0="2222"',
  'HTTPS 2 svc.example.net. key',
  'HTTPS 2 svc.example.net. key="2222"',
  'HTTPS 2 svc.example.net. key07="2222"',
  'HTTPS 2 svc.example.net. key0',
  'HTTPS 2 svc.example.net. key8="2222"',
  'HTTPS 2 svc.example.net. key8=2222',
  'HTTPS 2 svc.example.net. key65535="2222"',
  'HTTPS 2 svc.example.net. key65536="2222"',
  'HTTPS 2 svc.example.net. key99999999999999999999=x',
  'HTTPS 2 svc.example.net. key10',
  'HTTPS 2 svc.example.net. key11=',
  'HTTPS 2 svc.example.net. key12=""',
  'HTTPS 2 svc.example.net. key+1=x',
  'HTTPS 2 svc.example.net. key-1=x',
  'HTTPS 2 svc.example.net. KEY9=x',
  'HTTPS 2 svc.example.net. Key9=x',
  'HTTPS 1 . ohttp',
  'HTTPS 1 . key8',
  'HTTPS 1 . key8 alpn=h2 key65000=\\000',
  'HTTPS 1 . ALPN=\\002h2',
  'HTTPS 1 . ALPN=h2',
  'HTTPS 1 . Port=\\000\\053',
  'HTTPS 1 . PORT=53',
  'HTTPS 1 . key3="\\000\\053" key1=\\002h3',
  'HTTPS 1 . key2 alpn=h2',
  'HTTPS 1 . key2=x alpn=h2',
  'HTTPS 1 . key4=\\001\\002\\003\\004',
  'HTTPS 1 . key4=\\001\\002\\003',
  'HTTPS 1 . key6=\\000',
  'HTTPS 1 . key5',
  'HTTPS 1 . key5=anything',
  'HTTPS 1 . key7=/q{?dns}',
  'HTTPS 1 . key7=/q',
  'HTTPS 1 . key7',
  'HTTPS 1 . Dohpath=/{?dns}',
  'HTTPS 1 . key0=\\000\\001 alpn=h2',
  'HTTPS 1 . key0=\\000 alpn=h2',
  'HTTPS 1 . key0=\\000\\003\\000\\001 alpn=h2 port=1',
  'HTTPS 1 . alpn=h2 alpn=h3',
  'HTTPS 1 . key1=\\002h2 alpn=h3',
  'HTTPS 1 . key9="a\\\\\\"b\\255" key8',
  'HTTPS 1 . key9="tab\\009and space"',
  'HTTPS 1 . key9=é',
  'HTTPS 1 . key9="\\"quoted\\""',
  'HTTPS 1 . key9=semi\\;colon',
  'HTTPS 1 . key9=a;comment',
  'HTTPS 1 . key9=\\256',
  'HTTPS 1 . key9=\\25',
  'HTTPS 1 . key9=end\\',
  'HTTPS 1 . key9=(x)',
  'HTTPS 1 . key9=(key10)',
  'HTTPS 1 . key9=a=b',
  // alpn
  'HTTPS 2 svc.example.net. alpn=h2',
  'HTTPS 2 svc.example.net. alpn=h2,h3',
  'HTTPS 2 svc.example.net. alpn=h1\\\\,h2,h3',
  'HTTPS 2 svc.example.net. alpn=',
  'HTTPS 2 svc.example.net. alpn=,h1',
  'HTTPS 2 svc.example.net. alpn=h1,',
  'HTTPS 2 svc.example.net. alpn=h1,,h2',
  'HTTPS 2 svc.example.net. alpn=\\,abc',
  'HTTPS 2 svc.example.net. alpn=abc\\,',
  'HTTPS 2 svc.example.net. alpn=a\\,\\,abc',
  'HTTPS 1 . alpn=h2\\,h3',
  'HTTPS 1 . alpn=h2\\044h3',
  'HTTPS 1 . alpn=h\\\\2',
  'HTTPS 1 . alpn=h\\\\\\\\2',
  'HTTPS 1 . alpn=h2\\\\',
  'HTTPS 1 . alpn="a\\"b,c d"',
  'HTTPS 1 . alpn="semi;colon,at@sign"',
  'HTTPS 1 . alpn=\\000,\\255,\\127',
  'HTTPS 1 . alpn=h2\\',
  'HTTPS 1 . alpn=\\1',
  'HTTPS 1 . alpn=é',
  'HTTPS 1 . alpn=""',
  `HTTPS 1 . alpn=${'a'.repeat(255)}`,
  `HTTPS 1 . alpn=${'a'.repeat(256)}`,
  'HTTPS 1 . alpn="h2"port=53',
  'HTTPS 1 . alpn="h2" "port=53"',
  'HTTPS 1 . alpn= "h2"',
  'HTTPS 1 . alpn=h2"h3"',
  'HTTPS 1 . alpn=="h2"',
  'HTTPS 1 . "alpn=h2"',
  'HTTPS 1 . alpn\\="h2"',
  'HTTPS 1 . alpn="h2""h3"',
  // no-default-alpn
  'HTTPS 2 svc.example.net. no-default-alpn',
  'HTTPS 2 svc.example.net. no-default-alpn alpn=h2',
  'HTTPS 1 . no-default-alpn= alpn=h2',
  'HTTPS 1 . no-default-alpn="" alpn=h2',
  'HTTPS 1 . no-default-alpn="x" alpn=h2',
  'HTTPS 1 . No-Default-Alpn alpn=h2',
  // port
  'HTTPS 2 svc.example.net. port=50',
  'HTTPS 1 . port=0',
  'HTTPS 1 . port=65535',
  'HTTPS 1 . port=65536',
  'HTTPS 1 . port=00000000000053',
  'HTTPS 1 . port=',
  'HTTPS 1 . port=+53',
  'HTTPS 1 . port=5x',
  'HTTPS 1 . port="53"',
  'HTTPS 1 . port=" 53"',
  'HTTPS 1 . port=53 port=54',
  // hints
  'HTTPS 2 svc.example.net. ipv4hint=',
  'HTTPS 2 svc.example.net. ipv4hint=10.50.0.1,10.50.0.2',
  'HTTPS 2 svc.example.net. ipv6hint=',
  'HTTPS 2 svc.example.net. ipv6hint=::1,2002::1',
  'HTTPS 1 . ipv4hint=1.2.3.4,',
  'HTTPS 1 . ipv4hint=,1.2.3.4',
  'HTTPS 1 . ipv4hint=01.2.3.4',
  'HTTPS 1 . ipv4hint=1.2.3.256',
  'HTTPS 1 . ipv4hint=1.2.3',
  'HTTPS 1 . ipv4hint="1.2.3.4, 5.6.7.8"',
  'HTTPS 1 . ipv4hint=1.2.3.4\\,5.6.7.8',
  'HTTPS 1 . ipv4hint=0.0.0.0,255.255.255.255,192.0.2.1,198.51.100.7,203.0.113.9',
  'HTTPS 1 . ipv6hint=::',
  'HTTPS 1 . ipv6hint=::ffff:192.0.2.1',
  'HTTPS 1 . ipv6hint=::192.0.2.1',
  'HTTPS 1 . ipv6hint=2001:DB8:0:0:1:0:0:1',
  'HTTPS 1 . ipv6hint=2001:db8::1:0:0:1,fe80::1',
  'HTTPS 1 . ipv6hint=1:2:3:4:5:6:7:8',
  'HTTPS 1 . ipv6hint=1:2:3:4:5:6:7::',
  'HTTPS 1 . ipv6hint=1::2::3',
  'HTTPS 1 . ipv6hint=0000:0000:0000:0000:0000:0000:255.255.255.255',
  'HTTPS 1 . ipv6hint=0000:0000:0000:0000:0000:0000:255.255.255.255,::1',
  'HTTPS 1 . ipv6hint=00000:0000:0000:0000:0000:0000:255.255.255.255',
  'HTTPS 1 . ipv6hint=fe80::1%eth0',
  'HTTPS 1 . ipv6hint=1.2.3.4',
  'HTTPS 1 . ipv4hint=::1',
  // ech
  'HTTPS 2 svc.example.net. ech=abcdefghijkl',
  'HTTPS 2 svc.example.net. ech=abcdefghijklm',
  'HTTPS 1 . ech',
  'HTTPS 1 . ech=',
  'HTTPS 1 . ech=""',
  'HTTPS 1 . ech=AA==',
  'HTTPS 1 . ech=AB==',
  'HTTPS 1 . ech=AAA=',
  'HTTPS 1 . ech=AAE=',
  'HTTPS 1 . ech=AA==AA==',
  'HTTPS 1 . ech="AAAA BBBB\tCCCC"',
  'HTTPS 1 . ech=A===',
  'HTTPS 1 . ech=AAA',
  'HTTPS 1 . ech=AAAA\\',
  'HTTPS 1 . ech=/+/+',
  'HTTPS 1 . ech=AEj+DQBEAQAgACAdd+scUi0IYFsXnUIU7ko2Nd9+F8M26pAGZVpz/KrWPgAEAAEAAWQVZWNoLXNpdGVzLmV4YW1wbGUubmV0AAA=',
  // mandatory
  'HTTPS 2 svc.example.net. mandatory=alpn alpn="h2"',
  'HTTPS 2 svc.example.net. mandatory=alpn,port alpn="h2" port=443',
  'HTTPS 2 svc.example.net. mandatory=port,alpn alpn="h2" port=443',
  'HTTPS 2 svc.example.net. mandatory=mandatory',
  'HTTPS 2 svc.example.net. mandatory=port',
  'HTTPS 2 svc.example.net. mandatory=,port port=433',
  'HTTPS 2 svc.example.net. mandatory=port, port=433',
  'HTTPS 2 svc.example.net. mandatory=alpn,,port alpn=h2 port=433',
  'HTTPS 2 svc.example.net. mandatory=key8 key8',
  'HTTPS 2 svc.example.net. mandatory=key8,key9 key8 key9',
  'HTTPS 2 svc.example.net. mandatory=key9,key8 key8 key9',
  'HTTPS 2 svc.example.net. mandatory=key8,key8',
  'HTTPS 2 svc.example.net. mandatory=,key8',
  'HTTPS 2 svc.example.net. mandatory=key8,',
  'HTTPS 2 svc.example.net. mandatory=key8,,key8',
  'HTTPS 1 . mandatory=ALPN,Port alpn=h2 port=1',
  'HTTPS 1 . mandatory=alpn=x alpn=h2',
  'HTTPS 1 . mandatory=key1 alpn=h2',
  'HTTPS 1 . mandatory=key01 alpn=h2',
  'HTTPS 1 . mandatory=key0',
  'HTTPS 1 . mandatory=dohpath dohpath=/{?dns}',
  'HTTPS 1 . mandatory=key7,ech ech dohpath=/{?dns}',
  'HTTPS 1 . mandatory=port port=1 alpn=h2',
  'HTTPS 1 . mandatory=alpn,port alpn=h2',
  'HTTPS 1 . mandatory=ipv6hint,alpn alpn=h2 port=5 ipv6hint=::1',
  'HTTPS 1 . mandatory="key 1" alpn=h2',
  'HTTPS 1 . mandatory="port,key +1" alpn=h2 port=1',
  'HTTPS 1 . mandatory="key -0,alpn" alpn=h2',
  'HTTPS 1 . mandatory="key -1" alpn=h2',
  'HTTPS 1 . mandatory="alpn, port" alpn=h2 port=1',
  'HTTPS 1 . mandatory=alpn\\,port alpn=h2 port=1',
  'HTTPS 1 . mandatory=alpn mandatory=port alpn=h2 port=1',
  'HTTPS 1 . mandatory=key65535 key65535',
  'HTTPS 1 . mandatory=key65536 key1',
  'HTTPS 1 . mandatory=no-default-alpn,alpn alpn=h2 no-default-alpn',
  // dohpath (RFC 9461)
  'HTTPS 1 example.net. dohpath=/{dns}',
  'HTTPS 1 example.net. dohpath=/{+dns}',
  'HTTPS 1 example.net. dohpath=/{#dns}',
  'HTTPS 1 example.net. dohpath=/{.dns}',
  'HTTPS 1 example.net. dohpath="/{;dns}"',
  'HTTPS 1 example.net. dohpath=/{?dns}',
  'HTTPS 1 example.net. dohpath=/some/path{?dns}',
  'HTTPS 1 example.net. dohpath=/{dns:9999}',
  'HTTPS 1 example.net. dohpath=/{dns*}',
  'HTTPS 1 example.net. dohpath=/some/path?key=value{&dns}',
  'HTTPS 1 example.net. dohpath=/some/path?key=value{&dns,x*}',
  'HTTPS 1 example.com. dohpath=not-relative',
  'HTTPS 1 example.com. dohpath=/{?no_dns_variable}',
  'HTTPS 1 example.com. dohpath=/novariable',
  'HTTPS 1 example.com. dohpath=/{?dnsx}',
  'HTTPS 1 example.com. dohpath=/{?dns:10000}',
  'HTTPS 1 example.com. dohpath=/{?dns:0}',
  'HTTPS 1 example.com. dohpath=/{?dns:01}',
  'HTTPS 1 example.com. dohpath=/{??dns}',
  'HTTPS 1 example.com. dohpath=/%a{?dns}',
  'HTTPS 1 example.com. dohpath=/{?dns,%a}',
  'HTTPS 1 example.com. dohpath=/{?dns',
  'HTTPS 1 . dohpath',
  'HTTPS 1 . dohpath=',
  'HTTPS 1 . dohpath=/dns-query{?dns}',
  'HTTPS 1 . dohpath=/{?x:1,dns}',
  'HTTPS 1 . dohpath=/{?x,dns}',
  'HTTPS 1 . dohpath=/{?dns}\\000',
  'HTTPS 1 . dohpath=/x{?dns}abc{x',
  'HTTPS 1 . dohpath=/x{?dns}{=y}',
  'HTTPS 1 . dohpath=/q%2f{?dns}',
  'HTTPS 1 . dohpath=/q%2g{?dns}',
  'HTTPS 1 . dohpath=/q{?%64ns}',
  'HTTPS 1 . dohpath=/q{?dns*,x}',
  'HTTPS 1 . dohpath=/q{?dns*x}',
  'HTTPS 1 . dohpath=/é{?dns}',
  'HTTPS 1 . dohpath=/\\255{?dns}',
  'HTTPS 1 . dohpath=/\\237\\144\\128\\128{?dns}',
  'HTTPS 1 . dohpath=/\\192\\128{?dns}',
  'HTTPS 1 . dohpath=/q{?dns}\\032x',
  'HTTPS 1 . dohpath=/{?dns} dohpath=/{?dns}',
  // everything at once, keys out of order
  'HTTPS 1 svc.example. key65333=ex1 ipv6hint=2001:db8::1 key7=/{?dns} port=8443 ech=AAAA ipv4hint=192.0.2.1 no-default-alpn alpn=h3,h2 mandatory=alpn,ipv4hint',
  'SVCB 3 svc4.example.net. ( alpn="bar" port="8004" ech="AAAA" ; comment\n key65534 )',
];

/** Entries with relative names, read with origin example.com. */
const WITH_ORIGIN: readonly string[] = [
  'SVCB 1 svc alpn=h2',
  'SVCB 0 @',
  'HTTPS 1 @ port=443',
  'HTTPS 1 a.b.c ipv4hint=192.0.2.1',
  'HTTPS 0 other.example.org.',
  'SVCB 1 svc mandatory=key8 key8="x"',
];

/** Hand-made wire RDATA (after BIND's wire tests), read in the generic form `\# n hex`. */
const WIRES: readonly string[] = [
  // after BIND's wire tests
  '0000', // cut off
  '000000', // 0 .
  '00000000070000', // empty dohpath
  '00010000070001', // dohpath longer than the RDATA
  '00010000030000', // port of 0 bytes
  '0001000003000100', // port of 1 byte
  '000100000300020000', // port=0
  '00010000030003000000', // port of 3 bytes
  '0100000080000000800000', // key128 twice
  '0101000081000000800000', // keys out of order
  '01010000000000', // empty mandatory
  '010100000000020000', // mandatory=mandatory
  '01010000000004008000710071000000800000', // mandatory list out of order
  '0100010000' + '00010009' + '0568312c6832026833', // alpn ids "h1,h2" and "h3"
  '0100010000' + '00010009' + '0568315c6832026833', // alpn ids "h1\h2" and "h3"
  '0000010000020000', // cut off key
  '00000100000100050000000000', // cut off value
  // ours
  '0001c00c', // compression pointer as the target
  '000100000100030268', // alpn cut off
  '00010000010002026832', // alpn id longer than the value
  '000100000100030268320000', // a cut-off param after alpn
  '00010000050000', // empty ech
  '000100000400050102030405', // ipv4hint not a multiple of 4
  `0001000006000f${'00'.repeat(15)}`, // ipv6hint of 15 bytes
  '00010000070008' + '2f7b3f646e737d', // dohpath length beyond the RDATA
  '00010000070007' + '2f7b3f646e737d', // dohpath=/{?dns}
  '00010000070002' + '2f78', // dohpath=/x
  '0001000008000000090001' + '78', // key8 key9="x"
  '000100' + '0000000400010003' + '000300020035', // mandatory=alpn,port without alpn
  '000100' + '000000020001' + '0001000302' + '6832', // mandatory=alpn alpn=h2
  '000100' + '000000020001' + '0001000302' + '6832' + '00020000', // + no-default-alpn
  '000100' + '00020000', // no-default-alpn alone
  '000000' + '00010003026832', // AliasMode with alpn
  '000000' + '00010003026832' + '00', // ... and a stray byte
  '000100' + 'ffff0000', // key65535
  '000100' + '0009ffff00', // value cut off
  '000100' + '000a0006' + '00225c7f2041', // bytes a quoted string escapes
  '000100' + '00010007' + '062c5c22204161', // alpn id with , \ " and a space
  '000100' +
    '00060030' + // ipv6hint forms
    '00000000000000000000ffff01020304' +
    '00000000000000000000000001020304' +
    '00010000000100000000000000000001',
  '000100' + '00050001' + 'ff', // ech of 1 byte
  '000100' + '00050002' + 'ffee', // ech of 2 bytes
  '0001' + '03612e62' + '00', // target label with a dot
  '0001' + '0320225c' + '00' + '00080000', // target label with space, quote, backslash
];

/** Single-byte changes and cuts of valid wire: BIND's wire checks byte by byte. */
function mutations(hex: string, values: readonly number[]): string[] {
  const wire = Buffer.from(hex, 'hex');
  const out = new Set<string>();
  for (let i = 3; i < wire.length; i++) {
    for (const value of values) {
      const copy = Buffer.from(wire);
      copy[i] = value;
      if (!copy.equals(wire)) out.add(copy.toString('hex'));
    }
  }
  for (const cut of [1, 2, 3, 5]) out.add(wire.subarray(0, wire.length - cut).toString('hex'));
  return [...out];
}

const MUTATED: readonly string[] = [
  // 1 . mandatory=alpn,port alpn="h2,h3" port=443
  ...mutations('000100000000040001000300010006026832026833000300020' + '1bb', [0x00, 0xff]),
  // 1 . alpn="h2" no-default-alpn
  ...mutations('00010000010003026832000200' + '00', [0x00, 0xff]),
  // 1 . ipv4hint=192.0.2.1 ech=AAAA key9="x"
  ...mutations('00010000040004c000020100050003000000000900' + '0178', [0x00]),
];

const generic = (hex: string): string => `\\# ${hex.length / 2} ${hex.toUpperCase()}`;

const entry = (line: string, origin?: string): Entry => {
  const [type, ...rest] = line.split(' ');
  return {
    type: type as SvcbType,
    rdata: rest.join(' '),
    ...(origin ? { origin } : {}),
  };
};
const CORPUS: readonly Entry[] = [
  ...TEXTS.map((line) => entry(line)),
  ...WITH_ORIGIN.map((line) => entry(line, 'example.com')),
  ...[...WIRES, ...MUTATED].map((hex) => entry(`SVCB ${generic(hex)}`)),
];
const label = (e: Entry): string =>
  `${e.type} ${e.rdata}${e.origin ? ` (origin ${e.origin})` : ''}`;

// ---------------------------------------------------------------------------------------------
// What older versions do differently (found by running their named-rrchecker). Our codec
// follows 9.20. One row per difference; the test asserts each row for its versions.

/**
 * - `refused`: `-u` and `-p` refuse the text.
 * - `unprintable`: `-u` accepts it (wire in `wire`), `-p` aborts on BIND's own assertion.
 * - `{ text }`: accepted; `-p` prints `text`.
 */
type Outcome = 'refused' | { readonly unprintable: string } | { readonly text: string };

interface Difference {
  readonly versions: readonly BindVersion[];
  readonly why: string;
  /** The corpus entries (`TYPE rdata`) it covers and what those versions make of them. */
  readonly entries: Readonly<Record<string, Outcome>>;
}

const DIFFERENCES: readonly Difference[] = [
  {
    versions: ['9.16'],
    why: 'AliasMode (priority 0) with SvcParams is refused ("extra input text"); 9.18+ read them (RFC 9460 §2.4.2)',
    entries: {
      'SVCB 0 . alpn="h2"': 'refused',
      'HTTPS 0 alias.example. port=443': 'refused',
      'HTTPS 0 alias.example. key65535': 'refused',
      'SVCB \\# 10 00000000010003026832': 'refused',
    },
  },
  {
    versions: ['9.16'],
    why: 'an alpn-id made empty by an RFC 1035-escaped comma (`\\,`) is accepted as a zero-length id, which 9.16 then cannot print (REQUIRE failure); 9.18+ refuse it',
    entries: {
      'HTTPS 2 svc.example.net. alpn=\\,abc': {
        unprintable: '000203737663076578616d706c65036e657400000100050003616263',
      },
      'HTTPS 2 svc.example.net. alpn=a\\,\\,abc': {
        unprintable: '000203737663076578616d706c65036e6574000001000701610003616263',
      },
    },
  },
  {
    versions: ['9.16'],
    why: 'dohpath only needs a leading "/", 7+ bytes, valid UTF-8 and the literal "{?dns}"; 9.18+ check an RFC 6570 URI template with a "dns" variable (RFC 9461 §5)',
    entries: {
      'HTTPS 1 example.net. dohpath=/{dns}': 'refused',
      'HTTPS 1 example.net. dohpath=/{+dns}': 'refused',
      'HTTPS 1 example.net. dohpath=/{#dns}': 'refused',
      'HTTPS 1 example.net. dohpath=/{.dns}': 'refused',
      'HTTPS 1 example.net. dohpath="/{;dns}"': 'refused',
      'HTTPS 1 example.net. dohpath=/{dns:9999}': 'refused',
      'HTTPS 1 example.net. dohpath=/{dns*}': 'refused',
      'HTTPS 1 example.net. dohpath=/some/path?key=value{&dns}': 'refused',
      'HTTPS 1 example.net. dohpath=/some/path?key=value{&dns,x*}': 'refused',
      'HTTPS 1 . dohpath=/{?x,dns}': 'refused',
      'HTTPS 1 . dohpath=/q{?dns*,x}': 'refused',
      'HTTPS 1 example.com. dohpath=/%a{?dns}': { text: '1 example.com. key7="/%a{?dns}"' },
      'HTTPS 1 . dohpath=/x{?dns}abc{x': { text: '1 . key7="/x{?dns}abc{x"' },
      'HTTPS 1 . dohpath=/x{?dns}{=y}': { text: '1 . key7="/x{?dns}{=y}"' },
      'HTTPS 1 . dohpath=/q%2g{?dns}': { text: '1 . key7="/q%2g{?dns}"' },
    },
  },
];

function recorded(e: Entry, version: BindVersion): Outcome | undefined {
  if (e.origin) return undefined;
  for (const row of DIFFERENCES) {
    if (!row.versions.includes(version)) continue;
    const outcome = row.entries[`${e.type} ${e.rdata}`];
    if (outcome !== undefined) return outcome;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// named-rrchecker runs, many at a time (each one mostly waits on process start-up).

type Run = { ok: true; text: string } | { ok: false; error: string };

function runChecker(
  version: BindVersion,
  mode: '-u' | '-p',
  input: string,
  origin?: string,
): Promise<Run> {
  return new Promise((resolve) => {
    const args = [mode, ...(origin ? ['-o', origin] : [])];
    const { file, env } = rrcheckerSpawn(version);
    const child = spawn(file, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      err += chunk;
    });
    child.on('error', (error) => resolve({ ok: false, error: String(error) }));
    child.on('close', (status) => {
      const text = out.replace(/\n$/, '');
      resolve(status === 0 && text !== '' ? { ok: true, text } : { ok: false, error: err.trim() });
    });
    child.stdin.end(`${input}\n`);
  });
}

async function inPool<T>(jobs: readonly (() => Promise<T>)[], width: number): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const index = next++;
      results[index] = await jobs[index]!();
    }
  };
  await Promise.all(Array.from({ length: width }, worker));
  return results;
}

interface BindView {
  /** `-u` wire, or undefined when refused. */
  readonly wire: Buffer | undefined;
  /** `-p` RDATA text (after class and type), when `-u` accepted. */
  readonly text: Run | undefined;
  readonly error: string;
}

/**
 * `-u`, then `-p` if `-u` accepted, of `IN <type> <rdata>`. For the generic form `\# n hex` the
 * wire is the input when `-p` accepts it, so only `-p` runs (a third fewer processes).
 */
async function bindView(version: BindVersion, e: Entry): Promise<BindView> {
  const line = `${e.type} ${e.rdata}`;
  const origin = e.origin;
  if (e.rdata.startsWith('\\#')) {
    const p = await runChecker(version, '-p', `IN ${line}`, origin);
    if (!p.ok) return { wire: undefined, text: undefined, error: p.error };
    const wire = Buffer.from(e.rdata.split(' ').slice(2).join(''), 'hex');
    return { wire, text: { ok: true, text: p.text.split('\t').slice(2).join('\t') }, error: '' };
  }
  const u = await runChecker(version, '-u', `IN ${line}`, origin);
  if (!u.ok) return { wire: undefined, text: undefined, error: u.error };
  const fields = u.text.trim().split(/\s+/);
  const wire = Buffer.from(fields.slice(4).join(''), 'hex');
  if (fields[2] !== '\\#' || wire.length !== Number(fields[3])) {
    throw new Error(`unexpected -u output: ${u.text}`);
  }
  const p = await runChecker(version, '-p', `IN ${line}`, origin);
  const text: Run = p.ok ? { ok: true, text: p.text.split('\t').slice(2).join('\t') } : p;
  return { wire, text, error: '' };
}

// ---------------------------------------------------------------------------------------------

const versions = rrcheckerVersions();
const root = Name.root;
const originName = (e: Entry): Name => (e.origin ? parseName(`${e.origin}.`, root).unwrap() : root);

const tally = new Map<string, { agree: number; recorded: number; wire: number }>();
const count = (version: string, kind: 'agree' | 'recorded' | 'wire'): void => {
  const row = tally.get(version) ?? { agree: 0, recorded: 0, wire: 0 };
  row[kind]++;
  tally.set(version, row);
};

afterAll(() => {
  for (const [version, row] of tally) {
    console.log(
      `SVCB/HTTPS vs named-rrchecker ${version}: text corpus ${row.agree} agree, wire corpus (generic form) ${row.wire} agree, ${row.recorded} recorded differences`,
    );
  }
});

describe('SVCB/HTTPS text corpus against named-rrchecker', () => {
  const views = new Map<string, BindView>();
  const key = (version: BindVersion, index: number): string => `${version}/${index}`;

  beforeAll(async () => {
    const jobs = versions.flatMap((version) =>
      CORPUS.map((e, index) => async () => {
        views.set(key(version, index), await bindView(version, e));
      }),
    );
    await inPool(jobs, 8);
  }, 1_200_000);

  it('has enough entries and versions', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(150);
    expect(versions.length).toBeGreaterThan(0);
  });

  it.each(CORPUS.map((e, index) => [label(e), e, index] as const))('%s', (_label, e, index) => {
    const type = typeNumber(e.type);
    const origin = originName(e);
    const ours = parseRdata(type, e.rdata, origin);
    if (ours.isOk()) {
      // Our own round trip, absolute and relative to the origin.
      const text = formatRdata(type, ours.value);
      expect(parseRdata(type, text, root).unwrap()).toEqual(ours.value);
      const relative = formatRdata(type, ours.value, origin);
      expect(parseRdata(type, relative, origin).unwrap()).toEqual(ours.value);
      expect(checkRdata(type, ours.value).isOk()).toBe(true);
    }
    for (const version of versions) {
      const bind = views.get(key(version, index));
      if (!bind) throw new Error(`no named-rrchecker ${version} result`);
      const expected = recorded(e, version);
      if (expected !== undefined) {
        if (expected === 'refused') {
          expect(bind.wire, `${version} refuses`).toBeUndefined();
        } else if ('unprintable' in expected) {
          expect(bind.wire?.toString('hex'), `${version} -u`).toBe(expected.unprintable);
          expect(bind.text?.ok, `${version} -p fails`).toBe(false);
        } else {
          expect(bind.text, `${version} -p`).toEqual({ ok: true, text: expected.text });
        }
        count(version, 'recorded');
        continue;
      }
      expect(ours.isOk(), `${version}: ${bind.wire ? 'accepts' : bind.error}`).toBe(
        bind.wire !== undefined,
      );
      if (bind.wire && ours.isOk()) {
        expect(ours.value.toString('hex'), `${version} -u`).toBe(bind.wire.toString('hex'));
        expect(bind.text, `${version} -p`).toEqual({
          ok: true,
          text: formatRdata(type, ours.value),
        });
      }
      count(version, e.rdata.startsWith('\\#') ? 'wire' : 'agree');
    }
  });
});

describe('SVCB/HTTPS version differences table', () => {
  it('names only corpus entries, each once', () => {
    const lines = new Set(CORPUS.filter((e) => !e.origin).map((e) => `${e.type} ${e.rdata}`));
    const seen = new Set<string>();
    for (const row of DIFFERENCES) {
      for (const line of Object.keys(row.entries)) {
        expect(lines.has(line), line).toBe(true);
        expect(seen.has(line), `${line} in two rows`).toBe(false);
        seen.add(line);
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Property tests

const u16hex = (value: number): Buffer => Buffer.of(value >> 8, value & 0xff);
const param = (key: number, value: Uint8Array): Buffer =>
  Buffer.concat([u16hex(key), u16hex(value.length), value]);

/** A random valid SvcParams list, in wire order. */
const validParams = fc
  .record({
    alpn: fc.option(
      fc.array(fc.uint8Array({ minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 3 }),
    ),
    noDefaultAlpn: fc.boolean(),
    port: fc.option(fc.integer({ min: 0, max: 0xffff })),
    ipv4: fc.option(
      fc.array(fc.uint8Array({ minLength: 4, maxLength: 4 }), { minLength: 1, maxLength: 3 }),
    ),
    ech: fc.option(fc.uint8Array({ maxLength: 40 })),
    ipv6: fc.option(
      fc.array(fc.uint8Array({ minLength: 16, maxLength: 16 }), { minLength: 1, maxLength: 3 }),
    ),
    dohpath: fc.option(
      fc.constantFrom('/dns-query{?dns}', '/q{+dns}', '/{dns:12}', '/é/%41{?x,dns*}'),
    ),
    others: fc.uniqueArray(
      fc.record({
        key: fc.integer({ min: 8, max: 0xffff }),
        value: fc.uint8Array({ maxLength: 12 }),
      }),
      { selector: (p) => p.key, maxLength: 3 },
    ),
    mandatoryPick: fc.array(fc.boolean(), { maxLength: 12 }),
  })
  .map((r) => {
    const params = new Map<number, Uint8Array>();
    if (r.alpn) params.set(1, Buffer.concat(r.alpn.flatMap((id) => [Buffer.of(id.length), id])));
    if (r.alpn && r.noDefaultAlpn) params.set(2, Buffer.alloc(0));
    if (r.port !== null) params.set(3, u16hex(r.port));
    if (r.ipv4) params.set(4, Buffer.concat(r.ipv4));
    if (r.ech) params.set(5, r.ech);
    if (r.ipv6) params.set(6, Buffer.concat(r.ipv6));
    if (r.dohpath) params.set(7, Buffer.from(r.dohpath));
    for (const other of r.others) params.set(other.key, other.value);
    const present = [...params.keys()].sort((a, b) => a - b);
    const mandatory = present.filter((_, i) => r.mandatoryPick[i]);
    if (mandatory.length > 0) params.set(0, Buffer.concat(mandatory.map(u16hex)));
    return [...params.entries()].sort(([a], [b]) => a - b);
  });

const targets = ['.', 'svc.example.', 'a\\.b.example.', '_x.y.', 'with\\032space.example.'];

describe('SVCB/HTTPS properties', () => {
  it('random valid records round-trip text → wire → text → wire, in any param order', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<SvcbType>('SVCB', 'HTTPS'),
        fc.integer({ min: 0, max: 0xffff }),
        fc.constantFrom(...targets),
        validParams,
        fc.infiniteStream(fc.nat()),
        (typeText, priority, target, params, order) => {
          const type = typeNumber(typeText);
          const wire = Buffer.concat([
            u16hex(priority),
            parseName(target, root).unwrap().toWire(),
            ...params.map(([key, value]) => param(key, value)),
          ]);
          expect(checkRdata(type, wire).isOk()).toBe(true);
          const text = formatRdata(type, wire);
          expect(text.startsWith('\\#')).toBe(false);
          const back = parseRdata(type, text, root).unwrap();
          expect(back.toString('hex')).toBe(wire.toString('hex'));
          expect(formatRdata(type, back)).toBe(text);
          // The params in any order read to the same wire (BIND sorts them).
          const [head, name, ...items] = text.match(/(?:[^\s"\\]|\\.|"(?:\\.|[^"\\])*")+/g) ?? [];
          const shuffled = [...items];
          const draws = order.take(shuffled.length);
          for (let i = shuffled.length - 1; i > 0; i--) {
            const j = draws.next().value % (i + 1);
            [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
          }
          const again = parseRdata(type, [head, name, ...shuffled].join(' '), root).unwrap();
          expect(again.toString('hex')).toBe(wire.toString('hex'));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('random bytes never throw in formatRdata or checkRdata; what checks out reads back', () => {
    const likely = fc
      .array(
        fc.record({
          key: fc.oneof(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 0xffff })),
          value: fc.uint8Array({ maxLength: 20 }),
          skew: fc.integer({ min: -2, max: 2 }),
        }),
        { maxLength: 5 },
      )
      .map((items) =>
        Buffer.concat([
          Buffer.of(0, 1, 0),
          ...items.map(({ key, value, skew }) =>
            Buffer.concat([u16hex(key), u16hex(Math.max(0, value.length + skew)), value]),
          ),
        ]),
      );
    fc.assert(
      fc.property(
        fc.constantFrom(RR_TYPES.SVCB, RR_TYPES.HTTPS),
        fc.oneof(fc.uint8Array({ maxLength: 200 }), likely),
        (type, bytes) => {
          const text = formatRdata(type, bytes);
          const checked = checkRdata(type, bytes);
          if (checked.isOk()) {
            expect(parseRdata(type, text, root).unwrap().equals(Buffer.from(bytes))).toBe(true);
          } else {
            expect(text.startsWith('\\#')).toBe(true);
            expect(parseRdata(type, text, root).isErr()).toBe(true);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('garbage text never throws in parseRdata', () => {
    const piece = fc.constantFrom(
      ' ',
      '"',
      '\\',
      '=',
      ',',
      '(',
      ')',
      ';',
      '\n',
      '1',
      '0',
      '.',
      'key',
      'key65535',
      'alpn',
      'mandatory',
      'port',
      'ipv4hint',
      'ipv6hint',
      'ech',
      'dohpath',
      'no-default-alpn',
      'h2',
      '\\044',
      '\\\\',
      '{?dns}',
      '/',
      '::1',
      '1.2.3.4',
      'AAAA',
      '=',
      'é',
    );
    const text = fc.oneof(
      fc.string({ maxLength: 80, unit: 'binary' }),
      fc.array(piece, { maxLength: 30 }).map((parts) => `1 . ${parts.join('')}`),
    );
    fc.assert(
      fc.property(fc.constantFrom(RR_TYPES.SVCB, RR_TYPES.HTTPS), text, (type, input) => {
        const result = parseRdata(type, input, root);
        if (result.isOk()) {
          expect(parseRdata(type, formatRdata(type, result.value), root).unwrap()).toEqual(
            result.value,
          );
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('is IN-only: other classes take only the generic form, as in BIND', () => {
    const wire = parseRdata(RR_TYPES.SVCB, '1 . alpn=h2', root).unwrap();
    expect(parseRdata(RR_TYPES.SVCB, '1 . alpn=h2', root, 3).isErr()).toBe(true);
    expect(formatRdata(RR_TYPES.SVCB, wire, undefined, 3)).toBe(
      `\\# ${wire.length} ${wire.toString('hex').toUpperCase()}`,
    );
  });
});
