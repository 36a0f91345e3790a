// transfer() as an async iterator against a fake AXFR server on loopback: records in order with
// their text, the summary in `done`, errors as values (iteration never throws), `break` stops the
// transfer, and a 1,000,000-record zone streams in bounded memory while the consumer is slow
// (the server is held back by TCP flow control, not buffered in our heap).
import { randomBytes } from 'node:crypto';
import { createServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Key } from '../../src/keys/key.js';
import { transfer, transferZoneText } from '../../src/xfr/transfer.js';
import {
  type AxfrConnection,
  a,
  type FakeAxfrServer,
  message,
  StreamSigner,
  soa,
  startFakeAxfr,
} from '../helpers/fake-axfr.js';
import { parseRequest, wireName } from '../helpers/fake-dns.js';
import { until } from '../helpers/until.js';

const ZONE = 'stream.test';
const secret = randomBytes(32);
const key = Key.from({
  name: 'xfr-key',
  algorithm: 'hmac-sha256',
  secret: secret.toString('base64'),
}).unwrap();
const fakeKey = { name: 'xfr-key.', secret };

let server: FakeAxfrServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function signedStream(c: AxfrConnection): void {
  const signer = new StreamSigner(fakeKey, c.request);
  const bodies = [
    message(c.request, ZONE, [soa(ZONE, 9), a(`h1.${ZONE}`, '192.0.2.1')]),
    message(c.request, ZONE, [a(`h2.${ZONE}`, '192.0.2.2')], { question: false }),
    message(c.request, ZONE, [a(`h3.${ZONE}`, '192.0.2.3'), soa(ZONE, 9)], { question: false }),
  ];
  for (const body of bodies) c.frame(signer.sign(body));
}

describe('transfer(): async iterator', () => {
  it('yields the verified records in order with their zone-file text; done is Ok(summary)', async () => {
    server = await startFakeAxfr(signedStream);
    const t = transfer(ZONE, { server: '127.0.0.1', port: server.port, key });
    const texts: string[] = [];
    for await (const record of t) texts.push(record.text);
    expect(texts[0]).toMatch(/^stream\.test\.\t300\tIN\tSOA\tns\.stream\.test\. hostmaster/);
    expect(texts.slice(1)).toEqual([
      'h1.stream.test.\t300\tIN\tA\t192.0.2.1',
      'h2.stream.test.\t300\tIN\tA\t192.0.2.2',
      'h3.stream.test.\t300\tIN\tA\t192.0.2.3',
    ]);
    expect((await t.done).unwrap()).toMatchObject({
      serial: 9,
      records: 4,
      messages: 3,
      signed: true,
    });
  });

  it('an error ends the iteration quietly and done carries it (records before it were yielded)', async () => {
    server = await startFakeAxfr((c) => {
      const signer = new StreamSigner(fakeKey, c.request);
      c.frame(signer.sign(message(c.request, ZONE, [soa(ZONE, 9), a(`h1.${ZONE}`, '192.0.2.1')])));
      const bad = signer.sign(
        message(c.request, ZONE, [a(`h2.${ZONE}`, '192.0.2.2')], { question: false }),
      );
      bad[bad.length - 12]! ^= 1;
      c.frame(bad);
    });
    const t = transfer(ZONE, { server: '127.0.0.1', port: server.port, key });
    const names: string[] = [];
    for await (const record of t) names.push(record.name.toString());
    expect(names).toEqual(['stream.test.', 'h1.stream.test.']);
    const done = await t.done;
    expect(done.unwrapErr()).toMatchObject({ kind: 'tsig', messageIndex: 2 });
  });

  it('awaiting done without iterating runs the transfer for its summary', async () => {
    server = await startFakeAxfr(signedStream);
    const done = await transfer(ZONE, { server: '127.0.0.1', port: server.port, key }).done;
    expect(done.unwrap()).toMatchObject({ serial: 9, records: 4 });
  });

  it('break stops the transfer: done is aborted, and the connection is closed', async () => {
    let closed = false;
    server = await startFakeAxfr(async (c) => {
      c.frame(message(c.request, ZONE, [soa(ZONE, 9), a(`h1.${ZONE}`, '192.0.2.1')]));
      c.frame(message(c.request, ZONE, [a(`h2.${ZONE}`, '192.0.2.2')], { question: false }));
      await c.closed;
      closed = true;
    });
    const t = transfer(ZONE, { server: '127.0.0.1', port: server.port });
    for await (const record of t) {
      expect(record.type).toBe(6);
      break;
    }
    expect((await t.done).unwrapErr().kind).toBe('aborted');
    await until(() => closed, 5000, 'the server to see the connection closed');
  });

  it('iterating twice is a programming error, said at once', () => {
    const t = transfer(ZONE, { server: '127.0.0.1', port: 1 });
    t.records();
    expect(() => t.records()).toThrow(/iterated once/);
  });

  it('transferZoneText: $ORIGIN and one absolute record per line', async () => {
    server = await startFakeAxfr(signedStream);
    const zone = (
      await transferZoneText(ZONE, { server: '127.0.0.1', port: server.port, key })
    ).unwrap();
    const lines = zone.text.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^; stream\.test\. serial 9: AXFR from 127\.0\.0\.1#\d+, 4 records/);
    expect(lines[1]).toBe('$ORIGIN stream.test.');
    expect(lines).toHaveLength(6);
  });
});

