// named's log as operators paste it (issue 11, item 7): out of k9s (box-drawing frame, padding to
// the terminal width, the container's name first, CRLF), `kubectl logs --prefix` (with and
// without --timestamps), stern (pod and container names in ANSI colours), or with a bare
// `named ` before lines without a time stamp. Each form must give exactly the events the plain
// log gives; lines without a wrapper must be left alone.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type NamedLogEvent, parseNamedLog, unwrapPastedLine } from '../../src/dump/log.js';
import { SUPPORTED_BIND_VERSIONS } from '../../src/testing/bind-versions.js';
import { ESC, PASTE_FORMS, SEED } from '../helpers/pasted-logs.js';

const FIXTURES = join(import.meta.dirname, '../fixtures/named-logs');

function seedIn(form: (line: string, i: number) => string): string {
  return `${SEED.map(form).join('\n')}\n`;
}

describe("the seed's lines in every paste form (issue 11, item 7)", () => {
  for (const [name, form] of Object.entries(PASTE_FORMS)) {
    it(`${name}: one rename failure of dyn/dyn.example.com.zone, errno report joined`, () => {
      const events = parseNamedLog(seedIn(form));
      expect(events).toHaveLength(1);
      const [event] = events;
      expect(event).toMatchObject({
        kind: 'dump-failed',
        step: 'rename',
        file: 'dyn/dyn.example.com.zone',
        result: 'unexpected error',
        tempFileLeft: true,
        unexpectedErrorAt: 'errno2result.c:123',
        lineNumber: 1,
      });
      // The time is named's own, not the runtime's (kubectl --timestamps adds nanoseconds).
      expect(event?.time?.getTime()).toBe(new Date(2025, 6, 11, 8, 21, 55, 352).getTime());
      // The evidence is the lines as pasted (without the CR).
      expect(event?.raw).toEqual(SEED.map(form).map((line) => line.replace(/\r$/, '')));
    });
  }

  it('without time stamps (print-time no): `named ` before each line', () => {
    const plain = SEED.map((line) => line.slice('11-Jul-2025 08:21:55.352 '.length));
    const events = parseNamedLog(plain.map((line) => `named ${line}`).join('\n'));
    expect(events).toMatchObject([
      { kind: 'dump-failed', step: 'rename', file: 'dyn/dyn.example.com.zone' },
    ]);
  });
});

describe('every captured line, wrapped, gives the events of the plain log', () => {
  const strip = (events: NamedLogEvent[]) => events.map(({ raw: _raw, ...rest }) => rest);
  for (const version of SUPPORTED_BIND_VERSIONS) {
    for (const file of ['unwritable-dir', 'read-only-mount', 'zone-file-mount-point', 'shutdown']) {
      it(`${version} ${file}`, () => {
        const text = readFileSync(join(FIXTURES, version, `${file}.log`), 'utf8');
        const lines = text.split('\n').filter((line) => line !== '');
        const plain = strip(parseNamedLog(text));
        expect(plain.length).toBeGreaterThan(0);
        for (const [name, form] of Object.entries(PASTE_FORMS)) {
          const wrapped = strip(parseNamedLog(lines.map((l, i) => form(l, i % 3)).join('\n')));
          expect(wrapped, name).toEqual(plain);
        }
      });
    }
  }
});

describe('unwrapPastedLine', () => {
  it('leaves lines without a wrapper alone, whatever they start with', () => {
    for (const line of [
      '11-Jul-2025 08:21:55.352 general: error: file.c',
      '2026-11-24T17:47:11.316Z general: error: file.c',
      'Nov 24 17:47:11 host named[812]: dumping master file: rename: a: unexpected error',
      '<30>Nov 24 17:47:11 host named[812]: x',
      'zone dyn.test/IN: loaded serial 1',
      'general: error: dumping master file: rename: a  b: permission denied',
      "client @0x1 127.0.0.1#5: updating zone 'a/IN': adding an RR at 'a' A 1.2.3.4",
      'file.c',
    ]) {
      expect(unwrapPastedLine(line)).toBe(line);
    }
  });

  it('strips colours, control characters and the frame, not the spaces inside', () => {
    expect(unwrapPastedLine(`${ESC}[31mnamed${ESC}[0m 11-Jul-2025 08:21:55.352 x`)).toBe(
      '11-Jul-2025 08:21:55.352 x',
    );
    expect(unwrapPastedLine('\u0000\u0007zone a/IN: x')).toBe('zone a/IN: x');
    // The frame and its padding go; spaces inside the line are named's.
    expect(unwrapPastedLine('│ named 11-Jul-2025 08:21:55.352 a    b   │')).toBe(
      '11-Jul-2025 08:21:55.352 a    b',
    );
  });

  it('takes at most two names before the time stamp', () => {
    const line = 'a b c 11-Jul-2025 08:21:55.352 x';
    expect(unwrapPastedLine(line)).toBe(line);
  });

  it('is linear on hostile pastes: frames, padding, escapes and names repeated to 16 KiB', async () => {
    const { bestCpuMs } = await import('../helpers/linear.js');
    const shapes = [
      (n: number) => `│${' '.repeat(n)}x${' '.repeat(n)}│`,
      (n: number) => `${'│ '.repeat(n)}x`,
      (n: number) => `${`${ESC}[`.repeat(n)}1`,
      (n: number) => `${`${ESC}[1;`.repeat(n)}`,
      (n: number) => `${'a '.repeat(n)}`,
      (n: number) => `[pod/${'a'.repeat(2 * n)}`,
      (n: number) => `named${' '.repeat(2 * n)}`,
      (n: number) => `${' \u00a0'.repeat(n)}x`,
    ];
    for (const shape of shapes) {
      const long = Array.from({ length: 64 }, () => shape(8000)).join('\n');
      const short = Array.from({ length: 1024 }, () => shape(500)).join('\n');
      parseNamedLog(long);
      const longMs = bestCpuMs(() => parseNamedLog(long));
      const shortMs = Math.max(
        5,
        bestCpuMs(() => parseNamedLog(short)),
      );
      expect(longMs / shortMs, `${shape(2)}: ${longMs} ms vs ${shortMs} ms`).toBeLessThanOrEqual(4);
    }
  }, 60_000);
});
