// Propagation checks against a hostile DNS server (test/helpers/fake-dns.ts, no named): a
// forged unsigned answer to a signed query is not believed, a wrongly signed one neither, a
// malformed SOA is no serial, huge and never-ending answers are bounded and settle by the
// deadline. The genuine signed answer from the same fake is believed: the refusals above are
// about the signature, not the fake.
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import { checkPropagation, waitForPropagation } from '../../src/fleet/propagation.js';
import { Key } from '../../src/keys/key.js';
import { fakeIo } from '../helpers/cli-io.js';
import {
  type FakeDns,
  type FakeKey,
  type FakeRequest,
  type FakeResponder,
  replyTo,
  signReply,
  startFakeDns,
} from '../helpers/fake-dns.js';

/** Allowance over a deadline for a busy 2-core machine: a correctness bound, not a timing. */
const MARGIN_MS = 2000;
const DEADLINE_MS = 1500;
const SERIAL = 2024010102;

const key = Key.from({
  name: 'prop-key',
  algorithm: 'hmac-sha256',
  secret: randomBytes(32).toString('base64'),
}).unwrap();
const fakeKey: FakeKey = { name: 'prop-key.', algorithm: 'hmac-sha256', secret: key.secretBytes() };
const otherKey: FakeKey = { ...fakeKey, secret: randomBytes(32) };
const fakes: FakeDns[] = [];

afterAll(async () => {
  await Promise.all(fakes.map((f) => f.close()));
});

