// explainNamedLog / explainNamedLogSource (issue 11, `rndc-js explain`, items 7 and 8): the seed's
// three lines alone, in every paste form, give the zone file, the step and the cause; each BIND
// version's form of each failure maps to the right step and cause; the retry cadence, journal
// failures, sync -clean and the bounds against hostile input.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type ExplainedProblem,
  explainNamedLog,
  explainNamedLogSource,
  MAX_EVIDENCE,
  MAX_SUBJECTS,
  type NamedLogExplanation,
} from '../../src/dump/explain.js';
import { SUPPORTED_BIND_VERSIONS } from '../../src/testing/bind-versions.js';
import { bestCpuMs } from '../helpers/linear.js';
import { PASTE_FORMS, SEED } from '../helpers/pasted-logs.js';

const FIXTURES = join(import.meta.dirname, '../fixtures/named-logs');
const scratch = mkdtempSync(join(tmpdir(), 'rndc-explain-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const SEED_CAUSE = 'the zone file is a mount point (EBUSY), typical of a ConfigMap subPath';

function only(explanation: NamedLogExplanation): ExplainedProblem {
  expect(explanation.zones).toHaveLength(1);
  expect(explanation.zones[0]?.problems).toHaveLength(1);
  return explanation.zones[0]!.problems[0]!;
}

function fixture(version: string, name: string): string {
  return readFileSync(join(FIXTURES, version, `${name}.log`), 'utf8');
}

describe("the seed's three lines", () => {
  for (const [name, form] of Object.entries({ plain: (l: string) => l, ...PASTE_FORMS })) {
    it(`${name}: zone file dyn/dyn.example.com.zone, step rename, EBUSY mount point, remedy`, () => {
      const text = `${SEED.map(form).join('\n')}\n`;
      const e = explainNamedLog(text);
      expect(e.problemCount).toBe(1);
      expect(e.zones[0]).toMatchObject({ zoneFile: 'dyn/dyn.example.com.zone', directory: 'dyn' });
      const p = only(e);
      expect(p).toMatchObject({
        area: 'dump',
        step: 'rename',
        result: 'unexpected error',
        unexpectedErrorAt: 'errno2result.c:123',
        count: 1,
        cause: { id: 'zone-file-mount-point', text: SEED_CAUSE },
      });
      // 9.18.9+ drops the errno: said, with the other candidates.
      expect(p.cause.note).toMatch(/does not name the errno.*EXDEV.*ESTALE/);
      expect(p.remedy).toMatch(/subPath/);
      expect(p.remedy).toMatch(/copy the zone file from the ConfigMap .* initContainer/);
      expect(p.remedy).toContain('docs/kubernetes.md');
      expect(p.evidence).toEqual([
        { line: 1, raw: SEED.map(form).map((l) => l.replace(/\r$/, '')) },
      ]);
      expect(e.lines).toBe(3);
    });
  }
});

describe('BIND version forms map to the right step and cause (item 8)', () => {
  const rename = 'dumping master file: rename: zones/dyn.test.db: unexpected error';
  for (const line of [119, 120, 122, 123]) {
    it(`errno2result.c:${line} + file.c + rename (9.18.9+, 9.20) → mount point, errno not logged`, () => {
      const p = only(
        explainNamedLog(
          [
            `general: error: errno2result.c:${line}:isc___errno2result(): unexpected error: `,
            'general: error: file.c',
            `general: error: ${rename}`,
          ].join('\n'),
        ),
      );
      expect(p).toMatchObject({
        step: 'rename',
        unexpectedErrorAt: `errno2result.c:${line}`,
        cause: { id: 'zone-file-mount-point', text: SEED_CAUSE },
      });
      expect(p.errno).toBeUndefined();
    });
  }

  it('9.16 / 9.18.0–9.18.8: `unable to convert errno to isc_result: 16: Device or resource busy` → mount point, errno shown', () => {
    const p = only(
      explainNamedLog(
        [
          'file.c:429: unexpected error:',
          'unable to convert errno to isc_result: 16: Device or resource busy',
          rename,
        ].join('\n'),
      ),
    );
    expect(p).toMatchObject({
      step: 'rename',
      errno: 16,
      strerror: 'Device or resource busy',
      unexpectedErrorAt: 'file.c:429',
      cause: { id: 'zone-file-mount-point', text: SEED_CAUSE },
    });
    expect(p.cause.note).toBeUndefined();
  });

  it('errno 18 (EXDEV) and 116 (ESTALE) on rename are named as such', () => {
    const of = (errno: number, text: string) =>
      only(
        explainNamedLog(
          [
            'file.c:429: unexpected error:',
            `unable to convert errno to isc_result: ${errno}: ${text}`,
            rename,
          ].join('\n'),
        ),
      ).cause.id;
    expect(of(18, 'Invalid cross-device link')).toBe('cross-device-rename');
    expect(of(116, 'Stale file handle')).toBe('stale-nfs-handle');
  });

  it('9.18.17+ and 9.20: EROFS is "permission denied" at open → directory not writable or read-only mount', () => {
    const p = only(
      explainNamedLog(
        'general: error: dumping master file: zones/tmp-uluAxvQKrE: open: permission denied',
      ),
    );
    expect(p).toMatchObject({
      step: 'open',
      result: 'permission denied',
      location: 'zones/',
      cause: { id: 'directory-not-writable' },
    });
    expect(p.cause.text).toMatch(/not writable by named's user, or it is a read-only mount/);
    expect(p.cause.note).toMatch(/9\.18\.17.*EROFS.*permission denied/);
  });

  it('9.16 / 9.18.0–9.18.8: EROFS with errno 30 → read-only mount', () => {
    const p = only(explainNamedLog(fixture('9.16', 'read-only-mount')));
    expect(p).toMatchObject({
      step: 'open',
      errno: 30,
      strerror: 'Read-only file system',
      count: 2,
      cause: { id: 'read-only-file-system' },
    });
    expect(explainNamedLog(fixture('9.16', 'read-only-mount')).zones[0]?.zones).toEqual([
      'dyn.test',
    ]);
  });

  it('9.18.9–9.18.16: EROFS at open without the errno → read-only mount, said to be inferred', () => {
    const p = only(
      explainNamedLog(
        [
          'errno2result.c:119:isc___errno2result(): unexpected error:',
          'file.c',
          'dumping master file: zones/tmp-AbCdEfGhIj: open: unexpected error',
        ].join('\n'),
      ),
    );
    expect(p).toMatchObject({ step: 'open', cause: { id: 'read-only-file-system' } });
    expect(p.cause.note).toMatch(/9\.18\.9–9\.18\.16/);
  });

  it('sticky directory: rename permission denied → not permitted to replace the file', () => {
    const p = only(
      explainNamedLog('dumping master file: rename: sticky/sticky.test.db: permission denied'),
    );
    expect(p).toMatchObject({ step: 'rename', cause: { id: 'rename-not-permitted' } });
    expect(p.remedy).toMatch(/chown|sticky/);
  });

  it('disc full at flush/fsync, quota at open', () => {
    expect(
      only(explainNamedLog('dumping to master file: zones/tmp-a: fsync: disc full')).cause.id,
    ).toBe('disk-full');
    expect(
      only(explainNamedLog('dumping master file: zones/tmp-a: open: disc quota')).cause.id,
    ).toBe('disk-quota');
  });
});

describe.each(SUPPORTED_BIND_VERSIONS)('captured BIND %s logs', (version) => {
  it('zone file a mount point: dyn.test, its zone file, rename, EBUSY mount point', () => {
    const e = explainNamedLog(fixture(version, 'zone-file-mount-point'));
    expect(e.zones).toHaveLength(1);
    expect(e.zones[0]).toMatchObject({ zones: ['dyn.test'], zoneFile: 'zones/dyn.test.db' });
    const p = only(e);
    expect(p).toMatchObject({ step: 'rename', count: 2, cause: { text: SEED_CAUSE } });
    if (version === '9.16') expect(p.errno).toBe(16);
    else expect(p.unexpectedErrorAt).toBe('errno2result.c:120');
  });

  it('unwritable directories: each zone with its own step and cause; journal create failure with the update it failed; sync -clean while dumps fail', () => {
    const e = explainNamedLog(fixture(version, 'unwritable-dir'));
    const byZone = Object.fromEntries(
      e.zones.map((z) => [z.zones.join(','), z.problems.map((p) => [p.area, p.step, p.cause.id])]),
    );
    expect(byZone).toEqual({
      'dyn.test': [
        ['journal', 'create', 'journal-not-writable'],
        ['update', 'update', 'updates-failing'],
      ],
      'ro.test': [
        ['dump', 'open', 'directory-not-writable'],
        ['journal', 'remove', 'journal-removed-while-dumps-fail'],
      ],
      'sticky.test': [['dump', 'rename', 'rename-not-permitted']],
    });
    const dyn = e.zones.find((z) => z.zones.includes('dyn.test'));
    expect(dyn?.zoneFile).toBe('zones/dyn.test.db');
    expect(dyn?.problems[0]?.cause.text).toMatch(/every dynamic update to the zone fails/);
  });

  it('a log with nothing wrong: shutdown and restarts', () => {
    const e = explainNamedLog(fixture(version, 'shutdown'));
    expect(e.problemCount).toBe(0);
    expect(e.events).toBeGreaterThan(0);
  });
});

describe('since when and how often', () => {
  it("lab B: retries 828 s and 848 s apart are named's own retry (676–900 s)", () => {
    const triplet = (time: string) => [
      `2026-11-24T${time}Z general: error: errno2result.c:120:isc___errno2result(): unexpected error:`,
      `2026-11-24T${time}Z general: error: file.c`,
      `2026-11-24T${time}Z general: error: dumping master file: rename: dyn/dyn.example.com.zone: unexpected error`,
    ];
    const e = explainNamedLog(
      [
        "2026-11-24T17:47:11.316Z general: info: sync: dumping zone 'dyn.example.com/IN': success",
        ...triplet('17:47:11.316'),
        ...triplet('18:00:59.320'),
        ...triplet('18:15:07.320'),
      ].join('\n'),
    );
    expect(e.zones[0]?.zones).toEqual(['dyn.example.com']);
    const p = only(e);
    expect(p).toMatchObject({
      count: 3,
      first: new Date('2026-11-24T17:47:11.316Z'),
      last: new Date('2026-11-24T18:15:07.320Z'),
      firstLine: 2,
      lastLine: 8,
      cadence: { gaps: 2, minSeconds: 828, maxSeconds: 848, meanSeconds: 838, inRetryWindow: 2 },
    });
    // The first two occurrences and the last are the evidence.
    expect(p.evidence.map((x) => x.line)).toEqual([2, 5, 8]);
  });

  it('many occurrences: evidence stays at most MAX_EVIDENCE, counts stay exact', () => {
    const lines: string[] = [];
    for (let i = 0; i < 500; i++) {
      const t = new Date(Date.UTC(2025, 6, 11, 0, 0, 0) + i * 788_000).toISOString();
      lines.push(`${t} general: error: dumping master file: rename: a/z.db: permission denied`);
    }
    const p = only(explainNamedLog(lines.join('\n')));
    expect(p.count).toBe(500);
    expect(p.evidence).toHaveLength(MAX_EVIDENCE);
    expect(p.cadence).toMatchObject({ gaps: 499, inRetryWindow: 499, meanSeconds: 788 });
  });
});

describe('hostile input', () => {
  it('over-long lines, binary and NUL bytes: no throw, nothing invented, lines counted', () => {
    const binary = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 131 + 7) % 256));
    const text = [
      'x'.repeat(100_000),
      binary.toString('latin1'),
      `dumping master file: rename: ${'a'.repeat(20_000)}: unexpected error`,
      '\u0000'.repeat(1000),
      ...SEED,
    ].join('\n');
    const e = explainNamedLog(text);
    // Only the seed is recognised; the over-long rename line is skipped.
    expect(e.problemCount).toBe(1);
    expect(only(e).location).toBe('dyn/dyn.example.com.zone');
  });

  it('never throws on a non-string from JavaScript', () => {
    expect(explainNamedLog(undefined as unknown as string).problemCount).toBe(0);
    expect(explainNamedLog(42 as unknown as string).problemCount).toBe(0);
  });

  it('10^6 lines: bounded zones and evidence, linear time', () => {
    // One line in ten a dump failure of one of 5000 zone files, the rest noise.
    const make = (n: number) => {
      const lines: string[] = [];
      for (let i = 0; i < n; i++) {
        lines.push(
          i % 10 === 0
            ? `11-Jul-2025 08:21:55.352 general: error: dumping master file: rename: z${(i / 10) % 5000}/f.db: unexpected error`
            : `x${i}`,
        );
      }
      return lines.join('\n');
    };
    const big = make(1_000_000);
    const small = make(100_000);
    const smallMs = Math.max(
      20,
      bestCpuMs(() => explainNamedLog(small), 2),
    );
    let e: NamedLogExplanation | undefined;
    const bigMs = bestCpuMs(() => {
      e = explainNamedLog(big);
    }, 1);
    expect(e?.lines).toBe(1_000_000);
    expect(e?.zones).toHaveLength(MAX_SUBJECTS);
    // 1024 distinct problems are kept (20 failures each), 256 zones of them shown; the rest is
    // counted, never kept.
    expect(e?.omittedZones).toBe(1024 - MAX_SUBJECTS);
    expect(e?.omittedOccurrences).toBe(100_000 - 1024 * 20);
    for (const zone of e?.zones ?? []) {
      for (const p of zone.problems) {
        expect(p.count).toBe(20);
        expect(p.evidence.length).toBeLessThanOrEqual(MAX_EVIDENCE);
      }
    }
    // Ten times the lines: about ten times the time, far from a hundred.
    expect(bigMs / smallMs, `${bigMs} ms vs ${smallMs} ms`).toBeLessThan(25);
  }, 240_000);
});

