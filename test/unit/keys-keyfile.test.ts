// Key files (rndc.key, tsig-keygen output, named.conf fragments) and `-y` key strings.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseKeyFile, parseKeyString, parseKeyText, pickKey } from '../../src/keys/index.js';
import {
  expectNoSecret,
  keyBlock,
  makeTempDir,
  SECRET_A,
  SECRET_B,
  SECRET_MD5,
  type TempDir,
} from './keys-fixtures.js';

describe('parseKeyText', () => {
  it('reads an rndc.key', () => {
    const [key, ...rest] = parseKeyText(keyBlock('rndc-key'), '/etc/bind/rndc.key').unwrap();
    expect(rest).toEqual([]);
    expect(key?.name).toBe('rndc-key');
    expect(key?.algorithm).toBe('hmac-sha256');
    expect(key?.secretBytes().equals(Buffer.from(SECRET_A, 'base64'))).toBe(true);
    expect(key?.location).toEqual({ file: '/etc/bind/rndc.key', line: 1 });
  });

  it('reads every key of a named.conf fragment and ignores the rest with warnings', () => {
    const text = `options { directory "/var/cache/bind"; };
${keyBlock('first', 'hmac-md5', SECRET_MD5)}
controls { inet 127.0.0.1 allow { localhost; } keys { "first"; }; };
key second { algorithm HMAC-SHA512; secret ${SECRET_B}; };
`;
    const warnings: string[] = [];
    const keys = parseKeyText(text, 'named.conf', { onWarning: (w) => warnings.push(w) }).unwrap();
    expect(keys.map((key) => [key.name, key.algorithm, key.location?.line])).toEqual([
      ['first', 'hmac-md5', 2],
      ['second', 'hmac-sha512', 8],
    ]);
    expect(warnings).toEqual([
      "named.conf:1: statement 'options' ignored (not a key)",
      "named.conf:7: statement 'controls' ignored (not a key)",
    ]);
  });

  it('keeps a truncated TSIG algorithm', () => {
    const [key] = parseKeyText(keyBlock('t', 'hmac-sha256-128'), 'k').unwrap();
    expect(key?.algorithm).toBe('hmac-sha256');
    expect(key?.truncatedBits).toBe(128);
  });

  it('refuses two keys with the same name (ignoring case), like named', () => {
    const error = parseKeyText(`${keyBlock('same')}\n${keyBlock('SAME')}`, 'k.conf').unwrapErr();
    expect(error.kind).toBe('invalid-key');
    expect(error.location).toEqual({ file: 'k.conf', line: 6 });
    expect(error.message).toBe(
      'k.conf:6: key "SAME" already exists: previous definition at k.conf:1',
    );
  });

  it('fails when there is no key', () => {
    const error = parseKeyText('# nothing\n', 'empty.key').unwrapErr();
    expect(error.kind).toBe('missing-key');
    expect(error.message).toMatch(/^empty\.key: no 'key' statement found/);
  });

  it('does not follow includes, and says so', () => {
    const warnings: string[] = [];
    parseKeyText(`include "x";\n${keyBlock('k')}`, 'f', { onWarning: (w) => warnings.push(w) });
    expect(warnings).toEqual([
      'f:1: include not followed (parseKeyText reads no files; use parseKeyFile)',
    ]);
  });

  it('refuses unknown clauses in a key, as named-checkconf, nsupdate and rndc do', () => {
    const text = `key k {\n algorithm hmac-sha1;\n secret "${SECRET_A}";\n owner root;\n};`;
    const error = parseKeyText(text, 'f').unwrapErr();
    expect(error.kind).toBe('syntax');
    expect(error.message).toBe('f:4: unknown option \'owner\' in key "k"');
  });

  it('never shows the secret in errors about the key block', () => {
    const broken = [
      `key k { algorithm hmac-sha256; secret "${SECRET_A}" "${SECRET_B}"; };`,
      `key k { algorithm "${SECRET_A}"; secret "${SECRET_B}"; };`,
      `key k { secret ${SECRET_A} ${SECRET_B}; algorithm hmac-md5; };`,
      `key k { algorithm hmac-md5 ${SECRET_A}; };`,
      `key k { secret "${SECRET_A}"; secret "${SECRET_B}"; };`,
      `${SECRET_A} ${SECRET_B};`,
    ];
    for (const text of broken) {
      const warnings: string[] = [];
      const result = parseKeyText(text, 'k', { onWarning: (w) => warnings.push(w) });
      expect(result.isErr(), text).toBe(true);
      expectNoSecret(result.isErr() ? result.error : undefined, SECRET_A);
      expectNoSecret(result.isErr() ? result.error : undefined, SECRET_B);
      expectNoSecret(warnings, SECRET_A);
      expectNoSecret(warnings, SECRET_B);
    }
  });
});

