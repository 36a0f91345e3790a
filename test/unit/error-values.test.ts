// Errors as a user meets them: JSON.stringify keeps the message and the public fields (never a
// secret), bad options and a missing key come back as Err values instead of throwing, keys
// cross library copies, and a failed handshake never names the internal `null` command.
import { createServer, type Server, type Socket } from 'node:net';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConfigError,
  Key,
  type KeySpec,
  RndcClient,
  RndcError,
  type RndcErrorKind,
  Update,
  UpdateClient,
  UpdateError,
} from '../../src/index.js';
import { Err, Ok } from '../../src/result.js';
import { CANARY_SECRET, leakedForms } from '../helpers/canary.js';

const spec: KeySpec = { name: 'rndc-key', algorithm: 'hmac-sha256', secret: CANARY_SECRET };
const key = Key.from(spec).unwrap();

describe('JSON.stringify of an error', () => {
  it('holds name, kind, message, causes, remedy, the set fields and the cause in one line', () => {
    const error = new RndcError({
      kind: 'connect-failed',
      message: 'cannot connect to 127.0.0.1#953',
      causes: ['named is not running'],
      remedy: 'start named',
      server: '127.0.0.1#953',
      command: 'status',
      cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:953'), {
        code: 'ECONNREFUSED',
      }),
    });
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      name: 'RndcError',
      kind: 'connect-failed',
      message: 'cannot connect to 127.0.0.1#953',
      causes: ['named is not running'],
      remedy: 'start named',
      server: '127.0.0.1#953',
      command: 'status',
      mayHaveRun: false,
      cause: {
        name: 'Error',
        message: 'connect ECONNREFUSED 127.0.0.1:953',
        code: 'ECONNREFUSED',
      },
    });
  });

  it('nests a library error given as cause, and works for every error class', () => {
    const inner = new ConfigError({ kind: 'syntax', message: 'rndc.conf:3: expected ;' });
    const outer = new UpdateError({ kind: 'invalid-argument', message: 'bad key', cause: inner });
    const json = JSON.parse(JSON.stringify(outer)) as Record<string, unknown>;
    expect(json.message).toBe('bad key');
    expect(json.kind).toBe('invalid-argument');
    expect(json.cause).toMatchObject({ name: 'ConfigError', kind: 'syntax' });
  });

  it('an error from a client with a key never holds the secret', async () => {
    const client = RndcClient.connect({ port: 70000, key });
    const result = await client.status();
    await client.close();
    const text = JSON.stringify(result.isErr() ? result.error : result);
    expect(text).toContain('"message":');
    expect(leakedForms(text)).toEqual([]);
  });
});

/** The error of a client's first call; fails the test when the call does not return an Err. */
async function firstError(client: RndcClient): Promise<RndcError> {
  try {
    const result = await client.status({ timeoutMs: 5_000 });
    if (result.isOk()) throw new Error('status succeeded');
    return result.error;
  } finally {
    await client.close();
  }
}

describe('invalid input is an Err on first use, never a throw', () => {
  const bad: ReadonlyArray<[string, Record<string, unknown>, RegExp]> = [
    ['port 70000', { port: 70000 }, /port must be an integer from 1 to 65535, not 70000/],
    ['port "abc"', { port: 'abc' }, /port must be an integer from 1 to 65535, not "abc"/],
    ['port 0', { port: 0 }, /port must be/],
    ['port 1.5', { port: 1.5 }, /port must be/],
    ['host ""', { host: '' }, /host must be a host name or address/],
    ['addresses[0].port', { addresses: [{ host: '127.0.0.1', port: -1 }] }, /addresses\[0\]/],
    ['sourceAddress', { sourceAddress: 'example.com' }, /sourceAddress must be an IPv4 or IPv6/],
    ['timeoutMs NaN', { timeoutMs: Number.NaN }, /timeoutMs must be a number/],
    ['maxReplyBytes 0', { maxReplyBytes: 0 }, /maxReplyBytes must be an integer/],
  ];
  for (const [what, options, message] of bad) {
    it(`RndcClient.connect with ${what}`, async () => {
      const client = RndcClient.connect({ key, ...options } as never);
      const error = await firstError(client);
      expect(error).toBeInstanceOf(RndcError);
      expect(error.kind).toBe<RndcErrorKind>('invalid-argument');
      expect(error.message).toMatch(message);
      expect(error.mayHaveRun).toBe(false);
    });
  }

  it('a missing key is a typed error for RndcClient, UpdateClient and Key.from — not a TypeError', async () => {
    for (const missing of [undefined, null, 'rndc-key']) {
      const error = await firstError(RndcClient.connect({ key: missing } as never));
      expect(error.kind).toBe('invalid-argument');
      expect(error.message).toMatch(/no key given/);
      const made = Key.from(missing as never);
      expect(made.isErr() && made.error.kind).toBe('missing-key');
    }
    const updates = new UpdateClient({ server: '127.0.0.1', key: null as never });
    try {
      const sent = await updates.send(new Update('dyn.test').add('www 300 A 192.0.2.1'));
      expect(sent.isErr() && sent.error.kind).toBe('invalid-argument');
      expect(sent.isErr() && sent.error.message).toMatch(/no key given/);
    } finally {
      updates.close();
    }
  });

  it('explicit undefined options mean the defaults', async () => {
    const client = RndcClient.connect({ key, port: undefined, host: undefined, timeoutMs: 1 });
    expect(client.server).toBe('127.0.0.1#953');
    await client.close();
  });
});

