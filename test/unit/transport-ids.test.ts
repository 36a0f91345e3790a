// Message IDs are reserved from allocation until the exchange ends: two sends in flight never
// share an ID, even when one allocates while the other is still before its exchange.
import { createSocket } from 'node:dgram';
import { expect, it } from 'vitest';
import { DnsTransport } from '../../src/update/transport.js';

it('an allocated ID is not handed out again until released or exchanged', () => {
  const transport = new DnsTransport('127.0.0.1', 9);
  const ids = new Set<number>();
  // All 65536 IDs can be reserved at once, each exactly once.
  for (let i = 0; i < 65536; i++) ids.add(transport.allocateId());
  expect(ids.size).toBe(65536);
  transport.releaseId(4242);
  expect(transport.allocateId()).toBe(4242);
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
    const first = transport.allocateId();
    const second = transport.allocateId();
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
