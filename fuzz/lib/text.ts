/** Helpers for text targets: mutate as bytes or as tokens, and common random pieces. */
import { mutate, mutateTokens } from './mutate.js';
import type { Rng } from './rng.js';

/** Mutates text either token by token (with `dictionary`) or byte by byte. */
export function mutateText(
  rng: Rng,
  input: Buffer,
  others: readonly Buffer[],
  dictionary: readonly string[],
): Buffer {
  if (rng.chance(0.6))
    return Buffer.from(mutateTokens(rng, input.toString('utf8'), dictionary), 'utf8');
  return mutate(rng, input, others);
}

export const BASE64_SECRETS = [
  'k3IkV1RhL4zsMLxyFeNRuQ==',
  '/UzeY18XcTEMmsnyynNfr4Vo/4Z1cQvBTvDCA5eI0HY=',
  'bA2G3O6Y46vGBIShS/COVRCFe/6J+jB0ZhXYCdvewn4=',
  'c2VjcmV0',
  '',
  '====',
  'not base64!',
  'QUJD',
  'A'.repeat(2000),
];

export const ALGORITHMS = [
  'hmac-md5',
  'hmac-sha1',
  'hmac-sha224',
  'hmac-sha256',
  'hmac-sha384',
  'hmac-sha512',
  'hmac-sha256-128',
  'hmac-sha512-0',
  'hmac-md5.sig-alg.reg.int',
  'HMAC-SHA256',
  'rsa',
  '',
];

export const HOSTS = [
  '127.0.0.1',
  '::1',
  'localhost',
  '*',
  '0.0.0.0',
  '1.2.3',
  'fe80::1%lo',
  '256.1.1.1',
  'a'.repeat(300),
];
export const NUMBERS = [
  '0',
  '1',
  '53',
  '953',
  '65535',
  '65536',
  '-1',
  '4294967295',
  '4294967296',
  '99999999999999999999',
  '0x10',
  '1e3',
  '',
];

/** A word, quoted or not, with the odd escape. */
export function word(rng: Rng, choices: readonly string[]): string {
  const w = rng.chance(0.9) ? rng.pick(choices) : rng.text(20);
  const r = rng.int(6);
  if (r === 0) return `"${w.replace(/"/g, '\\"')}"`;
  if (r === 1) return `"${w}`;
  return w;
}

/** Random comments in the three BIND styles, sometimes unterminated. */
export function comment(rng: Rng): string {
  switch (rng.int(4)) {
    case 0:
      return `# ${rng.text(30)}\n`;
    case 1:
      return `// ${rng.text(30)}\n`;
    case 2:
      return `/* ${rng.text(30)} */`;
    default:
      return `/* ${rng.text(30)}`;
  }
}
