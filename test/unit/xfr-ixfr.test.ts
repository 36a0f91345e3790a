// transferIncremental() against a fake IXFR server on loopback: the query carries our serial in
// the authority section; incremental answers become typed differences; one SOA is "up to date";
// an AXFR-style answer is the 'full' fallback; broken difference sequences, serials going
// backwards, a missing closing SOA and tampered messages are typed errors naming the message.
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { Key } from '../../src/keys/key.js';
import { compareSerials } from '../../src/serial.js';
import { decodeReply } from '../../src/update/message.js';
import { transferIncremental } from '../../src/xfr/ixfr.js';
import {
  type AxfrConnection,
  a,
  type FakeAxfrServer,
  message,
  StreamSigner,
  soa,
  startFakeAxfr,
} from '../helpers/fake-axfr.js';

const ZONE = 'ixfr.test';
const IXFR = 251;
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

/** Sends `records` split into messages of `perMessage`, signed when `sign`. */
function answer(c: AxfrConnection, records: Buffer[], perMessage = 3, sign = true): void {
  const signer = new StreamSigner(fakeKey, c.request);
  for (let i = 0; i < records.length; i += perMessage) {
    const body = message(c.request, ZONE, records.slice(i, i + perMessage), {
      qtype: IXFR,
      question: i === 0,
    });
    c.frame(sign ? signer.sign(body) : body);
  }
}

async function ixfr(
  records: (c: AxfrConnection) => Buffer[] | undefined,
  options: { serial?: number; perMessage?: number; sign?: boolean; messageTimeoutMs?: number } = {},
) {
  let query: Buffer | undefined;
  server = await startFakeAxfr((c) => {
    query = c.request.bytes;
    const list = records(c);
    if (list) answer(c, list, options.perMessage ?? 3, options.sign ?? true);
  });
  const result = await transferIncremental(ZONE, {
    server: '127.0.0.1',
    port: server.port,
    serial: options.serial ?? 1,
    ...(options.sign === false ? {} : { key }),
    timeoutMs: 5000,
    messageTimeoutMs: options.messageTimeoutMs ?? 2000,
  });
  return { result, query: query! };
}

const h = (n: number) => a(`h${n}.${ZONE}`, `192.0.2.${n}`);

describe('IXFR answers', () => {
  it('the query: IXFR question, our SOA serial in the authority section, signed', async () => {
    const { query } = await ixfr(() => [soa(ZONE, 1)], { serial: 1 });
    const decoded = decodeReply(query).unwrap();
    expect(decoded.question).toMatchObject({ type: IXFR });
    expect(decoded.sections[1]).toHaveLength(1);
    expect(decoded.sections[1][0]!.type).toBe(6);
    expect(decoded.sections[1][0]!.rdata.readUInt32BE(2)).toBe(1);
    expect(decoded.tsig).toBeDefined();
  });

  it('two differences (1→2→3) across messages, every message signed', async () => {
    const { result } = await ixfr(() => [
      soa(ZONE, 3),
      soa(ZONE, 1),
      h(1),
      soa(ZONE, 2),
      h(2),
      h(3),
      soa(ZONE, 2),
      h(2),
      soa(ZONE, 3),
      h(4),
      soa(ZONE, 3),
    ]);
    const r = result.unwrap();
    expect(r.kind).toBe('incremental');
    if (r.kind !== 'incremental') return;
    expect(r).toMatchObject({ fromSerial: 1, toSerial: 3, signed: true, messages: 4 });
    const names = (list: readonly { name: { toString(): string } }[]) =>
      list.map((x) => x.name.toString());
    expect(r.deltas.map((d) => [d.fromSerial, d.toSerial])).toEqual([
      [1, 2],
      [2, 3],
    ]);
    expect(names(r.deltas[0]!.deleted)).toEqual(['h1.ixfr.test.']);
    expect(names(r.deltas[0]!.added)).toEqual(['h2.ixfr.test.', 'h3.ixfr.test.']);
    expect(names(r.deltas[1]!.deleted)).toEqual(['h2.ixfr.test.']);
    expect(names(r.deltas[1]!.added)).toEqual(['h4.ixfr.test.']);
  });

  it('one SOA at our serial: up to date', async () => {
    const { result } = await ixfr(() => [soa(ZONE, 5)], { serial: 5 });
    expect(result.unwrap()).toMatchObject({
      kind: 'up-to-date',
      serial: 5,
      requestedSerial: 5,
      serverBehind: false,
    });
  });

  it('one SOA before ours (RFC 1982, across the wrap): up to date, the server behind', async () => {
    const { result } = await ixfr(() => [soa(ZONE, 0xfffffff0)], { serial: 3 });
    expect(result.unwrap()).toMatchObject({ kind: 'up-to-date', serverBehind: true });
  });

  it('an AXFR-style answer is the full fallback, said so, with the records', async () => {
    const { result } = await ixfr(() => [soa(ZONE, 7), h(1), h(2), h(3), soa(ZONE, 7)]);
    const r = result.unwrap();
    expect(r.kind).toBe('full');
    if (r.kind !== 'full') return;
    expect(r.serial).toBe(7);
    expect(r.records.map((x) => x.type)).toEqual([6, 1, 1, 1]);
  });

  it('serials wrapping around 2^32 are still increasing (RFC 1982)', async () => {
    const { result } = await ixfr(
      () => [soa(ZONE, 2), soa(ZONE, 0xffffffff), h(1), soa(ZONE, 2), h(2), soa(ZONE, 2)],
      { serial: 0xffffffff },
    );
    expect(result.unwrap()).toMatchObject({ kind: 'incremental', fromSerial: 0xffffffff });
  });
});

