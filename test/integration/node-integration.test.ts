// Node integration against a real named (RNDC_BIND_VERSION) and stalled fake peers: AbortSignal on
// every I/O entry point (before start and mid-flight, with `mayHaveRun`), the tracing channels
// (events, fields, no secret or MAC), the pool's events and counts, and `await using`.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { readFile } from 'node:fs/promises';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RndcClient } from '../../src/control/client.js';
import type { PoolConnectEvent, PoolIdleCloseEvent } from '../../src/control/pool.js';
import { diagnoseZoneStorage } from '../../src/dump/diagnose.js';
import { verifyZoneWritten } from '../../src/dump/verify.js';
import { RndcFleet } from '../../src/fleet/fleet.js';
import { checkPropagation, waitForPropagation } from '../../src/fleet/propagation.js';
import { Key } from '../../src/keys/key.js';
import { type NamedInstance, startNamed } from '../../src/testing/index.js';
import { TRACING_CHANNELS } from '../../src/tracing.js';
import { UpdateClient } from '../../src/update/client.js';
import { Update } from '../../src/update/update.js';
import { transferIncremental } from '../../src/xfr/ixfr.js';
import { transferZoneText } from '../../src/xfr/transfer.js';
import { leakedForms } from '../helpers/canary.js';
import { startFakeAxfr } from '../helpers/fake-axfr.js';
import { startFakeControl } from '../helpers/fake-control.js';
import { startFakeDns } from '../helpers/fake-dns.js';
import { until } from '../helpers/until.js';

let named: NamedInstance;
let key: Key;
const closers: Array<() => unknown> = [];
let counter = 0;

function rndc(options: Partial<Parameters<typeof RndcClient.connect>[0]> = {}): RndcClient {
  const client = RndcClient.connect({
    port: named.controlPort,
    key,
    named: { log: named.logFile, pid: named.pid },
    ...options,
  });
  closers.push(() => client.close());
  return client;
}

function updater(port = named.dnsPort): UpdateClient {
  const client = new UpdateClient({ server: '127.0.0.1', port, key, retryIntervalMs: 60_000 });
  closers.push(() => client.close());
  return client;
}

const nextUpdate = () => new Update('dyn.test').add(`n${counter++} 300 A 192.0.2.${counter % 250}`);

/** The outcome of `promise`, or 'stuck' when it has not settled by the deadline. */
async function settledBy<T>(promise: Promise<T>, ms = 10_000): Promise<T | 'stuck'> {
  let timer: NodeJS.Timeout | undefined;
  const stuck = new Promise<'stuck'>((resolve) => {
    timer = setTimeout(() => resolve('stuck'), ms);
  });
  try {
    return await Promise.race([promise, stuck]);
  } finally {
    clearTimeout(timer);
  }
}

/** An aborted signal. */
const aborted = () => AbortSignal.abort();

beforeAll(async () => {
  named = await startNamed({ zones: [{ name: 'dyn.test', kind: 'dynamic' }] });
  key = named.keys['hmac-sha256'];
});

afterAll(async () => {
  for (const close of closers) await close();
  await named?.stop();
});

