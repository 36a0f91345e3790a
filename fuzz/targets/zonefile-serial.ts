/**
 * zonefile-serial: readZoneFileSerial on text and raw zone files. Each input is written to a
 * file in a per-worker temporary directory (tmpfs when there is one), next to fixed include
 * files (one with the SOA, a self-include, one with a syntax error); parseRawZoneHeader also
 * sees the bytes directly.
 */
import { existsSync, mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRawZoneHeader, readZoneFileSerial, ZoneFileError } from '../../src/dump/zonefile.js';
import { Name, parseName } from '../../src/update/names.js';
import { adversarialZone } from '../lib/adversarial.js';
import type { Rng } from '../lib/rng.js';
import { mutateText } from '../lib/text.js';
import { ContractViolation, expectTyped, type FuzzTarget, mixed, type Outcome } from './types.js';

const ORIGIN = 'example.test';
const ZONE = parseName(`${ORIGIN}.`, Name.root).unwrap();
const INCLUDES = [
  'inc-soa.db',
  'loop.db',
  'bad.db',
  'missing.db',
  '.',
  'inc-soa.db sub',
  'inc-soa.db sub.example.test.',
];

let dir: string | undefined;
const SPARSE_BYTES = 512 * 1024 * 1024;

export const DICTIONARY = [
  '$ORIGIN',
  '$TTL',
  '$INCLUDE',
  '$GENERATE',
  '@',
  'IN',
  'CH',
  'HS',
  'CLASS1',
  'SOA',
  'NS',
  'A',
  'TXT',
  'TYPE6',
  '\\#',
  '(',
  ')',
  ';',
  '"',
  '\n',
  '\r',
  '\t',
  ' ',
  '\0',
  '\\',
  '1W',
  '1d',
  '3600',
  '4294967295',
  '4294967296',
  '2024010101',
  '-1',
  'ns',
  'hostmaster',
  'example.test.',
  'sub',
  '.',
  ...INCLUDES,
];

function soa(rng: Rng): string {
  const serial = rng.chance(0.8)
    ? String(rng.u32())
    : rng.pick(['4294967296', '-1', '1e3', '0x10', '', '2024010101.5']);
  const timers = Array.from({ length: rng.chance(0.9) ? 4 : rng.int(7) }, () =>
    rng.pick(['3600', '1W', '1d2h', '600', '1x', '0']),
  );
  const fields = [
    rng.pick(['ns', 'ns.example.test.', '@', '"q"']),
    rng.pick(['hostmaster', 'a\\.b', '.']),
    serial,
    ...timers,
  ];
  if (rng.chance(0.4)) return `( ${fields.join(rng.pick([' ', '\n\t', ' ; c\n ']))} )`;
  return fields.join(' ');
}

function textZone(rng: Rng): string {
  const lines: string[] = [];
  const n = rng.range(1, 8);
  const soaAt = rng.int(n + 1);
  for (let i = 0; i < n; i++) {
    if (i === soaAt) {
      const owner = rng.pick(['@', `${ORIGIN}.`, '', 'sub', 'other.', 'EXAMPLE.TEST.']);
      const ttl = rng.chance(0.5) ? ` ${rng.pick(['3600', '1h', 'x'])}` : '';
      const cls = rng.chance(0.6) ? ` ${rng.pick(['IN', 'CH', 'CLASS1'])}` : '';
      const form = rng.chance(0.1)
        ? `TYPE6 \\# ${rng.int(60)} ${rng.bytes(rng.int(40)).toString('hex')}`
        : `SOA ${soa(rng)}`;
      lines.push(`${owner}${ttl}${cls} ${form}`);
      continue;
    }
    switch (rng.int(7)) {
      case 0:
        lines.push(`$ORIGIN ${rng.pick([`${ORIGIN}.`, 'sub', '.', 'x..y', ''])}`);
        break;
      case 1:
        lines.push(`$TTL ${rng.pick(['3600', '1W', 'bad', '4294967296', ''])}`);
        break;
      case 2:
        lines.push(`$INCLUDE ${rng.pick(INCLUDES)}`);
        break;
      case 3:
        lines.push(`$GENERATE 1-${rng.int(1000)} host$ A 192.0.2.$`);
        break;
      case 4:
        lines.push(`; ${rng.text(30)}`);
        break;
      default:
        lines.push(
          `${rng.pick(['www', '', '@', '"q"', '*'])} ${rng.pick(['A 192.0.2.1', 'TXT "a ; ( b"', 'NS ns', 'TXT ( "x"\n "y" )', 'MX 10 mx'])}`,
        );
    }
  }
  return lines.join(rng.pick(['\n', '\r\n', '\r'])) + (rng.chance(0.8) ? '\n' : '');
}

function u16(v: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(v & 0xffff);
  return b;
}
function u32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v >>> 0);
  return b;
}

