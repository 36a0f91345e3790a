// `nsupdate -k` key files: K{name}.+{alg}+{id} pairs and named.conf-style key files, read by
// loadNsupdateKey / parseDnssecKeyPair. Where nsupdate is installed it is the referee: a file we
// accept must load in nsupdate, a file we reject must make nsupdate print "could not read key".
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DNSSEC_HMAC_ALGORITHMS,
  dnssecKeyPairPaths,
  loadNsupdateKey,
  parseDnssecKeyPair,
  parseDnssecKeyPairText,
  parseKeyFile,
} from '../../src/keys/index.js';
import { findBinary, runBinary } from '../../src/testing/index.js';
import {
  expectNoSecret,
  keyBlock,
  makeTempDir,
  SECRET_A,
  SECRET_B,
  type TempDir,
} from './keys-fixtures.js';

const nsupdatePath = findBinary('nsupdate');
const tsigKeygenPath = findBinary('tsig-keygen');

const ALGORITHM_LABEL: Readonly<Record<number, string>> = {
  157: 'HMAC_MD5',
  161: 'HMAC_SHA1',
  162: 'HMAC_SHA224',
  163: 'HMAC_SHA256',
  164: 'HMAC_SHA384',
  165: 'HMAC_SHA512',
};

function publicText(owner: string, algorithm: number, secret: string): string {
  return `${owner} IN KEY 512 3 ${algorithm} ${secret}\n`;
}

function privateText(algorithm: number, secret: string, bits = 'AAA='): string {
  return [
    'Private-key-format: v1.3',
    `Algorithm: ${algorithm} (${ALGORITHM_LABEL[algorithm] ?? '?'})`,
    `Key: ${secret}`,
    `Bits: ${bits}`,
    '',
  ].join('\n');
}

let tmp: TempDir;
let counter = 0;

beforeAll(async () => {
  tmp = await makeTempDir();
});

afterAll(async () => {
  await tmp?.remove();
});

/** Writes a pair under a fresh name; returns the .private path. */
async function writePair(publicBody: string, privateBody: string, base?: string): Promise<string> {
  counter++;
  const name = base ?? `pair${counter}/Kupd-key.+163+${String(counter).padStart(5, '0')}`;
  await tmp.write(`${name}.key`, publicBody);
  return tmp.write(`${name}.private`, privateBody);
}

/**
 * Whether nsupdate -k loads the key. When it cannot, nsupdate prints "could not read key …" and
 * carries on unsigned (exit 0), or stops at once for a key statement without secret (exit 1).
 */
async function nsupdateLoads(path: string): Promise<{ loaded: boolean; stderr: string }> {
  const result = await runBinary(nsupdatePath ?? 'nsupdate', ['-k', path], { input: 'show\n' });
  const loaded = result.exitCode === 0 && !result.stderr.includes('could not read key');
  return { loaded, stderr: result.stderr };
}

describe('K* pairs: the six HMAC algorithms', () => {
  it.each(Object.entries(DNSSEC_HMAC_ALGORITHMS))('%s is %s', async (number, algorithm) => {
    const secret = Buffer.from(`secret for ${algorithm} -- 32 bytes..`.slice(0, 32)).toString(
      'base64',
    );
    const path = await writePair(
      publicText(`upd-${number}.example.`, Number(number), secret),
      number === '157'
        ? privateText(157, secret).replace('Bits: AAA=\n', '') // md5 may omit Bits (old format)
        : privateText(Number(number), secret),
      `alg${number}/Kupd-${number}.example.+${number}+12345`,
    );
    const warnings: string[] = [];
    const key = (await loadNsupdateKey(path, { onWarning: (w) => warnings.push(w) })).unwrap();
    expect(key.name).toBe(`upd-${number}.example`);
    expect(key.algorithm).toBe(algorithm);
    expect(key.truncatedBits).toBeUndefined();
    expect(key.secretBytes().equals(Buffer.from(secret, 'base64'))).toBe(true);
    expect(key.location).toEqual({ file: path, line: 3 });
    expect(warnings).toEqual([
      `${path}:3: K* file pairs for HMAC keys are deprecated by BIND; prefer a key file from tsig-keygen`,
    ]);
    if (nsupdatePath) {
      const theirs = await nsupdateLoads(path);
      expect(theirs.loaded, theirs.stderr).toBe(true);
      expect(theirs.stderr).toContain('Use of K* file pairs for HMAC is deprecated');
    }
  });
});

