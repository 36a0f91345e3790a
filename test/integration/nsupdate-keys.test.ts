// Differential, end to end: for every key file form `nsupdate -k` takes, the Key that
// loadNsupdateKey reads (name, algorithm, secret, truncation) is the key nsupdate signs with:
// named accepts nsupdate's signed update exactly when our Key matches the key named knows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DNSSEC_HMAC_ALGORITHMS,
  HMAC_ALGORITHMS,
  type HmacAlgorithm,
  type Key,
  loadNsupdateKey,
} from '../../src/keys/index.js';
import { findBinary, type NamedInstance, runBinary, startNamed } from '../../src/testing/index.js';
import { makeTempDir, type TempDir } from '../unit/keys-fixtures.js';

const nsupdatePath = findBinary('nsupdate');
const NUMBER: Readonly<Record<HmacAlgorithm, number>> = Object.fromEntries(
  Object.entries(DNSSEC_HMAC_ALGORITHMS).map(([number, algorithm]) => [algorithm, Number(number)]),
) as Record<HmacAlgorithm, number>;

let named: NamedInstance;
let tmp: TempDir;
let serial = 0;

beforeAll(async () => {
  named = await startNamed({ zones: [{ name: 'dyn.test', kind: 'dynamic' }] });
  tmp = await makeTempDir();
});

afterAll(async () => {
  await named?.stop();
  await tmp?.remove();
});

/** Writes a K* pair for `owner` holding `key`'s secret; returns the .private path. */
async function writePair(key: Key, owner: string, bits = 'AAA='): Promise<string> {
  serial++;
  const number = NUMBER[key.algorithm];
  const secret = key.secretBytes().toString('base64');
  const base = `k${serial}/K${key.name}.+${number}+${String(serial).padStart(5, '0')}`;
  await tmp.write(`${base}.key`, `${owner} IN KEY 512 3 ${number} ${secret}\n`);
  return tmp.write(
    `${base}.private`,
    `Private-key-format: v1.3\nAlgorithm: ${number} (HMAC)\nKey: ${secret}\nBits: ${bits}\n`,
  );
}

/** Runs nsupdate -k `path` to add one record to dyn.test. */
async function update(path: string) {
  serial++;
  const script = `server 127.0.0.1 ${named.dnsPort}\nzone dyn.test\nupdate add k${serial}.dyn.test. 300 A 192.0.2.1\nsend\n`;
  return runBinary(nsupdatePath ?? 'nsupdate', ['-t', '5', '-k', path], { input: script });
}

describe.skipIf(!nsupdatePath)('nsupdate signs with the key loadNsupdateKey reads', () => {
  it.each(HMAC_ALGORITHMS)('K* pair, %s', async (algorithm) => {
    const serverKey = named.keys[algorithm];
    const path = await writePair(serverKey, `${serverKey.name}.`);
    const ours = (await loadNsupdateKey(path)).unwrap();
    expect(ours.name).toBe(serverKey.name);
    expect(ours.sameMaterial(serverKey)).toBe(true);
    expect(ours.truncatedBits).toBeUndefined();
    const theirs = await update(path);
    expect(theirs.exitCode, theirs.stderr).toBe(0);
  });

  it('Bits: 128 truncates: named accepts it for a -128 key and refuses it for a plain one', async () => {
    const truncated = named.truncatedKey;
    const good = await writePair(truncated, `${truncated.name}.`, 'AIA=');
    const ours = (await loadNsupdateKey(good)).unwrap();
    expect([ours.name, ours.algorithm, ours.truncatedBits]).toEqual([
      truncated.name,
      'hmac-sha256',
      128,
    ]);
    expect((await update(good)).exitCode).toBe(0);

    const plain = named.keys['hmac-sha256'];
    const bad = await writePair(plain, `${plain.name}.`, 'AIA=');
    expect((await loadNsupdateKey(bad)).unwrap().truncatedBits).toBe(128);
    const refused = await update(bad);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('update failed: NOTAUTH(BADTRUNC)');
  });

  it('the key name is the .key owner, not the file name', async () => {
    const serverKey = named.keys['hmac-sha256'];
    const path = await writePair(serverKey, 'someone-else.');
    expect((await loadNsupdateKey(path)).unwrap().name).toBe('someone-else');
    const refused = await update(path);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('update failed: NOTAUTH(BADKEY)');
  });

  it('named.conf-style key file with a truncated algorithm', async () => {
    const truncated = named.truncatedKey;
    const secret = truncated.secretBytes().toString('base64');
    const path = await tmp.write(
      'trunc.key',
      `key "${truncated.name}" {\n\talgorithm hmac-sha256-128;\n\tsecret "${secret}";\n};\n`,
    );
    const ours = (await loadNsupdateKey(path)).unwrap();
    expect(ours.sameMaterial(truncated)).toBe(true);
    expect(ours.truncatedBits).toBe(128);
    expect((await update(path)).exitCode).toBe(0);
  });
});
