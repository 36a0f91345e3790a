// The progress line of a long wait: the text with its deadline, drawn only on a terminal and
// never with --json, erased when the wait ends; hostile text cannot reach the terminal raw.
import { describe, expect, it, vi } from 'vitest';
import { progressText, startProgress } from '../../src/cli/progress.js';
import { fakeIo } from '../helpers/cli-io.js';

const ESC = String.fromCharCode(27);

describe('progressText', () => {
  it('what, time spent and the deadline', () => {
    expect(progressText('waiting for named to write example.com', 3240, 30_000)).toBe(
      'rndc-js: waiting for named to write example.com … 3.2 s of 30 s',
    );
    expect(progressText('waiting', 1500, 2500)).toBe('rndc-js: waiting … 1.5 s of 2.5 s');
    expect(progressText('waiting', 125_400, 600_000)).toBe('rndc-js: waiting … 125 s of 600 s');
    // No deadline known (or a nonsense one): the time spent only.
    expect(progressText('waiting', 0)).toBe('rndc-js: waiting … 0.0 s');
    expect(progressText('waiting', 100, Number.POSITIVE_INFINITY)).toBe('rndc-js: waiting … 0.1 s');
    expect(progressText('waiting', -5, 1000)).toBe('rndc-js: waiting … 0.0 s of 1 s');
  });

  it('hostile text: control characters escaped, length bounded', () => {
    const text = progressText(`zone${ESC}]0;pwned\x07\r\n${ESC}[2J`, 0, 1000);
    expect([...text].filter((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)).toEqual([]);
    expect(text).toContain('zone\\x1b]0;pwned\\x07\\x0d\\x0a\\x1b[2J');
    const long = progressText('x'.repeat(1_000_000), 0, 1000);
    expect(long.length).toBeLessThan(300);
  });
});

describe('startProgress', () => {
  it('on a terminal: drawn at once, redrawn with the time spent, erased when stopped; nothing after', () => {
    vi.useFakeTimers();
    try {
      const io = fakeIo({ isTTY: true });
      const stop = startProgress(io, 'waiting for named to write t.test', { deadlineMs: 30_000 });
      expect(io.err()).toBe(`\r${ESC}[Krndc-js: waiting for named to write t.test … 0.0 s of 30 s`);
      vi.advanceTimersByTime(3200);
      expect(
        io.err().endsWith(`\r${ESC}[Krndc-js: waiting for named to write t.test … 3.2 s of 30 s`),
      ).toBe(true);
      stop();
      expect(io.err().endsWith(`\r${ESC}[K`)).toBe(true);
      const after = io.err();
      stop();
      vi.advanceTimersByTime(5000);
      // Stopped: no redraw and no second erase.
      expect(io.err()).toBe(after);
    } finally {
      vi.useRealTimers();
    }
  });

  it('not on a terminal, or with --json: nothing at all', () => {
    for (const [isTTY, json] of [
      [false, false],
      [true, true],
      [false, true],
    ] as const) {
      const io = fakeIo({ isTTY });
      const stop = startProgress(io, 'waiting', { deadlineMs: 1000, json });
      stop();
      expect(io.err()).toBe('');
      expect(io.out()).toBe('');
    }
  });
});
