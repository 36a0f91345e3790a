/**
 * key-file: key text as rndc.key / tsig-keygen / rndc-confgen print it (parseKeyText), the
 * `[algorithm:]name:secret` string of `nsupdate -y` (parseKeyString), and the K*.key/K*.private
 * pair `nsupdate -k` reads (parseDnssecKeyPairText). An input holding a NUL is split there into
 * the .key and .private halves; otherwise both halves are the whole input.
 */
import { ConfigError } from '../../src/errors.js';
import { parseKeyString, parseKeyText } from '../../src/keys/keyfile.js';
import { parseDnssecKeyPairText } from '../../src/keys/nsupdate-key.js';
import { adversarialConfig } from '../lib/adversarial.js';
import type { Rng } from '../lib/rng.js';
import { ALGORITHMS, BASE64_SECRETS, comment, mutateText, word } from '../lib/text.js';
import { expectTyped, type FuzzTarget, mixed, type Outcome } from './types.js';

const DNSSEC_ALGORITHMS = ['157', '161', '162', '163', '164', '165', '8', '0', '256', '-1', 'x'];
const PRIVATE_TAGS = [
  'Key:',
  'Bits:',
  'Created:',
  'Publish:',
  'Activate:',
  'External:',
  'Inactive:',
  'Delete:',
  'Predecessor:',
  'Successor:',
  'Algorithm:',
  'Private-key-format:',
  'Lifetime:',
];
const DICTIONARY = [
  'key',
  'algorithm',
  'secret',
  'include',
  '{',
  '}',
  ';',
  '"',
  ':',
  '\n',
  '\0',
  'IN',
  'KEY',
  'DNSKEY',
  '512',
  '3',
  '@',
  '.',
  '3600',
  ...DNSSEC_ALGORITHMS,
  ...PRIVATE_TAGS,
  ...ALGORITHMS,
  ...BASE64_SECRETS.slice(0, 5),
  'v1.3',
  'v1.2',
  'v2.0',
  'AAA=',
  'AIA=',
  '20260101000000',
  '(HMAC_SHA256)',
];

function keyBlock(rng: Rng): string {
  const lines = [`key ${word(rng, ['"upd-key"', 'rndc-key', '"a b"', 'x.', '"'])} {`];
  if (rng.chance(0.9)) lines.push(`\talgorithm ${word(rng, ALGORITHMS)};`);
  if (rng.chance(0.9)) lines.push(`\tsecret "${rng.pick(BASE64_SECRETS)}";`);
  if (rng.chance(0.1)) lines.push(`\t${rng.pick(DICTIONARY)} ${rng.pick(DICTIONARY)};`);
  lines.push('};');
  return lines.join('\n');
}

function keyPair(rng: Rng): string {
  const algorithm = rng.chance(0.8)
    ? rng.pick(['157', '161', '163', '165'])
    : rng.pick(DNSSEC_ALGORITHMS);
  const secret = rng.pick(BASE64_SECRETS);
  const pub = [
    rng.chance(0.5) ? `; This is a key, keyid ${rng.int(65536)}, for upd-key.\n` : '',
    `${word(rng, ['upd-key.', 'upd-key', '@', 'a\\.b.', '"q"'])} ${rng.chance(0.5) ? '3600 ' : ''}${rng.chance(0.7) ? 'IN ' : ''}${rng.pick(['KEY', 'KEY', 'DNSKEY', 'A'])} ${rng.pick(['512', '256', '0', '65536'])} ${rng.pick(['3', '2'])} ${algorithm} ${rng.chance(0.5) ? '( ' : ''}${secret}${rng.chance(0.3) ? ' )' : ''}`,
  ].join('');
  const fields = [
    `Private-key-format: ${rng.pick(['v1.3', 'v1.2', 'v1.9', 'v2.0', 'x'])}`,
    `Algorithm: ${algorithm} (HMAC)`,
  ];
  const n = rng.int(5);
  for (let i = 0; i < n; i++) {
    const tag = rng.pick(PRIVATE_TAGS);
    fields.push(
      `${tag} ${rng.pick([secret, 'AAA=', 'AIA=', '20260101000000', '2026', rng.text(10)])}`,
    );
  }
  return `${pub}\0${fields.join(rng.pick(['\n', '\r\n']))}\n`;
}

function structured(rng: Rng): Buffer {
  switch (rng.int(4)) {
    case 0:
      return Buffer.from(
        Array.from({ length: rng.range(1, 3) }, () =>
          rng.chance(0.2) ? comment(rng) : keyBlock(rng),
        ).join('\n'),
      );
    case 1:
      return Buffer.from(
        `${rng.chance(0.5) ? `${word(rng, ALGORITHMS)}:` : ''}${word(rng, ['upd-key', '', 'a:b'])}:${rng.pick(BASE64_SECRETS)}`,
      );
    case 2:
      return Buffer.from(keyPair(rng));
    default:
      return Buffer.from(
        `# rndc-confgen\n${keyBlock(rng)}\n# options {\n#\tdefault-key "rndc-key";\n# };\n`,
      );
  }
}

export const keyFile: FuzzTarget = {
  name: 'key-file',
  weight: 15,
  // Three parsers run on every input (key text, key string, DNSSEC key pair).
  budgetScale: 4,
  generate(rng, seeds) {
    return mixed(
      rng,
      seeds,
      structured,
      (r, input, others) => mutateText(r, input, others, DICTIONARY),
      512,
      // Rare here: the config-lexer target takes these often, alone.
      adversarialConfig,
      8000,
    );
  },
  run(input): Outcome {
    const text = input.toString('utf8');
    const keys = parseKeyText(text, 'fuzz.key');
    if (keys.isErr()) expectTyped(keys.error, ConfigError, 'parseKeyText');
    const string = parseKeyString(text);
    if (string.isErr()) expectTyped(string.error, ConfigError, 'parseKeyString');
    const nul = text.indexOf('\0');
    const [pub, priv] = nul < 0 ? [text, text] : [text.slice(0, nul), text.slice(nul + 1)];
    const pair = parseDnssecKeyPairText(pub, priv, {
      key: 'Kfuzz.+163+00001.key',
      private: 'Kfuzz.+163+00001.private',
    });
    if (pair.isErr()) expectTyped(pair.error, ConfigError, 'parseDnssecKeyPairText');
    return keys.isOk() || string.isOk() || pair.isOk() ? 'ok' : 'err';
  },
};
