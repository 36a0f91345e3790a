// Real input made by BIND's own tools (rndc-confgen, tsig-keygen), and named-checkconf as the
// referee for bad key files: we must read what BIND writes and reject what BIND rejects, at
// the same line.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  HMAC_ALGORITHMS,
  type Key,
  loadRndcConf,
  parseKeyFile,
  parseKeyText,
  resolveRndcTarget,
} from '../../src/keys/index.js';
import { findBinary } from '../../src/testing/index.js';
import { expectNoSecret, makeTempDir, type TempDir } from './keys-fixtures.js';

const rndcConfgen = findBinary('rndc-confgen');
const tsigKeygen = findBinary('tsig-keygen');
const namedCheckconf = findBinary('named-checkconf');

const run = (tool: string, args: string[]) =>
  execFileSync(tool, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** The algorithm and secret a tool printed, read with a plain regex (independent of our parser). */
function extract(text: string): { algorithm: string; secret: string } {
  const match = /algorithm\s+([\w-]+);\s*secret\s+"([^"]+)";/.exec(text);
  if (!match?.[1] || !match[2]) throw new Error(`no key in tool output:\n${text}`);
  return { algorithm: match[1], secret: match[2] };
}

function expectSameKey(key: Key | undefined, expected: { algorithm: string; secret: string }) {
  expect(key?.algorithm).toBe(expected.algorithm);
  expect(key?.secretBytes().toString('base64')).toBe(expected.secret);
  expectNoSecret(key, expected.secret);
}

let tmp: TempDir;
beforeAll(async () => {
  tmp = await makeTempDir();
});
afterAll(async () => {
  await tmp.remove();
});

describe.skipIf(!rndcConfgen)('rndc-confgen -a (rndc.key files)', () => {
  for (const algorithm of HMAC_ALGORITHMS) {
    it(`reads an ${algorithm} key file`, async () => {
      const file = tmp.path(`confgen-${algorithm}.key`);
      run(rndcConfgen as string, ['-a', '-A', algorithm, '-k', `key-${algorithm}`, '-c', file]);
      const expected = extract(readFileSync(file, 'utf8'));
      expect(expected.algorithm).toBe(algorithm);

      const keys = (await parseKeyFile(file)).unwrap();
      expect(keys.map((key) => key.name)).toEqual([`key-${algorithm}`]);
      expectSameKey(keys[0], expected);

      // The same file drives key-only mode exactly as it drives rndc.
      const target = (
        await resolveRndcTarget({ keyFile: file, defaultConfigFile: tmp.path('absent.conf') })
      ).unwrap();
      expect(target.mode).toBe('key-only');
      expect(target.addresses).toEqual([{ host: '127.0.0.1', port: 953 }]);
      expectSameKey(target.key, expected);
      expectNoSecret(target, expected.secret);
    });
  }
});

describe.skipIf(!tsigKeygen)('tsig-keygen output', () => {
  for (const algorithm of HMAC_ALGORITHMS) {
    it(`reads an ${algorithm} key`, () => {
      const output = run(tsigKeygen as string, ['-a', algorithm, `tsig-${algorithm}`]);
      const expected = extract(output);
      const keys = parseKeyText(output, 'tsig-keygen').unwrap();
      expect(keys.map((key) => key.name)).toEqual([`tsig-${algorithm}`]);
      expectSameKey(keys[0], expected);
    });
  }
});