describe('AbortSignal: aborted before the start, nothing is sent', () => {
  it('control-channel calls return aborted with mayHaveRun false and open no connection', async () => {
    const client = rndc();
    for (const call of [
      () => client.status({ signal: aborted() }),
      () => client.run('null', { signal: aborted() }),
      () => client.serverVersion({ signal: aborted() }),
      () => client.zonestatus('dyn.test', { signal: aborted() }),
    ]) {
      const error = (await call()).unwrapErr();
      expect(error.kind).toBe('aborted');
      expect(error.mayHaveRun).toBe(false);
    }
    expect(client.poolStats().open).toBe(0);
    // A connected client does not send a command whose signal already aborted either.
    expect((await client.status()).isOk()).toBe(true);
    const before = named.logOffset();
    const error = (await client.run('notify dyn.test', { signal: aborted() })).unwrapErr();
    expect([error.kind, error.mayHaveRun]).toEqual(['aborted', false]);
    await client.run('notrace');
    // named logs each command it receives: the later one is there, the aborted one is not.
    await named.waitForLog(/received control channel command 'notrace'/, { since: before });
    const log = (await readFile(named.logFile)).subarray(before).toString();
    expect(log).not.toMatch(/received control channel command 'notify/);
  });

  it('sync with verify, verifyZoneWritten and the storage diagnosis return aborted', async () => {
    const client = rndc();
    const synced = (await client.sync('dyn.test', { verify: true, signal: aborted() })).unwrapErr();
    expect(synced.kind).toBe('aborted');
    const verified = (
      await verifyZoneWritten({ rndc: client, zone: 'dyn.test', signal: aborted() })
    ).unwrapErr();
    expect(verified.kind).toBe('aborted');
    const zoneFile = named.zones.find((z) => z.name === 'dyn.test')!.path;
    const diagnosed = (
      await diagnoseZoneStorage({ zoneFile, namedPid: named.pid, signal: aborted() })
    ).unwrapErr();
    expect(diagnosed.kind).toBe('aborted');
  });

  it('UPDATE, transfers and fleet calls return aborted', async () => {
    const sent = (await updater().send(nextUpdate(), { signal: aborted() })).unwrapErr();
    expect([sent.kind, sent.mayHaveRun, sent.mayHaveApplied]).toEqual(['aborted', false, false]);
    const axfr = await transferZoneText('dyn.test', {
      server: '127.0.0.1',
      port: named.dnsPort,
      key,
      signal: aborted(),
    });
    expect(axfr.unwrapErr().kind).toBe('aborted');
    const ixfr = await transferIncremental('dyn.test', {
      server: '127.0.0.1',
      port: named.dnsPort,
      key,
      serial: 1,
      signal: aborted(),
    });
    expect(ixfr.unwrapErr().kind).toBe('aborted');
    await using fleet = RndcFleet.connect({
      servers: [{ name: 'one', port: named.controlPort, key }],
    });
    const status = await fleet.status({ signal: aborted() });
    const failure = status.results[0]!.result.unwrapErr();
    expect([failure.kind, failure.mayHaveRun]).toEqual(['aborted', false]);
    const dns = { host: '127.0.0.1', port: named.dnsPort };
    const propagation = { zone: 'dyn.test', key, primary: dns, servers: [dns] };
    const checked = await checkPropagation({ ...propagation, signal: aborted() });
    expect(checked.unwrapErr().kind).toBe('aborted');
    const waited = await waitForPropagation({ ...propagation, signal: aborted() });
    expect(waited.unwrapErr().kind).toBe('aborted');
  });
});

describe('AbortSignal: aborted mid-flight, against a peer that never answers', () => {
  it('a control command already sent: aborted, mayHaveRun true, settles at once', async () => {
    let sent = 0;
    const fake = await startFakeControl(key, (request) => {
      if (request.index > 0) sent++;
      return undefined; // the handshake is answered, the command never
    });
    closers.push(() => fake.close());
    const client = rndc({ port: fake.port, maxConnections: 1 });
    const controller = new AbortController();
    const first = client.run('reload dyn.test', { signal: controller.signal });
    await until(() => sent === 1, 10_000, 'the command to reach the fake');
    // A second call waits for the only connection: aborting it sends nothing.
    const queuedController = new AbortController();
    const second = client.run('reload dyn.test', { signal: queuedController.signal });
    expect(client.poolStats()).toMatchObject({ busy: 1, queued: 1 });
    queuedController.abort();
    const queued = await settledBy(second);
    expect(queued).not.toBe('stuck');
    if (queued === 'stuck') return;
    expect([queued.unwrapErr().kind, queued.unwrapErr().mayHaveRun]).toEqual(['aborted', false]);
    expect(client.poolStats().queued).toBe(0);
    controller.abort();
    const outcome = await settledBy(first);
    expect(outcome).not.toBe('stuck');
    if (outcome === 'stuck') return;
    const error = outcome.unwrapErr();
    expect([error.kind, error.mayHaveRun]).toEqual(['aborted', true]);
    expect(error.message).toMatch(/aborted/);
    expect(sent).toBe(1);
  });

  it('verification and a fleet call waiting on a stalled named: aborted', async () => {
    let commands = 0;
    const fake = await startFakeControl(key, (request) => {
      if (request.index > 0) commands++;
      return undefined;
    });
    closers.push(() => fake.close());
    const verifying = new AbortController();
    const verified = verifyZoneWritten({
      rndc: rndc({ port: fake.port }),
      zone: 'dyn.test',
      signal: verifying.signal,
    });
    await until(() => commands === 1, 10_000, 'zonestatus to reach the fake');
    verifying.abort();
    const verdict = await settledBy(verified);
    expect(verdict).not.toBe('stuck');
    if (verdict !== 'stuck') expect(verdict.unwrapErr().kind).toBe('aborted');

    const fanning = new AbortController();
    await using fleet = RndcFleet.connect({
      servers: [{ name: 'stalled', port: fake.port, key }],
    });
    const fanned = fleet.run('reload dyn.test', { signal: fanning.signal });
    await until(() => commands === 2, 10_000, 'the fleet command to reach the fake');
    fanning.abort();
    const result = await settledBy(fanned);
    expect(result).not.toBe('stuck');
    if (result === 'stuck') return;
    const failure = result.results[0]!.result.unwrapErr();
    expect([failure.kind, failure.mayHaveRun]).toEqual(['aborted', true]);
  });

  it('an UPDATE already sent: aborted, mayHaveRun (mayHaveApplied) true', async () => {
    let received = 0;
    const fake = await startFakeDns(() => {
      received++;
    });
    closers.push(() => fake.close());
    const controller = new AbortController();
    const sending = updater(fake.port).send(nextUpdate(), { signal: controller.signal });
    await until(() => received > 0, 10_000, 'the update to reach the fake');
    controller.abort();
    const outcome = await settledBy(sending);
    expect(outcome).not.toBe('stuck');
    if (outcome === 'stuck') return;
    const error = outcome.unwrapErr();
    expect([error.kind, error.mayHaveRun, error.mayHaveApplied]).toEqual(['aborted', true, true]);
    expect(error.message).toMatch(/may have been applied/);
  });

  it('a transfer the server stalls: aborted', async () => {
    let asked = false;
    const fake = await startFakeAxfr(() => {
      asked = true; // read the query, answer nothing
    });
    closers.push(() => fake.close());
    const controller = new AbortController();
    const receiving = transferZoneText('dyn.test', {
      server: '127.0.0.1',
      port: fake.port,
      signal: controller.signal,
    });
    await until(() => asked, 10_000, 'the query to reach the fake');
    controller.abort();
    const outcome = await settledBy(receiving);
    expect(outcome).not.toBe('stuck');
    if (outcome === 'stuck') return;
    expect(outcome.unwrapErr().kind).toBe('aborted');
  });
});

interface Published {
  readonly channel: string;
  readonly event: string;
  readonly context: Record<string, unknown>;
}

describe('tracing channels', () => {
  it('publish start/end/asyncStart/asyncEnd (and error) with the fields an APM needs, never a secret', async () => {
    const events: Published[] = [];
    const handlers: Array<[string, (message: unknown) => void]> = [];
    for (const name of Object.values(TRACING_CHANNELS)) {
      for (const event of ['start', 'end', 'asyncStart', 'asyncEnd', 'error']) {
        const channel = `tracing:${name}:${event}`;
        const handler = (message: unknown) =>
          events.push({ channel: name, event, context: { ...(message as object) } });
        subscribe(channel, handler);
        handlers.push([channel, handler]);
      }
    }
    try {
      const client = rndc();
      expect((await client.zonestatus('dyn.test')).isOk()).toBe(true);
      expect((await client.run('zonestatus nosuch.test')).unwrapErr().kind).toBe('not-found');
      expect((await updater().send(nextUpdate())).isOk()).toBe(true);
      const axfr = await transferZoneText('dyn.test', {
        server: '127.0.0.1',
        port: named.dnsPort,
        key,
      });
      expect(axfr.isOk()).toBe(true);
      const ixfr = await transferIncremental('dyn.test', {
        server: '127.0.0.1',
        port: named.dnsPort,
        key,
        serial: 1,
      });
      expect(ixfr.isOk()).toBe(true);
      expect((await client.sync('dyn.test', { verify: true })).isOk()).toBe(true);
    } finally {
      for (const [channel, handler] of handlers) unsubscribe(channel, handler);
    }

    const of = (channel: string, event: string) =>
      events.filter((e) => e.channel === channel && e.event === event).map((e) => e.context);
    const command = TRACING_CHANNELS.command;
    // Each call publishes start, end, asyncStart, asyncEnd in that order, on one context.
    const zonestatus = events.filter(
      (e) => e.channel === command && e.context.command === 'zonestatus',
    );
    expect(zonestatus.slice(0, 4).map((e) => e.event)).toEqual([
      'start',
      'end',
      'asyncStart',
      'asyncEnd',
    ]);
    const settled = of(command, 'asyncEnd');
    expect(settled[0]).toMatchObject({
      server: `127.0.0.1#${named.controlPort}`,
      host: '127.0.0.1',
      port: named.controlPort,
      command: 'zonestatus',
      zone: 'dyn.test',
      ok: true,
    });
    expect(settled[0]!.durationMs).toBeGreaterThanOrEqual(0);
    // The failed command: an error event, its kind, no arguments in the context.
    const failed = of(command, 'error');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ command: 'zonestatus', ok: false, errorKind: 'not-found' });
    expect(failed[0]!.zone).toBeUndefined();
    expect(settled.some((c) => c.command === 'sync' && c.zone === 'dyn.test' && c.ok)).toBe(true);

    const connects = of(TRACING_CHANNELS.connect, 'asyncEnd');
    expect(connects.length).toBeGreaterThanOrEqual(1);
    expect(connects[0]).toMatchObject({ port: named.controlPort, reconnect: false, ok: true });

    expect(of(TRACING_CHANNELS.update, 'asyncEnd')[0]).toMatchObject({
      server: `127.0.0.1#${named.dnsPort}`,
      port: named.dnsPort,
      zone: 'dyn.test',
      zoneFound: 'dyn.test',
      ok: true,
    });
    const transfers = of(TRACING_CHANNELS.transfer, 'asyncEnd');
    expect(transfers.map((t) => t.type)).toEqual(['AXFR', 'IXFR']);
    expect(transfers[0]).toMatchObject({ zone: 'dyn.test', ok: true, port: named.dnsPort });
    expect(transfers[0]!.records).toBeGreaterThan(0);
    expect(transfers[1]!.bytes).toBeGreaterThan(0);
    expect(of(TRACING_CHANNELS.verify, 'asyncEnd')[0]).toMatchObject({
      zone: 'dyn.test',
      server: `127.0.0.1#${named.controlPort}`,
      verdict: 'written',
      ok: true,
    });
    for (const channel of Object.values(TRACING_CHANNELS)) {
      expect(of(channel, 'start').length, channel).toBeGreaterThan(0);
      expect(of(channel, 'end').length, channel).toBe(of(channel, 'start').length);
    }

    // No secret, no MAC: neither the key in any encoding, nor any base64 or hex run as long as
    // the shortest MAC (16 bytes), anywhere in the contexts (errors included, deeply).
    const serialized = events
      .map((e) => `${JSON.stringify(e.context)}\n${inspect(e.context, { depth: 8 })}`)
      .join('\n');
    expect(leakedForms(serialized)).toEqual([]);
    expect(serialized).not.toContain(key.secretBytes().toString('base64'));
    expect(serialized).not.toContain(key.secretBytes().toString('hex'));
    expect(serialized.match(/[A-Za-z0-9+/]{22,}={0,2}/g) ?? []).toEqual([]);
    expect(serialized.match(/[0-9a-fA-F]{32,}/g) ?? []).toEqual([]);
  });
});

