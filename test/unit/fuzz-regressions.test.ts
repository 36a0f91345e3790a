// Replays every input the fuzzer ever saved (fuzz/regressions/<target>/*.bin) and every seed of
// the corpus through its target: each must now end in a value or a typed error.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeCorpusFile, FUZZ_DIR, loadSeeds } from '../../fuzz/lib/corpus.js';
import { installAllocationGuard } from '../../fuzz/lib/guard.js';
import { targets } from '../../fuzz/targets/index.js';
import { zoneFuzzDir } from '../../fuzz/targets/zonefile-serial.js';

// The zonefile-serial target writes its inputs to a temporary directory.
afterAll(() => {
  const dir = zoneFuzzDir();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const regressionsDir = join(FUZZ_DIR, 'regressions');

function savedInputs(): { target: string; file: string; input: Buffer }[] {
  if (!existsSync(regressionsDir)) return [];
  return readdirSync(regressionsDir).flatMap((target) =>
    readdirSync(join(regressionsDir, target))
      .filter((name) => name.endsWith('.bin'))
      .map((name) => ({
        target,
        file: `${target}/${name}`,
        input: decodeCorpusFile(name, readFileSync(join(regressionsDir, target, name))),
      })),
  );
}

describe('fuzz regressions', () => {
  const saved = savedInputs();
  // As in the fuzz workers: no single Buffer over 16 MiB (the inputs are at most 1 MiB).
  let removeGuard: () => void = () => {};
  beforeEach(() => {
    removeGuard = installAllocationGuard(16 * 1024 * 1024);
  });
  afterEach(() => removeGuard());

  it('every saved input belongs to a known target and has its .txt report', () => {
    const names = new Set(targets.map((t) => t.name));
    for (const { target, file } of saved) {
      expect(names.has(target), file).toBe(true);
      expect(existsSync(join(regressionsDir, file.replace(/\.bin$/, '.txt'))), file).toBe(true);
    }
  });

  it('every saved input now ends in a value or a typed error', async () => {
    for (const { target, file, input } of saved) {
      const fuzzTarget = targets.find((t) => t.name === target)!;
      await fuzzTarget.setup?.();
      const outcome = await fuzzTarget.run(input);
      expect(['ok', 'err'], file).toContain(outcome);
    }
  });

  it('every corpus seed, and every truncation of the binary ones, ends in a value or a typed error', async () => {
    for (const target of targets) {
      await target.setup?.();
      const seeds = loadSeeds(target.name);
      expect(seeds.length, target.name).toBeGreaterThan(0);
      for (const seed of seeds) {
        expect(['ok', 'err']).toContain(await target.run(seed));
        if (
          target.name === 'isccc' ||
          target.name === 'dns-reply' ||
          target.name === 'xfr-stream'
        ) {
          for (let cut = 0; cut < seed.length; cut++) {
            expect(['ok', 'err']).toContain(await target.run(seed.subarray(0, cut)));
          }
        }
      }
    }
  });
});
