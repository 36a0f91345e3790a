// resolveRndcTarget: the rndc tool's choice of configuration, server, key, port and addresses
// (research/rndc-protocol.md §7.2), one rule per test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ResolveRndcTargetOptions, resolveRndcTarget } from '../../src/keys/index.js';
import {
  keyBlock,
  makeTempDir,
  SECRET_A,
  SECRET_B,
  SECRET_MD5,
  type TempDir,
} from './keys-fixtures.js';

let tmp: TempDir;
let counter = 0;

beforeAll(async () => {
  tmp = await makeTempDir();
});
afterAll(async () => {
  await tmp.remove();
});

/** A fresh directory with the given files; defaults point into it (and need not exist). */
async function setup(files: Record<string, string>) {
  const dir = `case${counter++}`;
  for (const [name, text] of Object.entries(files)) await tmp.write(`${dir}/${name}`, text);
  const path = (name: string) => tmp.path(`${dir}/${name}`);
  const resolve = (options: ResolveRndcTargetOptions = {}) =>
    resolveRndcTarget({
      defaultConfigFile: path('rndc.conf'),
      defaultKeyFile: path('rndc.key'),
      ...options,
    });
  return { path, resolve };
}

const KEYS = `${keyBlock('a', 'hmac-sha256', SECRET_A)}${keyBlock('b', 'hmac-sha512', SECRET_B)}`;

describe('1. which file', () => {
  it('uses configFile (-c) when given, even if the default rndc.conf exists', async () => {
    const { path, resolve } = await setup({
      'rndc.conf': `${KEYS}options { default-server 127.0.0.9; default-key a; };`,
      'other.conf': `${KEYS}options { default-server 127.0.0.8; default-key b; };`,
    });
    const target = (await resolve({ configFile: path('other.conf') })).unwrap();
    expect(target.mode).toBe('config');
    expect(target.configFile).toBe(path('other.conf'));
    expect(target.server).toBe('127.0.0.8');
    expect(target.key.name).toBe('b');
  });

  it('uses the default rndc.conf when configFile is not given', async () => {
    const { path, resolve } = await setup({
      'rndc.conf': `${KEYS}options { default-server 127.0.0.9; default-key a; };`,
    });
    const target = (await resolve()).unwrap();
    expect(target.mode).toBe('config');
    expect(target.configFile).toBe(path('rndc.conf'));
    expect(target.keyFile).toBeUndefined();
  });

  it('fails when configFile (-c) does not exist, without falling back to the key file', async () => {
    const { path, resolve } = await setup({ 'rndc.key': keyBlock('rndc-key') });
    const error = (await resolve({ configFile: path('missing.conf') })).unwrapErr();
    expect(error.kind).toBe('no-config');
    expect(error.message).toBe(`${path('missing.conf')} does not exist`);
  });

  it('falls back to the default key file (key-only mode) when there is no rndc.conf', async () => {
    const { path, resolve } = await setup({ 'rndc.key': keyBlock('rndc-key') });
    const target = (await resolve()).unwrap();
    expect(target.mode).toBe('key-only');
    expect(target.keyFile).toBe(path('rndc.key'));
    expect(target.configFile).toBeUndefined();
    expect(target.key.name).toBe('rndc-key');
    expect(target.warnings).toEqual([]);
  });

  it('uses keyFile (-k) in key-only mode', async () => {
    const { path, resolve } = await setup({
      'rndc.key': keyBlock('default-key'),
      'mine.key': keyBlock('mine'),
    });
    const target = (await resolve({ keyFile: path('mine.key') })).unwrap();
    expect(target.keyFile).toBe(path('mine.key'));
    expect(target.key.name).toBe('mine');
  });

  it('fails with no-config when neither file exists, naming both and the remedy', async () => {
    const { path, resolve } = await setup({});
    const error = (await resolve()).unwrapErr();
    expect(error.kind).toBe('no-config');
    expect(error.message).toBe(`neither ${path('rndc.conf')} nor ${path('rndc.key')} was found`);
    expect(error.remedy).toContain('rndc-confgen -a');
    const withK = (await resolve({ keyFile: path('given.key') })).unwrapErr();
    expect(withK.message).toBe(`neither ${path('rndc.conf')} nor ${path('given.key')} was found`);
  });

  it('ignores keyFile (-k) when rndc.conf exists', async () => {
    const { path, resolve } = await setup({
      'rndc.conf': `${KEYS}options { default-server 127.0.0.1; default-key a; };`,
      'mine.key': keyBlock('mine', 'hmac-md5', SECRET_MD5),
    });
    const target = (await resolve({ keyFile: path('mine.key') })).unwrap();
    expect(target.mode).toBe('config');
    expect(target.key.name).toBe('a');
  });

  it('warns, like rndc, when the key file exists but rndc.conf is used', async () => {
    const { path, resolve } = await setup({
      'rndc.conf': `${KEYS}options { default-server 127.0.0.1; default-key a; };`,
      'rndc.key': keyBlock('rndc-key'),
    });
    const target = (await resolve()).unwrap();
    expect(target.warnings).toEqual([
      `key file (${path('rndc.key')}) exists, but using default configuration file (${path('rndc.conf')})`,
    ]);
  });

  it('names the given keyFile in that warning, as rndc does', async () => {
    const { path, resolve } = await setup({
      'rndc.conf': `${KEYS}options { default-server 127.0.0.1; default-key a; };`,
      'mine.key': keyBlock('mine'),
    });
    const target = (await resolve({ keyFile: path('mine.key') })).unwrap();
    expect(target.warnings[0]).toMatch(/^key file \(.*mine\.key\) exists, but using default/);
  });

  it('does not warn when configFile (-c) was given', async () => {
    const { path, resolve } = await setup({
      'rndc.conf': `${KEYS}options { default-server 127.0.0.1; default-key a; };`,
      'rndc.key': keyBlock('rndc-key'),
    });
    const target = (await resolve({ configFile: path('rndc.conf') })).unwrap();
    expect(target.warnings).toEqual([]);
  });
});

