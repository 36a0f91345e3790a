// The watcher's secondary checker against a fake DNS server whose SOA serial the test sets: lag in
// serial steps and in seconds from the primary's serial history (a secondary that follows a busy
// zone a few seconds behind never accumulates lag), the per-zone bound on secondaries, and bad
// options as error values.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_SECONDARIES_PER_ZONE, SecondaryChecker } from '../../src/watch/secondaries.js';
import { type FakeDns, replyTo, startFakeDns } from '../helpers/fake-dns.js';

let fake: FakeDns;
let serial = 6;

/** `request`'s question answered with AA and one SOA of the queried name at `serial`. */
function soaReply(request: Parameters<typeof replyTo>[0]): Buffer {
  const head = replyTo(request);
  head[2] = (head[2] ?? 0) | 0x04; // AA
  head.writeUInt16BE(1, 6); // ANCOUNT
  const rdata = Buffer.alloc(24);
  rdata.writeUInt16BE(0xc00c, 0); // MNAME → the question's name
  rdata.writeUInt16BE(0xc00c, 2); // RNAME
  rdata.writeUInt32BE(serial >>> 0, 4);
  for (let i = 8; i < 24; i += 4) rdata.writeUInt32BE(3600, i);
  const rr = Buffer.alloc(12);
  rr.writeUInt16BE(0xc00c, 0);
  rr.writeUInt16BE(6, 2); // SOA
  rr.writeUInt16BE(1, 4); // IN
  rr.writeUInt32BE(300, 6);
  rr.writeUInt16BE(rdata.length, 10);
  return Buffer.concat([head, rr, rdata]);
}

beforeAll(async () => {
  fake = await startFakeDns((request, channel) => channel.reply(soaReply(request)));
});
afterAll(async () => {
  await fake?.close();
});

const zone = (servedSerial: number | undefined) => [{ key: 'k', zone: 'x.test', servedSerial }];

describe('SecondaryChecker', () => {
  it('lag in steps and in seconds since the primary first served a serial the secondary lacks', async () => {
    const checker = SecondaryChecker.create(
      { secondaries: [{ host: '127.0.0.1', port: fake.port }], secondaryTimeoutMs: 2000 },
      100,
      60_000,
    ).unwrap();
    const at = async (served: number, now: number) =>
      (await checker.check(zone(served), now, Date.now() + 5000)).get('k')?.[0];
    serial = 6;
    expect(await at(6, 100)).toMatchObject({ up: true, verdict: 'served', lag: 0, lagSeconds: 0 });
    // The primary moves to 7 at t=200; the secondary stays at 6.
    expect(await at(7, 200)).toMatchObject({ verdict: 'stale', lag: 1, lagSeconds: 0 });
    expect(await at(7, 210)).toMatchObject({ lag: 1, lagSeconds: 10 });
    // Still at 6 when the primary is at 8: behind since 7 was first served (t=200).
    expect(await at(8, 300)).toMatchObject({ lag: 2, lagSeconds: 100, lastMatchedAt: 100 });
    serial = 8;
    expect(await at(8, 310)).toMatchObject({ lag: 0, lagSeconds: 0, lastMatchedAt: 310 });
    // A busy zone: one step behind again, measured from the new change, not from t=100.
    expect(await at(9, 400)).toMatchObject({ lag: 1, lagSeconds: 0 });
    expect(await at(9, 405)).toMatchObject({ lag: 1, lagSeconds: 5 });
    // RFC 1982: a primary that wrapped past 2^32 still counts the secondary as behind.
    serial = 0xffff_fffe;
    expect(await at(1, 500)).toMatchObject({ verdict: 'stale', lag: 3 });
    // The primary's serial unknown: up, no lag.
    serial = 8;
    expect(
      (await checker.check(zone(undefined), 600, Date.now() + 5000)).get('k')?.[0],
    ).toMatchObject({ up: true, serial: 8, lag: undefined });
  });

  it(`asks at most ${MAX_SECONDARIES_PER_ZONE} secondaries per zone; silent ones are unreachable by the deadline`, async () => {
    const checker = SecondaryChecker.create(
      {
        secondaries: Array.from({ length: 40 }, (_, i) => ({
          host: `127.0.0.${i + 1}`,
          port: fake.port,
        })),
        secondaryTimeoutMs: 300,
      },
      0,
      60_000,
    ).unwrap();
    const reports = (await checker.check(zone(8), 1, Date.now() + 10_000)).get('k') ?? [];
    expect(reports).toHaveLength(MAX_SECONDARIES_PER_ZONE);
    expect(reports[0]).toMatchObject({ secondary: `127.0.0.1#${fake.port}`, up: true });
    expect(reports.slice(1).every((r) => !r.up && r.verdict === 'unreachable')).toBe(true);
  });

  it('bad options are error values naming the option, never throws', () => {
    const bad = (options: Parameters<typeof SecondaryChecker.create>[0]) => {
      const made = SecondaryChecker.create(options, 0, 60_000);
      expect(made.isErr()).toBe(true);
      return made.isErr() ? `${made.error.kind}: ${made.error.message}` : '';
    };
    expect(bad({ secondaries: [{ host: '' }] })).toMatch(
      /invalid-argument: secondaries\[0\]: host/,
    );
    expect(bad({ secondaries: [{ host: 'a b' }] })).toMatch(/not an address/);
    expect(bad({ secondaries: [{ host: 'x', port: 0 }] })).toMatch(/port must be 1-65535/);
    expect(bad({ secondaries: [{ host: 'x', port: 1.5 }] })).toMatch(/port/);
    expect(bad({ secondaryConcurrency: 0 })).toMatch(/secondaryConcurrency/);
    expect(bad({ secondaryTimeoutMs: Number.NaN })).toMatch(/secondaryTimeoutMs/);
    expect(
      bad({ secondaryKey: { name: 'k', algorithm: 'hmac-sha256', secret: '%%%' } as never }),
    ).toMatch(/secondary key/);
    expect(bad({ discoverSecondaries: { host: 'p', secondaryPort: 70_000 } })).toMatch(
      /secondaryPort/,
    );
  });
});
