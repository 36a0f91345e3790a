// Linear-time checks that hold on a loaded machine: they compare CPU time (this process's own,
// which other processes' load does not add to) at two input sizes, best of a few runs, instead
// of asserting wall-clock speed.
import { cpuUsage } from 'node:process';

/** CPU milliseconds `fn` took in this process, best of `runs`. */
export function bestCpuMs(fn: () => void, runs = 3): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const before = cpuUsage();
    fn();
    const spent = cpuUsage(before);
    best = Math.min(best, (spent.user + spent.system) / 1000);
  }
  return best;
}

/** How the time of `run` grew from the small input to the large one. */
export interface Scaling {
  readonly smallMs: number;
  readonly largeMs: number;
  /** largeMs / smallMs. */
  readonly timeRatio: number;
  /** large / small. */
  readonly sizeRatio: number;
}

/**
 * Runs `make(size)` once per size (untimed), then times `run` on each input (after a warm-up
 * run, best of three). A linear `run` gives `timeRatio ≈ sizeRatio`; a quadratic one gives
 * `timeRatio ≈ sizeRatio²`. Small inputs get a floor of `floorMs`, so that timer resolution
 * and fixed costs do not make the ratio meaningless.
 */
export function scaling<T>(
  make: (size: number) => T,
  run: (input: T) => void,
  small: number,
  large: number,
  floorMs = 2,
): Scaling {
  const a = make(small);
  const b = make(large);
  run(a);
  run(b);
  const smallMs = Math.max(
    floorMs,
    bestCpuMs(() => run(a)),
  );
  const largeMs = bestCpuMs(() => run(b));
  return { smallMs, largeMs, timeRatio: largeMs / smallMs, sizeRatio: large / small };
}

/** `text` repeated up to `size` characters (shared with the fuzz generators). */
export { repeatTo } from '../../fuzz/lib/adversarial.js';