describe('2. server name', () => {
  const conf = `${KEYS}options { default-server 127.0.0.9; default-key a; };`;

  it('takes server (-s) first', async () => {
    const { resolve } = await setup({ 'rndc.conf': conf });
    expect((await resolve({ server: 'ns.example' })).unwrap().server).toBe('ns.example');
  });

  it('then options.default-server', async () => {
    const { resolve } = await setup({ 'rndc.conf': conf });
    expect((await resolve()).unwrap().server).toBe('127.0.0.9');
  });

  it('fails with no-server when there is neither', async () => {
    const { path, resolve } = await setup({ 'rndc.conf': `${KEYS}\noptions { default-key a; };` });
    const error = (await resolve()).unwrapErr();
    expect(error.kind).toBe('no-server');
    expect(error.message).toBe(`${path('rndc.conf')}:10: no server specified and no default`);
    const bare = await setup({ 'rndc.conf': KEYS });
    expect((await bare.resolve()).unwrapErr().message).toBe(
      `${bare.path('rndc.conf')}: no server specified and no default`,
    );
  });

  it('defaults to 127.0.0.1 in key-only mode, unless server is given', async () => {
    const { resolve } = await setup({ 'rndc.key': keyBlock('k') });
    expect((await resolve()).unwrap().server).toBe('127.0.0.1');
    expect((await resolve({ server: '::1' })).unwrap().addresses).toEqual([
      { host: '::1', port: 953 },
    ]);
  });
});

describe('3. server statement', () => {
  it('is the first whose name matches, ignoring case', async () => {
    const { resolve } = await setup({
      'rndc.conf': `${KEYS}server NS.Example { key b; port 1001; };\nserver ns.example { key a; port 1002; };`,
    });
    const target = (await resolve({ server: 'ns.EXAMPLE' })).unwrap();
    expect(target.key.name).toBe('b');
    expect(target.port).toBe(1001);
  });
});

