/**
 * config-lexer: `tokenize`, the lexer under rndc.conf, rndc.key and named.conf, alone — so that
 * large adversarial inputs (1–2 MiB runs of `/**\/`, comments, escaped strings, long words) can
 * come often enough for the time budget to catch work super-linear in a construct (4 MiB of
 * `/**\/` once took 28 s) without slowing the run.
 */
import { ConfigError } from '../../src/errors.js';
import { tokenize } from '../../src/keys/lexer.js';
import { adversarialConfig, CONFIG_FRAGMENTS } from '../lib/adversarial.js';
import type { Rng } from '../lib/rng.js';
import { comment, mutateText, word } from '../lib/text.js';
import { ContractViolation, expectTyped, type FuzzTarget, mixed, type Outcome } from './types.js';

const WORDS = ['key', 'algorithm', 'secret', 'include', 'options', '"a b"', '"\\"', 'hmac-sha256'];
const DICTIONARY = [...WORDS, ...CONFIG_FRAGMENTS, '{', '}', ';', '"', '\n', '/*', '*/', '//', '#'];

function structured(rng: Rng): Buffer {
  const parts = Array.from({ length: rng.range(1, 30) }, () =>
    rng.chance(0.3) ? comment(rng) : word(rng, WORDS),
  );
  return Buffer.from(parts.join(rng.pick([' ', '\n', ';\n', ' { ', ' }; '])));
}

export const configLexer: FuzzTarget = {
  name: 'config-lexer',
  weight: 2,
  generate(rng, seeds) {
    return mixed(
      rng,
      seeds,
      structured,
      (r, input, others) => mutateText(r, input, others, DICTIONARY),
      512,
      adversarialConfig,
      400,
    );
  },
  run(input): Outcome {
    const result = tokenize(input.toString('utf8'), 'fuzz.conf');
    if (result.isErr()) {
      expectTyped(result.error, ConfigError, 'tokenize');
      return 'err';
    }
    let line = 1;
    for (const token of result.value) {
      if (token.line < line) throw new ContractViolation('token lines go backwards');
      line = token.line;
    }
    return 'ok';
  },
};
