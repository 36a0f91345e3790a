/**
 * named-log: NamedLogParser fed the input in chunks whose sizes depend on the input (lines split
 * anywhere, CR/LF anywhere), with and without `since`, ending with and without a partial line.
 * The parser is used directly: parseNamedLog would hide an exception behind its catch.
 */
import { NamedLogParser } from '../../src/dump/log.js';
import { adversarialLog } from '../lib/adversarial.js';
import type { Rng } from '../lib/rng.js';
import { mutateText } from '../lib/text.js';
import { ContractViolation, type FuzzTarget, mixed, type Outcome } from './types.js';

const STAMPS = [
  '2026-11-24T17:47:11.316Z ',
  '2026-11-24T17:47:11.316+01:00 ',
  '2026-11-24T17:47:11.316 ',
  '24-Nov-2026 18:00:03.204 ',
  '31-Feb-2026 25:61:61.999 ',
  'Nov 24 17:47:11 host named[123]: ',
  'Feb 29 00:00:00 host named[1]: ',
  'Dec 31 23:59:59 host named[1]: ',
  'Sep 13 00:00:00 host named[1]: ',
  'Apr 20 00:00:00 host named[1]: ',
  '+275760-09-13T00:00:00.000Z ',
  '275760-09-13T00:00:00.001Z ',
  '13-Sep-275760 00:00:00.000 ',
  '0000-01-01T00:00:00.000Z ',
  '',
  '9999-99-99T99:99:99.999Z ',
];
const CATEGORIES = [
  'general',
  'zoneload',
  'update',
  'update-security',
  'xfer-in',
  'notify',
  'default',
  'database',
  'security',
  'control',
  '',
];
const LEVELS = [
  'info',
  'error',
  'warning',
  'notice',
  'critical',
  'debug 1',
  'debug 3',
  'debug 99',
  '',
];
const ZONES = [
  'dyn.example.com/IN',
  'dyn.example.com/IN/internal',
  'dyn.example.com/IN (signed)',
  'managed-keys.bind/IN',
  '"quoted"/IN',
  'a:b c/IN',
  '',
];
const FILES = [
  'dyn/tmp-TdE6pFk4Nk',
  'dyn/dyn.example.com.zone',
  'dyn/dyn.example.com.zone.jnl',
  '/var/lib/bind/dyn.journal',
  'a: b: c',
  '',
];
const ERRORS = [
  'permission denied',
  'read-only file system',
  'no space left on device',
  'I/O error',
  'unexpected error',
  'file not found',
  'success',
  '',
];

const MESSAGES = [
  (r: Rng) =>
    `dumping master file: ${r.pick(FILES)}: ${r.pick(['open', 'write', 'rename', 'fsync', 'flush', 'fclose'])}: ${r.pick(ERRORS)}`,
  (r: Rng) =>
    `dumping to master file: ${r.pick(FILES)}: ${r.pick(['fsync', 'write'])}: ${r.pick(ERRORS)}`,
  (r: Rng) =>
    `zone ${r.pick(ZONES)}: loaded serial ${r.pick(['2024010104', '4294967296', '-1', 'x'])}${r.chance(0.3) ? ' (DNSSEC signed)' : ''}`,
  (r: Rng) =>
    `zone ${r.pick(ZONES)}: journal rollforward failed: ${r.pick(['journal out of sync with zone', 'no more', ''])}`,
  (r: Rng) => `zone ${r.pick(ZONES)}: not loaded due to errors.`,
  (r: Rng) =>
    `zone ${r.pick(ZONES)}: zone serial (${r.int(99)}) unchanged. zone may fail to transfer to secondaries.`,
  (r: Rng) => `zone ${r.pick(ZONES)}: dns_journal_compact failed: ${r.pick(ERRORS)}`,
  (r: Rng) =>
    `${r.pick(FILES)}: ${r.pick(['create', 'open', 'write', 'fsync'])}: ${r.pick(ERRORS)}`,
  (r: Rng) =>
    `${r.pick(FILES)}: journal file corrupt: expected serial ${r.int(9)}, got ${r.int(9)}`,
  (r: Rng) =>
    `received control channel command '${r.pick(['sync -clean', 'sync dyn.example.com', 'freeze', 'thaw dyn.example.com', 'stop', 'halt', 'reload', ''])}${r.chance(0.2) ? '' : "'"}`,
  (r: Rng) =>
    `${r.pick(['freezing', 'thawing'])} ${r.pick(['all zones', `zone '${r.pick(ZONES)}'`])}: ${r.pick(ERRORS)}`,
  (r: Rng) =>
    `dumping all zones${r.chance(0.5) ? ', removing journal files' : ''}: ${r.pick(ERRORS)}`,
  (r: Rng) =>
    `client @0x${r.int(0xffff).toString(16)} 127.0.0.1#${r.int(70000)}/key upd-key: updating zone '${r.pick(ZONES)}': ${r.pick(["adding an RR at 'www.dyn.example.com' A 192.0.2.1", "deleting rrset at 'x' A", "update failed: dynamic update temporarily disabled because the zone is frozen.  Use 'rndc thaw' to re-enable updates. (REFUSED)", "update unsuccessful: www.dyn.example.com: 'name not in use' prerequisite not satisfied (YXDOMAIN)", 'error: journal open failed: unexpected error'])}`,
  (r: Rng) => `errno2result.c:${r.pick(['120', '123'])}:isc___errno2result(): unexpected error: `,
  () => 'file.c',
  (r: Rng) => `unable to convert errno to isc_result: ${r.int(200)}: ${r.pick(ERRORS)}`,
  (r: Rng) => `masterdump.c:${r.int(2000)}:dump_rdataset(): unexpected error: `,
  (r: Rng) => `master file write failed: ${r.pick(ERRORS)}`,
  () => 'shutting down: flushing changes',
  () => 'shutting down',
  () => 'exiting',
  (r: Rng) => `the working directory is not writable${r.chance(0.5) ? '' : ': /var/cache/bind'}`,
  (r: Rng) => r.text(120),
];

