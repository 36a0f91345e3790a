// DNSKEY, CDNSKEY, KEY, RRSIG, SIG, NSEC, NSEC3, NSEC3PARAM, NXT, CSYNC: every presentation form
// of the corpus (test/unit/rdata-dnssec.corpus.ts) checked against named-rrchecker of every
// installed BIND version — `-u` wire = parseRdata, `-p` text = formatRdata byte for byte, the
// same refusals — with each version difference listed below; plus property tests.
import { spawn } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BindVersion } from '../../src/testing/bind-versions.js';
import { Name, parseName } from '../../src/update/names.js';
import { NSEC3PARAM_MAX_ITERATIONS, timeText } from '../../src/update/rdata/dnssec.js';
import { base64Chunks } from '../../src/update/rdata/kit.js';
import {
  checkRdata,
  formatRdata,
  parseRdata,
  RR_TYPES,
  SUPPORTED_TYPES,
  typeFromText,
} from '../../src/update/rdata.js';
import { rrcheckerSpawn, rrcheckerVersions } from '../helpers/rrchecker.js';
import { type Case, HANDWRITTEN, SIGNED } from './rdata-dnssec.corpus.js';

const ORIGIN = 'example.';
const origin = parseName(ORIGIN, Name.root).unwrap();
const CORPUS: readonly Case[] = [...HANDWRITTEN, ...SIGNED];
const DNSSEC_TYPES = [
  'DNSKEY',
  'CDNSKEY',
  'KEY',
  'RRSIG',
  'SIG',
  'NSEC',
  'NSEC3',
  'NSEC3PARAM',
  'NXT',
  'CSYNC',
] as const;

// ---------------------------------------------------------------------------------------------
// named-rrchecker, run a few at a time (hundreds of runs per version)

type Outcome = { ok: true; text: string } | { ok: false; error: string };

function runRrchecker(version: BindVersion, mode: '-u' | '-p', c: Case): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const { file, env } = rrcheckerSpawn(version);
    const child = spawn(file, [mode, '-o', ORIGIN], {
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      err += d;
    });
    child.on('error', reject);
    child.on('close', (status) => {
      const text = out.replace(/\n$/, '');
      resolve(status === 0 && text !== '' ? { ok: true, text } : { ok: false, error: err.trim() });
    });
    child.stdin.end(`IN ${c[0]} ${c[1]}\n`);
  });
}

async function pool<T, R>(items: readonly T[], width: number, work: (item: T) => Promise<R>) {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: width }, worker));
  return results;
}

/** undefined when BIND and we agree on the case, else what differs. */
async function disagreement(version: BindVersion, c: Case): Promise<string | undefined> {
  const [type, rdata] = c;
  const number = typeFromText(type)!;
  const ours = parseRdata(number, rdata, origin);
  const wire = await runRrchecker(version, '-u', c);
  if (!wire.ok) return ours.isOk() ? `BIND refuses (${wire.error}), we accept` : undefined;
  if (ours.isErr()) return `BIND accepts, we refuse: ${ours.error.message}`;
  const fields = wire.text.split(/\s+/);
  const bindWire = Buffer.from(fields.slice(4).join(''), 'hex');
  if (!bindWire.equals(ours.value)) {
    return `wire: BIND ${bindWire.toString('hex')}, ours ${ours.value.toString('hex')}`;
  }
  const text = await runRrchecker(version, '-p', c);
  if (!text.ok) return `-p failed: ${text.error}`;
  const bindText = text.text.split('\t').slice(2).join('\t');
  const ourText = formatRdata(number, ours.value);
  return bindText === ourText ? undefined : `text: BIND "${bindText}", ours "${ourText}"`;
}

// ---------------------------------------------------------------------------------------------
// Where BIND versions differ (we follow 9.20): every case listed must disagree, no other may.

