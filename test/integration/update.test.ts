// Dynamic UPDATE with TSIG against a real named: algorithms, every row of the error matrix,
// tampered replies, TCP, TC fallback, zone discovery and a 10,000-update run.
import { createSocket } from 'node:dgram';
import { connect, createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RndcClient } from '../../src/control/client.js';
import { HMAC_ALGORITHMS, Key } from '../../src/keys/key.js';
import { type NamedInstance, startNamed } from '../../src/testing/index.js';
import { UpdateClient } from '../../src/update/client.js';
import { Update } from '../../src/update/update.js';
import { axfr, lookup } from '../helpers/dns.js';
import { listenOnOnePort } from '../helpers/dns-port.js';
import { parseRequest, replyTo, signReply } from '../helpers/fake-dns.js';
import { startUdpRelay } from '../helpers/udp-relay.js';

let named: NamedInstance;
const clients: UpdateClient[] = [];

function client(
  options: Partial<ConstructorParameters<typeof UpdateClient>[0]> = {},
): UpdateClient {
  const c = new UpdateClient({
    server: '127.0.0.1',
    port: named.dnsPort,
    key: named.keys['hmac-sha256'],
    retryIntervalMs: 500,
    ...options,
  });
  clients.push(c);
  return c;
}

beforeAll(async () => {
  named = await startNamed();
});

afterAll(async () => {
  for (const c of clients) c.close();
  await named?.stop();
});

describe.each(HMAC_ALGORITHMS)('%s', (algorithm) => {
  it('a signed add is applied and its reply verified', async () => {
    const owner = `alg-${algorithm}`;
    const result = await client({ key: named.keys[algorithm] }).send(
      new Update('dyn.test').add(`${owner} 300 A 192.0.2.7`),
    );
    expect(result.unwrap()).toMatchObject({ zone: 'dyn.test.', signed: true, transport: 'udp' });
    expect(await lookup(named.dnsPort, `${owner}.dyn.test`, 'A')).toEqual(['192.0.2.7']);
  });
});

it('a BIND-style truncated key (hmac-sha256-128) works', async () => {
  const result = await client({ key: named.truncatedKey }).send(
    new Update('dyn.test').add('trunc 300 TXT "truncated MAC"'),
  );
  expect(result.unwrap().signed).toBe(true);
  expect(await lookup(named.dnsPort, 'trunc.dyn.test', 'TXT')).toEqual(['"truncated MAC"']);
});

