/**
 * Saves an input as a regression by hand (the runner does it automatically for what it finds):
 *   node --import tsx fuzz/save-regression.ts TARGET HEX "what it broke"
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FUZZ_DIR } from './lib/corpus.js';

const [target, hex, ...why] = process.argv.slice(2);
if (!target || hex === undefined) {
  console.error('usage: save-regression.ts TARGET HEX DESCRIPTION');
  process.exit(2);
}
const input = Buffer.from(hex.replace(/\s+/g, ''), 'hex');
const sha1 = createHash('sha1').update(input).digest('hex');
const dir = join(FUZZ_DIR, 'regressions', target);
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, `${sha1}.bin`), input);
writeFileSync(
  join(dir, `${sha1}.txt`),
  `target: ${target}\nkind: exception\nbytes: ${input.length}\n\n${why.join(' ')}\n`,
);
console.log(join(dir, `${sha1}.bin`));