async function fake(responder: FakeResponder): Promise<FakeDns> {
  const f = await startFakeDns(responder);
  fakes.push(f);
  return f;
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

/** An RR owned by the question's name (pointer to offset 12). */
function rr(type: number, rdata: Buffer): Buffer {
  const fixed = Buffer.alloc(10);
  fixed.writeUInt16BE(type, 0);
  fixed.writeUInt16BE(1, 2);
  fixed.writeUInt32BE(300, 4);
  fixed.writeUInt16BE(rdata.length, 8);
  return Buffer.concat([Buffer.from([0xc0, 12]), fixed, rdata]);
}

function soaRdata(serial: number): Buffer {
  const timers = Buffer.alloc(20);
  timers.writeUInt32BE(serial, 0);
  return Buffer.concat([Buffer.from([0xc0, 12, 0xc0, 12]), timers]);
}

/** An authoritative answer with `records` in the answer section. */
function answer(
  request: FakeRequest,
  records: Buffer[],
  options: { truncated?: boolean } = {},
): Buffer {
  const head = replyTo(request, options.truncated ? { truncated: true } : {});
  head[2] = head[2]! | 0x04; // AA
  head.writeUInt16BE(records.length, 6);
  return Buffer.concat([head, ...records]);
}

async function check(port: number, withKey: boolean, timeoutMs = DEADLINE_MS) {
  const started = Date.now();
  const result = await checkPropagation({
    zone: 'prop.test',
    serial: SERIAL,
    servers: [{ host: '127.0.0.1', port }],
    ...(withKey ? { key } : {}),
    timeoutMs,
  });
  const elapsed = Date.now() - started;
  expect(elapsed).toBeLessThan(timeoutMs + MARGIN_MS);
  const verdict = result.unwrap().servers[0];
  if (!verdict) throw new Error('no verdict');
  return { ...verdict, elapsed };
}

describe('a hostile server', () => {
  it('a genuinely signed answer is believed (the fake can sign)', async () => {
    const f = await fake((request, channel) => {
      channel.reply(signReply(answer(request, [rr(6, soaRdata(SERIAL))]), request, fakeKey));
    });
    const v = await check(f.port, true);
    expect(v.verdict).toMatchObject({ kind: 'served', serial: SERIAL });
    expect(v.authenticated).toBe(true);
  });

  it('a forged unsigned answer to a signed query is not believed: tsig-error by the deadline', async () => {
    const f = await fake((request, channel) => {
      channel.reply(answer(request, [rr(6, soaRdata(SERIAL))]));
    });
    const v = await check(f.port, true);
    expect(v.verdict.kind).toBe('tsig-error');
    expect(v.verdict.detail).toContain('an unsigned reply to a signed query');
    expect(v.authenticated).toBe(false);
    expect(f.requests.length).toBeGreaterThan(0);
  });

  it('an answer signed with another secret is not believed', async () => {
    const f = await fake((request, channel) => {
      channel.reply(signReply(answer(request, [rr(6, soaRdata(SERIAL))]), request, otherKey));
    });
    const v = await check(f.port, true);
    expect(v.verdict.kind).toBe('tsig-error');
    expect(v.verdict.detail).toContain('does not verify');
  });

  it('an answer for another question is ignored (unreachable, not served)', async () => {
    const f = await fake((request, channel) => {
      const forged = Buffer.from(answer(request, [rr(6, soaRdata(SERIAL))]));
      forged[13] = 0x71; // 'p' → 'q' in the question: another name
      channel.reply(forged);
    });
    const v = await check(f.port, false);
    expect(v.verdict.kind).toBe('unreachable');
    expect(v.verdict.detail).toContain('another question');
  });

  it('a malformed SOA (bad serial field) is no serial: lame', async () => {
    const f = await fake((request, channel) => {
      channel.reply(
        answer(request, [
          rr(6, Buffer.concat([Buffer.from([0xc0, 12, 0xc0, 12]), Buffer.from('2024x')])),
        ]),
      );
    });
    const v = await check(f.port, false);
    expect(v.verdict).toMatchObject({
      kind: 'lame',
      detail: 'the SOA record in the answer is malformed',
    });
  });

  it('a huge answer: TC over UDP, then 64 KiB over TCP, is read within bounds', async () => {
    const txt = rr(16, Buffer.concat([Buffer.from([200]), Buffer.alloc(200, 0x61)]));
    const f = await fake((request, channel) => {
      if (request.transport === 'udp') {
        channel.reply(answer(request, [], { truncated: true }));
        return;
      }
      const records = [rr(6, soaRdata(SERIAL))];
      // As many 213-byte TXT records as fit in one 65,535-byte message.
      while (29 + (records.length + 1) * txt.length < 65_000) records.push(txt);
      channel.reply(answer(request, records));
    });
    const v = await check(f.port, false);
    expect(v.verdict).toMatchObject({ kind: 'served', serial: SERIAL });
    expect(f.tcpConnections()).toBe(1);
  });

  it('a TCP answer that never completes settles by the deadline: unreachable', async () => {
    const f = await fake((request, channel) => {
      if (request.transport === 'udp') {
        channel.reply(answer(request, [], { truncated: true }));
        return;
      }
      // Announce 65,535 bytes, send 100, then nothing.
      channel.raw(Buffer.concat([u16(65_535), Buffer.alloc(100)]));
    });
    const v = await check(f.port, false);
    expect(v.verdict.kind).toBe('unreachable');
    expect(v.elapsed).toBeGreaterThanOrEqual(DEADLINE_MS - 100);
  });

  it('bad arguments are errors, nothing is sent', async () => {
    for (const serial of [-1, 2 ** 32, 1.5, Number.NaN]) {
      const result = await checkPropagation({
        zone: 'prop.test',
        serial,
        servers: [{ host: '127.0.0.1', port: 9 }],
      });
      expect(result.isErr() && result.error.kind).toBe('invalid-argument');
    }
    const noTarget = await checkPropagation({
      zone: 'prop.test',
      servers: [{ host: '127.0.0.1', port: 9 }],
    });
    expect(noTarget.isErr() && noTarget.error.message).toMatch(/primary .* or the serial/);
    const badZone = await checkPropagation({
      zone: 'a..b',
      serial: 1,
      servers: [{ host: '127.0.0.1' }],
    });
    expect(badZone.isErr() && badZone.error.kind).toBe('invalid-argument');
    const noServers = await checkPropagation({ zone: 'prop.test', serial: 1 });
    expect(noServers.isErr() && noServers.error.kind).toBe('no-servers');
  });

  it('rndc-js propagation: exit 2 when the reference answers REFUSED (no target serial)', async () => {
    const f = await fake((request, channel) => channel.reply(replyTo(request, { rcode: 5 })));
    const io = fakeIo();
    const status = await runCli(
      ['propagation', 'prop.test', '--server', `127.0.0.1:${f.port}`, '--json'],
      io,
    );
    expect(status).toBe(2);
    const doc = JSON.parse(io.out());
    expect(doc).toMatchObject({
      ok: false,
      met: false,
      error: { kind: 'no-reference' },
      primary: { verdict: 'refused' },
    });
  });

  it('waitForPropagation on a silent server returns when the signal aborts: Ok, not met, aborted', async () => {
    const f = await fake(() => {});
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const started = Date.now();
    const result = await waitForPropagation({
      zone: 'prop.test',
      serial: SERIAL,
      servers: [{ host: '127.0.0.1', port: f.port }],
      timeoutMs: 30_000,
      signal: controller.signal,
    });
    expect(Date.now() - started).toBeLessThan(300 + MARGIN_MS);
    expect(result.unwrap()).toMatchObject({ met: false, aborted: true, served: 0 });
    expect(result.unwrap().servers[0]?.verdict.kind).toBe('unreachable');
  });
});