describe('4. key', () => {
  const conf = `${KEYS}options { default-server s1; default-key a; };
server s2 { key b; };
server s3 { port 1; };
`;

  it('takes keyName (-y) first, over the server statement', async () => {
    const { resolve } = await setup({ 'rndc.conf': conf });
    expect((await resolve({ server: 's2', keyName: 'a' })).unwrap().key.name).toBe('a');
  });

  it("then the server statement's key, over default-key", async () => {
    const { resolve } = await setup({ 'rndc.conf': conf });
    expect((await resolve({ server: 's2' })).unwrap().key.name).toBe('b');
  });

  it('then options.default-key when no server statement matches', async () => {
    const { resolve } = await setup({ 'rndc.conf': conf });
    expect((await resolve()).unwrap().key.name).toBe('a');
  });

  it('fails, as rndc does, for a server statement without key (no fallback to default-key)', async () => {
    const { path, resolve } = await setup({ 'rndc.conf': conf });
    const error = (await resolve({ server: 'S3' })).unwrapErr();
    expect(error.kind).toBe('missing-key');
    expect(error.location).toEqual({ file: path('rndc.conf'), line: 11 });
    expect(error.message).toContain(`server "s3" has no 'key' clause`);
  });

  it('fails when options has no default-key and no server statement matches', async () => {
    const { path, resolve } = await setup({ 'rndc.conf': `${KEYS}options { default-port 1; };` });
    const error = (await resolve({ server: 'x' })).unwrapErr();
    expect(error.kind).toBe('missing-key');
    expect(error.message).toMatch(new RegExp(`^${path('rndc.conf')}:9: no key for server "x"`));
  });

  it('fails when there is no options statement at all', async () => {
    const { path, resolve } = await setup({ 'rndc.conf': KEYS });
    const error = (await resolve({ server: 'x' })).unwrapErr();
    expect(error.kind).toBe('missing-key');
    expect(error.message).toBe(
      `${path('rndc.conf')}: no key for server "x" and no default (no server statement, no options)`,
    );
  });

  it('uses the one key in key-only mode, ignoring keyName (-y) like rndc, with a warning', async () => {
    const { path, resolve } = await setup({ 'rndc.key': keyBlock('only') });
    const target = (await resolve({ keyName: 'other' })).unwrap();
    expect(target.key.name).toBe('only');
    expect(target.warnings).toEqual([
      `key name "other" ignored: without an rndc.conf rndc uses the key in ${path('rndc.key')} ("only")`,
    ]);
  });

  it('names the key, the file and the referring line when the key is not defined', async () => {
    const { path, resolve } = await setup({
      'rndc.conf': `${KEYS}options {\n default-server s;\n default-key nosuch;\n};`,
    });
    const error = (await resolve()).unwrapErr();
    expect(error.kind).toBe('missing-key');
    expect(error.location).toEqual({ file: path('rndc.conf'), line: 11 });
    expect(error.message).toBe(
      `${path('rndc.conf')}:11: no key definition for name "nosuch" in ${path('rndc.conf')} (named at ${path('rndc.conf')}:11)`,
    );
  });

  it('names the key and the file when keyName (-y) is not defined', async () => {
    const { path, resolve } = await setup({ 'rndc.conf': conf });
    const error = (await resolve({ keyName: 'zz' })).unwrapErr();
    expect(error.kind).toBe('missing-key');
    expect(error.message).toBe(`no key definition for name "zz" in ${path('rndc.conf')}`);
  });

  it('finds key names ignoring case', async () => {
    const { resolve } = await setup({ 'rndc.conf': conf });
    expect((await resolve({ keyName: 'B' })).unwrap().key.name).toBe('b');
  });

  it('refuses a truncated algorithm, as rndc does', async () => {
    const { resolve } = await setup({ 'rndc.key': keyBlock('t', 'hmac-sha256-128') });
    const error = (await resolve()).unwrapErr();
    expect(error.kind).toBe('unsupported-algorithm');
    expect(error.message).toMatch(/unsupported algorithm: hmac-sha256-128/);
  });

  it('refuses a key file with two keys in key-only mode', async () => {
    const { path, resolve } = await setup({ 'rndc.key': `${keyBlock('x')}${keyBlock('y')}` });
    const error = (await resolve()).unwrapErr();
    expect(error.kind).toBe('syntax');
    expect(error.message).toBe(`${path('rndc.key')}:5: 'key' redefined`);
  });

  it('fails when the key file has no key', async () => {
    const { resolve } = await setup({ 'rndc.key': '# empty\n' });
    expect((await resolve()).unwrapErr().kind).toBe('missing-key');
  });
});

describe('5. port', () => {
  const conf = `${KEYS}options { default-server s; default-key a; default-port 2000; };
server withport { port 3000; };
server noport { key a; };
server withport2 { key a; port 3000; };
`;

  it('takes port (-p) first', async () => {
    const { resolve } = await setup({ 'rndc.conf': conf });
    expect((await resolve({ server: 'withport2', port: 4000 })).unwrap().port).toBe(4000);
  });

  it("then the server statement's port", async () => {
    const { resolve } = await setup({ 'rndc.conf': conf });
    expect((await resolve({ server: 'withport2' })).unwrap().port).toBe(3000);
  });

  it('then options.default-port', async () => {
    const { resolve } = await setup({ 'rndc.conf': conf });
    expect((await resolve({ server: 'noport' })).unwrap().port).toBe(2000);
  });

  it('then 953', async () => {
    const { resolve } = await setup({ 'rndc.conf': `${KEYS}options { default-key a; };` });
    const target = (await resolve({ server: 'x' })).unwrap();
    expect(target.port).toBe(953);
    expect(target.addresses).toEqual([{ host: 'x', port: 953 }]);
  });

  it('refuses out-of-range ports from the configuration and from the caller', async () => {
    const { path, resolve } = await setup({
      'rndc.conf': `${KEYS}options { default-key a;\n default-port 70000; };`,
    });
    const error = (await resolve({ server: 'x' })).unwrapErr();
    expect(error.message).toBe(`${path('rndc.conf')}:10: port 70000 out of range`);
    expect((await resolve({ server: 'x', port: 0 })).unwrapErr().message).toMatch(
      /port '0' out of range/,
    );
  });
});

