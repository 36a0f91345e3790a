/** What a fuzz target provides to the runner. */
import type { Rng } from '../lib/rng.js';

/** How one input ended: a value, or an error value of the module's typed error class. */
export type Outcome = 'ok' | 'err';

export interface FuzzTarget {
  readonly name: string;
  /** Share of the default input count (relative weight). */
  readonly weight: number;
  /** Makes input number `index` from `rng` (deterministic); `seeds` is the loaded corpus. */
  generate(rng: Rng, seeds: readonly Buffer[]): Buffer;
  /**
   * Runs the code under test on `input`. Returns how it ended; THROWS when the code under test
   * broke its contract (threw, or returned an error that is not the module's typed error).
   */
  run(input: Buffer): Outcome | Promise<Outcome>;
  /**
   * Multiplies the run's per-input time budget for this target (default 1), for targets whose
   * work per byte is larger by design (files read, includes followed, one UPDATE per line).
   */
  readonly budgetScale?: number;
  /** Called once in each worker before the first input (temp files…). */
  setup?(): void | Promise<void>;
}

/** Thrown by a target when the code under test returned something outside its contract. */
export class ContractViolation extends Error {
  override name = 'ContractViolation';
}

/** Asserts `error` is an instance of `cls`; throws a {@link ContractViolation} otherwise. */
export function expectTyped(
  error: unknown,
  cls: abstract new (...args: never[]) => unknown,
  where: string,
): void {
  if (!(error instanceof cls)) {
    throw new ContractViolation(
      `${where}: error value is not a ${cls.name}: ${error instanceof Error ? error.stack : String(error)}`,
    );
  }
}

/**
 * Mixes the three input sources: random bytes, mutated seeds/structured inputs, and
 * structure-aware generation (sometimes mutated as well).
 */
export function mixed(
  rng: Rng,
  seeds: readonly Buffer[],
  structured: (rng: Rng) => Buffer,
  mutateFn: (rng: Rng, input: Buffer, others: readonly Buffer[]) => Buffer,
  maxRandom = 512,
  adversarial?: (rng: Rng) => Buffer,
  adversarialEvery = 2000,
): Buffer {
  // Rarely (they are large): an input made to exercise the time budget.
  if (adversarial && rng.int(adversarialEvery) === 0) return adversarial(rng);
  const r = rng.int(100);
  if (r < 2) return amplify(rng, structured(rng));
  if (r < 10) return rng.bytes(rng.size(maxRandom));
  if (r < 45 && seeds.length > 0) {
    const seed = rng.pick(seeds);
    if (rng.chance(0.05)) return seed.subarray(0, rng.int(seed.length + 1));
    return mutateFn(rng, seed, seeds);
  }
  const built = structured(rng);
  return rng.chance(0.5) ? mutateFn(rng, built, seeds) : built;
}

/** Repeats a slice of `base` thousands of times (up to 256 KiB): finds super-linear work. */
export function amplify(rng: Rng, base: Buffer): Buffer {
  if (base.length === 0) return base;
  const at = rng.int(base.length);
  const piece = base.subarray(at, at + rng.range(1, 64));
  const times = Math.min(rng.range(100, 20_000), Math.floor((256 * 1024) / piece.length));
  const repeated = Buffer.alloc(piece.length * times).fill(piece);
  return Buffer.concat([base.subarray(0, at), repeated, base.subarray(at)]);
}
