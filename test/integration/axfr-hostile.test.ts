// The AXFR client against a hostile server on loopback (test/helpers/fake-axfr.ts): each attack
// on the transfer gives a typed error naming the message at fault, and nothing of an
// unauthenticated or malformed message reaches the caller.
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { Key } from '../../src/keys/key.js';
import { type AxfrRecord, receiveAxfr } from '../../src/xfr/axfr.js';
import {
  type AxfrConnection,
  a,
  type FakeAxfrServer,
  message,
  rr,
  StreamSigner,
  soa,
  startFakeAxfr,
} from '../helpers/fake-axfr.js';
import { wireName } from '../helpers/fake-dns.js';

const ZONE = 'fake.test';
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

async function transfer(
  scenario: (c: AxfrConnection) => void | Promise<void>,
  options: Partial<Parameters<typeof receiveAxfr>[0]> = {},
) {
  server = await startFakeAxfr(scenario);
  const received: AxfrRecord[] = [];
  const started = Date.now();
  const result = await receiveAxfr({
    host: '127.0.0.1',
    port: server.port,
    zone: ZONE,
    key,
    timeoutMs: 5000,
    messageTimeoutMs: 2000,
    onRecords: (records) => {
      received.push(...records);
    },
    ...options,
  });
  return { result, received, elapsed: Date.now() - started };
}

/** Three signed messages: SOA + 2 A, 2 A, 2 A + closing SOA. */
function stream(c: AxfrConnection, alter: (messages: Buffer[]) => Buffer[] = (m) => m): void {
  const signer = new StreamSigner(fakeKey, c.request);
  const bodies = [
    message(c.request, ZONE, [
      soa(ZONE, 7),
      a(`h1.${ZONE}`, '192.0.2.1'),
      a(`h2.${ZONE}`, '192.0.2.2'),
    ]),
    message(c.request, ZONE, [a(`h3.${ZONE}`, '192.0.2.3'), a(`h4.${ZONE}`, '192.0.2.4')], {
      question: false,
    }),
    message(c.request, ZONE, [a(`h5.${ZONE}`, '192.0.2.5'), soa(ZONE, 7)], { question: false }),
  ];
  for (const m of alter(bodies.map((body) => signer.sign(body)))) c.frame(m);
}

/** The same message without its TSIG (ARCOUNT back to 0, the TSIG RR cut off). */
function stripTsig(signed: Buffer, unsignedLength: number): Buffer {
  const out = Buffer.from(signed.subarray(0, unsignedLength));
  out.writeUInt16BE(0, 10);
  return out;
}

describe('a signed multi-message transfer', () => {
  it('well-formed: every message verified, records in order, closing SOA left out', async () => {
    const { result, received } = await transfer((c) => stream(c));
    expect(result.unwrap()).toMatchObject({ serial: 7, records: 6, messages: 3, signed: true });
    expect(received.map((r) => r.name.toString())).toEqual([
      'fake.test.',
      'h1.fake.test.',
      'h2.fake.test.',
      'h3.fake.test.',
      'h4.fake.test.',
      'h5.fake.test.',
    ]);
  });

  it('a slow writer is not taken for a stalling server (the per-message clock waits for it)', async () => {
    const { result } = await transfer((c) => stream(c), {
      messageTimeoutMs: 300,
      onRecords: () => new Promise((resolve) => setTimeout(resolve, 500)),
    });
    expect(result.unwrap()).toMatchObject({ messages: 3, signed: true });
  });

  it('an unsigned message in the middle fails, naming message 2; nothing of it is handed on', async () => {
    const { result, received } = await transfer((c) =>
      stream(c, (m) => {
        const body2 = message(
          c.request,
          ZONE,
          [a(`h3.${ZONE}`, '192.0.2.3'), a(`h4.${ZONE}`, '192.0.2.4')],
          { question: false },
        );
        return [m[0]!, stripTsig(m[1]!, body2.length), m[2]!];
      }),
    );
    const error = result.unwrapErr();
    expect(error).toMatchObject({ kind: 'tsig', messageIndex: 2 });
    expect(error.message).toMatch(/message 2: unsigned/);
    expect(received.map((r) => r.name.toString())).not.toContain('h3.fake.test.');
  });

  it('a tampered MAC (one bit of message 2) fails at message 2', async () => {
    const { result } = await transfer((c) =>
      stream(c, (m) => {
        const bad = Buffer.from(m[1]!);
        bad[bad.length - 10]! ^= 0x01; // inside the MAC
        return [m[0]!, bad, m[2]!];
      }),
    );
    expect(result.unwrapErr()).toMatchObject({ kind: 'tsig', messageIndex: 2 });
    expect(result.unwrapErr().message).toMatch(/the MAC does not verify/);
  });

  it('altered data in the last message (an address changed after signing) fails at message 3', async () => {
    const { result, received } = await transfer((c) =>
      stream(c, (m) => {
        const bad = Buffer.from(m[2]!);
        const at = bad.indexOf(Buffer.from([192, 0, 2, 5]));
        bad[at + 3] = 66;
        return [m[0]!, m[1]!, bad];
      }),
    );
    expect(result.unwrapErr()).toMatchObject({ kind: 'tsig', messageIndex: 3 });
    expect(received.some((r) => r.name.toString() === 'h5.fake.test.')).toBe(false);
  });

  it('messages replayed out of order break the MAC chain', async () => {
    const { result } = await transfer((c) => stream(c, (m) => [m[0]!, m[2]!, m[1]!]));
    expect(result.unwrapErr()).toMatchObject({ kind: 'tsig', messageIndex: 2 });
  });

  it('an unsigned REFUSED to a signed query is reported as REFUSED, marked unsigned', async () => {
    const { result } = await transfer((c) => {
      c.frame(message(c.request, ZONE, [], { rcode: 5 }));
    });
    expect(result.unwrapErr()).toMatchObject({
      kind: 'refused',
      rcode: 'REFUSED',
      messageIndex: 1,
    });
    expect(result.unwrapErr().message).toContain('(unsigned answer)');
    expect(result.unwrapErr().remedy).toMatch(/allow-transfer \{ 127\.0\.0\.1; ::1; \}/);
  });
});

