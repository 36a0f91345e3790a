// Message IDs are reserved from allocation until the exchange ends: two sends in flight never
// share an ID, even when one allocates while the other is still before its exchange.
import { createSocket } from 'node:dgram';
import { expect, it } from 'vitest';
import { DnsTransport } from '../../src/update/transport.js';

it('an allocated ID is not handed out again until released or exchanged', () => {
  const transport = new DnsTransport('127.0.0.1', 9);
  const ids = new Set<number>();
  // All 65536 IDs can be reserved at once, each exactly once.
  for (let i = 0; i < 65536; i++) ids.add(transport.allocateId()!);
  expect(ids.size).toBe(65536);
  transport.releaseId(4242);
  expect(transport.allocateId()!).toBe(4242);
});

it('a reply reaches the exchange of its ID even when another exchange starts meanwhile', async () => {
  // An echo server answering each datagram with itself after a delay.
  const server = createSocket('udp4');
  server.on('message', (message, from) =>
    setTimeout(() => server.send(message, from.port, from.address), 20),
  );
  await new Promise<void>((resolve) => server.bind(0, '127.0.0.1', resolve));
  const transport = new DnsTransport('127.0.0.1', server.address().port);
  try {
    const first = transport.allocateId()!;
    const second = transport.allocateId()!;
    expect(second).not.toBe(first);
    const packet = (id: number, tag: number) => {
      const bytes = Buffer.alloc(3);
      bytes.writeUInt16BE(id);
      bytes[2] = tag;
      return bytes;
    };
    const options = { deadline: Date.now() + 2000, retryIntervalMs: 1000, tries: 1 };
    const [a, b] = await Promise.all([
      transport.exchange(
        packet(first, 1),
        first,
        (r) => ({ verdict: 'accept' as const, value: r[2] }),
        options,
      ),
      transport.exchange(
        packet(second, 2),
        second,
        (r) => ({ verdict: 'accept' as const, value: r[2] }),
        options,
      ),
    ]);
    expect(a.ok && a.value.value).toBe(1);
    expect(b.ok && b.value.value).toBe(2);
  } finally {
    transport.close();
    server.close();
  }
});

it('with all 65,536 IDs in use, allocateId returns undefined at once (no spinning)', () => {
  const transport = new DnsTransport('127.0.0.1', 9);
  for (let i = 0; i < 65536; i++) transport.allocateId();
  const started = performance.now();
  expect(transport.allocateId()).toBeUndefined();
  // Evidence of no loop: a second call returns too (a spinning allocator never would).
  expect(transport.allocateId()).toBeUndefined();
  expect(performance.now() - started).toBeLessThan(5000);
});

it('reserveId waits in a queue for a released ID, first come first served', async () => {
  const transport = new DnsTransport('127.0.0.1', 9);
  for (let i = 0; i < 65536; i++) transport.allocateId();
  const deadline = Date.now() + 60_000;
  const first = transport.reserveId({ deadline });
  const second = transport.reserveId({ deadline });
  transport.releaseId(7);
  expect(await first).toEqual({ id: 7 });
  transport.releaseId(9);
  expect(await second).toEqual({ id: 9 });
  // A waiter does not jump the queue: a new reservation waits too while the table is full.
  const third = transport.reserveId({ deadline: Date.now() + 50 });
  expect(await third).toMatchObject({ failure: { kind: 'timeout' } });
});

it('a waiting reserveId ends at its deadline, on its signal, and when the transport closes', async () => {
  const transport = new DnsTransport('127.0.0.1', 9);
  for (let i = 0; i < 65536; i++) transport.allocateId();
  const started = Date.now();
  const late = await transport.reserveId({ deadline: started + 100 });
  expect(late).toMatchObject({ failure: { kind: 'timeout' } });
  expect(Date.now() - started).toBeLessThan(100 + 2000);
  const controller = new AbortController();
  const aborted = transport.reserveId({ deadline: Date.now() + 60_000, signal: controller.signal });
  controller.abort();
  expect(await aborted).toMatchObject({ failure: { kind: 'aborted' } });
  const closing = transport.reserveId({ deadline: Date.now() + 60_000 });
  transport.close();
  expect(await closing).toMatchObject({ failure: { kind: 'aborted' } });
});

it('an exchange whose deadline has passed (e.g. after waiting for an ID) sends nothing', async () => {
  const server = createSocket('udp4');
  const received: Buffer[] = [];
  server.on('message', (message) => received.push(message));
  await new Promise<void>((resolve) => server.bind(0, '127.0.0.1', resolve));
  const transport = new DnsTransport('127.0.0.1', server.address().port);
  try {
    const id = transport.allocateId()!;
    const outcome = await transport.exchange(
      Buffer.from([id >> 8, id & 0xff, 0]),
      id,
      () => ({ verdict: 'ignore', reason: 'x' }),
      { deadline: Date.now() - 1, retryIntervalMs: 100, tries: 1 },
    );
    expect(outcome).toMatchObject({ ok: false, failure: { kind: 'timeout', sent: false } });
    // A datagram sent now would have arrived by the time a second one is answered.
    const probe = createSocket('udp4');
    await new Promise<void>((resolve) =>
      probe.send(Buffer.from('probe'), server.address().port, '127.0.0.1', () => resolve()),
    );
    const deadline = Date.now() + 5000;
    while (received.length === 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 10));
    probe.close();
    expect(received.map((m) => m.toString())).toEqual(['probe']);
  } finally {
    transport.close();
    server.close();
  }
});
