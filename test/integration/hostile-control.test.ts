// A hostile control channel: a fake server (and proxies in front of a real named) that answers
// with forged, empty or short MACs, wrong serials and nonces, replays of genuine replies,
// garbage after a valid frame, trickled and never-ending bytes, hostile lengths and nesting.
// For each attack: the reply is never believed (a typed error, never a success), the call
// settles by its deadline (+ 2 s), and the process's RSS grows by a bounded amount. The figures
// are printed at the end. Tampering with single bytes of real replies and a hostile length
// prefix alone are in control.test.ts; transport faults (stalls, resets, duplicates) in
// faults.test.ts.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RndcClient } from '../../src/control/client.js';
import type { RndcError } from '../../src/control/errors.js';
import { Key } from '../../src/keys/key.js';
import { type NamedInstance, startNamed } from '../../src/testing/index.js';
import {
  bin,
  entries_,
  type FakeConnection,
  type FakeRequest,
  frame,
  type ReplyChanges,
  signedAuth,
  startFakeControl,
  tbl,
} from '../helpers/fake-control.js';
import { startTamperProxy } from '../helpers/tamper-proxy.js';

const DEADLINE_MS = 1500;
const MiB = 1024 * 1024;

const key = Key.from({
  name: 'hostile',
  algorithm: 'hmac-sha256',
  secret: randomBytes(32).toString('base64'),
}).unwrap();

let named: NamedInstance;
const clients: RndcClient[] = [];
const figures: Array<{ attack: string; ms: number; rssGrowthMiB: number; kind: string }> = [];

beforeAll(async () => {
  named = await startNamed();
});

afterAll(async () => {
  for (const c of clients) await c.close();
  await named?.stop();
  console.log(
    `hostile control channel: ${figures.length} attacks\n${figures
      .map(
        (f) =>
          `  ${f.attack}: ${f.kind} in ${f.ms.toFixed(0)} ms, RSS +${f.rssGrowthMiB.toFixed(1)} MiB`,
      )
      .join('\n')}`,
  );
});

function client(port: number, options: Partial<Parameters<typeof RndcClient.connect>[0]> = {}) {
  const c = RndcClient.connect({
    port,
    key,
    timeoutMs: DEADLINE_MS,
    maxConnections: 1,
    ...options,
  });
  clients.push(c);
  return c;
}

/**
 * Runs `call` and checks the rules every attack must meet: an error (never a success), settled by
 * the deadline + 2 s, RSS growth under `rssBoundMiB`. Returns the error.
 */
async function attack(
  name: string,
  call: () => Promise<{ isErr(): boolean; isOk(): boolean; error?: unknown; value?: unknown }>,
  rssBoundMiB = 64,
): Promise<RndcError> {
  const rss = process.memoryUsage().rss;
  const started = performance.now();
  const result = await call();
  const ms = performance.now() - started;
  const growth = (process.memoryUsage().rss - rss) / MiB;
  expect(result.isOk(), `${name}: believed ${JSON.stringify(result.value)}`).toBe(false);
  const error = result.error as RndcError;
  figures.push({ attack: name, ms, rssGrowthMiB: Math.max(0, growth), kind: error.kind });
  expect(ms, name).toBeLessThan(DEADLINE_MS + 2000);
  expect(growth, name).toBeLessThan(rssBoundMiB);
  return error;
}

/** A fake whose answer to the command (request index 1) is `answer`. */
async function fakeAnswering(
  answer: (request: FakeRequest, connection: FakeConnection) => void,
  handshake?: (request: FakeRequest, connection: FakeConnection) => void,
) {
  return startFakeControl(key, (request, connection) => {
    if (request.index === 0) {
      if (!handshake) return false;
      handshake(request, connection);
      return true;
    }
    answer(request, connection);
    return true;
  });
}

describe('the fake answers correctly signed replies: a baseline', () => {
  it('a genuine reply from the fake is accepted (so every refusal below is the defence at work)', async () => {
    const fake = await fakeAnswering((request, c) =>
      c.write(c.genuine(request, { data: { text: 'fake ok' } })),
    );
    try {
      const reply = (await client(fake.port).run('status')).unwrap();
      expect(reply.text).toContain('fake ok');
    } catch (error) {
      await fake.close();
      throw error;
    }
    await fake.close();
  });
});

