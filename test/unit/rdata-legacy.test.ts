// The legacy and rare RDATA types (src/update/rdata/legacy.ts, loc.ts, wks.ts), checked against
// named-rrchecker of every installed BIND version: `-u` wire equals parseRdata, `-p` text equals
// formatRdata byte for byte, refusals agree. Plus property tests: round trips, hostile input.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BindVersion } from '../../src/testing/bind-versions.js';
import { Name, parseName } from '../../src/update/names.js';
import { PROTOCOL_LINES, SERVICE_LINES } from '../../src/update/rdata/wks-names.js';
import {
  checkRdata,
  classFromText,
  formatRdata,
  parseRdata,
  RR_TYPES,
  typeFromText,
} from '../../src/update/rdata.js';
import { rrcheckerSpawn, rrcheckerVersions } from '../helpers/rrchecker.js';
import { legacyCorpus } from './rdata-legacy-corpus.js';

const origin = parseName('example.com.', Name.root).unwrap();
const versions = rrcheckerVersions();

/**
 * Where BIND versions differ for these types (the one table of differences): type mnemonics a
 * version does not know. Such a version refuses the mnemonic ("unknown class/type") but reads
 * the same RDATA written as TYPEnnn in the generic form.
 */
const UNKNOWN_MNEMONICS: Readonly<Record<BindVersion, readonly string[]>> = {
  '9.16': ['RESINFO', 'WALLET'],
  '9.18': [],
  '9.20': [],
};

type Run = { ok: true; text: string } | { ok: false; error: string };

/** named-rrchecker of `version` on one record, without blocking the event loop. */
function rrcheckerAsync(version: BindVersion, mode: '-u' | '-p', input: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const { file, env } = rrcheckerSpawn(version);
    const child = spawn(file, [mode, '-o', 'example.com'], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (status) => {
      const out = stdout.replace(/\n$/, '');
      resolve(status === 0 && out !== '' ? { ok: true, text: out } : { ok: false, error: stderr });
    });
    child.stdin.end(`${input}\n`);
  });
}

/** Runs `jobs` at most `limit` at a time (2 cores shared with other work). */
async function pool<T>(jobs: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const index = next++;
      results[index] = await jobs[index]!();
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return results;
}

/** The wire RDATA of `-u` output (`CLASS1<tab>TYPE15<tab>\# 3 000A00`). */
function wireOf(text: string): Buffer {
  const fields = text.trim().split(/\s+/);
  expect(fields[2]).toBe('\\#');
  const wire = Buffer.from(fields.slice(4).join(''), 'hex');
  expect(wire.length).toBe(Number(fields[3]));
  return wire;
}

/** The RDATA text of `-p` output (after `<class><tab><type><tab>`). */
const textOf = (text: string): string => text.split('\t').slice(2).join('\t');

const corpus = legacyCorpus();

