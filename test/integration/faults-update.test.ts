// Fault injection on dynamic update against a real named: named stopped (timeout after
// identical retries), nothing listening (ICMP port unreachable), a TCP path that stalls, named
// killed during a TCP update, close() with updates in flight, and recovery after a restart. Every
// send settles with a typed error before its deadline (+ a margin for a loaded CI machine).
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort, type NamedInstance, startNamed } from '../../src/testing/index.js';
import { UpdateClient, type UpdateClientOptions } from '../../src/update/client.js';
import { Update } from '../../src/update/update.js';
import { lookup } from '../helpers/dns.js';
import {
  startTruncatingStaller,
  startUdpRecorder,
  waitUntilStopped,
} from '../helpers/fault-proxy.js';
import { timed } from '../helpers/timed.js';

/** Allowance over a deadline for a busy 2-core CI machine. A correctness bound, not a timing. */
const MARGIN_MS = 2000;

let named: NamedInstance;
const clients: UpdateClient[] = [];
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
let serial = 0;

function client(options: Partial<UpdateClientOptions> = {}): UpdateClient {
  const c = new UpdateClient({
    server: '127.0.0.1',
    port: named.dnsPort,
    key: named.keys['hmac-sha256'],
    retryIntervalMs: 200,
    tries: 3,
    ...options,
  });
  clients.push(c);
  return c;
}

/** A fresh single-record update of dyn.test. */
function anUpdate(): { update: Update; name: string } {
  const label = `f${++serial}`;
  return {
    update: new Update('dyn.test').add(`${label} 300 A 192.0.2.${serial % 250}`),
    name: `${label}.dyn.test`,
  };
}

async function stopNamed(): Promise<void> {
  expect(named.kill('SIGSTOP')).toBe(true);
  await waitUntilStopped(named.pid);
}

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  named = await startNamed();
});

afterEach(async () => {
  named.kill('SIGCONT');
  if (!named.isRunning()) await named.restart();
});

afterAll(async () => {
  if (named?.isRunning()) named.kill('SIGCONT');
  for (const c of clients) c.close();
  await named?.stop();
  process.off('unhandledRejection', onUnhandled);
  expect(unhandled).toEqual([]);
});

describe('named stopped', () => {
  it('SIGSTOP → timeout after `tries` identical datagrams, within the deadline; works after SIGCONT', async () => {
    const recorder = await startUdpRecorder(named.dnsPort);
    try {
      const updates = client({ port: recorder.port, tries: 3, retryIntervalMs: 200 });
      (await updates.send(anUpdate().update)).unwrap();
      recorder.received.length = 0;
      await stopNamed();
      try {
        const { value, ms } = await timed(updates.send(anUpdate().update, { timeoutMs: 5000 }));
        const error = value.unwrapErr();
        expect(error.kind).toBe('timeout');
        expect(error.mayHaveApplied).toBe(true);
        expect(error.message).toMatch(/3 sends/);
        expect(ms).toBeLessThan(5000 + MARGIN_MS);
        // nsupdate's policy: a retry is the same message (same ID, TSIG time and MAC).
        expect(recorder.received).toHaveLength(3);
        for (const datagram of recorder.received)
          expect(datagram.equals(recorder.received[0]!)).toBe(true);
      } finally {
        named.kill('SIGCONT');
      }
      const { update, name } = anUpdate();
      (await updates.send(update)).unwrap();
      expect(await lookup(named.dnsPort, name, 'A')).toHaveLength(1);
    } finally {
      await recorder.close();
    }
  });

  it('a deadline shorter than the retry schedule ends the send at the deadline, with fewer sends', async () => {
    const recorder = await startUdpRecorder(named.dnsPort);
    try {
      const updates = client({ port: recorder.port, tries: 4, retryIntervalMs: 1000 });
      await stopNamed();
      try {
        const { value, ms } = await timed(updates.send(anUpdate().update, { timeoutMs: 500 }));
        const error = value.unwrapErr();
        expect(error.kind).toBe('timeout');
        expect(ms).toBeLessThan(500 + MARGIN_MS);
        expect(recorder.received.length).toBeGreaterThanOrEqual(1);
        expect(recorder.received.length).toBeLessThanOrEqual(4);
      } finally {
        named.kill('SIGCONT');
      }
    } finally {
      await recorder.close();
    }
  });

  it('SIGSTOP, direct to named over UDP and over TCP → timeout within the deadline', async () => {
    await stopNamed();
    try {
      for (const tcp of [false, true]) {
        const { value, ms } = await timed(
          client({ tcp }).send(anUpdate().update, { timeoutMs: 800 }),
        );
        const error = value.unwrapErr();
        expect(error.kind).toBe('timeout');
        expect(error.mayHaveApplied).toBe(true);
        expect(ms).toBeLessThan(800 + MARGIN_MS);
      }
    } finally {
      named.kill('SIGCONT');
    }
  });
});