describe('forged MACs are never believed', () => {
  const forgeries: Array<[string, ReplyChanges]> = [
    ['a random MAC', { auth: { hsha: Buffer.concat([Buffer.from([163]), randomBytes(88)]) } }],
    [
      'a random base64 MAC of the right shape',
      {
        auth: {
          hsha: (() => {
            const v = Buffer.alloc(89);
            v[0] = 163;
            v.write(randomBytes(32).toString('base64'), 1, 'ascii');
            return v;
          })(),
        },
      },
    ],
    ['an empty MAC', { auth: { hsha: Buffer.alloc(0) } }],
    ['a MAC of one byte (the algorithm)', { auth: { hsha: Buffer.from([163]) } }],
    [
      'a short MAC (the genuine prefix, truncated to 16 bytes)',
      { auth: { hsha: Buffer.concat([Buffer.from([163]), Buffer.alloc(15, 0x41)]) } },
    ],
    ['an all-NUL MAC', { auth: { hsha: Buffer.alloc(89) } }],
    ['an hmac-md5 field instead', { auth: { hmd5: Buffer.alloc(22, 0x41) } }],
    ['no _auth at all', { auth: 'none' }],
    ['an empty _auth table', { auth: { raw: entries_([['_auth', tbl([])]]) } }],
    [
      '_auth as a binary instead of a table',
      { auth: { raw: entries_([['_auth', bin(randomBytes(89))]]) } },
    ],
  ];

  for (const [name, changes] of forgeries) {
    it(`on the command's reply: ${name} → unverified-reply`, async () => {
      const fake = await fakeAnswering((request, c) =>
        c.write(c.genuine(request, { ...changes, data: { text: 'forged success' } })),
      );
      try {
        const error = await attack(`MAC: ${name}`, () => client(fake.port).status());
        expect(error.kind).toBe('unverified-reply');
        expect(error.mayHaveRun).toBe(true);
      } finally {
        await fake.close();
      }
    });
  }

  it('on the handshake reply: a forged MAC ends the call before any command is sent', async () => {
    const fake = await fakeAnswering(
      (request, c) => c.write(c.genuine(request)),
      (request, c) => c.write(c.genuine(request, { auth: { hsha: Buffer.alloc(0) } })),
    );
    try {
      const error = await attack('MAC: empty, on the handshake', () =>
        client(fake.port).freeze('dyn.test'),
      );
      expect(error.kind).toBe('unverified-reply');
      expect(fake.requests.filter((r) => r.index > 0)).toHaveLength(0);
    } finally {
      await fake.close();
    }
  });

  it("a MAC made with another key, or over another message's bytes", async () => {
    const other = Key.from({
      name: 'hostile',
      algorithm: 'hmac-sha256',
      secret: randomBytes(32).toString('base64'),
    }).unwrap();
    const fake = await fakeAnswering((request, c) => {
      const genuine = c.genuine(request, { data: { text: 'forged' } });
      // Re-sign the same signed region with another key.
      const signed = genuine.subarray(8 + 110);
      c.write(frame(Buffer.concat([signedAuth(other, signed), signed])));
    });
    try {
      expect((await attack('MAC: another key', () => client(fake.port).status())).kind).toBe(
        'unverified-reply',
      );
    } finally {
      await fake.close();
    }
    const swap = await fakeAnswering((request, c) => {
      // The MAC of a genuine `result 0` reply, on a reply that says something else.
      const good = c.genuine(request);
      const bad = c.genuine(request, { data: { result: '0', text: 'forged text' } });
      c.write(frame(Buffer.concat([good.subarray(8, 8 + 110), bad.subarray(8 + 110)])));
    });
    try {
      expect((await attack('MAC: spliced', () => client(swap.port).status())).kind).toBe(
        'unverified-reply',
      );
    } finally {
      await swap.close();
    }
  });
});

