// `rndc-js triggers` on a terminal wraps to its width; piped, every row stays one line.
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { triggersCommand, triggersTable, wrapText } from '../../src/cli/triggers-command.js';
import { dumpTriggers } from '../../src/dump/triggers.js';
import { fakeIo } from '../helpers/cli-io.js';

const settings = {
  timeoutMs: 60_000,
  quiet: false,
  showResult: false,
  verbose: false,
  json: false,
} as Parameters<typeof triggersCommand>[1];

/** A fake io whose stdout is a terminal `columns` wide (or a pipe: isTTY false). */
function terminal(columns: number | undefined, isTTY = true): CliIo & { out(): string } {
  const io = fakeIo({ isTTY });
  return { ...io, stdout: { ...io.stdout, isTTY, ...(columns ? { columns } : {}) } };
}

const longest = (text: string) => Math.max(...text.split('\n').map((line) => line.length));
/** The words of the output, whatever the layout: nothing lost or cut in the middle of a word. */
const words = (text: string) => text.split(/\s+/).filter((w) => w !== '');

describe('wrapText', () => {
  it('breaks at spaces, cuts only words longer than a line, keeps every character', () => {
    expect(wrapText('aa bb cc', 5)).toEqual(['aa bb', 'cc']);
    expect(wrapText('abcdefghij k', 4)).toEqual(['abcd', 'efgh', 'ij k']);
    expect(wrapText('short', undefined)).toEqual(['short']);
    expect(wrapText('', 10)).toEqual(['']);
    // Hostile widths: zero, negative, fractional — one character a line at worst, never a hang.
    expect(wrapText('abc', 0)).toEqual(['a', 'b', 'c']);
    expect(wrapText('ab', -5)).toEqual(['a', 'b']);
    expect(wrapText('abcd', 2.7)).toEqual(['ab', 'cd']);
  });
});

describe('triggers on a terminal', () => {
  for (const columns of [200, 120, 80, 60, 40]) {
    it(`${columns} columns: no line wider, no word lost`, async () => {
      const io = terminal(columns);
      expect(await triggersCommand(['--notes'], settings, io)).toBe(0);
      const out = io.out();
      expect(longest(out)).toBeLessThanOrEqual(columns);
      const piped = triggersTable(dumpTriggers, true);
      // The same words as the unwrapped table (the narrow layout drops the header for labels).
      const expected = words(piped).filter(
        (w) => !['OPERATION', 'WRITES', 'WHEN', 'SOURCE'].includes(w),
      );
      const got = words(out).filter(
        (w) =>
          !['OPERATION', 'WRITES', 'WHEN', 'SOURCE', 'writes:', 'when:', 'source:'].includes(w),
      );
      expect(got.join(' ')).toBe(expected.join(' '));
    });
  }

  it('wide enough for the table: the header and the columns, SOURCE wrapped under itself', () => {
    const table = triggersTable(dumpTriggers, false, 180);
    const lines = table.split('\n');
    const sourceAt = lines[0]?.indexOf('SOURCE') ?? -1;
    expect(sourceAt).toBeGreaterThan(0);
    expect(longest(table)).toBeLessThanOrEqual(180);
    // Continuation lines start exactly under SOURCE.
    const continued = lines.filter((line) => line.startsWith(' '.repeat(sourceAt)));
    expect(continued.length).toBeGreaterThan(0);
    for (const line of continued) expect(line[sourceAt]).not.toBe(' ');
  });

  it('piped (not a terminal) or without a width: one line per row, as before', async () => {
    for (const io of [terminal(40, false), terminal(undefined, true)]) {
      expect(await triggersCommand([], settings, io)).toBe(0);
      expect(io.out()).toBe(triggersTable(dumpTriggers));
      expect(
        io
          .out()
          .split('\n')
          .filter((l) => l !== ''),
      ).toHaveLength(dumpTriggers.length + 1);
    }
  });

  it('a terminal that reports an absurd width (1 column) is treated as unknown: no wrapping', async () => {
    const io = terminal(1);
    expect(await triggersCommand([], settings, io)).toBe(0);
    expect(io.out()).toBe(triggersTable(dumpTriggers));
  });
});