describe('nothing listening', () => {
  it('UDP to a closed port → network error from ICMP port unreachable, before the first retry', async () => {
    const port = await freePort();
    const { value, ms } = await timed(
      client({ port, retryIntervalMs: 3000, tries: 4 }).send(anUpdate().update, {
        timeoutMs: 20_000,
      }),
    );
    const error = value.unwrapErr();
    expect(error.kind).toBe('network');
    expect(error.message).toMatch(/port unreachable/);
    // The retry schedule would take 12 s; the refusal ends it at once.
    expect(ms).toBeLessThan(3000);
  });

  it('TCP to a closed port → network error, connection refused, nothing sent', async () => {
    const port = await freePort();
    const { value, ms } = await timed(
      client({ port, tcp: true }).send(anUpdate().update, { timeoutMs: 5000 }),
    );
    const error = value.unwrapErr();
    expect(error.kind).toBe('network');
    expect(error.message).toMatch(/connection refused/);
    expect(error.mayHaveApplied).toBe(false);
    expect(ms).toBeLessThan(5000 + MARGIN_MS);
  });
});

describe('TCP faults', () => {
  it('a TC reply sends an unsigned client to TCP, where the server stalls → timeout within the deadline', async () => {
    // The staller's TC reply is unsigned: only a client without a key follows it (a signed
    // client discards it, RFC 8945 §5.4 — test/integration/hostile-update.test.ts).
    const staller = await startTruncatingStaller();
    try {
      const { value, ms } = await timed(
        new UpdateClient({
          server: '127.0.0.1',
          port: staller.port,
          retryIntervalMs: 200,
          tries: 3,
        }).send(anUpdate().update, { timeoutMs: 800 }),
      );
      const error = value.unwrapErr();
      expect(error.kind).toBe('timeout');
      expect(error.message).toMatch(/TCP/);
      expect(ms).toBeLessThan(800 + MARGIN_MS);
      expect(staller.tcpConnections()).toBe(1);
    } finally {
      await staller.close();
    }
  });

  it('SIGKILL during a TCP update → network error, mayHaveApplied; works after restart', async () => {
    const updates = client({ tcp: true });
    await stopNamed();
    const call = timed(updates.send(anUpdate().update, { timeoutMs: 5000 }));
    await sleep(200);
    named.kill('SIGKILL');
    const { value, ms } = await call;
    const error = value.unwrapErr();
    expect(error.kind).toBe('network');
    expect(error.mayHaveApplied).toBe(true);
    expect(ms).toBeLessThan(5000 + MARGIN_MS);
    await named.exited;
    await named.restart();
    const { update, name } = anUpdate();
    expect((await updates.send(update)).unwrap().transport).toBe('tcp');
    expect(await lookup(named.dnsPort, name, 'A')).toHaveLength(1);
  });

  it('named killed and restarted: the same UDP client works again', async () => {
    const updates = client();
    (await updates.send(anUpdate().update)).unwrap();
    named.kill('SIGKILL');
    await named.exited;
    // While named is down, the refusal is reported at once.
    const down = (await updates.send(anUpdate().update, { timeoutMs: 5000 })).unwrapErr();
    expect(down.kind).toBe('network');
    await named.restart();
    const { update, name } = anUpdate();
    expect((await updates.send(update)).unwrap().transport).toBe('udp');
    expect(await lookup(named.dnsPort, name, 'A')).toHaveLength(1);
  });
});

describe('close', () => {
  it('close() with UDP and TCP updates in flight → both end at once (aborted), later sends too', async () => {
    const updates = client({ retryIntervalMs: 100, tries: 50 });
    const tcpUpdates = client({ tcp: true });
    await stopNamed();
    try {
      const udp = timed(updates.send(anUpdate().update, { timeoutMs: 30_000 }));
      const tcp = timed(tcpUpdates.send(anUpdate().update, { timeoutMs: 30_000 }));
      await sleep(250);
      updates.close();
      tcpUpdates.close();
      const [a, b] = await Promise.all([udp, tcp]);
      for (const { value, ms } of [a, b]) {
        const error = value.unwrapErr();
        expect(error.kind).toBe('aborted');
        expect(error.message).toMatch(/closed/);
        expect(error.mayHaveApplied).toBe(true);
        expect(ms).toBeLessThan(250 + MARGIN_MS);
      }
      // Retry timers of the closed client must not fire into a closed socket.
      await sleep(300);
      expect((await updates.send(anUpdate().update)).unwrapErr().kind).toBe('aborted');
    } finally {
      named.kill('SIGCONT');
    }
  });

  it('no promise was rejected unhandled', () => {
    expect(unhandled).toEqual([]);
  });
});
