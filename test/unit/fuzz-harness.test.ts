// The fuzz runner must not pass silently: given deliberately broken targets (throws, loops,
// never settles, exhausts the heap, allocates 4 GiB, rejects) it reports each failure with the
// input, saves it, and exits 1; a healthy target passes.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { plan } from '../../fuzz/engine.js';

const dir = mkdtempSync(join(tmpdir(), 'rndc-fuzz-harness-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runFuzz(args: string[]) {
  const run = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      'fuzz/run.ts',
      '--targets-module',
      'fuzz/selftest/broken-targets.ts',
      ...args,
    ],
    { encoding: 'utf8', timeout: 170_000 },
  );
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe('fuzz harness self-test', () => {
  it('reports throws, hangs, unsettled promises, heap exhaustion, huge buffers and rejections', () => {
    const regressions = join(dir, 'broken');
    const run = runFuzz([
      '--target',
      'throws,loops,never-settles,hogs-memory,huge-buffer,rejects',
      '--count',
      '600',
      '--batch',
      '50',
      '--hang-ms',
      '1000',
      '--max-old-mb',
      '64',
      '--seed',
      '3',
      '--regressions-dir',
      regressions,
    ]);
    expect(run.status, run.output).toBe(1);
    expect(run.output).toMatch(/FAIL throws #\d+ \(exception\): TypeError: boom/);
    expect(run.output).toMatch(/FAIL loops #\d+ \(hang\)/);
    expect(run.output).toMatch(/FAIL never-settles #\d+ \(hang\)/);
    expect(run.output).toMatch(/FAIL hogs-memory #\d+ \(crash\): worker died: out of memory/);
    expect(run.output).toMatch(/FAIL huge-buffer #\d+ \(exception\): AllocationGuardError/);
    expect(run.output).toMatch(/FAIL rejects #\d+ \(exception\): RangeError: async failure/);
    expect(run.output).toMatch(/^fuzz: 600 inputs, [1-9]\d* failures, /m);
    for (const target of [
      'throws',
      'loops',
      'never-settles',
      'hogs-memory',
      'huge-buffer',
      'rejects',
    ]) {
      const files = readdirSync(join(regressions, target));
      const bin = files.find((f) => f.endsWith('.bin'))!;
      expect(bin, target).toMatch(/^[0-9a-f]{40}\.bin$/);
      // The broken targets fail on the byte 0x2a, and that is the input saved.
      expect([...readFileSync(join(regressions, target, bin))], target).toEqual([0x2a]);
      const report = readFileSync(join(regressions, target, bin.replace('.bin', '.txt')), 'utf8');
      expect(report).toContain(`target: ${target}`);
      expect(report).toMatch(/index: \d+/);
    }
    // Two hang confirmations (3 s each), an out-of-memory worker and five restarts: slow on a
    // loaded machine (it once took 32 s), so this test has its own, larger timeout.
  }, 180_000);

  it('the per-input time budget fails a target whose work is quadratic in its input', () => {
    const regressions = join(dir, 'quadratic');
    const run = runFuzz([
      '--target',
      'quadratic',
      '--count',
      '48',
      '--batch',
      '48',
      '--seed',
      '5',
      '--regressions-dir',
      regressions,
    ]);
    expect(run.status, run.output).toBe(1);
    expect(run.output).toMatch(
      /FAIL quadratic #\d+ \(slow\): TimeBudgetError: \d+ ms for 49152 bytes \(best of two runs\), over the budget of \d+ ms/,
    );
    const bin = readdirSync(join(regressions, 'quadratic')).find((f) => f.endsWith('.bin'))!;
    expect(readFileSync(join(regressions, 'quadratic', bin)).length).toBe(48 * 1024);
  }, 180_000);

  it('a healthy target stays within the budget (and --budget-ms is accepted)', () => {
    const run = runFuzz([
      '--target',
      'healthy',
      '--count',
      '200',
      '--budget-ms',
      '250',
      '--regressions-dir',
      join(dir, 'linear'),
    ]);
    expect(run.status, run.output).toBe(0);
  });

  it('a healthy target passes with exit 0 and the per-target table', () => {
    const regressions = join(dir, 'healthy');
    const run = runFuzz([
      '--target',
      'healthy',
      '--count',
      '2000',
      '--seed',
      '1',
      '--regressions-dir',
      regressions,
    ]);
    expect(run.status, run.output).toBe(0);
    expect(run.output).toMatch(/^healthy\s+2000\s+\d+\s+\d+\s+0\s+\d+$/m);
    expect(run.output).toMatch(/^fuzz: 2000 inputs, 0 failures, /m);
    expect(existsSync(regressions)).toBe(false);
  });

  it('--require-count fails when the time bound stops the run early', () => {
    const run = runFuzz([
      '--target',
      'healthy',
      '--count',
      '5000000',
      '--time',
      '0.5',
      '--require-count',
      '--regressions-dir',
      join(dir, 'timed'),
    ]);
    expect(run.status, run.output).toBe(1);
    expect(run.output).toMatch(/stopped at the time bound/);
  });

  it('bad arguments exit 2', () => {
    expect(runFuzz(['--target', 'no-such-target']).status).toBe(2);
    expect(runFuzz(['--count', 'many']).status).toBe(2);
  });

  it('plans the count over the targets by weight, in interleaved batches', () => {
    const batches = plan({
      count: 1_000_000,
      targets: new Map([
        ['a', 3],
        ['b', 1],
      ]),
      batchSize: 100_000,
      seed: 1,
    });
    const total = (name: string) =>
      batches.filter((b) => b.target === name).reduce((sum, b) => sum + b.end - b.start, 0);
    expect(total('a') + total('b')).toBe(1_000_000);
    expect(total('a')).toBe(750_000);
    expect(batches.slice(0, 2).map((b) => b.target)).toEqual(['a', 'b']);
  });
});
