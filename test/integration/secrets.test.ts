// No key material or MAC may reach logs, errors, inspect output or JSON.
import { inspect } from 'node:util';
import createDebug from 'debug';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RndcClient } from '../../src/control/client.js';
import { Key } from '../../src/keys/key.js';
import { type NamedInstance, startNamed } from '../../src/testing/index.js';
import { startTamperProxy } from '../helpers/tamper-proxy.js';
import { startUdpRelay } from '../helpers/udp-relay.js';

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

it('UPDATE: secrets and TSIG MACs appear in no log line, error or inspect output', async () => {
  const { UpdateClient } = await import('../../src/update/client.js');
  const { Update } = await import('../../src/update/update.js');
  const { runNsupdateScript } = await import('../../src/update/nsupdate.js');
  const key = named.keys['hmac-sha512'];
  const secret = key.secretBytes();
  // A UDP relay that records the MAC of every request and reply (the bytes before the last 6).
  const macs: Buffer[] = [];
  const recordMac = (packet: Buffer) => {
    const size = packet.readUInt16BE(packet.length - 6 - 64 - 2);
    if (size === 64)
      macs.push(Buffer.from(packet.subarray(packet.length - 6 - 64, packet.length - 6)));
  };
  const front = await startUdpRelay(named.dnsPort, {
    query: (query) => {
      recordMac(query);
      return undefined;
    },
    reply: (reply) => {
      recordMac(reply);
      return undefined;
    },
  });
  const logged: string[] = [];
  const previousLog = createDebug.log;
  createDebug.log = (...args: unknown[]) => logged.push(args.map(String).join(' '));
  createDebug.enable('rndc:*');
  try {
    const good = new UpdateClient({ server: '127.0.0.1', port: front.port, key });
    (await good.send(new Update('dyn.test').add('secret-test 300 A 192.0.2.1'))).unwrap();
    const failure = (
      await good.send(new Update('dyn.test').absent('secret-test').add('x 300 A 192.0.2.1'))
    ).unwrapErr();
    const wrong = Key.from({
      name: key.name,
      algorithm: 'hmac-sha512',
      secret: Buffer.from(secret.map((b) => b ^ 1)).toString('base64'),
    }).unwrap();
    const badsig = (
      await new UpdateClient({ server: '127.0.0.1', port: named.dnsPort, key: wrong }).send(
        new Update('dyn.test').add('x 300 A 192.0.2.1'),
      )
    ).unwrapErr();
    const script = (
      await runNsupdateScript(
        `server 127.0.0.1 ${named.dnsPort}\nkey hmac-sha512:${key.name} ${Buffer.from(secret.map((b) => b ^ 2)).toString('base64')}\nadd y.dyn.test. 300 A 192.0.2.1\nsend\n`,
      )
    ).unwrap();
    const syntax = (await runNsupdateScript('key hmac-sha512:k not-base64!!\nsend\n')).unwrapErr();
    expect(macs.length).toBeGreaterThanOrEqual(4);
    const surfaces = [
      ...logged,
      inspect(good, { depth: Infinity, showHidden: true }),
      script.stderr,
      inspect(script, { depth: 6 }),
      ...[failure, badsig, syntax].flatMap((e) => [
        e.message,
        e.describe(),
        e.stack ?? '',
        inspect(e, { depth: Infinity }),
        JSON.stringify(e),
      ]),
    ];
    for (const text of surfaces) {
      for (const bytes of [
        secret,
        Buffer.from(secret.map((b) => b ^ 1)),
        Buffer.from(secret.map((b) => b ^ 2)),
      ]) {
        expect(text).not.toContain(bytes.toString('base64').slice(0, 20));
        expect(text).not.toContain(bytes.toString('hex').slice(0, 20));
      }
      for (const mac of macs) {
        expect(text).not.toContain(mac.toString('base64').slice(0, 20));
        expect(text).not.toContain(mac.toString('hex').slice(0, 20));
      }
    }
    good.close();
  } finally {
    createDebug.log = previousLog;
    createDebug.disable();
    await front.close();
  }
});
