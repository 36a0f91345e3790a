// No key material or MAC may reach logs, errors, inspect output or JSON.
import { inspect } from 'node:util';
import createDebug from 'debug';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RndcClient } from '../../src/control/client.js';
import { Key } from '../../src/keys/key.js';
import { type NamedInstance, startNamed } from '../../src/testing/index.js';
import { startTamperProxy } from '../helpers/tamper-proxy.js';

let named: NamedInstance;

beforeAll(async () => {
  named = await startNamed();
});

afterAll(async () => {
  await named?.stop();
});

it('secrets and MACs appear in no log line, error, inspect output or JSON', async () => {
  const key = named.keys['hmac-sha256'];
  const secretBase64 = key.secretBytes().toString('base64');
  const secretHex = key.secretBytes().toString('hex');
  // Collect every MAC that crosses the wire (hsha: alg byte at 0x1d, base64 from 0x1e).
  const macs = new Set<string>();
  const recordMac = (frame: Buffer) => macs.add(frame.subarray(0x1e, 0x1e + 44).toString('latin1'));
  const proxy = await startTamperProxy(
    named.controlPort,
    (frame) => {
      recordMac(frame);
      return frame;
    },
    (frame) => {
      recordMac(frame);
      return 'forward';
    },
  );
  const logged: string[] = [];
  const previousLog = createDebug.log;
  createDebug.log = (...args: unknown[]) => logged.push(args.map(String).join(' '));
  createDebug.enable('rndc:*');
  try {
    const rndc = RndcClient.connect({ port: proxy.port, key });
    const spec = RndcClient.connect({
      port: proxy.port,
      key: { name: 'as-spec', algorithm: 'hmac-sha256', secret: secretBase64 },
    });
    (await rndc.status()).unwrap();
    const failure = (await rndc.zonestatus('nosuch.zone')).unwrapErr();
    const wrong = Key.from({
      name: key.name,
      algorithm: 'hmac-sha512',
      secret: secretBase64,
    }).unwrap();
    const rejected = (
      await RndcClient.connect({ port: proxy.port, key: wrong }).status()
    ).unwrapErr();
    const badKey = (
      await RndcClient.connect({
        port: proxy.port,
        key: { name: 'k', algorithm: 'hmac-sha256', secret: `${secretBase64}!` },
      }).status()
    ).unwrapErr();
    expect(macs.size).toBeGreaterThanOrEqual(7); // 4 requests (1 rejected) + 3 replies
    expect(logged.length).toBeGreaterThan(0);
    const surfaces = [
      ...logged,
      inspect(rndc, { depth: Infinity, showHidden: true }),
      inspect(spec, { depth: Infinity, showHidden: true }),
      inspect(key, { depth: Infinity, showHidden: true }),
      JSON.stringify(key),
      String(key),
      ...[failure, rejected, badKey].flatMap((e) => [
        e.message,
        e.describe(),
        e.stack ?? '',
        inspect(e, { depth: Infinity, showHidden: true }),
        JSON.stringify(e),
      ]),
    ];
    for (const text of surfaces) {
      expect(text).not.toContain(secretBase64);
      expect(text).not.toContain(secretBase64.slice(0, 20));
      expect(text).not.toContain(secretHex.slice(0, 20));
      for (const mac of macs) expect(text).not.toContain(mac.slice(0, 20));
    }
    await rndc.close();
    await spec.close();
  } finally {
    createDebug.log = previousLog;
    createDebug.disable();
    await proxy.close();
  }
});
