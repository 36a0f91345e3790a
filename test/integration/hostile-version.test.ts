// Attacks on the version the control channel learns from `status`: only an authenticated reply
// on the connection that will carry the command counts; a forged, silent, hostile or missing
// version line never makes the library refuse a command wrongly or send one it should refuse;
// the probe is bounded by the command's deadline; a new connection learns again.
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { RndcClient } from '../../src/control/client.js';
import { Key } from '../../src/keys/key.js';
import { type FakeControl, startFakeControl } from '../helpers/fake-control.js';

const key = Key.from({
  name: 'hostile',
  algorithm: 'hmac-sha256',
  secret: randomBytes(32).toString('base64'),
}).unwrap();

const STATUS_918 =
  'version: BIND 9.18.49-1~deb12u3-Debian (Extended Support Version) <id:>\nserver is up and running';
const STATUS_920 = 'version: BIND 9.20.23-Debian (Stable Release) <id:>\nserver is up and running';
const FORGED = { auth: { hsha: Buffer.concat([Buffer.from([163]), randomBytes(88)]) } };

let fake: FakeControl | undefined;
const clients: RndcClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
  await fake?.close();
  fake = undefined;
});

function connect(port: number, timeoutMs = 5_000): RndcClient {
  const client = RndcClient.connect({ port, key, timeoutMs, maxConnections: 1 });
  clients.push(client);
  return client;
}

/** Commands the fake received after the handshakes. */
function commands(): string[] {
  return (fake?.requests ?? []).filter((r) => r.index > 0).map((r) => r.command);
}

describe('the version comes only from an authenticated status on the same connection', () => {
  it('a forged status reply claiming 9.20 refuses nothing and sends nothing: the probe fails', async () => {
    fake = await startFakeControl(key, (request, connection) => {
      if (request.index === 0) return false;
      if (request.command === 'status') {
        connection.write(connection.genuine(request, { data: { text: STATUS_920 }, ...FORGED }));
      } else {
        connection.write(connection.genuine(request, { data: { text: 'keys' } }));
      }
      return true;
    });
    const rndc = connect(fake.port);
    const result = await rndc.run('tsig-list');
    expect(result.isErr()).toBe(true);
    const error = result.unwrapErr();
    expect(error.kind).not.toBe('not-in-this-version');
    expect(error.mayHaveRun).toBe(false);
    expect(error.message).toMatch(/'tsig-list' was not sent/);
    expect(commands()).toEqual(['status']);
    expect((await rndc.serverVersion()).isErr()).toBe(true);
  });

  it('a genuine 9.18 status lets tsig-list through; the same fake saying 9.20 gets it refused', async () => {
    let text = STATUS_918;
    fake = await startFakeControl(key, (request, connection) => {
      if (request.index === 0) return false;
      const reply = request.command === 'status' ? text : 'view "_default"; key "k";';
      connection.write(connection.genuine(request, { data: { text: reply } }));
      return true;
    });
    const on918 = connect(fake.port);
    expect((await on918.run('tsig-list')).unwrap().serverVersion?.number).toBe('9.18.49');
    text = STATUS_920;
    const on920 = connect(fake.port);
    expect((await on920.run('tsig-list')).unwrapErr().kind).toBe('not-in-this-version');
    expect(commands()).toEqual(['status', 'tsig-list', 'status']);
  });

  it('a new connection learns again: named upgraded between two connections is noticed', async () => {
    let text = STATUS_918;
    fake = await startFakeControl(key, (request, connection) => {
      if (request.index === 0) return false;
      const reply = request.command === 'status' ? text : 'ok';
      connection.write(connection.genuine(request, { data: { text: reply } }));
      return true;
    });
    // Every connection is replaced before its next use (as after named's 30 s idle close).
    const rndc = RndcClient.connect({
      port: fake.port,
      key,
      maxConnections: 1,
      idleReconnectMs: 1,
    });
    clients.push(rndc);
    expect((await rndc.serverVersion()).unwrap().series).toBe('9.18');
    text = STATUS_920;
    // Let the 1 ms idle limit pass (the clock is the evidence).
    const learntAt = Date.now();
    while (Date.now() <= learntAt + 1) await new Promise((resolve) => setImmediate(resolve));
    expect((await rndc.run('timerpoke')).unwrapErr().kind).toBe('not-in-this-version');
    expect(fake.connections()).toBe(2);
    expect(commands()).toEqual(['status', 'status']);
  });
});

describe('hostile or missing version lines', () => {
  it.each([
    ['no version line', 'server is up and running'],
    ['another product', 'version: NSD 4.8.0\nserver is up and running'],
    ['a 1 MB version line', `version: BIND 9.${'9'.repeat(1_000_000)}.1`],
    ['digits beyond any release', 'version: BIND 9.99999999999999999999.1'],
  ])(
    '%s: the command is sent (named decides), serverVersion() says why it is unknown',
    async (_name, text) => {
      fake = await startFakeControl(key, (request, connection) => {
        if (request.index === 0) return false;
        const reply = request.command === 'status' ? text : 'keys';
        connection.write(connection.genuine(request, { data: { text: reply } }));
        return true;
      });
      const rndc = connect(fake.port);
      expect((await rndc.run('tsig-list')).unwrap().text).toBe('keys');
      const version = await rndc.serverVersion();
      expect(version.unwrapErr().kind).toBe('malformed-reply');
      expect(version.unwrapErr().message).toMatch(/no "version: BIND n\.n\.n" line/);
    },
  );
});

describe('the probe is bounded by the command’s deadline', () => {
  it('a server that never answers status: timeout by the deadline, the command never sent', async () => {
    fake = await startFakeControl(key, (request) => request.index > 0);
    const rndc = connect(fake.port, 1_500);
    const started = Date.now();
    const result = await rndc.run('tsig-list');
    const elapsed = Date.now() - started;
    expect(result.unwrapErr().kind).toBe('timeout');
    expect(result.unwrapErr().mayHaveRun).toBe(false);
    expect(elapsed).toBeLessThan(1_500 + 2_000);
    expect(commands()).toEqual(['status']);
  });
});

describe('one request in flight per connection on every version (no pipelining)', () => {
  it('50 concurrent commands to a server that says 9.20: never a second request before a reply', async () => {
    const outstanding = new Map<number, number>();
    let worst = 0;
    fake = await startFakeControl(key, (request, connection) => {
      if (request.index === 0) return false;
      const now = (outstanding.get(request.connection) ?? 0) + 1;
      outstanding.set(request.connection, now);
      worst = Math.max(worst, now);
      const reply = request.command === 'status' ? STATUS_920 : 'ok';
      // Answer on a later turn of the event loop, so a pipelining client would have sent more.
      setImmediate(() => {
        outstanding.set(request.connection, (outstanding.get(request.connection) ?? 1) - 1);
        connection.write(connection.genuine(request, { data: { text: reply } }));
      });
      return true;
    });
    const rndc = RndcClient.connect({ port: fake.port, key, maxConnections: 2 });
    clients.push(rndc);
    expect((await rndc.serverVersion()).unwrap().series).toBe('9.20');
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => rndc.run(i % 2 ? 'zonestatus z.test' : 'fetchlimit')),
    );
    expect(results.every((r) => r.isOk())).toBe(true);
    expect(worst).toBe(1);
  });
});