describe('explainNamedLogSource', () => {
  const seedText = `${SEED.join('\n')}\n`;

  it('a file; a missing file is an error, not "nothing wrong"', async () => {
    const path = join(scratch, 'named.log');
    writeFileSync(path, seedText);
    const read = (await explainNamedLogSource({ path })).unwrap();
    expect(read).toMatchObject({ complete: true, skippedBytes: 0, bytesRead: seedText.length });
    expect(only(read.explanation).cause.text).toBe(SEED_CAUSE);
    const missing = await explainNamedLogSource({ path: join(scratch, 'nope.log') });
    expect(missing.isErr() && missing.error.kind).toBe('not-found');
    const dir = await explainNamedLogSource({ path: scratch });
    expect(dir.isErr() && dir.error.kind).toBe('not-readable');
  });

  it('a file larger than maxBytes: its last part, from a whole line', async () => {
    const path = join(scratch, 'big.log');
    writeFileSync(path, `${'noise line\n'.repeat(10_000)}${seedText}`);
    const read = (await explainNamedLogSource({ path }, { maxBytes: 4096 })).unwrap();
    expect(read.skippedBytes).toBeGreaterThan(100_000);
    expect(read.bytesRead).toBeLessThanOrEqual(4096);
    expect(only(read.explanation).step).toBe('rename');
  });

  it('a stream split anywhere, multi-byte characters included', async () => {
    const stream = new PassThrough();
    const bytes = Buffer.from(`│ named ${SEED.join(' │\n│ named ')} │\n`);
    const done = explainNamedLogSource({ stream });
    for (let i = 0; i < bytes.length; i += 7) stream.write(bytes.subarray(i, i + 7));
    stream.end();
    const read = (await done).unwrap();
    expect(read.complete).toBe(true);
    expect(only(read.explanation).cause.text).toBe(SEED_CAUSE);
  });

  it('a stream that never ends: read to the deadline, what came is explained, complete false', async () => {
    const stream = new PassThrough();
    stream.write(seedText);
    const started = Date.now();
    const read = (await explainNamedLogSource({ stream }, { deadline: Date.now() + 300 })).unwrap();
    expect(Date.now() - started).toBeLessThan(3000);
    expect(read).toMatchObject({ complete: false, stoppedBy: 'deadline' });
    expect(only(read.explanation).step).toBe('rename');
  });

  it('a stream larger than maxBytes stops there', async () => {
    const stream = new PassThrough();
    const done = explainNamedLogSource({ stream }, { maxBytes: 1000 });
    stream.write(seedText);
    stream.write('x'.repeat(5000));
    const read = (await done).unwrap();
    expect(read).toMatchObject({ complete: false, stoppedBy: 'max-bytes', bytesRead: 1000 });
  });

  it('a FIFO: read as a stream; with no writer, the deadline ends the wait', async () => {
    const mkfifo = (path: string) =>
      new Promise<void>((resolve, reject) => {
        spawn('mkfifo', [path]).on('exit', (code) =>
          code === 0 ? resolve() : reject(new Error('mkfifo')),
        );
      });
    const unfed = join(scratch, 'fifo-unfed');
    await mkfifo(unfed);
    const waited = await explainNamedLogSource({ path: unfed }, { deadline: Date.now() + 300 });
    expect(waited.isErr() && waited.error.kind).toBe('timeout');
    // A writer: the log is read to its end. Another FIFO: the open given up above is still
    // pending in the thread pool, and would take (and close) this writer's pipe first.
    const fifo = join(scratch, 'fifo');
    await mkfifo(fifo);
    const writer = spawn('sh', ['-c', `cat > ${fifo}`], { stdio: ['pipe', 'ignore', 'ignore'] });
    writer.stdin.end(seedText);
    const read = (
      await explainNamedLogSource({ path: fifo }, { deadline: Date.now() + 5000 })
    ).unwrap();
    expect(read.complete).toBe(true);
    expect(only(read.explanation).step).toBe('rename');
  });
});