describe('pool events and stats', () => {
  it('counts move under concurrency; connect, idleClose, reconnect and error fire', async () => {
    const client = rndc({ maxConnections: 2, idleReconnectMs: 1500 });
    const connects: PoolConnectEvent[] = [];
    const reconnects: PoolConnectEvent[] = [];
    client.on('connect', (event) => connects.push(event));
    client.on('reconnect', (event) => reconnects.push(event));
    expect(client.poolStats()).toEqual({ open: 0, idle: 0, busy: 0, queued: 0, max: 2 });
    const calls = Array.from({ length: 5 }, () => client.status());
    expect(client.poolStats()).toMatchObject({ busy: 2, queued: 3 });
    for (const result of await Promise.all(calls)) expect(result.isOk()).toBe(true);
    expect(client.poolStats()).toEqual({ open: 2, idle: 2, busy: 0, queued: 0, max: 2 });
    expect(connects).toHaveLength(2);
    expect(connects.every((e) => e.server === `127.0.0.1#${named.controlPort}`)).toBe(true);
    expect(connects.every((e) => !e.reconnect)).toBe(true);

    // Both connections are closed by the pool once idle for idleReconnectMs.
    const closes: PoolIdleCloseEvent[] = [];
    client.on('idleClose', (event) => closes.push(event));
    await until(() => closes.length === 2, 20_000, 'two idleClose events');
    expect(closes[0]!.idleMs).toBeGreaterThanOrEqual(1000);
    expect(client.poolStats()).toMatchObject({ open: 0, idle: 0 });
    expect((await client.status()).isOk()).toBe(true);
    expect(reconnects).toHaveLength(1);
    expect(connects.at(-1)?.reconnect).toBe(true);

    // A transport failure is an error event (and the call's Err).
    const wrong = Key.from({
      name: key.name,
      algorithm: key.algorithm,
      secret: Buffer.from(key.secretBytes().map((b) => b ^ 0x5a)).toString('base64'),
    }).unwrap();
    const rejected = rndc({ key: wrong });
    const errors: string[] = [];
    rejected.on('error', (event) => errors.push(event.error.kind));
    expect((await rejected.status()).unwrapErr().kind).toBe('rejected');
    expect(errors).toEqual(['rejected']);
    // Without a listener, an error event is not thrown.
    expect((await rndc({ key: wrong }).status()).unwrapErr().kind).toBe('rejected');
  });
});