/** Reference dates for year-less syslog stamps, including the ends of the Date range. */
const REFERENCE_DATES = [
  new Date('2026-11-25T00:00:00Z'),
  new Date('2026-11-25T00:00:00Z'),
  new Date('2027-01-01T00:30:00Z'),
  new Date(8.64e15),
  new Date(-8.64e15),
  new Date(0),
  new Date(Number.NaN),
];

export const DICTIONARY = [
  ...STAMPS,
  ...CATEGORIES.map((c) => `${c}: `),
  ...LEVELS.map((l) => `${l}: `),
  ...ZONES,
  ...FILES,
  ...ERRORS,
  '\n',
  '\r\n',
  '\r',
  ':',
  "'",
  ' ',
];

export function logText(rng: Rng): string {
  const n = rng.range(1, 12);
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const category = rng.pick(CATEGORIES);
    const level = rng.pick(LEVELS);
    lines.push(
      `${rng.pick(STAMPS)}${category ? `${category}: ` : ''}${level ? `${level}: ` : ''}${rng.pick(MESSAGES)(rng)}`,
    );
  }
  return lines.join(rng.chance(0.9) ? '\n' : '\r\n') + (rng.chance(0.8) ? '\n' : '');
}

export const namedLog: FuzzTarget = {
  name: 'named-log',
  weight: 10,
  generate(rng, seeds) {
    return mixed(
      rng,
      seeds,
      (r) => Buffer.from(logText(r)),
      (r, input, others) => mutateText(r, input, others, DICTIONARY),
      2000,
      // 1 in 500: ~13 ms each, and only a few line shapes were ever quadratic.
      adversarialLog,
      500,
    );
  },
  run(input): Outcome {
    const text = input.toString(input.length % 3 === 0 ? 'latin1' : 'utf8');
    const since = input.length % 4 === 0 ? new Date('2026-11-24T17:50:00Z') : undefined;
    const options = {
      ...(since ? { since } : {}),
      referenceDate: REFERENCE_DATES[input.length % REFERENCE_DATES.length]!,
      firstLineNumber: (input.length % 5) + 1,
    };
    const partialLine = input.length % 2 === 0;
    // Fed in chunks whose sizes depend on the input…
    const parser = new NamedLogParser(options);
    const events = [];
    let step = (input.length % 17) + 1;
    for (let at = 0; at < text.length; ) {
      events.push(...parser.push(text.slice(at, at + step)));
      at += step;
      step = ((step * 5 + 1) % 97) + 1;
    }
    events.push(...parser.end({ partialLine }));
    for (const event of events) {
      if (typeof event.kind !== 'string' || !Array.isArray(event.raw) || event.raw.length === 0) {
        throw new ContractViolation('event without kind or raw line');
      }
      if (event.time !== undefined && Number.isNaN(event.time.getTime())) {
        throw new ContractViolation(`event with an invalid time: ${event.raw.join(' | ')}`);
      }
    }
    // …gives the same events as the whole text at once.
    const whole = new NamedLogParser(options);
    const once = [...whole.push(text), ...whole.end({ partialLine })];
    const a = JSON.stringify(events);
    const b = JSON.stringify(once);
    if (a !== b) {
      throw new ContractViolation(
        `chunked parsing differs from whole-text parsing:\nchunked: ${a.slice(0, 2000)}\nwhole:   ${b.slice(0, 2000)}`,
      );
    }
    return 'ok';
  },
};