describe.skipIf(!rndcConfgen)('full rndc-confgen output', () => {
  it('is a working rndc.conf: key, default-key, default-server, default-port', async () => {
    const output = run(rndcConfgen as string, []);
    const expected = extract(output);
    const file = await tmp.write('confgen-full/rndc.conf', output);
    const conf = (await loadRndcConf(file)).unwrap();
    expect([...conf.keys.keys()]).toEqual(['rndc-key']);
    expectSameKey(conf.keys.get('rndc-key'), expected);
    expect(conf.options).toMatchObject({
      defaultKey: 'rndc-key',
      defaultServer: '127.0.0.1',
      defaultPort: 953,
    });
    expect(conf.warnings).toEqual([]);

    const target = (await resolveRndcTarget({ configFile: file })).unwrap();
    expect(target.server).toBe('127.0.0.1');
    expect(target.addresses).toEqual([{ host: '127.0.0.1', port: 953 }]);
    expectSameKey(target.key, expected);
  });

  it('honours -A, -k, -p and -s', async () => {
    const output = run(rndcConfgen as string, [
      ...['-A', 'hmac-sha384', '-k', 'Custom-Key', '-p', '5953', '-s', '127.0.0.5'],
    ]);
    const keys = parseKeyText(output, 'out').unwrap();
    expectSameKey(keys[0], extract(output));
    const file = await tmp.write('confgen-custom/rndc.conf', output);
    const target = (await resolveRndcTarget({ configFile: file })).unwrap();
    expect(target.key.name).toBe('Custom-Key');
    expect(target.key.algorithm).toBe('hmac-sha384');
    expect(target.addresses).toEqual([{ host: '127.0.0.5', port: 5953 }]);
  });

  it('reads as a key file too (the named.conf half is commented out)', () => {
    const output = run(rndcConfgen as string, []);
    const keys = parseKeyText(output, 'out').unwrap();
    expect(keys).toHaveLength(1);
    expectSameKey(keys[0], extract(output));
  });
});

describe.skipIf(!namedCheckconf)('named-checkconf agrees on bad key files', () => {
  const secret = 'pl3XVESX08MrKxGMMEfzQYFen0mZRc9oYvAZbeVCIEQ=';
  const cases: Record<string, string> = {
    'bad base64': 'key "k" {\n  algorithm hmac-sha256;\n  secret "not*base64";\n};\n',
    'unknown algorithm': `key "k" {\n  algorithm hmac-foo;\n  secret "${secret}";\n};\n`,
    'no secret': '\nkey "k" {\n  algorithm hmac-sha256;\n};\n',
    'missing semicolon': `key "k" {\n  algorithm hmac-sha256\n  secret "${secret}";\n};\n`,
    'missing semicolon after block': `key "k" {\n  algorithm hmac-sha256;\n  secret "${secret}";\n}\nkey "j" {\n  algorithm hmac-sha256;\n  secret "${secret}";\n};\n`,
    'duplicate name': `key "k" {\n  algorithm hmac-sha256;\n  secret "${secret}";\n};\n\nkey "K" {\n  algorithm hmac-sha256;\n  secret "${secret}";\n};\n`,
    'repeated clause': `key "k" {\n  algorithm hmac-sha256;\n  secret "${secret}";\n  secret "${secret}";\n};\n`,
  };
  for (const [name, text] of Object.entries(cases)) {
    it(name, async () => {
      const file = await tmp.write(`checkconf/${name.replace(/ /g, '-')}.conf`, text);
      const bind = spawnSync(namedCheckconf as string, [file], { encoding: 'utf8' });
      expect(bind.status).not.toBe(0);
      const bindLine = new RegExp(`^${file}:(\\d+):`, 'm').exec(bind.stdout + bind.stderr)?.[1];
      const ours = (await parseKeyFile(file)).unwrapErr();
      expect(ours.location?.line).toBe(Number(bindLine));
      expect(ours.message.startsWith(`${file}:${bindLine}: `)).toBe(true);
    });
  }

  it('and accepts what we accept', async () => {
    const text = `# shell\n// c++\n/* c */ key "a\\"b" { algorithm HMAC-SHA256; secret "${secret}"; };\nkey c { algorithm hmac-sha256-128; secret ${secret}; };\n`;
    const file = await tmp.write('checkconf/good.conf', text);
    const bind = spawnSync(namedCheckconf as string, [file], { encoding: 'utf8' });
    expect(bind.status, bind.stdout + bind.stderr).toBe(0);
    expect((await parseKeyFile(file)).unwrap().map((key) => key.name)).toEqual(['a"b', 'c']);
  });
});
