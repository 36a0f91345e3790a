// RndcClient.fromConfig picks server, key and port as the rndc binary does, against real named.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RndcClient } from '../../src/control/client.js';
import type { Key } from '../../src/keys/key.js';
import { type NamedInstance, runBinary, startNamed } from '../../src/testing/index.js';

let named: NamedInstance;
let dir: string;

const keyBlock = (key: Key, name = key.name) =>
  `key "${name}" { algorithm ${key.algorithm}; secret "${key.secretBytes().toString('base64')}"; };\n`;

beforeAll(async () => {
  named = await startNamed();
  dir = mkdtempSync(join(tmpdir(), 'rndc-conf-'));
});

afterAll(async () => {
  await named?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('fromConfig', () => {
  it('uses the rndc.conf startNamed writes for the rndc binary', async () => {
    const configFile = named.rndcConfFile('hmac-sha384');
    const rndc = (await RndcClient.fromConfig({ configFile })).unwrap();
    expect((await rndc.status()).unwrap().running).toBe(true);
    await rndc.close();
  });

  it('follows a server stanza (key and addresses) chosen with -s, exactly as rndc does', async () => {
    // default-key is wrong; the stanza for 127.0.0.2 names the right key and redirects to named.
    const wrong = `key "wrong" { algorithm hmac-sha256; secret "${Buffer.alloc(32, 1).toString('base64')}"; };\n`;
    const configFile = join(dir, 'stanza.conf');
    writeFileSync(
      configFile,
      `# comment\n${wrong}include "${join(dir, 'keys.inc')}";\n` +
        `options { default-server 127.0.0.1; default-key "wrong"; default-port ${named.controlPort}; };\n` +
        `/* the stanza */ server 127.0.0.2 { key "rndc-sha1"; addresses { 127.0.0.1 port ${named.controlPort}; }; };\n`,
    );
    writeFileSync(join(dir, 'keys.inc'), `// included\n${keyBlock(named.keys['hmac-sha1'])}`);
    const binaryWithStanza = await runBinary('rndc', [
      '-c',
      configFile,
      '-s',
      '127.0.0.2',
      'status',
    ]);
    const binaryDefault = await runBinary('rndc', ['-c', configFile, 'status']);
    expect(binaryWithStanza.exitCode).toBe(0);
    expect(binaryDefault.exitCode).toBe(1);

    const withStanza = (await RndcClient.fromConfig({ configFile, server: '127.0.0.2' })).unwrap();
    expect((await withStanza.status()).isOk()).toBe(true);
    const byDefault = (await RndcClient.fromConfig({ configFile })).unwrap();
    expect((await byDefault.status()).unwrapErr().kind).toBe('rejected');
    // -y overrides the stanza's key, -p the port.
    const overridden = (
      await RndcClient.fromConfig({ configFile, server: '127.0.0.2', keyName: 'wrong' })
    ).unwrap();
    expect((await overridden.status()).unwrapErr().kind).toBe('rejected');
    for (const c of [withStanza, byDefault, overridden]) await c.close();
  });

  it('falls back to the key file alone when there is no rndc.conf (key-only mode)', async () => {
    const keyFile = join(dir, 'rndc.key');
    writeFileSync(keyFile, keyBlock(named.keys['hmac-sha512'], 'rndc-key'));
    const rndc = (
      await RndcClient.fromConfig({
        defaultConfigFile: join(dir, 'absent.conf'),
        keyFile,
        port: named.controlPort,
      })
    ).unwrap();
    expect((await rndc.zonestatus('dyn.test')).unwrap().type).toBe('primary');
    await rndc.close();
  });

  it('explains a missing configuration and a broken one with file and line', async () => {
    const missing = (
      await RndcClient.fromConfig({
        defaultConfigFile: join(dir, 'none.conf'),
        defaultKeyFile: join(dir, 'none.key'),
      })
    ).unwrapErr();
    expect(missing.kind).toBe('no-config');
    expect(missing.message).toContain('none.conf');
    const broken = join(dir, 'broken.conf');
    writeFileSync(broken, 'options {\n  default-server 127.0.0.1\n};\n');
    const error = (await RndcClient.fromConfig({ configFile: broken })).unwrapErr();
    expect(error.message).toMatch(/broken\.conf:\d+/);
    expect(error.location?.file).toBe(broken);
  });
});