describe('pickKey', () => {
  const keys = parseKeyText(`${keyBlock('Alpha')}${keyBlock('beta')}`, 'keys.conf').unwrap();

  it('finds a key by name, ignoring case', () => {
    expect(pickKey(keys, 'alpha').unwrap().name).toBe('Alpha');
    expect(pickKey(keys, 'BETA').unwrap().name).toBe('beta');
  });

  it('names the key, the file and the keys available when missing', () => {
    const error = pickKey(keys, 'gamma').unwrapErr();
    expect(error.kind).toBe('missing-key');
    expect(error.message).toBe('no key named "gamma" in keys.conf (keys defined: "Alpha", "beta")');
  });
});

describe('parseKeyFile', () => {
  let tmp: TempDir;
  beforeAll(async () => {
    tmp = await makeTempDir();
  });
  afterAll(async () => {
    await tmp.remove();
  });

  it('reads a file and follows its includes', async () => {
    await tmp.write('more.key', keyBlock('more', 'hmac-sha384'));
    const path = await tmp.write('named.keys', `${keyBlock('main')}include "more.key";\n`);
    const keys = (await parseKeyFile(path)).unwrap();
    expect(keys.map((key) => `${key.name}/${key.algorithm}`)).toEqual([
      'main/hmac-sha256',
      'more/hmac-sha384',
    ]);
    expect(keys[1]?.location).toEqual({ file: tmp.path('more.key'), line: 1 });
  });

  it('reports unreadable files', async () => {
    const missing = (await parseKeyFile(tmp.path('nope.key'))).unwrapErr();
    expect(missing.kind).toBe('file-unreadable');
    expect(missing.message).toBe(`cannot read "${tmp.path('nope.key')}": file not found`);
    const directory = (await parseKeyFile(tmp.dir)).unwrapErr();
    expect(directory.message).toMatch(/not a regular file/);
  });

  it('reports the file and line of a bad key', async () => {
    const path = await tmp.write('bad.key', `\n\nkey k {\n algorithm hmac-sha256;\n};\n`);
    const error = (await parseKeyFile(path)).unwrapErr();
    expect(error.kind).toBe('invalid-key');
    expect(error.message).toBe(
      `${path}:3: key "k" must have both 'secret' and 'algorithm' defined`,
    );
  });
});

describe('parseKeyString (nsupdate -y)', () => {
  it('reads algorithm:name:secret', () => {
    const key = parseKeyString(`hmac-sha256:update-key:${SECRET_A}`).unwrap();
    expect([key.name, key.algorithm]).toEqual(['update-key', 'hmac-sha256']);
    expect(key.secretBytes().equals(Buffer.from(SECRET_A, 'base64'))).toBe(true);
    expect(key.location).toBeUndefined();
  });

  it('defaults to hmac-md5 without an algorithm, as nsupdate does', () => {
    const key = parseKeyString(`legacy:${SECRET_MD5}`).unwrap();
    expect([key.name, key.algorithm]).toEqual(['legacy', 'hmac-md5']);
  });

  it('accepts truncated TSIG algorithms', () => {
    expect(parseKeyString(`hmac-sha512-256:k:${SECRET_A}`).unwrap().truncatedBits).toBe(256);
  });

  it('rejects malformed strings without repeating them', () => {
    const cases: Array<[string, string]> = [
      [SECRET_A, 'invalid-key'],
      [`a:b:c:${SECRET_A}`, 'invalid-key'],
      [`hmac-foo:k:${SECRET_A}`, 'unsupported-algorithm'],
      [`${SECRET_B}:k:${SECRET_A}`, 'unsupported-algorithm'],
      [`hmac-sha256::${SECRET_A}`, 'invalid-key'],
      [`hmac-sha256:k:${SECRET_A}!`, 'invalid-key'],
      [`${SECRET_A}:k`, 'invalid-key'],
    ];
    for (const [text, kind] of cases) {
      const error = parseKeyString(text).unwrapErr();
      expect(error.kind, text).toBe(kind);
      expectNoSecret(error, SECRET_A);
      expectNoSecret(error, SECRET_B);
    }
  });
});

describe('keys never reveal their secret', () => {
  it('in inspect, JSON, String and template strings', () => {
    const [key] = parseKeyText(keyBlock('k', 'hmac-sha256', SECRET_A), 'k').unwrap();
    expectNoSecret(key, SECRET_A);
    expectNoSecret([key], SECRET_A);
    expectNoSecret({ nested: { key } }, SECRET_A);
    expect(`${key}`).toBe('Key(k, hmac-sha256)');
    expect(JSON.stringify(key)).toBe(
      '{"name":"k","algorithm":"hmac-sha256","secret":"[redacted]"}',
    );
  });
});
