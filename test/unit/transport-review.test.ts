// Adversarial review of the UPDATE transport and client: what a failure claims about the update
// (mayHaveApplied), and options that must be refused as values, never thrown.
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { expect, it } from 'vitest';
import { UpdateClient } from '../../src/update/client.js';
import { DnsTransport } from '../../src/update/transport.js';
import { Update } from '../../src/update/update.js';

/** A UDP socket on 127.0.0.1 that answers every datagram with `reply(request)`. */
async function udpAnswering(reply: (request: Buffer) => Buffer | undefined, port = 0) {
  const socket = createSocket('udp4');
  let received = 0;
  socket.on('message', (request, from) => {
    received++;
    const out = reply(request);
    if (out) socket.send(out, from.port, from.address);
  });
  await new Promise<void>((resolve) => socket.bind(port, '127.0.0.1', resolve));
  return {
    port: socket.address().port,
    received: () => received,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

/** A port with nothing listening on TCP (bound, then closed). */
async function closedTcpPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const echoTc = (request: Buffer) => {
  const reply = Buffer.from(request.subarray(0, 12));
  reply.writeUInt16BE(0x8000 | (5 << 11) | 0x0200, 2); // QR, UPDATE, TC
  reply.fill(0, 4, 12);
  return reply;
};

it('a request sent over UDP, then a TC whose TCP retry cannot connect: the failure says it was sent (the update may have been applied)', async () => {
  // UDP and TCP on the same port number: UDP answers TC, nothing listens on TCP.
  let udp = await udpAnswering(echoTc);
  let port = udp.port;
  for (let attempt = 0; attempt < 20; attempt++) {
    const probe = createServer();
    const free = await new Promise<boolean>((resolve) => {
      probe.once('error', () => resolve(false));
      probe.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (free) {
      await new Promise<void>((resolve) => probe.close(() => resolve()));
      break;
    }
    await udp.close();
    udp = await udpAnswering(echoTc);
    port = udp.port;
  }
  const transport = new DnsTransport('127.0.0.1', port);
  const id = transport.allocateId()!;
  const request = Buffer.alloc(12);
  request.writeUInt16BE(id);
  request.writeUInt16BE(5 << 11, 2);
  const outcome = await transport.exchange(request, id, () => ({ verdict: 'truncated' }), {
    deadline: Date.now() + 10_000,
    retryIntervalMs: 3000,
    tries: 1,
  });
  transport.close();
  await udp.close();
  expect(udp.received()).toBe(1);
  expect(outcome.ok).toBe(false);
  if (outcome.ok) return;
  expect(outcome.failure.kind).toBe('network');
  // The server received the UDP copy: it may have applied it.
  expect(outcome.failure.sent).toBe(true);
});

it('close() between a TC reply and the TCP retry: nothing goes out over TCP', async () => {
  // UDP answers TC; TCP on the same port counts connections.
  let tcpConnections = 0;
  const tcp = createServer((socket) => {
    tcpConnections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
  const udp = await udpAnswering(echoTc, (tcp.address() as { port: number }).port);
  const transport = new DnsTransport('127.0.0.1', udp.port);
  const id = transport.allocateId()!;
  const request = Buffer.alloc(12);
  request.writeUInt16BE(id);
  request.writeUInt16BE(5 << 11, 2);
  const outcome = await transport.exchange(
    request,
    id,
    () => {
      // The caller closes the client in the same turn, after the TC reply was seen.
      queueMicrotask(() => transport.close());
      return { verdict: 'truncated' };
    },
    { deadline: Date.now() + 5000, retryIntervalMs: 3000, tries: 1 },
  );
  await udp.close();
  await new Promise<void>((resolve) => tcp.close(() => resolve()));
  expect(outcome.ok).toBe(false);
  if (outcome.ok) return;
  expect(outcome.failure.kind).toBe('aborted');
  expect(outcome.failure.message).toMatch(/closed/);
  expect(tcpConnections).toBe(0);
});

it('out-of-range client options are an invalid-argument error from send(), never a throw', async () => {
  const port = await closedTcpPort();
  const key = {
    name: 'k',
    algorithm: 'hmac-sha256' as const,
    secret: Buffer.alloc(32, 1).toString('base64'),
  };
  const cases = [
    { fudge: 70_000 },
    { fudge: -1 },
    { fudge: 1.5 },
    { port: 70_000 },
    { port: -1 },
    { timeoutMs: Number.NaN },
    { tries: 0 },
    { retryIntervalMs: Number.POSITIVE_INFINITY },
    // net.connect throws synchronously for a local address that is not an IP address.
    { sourceAddress: 'bogus', tcp: true },
    { sourceAddress: 'bogus' },
  ];
  for (const extra of cases) {
    const client = new UpdateClient({ server: '127.0.0.1', port, key, timeoutMs: 2000, ...extra });
    const sent = client.send(
      new Update('example.test').add({ name: 'a', type: 'A', ttl: 60, data: '192.0.2.1' }),
    );
    await expect(sent, JSON.stringify(extra)).resolves.toBeDefined();
    const result = await sent;
    client.close();
    expect(result.isErr(), JSON.stringify(extra)).toBe(true);
    if (result.isOk()) continue;
    expect(result.error.kind, JSON.stringify(extra)).toBe('invalid-argument');
    expect(result.error.mayHaveApplied, JSON.stringify(extra)).toBe(false);
  }
});