describe('the error matrix (research/update-tsig.md §2.6, §3.2)', () => {
  const base = () => named.keys['hmac-sha256'];
  const rekey = (changes: Partial<{ name: string; algorithm: string; secret: string }>) =>
    Key.from({
      name: base().name,
      algorithm: base().algorithm,
      secret: base().secretBytes().toString('base64'),
      ...changes,
    }).unwrap();

  it('wrong secret → BADSIG, unauthenticated', async () => {
    const error = (
      await client({ key: rekey({ secret: Buffer.alloc(32, 9).toString('base64') }) }).send(
        new Update('dyn.test').add('x 300 A 192.0.2.1'),
      )
    ).unwrapErr();
    expect(error).toMatchObject({ kind: 'BADSIG', rcode: 9, tsigError: 16, authenticated: false });
    expect(error.message).toContain('update failed: NOTAUTH(BADSIG)');
  });

  it('unknown key name → BADKEY', async () => {
    const error = (
      await client({ key: rekey({ name: 'no-such-key' }) }).send(
        new Update('dyn.test').add('x 300 A 192.0.2.1'),
      )
    ).unwrapErr();
    expect(error).toMatchObject({ kind: 'BADKEY', tsigError: 17 });
    expect(error.message).toContain('no key no-such-key');
  });

  it('right name, wrong algorithm (md5, as nsupdate -y defaults) → BADKEY naming the algorithm trap', async () => {
    const error = (
      await client({ key: rekey({ algorithm: 'hmac-md5' }) }).send(
        new Update('dyn.test').add('x 300 A 192.0.2.1'),
      )
    ).unwrapErr();
    expect(error.kind).toBe('BADKEY');
    expect(error.causes.join(' ')).toContain('default to hmac-md5');
  });

  it('clock 1000 s behind → BADTIME with the skew from the server time', async () => {
    const error = (
      await client({ clock: () => Date.now() - 1_000_000 }).send(
        new Update('dyn.test').add('x 300 A 192.0.2.1'),
      )
    ).unwrapErr();
    expect(error).toMatchObject({ kind: 'BADTIME', tsigError: 18, authenticated: true });
    expect(error.skewSeconds).toBeGreaterThan(-1010);
    expect(error.skewSeconds).toBeLessThan(-990);
  });

  it('a truncated MAC for a key named.conf does not truncate → BADTRUNC', async () => {
    const error = (
      await client({ key: rekey({ algorithm: 'hmac-sha256-128' }) }).send(
        new Update('dyn.test').add('x 300 A 192.0.2.1'),
      )
    ).unwrapErr();
    expect(error).toMatchObject({ kind: 'BADTRUNC', tsigError: 22 });
  });

  it('a request MAC cut below the minimum length in flight → FORMERR(BADSIG), unauthenticated', async () => {
    // Rewrite our request: keep 8 of the 32 MAC bytes and fix MAC size and RDLENGTH.
    const relay = await startUdpRelay(named.dnsPort, {
      query: (query) => {
        const macSizeAt = query.length - 6 - 32 - 2;
        const cut = Buffer.concat([
          query.subarray(0, macSizeAt + 2 + 8),
          query.subarray(query.length - 6),
        ]);
        cut.writeUInt16BE(8, macSizeAt);
        // RDATA = algorithm name (hmac-sha256. = 13 bytes), time (6), fudge (2), MAC size, …
        const rdlengthAt = macSizeAt - 8 - 13 - 2;
        cut.writeUInt16BE(cut.readUInt16BE(rdlengthAt) - 24, rdlengthAt);
        return cut;
      },
    });
    try {
      const error = (
        await client({ port: relay.port }).send(new Update('dyn.test').add('short 300 A 192.0.2.1'))
      ).unwrapErr();
      expect(error).toMatchObject({
        kind: 'BADSIG',
        rcode: 1,
        tsigError: 16,
        authenticated: false,
      });
      expect(error.message).toContain('update failed: FORMERR(BADSIG)');
    } finally {
      await relay.close();
    }
  });

  it('unsigned update → REFUSED', async () => {
    const error = (
      await new UpdateClient({ server: '127.0.0.1', port: named.dnsPort }).send(
        new Update('dyn.test').add('x 300 A 192.0.2.1'),
      )
    ).unwrapErr();
    expect(error.kind).toBe('REFUSED');
  });

  it('zone not served → NOTAUTH; owner outside the zone → NOTZONE', async () => {
    expect(
      (await client().send(new Update('nosuch.test').add('x 300 A 192.0.2.1'))).unwrapErr().kind,
    ).toBe('NOTAUTH');
    const notzone = (
      await client().send(new Update('dyn.test').add('x.other.test. 300 A 192.0.2.1'))
    ).unwrapErr();
    expect(notzone.kind).toBe('NOTZONE');
    expect(notzone.authenticated).toBe(true);
  });

  it('prerequisites: YXDOMAIN, NXDOMAIN, NXRRSET, YXRRSET', async () => {
    const rrs = client();
    expect(
      (await rrs.send(new Update('dyn.test').absent('www').add('new1 300 A 192.0.2.1'))).unwrapErr()
        .kind,
    ).toBe('YXDOMAIN');
    expect(
      (
        await rrs.send(new Update('dyn.test').present('nothing-here').add('new1 300 A 192.0.2.1'))
      ).unwrapErr().kind,
    ).toBe('NXDOMAIN');
    expect(
      (
        await rrs.send(new Update('dyn.test').present('www', 'MX').add('new1 300 A 192.0.2.1'))
      ).unwrapErr().kind,
    ).toBe('NXRRSET');
    expect(
      (
        await rrs.send(new Update('dyn.test').absent('www', 'A').add('new1 300 A 192.0.2.1'))
      ).unwrapErr().kind,
    ).toBe('YXRRSET');
    expect(await lookup(named.dnsPort, 'new1.dyn.test', 'A')).toEqual([]);
  });

  it('a frozen zone → REFUSED', async () => {
    const rndc = RndcClient.connect({ port: named.controlPort, key: named.keys['hmac-sha256'] });
    try {
      (await rndc.freeze('dyn.test')).unwrap();
      expect(
        (await client().send(new Update('dyn.test').add('frozen 300 A 192.0.2.1'))).unwrapErr()
          .kind,
      ).toBe('REFUSED');
    } finally {
      (await rndc.thaw('dyn.test', { wait: true })).unwrap();
      await rndc.close();
    }
  });

  it('a server that does not answer → timeout after identical retries', async () => {
    const silent = createSocket('udp4');
    const received: Buffer[] = [];
    silent.on('message', (m) => received.push(m));
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
    try {
      const error = (
        await client({ port: silent.address().port, retryIntervalMs: 100, tries: 3 }).send(
          new Update('dyn.test').add('x 300 A 192.0.2.1'),
        )
      ).unwrapErr();
      expect(error.kind).toBe('timeout');
      expect(error.mayHaveApplied).toBe(true);
      expect(received).toHaveLength(3);
      expect(received.every((m) => m.equals(received[0]!))).toBe(true);
    } finally {
      silent.close();
    }
  });
});