describe('keys from another copy of the library', () => {
  // What the ESM build's Key looks like to the CommonJS build: a different class, same brand.
  const foreign = {
    name: 'rndc-key',
    algorithm: 'hmac-sha256',
    algorithmName: 'hmac-sha256',
    truncatedBits: undefined,
    location: undefined,
    [Symbol.for('rndc.Key')]: true,
    secretBytes: () => Buffer.from(CANARY_SECRET, 'base64'),
  };

  it('Key.of copies a branded key into this copy, with the same material', () => {
    const adopted = Key.of(foreign as never).unwrap();
    expect(adopted).toBeInstanceOf(Key);
    expect(adopted.sameMaterial(key)).toBe(true);
    expect(Key.of(key).unwrap()).toBe(key);
  });

  it('Key.of of an unbranded object without a secret is an invalid-key error', () => {
    const { [Symbol.for('rndc.Key')]: _brand, ...unbranded } = foreign;
    const made = Key.of(unbranded as never);
    expect(made.isErr() && made.error.kind).toBe('invalid-key');
  });
});

describe('a failed handshake', () => {
  let server: Server;
  let port = 0;
  const sockets = new Set<Socket>();
  beforeAll(async () => {
    // Accepts connections and never answers: the handshake times out or is aborted.
    server = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => {});
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('no port');
    port = address.port;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('on timeout, names the handshake and the command that was not sent — never `null`', async () => {
    const client = RndcClient.connect({ port, key });
    const result = await client.run('status', { timeoutMs: 300 });
    await client.close();
    expect(result.isErr()).toBe(true);
    const error = result.unwrapErr();
    expect(error.kind).toBe('timeout');
    expect(error.message).toMatch(/the handshake/);
    expect(error.message).not.toMatch(/\bnull\b/);
    expect(error.command).toBe('status');
    expect(error.mayHaveRun).toBe(false);
    expect(JSON.stringify(error)).not.toMatch(/"null"/);
  });

  it('on abort, the same', async () => {
    const client = RndcClient.connect({ port, key });
    const controller = new AbortController();
    const pending = client.run('reload', { signal: controller.signal });
    // Aborted once the server has read the handshake request: during the handshake.
    await new Promise<void>((resolve) =>
      server.once('connection', (socket: Socket) => socket.once('data', () => resolve())),
    );
    controller.abort();
    const result = await pending;
    await client.close();
    const error = result.unwrapErr();
    expect(error.kind).toBe('aborted');
    expect(error.message).toMatch(/the handshake/);
    expect(error.message).not.toMatch(/\bnull\b/);
    expect(error.command).toBe('reload');
    expect(error.mayHaveRun).toBe(false);
  });
});

describe('results and updates in the REPL', () => {
  const plain = (value: unknown) => inspect(value, { colors: false });

  it('a returned Err prints as Err(readable error), without ts-results-es internals', async () => {
    const client = RndcClient.connect({ port: 70000, key });
    const result = await client.status();
    await client.close();
    const text = plain(result);
    expect(text).toMatch(/^Err\(RndcError \[invalid-argument\]: RndcClient: port must be/);
    expect(text).not.toMatch(/_stack|ErrImpl|\n\s+at /);
    expect(plain({ nested: { deeper: { result } } })).toBe(
      '{ nested: { deeper: { result: [Err] } } }',
    );
  });

  it('a returned Ok prints as Ok(value), and keeps every ts-results-es method', () => {
    const made = Key.from(spec);
    expect(plain(made)).toBe(
      'Ok(Key { name: "rndc-key", algorithm: \'hmac-sha256\', secret: [redacted] })',
    );
    expect(made.map((k) => k.name).unwrap()).toBe('rndc-key');
    expect(leakedForms(plain(made))).toEqual([]);
  });

  it('results built with map and mapErr (as status() and zonestatus() are) print the same way', () => {
    expect(plain(Ok({ text: 'x' }).map((reply) => reply.text.length))).toBe('Ok(1)');
    const mapped = Err(new RndcError({ kind: 'closed', message: 'closed' })).mapErr((e) => e.kind);
    expect(plain(mapped)).toBe("Err('closed')");
    expect(plain(Err('x').map(() => 1))).toBe("Err('x')");
  });

  it('an Update shows its zone, prerequisites and updates', () => {
    const update = new Update('dyn.test')
      .present('www')
      .add('www 300 A 192.0.2.1')
      .deleteRRset('old', 'A');
    expect(plain(update)).toBe(
      [
        'Update {',
        "  zone: 'dyn.test',",
        "  prerequisites: [ 'www.dyn.test. 0 ANY ANY' ],",
        "  updates: [ 'www.dyn.test. 300 IN A 192.0.2.1', 'old.dyn.test. 0 ANY A' ]",
        '}',
      ].join('\n'),
    );
    expect(plain(new Update('dyn.test').add('bad'))).toMatch(/problems: \[ 'add\("bad"\): /);
  });
});