describe('hostile IXFR answers', () => {
  it('a difference going backwards (2 → 1) → framing, naming the message', async () => {
    const { result } = await ixfr(
      () => [soa(ZONE, 3), soa(ZONE, 2), h(1), soa(ZONE, 1), h(2), soa(ZONE, 3)],
      { serial: 2 },
    );
    expect(result.unwrapErr()).toMatchObject({ kind: 'framing', messageIndex: 2 });
    expect(result.unwrapErr().message).toMatch(/from serial 2 to 1: serials must increase/);
  });

  it('a gap between differences (1→2, then 5→3) → framing', async () => {
    const { result } = await ixfr(() => [
      soa(ZONE, 3),
      soa(ZONE, 1),
      soa(ZONE, 2),
      soa(ZONE, 5),
      soa(ZONE, 3),
      soa(ZONE, 3),
    ]);
    expect(result.unwrapErr().message).toMatch(
      /a difference starts at serial 5, the previous one ended at 2/,
    );
  });

  it('the first difference not starting at our serial → framing', async () => {
    const { result } = await ixfr(() => [soa(ZONE, 3), soa(ZONE, 2), soa(ZONE, 3), soa(ZONE, 3)], {
      serial: 1,
    });
    expect(result.unwrapErr().message).toMatch(/starts at serial 2, not at ours \(1\)/);
  });

  it('a difference past the server serial → framing', async () => {
    const { result } = await ixfr(() => [soa(ZONE, 3), soa(ZONE, 1), soa(ZONE, 9)]);
    expect(result.unwrapErr().message).toMatch(/ends at serial 9, past the server's 3/);
  });

  it('no closing SOA before the server closes → incomplete', async () => {
    const { result } = await ixfr((c) => {
      answer(c, [soa(ZONE, 3), soa(ZONE, 1), h(1), soa(ZONE, 3), h(2)]);
      c.end();
      return undefined;
    });
    expect(result.unwrapErr()).toMatchObject({ kind: 'incomplete' });
    expect(result.unwrapErr().message).toMatch(/before the closing SOA/);
  });

  it('records after the closing SOA → framing', async () => {
    const { result } = await ixfr(
      () => [soa(ZONE, 2), soa(ZONE, 1), soa(ZONE, 2), soa(ZONE, 2), h(1)],
      {
        perMessage: 10,
      },
    );
    expect(result.unwrapErr()).toMatchObject({ kind: 'framing', messageIndex: 1 });
  });

  it('an unsigned message in the middle of a signed IXFR → tsig, message 2', async () => {
    const { result } = await ixfr((c) => {
      const signer = new StreamSigner(fakeKey, c.request);
      c.frame(signer.sign(message(c.request, ZONE, [soa(ZONE, 3), soa(ZONE, 1)], { qtype: IXFR })));
      c.frame(message(c.request, ZONE, [soa(ZONE, 3), soa(ZONE, 3)], { question: false }));
      return undefined;
    });
    expect(result.unwrapErr()).toMatchObject({ kind: 'tsig', messageIndex: 2 });
  });

  it('REFUSED names allow-transfer and the 9.20 default', async () => {
    const { result } = await ixfr((c) => {
      c.frame(message(c.request, ZONE, [], { rcode: 5, qtype: IXFR }));
      return undefined;
    });
    const error = result.unwrapErr();
    expect(error).toMatchObject({ kind: 'refused', rcode: 'REFUSED' });
    expect(error.causes.join(' ')).toMatch(/BIND 9\.20 refuses outgoing transfers/);
    expect(error.remedy).toMatch(/allow-transfer/);
  });

  it('NOTAUTH is its own kind', async () => {
    const { result } = await ixfr((c) => {
      c.frame(message(c.request, ZONE, [], { rcode: 9, qtype: IXFR }));
      return undefined;
    });
    expect(result.unwrapErr()).toMatchObject({ kind: 'notauth', rcode: 'NOTAUTH' });
  });

  it('a stall between messages ends at the per-message timeout, naming the next message', async () => {
    const { result } = await ixfr(
      (c) => {
        answer(c, [soa(ZONE, 3), soa(ZONE, 1)]);
        return undefined;
      },
      { messageTimeoutMs: 300 },
    );
    expect(result.unwrapErr()).toMatchObject({ kind: 'timeout', messageIndex: 2 });
  });

  it('an endless difference is cut off at maxRecords, and an endless stream at maxBytes', async () => {
    for (const bound of [{ maxRecords: 300 }, { maxBytes: 20_000 }]) {
      server = await startFakeAxfr(async (c) => {
        c.frame(message(c.request, ZONE, [soa(ZONE, 3), soa(ZONE, 1)], { qtype: IXFR }));
        const filler = message(
          c.request,
          ZONE,
          Array.from({ length: 50 }, (_, i) => h(i)),
          { question: false },
        );
        while (c.open() && c.frame(filler)) await new Promise((r) => setImmediate(r));
      });
      const result = await transferIncremental(ZONE, {
        server: '127.0.0.1',
        port: server.port,
        serial: 1,
        timeoutMs: 5000,
        ...bound,
      });
      expect(result.unwrapErr().kind).toBe('too-large');
      expect(result.unwrapErr().message).toMatch(
        'maxRecords' in bound ? /more than 300 records/ : /exceeds 20000 bytes/,
      );
      await server.close();
      server = undefined;
    }
  });

  it('the question must be IXFR for the zone', async () => {
    const { result } = await ixfr(
      (c) => {
        c.frame(message(c.request, ZONE, [soa(ZONE, 1)], { qtype: 252 }));
        return undefined;
      },
      { sign: false },
    );
    expect(result.unwrapErr()).toMatchObject({ kind: 'framing', messageIndex: 1 });
  });
});

describe('RFC 1982 serial comparison', () => {
  it.each([
    [1, 2, -1],
    [2, 1, 1],
    [7, 7, 0],
    [0xffffffff, 0, -1],
    [0, 0xffffffff, 1],
    [0, 0x7fffffff, -1],
    [0, 0x80000000, undefined],
  ] as const)('compareSerials(%d, %d) = %s', (x, y, expected) => {
    expect(compareSerials(x, y)).toBe(expected);
  });
});