describe('K* pairs: paths and variants nsupdate accepts', () => {
  it('takes the .private path, the .key path, no suffix, or a trailing dot', async () => {
    const privatePath = await writePair(
      publicText('upd-key.', 163, SECRET_A),
      privateText(163, SECRET_A),
    );
    const base = privatePath.slice(0, -'.private'.length);
    expect(dnssecKeyPairPaths(`${base}.key`)).toEqual({
      base,
      key: `${base}.key`,
      private: privatePath,
    });
    for (const path of [privatePath, `${base}.key`, base, `${base}.`]) {
      expect((await loadNsupdateKey(path)).unwrap().name).toBe('upd-key');
      if (nsupdatePath) expect((await nsupdateLoads(path)).loaded).toBe(true);
    }
  });

  const ACCEPTED: ReadonlyArray<readonly [string, string, string]> = [
    ['no class', `upd-key. KEY 512 3 163 ${SECRET_A}\n`, privateText(163, SECRET_A)],
    ['TTL and class', `upd-key. 1h IN KEY 512 3 163 ${SECRET_A}\n`, privateText(163, SECRET_A)],
    [
      'comments and parentheses',
      `; made by hand\nupd-key. IN KEY 512 3 163 ( ; the secret\n  ${SECRET_A.slice(0, 20)}\n  ${SECRET_A.slice(20)} )\n`,
      privateText(163, SECRET_A),
    ],
    [
      'protocol 0, hex flags',
      `upd-key. IN KEY 0x200 0 163 ${SECRET_A}\n`,
      privateText(163, SECRET_A),
    ],
    [
      'lower-case field names, timing fields, blank lines',
      publicText('upd-key.', 163, SECRET_A),
      `Private-key-format: v1.3\nAlgorithm: 163\n\nkey: ${SECRET_A}\n\nbits: AAA=\ncreated: 20240101000000\nPublish: 20240101000000\n`,
    ],
    [
      'the secret split over words, words after the version and algorithm',
      publicText('upd-key.', 163, SECRET_A),
      `Private-key-format: v1.3 extra\nAlgorithm: 163 (HMAC_SHA256) more\nKey: ${SECRET_A.slice(0, 10)} ${SECRET_A.slice(10)}\nBits: AAA=\n`,
    ],
    [
      'CRLF',
      publicText('upd-key.', 163, SECRET_A).replace('\n', '\r\n'),
      privateText(163, SECRET_A).replaceAll('\n', '\r\n'),
    ],
    [
      'unknown fields in a newer minor version',
      publicText('upd-key.', 163, SECRET_A),
      privateText(163, SECRET_A).replace('v1.3', 'v1.4').concat('Future: stuff\n'),
    ],
  ];

  it.each(ACCEPTED)('%s', async (_name, pub, priv) => {
    const path = await writePair(pub, priv);
    const key = (await loadNsupdateKey(path)).unwrap();
    expect([key.name, key.algorithm]).toEqual(['upd-key', 'hmac-sha256']);
    expect(key.secretBytes().equals(Buffer.from(SECRET_A, 'base64'))).toBe(true);
    if (nsupdatePath) {
      const theirs = await nsupdateLoads(path);
      expect(theirs.loaded, theirs.stderr).toBe(true);
    }
  });

  it('reads Bits: as the MAC truncation', async () => {
    const path = await writePair(
      publicText('upd-key.', 163, SECRET_A),
      privateText(163, SECRET_A, 'AIA='),
    );
    const key = (await loadNsupdateKey(path)).unwrap();
    expect([key.algorithm, key.truncatedBits]).toEqual(['hmac-sha256', 128]);
  });

  it("accepts a short Bits: (64) with named-checkconf's warning, as nsupdate accepts it", async () => {
    const path = await writePair(
      publicText('upd-key.', 163, SECRET_A),
      privateText(163, SECRET_A, 'AEA='),
    );
    const warnings: string[] = [];
    const key = (await loadNsupdateKey(path, { onWarning: (w) => warnings.push(w) })).unwrap();
    expect([key.algorithm, key.truncatedBits]).toEqual(['hmac-sha256', 64]);
    expect(warnings).toContainEqual(
      expect.stringMatching(/key 'upd-key' digest-bits too small \[<128\]$/),
    );
  });

  it('takes the name from the .key owner and warns when the file name disagrees', async () => {
    const path = await writePair(
      publicText('other-name.', 163, SECRET_A),
      privateText(163, SECRET_A),
      'named/Kupd-key.+163+00001',
    );
    const warnings: string[] = [];
    const key = (await loadNsupdateKey(path, { onWarning: (w) => warnings.push(w) })).unwrap();
    expect(key.name).toBe('other-name');
    expect(warnings[0]).toBe(
      `${tmp.path('named/Kupd-key.+163+00001.key')}:1: the file name says key "upd-key." but the record's owner is "other-name."; using the owner, as nsupdate does`,
    );
  });

  it('refuses a pair whose halves hold different secrets, as BIND does', async () => {
    const path = await writePair(publicText('upd-key.', 163, SECRET_B), privateText(163, SECRET_A));
    const error = (await loadNsupdateKey(path)).unwrapErr();
    expect(error.kind).toBe('invalid-key');
    expect(error.message).toBe(
      `${path}:3: the secret differs from the KEY record's data in ${path.replace(/private$/, 'key')} (BIND requires the two halves to match)`,
    );
    expectNoSecret(error, SECRET_A);
    expectNoSecret(error, SECRET_B);
    if (nsupdatePath) expect((await nsupdateLoads(path)).loaded).toBe(false);
  });
});

