/**
 * rndc-conf: parseRndcConf (lexer, statement tree, includes, interpretation). Includes are read
 * from a small in-memory file system (with a self-include, a loop, a missing file, a binary file
 * and a wide fan-out), never from disk.
 */
import { ConfigError } from '../../src/errors.js';
import { parseRndcConf } from '../../src/keys/config.js';
import { adversarialConfig } from '../lib/adversarial.js';
import type { Rng } from '../lib/rng.js';
import {
  ALGORITHMS,
  BASE64_SECRETS,
  comment,
  HOSTS,
  mutateText,
  NUMBERS,
  word,
} from '../lib/text.js';
import { expectTyped, type FuzzTarget, mixed, type Outcome } from './types.js';

const FILES: Record<string, string | Uint8Array> = {
  '/fuzz/etc/self.conf': 'include "/fuzz/etc/self.conf";',
  '/fuzz/etc/a.conf': 'include "b.conf"; key k { algorithm hmac-md5; secret "c2VjcmV0"; };',
  '/fuzz/etc/b.conf': 'include "a.conf";',
  '/fuzz/etc/key.conf':
    'key "rndc-key" { algorithm hmac-sha256; secret "bA2G3O6Y46vGBIShS/COVRCFe/6J+jB0ZhXYCdvewn4="; };',
  '/fuzz/etc/binary.conf': new Uint8Array([0, 1, 2, 0xff, 0xfe, 0x7b]),
  '/fuzz/etc/fan.conf': Array.from({ length: 20 }, (_, i) => `include "fan${i % 3}.conf";`).join(
    '\n',
  ),
  '/fuzz/etc/fan0.conf': 'include "fan1.conf"; include "fan2.conf";',
  '/fuzz/etc/fan1.conf': 'include "fan2.conf";',
  '/fuzz/etc/fan2.conf': 'options { default-port 953; };',
  '/fuzz/etc/open.conf': 'key x {',
};
const INCLUDES = [
  ...Object.keys(FILES),
  'self.conf',
  'missing.conf',
  '/fuzz/etc',
  '',
  '/dev/zero',
  'a.conf',
];

async function readFile(path: string): Promise<string | Uint8Array> {
  const content = FILES[path];
  if (content === undefined) {
    throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), {
      code: 'ENOENT',
      path,
    });
  }
  return content;
}

export const DICTIONARY = [
  'key',
  'options',
  'server',
  'include',
  'algorithm',
  'secret',
  'addresses',
  'port',
  'default-server',
  'default-key',
  'default-port',
  'default-source-address',
  'default-source-address-v6',
  'source-address',
  'source-address-v6',
  'controls',
  'inet',
  'allow',
  'keys',
  '{',
  '}',
  ';',
  '"',
  '/*',
  '*/',
  '//',
  '#',
  '\\',
  '\n',
  ...ALGORITHMS,
  ...BASE64_SECRETS.slice(0, 4),
  ...HOSTS.slice(0, 6),
  ...NUMBERS,
];

function keyStatement(rng: Rng): string {
  const parts: string[] = [];
  if (rng.chance(0.9)) parts.push(`algorithm ${word(rng, ALGORITHMS)};`);
  if (rng.chance(0.9))
    parts.push(
      `secret ${rng.chance(0.8) ? `"${rng.pick(BASE64_SECRETS)}"` : word(rng, BASE64_SECRETS)};`,
    );
  if (rng.chance(0.1)) parts.push(`${rng.pick(DICTIONARY)} ${rng.pick(DICTIONARY)};`);
  return `key ${word(rng, ['rndc-key', 'k', 'a.b.', '"quoted key"', ''])} { ${parts.join(' ')} };`;
}

function serverStatement(rng: Rng): string {
  const clauses: string[] = [];
  if (rng.chance(0.7)) clauses.push(`key ${word(rng, ['rndc-key', 'k', 'missing'])};`);
  if (rng.chance(0.5)) clauses.push(`port ${rng.pick(NUMBERS)};`);
  if (rng.chance(0.5)) {
    const list = Array.from({ length: rng.int(13) }, () =>
      rng.chance(0.5) ? `${rng.pick(HOSTS)};` : `${rng.pick(HOSTS)} port ${rng.pick(NUMBERS)};`,
    );
    clauses.push(`addresses { ${list.join(' ')} };`);
  }
  if (rng.chance(0.3)) clauses.push(`source-address ${rng.pick(HOSTS)};`);
  if (rng.chance(0.2)) clauses.push(`source-address-v6 ${rng.pick(HOSTS)};`);
  return `server ${word(rng, HOSTS)} { ${clauses.join(' ')} };`;
}

function optionsStatement(rng: Rng): string {
  const names = [
    'default-server',
    'default-key',
    'default-port',
    'default-source-address',
    'default-source-address-v6',
    'unknown-option',
  ];
  const clauses = Array.from({ length: rng.int(6) }, () => {
    const name = rng.pick(names);
    const value = name.includes('port')
      ? rng.pick(NUMBERS)
      : name.includes('key')
        ? 'rndc-key'
        : rng.pick(HOSTS);
    return `${name} ${value};`;
  });
  return `options { ${clauses.join(' ')} };`;
}

/** A token-level rndc.conf. */
export function rndcConfText(rng: Rng): string {
  const statements: string[] = [];
  const n = rng.range(1, 6);
  for (let i = 0; i < n; i++) {
    switch (rng.int(7)) {
      case 0:
      case 1:
        statements.push(keyStatement(rng));
        break;
      case 2:
        statements.push(optionsStatement(rng));
        break;
      case 3:
      case 4:
        statements.push(serverStatement(rng));
        break;
      case 5:
        statements.push(`include "${rng.pick(INCLUDES)}";`);
        break;
      default:
        statements.push(
          rng.chance(0.5) ? comment(rng) : `${'{'.repeat(rng.int(80))}${'}'.repeat(rng.int(80))}`,
        );
    }
    if (rng.chance(0.2)) statements.push(comment(rng));
  }
  return statements.join(rng.pick(['\n', ' ', '\r\n', '']));
}

export const rndcConf: FuzzTarget = {
  name: 'rndc-conf',
  weight: 10,
  // Includes are followed (fan-out, loops): more work per input byte than one parse.
  budgetScale: 4,
  generate(rng, seeds) {
    return mixed(
      rng,
      seeds,
      (r) => Buffer.from(rndcConfText(r), 'utf8'),
      (r, input, others) => mutateText(r, input, others, DICTIONARY),
      512,
      // Rare here: the config-lexer target takes these often, alone.
      adversarialConfig,
      8000,
    );
  },
  async run(input): Promise<Outcome> {
    const result = await parseRndcConf(input.toString('utf8'), {
      file: '/fuzz/etc/rndc.conf',
      readFile,
    });
    if (result.isOk()) return 'ok';
    expectTyped(result.error, ConfigError, 'parseRndcConf');
    return 'err';
  },
};