/** A UDP "man in the middle" that forwards to named and lets a test rewrite replies. */
function udpProxy(rewrite: (reply: Buffer) => Buffer[]) {
  return startUdpRelay(named.dnsPort, { reply: rewrite });
}

describe('replies are verified', () => {
  it('a tampered copy arriving first is ignored and the genuine reply accepted', async () => {
    const proxy = await udpProxy((reply) => {
      const tampered = Buffer.from(reply);
      tampered[tampered.length - 8] = tampered[tampered.length - 8]! ^ 1; // inside the MAC
      return [tampered, reply];
    });
    try {
      const result = (
        await client({ port: proxy.port }).send(
          new Update('dyn.test').add('tamper 300 A 192.0.2.9'),
        )
      ).unwrap();
      expect(result.ignoredReplies.join()).toContain('does not verify');
    } finally {
      await proxy.close();
    }
  });

  it('only tampered replies → no success, and the error says why they were ignored', async () => {
    const proxy = await udpProxy((reply) => {
      const tampered = Buffer.from(reply);
      tampered[3] = tampered[3]! ^ 0x05; // the RCODE: NOERROR → something else, MAC now wrong
      return [tampered];
    });
    try {
      const error = (
        await client({ port: proxy.port, tries: 2, retryIntervalMs: 200, timeoutMs: 1500 }).send(
          new Update('dyn.test').add('tamper2 300 A 192.0.2.9'),
        )
      ).unwrapErr();
      expect(error.kind).toBe('timeout');
      expect(error.message).toContain('does not verify');
    } finally {
      await proxy.close();
    }
  });

  it('an unsigned reply to a signed request is not believed', async () => {
    const proxy = await udpProxy((reply) => {
      // Header (12) + zone section (dyn.test. = 10, type + class = 4): the TSIG cut off.
      const stripped = Buffer.from(reply.subarray(0, 26));
      stripped.writeUInt16BE(0, 10);
      return [stripped];
    });
    try {
      const error = (
        await client({ port: proxy.port, tries: 1, retryIntervalMs: 200, timeoutMs: 800 }).send(
          new Update('dyn.test').add('u 300 A 192.0.2.9'),
        )
      ).unwrapErr();
      // RFC 8945 §5.4: discarded; the client waits for a signed reply until it times out.
      expect(error.kind).toBe('timeout');
      expect(error.mayHaveApplied).toBe(true);
      expect(error.ignoredReplies).toBe(1);
      expect(error.message).toContain('an unsigned reply to a signed request');
    } finally {
      await proxy.close();
    }
  });
});