describe('correctly signed replies to something else are never believed', () => {
  it('a wrong _ser (a later serial) → unverified-reply', async () => {
    const fake = await fakeAnswering((request, c) =>
      c.write(c.genuine(request, { ctrl: { _ser: String((Number(request.serial) + 1) >>> 0) } })),
    );
    try {
      const error = await attack('signed, wrong _ser', () => client(fake.port).status());
      expect(error.kind).toBe('unverified-reply');
      expect(error.message).toMatch(/_ser/);
    } finally {
      await fake.close();
    }
  });

  it('no _ser, a non-numeric _ser, no _rpl → unverified-reply', async () => {
    for (const ctrl of [{ _ser: null }, { _ser: '12x' }, { _rpl: null }, { _rpl: '0' }]) {
      const fake = await fakeAnswering((request, c) => c.write(c.genuine(request, { ctrl })));
      try {
        const error = await attack(`signed, ctrl ${JSON.stringify(ctrl)}`, () =>
          client(fake.port).status(),
        );
        expect(error.kind).toBe('unverified-reply');
      } finally {
        await fake.close();
      }
    }
  });

  it("another connection's nonce, or none → unverified-reply", async () => {
    for (const nonce of ['12345', null, '0']) {
      const fake = await fakeAnswering((request, c) =>
        c.write(c.genuine(request, { ctrl: { _nonce: nonce } })),
      );
      try {
        const error = await attack(`signed, nonce ${nonce}`, () => client(fake.port).status());
        expect(error.kind).toBe('unverified-reply');
        expect(error.message).toMatch(/nonce/);
      } finally {
        await fake.close();
      }
    }
  });

  it("a replay of the connection's handshake reply as the command's reply → skipped; timeout, mayHaveRun", async () => {
    const fake = await fakeAnswering(
      (_request, c) => c.write(handshakes.get(c)!),
      (request, c) => {
        const reply = c.genuine(request);
        handshakes.set(c, reply);
        c.write(reply);
      },
    );
    const handshakes = new Map<FakeConnection, Buffer>();
    try {
      const error = await attack('replayed handshake reply', () =>
        client(fake.port).freeze('dyn.test'),
      );
      expect(error.kind).toBe('timeout');
      expect(error.mayHaveRun).toBe(true);
    } finally {
      await fake.close();
    }
  });

  it('an endless stream of replayed (verified, stale) replies → refused as a flood, memory bounded', async () => {
    const fake = await fakeAnswering(
      (_request, c) => {
        const stale = handshakes.get(c)!;
        const burst = Buffer.concat(Array.from({ length: 256 }, () => stale));
        const pump = () => {
          if (c.socket.destroyed) return;
          if (c.socket.write(burst)) setImmediate(pump);
          else c.socket.once('drain', pump);
        };
        pump();
      },
      (request, c) => {
        const reply = c.genuine(request);
        handshakes.set(c, reply);
        c.write(reply);
      },
    );
    const handshakes = new Map<FakeConnection, Buffer>();
    try {
      const error = await attack('endless replayed replies', () =>
        client(fake.port, { timeoutMs: 10_000 }).status({ timeoutMs: DEADLINE_MS }),
      );
      expect(error.kind).toBe('malformed-reply');
      expect(error.message).toMatch(/frames nobody asked for/);
    } finally {
      await fake.close();
    }
  });

  it('replays of genuine named replies on a later connection → never believed', async () => {
    // Record named's replies on connection 0; on connection 1, answer with them instead.
    const recorded: Buffer[] = [];
    const proxy = await startTamperProxy(named.controlPort, (reply, index, connection) => {
      if (connection === 0) {
        recorded[index] = reply;
        return reply;
      }
      return connection === 1 && index === 1 ? recorded[1]! : reply;
    });
    const proxy2 = await startTamperProxy(named.controlPort, (reply, index) =>
      index === 0 ? recorded[0]! : reply,
    );
    try {
      const rndc = RndcClient.connect({
        port: proxy.port,
        key: named.keys['hmac-sha256'],
        timeoutMs: DEADLINE_MS,
        maxConnections: 1,
      });
      clients.push(rndc);
      expect((await rndc.status()).isOk()).toBe(true);
      await rndc.close();
      const again = client(proxy.port, { key: named.keys['hmac-sha256'] });
      const error = await attack('replayed genuine reply, next connection', () => again.status());
      expect(error.kind).toBe('unverified-reply');
      // The handshake reply of connection 0 as the handshake reply of a new connection.
      const replayedHandshake = client(proxy2.port, { key: named.keys['hmac-sha256'] });
      const handshakeError = await attack('replayed genuine handshake reply', () =>
        replayedHandshake.status(),
      );
      expect(handshakeError.kind).toBe('unverified-reply');
    } finally {
      await proxy.close();
      await proxy2.close();
    }
  });
});