const T = '20270102101125 20261203101125';
/** Invalid PRIVATEDNS names / PRIVATEOID OIDs: refused by 9.20 (check_private), not before. */
const PRIVATE_CHECKED = new Set([
  '0 0 253 wAAA',
  '0 0 254 AA==',
  '0 0 254 CQYHKwYBBAGTvwA=',
  '0 0 254 CQcHKwYBBAGTPwA=',
  '\\# 6 000000FE0000',
  `A 254 2 300 ${T} 1 example. CQcHKwYBBAGTPwA=`,
]);
const NEW_TYPES = /\b(DSYNC|HHIT|BRID|RESINFO|WALLET|TYPE66|TYPE67|TYPE68|TYPE261|TYPE262)\b/;

function versionDifference(version: BindVersion, [type, rdata]: Case): string | undefined {
  if (version !== '9.20' && PRIVATE_CHECKED.has(rdata)) {
    return 'PRIVATEDNS/PRIVATEOID key and signature data checked since 9.20';
  }
  if (version !== '9.20' && type === 'RRSIG') {
    // 9.16 and 9.18 refuse a labels field below the signer's label count ("out of range").
    const [, , labels, , , , , signer] = rdata.trim().split(/\s+/);
    const name = signer === undefined ? undefined : parseName(signer, origin);
    if (name?.isOk() && Number(labels) < name.value.labels.length) {
      return "RRSIG labels below the signer name's label count: refused before 9.20";
    }
  }
  if (version !== '9.16') return undefined;
  if (NEW_TYPES.test(rdata) || (type === 'NXT' && /(^| )(66|67|68)( |$)/.test(rdata))) {
    return '9.16 does not know DSYNC, HHIT, BRID, RESINFO, WALLET';
  }
  if (type === 'NSEC3' && /^1 0 10 - (AJHVGTICN6K0VDA53GCHFMT2|\w{32}00)$/.test(rdata)) {
    return '9.16 takes any NSEC3 hash length; 9.18+ want 20 bytes for SHA-1';
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------

describe('DNSSEC codecs', () => {
  it('are registered for their types', () => {
    for (const type of DNSSEC_TYPES) expect(SUPPORTED_TYPES).toContain(RR_TYPES[type]);
  });

  it('has a corpus of several hundred forms covering each type', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(400);
    for (const type of DNSSEC_TYPES) {
      expect(CORPUS.filter(([t]) => t === type).length).toBeGreaterThanOrEqual(20);
    }
    // Both accepted and refused forms, by our own reader.
    const accepted = CORPUS.filter(([t, r]) => parseRdata(typeFromText(t)!, r, origin).isOk());
    expect(accepted.length).toBeGreaterThan(150);
    expect(CORPUS.length - accepted.length).toBeGreaterThan(150);
  });

  const versions = rrcheckerVersions();
  it('has named-rrchecker of at least one BIND version', () => {
    expect(versions.length).toBeGreaterThan(0);
  });

  for (const version of versions) {
    it(`agrees with named-rrchecker ${version} on the corpus, apart from the listed differences`, async () => {
      const found = await pool(CORPUS, 8, (c) => disagreement(version, c));
      const unexpected: string[] = [];
      let agree = 0;
      let expectedDifferences = 0;
      CORPUS.forEach((c, i) => {
        const why = versionDifference(version, c);
        const problem = found[i];
        if (problem === undefined && why === undefined) agree++;
        else if (problem !== undefined && why !== undefined) expectedDifferences++;
        else unexpected.push(`${c[0]} ${c[1]}: ${problem ?? `agrees, but listed: ${why}`}`);
      });
      console.log(
        `named-rrchecker ${version}: ${agree}/${CORPUS.length} agree, ${expectedDifferences} listed version differences, ${unexpected.length} unexpected`,
      );
      expect(unexpected).toEqual([]);
    }, 900_000);
  }
});

describe('printing', () => {
  it('splits base64 into 56-character chunks as dns_rdata_totext does', () => {
    const key = Buffer.alloc(84, 7); // 112 base64 characters: exactly two chunks
    expect(
      base64Chunks(key)
        .split(' ')
        .map((s) => s.length),
    ).toEqual([56, 56]);
    expect(
      base64Chunks(Buffer.alloc(85, 7))
        .split(' ')
        .map((s) => s.length),
    ).toEqual([56, 56, 4]);
    expect(base64Chunks(Buffer.alloc(42, 7))).not.toContain(' ');
  });

  it('prints 32-bit times as the moment nearest to now (serial arithmetic)', () => {
    const now = Date.UTC(2026, 11, 3) / 1000;
    expect(timeText(now, now)).toBe('20261203000000');
    expect(timeText(0, now)).toBe('19700101000000');
    // Less than 2^31 ahead in serial terms: after 2106 rather than in 1970.
    expect(timeText(50, 2 ** 31 + 100)).toBe('21060207062906');
    expect(timeText(0x10, 0xfffffff0)).toBe('21060207062832');
    // Exactly 2^31 apart is not "ahead" (isc_serial_gt): the past.
    expect(timeText(100, 2 ** 31 + 100)).toBe('19700101000140');
  });

  it('prints RRSIG signers absolute and SIG/NXT names relative to an origin', () => {
    const rrsig = parseRdata(46, `A 8 2 300 ${T} 1 sub AA==`, origin).unwrap();
    expect(formatRdata(46, rrsig, origin)).toBe(`A 8 2 300 ${T} 1 sub.example. AA==`);
    const sig = parseRdata(24, `A 8 2 300 ${T} 1 sub AA==`, origin).unwrap();
    expect(formatRdata(24, sig, origin)).toBe(`A 8 2 300 ${T} 1 sub AA==`);
    const nxt = parseRdata(30, 'sub A SIG NXT', origin).unwrap();
    expect(formatRdata(30, nxt, origin)).toBe('sub A SIG NXT');
    const nsec = parseRdata(47, 'sub A', origin).unwrap();
    expect(formatRdata(47, nsec, origin)).toBe('sub.example. A');
  });

  it('shows invalid wire in the generic form, and checkRdata refuses it', () => {
    const cases: Array<[number, string]> = [
      [48, '01010308'], // DNSKEY without a key
      [47, '00000100'], // NSEC bitmap ending in a zero byte
      [50, '0100000000050000000000'], // NSEC3 SHA-1 hash of 5 bytes
      [51, '010000000201'], // NSEC3PARAM salt length past the end
      [30, `016100${'00'.repeat(17)}`], // NXT bitmap longer than 16 bytes
    ];
    for (const [type, hex] of cases) {
      const wire = Buffer.from(hex, 'hex');
      expect(formatRdata(type, wire)).toMatch(/^\\# /);
      expect(checkRdata(type, wire).isErr()).toBe(true);
    }
  });

  it('knows the NSEC3PARAM iteration limits of nsupdate per version', () => {
    expect(NSEC3PARAM_MAX_ITERATIONS).toEqual({ '9.16': 150, '9.18': 150, '9.20': 50 });
  });
});

// ---------------------------------------------------------------------------------------------
// Property tests

const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/);
const nameText = fc
  .array(label, { minLength: 0, maxLength: 4 })
  .map((labels) => (labels.length === 0 ? '.' : `${labels.join('.')}.`));
const bytes = (min: number, max: number) =>
  fc.uint8Array({ minLength: min, maxLength: max }).map((b) => Buffer.from(b));
/** Base64 of the bytes, cut into random pieces (BIND joins them). */
const base64 = (min: number, max: number) =>
  fc.tuple(bytes(min, max), fc.array(fc.nat(200), { maxLength: 4 })).map(([b, cuts]) => {
    const text = b.toString('base64');
    const points = [...new Set(cuts.map((c) => c % text.length))].sort((x, y) => x - y);
    const pieces: string[] = [];
    let last = 0;
    for (const p of points) {
      if (p > last) pieces.push(text.slice(last, p));
      last = Math.max(last, p);
    }
    pieces.push(text.slice(last));
    return pieces.join(' ');
  });
const commonAlgorithm = fc.constantFrom(1, 3, 5, 7, 8, 10, 13, 14, 15, 16, 200);
const knownTypes = Object.keys(RR_TYPES).filter(
  (t) => !/^(DSYNC|HHIT|BRID|RESINFO|WALLET)$/.test(t),
);
const typeWordArb = fc.oneof(
  fc.constantFrom(...knownTypes),
  // Not the numbers of the types 9.16 does not know (it would print TYPE66 where others print DSYNC).
  fc
    .integer({ min: 0, max: 65535 })
    .filter((n) => ![66, 67, 68, 261, 262].includes(n))
    .map((n) => `TYPE${n}`),
);
const time = fc.oneof(
  fc.integer({ min: 0, max: 0xffffffff }).map(String),
  fc
    .date({
      min: new Date('1970-01-01T00:00:00Z'),
      max: new Date('2099-12-31T23:59:59Z'),
      noInvalidDate: true,
    })
    .map((d) => d.toISOString().replace(/[-T:]/g, '').slice(0, 14)),
);
const hashText = (length: number) =>
  bytes(length, length).map((b) => {
    const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUV';
    let bits = '';
    for (const byte of b) bits += byte.toString(2).padStart(8, '0');
    while (bits.length % 5 !== 0) bits += '0';
    return bits
      .match(/.{5}/g)!
      .map((chunk) => alphabet[Number.parseInt(chunk, 2)])
      .join('');
  });
const salt = fc.oneof(
  fc.constant('-'),
  bytes(1, 20).map((b) => b.toString('hex')),
);

/** Valid records of every type of this group, in presentation form. */
const VALID: Record<(typeof DNSSEC_TYPES)[number], fc.Arbitrary<string>> = {
  DNSKEY: fc
    .tuple(fc.integer({ min: 0, max: 0xffff }), fc.nat(255), commonAlgorithm, base64(1, 300))
    .map((p) => p.join(' ')),
  CDNSKEY: fc
    .tuple(fc.integer({ min: 0, max: 0xffff }), fc.nat(255), commonAlgorithm, base64(1, 100))
    .map((p) => p.join(' ')),
  KEY: fc
    .tuple(fc.integer({ min: 0, max: 0xffff }), fc.nat(255), commonAlgorithm, base64(1, 100))
    .map(([flags, protocol, algorithm, key]) =>
      (flags & 0xc000) === 0xc000
        ? `${flags} ${protocol} ${algorithm}`
        : `${flags} ${protocol} ${algorithm} ${key}`,
    ),
  RRSIG: fc
    .tuple(
      typeWordArb,
      commonAlgorithm,
      fc.nat(255),
      fc.integer({ min: 0, max: 0xffffffff }),
      time,
      time,
      fc.integer({ min: 0, max: 0xffff }),
      nameText,
      base64(1, 200),
    )
    .map((p) => p.join(' ')),
  SIG: fc
    .tuple(
      typeWordArb,
      commonAlgorithm,
      fc.nat(255),
      fc.integer({ min: 0, max: 0xffffffff }),
      time.filter((t) => t.length === 14),
      time.filter((t) => t.length === 14),
      fc.integer({ min: 0, max: 0xffff }),
      nameText,
      base64(1, 100),
    )
    .map((p) => p.join(' ')),
  NSEC: fc
    .tuple(nameText, fc.array(typeWordArb, { minLength: 1, maxLength: 8 }))
    .map(([next, types]) => `${next} ${types.join(' ')}`),
  NSEC3: fc
    .tuple(
      fc.constantFrom(1, 2, 3),
      fc.nat(255),
      fc.integer({ min: 0, max: 0xffff }),
      salt,
      fc.array(typeWordArb, { maxLength: 8 }),
    )
    .chain(([hash, flags, iterations, s, types]) =>
      (hash === 1 ? hashText(20) : fc.integer({ min: 1, max: 39 }).chain(hashText)).map((h) =>
        [hash, flags, iterations, s, h, ...types].join(' '),
      ),
    ),
  NSEC3PARAM: fc
    .tuple(fc.nat(255), fc.nat(255), fc.integer({ min: 0, max: 0xffff }), salt)
    .map((p) => p.join(' ')),
  NXT: fc
    .tuple(nameText, fc.array(fc.integer({ min: 1, max: 127 }), { maxLength: 8 }))
    .map(([next, types]) => [next, ...types.map(String)].join(' ')),
  CSYNC: fc
    .tuple(
      fc.integer({ min: 0, max: 0xffffffff }),
      fc.integer({ min: 0, max: 0xffff }),
      fc.array(typeWordArb, { maxLength: 8 }),
    )
    .map(([serial, flags, types]) => [serial, flags, ...types].join(' ')),
};

describe('properties', () => {
  for (const type of DNSSEC_TYPES) {
    const number = RR_TYPES[type];

    it(`${type}: valid text → wire → text → wire is stable`, () => {
      fc.assert(
        fc.property(VALID[type], (text) => {
          const wire = parseRdata(number, text, origin);
          expect(wire.isOk(), `${type} ${text}: ${wire.isErr() && wire.error.message}`).toBe(true);
          const printed = formatRdata(number, wire.unwrap());
          expect(printed).not.toMatch(/^\\#/);
          const again = parseRdata(number, printed, origin).unwrap();
          expect(again.equals(wire.unwrap())).toBe(true);
          expect(formatRdata(number, again)).toBe(printed);
          expect(checkRdata(number, again).isOk()).toBe(true);
        }),
        { numRuns: 200 },
      );
    });

    it(`${type}: random bytes never throw; formatRdata and checkRdata agree`, () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 80 }), (raw) => {
          const wire = Buffer.from(raw);
          const text = formatRdata(number, wire);
          const valid = checkRdata(number, wire).isOk();
          if (wire.length === 0 || !valid) expect(text).toMatch(/^\\# /);
          else {
            expect(text).not.toMatch(/^\\#/);
            expect(parseRdata(number, text, origin).unwrap().equals(wire)).toBe(true);
          }
        }),
        { numRuns: 300 },
      );
    });

    it(`${type}: damaged valid wire is either still valid or shown generically and refused`, () => {
      const damaged = fc
        .tuple(VALID[type], fc.nat(), fc.integer({ min: 1, max: 255 }), fc.nat(3))
        .map(([text, at, xor, cut]) => {
          const wire = Buffer.from(parseRdata(number, text, origin).unwrap());
          const index = at % wire.length;
          wire[index] = wire[index]! ^ xor;
          return wire.subarray(0, wire.length - (cut === 0 ? 1 : 0));
        });
      fc.assert(
        fc.property(damaged, (wire) => {
          const text = formatRdata(number, wire);
          if (checkRdata(number, wire).isErr() || wire.length === 0) {
            expect(text).toMatch(/^\\# /);
            expect(parseRdata(number, text, origin).isErr()).toBe(true);
          } else {
            expect(text).not.toMatch(/^\\#/);
            expect(parseRdata(number, text, origin).unwrap().equals(wire)).toBe(true);
          }
        }),
        { numRuns: 300 },
      );
    });

    it(`${type}: random text never throws`, () => {
      fc.assert(
        fc.property(fc.string({ maxLength: 60 }), (text) => {
          parseRdata(number, text, origin);
        }),
        { numRuns: 300 },
      );
    });
  }

  for (const version of rrcheckerVersions()) {
    it(`random valid records agree with named-rrchecker ${version} (sample)`, async () => {
      const sample: Case[] = DNSSEC_TYPES.flatMap((type) =>
        fc
          .sample(VALID[type], 3)
          .map((text) => [type, text] as const)
          // 9.16 does not know the types added later (listed in the corpus test).
          .filter((c) => versionDifference(version, c) === undefined),
      );
      const found = await pool(sample, 8, (c) => disagreement(version, c));
      const problems = sample.flatMap((c, i) => (found[i] ? [`${c.join(' ')}: ${found[i]}`] : []));
      expect(problems).toEqual([]);
    }, 300_000);
  }
});