describe('transport', () => {
  it('a request over 512 bytes goes over TCP; tcp: true forces it', async () => {
    const big = new Update('dyn.test');
    for (let i = 0; i < 20; i++) big.add(`big 300 TXT "${'x'.repeat(40)}${i}"`);
    expect((await client().send(big)).unwrap().transport).toBe('tcp');
    expect((await lookup(named.dnsPort, 'big.dyn.test', 'TXT')).length).toBe(20);
    expect(
      (
        await client({ tcp: true }).send(new Update('dyn.test').add('viatcp 300 A 192.0.2.3'))
      ).unwrap().transport,
    ).toBe('tcp');
  });

  it('a verified UDP reply with TC set makes the client retry over TCP', async () => {
    // UDP: answer every query with its header and zone section, TC set, signed with the key as
    // named would (an unsigned TC is not followed: test/integration/hostile-update.test.ts).
    // TCP: forward to named.
    const key = named.keys['hmac-sha256'];
    const fakeKey = { name: `${key.name}.`, algorithm: key.algorithm, secret: key.secretBytes() };
    const udp = createSocket('udp4');
    udp.on('message', (query, from) => {
      const request = parseRequest(query, 'udp', 0);
      const tc = signReply(replyTo(request, { truncated: true }), request, fakeKey);
      udp.send(tc, from.port, from.address);
    });
    const tcp = createServer((socket) => {
      const upstream = connect({ host: '127.0.0.1', port: named.dnsPort });
      socket.pipe(upstream).pipe(socket);
      socket.on('error', () => upstream.destroy());
      upstream.on('error', () => socket.destroy());
    });
    // One port for both (three suites run side by side: a port free for UDP may be taken for TCP).
    const port = await listenOnOnePort(tcp, udp);
    try {
      const result = (
        await client({ port }).send(new Update('dyn.test').add('tc 300 A 192.0.2.4'))
      ).unwrap();
      expect(result.transport).toBe('tcp');
      expect(await lookup(named.dnsPort, 'tc.dyn.test', 'A')).toEqual(['192.0.2.4']);
    } finally {
      udp.close();
      tcp.close();
    }
  });

  it('finds the zone when none is given (signed SOA query, walking up labels)', async () => {
    const result = (
      await client().send(new Update().add('deep.below.discover.dyn.test. 300 A 192.0.2.5'))
    ).unwrap();
    expect(result.zone).toBe('dyn.test.');
    expect(await lookup(named.dnsPort, 'deep.below.discover.dyn.test', 'A')).toEqual(['192.0.2.5']);
    const missing = (
      await client().send(new Update().add('x.not-served.example. 300 A 192.0.2.5'))
    ).unwrapErr();
    expect(missing.kind).toBe('zone-not-found');
  });

  it('an aborted send returns aborted', async () => {
    const silent = createSocket('udp4');
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
    try {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 50);
      const error = (
        await client({ port: silent.address().port }).send(
          new Update('dyn.test').add('x 300 A 192.0.2.1'),
          { signal: controller.signal },
        )
      ).unwrapErr();
      expect(error.kind).toBe('aborted');
    } finally {
      silent.close();
    }
  });
});

describe('load', () => {
  it('10,000 single-record updates at 64 in flight: every record present afterwards', {
    timeout: 300_000,
  }, async () => {
    const load = await startNamed({ zones: [{ name: 'load.test', kind: 'dynamic' }] });
    const sender = new UpdateClient({
      server: '127.0.0.1',
      port: load.dnsPort,
      key: load.keys['hmac-sha256'],
    });
    try {
      const total = 10_000;
      let next = 0;
      const failures: string[] = [];
      const worker = async () => {
        while (next < total) {
          const i = next++;
          const result = await sender.send(
            new Update('load.test').add(
              `h${i} 300 A 10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
            ),
          );
          if (result.isErr()) failures.push(`h${i}: ${result.error.message}`);
        }
      };
      await Promise.all(Array.from({ length: 64 }, worker));
      expect(failures).toEqual([]);
      const zone = await axfr(load.dnsPort, 'load.test');
      const hosts = zone.filter((line) => /^h\d+\.load\.test\. 300 A /.test(line));
      expect(hosts).toHaveLength(total);
      for (const i of [0, 1, 4242, 9999]) {
        expect(zone).toContain(
          `h${i}.load.test. 300 A 10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
        );
      }
    } finally {
      sender.close();
      await load.stop();
    }
  });
});
