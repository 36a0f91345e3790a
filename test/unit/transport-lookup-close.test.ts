// close() (and the caller's signal, and the deadline) end an exchange that is still resolving the
// server's host name: it fails at once, and nothing is sent once the lookup finishes later. The
// host-name lookup is stubbed so that it stays pending until the test lets it finish.
import { createSocket } from 'node:dgram';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { UpdateClient } from '../../src/update/client.js';
import { DnsTransport } from '../../src/update/transport.js';
import { Update } from '../../src/update/update.js';

const lookups = vi.hoisted(() => ({
  /** Lookups waiting for the test: each finishes with 127.0.0.1 when released. */
  waiting: [] as Array<() => void>,
}));

vi.mock('node:dns/promises', async (importOriginal) => {
  const original = await importOriginal<typeof import('node:dns/promises')>();
  return {
    ...original,
    lookup: () =>
      new Promise((resolve) =>
        lookups.waiting.push(() => resolve({ address: '127.0.0.1', family: 4 })),
      ),
  };
});

/** A UDP socket on 127.0.0.1 that counts what it receives and never answers. */
let sink: { port: number; received: number; close: () => Promise<void> };

beforeEach(async () => {
  lookups.waiting.length = 0;
  const socket = createSocket('udp4');
  const state = { port: 0, received: 0, close: async () => {} };
  socket.on('message', () => state.received++);
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  state.port = socket.address().port;
  state.close = () => new Promise<void>((resolve) => socket.close(() => resolve()));
  sink = state;
});

afterEach(async () => {
  for (const release of lookups.waiting) release();
  await sink.close();
});

/** Lets every pending lookup finish, then gives a send that should not happen time to arrive. */
async function releaseLookupsAndSettle(): Promise<void> {
  await vi.waitFor(() => expect(lookups.waiting.length).toBeGreaterThan(0));
  for (const release of lookups.waiting.splice(0)) release();
  await sleep(200);
}

const packet = (id: number) => {
  const bytes = Buffer.alloc(12);
  bytes.writeUInt16BE(id);
  return bytes;
};

it('DnsTransport.close() ends an exchange still resolving the host name; nothing is sent', async () => {
  const transport = new DnsTransport('slow.test', sink.port);
  const id = transport.allocateId()!;
  const exchange = transport.exchange(packet(id), id, () => ({ verdict: 'ignore', reason: 'x' }), {
    deadline: Date.now() + 30_000,
    retryIntervalMs: 50,
    tries: 5,
  });
  await vi.waitFor(() => expect(lookups.waiting.length).toBe(1));
  transport.close();
  const outcome = await exchange;
  expect(outcome.ok).toBe(false);
  if (outcome.ok) return;
  expect(outcome.failure.kind).toBe('aborted');
  expect(outcome.failure.sent).toBe(false);
  await releaseLookupsAndSettle();
  expect(sink.received).toBe(0);
  // The ID is free again.
  expect(transport.allocateId()!).toBeTypeOf('number');
});

it('UpdateClient.close() during the lookup: the send fails with aborted, not applied, nothing sent', async () => {
  const client = new UpdateClient({
    server: 'slow.test',
    port: sink.port,
    retryIntervalMs: 50,
    tries: 5,
  });
  const sent = client.send(new Update('example.test').add('a 300 A 192.0.2.1'), {
    timeoutMs: 30_000,
  });
  await vi.waitFor(() => expect(lookups.waiting.length).toBe(1));
  client.close();
  const error = (await sent).unwrapErr();
  expect(error.kind).toBe('aborted');
  expect(error.mayHaveApplied).toBe(false);
  await releaseLookupsAndSettle();
  expect(sink.received).toBe(0);
});

it("the caller's signal ends an exchange still resolving the host name; nothing is sent", async () => {
  const client = new UpdateClient({ server: 'slow.test', port: sink.port, retryIntervalMs: 50 });
  const controller = new AbortController();
  const sent = client.send(new Update('example.test').add('a 300 A 192.0.2.1'), {
    timeoutMs: 30_000,
    signal: controller.signal,
  });
  await vi.waitFor(() => expect(lookups.waiting.length).toBe(1));
  controller.abort();
  const error = (await sent).unwrapErr();
  expect(error.kind).toBe('aborted');
  expect(error.mayHaveApplied).toBe(false);
  await releaseLookupsAndSettle();
  expect(sink.received).toBe(0);
  client.close();
});

it('the deadline ends an exchange still resolving the host name (timeout); nothing is sent', async () => {
  const client = new UpdateClient({ server: 'slow.test', port: sink.port, retryIntervalMs: 50 });
  const error = (
    await client.send(new Update('example.test').add('a 300 A 192.0.2.1'), { timeoutMs: 100 })
  ).unwrapErr();
  expect(error.kind).toBe('timeout');
  expect(error.mayHaveApplied).toBe(false);
  await releaseLookupsAndSettle();
  expect(sink.received).toBe(0);
  client.close();
});