/** A raw-format file: header, then RRsets (some before the SOA). */
export function rawZone(rng: Rng): Buffer {
  const version = rng.chance(0.8) ? 1 : rng.pick([0, 2]);
  const header = [u32(rng.chance(0.95) ? 2 : rng.pick([3, 0])), u32(version), u32(rng.u32())];
  if (version === 1) header.push(u32(rng.int(8)), u32(rng.u32()), u32(rng.u32()));
  const rrsets: Buffer[] = [];
  const n = rng.range(1, 4);
  for (let i = 0; i < n; i++) {
    const isSoa = i === n - 1 || rng.chance(0.2);
    const owner =
      isSoa && rng.chance(0.9)
        ? ZONE.toWire()
        : parseName(rng.pick(['www', 'sub', 'a.b']), ZONE)
            .unwrap()
            .toWire();
    const rdatas = isSoa
      ? [
          Buffer.concat([
            parseName('ns', ZONE).unwrap().toWire(),
            parseName('hm', ZONE).unwrap().toWire(),
            u32(rng.u32()),
            u32(1),
            u32(2),
            u32(3),
            u32(4),
          ]),
        ]
      : Array.from({ length: rng.range(1, 3) }, () => rng.bytes(rng.int(20)));
    const body = Buffer.concat(rdatas.map((r) => Buffer.concat([u16(r.length), r])));
    const fixed = Buffer.concat([
      u16(rng.chance(0.95) ? 1 : 3),
      u16(isSoa ? 6 : rng.pick([1, 2, 16])),
      u16(0),
      u32(3600),
      u32(rdatas.length),
      u16(owner.length),
    ]);
    const total = rng.chance(0.1)
      ? rng.pick([0x7fff_ffff, 0xffff_ffff, 300 * 1024 * 1024, 64 * 1024 * 1024, 2 * 1024 * 1024])
      : 4 + fixed.length + owner.length + body.length;
    rrsets.push(u32(total), fixed, owner, body);
  }
  return Buffer.concat([...header, ...rrsets]);
}

function structured(rng: Rng): Buffer {
  return rng.chance(0.3) ? rawZone(rng) : Buffer.from(textZone(rng));
}

function workDir(): string {
  if (dir) return dir;
  // The runner points RNDC_FUZZ_TMP at a directory it removes at the end.
  const base = process.env.RNDC_FUZZ_TMP ?? (existsSync('/dev/shm') ? '/dev/shm' : tmpdir());
  dir = mkdtempSync(join(base, 'rndc-fuzz-zone-'));
  writeFileSync(join(dir, 'inc-soa.db'), '@ IN SOA ns hostmaster 2024010101 1 2 3 4\n');
  writeFileSync(join(dir, 'loop.db'), '$INCLUDE loop.db\n');
  writeFileSync(join(dir, 'bad.db'), 'www IN A (\n');
  return dir;
}

/** The temporary directory (for cleanup). */
export function zoneFuzzDir(): string | undefined {
  return dir;
}

export const zonefileSerial: FuzzTarget = {
  name: 'zonefile-serial',
  weight: 5,
  // Files are written and read (some extended to a sparse 512 MiB): I/O, not just parsing.
  budgetScale: 4,
  setup() {
    workDir();
  },
  generate(rng, seeds) {
    return mixed(
      rng,
      seeds,
      structured,
      (r, input, others) => mutateText(r, input, others, DICTIONARY),
      512,
      adversarialZone,
    );
  },
  async run(input): Promise<Outcome> {
    const header = parseRawZoneHeader(input);
    if (header.isErr()) expectTyped(header.error, ZoneFileError, 'parseRawZoneHeader');
    const path = join(workDir(), 'zone.db');
    writeFileSync(path, input);
    // Some inputs become the start of a sparse 512 MiB file: lengths read from the file may then
    // point far beyond the input, and reading must still stay within maxBytes (1 MiB here).
    if (input.length % (input[0] === 0 ? 2 : 11) === 0) truncateSync(path, SPARSE_BYTES);
    const format = input.length > 0 && input[0]! % 7 === 1 ? 'text' : 'auto';
    const read = await readZoneFileSerial(path, { origin: ORIGIN, format, maxBytes: 1 << 20 });
    if (read.isOk()) {
      if (
        !Number.isInteger(read.value.serial) ||
        read.value.serial < 0 ||
        read.value.serial > 0xffff_ffff
      ) {
        throw new ContractViolation(`serial ${read.value.serial} is not a u32`);
      }
      return 'ok';
    }
    expectTyped(read.error, ZoneFileError, 'readZoneFileSerial');
    // readZoneFileSerial turns exceptions into error values: one that is not a system error
    // (ENOENT, EACCES… — as opposed to a RangeError, or the runner's allocation guard) is a bug.
    const cause = read.error.cause;
    const code = (cause as NodeJS.ErrnoException | undefined)?.code;
    if (cause !== undefined && !(typeof code === 'string' && /^E[A-Z0-9]+$/.test(code))) {
      throw cause instanceof Error ? cause : new ContractViolation(read.error.message);
    }
    if (read.error.message.includes('unexpected failure while reading')) {
      throw new ContractViolation(read.error.message);
    }
    return 'err';
  },
};