describe('6. addresses', () => {
  it("are the server statement's, each with its own port or the resolved one", async () => {
    const { resolve } = await setup({
      'rndc.conf': `${KEYS}server s { key a; port 5000; addresses { 127.0.0.1 port 9955; ::1; "localhost"; }; };`,
    });
    const target = (await resolve({ server: 's' })).unwrap();
    expect(target.addresses).toEqual([
      { host: '127.0.0.1', port: 9955 },
      { host: '::1', port: 5000 },
      { host: 'localhost', port: 5000 },
    ]);
    expect(target.server).toBe('s');
  });

  it('are the server name itself without an addresses clause (or with an empty one)', async () => {
    const { resolve } = await setup({
      'rndc.conf': `${KEYS}server s { key a; };\nserver e { key a; addresses { }; };`,
    });
    expect((await resolve({ server: 's', port: 7 })).unwrap().addresses).toEqual([
      { host: 's', port: 7 },
    ]);
    expect((await resolve({ server: 'e' })).unwrap().addresses).toEqual([{ host: 'e', port: 953 }]);
  });

  it('stop at 10, like rndc, with a warning for each dropped', async () => {
    const list = Array.from({ length: 12 }, (_, i) => `127.0.0.${i + 1};`).join(' ');
    const { resolve } = await setup({
      'rndc.conf': `${KEYS}server s { key a; addresses { ${list} }; };`,
    });
    const target = (await resolve({ server: 's' })).unwrap();
    expect(target.addresses.length).toBe(10);
    expect(target.addresses.at(-1)?.host).toBe('127.0.0.10');
    expect(target.warnings).toHaveLength(2);
    expect(target.warnings[0]).toMatch(/too many addresses: 127\.0\.0\.11: dropped/);
  });
});

describe('7. source addresses', () => {
  const conf = `${KEYS}options { default-key a; default-source-address 10.0.0.1; default-source-address-v6 *; };
server s { source-address *; source-address-v6 fe80::1; key a; };
`;

  it('take sourceAddress (-b) first, by address family', async () => {
    const { resolve } = await setup({ 'rndc.conf': conf });
    const target = (await resolve({ server: 's', sourceAddress: '192.0.2.1' })).unwrap();
    expect([target.sourceAddress, target.sourceAddressV6]).toEqual(['192.0.2.1', 'fe80::1']);
  });

  it("then the server statement's, with * meaning any", async () => {
    const { resolve } = await setup({ 'rndc.conf': conf });
    const target = (await resolve({ server: 's' })).unwrap();
    expect([target.sourceAddress, target.sourceAddressV6]).toEqual(['0.0.0.0', 'fe80::1']);
  });

  it('then the defaults from options', async () => {
    const { resolve } = await setup({ 'rndc.conf': conf });
    const target = (await resolve({ server: 'other' })).unwrap();
    expect([target.sourceAddress, target.sourceAddressV6]).toEqual(['10.0.0.1', '::']);
  });

  it('are absent when nothing sets them', async () => {
    const { resolve } = await setup({ 'rndc.key': keyBlock('k') });
    const target = (await resolve()).unwrap();
    expect('sourceAddress' in target).toBe(false);
    expect('sourceAddressV6' in target).toBe(false);
  });

  it('refuse a sourceAddress that is not an IP address', async () => {
    const { resolve } = await setup({ 'rndc.key': keyBlock('k') });
    expect((await resolve({ sourceAddress: 'eth0' })).unwrapErr().kind).toBe('syntax');
  });
});

describe('configuration problems', () => {
  it('carry warnings of the rndc.conf into the result', async () => {
    const { path, resolve } = await setup({
      'rndc.conf': `${KEYS}options { default-key a; default-server s; pid-file "x"; };`,
    });
    const target = (await resolve()).unwrap();
    expect(target.warnings).toEqual([`${path('rndc.conf')}:9: unknown option 'pid-file' ignored`]);
  });

  it('pass parse errors through with file and line', async () => {
    const { path, resolve } = await setup({ 'rndc.conf': 'options {\n default-key a\n};' });
    const error = (await resolve()).unwrapErr();
    expect(error.kind).toBe('syntax');
    expect(error.message).toBe(`${path('rndc.conf')}:3: missing ';' before '}'`);
  });

  it('follow includes of the rndc.conf', async () => {
    const { resolve } = await setup({
      'keys/a.key': keyBlock('inc'),
      'rndc.conf': 'include "keys/a.key";\noptions { default-key inc; default-server s; };',
    });
    expect((await resolve()).unwrap().key.name).toBe('inc');
  });
});