describe('transfer(): a 1,000,000-record zone in constant memory', () => {
  const RECORDS = 1_000_000;
  const PER_MESSAGE = 500;

  /** A server that writes the zone as fast as TCP lets it, counting what the kernel accepted. */
  async function bigServer() {
    const stats = { written: 0, blocked: false, finished: false };
    const sockets = new Set<Socket>();
    const srv = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => {});
      socket.once('data', async (chunk) => {
        const request = parseRequest(Buffer.from(chunk.subarray(2)), 'tcp', 0);
        const owners = Array.from({ length: PER_MESSAGE }, (_, i) =>
          wireName(`host-${String(i).padStart(6, '0')}.a-fairly-long-label.${ZONE}`),
        );
        const write = async (body: Buffer) => {
          const frame = Buffer.alloc(2 + body.length);
          frame.writeUInt16BE(body.length);
          body.copy(frame, 2);
          stats.written += frame.length;
          if (!socket.write(frame)) {
            stats.blocked = true;
            await new Promise((r) => socket.once('drain', r));
            stats.blocked = false;
          }
        };
        const rdata = Buffer.from([192, 0, 2, 1]);
        const rr = (owner: Buffer) =>
          Buffer.concat([owner, Buffer.from([0, 1, 0, 1, 0, 0, 1, 44, 0, 4]), rdata]);
        // One body reused with a different first label each message would change nothing here:
        // the client decodes every record either way.
        const body = message(request, ZONE, owners.map(rr), { question: false });
        await write(message(request, ZONE, [soa(ZONE, 1)]));
        for (let sent = 0; sent < RECORDS && !socket.destroyed; sent += PER_MESSAGE) {
          await write(body);
        }
        await write(message(request, ZONE, [soa(ZONE, 1)], { question: false }));
        stats.finished = true;
      });
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const address = srv.address();
    if (!address || typeof address === 'string') throw new Error('no port');
    return {
      port: address.port,
      stats,
      close: () =>
        new Promise<void>((r) => {
          for (const s of sockets) s.destroy();
          srv.close(() => r());
        }),
    };
  }

  it('streams through a slow consumer: the server is held back, the heap does not grow with the zone', async () => {
    const big = await bigServer();
    try {
      const t = transfer(ZONE, {
        server: '127.0.0.1',
        port: big.port,
        maxBytes: 1024 * 1024 * 1024,
        timeoutMs: 110_000,
      });
      const memory = () => process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
      let count = 0;
      let baseline = 0;
      let peak = 0;
      let inFlightAtPause = -1;
      for await (const record of t) {
        count++;
        if (count === 10_000) baseline = memory();
        if (count % 50_000 === 0) peak = Math.max(peak, memory());
        if (count === 300_000) {
          // The consumer stops: the server must soon be unable to write (TCP window full, our
          // socket paused), with only a bounded amount sent ahead of what we consumed.
          await until(() => big.stats.blocked, 20_000, 'the server to be blocked by flow control');
          inFlightAtPause = big.stats.written;
        }
        if (count % 1000 === 0) await new Promise((r) => setImmediate(r)); // a slow consumer
        if (record.ttl !== 300) throw new Error('unexpected TTL');
      }
      const done = (await t.done).unwrap();
      expect(done.records).toBe(RECORDS + 1);
      expect(count).toBe(RECORDS + 1);
      // Bytes of one record on the wire (owner ~50 + 14); 300 000 consumed.
      const recordBytes = (big.stats.written - 200) / (RECORDS + 1);
      const aheadBytes = inFlightAtPause - 300_000 * recordBytes;
      const growth = peak - baseline;
      console.log(
        `1M records: ${(big.stats.written / 2 ** 20).toFixed(1)} MiB streamed; ${(aheadBytes / 2 ** 20).toFixed(1)} MiB ahead of the consumer while it paused; heap+buffers growth ${(growth / 2 ** 20).toFixed(1)} MiB`,
      );
      // Kernel socket buffers on loopback plus our few queued messages: far from the zone.
      expect(aheadBytes).toBeLessThan(24 * 2 ** 20);
      expect(big.stats.written).toBeGreaterThan(50 * 2 ** 20);
      // Keeping 1M records would cost hundreds of MiB.
      expect(growth).toBeLessThan(96 * 2 ** 20);
    } finally {
      await big.close();
    }
  });
});