describe('legacy types against named-rrchecker', () => {
  it('has a corpus of at least 250 presentation forms', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(250);
  });

  it('finds named-rrchecker of at least one version', () => {
    expect(versions.length).toBeGreaterThan(0);
  });

  for (const version of versions) {
    it(`agrees with named-rrchecker ${version} on every corpus record`, async () => {
      const unknown = UNKNOWN_MNEMONICS[version];
      const disagreements: string[] = [];
      let agreed = 0;
      let versionSpecific = 0;
      const results = await pool(
        corpus.map((record) => async () => {
          const input = `${record.class} ${record.type} ${record.rdata}`;
          const wire = await rrcheckerAsync(version, '-u', input);
          const text = wire.ok ? await rrcheckerAsync(version, '-p', input) : undefined;
          return { record, input, wire, text };
        }),
        3,
      );
      for (const { record, input, wire, text } of results) {
        const type = typeFromText(record.type)!;
        const rdclass = classFromText(record.class)!;
        const ours = parseRdata(type, record.rdata, origin, rdclass);
        const label = `${version} ${JSON.stringify(input)}`;
        if (unknown.includes(record.type)) {
          // This version does not know the mnemonic: it must say so, and must read our wire
          // (when we accept the text) as TYPEnnn in the generic form, to the same bytes.
          versionSpecific++;
          if (wire.ok || !/unknown class\/type/.test(wire.error)) {
            disagreements.push(
              `${label}: expected "unknown class/type", got ${JSON.stringify(wire)}`,
            );
            continue;
          }
          if (ours.isOk()) {
            const hex = ours.value.toString('hex');
            const generic = `${record.class} TYPE${type} \\# ${ours.value.length} ${hex}`;
            const back = await rrcheckerAsync(version, '-u', generic);
            if (!back.ok || !wireOf(back.text).equals(ours.value)) {
              disagreements.push(`${label}: generic form not read back: ${JSON.stringify(back)}`);
              continue;
            }
          }
          agreed++;
          continue;
        }
        if (!wire.ok) {
          if (ours.isOk()) {
            disagreements.push(
              `${label}: BIND refuses (${wire.error.trim()}), we accept ${ours.value.toString('hex')}`,
            );
          } else agreed++;
          continue;
        }
        if (ours.isErr()) {
          disagreements.push(`${label}: BIND accepts, we refuse: ${ours.error.message}`);
          continue;
        }
        const bindWire = wireOf(wire.text);
        if (!ours.value.equals(bindWire)) {
          disagreements.push(
            `${label}: wire ${ours.value.toString('hex')} != BIND ${bindWire.toString('hex')}`,
          );
          continue;
        }
        if (!text?.ok) {
          disagreements.push(`${label}: BIND -p failed: ${JSON.stringify(text)}`);
          continue;
        }
        const formatted = formatRdata(type, bindWire, undefined, rdclass);
        if (formatted !== textOf(text.text)) {
          disagreements.push(
            `${label}: text ${JSON.stringify(formatted)} != BIND ${JSON.stringify(textOf(text.text))}`,
          );
          continue;
        }
        // What BIND accepts, checkRdata accepts too.
        if (checkRdata(type, bindWire, rdclass).isErr()) {
          disagreements.push(`${label}: checkRdata refuses BIND's wire`);
          continue;
        }
        agreed++;
      }
      console.info(
        `named-rrchecker ${version}: ${agreed}/${corpus.length} legacy corpus records agree` +
          ` (${versionSpecific} checked as version-specific)`,
      );
      expect(disagreements).toEqual([]);
      expect(agreed).toBe(corpus.length);
    }, 600_000);
  }
});

// ---------------------------------------------------------------------------------------------
// Property tests

const CH = 3;
const u16 = (value: number): number[] => [value >> 8, value & 0xff];
const u32 = (value: number): number[] => [...u16(value >>> 16), ...u16(value & 0xffff)];

const label = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,7}$/);
const nameWire = fc
  .array(label, { maxLength: 3 })
  .map((labels) => [...labels.flatMap((l) => [l.length, ...Buffer.from(l)]), 0]);
const cstring = (max = 20) =>
  fc.uint8Array({ maxLength: max }).map((bytes) => [bytes.length, ...bytes]);
const bytes = (min: number, max: number) =>
  fc.uint8Array({ minLength: min, maxLength: max }).map((b) => [...b]);
const digits = (min: number, max: number) =>
  fc.stringMatching(new RegExp(`^[0-9]{${min},${max}}$`)).map((t) => [...Buffer.from(t)]);
const join = (...parts: fc.Arbitrary<number[]>[]) => fc.tuple(...parts).map((list) => list.flat());
const number16 = fc.nat(0xffff).map(u16);

/** A precision byte BIND accepts on the wire: 0, or mantissa 1-9 and exponent 0-9. */
const precision = fc.oneof(
  fc.constant(0),
  fc.tuple(fc.integer({ min: 1, max: 9 }), fc.nat(9)).map(([m, e]) => (m << 4) | e),
);