describe('await using', () => {
  it('closes an RndcClient, an UpdateClient and a fleet at scope exit', async () => {
    let client: RndcClient;
    let update: UpdateClient;
    {
      await using scoped = RndcClient.connect({ port: named.controlPort, key });
      await using scopedUpdate = new UpdateClient({
        server: '127.0.0.1',
        port: named.dnsPort,
        key,
      });
      expect((await scoped.status()).isOk()).toBe(true);
      expect(scoped.poolStats().open).toBe(1);
      client = scoped;
      update = scopedUpdate;
    }
    expect(client.poolStats().open).toBe(0);
    expect((await client.status()).unwrapErr().kind).toBe('closed');
    expect((await update.send(nextUpdate())).isErr()).toBe(true);
    {
      using sync = RndcClient.connect({ port: named.controlPort, key });
      expect((await sync.status()).isOk()).toBe(true);
      client = sync;
    }
    expect((await client.status()).unwrapErr().kind).toBe('closed');
  });

  it("stops startNamed()'s named at scope exit", async () => {
    let instance: NamedInstance;
    {
      await using scoped = await startNamed();
      expect(scoped.isRunning()).toBe(true);
      instance = scoped;
    }
    expect(instance.isRunning()).toBe(false);
    expect(() => process.kill(instance.pid, 0)).toThrow();
  });
});