describe('K* pairs: bad files are errors with file:line, and nsupdate refuses them too', () => {
  const pub = publicText('upd-key.', 163, SECRET_A);
  const priv = privateText(163, SECRET_A);
  const BAD: ReadonlyArray<
    readonly [string, string, string, 'key' | 'private', number, string, RegExp]
  > = [
    [
      'SHA key without Bits',
      pub,
      priv.replace('Bits: AAA=\n', ''),
      'private',
      4,
      'invalid-key',
      /no 'Bits:' line/,
    ],
    [
      'algorithm differs',
      publicText('upd-key.', 161, SECRET_A),
      priv,
      'private',
      2,
      'invalid-key',
      /algorithm '163' differs from the \.key file's 161/,
    ],
    [
      'DNSKEY record',
      pub.replace(' KEY ', ' DNSKEY '),
      priv,
      'key',
      1,
      'syntax',
      /DNSKEY record: nsupdate needs a KEY record/,
    ],
    ['@ owner', pub.replace('upd-key.', '@'), priv, 'key', 1, 'syntax', /'@' is not allowed/],
    ['no-key flags', pub.replace(' 512 ', ' 49152 '), priv, 'key', 1, 'syntax', /mean "no key"/],
    [
      'algorithm mnemonic',
      pub.replace(' 163 ', ' HMAC-SHA256 '),
      priv,
      'key',
      1,
      'syntax',
      /bad KEY algorithm 'HMAC-SHA256'/,
    ],
    [
      'format v2',
      pub,
      priv.replace('v1.3', 'v2.0'),
      'private',
      1,
      'invalid-key',
      /newer than BIND 9\.18 reads/,
    ],
    [
      'unknown field',
      pub,
      `${priv}Foo: bar\n`,
      'private',
      5,
      'invalid-key',
      /unknown field 'Foo:'/,
    ],
    [
      'lower-case header',
      pub,
      priv.replace('Private-key-format', 'private-key-format'),
      'private',
      1,
      'invalid-key',
      /first line/,
    ],
    [
      'comment line',
      pub,
      priv.replace('\nAlgorithm', '\n; note\nAlgorithm'),
      'private',
      2,
      'invalid-key',
      /second line/,
    ],
    [
      'Bits of 3 bytes',
      pub,
      priv.replace('AAA=', 'AAAA'),
      'private',
      4,
      'invalid-key',
      /two bytes/,
    ],
    [
      'Key twice',
      pub,
      priv.replace('Bits:', `Key: ${SECRET_A}\nBits:`),
      'private',
      4,
      'invalid-key',
      /Key: given twice/,
    ],
    [
      'bad time',
      pub,
      `${priv}Created: yesterday\n`,
      'private',
      5,
      'invalid-key',
      /Created: needs a time/,
    ],
    [
      'external key',
      pub,
      'Private-key-format: v1.3\nAlgorithm: 163 (HMAC_SHA256)\nExternal:\n',
      'private',
      3,
      'invalid-key',
      /External:/,
    ],
    [
      'bad base64 secret',
      pub,
      priv.replace(`Key: ${SECRET_A}`, 'Key: abc'),
      'private',
      3,
      'invalid-key',
      /Key: is not valid base64/,
    ],
  ];

  it.each(BAD)('%s', async (_name, pubBody, privBody, which, line, kind, message) => {
    const path = await writePair(pubBody, privBody);
    const file = which === 'key' ? path.replace(/\.private$/, '.key') : path;
    const error = (await loadNsupdateKey(path)).unwrapErr();
    expect(error.kind).toBe(kind);
    expect(error.location).toEqual({ file, line });
    expect(error.message.startsWith(`${file}:${line}: `)).toBe(true);
    expect(error.message).toMatch(message);
    expectNoSecret(error, SECRET_A);
    // nsupdate accepts a truncation named refuses; everything else it refuses as well.
    if (nsupdatePath && !_name.startsWith('truncation')) {
      const theirs = await nsupdateLoads(path);
      expect(theirs.loaded, theirs.stderr).toBe(false);
    }
  });

  it('refuses SIG(0) keys (non-HMAC algorithms)', async () => {
    const path = await writePair(
      publicText('upd-key.', 8, SECRET_A),
      'Private-key-format: v1.3\nAlgorithm: 8 (RSASHA256)\n',
    );
    const error = (await parseDnssecKeyPair(path)).unwrapErr();
    expect(error.kind).toBe('unsupported-algorithm');
    expect(error.message).toMatch(
      /:1: algorithm 8 is not an HMAC algorithm; SIG\(0\) keys are not supported$/,
    );
  });

  it('needs both files', async () => {
    await tmp.write('lonely/Kupd-key.+163+00001.private', privateText(163, SECRET_A));
    const missingKey = (
      await loadNsupdateKey(tmp.path('lonely/Kupd-key.+163+00001.private'))
    ).unwrapErr();
    expect(missingKey.kind).toBe('file-unreadable');
    expect(missingKey.message).toBe(
      `cannot read "${tmp.path('lonely/Kupd-key.+163+00001.key')}": file not found`,
    );
    await tmp.write('lonely2/Kupd-key.+163+00001.key', pub);
    const missingPrivate = (
      await loadNsupdateKey(tmp.path('lonely2/Kupd-key.+163+00001.key'))
    ).unwrapErr();
    expect(missingPrivate.message).toBe(
      `cannot read "${tmp.path('lonely2/Kupd-key.+163+00001.private')}": file not found`,
    );
  });

  it('parseDnssecKeyPairText reads text without touching the disk', () => {
    const key = parseDnssecKeyPairText(pub, priv, { key: 'K.key', private: 'K.private' }).unwrap();
    expect(key.location).toEqual({ file: 'K.private', line: 3 });
  });
});