/** Valid wire RDATA of every type of this group: [type, class, wire]. */
const validRecords: fc.Arbitrary<readonly [number, number, Buffer]> = fc
  .oneof(
    ...[RR_TYPES.MD, RR_TYPES.MF, RR_TYPES.MB, RR_TYPES.MG, RR_TYPES.MR, RR_TYPES['NSAP-PTR']].map(
      (type) => nameWire.map((w) => [type, 1, w] as const),
    ),
    ...[RR_TYPES.MINFO, RR_TYPES.RP, RR_TYPES.TALINK].map((type) =>
      join(nameWire, nameWire).map((w) => [type, 1, w] as const),
    ),
    ...[RR_TYPES.AFSDB, RR_TYPES.RT, RR_TYPES.KX, RR_TYPES.LP].map((type) =>
      join(number16, nameWire).map((w) => [type, 1, w] as const),
    ),
    join(number16, nameWire, nameWire).map((w) => [RR_TYPES.PX, 1, w] as const),
    digits(4, 15).map((d) => [RR_TYPES.X25, 1, [d.length, ...d]] as const),
    fc
      .tuple(cstring(), fc.option(cstring()))
      .map(([a, b]) => [RR_TYPES.ISDN, 1, [...a, ...(b ?? [])]] as const),
    join(cstring(), cstring(), cstring()).map((w) => [RR_TYPES.GPOS, 1, w] as const),
    bytes(1, 30).map((w) => [RR_TYPES.NSAP, 1, w] as const),
    ...[RR_TYPES.EID, RR_TYPES.NIMLOC].map((type) =>
      bytes(1, 70).map((w) => [type, 1, w] as const),
    ),
    fc
      .oneof(
        bytes(1, 20).map((b) => [0, ...b]),
        digits(1, 15).map((d) => [1, ...d]),
      )
      .map((w) => [RR_TYPES.ATMA, 1, w] as const),
    fc.tuple(fc.nat(128), bytes(16, 16), nameWire).map(([prefix, address, name]) => {
      const suffix = address.slice(prefix >> 3);
      if (suffix.length > 0) suffix[0]! &= 0xff >> (prefix & 7);
      return [
        RR_TYPES.A6,
        1,
        [prefix, ...(prefix === 128 ? [] : suffix), ...(prefix === 0 ? [] : name)],
      ] as const;
    }),
    fc
      .array(
        fc
          .tuple(fc.boolean(), fc.boolean(), fc.nat(128), bytes(0, 16))
          .map(([v6, negate, p, a]) => {
            const address = a.slice(0, v6 ? 16 : 4);
            while (address.length > 0 && address[address.length - 1] === 0) address.pop();
            return [
              0,
              v6 ? 2 : 1,
              p % (v6 ? 129 : 33),
              address.length | (negate ? 0x80 : 0),
              ...address,
            ];
          }),
        { maxLength: 4 },
      )
      .map((items) => [RR_TYPES.APL, 1, items.flat()] as const),
    join(bytes(3, 3), bytes(0, 80)).map((w) => [RR_TYPES.SINK, 1, w] as const),
    ...[RR_TYPES.NINFO, RR_TYPES.AVC, RR_TYPES.RESINFO, RR_TYPES.WALLET].map((type) =>
      fc.array(cstring(), { minLength: 1, maxLength: 3 }).map((s) => [type, 1, s.flat()] as const),
    ),
    fc
      .tuple(fc.nat(0xffffffff), fc.nat(0xffffffff), fc.nat(255), cstring(), bytes(0, 80))
      .map(([e, t, l, m, d]) => [RR_TYPES.DOA, 1, [...u32(e), ...u32(t), l, ...m, ...d]] as const),
    join(number16, bytes(4, 4)).map((w) => [RR_TYPES.L32, 1, w] as const),
    ...[RR_TYPES.L64, RR_TYPES.NID].map((type) => bytes(10, 10).map((w) => [type, 1, w] as const)),
    bytes(6, 6).map((w) => [RR_TYPES.EUI48, 1, w] as const),
    bytes(8, 8).map((w) => [RR_TYPES.EUI64, 1, w] as const),
    fc.tuple(bytes(4, 4), fc.nat(255), bytes(0, 30)).map(([address, protocol, bitmap]) => {
      while (bitmap.length > 0 && bitmap[bitmap.length - 1] === 0) bitmap.pop();
      return [RR_TYPES.WKS, 1, [...address, protocol, ...bitmap]] as const;
    }),
    fc
      .tuple(
        precision,
        precision,
        precision,
        fc.integer({ min: -90 * 3_600_000, max: 90 * 3_600_000 }),
        fc.integer({ min: -180 * 3_600_000, max: 180 * 3_600_000 }),
        fc.nat(0xffffffff),
      )
      .map(([size, hp, vp, lat, long, alt]) => {
        const wire = [
          0,
          size,
          hp,
          vp,
          ...u32(0x80000000 + lat),
          ...u32(0x80000000 + long),
          ...u32(alt),
        ];
        return [RR_TYPES.LOC, 1, wire] as const;
      }),
    join(nameWire, number16).map((w) => [RR_TYPES.A, CH, w] as const),
  )
  .map(([type, rdclass, wire]) => [type, rdclass, Buffer.from(wire)] as const);

