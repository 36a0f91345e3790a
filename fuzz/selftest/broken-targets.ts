/**
 * Deliberately broken targets for the harness self-test (test/unit/fuzz-harness.test.ts): the
 * runner must report each of them as failing, with the input that broke it.
 */
import type { FuzzTarget, Outcome } from '../targets/types.js';

/** Inputs are one random byte; the broken behaviour triggers on byte 0x2a ('*'). */
const TRIGGER = 0x2a;
const generate: FuzzTarget['generate'] = (rng) =>
  Buffer.from([rng.int(16) === 0 ? TRIGGER : rng.int(TRIGGER)]);
const trigger = (input: Buffer) => input[0] === TRIGGER;

export const targets: readonly FuzzTarget[] = [
  {
    name: 'throws',
    weight: 1,
    generate,
    run(input) {
      if (trigger(input)) throw new TypeError('boom: cannot read properties of undefined');
      return 'ok';
    },
  },
  {
    name: 'loops',
    weight: 1,
    generate,
    run(input) {
      if (trigger(input)) for (;;) {}
      return 'ok';
    },
  },
  {
    name: 'never-settles',
    weight: 1,
    generate,
    run(input) {
      if (trigger(input)) return new Promise<never>(() => {});
      return 'ok';
    },
  },
  {
    name: 'hogs-memory',
    weight: 1,
    generate,
    run(input) {
      if (trigger(input)) {
        const hoard: number[][] = [];
        for (;;) hoard.push(new Array(1_000_000).fill(1.5));
      }
      return 'ok';
    },
  },
  {
    name: 'huge-buffer',
    weight: 1,
    generate,
    run(input) {
      if (trigger(input)) return Buffer.alloc(0xffff_ffff).length > 0 ? 'ok' : 'err';
      return 'ok';
    },
  },
  {
    name: 'rejects',
    weight: 1,
    generate,
    async run(input): Promise<Outcome> {
      if (trigger(input)) throw new RangeError('async failure');
      return 'err';
    },
  },
  {
    // Work quadratic in the input: 1 input in 16 is 48 KiB (~1 G steps, seconds), the rest 1 byte.
    name: 'quadratic',
    weight: 1,
    generate: (rng) => (rng.int(16) === 0 ? Buffer.alloc(48 * 1024, TRIGGER) : generate(rng, [])),
    run(input) {
      let steps = 0;
      for (let i = 0; i < input.length; i++) {
        for (let j = i; j < input.length; j++) if (input[j] === 0) steps++;
      }
      return steps === 0 ? 'ok' : 'err';
    },
  },
  {
    name: 'healthy',
    weight: 1,
    generate,
    run(input) {
      return input[0]! % 2 === 0 ? 'ok' : 'err';
    },
  },
];