describe('garbage after a verified reply (issue 10 item 12)', () => {
  const garbages: Array<[string, Buffer]> = [
    ['a huge length prefix', Buffer.from([0xff, 0xff, 0xff, 0xff, 1, 2, 3])],
    ['an impossible length (1)', Buffer.from([0, 0, 0, 1, 9])],
    ['two stray bytes', Buffer.from([0x13, 0x37])],
    ['the start of a frame that never completes', Buffer.from([0, 0, 0, 64, 0, 0, 0, 1, 5])],
  ];
  for (const [name, garbage] of garbages) {
    it(`${name}: the verified reply is delivered, then the connection is dropped; the next command reconnects`, async () => {
      const proxy = await startTamperProxy(named.controlPort, (reply, index) =>
        index === 1 ? Buffer.concat([reply, garbage]) : reply,
      );
      try {
        const rndc = client(proxy.port, { key: named.keys['hmac-sha256'] });
        const status = (await rndc.status()).unwrap();
        expect(status.running).toBe(true);
        expect(proxy.connections()).toBe(1);
        expect((await rndc.zonestatus('dyn.test')).unwrap().name).toBe('dyn.test');
        expect(proxy.connections()).toBe(2);
      } finally {
        await proxy.close();
      }
    });
  }

  it('garbage after the handshake reply → malformed-reply, and the command is never sent', async () => {
    for (const garbage of [Buffer.from([0xff, 0xff, 0xff, 0xff]), Buffer.from([1, 2])]) {
      const fake = await fakeAnswering(
        (request, c) => c.write(c.genuine(request)),
        (request, c) => c.write(Buffer.concat([c.genuine(request), garbage])),
      );
      try {
        const error = await attack(`garbage after the handshake (${garbage.length} bytes)`, () =>
          client(fake.port).freeze('dyn.test'),
        );
        expect(error.kind).toBe('malformed-reply');
        expect(error.mayHaveRun).toBe(false);
        expect(error.message).toMatch(/after its handshake reply/);
        expect(fake.requests.filter((r) => r.index > 0)).toHaveLength(0);
      } finally {
        await fake.close();
      }
    }
  });

  it('a forged frame glued after a verified reply is not taken as the next reply', async () => {
    // The glued frame would verify as the reply to the next request if the connection were
    // reused: it carries the next serial the fake predicts, but the fake cannot sign with a
    // key it does not have: here it can (it is the fake), which is the worst case.
    const fake = await fakeAnswering((request, c) => {
      const next = { ...request, serial: String((Number(request.serial) + 1) >>> 0) };
      c.write(
        Buffer.concat([
          c.genuine(request, { data: { text: 'first' } }),
          c.genuine(next, { data: { text: 'predicted' } }),
          Buffer.from([0xff]),
        ]),
      );
    });
    try {
      const rndc = client(fake.port);
      expect((await rndc.run('status')).unwrap().text).toContain('first');
      const second = await rndc.run('status');
      // A new connection: the fake answers it normally.
      expect(fake.connections()).toBe(2);
      expect(second.unwrap().text).toContain('first');
    } finally {
      await fake.close();
    }
  });
});

describe('trickled and never-ending bytes', () => {
  it('a reply trickled 1 byte per tick that never completes → timeout by the deadline', async () => {
    const fake = await fakeAnswering((_request, c) => {
      const prefix = Buffer.from([0, 0x10, 0, 0]); // 1 MiB announced
      let sent = 0;
      const drip = () => {
        if (c.socket.destroyed) return;
        c.write(sent < 4 ? prefix.subarray(sent, sent + 1) : Buffer.from([sent & 0xff]));
        sent++;
        setImmediate(drip);
      };
      drip();
    });
    try {
      const error = await attack('trickle, 1 byte per tick', () => client(fake.port).status());
      expect(error.kind).toBe('timeout');
      expect(error.mayHaveRun).toBe(true);
    } finally {
      await fake.close();
    }
  });

  it('a huge length prefix, then an endless stream → reply-too-large at once, nothing buffered', async () => {
    const fake = await fakeAnswering((_request, c) => {
      c.write(Buffer.from([0xff, 0xff, 0xff, 0xfe]));
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      const pump = () => {
        if (c.socket.destroyed) return;
        if (c.socket.write(chunk)) setImmediate(pump);
        else c.socket.once('drain', pump);
      };
      pump();
    });
    try {
      const error = await attack('huge length + endless stream', () => client(fake.port).status());
      expect(error.kind).toBe('reply-too-large');
    } finally {
      await fake.close();
    }
  });

  it('a length just under the cap, then an endless stream → malformed, memory bounded by the cap', async () => {
    const cap = 4 * MiB;
    const fake = await fakeAnswering((_request, c) => {
      const prefix = Buffer.alloc(8);
      prefix.writeUInt32BE(cap, 0);
      prefix.writeUInt32BE(1, 4);
      c.write(prefix);
      const chunk = Buffer.alloc(64 * 1024, 0x01);
      const pump = () => {
        if (c.socket.destroyed) return;
        if (c.socket.write(chunk)) setImmediate(pump);
        else c.socket.once('drain', pump);
      };
      pump();
    });
    try {
      const error = await attack(
        'length at the cap + endless stream',
        () => client(fake.port, { maxReplyBytes: cap }).status(),
        64,
      );
      expect(['malformed-reply', 'unverified-reply']).toContain(error.kind);
    } finally {
      await fake.close();
    }
  });

  it('endless tiny frames → refused at the first, connection closed', async () => {
    const fake = await fakeAnswering((_request, c) => {
      const tiny = Buffer.concat(
        Array.from({ length: 4096 }, () => Buffer.from([0, 0, 0, 4, 0, 0, 0, 1])),
      );
      const pump = () => {
        if (c.socket.destroyed) return;
        if (c.socket.write(tiny)) setImmediate(pump);
        else c.socket.once('drain', pump);
      };
      pump();
    });
    try {
      const error = await attack('endless tiny frames', () => client(fake.port).status());
      expect(['malformed-reply', 'unverified-reply']).toContain(error.kind);
    } finally {
      await fake.close();
    }
  });
});