describe('malformed and unframed streams (no key)', () => {
  const noKey = { key: undefined };

  it('a compression pointer loop in an owner name → malformed, message 1', async () => {
    const { result } = await transfer((c) => {
      const header = message(c.request, ZONE, [], {});
      // The answer's owner is a pointer to itself (offset of the pointer).
      const at = header.length;
      const loop = Buffer.from([0xc0 | (at >> 8), at & 0xff]);
      const rec = rr(loop, 1, Buffer.from([192, 0, 2, 1]));
      const m = Buffer.concat([header, rec]);
      m.writeUInt16BE(1, 6);
      c.frame(m);
    }, noKey);
    expect(result.unwrapErr()).toMatchObject({ kind: 'malformed', messageIndex: 1 });
    expect(result.unwrapErr().message).toMatch(/does not point backwards|pointer/);
  });

  it('a pointer loop inside CNAME RDATA → malformed (names in RDATA are decoded with the same bounds)', async () => {
    const { result } = await transfer((c) => {
      const head = message(c.request, ZONE, [soa(ZONE, 1)]);
      const cnameOwner = wireName(`c.${ZONE}`);
      const rdataAt = head.length + cnameOwner.length + 10;
      const rec = Buffer.concat([
        cnameOwner,
        Buffer.from([0, 5, 0, 1, 0, 0, 1, 44, 0, 2]),
        Buffer.from([0xc0 | (rdataAt >> 8), rdataAt & 0xff]),
      ]);
      const m = Buffer.concat([head, rec]);
      m.writeUInt16BE(2, 6);
      c.frame(m);
    }, noKey);
    expect(result.unwrapErr()).toMatchObject({ kind: 'malformed', messageIndex: 1 });
  });

  it('no closing SOA before the server closes → incomplete', async () => {
    const { result, received } = await transfer((c) => {
      c.frame(message(c.request, ZONE, [soa(ZONE, 3), a(`x.${ZONE}`, '192.0.2.9')]));
      c.end();
    }, noKey);
    expect(result.unwrapErr()).toMatchObject({ kind: 'incomplete' });
    expect(result.unwrapErr().message).toMatch(/before the closing SOA/);
    expect(received).toHaveLength(2);
  });

  it('the first record is not the SOA → framing', async () => {
    const { result } = await transfer((c) => {
      c.frame(message(c.request, ZONE, [a(`x.${ZONE}`, '192.0.2.9'), soa(ZONE, 3)]));
    }, noKey);
    expect(result.unwrapErr()).toMatchObject({ kind: 'framing', messageIndex: 1 });
  });

  it('a record outside the zone → framing (never written)', async () => {
    const { result, received } = await transfer((c) => {
      c.frame(
        message(c.request, ZONE, [soa(ZONE, 3), a('evil.example.', '192.0.2.66'), soa(ZONE, 3)]),
      );
    }, noKey);
    expect(result.unwrapErr()).toMatchObject({ kind: 'framing', messageIndex: 1 });
    expect(result.unwrapErr().message).toContain('evil.example. is outside the zone');
    expect(received).toHaveLength(0);
  });

  it('a closing SOA with another serial → framing', async () => {
    const { result } = await transfer((c) => {
      c.frame(message(c.request, ZONE, [soa(ZONE, 3), a(`x.${ZONE}`, '192.0.2.9'), soa(ZONE, 4)]));
    }, noKey);
    expect(result.unwrapErr()).toMatchObject({ kind: 'framing' });
    expect(result.unwrapErr().message).toMatch(/closing SOA has serial 4, the opening one 3/);
  });

  it('records after the closing SOA → framing', async () => {
    const { result } = await transfer((c) => {
      c.frame(message(c.request, ZONE, [soa(ZONE, 3), soa(ZONE, 3), a(`x.${ZONE}`, '192.0.2.9')]));
    }, noKey);
    expect(result.unwrapErr()).toMatchObject({ kind: 'framing' });
  });

  it('an endless stream is cut off at maxBytes (no closing SOA ever comes)', async () => {
    let sent = 0;
    const { result } = await transfer(
      async (c) => {
        c.frame(message(c.request, ZONE, [soa(ZONE, 3)]));
        const filler = message(
          c.request,
          ZONE,
          Array.from({ length: 200 }, (_, i) => a(`f${i}.${ZONE}`, '192.0.2.1')),
          { question: false },
        );
        while (c.open() && sent < 50_000_000) {
          if (!c.frame(filler)) break;
          sent += filler.length;
          await new Promise((r) => setImmediate(r));
        }
      },
      { ...noKey, maxBytes: 200_000 },
    );
    expect(result.unwrapErr()).toMatchObject({ kind: 'too-large' });
    expect(result.unwrapErr().message).toMatch(/exceeds 200000 bytes/);
    expect(sent).toBeLessThan(5_000_000);
  });

  it('an endless stream is cut off at maxRecords', async () => {
    const { result } = await transfer(
      async (c) => {
        c.frame(message(c.request, ZONE, [soa(ZONE, 3)]));
        const filler = message(
          c.request,
          ZONE,
          Array.from({ length: 100 }, (_, i) => a(`f${i}.${ZONE}`, '192.0.2.1')),
          { question: false },
        );
        while (c.open() && c.frame(filler)) await new Promise((r) => setImmediate(r));
      },
      { ...noKey, maxRecords: 1000 },
    );
    expect(result.unwrapErr()).toMatchObject({ kind: 'too-large' });
    expect(result.unwrapErr().message).toMatch(/more than 1000 records/);
  });

  it('a stall after the first message ends at the per-message timeout, naming message 2', async () => {
    const { result, elapsed } = await transfer(
      (c) => {
        c.frame(message(c.request, ZONE, [soa(ZONE, 3)]));
      },
      { ...noKey, messageTimeoutMs: 300, timeoutMs: 10_000 },
    );
    expect(result.unwrapErr()).toMatchObject({ kind: 'timeout', messageIndex: 2 });
    expect(elapsed).toBeLessThan(5000);
  });

  it('a trickle of empty messages (each in time) still ends at the overall deadline', async () => {
    const { result, elapsed } = await transfer(
      async (c) => {
        c.frame(message(c.request, ZONE, [soa(ZONE, 3)]));
        while (c.open()) {
          c.frame(message(c.request, ZONE, [], { question: false }));
          await new Promise((r) => setTimeout(r, 50));
        }
      },
      { ...noKey, messageTimeoutMs: 400, timeoutMs: 800 },
    );
    expect(result.unwrapErr()).toMatchObject({ kind: 'timeout' });
    expect(result.unwrapErr().message).toMatch(/did not finish within 800 ms/);
    expect(elapsed).toBeLessThan(4000);
  });

  it('the caller aborts: the transfer ends at once as aborted', async () => {
    const controller = new AbortController();
    const pending = transfer(
      async (c) => {
        c.frame(message(c.request, ZONE, [soa(ZONE, 3)]));
        await new Promise((r) => setTimeout(r, 100));
        controller.abort();
      },
      { ...noKey, signal: controller.signal, timeoutMs: 10_000 },
    );
    const { result, elapsed } = await pending;
    expect(result.unwrapErr()).toMatchObject({ kind: 'aborted' });
    expect(elapsed).toBeLessThan(3000);
  });
});