const LEGACY_TYPES = [
  3, 4, 7, 8, 9, 10, 11, 14, 17, 18, 19, 20, 21, 22, 23, 26, 27, 29, 31, 32, 34, 36, 38, 40, 42, 56,
  58, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 258, 259, 261, 262, 1,
];

describe('legacy types: properties', () => {
  it('round-trips random valid records: wire → text → wire → text', () => {
    fc.assert(
      fc.property(validRecords, ([type, rdclass, wire]) => {
        expect(checkRdata(type, wire, rdclass).isOk()).toBe(true);
        const text = formatRdata(type, wire, undefined, rdclass);
        const back = parseRdata(type, text, origin, rdclass);
        expect(back.isOk() && back.value.toString('hex')).toBe(wire.toString('hex'));
        expect(formatRdata(type, back.unwrap(), undefined, rdclass)).toBe(text);
        // Relative to an origin, too.
        const relative = formatRdata(type, wire, origin, rdclass);
        expect(parseRdata(type, relative, origin, rdclass).unwrap().equals(wire)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('never throws on random bytes or random text, and refuses what it cannot show', () => {
    const classes = fc.constantFrom(1, 3, 4);
    fc.assert(
      fc.property(
        fc.constantFrom(...LEGACY_TYPES),
        classes,
        fc.uint8Array({ maxLength: 120 }),
        (type, rdclass, wire) => {
          const text = formatRdata(type, wire, undefined, rdclass);
          const valid = checkRdata(type, wire, rdclass).isOk();
          const back = parseRdata(type, text, origin, rdclass);
          // Valid RDATA reads back from its text; invalid RDATA is shown as \# and refused.
          if (valid) expect(back.isOk() && back.value.equals(Buffer.from(wire))).toBe(true);
          else expect(back.isErr() && text.startsWith('\\#')).toBe(true);
        },
      ),
      { numRuns: 5000 },
    );
    const pieces = fc.constantFrom(
      ' ',
      '0',
      '9',
      '.',
      ':',
      '/',
      '!',
      '-',
      '+',
      'N',
      'S',
      'E',
      'W',
      'm',
      'x',
      '0x',
      '"',
      '\\',
      '\\#',
      '(',
      ')',
      ';',
      '\n',
      '=',
      'A',
      'ff',
      '1.2.3.4',
      '::1',
      '90',
      '59.999',
      'tcp',
    );
    const garbage = fc.oneof(
      fc.string({ maxLength: 60, unit: 'binary' }),
      fc.array(pieces, { maxLength: 25 }).map((parts) => parts.join('')),
    );
    fc.assert(
      fc.property(fc.constantFrom(...LEGACY_TYPES), classes, garbage, (type, rdclass, text) => {
        const result = parseRdata(type, text, origin, rdclass);
        if (result.isOk()) expect(checkRdata(type, result.value, rdclass).isOk()).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });

  for (const version of versions) {
    it(`random valid records agree with named-rrchecker ${version}`, async () => {
      const sample = fc.sample(validRecords, { numRuns: 60, seed: 1313 });
      const disagreements: string[] = [];
      const checks = await pool(
        sample.map(([type, rdclass, wire]) => async () => {
          const className = rdclass === CH ? 'CH' : 'IN';
          const typeName = `TYPE${type}`;
          const text = formatRdata(type, wire, undefined, rdclass);
          // BIND prints our wire (given as \#) as we do, and reads our text to the same wire.
          const generic = `${className} ${typeName} \\# ${wire.length} ${wire.toString('hex')}`;
          const printed = await rrcheckerAsync(version, '-p', generic);
          const unknown = UNKNOWN_MNEMONICS[version].some((name) => typeFromText(name) === type);
          const read = unknown
            ? undefined
            : await rrcheckerAsync(version, '-u', `${className} ${typeName} ${text}`);
          return { type, wire, text, printed, read, unknown };
        }),
        3,
      );
      for (const { type, wire, text, printed, read, unknown } of checks) {
        const label = `${version} TYPE${type} ${wire.toString('hex')}`;
        if (unknown) {
          // A version without the type prints the generic form.
          if (!printed.ok || !textOf(printed.text).startsWith('\\#'))
            disagreements.push(`${label}: ${JSON.stringify(printed)}`);
          continue;
        }
        if (!printed.ok || textOf(printed.text) !== text) {
          disagreements.push(
            `${label}: we print ${JSON.stringify(text)}, BIND ${JSON.stringify(printed)}`,
          );
        }
        if (!read?.ok || !wireOf(read.text).equals(wire)) {
          disagreements.push(
            `${label}: BIND reads ${JSON.stringify(text)} as ${JSON.stringify(read)}`,
          );
        }
      }
      console.info(
        `named-rrchecker ${version}: ${checks.length - disagreements.length}/${checks.length} random records agree`,
      );
      expect(disagreements).toEqual([]);
    }, 600_000);
  }
});

// ---------------------------------------------------------------------------------------------
// WKS names: our built-in copy of the protocol and service lists against BIND on this host

describe.skipIf(!existsSync('/etc/protocols') || !existsSync('/etc/services'))(
  'WKS protocol and service names agree with BIND (getprotobyname/getservbyname on this host)',
  () => {
    const protocols = [
      ...new Set(
        PROTOCOL_LINES.trim()
          .split('\n')
          .flatMap((line) => line.split(' ').slice(1)),
      ),
    ];
    const services = (proto: string): string[] => [
      ...new Set(
        SERVICE_LINES.trim()
          .split('\n')
          .map((line) => line.split(' '))
          .filter(([portProto]) => proto === '*' || portProto!.endsWith(`/${proto}`))
          .flatMap((fields) => fields.slice(1)),
      ),
    ];
    // Each protocol name alone; all service names of a protocol in one record.
    const records = [
      ...protocols.map((name) => `1.2.3.4 ${name}`),
      `1.2.3.4 tcp ${services('tcp').join(' ')}`,
      `1.2.3.4 udp ${services('udp').join(' ')}`,
      `1.2.3.4 icmp ${services('*').join(' ')}`,
    ];

    for (const version of versions) {
      it(`named-rrchecker ${version}`, async () => {
        const results = await pool(
          records.map((rdata) => async () => ({
            rdata,
            bind: await rrcheckerAsync(version, '-u', `IN WKS ${rdata}`),
          })),
          3,
        );
        const disagreements: string[] = [];
        for (const { rdata, bind } of results) {
          const ours = parseRdata(RR_TYPES.WKS, rdata, origin);
          const same = bind.ok ? ours.isOk() && ours.value.equals(wireOf(bind.text)) : ours.isErr();
          if (!same)
            disagreements.push(`${rdata.slice(0, 60)}: BIND ${JSON.stringify(bind).slice(0, 200)}`);
        }
        console.info(
          `named-rrchecker ${version}: ${results.length - disagreements.length}/${results.length} WKS name records agree`,
        );
        expect(disagreements).toEqual([]);
      }, 600_000);
    }
  },
);