describe('hostile lengths and nesting', () => {
  /** A frame with a correct MAC over `signed`: only the decoder's checks can refuse it. */
  const signedFrame = (signed: Buffer) => frame(Buffer.concat([signedAuth(key, signed), signed]));

  /**
   * `depth` containers around `leaf`, built in one pass (wrapping one level at a time would copy
   * the whole value each time, and the fake's answer would be late: a timeout, not the defence).
   * A table level is `02 LEN 01 'n'`, a list level `03 LEN`.
   */
  const nested = (kind: 'table' | 'list', depth: number, leaf: Buffer): Buffer => {
    const levelBytes = kind === 'table' ? 7 : 5;
    const out = Buffer.alloc(depth * levelBytes + leaf.length);
    for (let level = 0; level < depth; level++) {
      const at = level * levelBytes;
      out[at] = kind === 'table' ? 0x02 : 0x03;
      out.writeUInt32BE(out.length - at - 5, at + 1);
      if (kind === 'table') out.write('\x01n', at + 5, 'latin1');
    }
    leaf.copy(out, depth * levelBytes);
    return out;
  };
  // Built once, before any call is timed.
  const deepTables = nested('table', 10_000, bin('x'));
  const deepLists = nested('list', 10_000, bin('x'));
  const manyEntries = Buffer.alloc(200_000 * 6);
  for (let i = 0; i < 200_000; i++) manyEntries[i * 6 + 1] = 0x01; // key "", binary, length 0

  const cases: Array<[string, (request: FakeRequest, c: FakeConnection) => Buffer]> = [
    [
      'tables nested 10,000 deep inside _data (correctly signed)',
      (request, c) => {
        const good = c.genuine(request);
        const signed = Buffer.concat([good.subarray(8 + 110), entries_([['deep', deepTables]])]);
        return signedFrame(signed);
      },
    ],
    [
      'lists nested 10,000 deep',
      () => {
        return signedFrame(entries_([['_data', deepLists]]));
      },
    ],
    [
      'a value length past the end of the frame',
      (request, c) => {
        const good = Buffer.from(c.genuine(request));
        // The _ctrl table's length field, right after the 110-byte _auth entry and "\x05_ctrl\x02".
        good.writeUInt32BE(0xffff_fff0, 8 + 110 + 7);
        return good;
      },
    ],
    ['a key length past the end of the frame', () => frame(Buffer.from([0xff, 0x41, 0x41]))],
    [
      'a frame of version 2',
      (request, c) => {
        const good = Buffer.from(c.genuine(request));
        good.writeUInt32BE(2, 4);
        return good;
      },
    ],
    [
      '200,000 empty entries in _data, under a forged MAC (the decoder runs before the MAC check)',
      (request, c) => {
        const good = c.genuine(request);
        const many = manyEntries;
        const forged = Buffer.concat([Buffer.from([163]), randomBytes(88)]);
        return frame(
          Buffer.concat([
            entries_([['_auth', tbl([['hsha', bin(forged)]])]]),
            good.subarray(8 + 110),
            entries_([['many', Buffer.concat([Buffer.from([2]), u32(many.length), many])]]),
          ]),
        );
      },
    ],
    [
      'an unknown value type',
      (request, c) => {
        const good = c.genuine(request);
        return signedFrame(
          Buffer.concat([good.subarray(8 + 110), Buffer.from([1, 0x7a, 9, 0, 0, 0, 0])]),
        );
      },
    ],
  ];

  for (const [name, build] of cases) {
    it(`${name} → refused (malformed or unverified), never a success`, async () => {
      const fake = await fakeAnswering((request, c) => c.write(build(request, c)));
      try {
        const error = await attack(`lengths/nesting: ${name}`, () => client(fake.port).status());
        expect(['malformed-reply', 'unverified-reply']).toContain(error.kind);
      } finally {
        await fake.close();
      }
    });
  }
});

function u32(value: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value >>> 0, 0);
  return out;
}