describe('named.conf-style key files', () => {
  it
    .skipIf(!tsigKeygenPath)
    .each(['hmac-md5', 'hmac-sha1', 'hmac-sha224', 'hmac-sha256', 'hmac-sha384', 'hmac-sha512'])(
    'reads tsig-keygen -a %s output like parseKeyFile',
    async (algorithm) => {
      const text = execFileSync(
        tsigKeygenPath ?? 'tsig-keygen',
        ['-a', algorithm, `ddns-${algorithm}`],
        { encoding: 'utf8' },
      );
      const path = await tmp.write(`tsig/${algorithm}.key`, text);
      const key = (await loadNsupdateKey(path)).unwrap();
      const [expected] = (await parseKeyFile(path)).unwrap();
      expect(key.name).toBe(`ddns-${algorithm}`);
      expect(key.algorithm).toBe(algorithm);
      expect(expected && key.sameMaterial(expected)).toBe(true);
      if (nsupdatePath) expect((await nsupdateLoads(path)).loaded).toBe(true);
    },
  );

  it('keeps a truncated algorithm (hmac-sha256-128)', async () => {
    const path = await tmp.write('trunc.key', keyBlock('upd', 'hmac-sha256-128'));
    const key = (await loadNsupdateKey(path)).unwrap();
    expect([key.algorithm, key.truncatedBits]).toEqual(['hmac-sha256', 128]);
    if (nsupdatePath) expect((await nsupdateLoads(path)).loaded).toBe(true);
  });

  const BAD: ReadonlyArray<readonly [string, string, number, string, RegExp]> = [
    [
      'another statement',
      `${keyBlock('upd')}options { directory "/tmp"; };\n`,
      5,
      'syntax',
      /unknown statement 'options': nsupdate reads only a key/,
    ],
    ['two keys', `${keyBlock('upd')}${keyBlock('other')}`, 5, 'invalid-key', /'key' redefined/],
    [
      'unknown clause',
      'key upd {\n\talgorithm hmac-sha256;\n\tsecret "x";\n\tbogus 1;\n};\n',
      4,
      'syntax',
      /unknown key clause 'bogus'/,
    ],
    [
      'missing secret',
      'key upd {\n\talgorithm hmac-sha256;\n};\n',
      1,
      'invalid-key',
      /must have both 'secret' and 'algorithm'/,
    ],
    [
      'bad syntax',
      'key upd {\n\talgorithm hmac-sha256\n\tsecret "abc";\n};\n',
      3,
      'syntax',
      /missing ';'/,
    ],
  ];

  it.each(BAD)('%s', async (name, text, line, kind, message) => {
    const path = await tmp.write(`conf/${name.replaceAll(' ', '-')}.conf`, text);
    const error = (await loadNsupdateKey(path)).unwrapErr();
    expect([error.kind, error.location]).toEqual([kind, { file: path, line }]);
    expect(error.message).toMatch(message);
    if (nsupdatePath) expect((await nsupdateLoads(path)).loaded).toBe(false);
  });

  it('reports a missing file', async () => {
    const error = (await loadNsupdateKey(tmp.path('nope.key'))).unwrapErr();
    expect(error.kind).toBe('file-unreadable');
    expect(error.message).toBe(`cannot read "${tmp.path('nope.key')}": file not found`);
  });

  it('reports the K* error for a K* path even when the named.conf reading fails too', async () => {
    const path = await writePair(
      publicText('upd-key.', 163, SECRET_A),
      privateText(163, SECRET_A).replace('Bits: AAA=\n', ''),
    );
    expect((await loadNsupdateKey(path)).unwrapErr().message).toMatch(/no 'Bits:' line/);
  });
});
