// The pure parts of propagation checks: RFC 1982 serial arithmetic, the verdict table
// (src/fleet/verdict.ts) row by row, and the order-independent content digest.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalRecord, digestRecords } from '../../src/fleet/content.js';
import type { QueryOutcome } from '../../src/fleet/query.js';
import { classifySoa, compareToTarget } from '../../src/fleet/verdict.js';
import { addToSerial, isSerial, serialDistance, serialOrder } from '../../src/serial.js';
import { decodeReply } from '../../src/update/message.js';
import { Name, parseName } from '../../src/update/names.js';
import type { AxfrRecord } from '../../src/xfr/axfr.js';

const name = (text: string) => parseName(text, Name.root).unwrap();
const ZONE = name('prop.test.');

describe('RFC 1982 serial arithmetic', () => {
  it('orders serials on the circle', () => {
    expect(serialOrder(1, 1)).toBe('equal');
    expect(serialOrder(2, 1)).toBe('after');
    expect(serialOrder(1, 2)).toBe('before');
    // Wrap-around: 0 comes after 2^32-1; 5 after 4294967290.
    expect(serialOrder(0, 0xffff_ffff)).toBe('after');
    expect(serialOrder(5, 4_294_967_290)).toBe('after');
    expect(serialOrder(4_294_967_290, 5)).toBe('before');
    // Exactly 2^31 apart: undefined (§3.2).
    expect(serialOrder(0, 0x8000_0000)).toBe('undefined');
    expect(serialOrder(0x8000_0000, 0)).toBe('undefined');
    expect(serialOrder(0x7fff_ffff, 0)).toBe('after');
    expect(serialOrder(0x8000_0001, 0)).toBe('before');
  });

  it('counts the steps behind, across the wrap', () => {
    expect(serialDistance(2023120101, 2024010102)).toBe(2024010102 - 2023120101);
    expect(serialDistance(0xffff_fffe, 1)).toBe(3);
    expect(serialDistance(7, 7)).toBe(0);
    expect(serialDistance(8, 7)).toBeUndefined();
    expect(serialDistance(0, 0x8000_0000)).toBeUndefined();
    expect(addToSerial(0xffff_ffff, 2)).toBe(1);
  });

  it('is antisymmetric and agrees with the distance (property)', () => {
    const serial = fc.integer({ min: 0, max: 0xffff_ffff });
    fc.assert(
      fc.property(serial, serial, (a, b) => {
        const ab = serialOrder(a, b);
        const ba = serialOrder(b, a);
        const flipped = {
          equal: 'equal',
          after: 'before',
          before: 'after',
          undefined: 'undefined',
        };
        expect(ba).toBe(flipped[ab]);
        const d = serialDistance(a, b);
        if (ab === 'before') expect(addToSerial(a, d ?? -1)).toBe(b);
        else if (ab !== 'equal') expect(d).toBeUndefined();
      }),
    );
  });

  it('knows what a serial is', () => {
    expect(isSerial(0)).toBe(true);
    expect(isSerial(0xffff_ffff)).toBe(true);
    for (const bad of [-1, 2 ** 32, 1.5, Number.NaN, '1', undefined])
      expect(isSerial(bad)).toBe(false);
  });
});

/** A reply to `prop.test SOA`: header flags, RCODE, and an answer section. */
function reply(options: {
  rcode?: number;
  aa?: boolean;
  answer?: Buffer[];
  question?: string;
}): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(0x1234, 0);
  header.writeUInt16BE(0x8000 | (options.aa ? 0x0400 : 0) | (options.rcode ?? 0), 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(options.answer?.length ?? 0, 6);
  const question = Buffer.concat([
    name(options.question ?? 'prop.test.').toWire(),
    Buffer.from([0, 6, 0, 1]),
  ]);
  return Buffer.concat([header, question, ...(options.answer ?? [])]);
}

/** An SOA RR owned by `owner` (compressed MNAME/RNAME pointing at the question). */
function soaRecord(serial: number, owner = 'prop.test.', rdataTail?: Buffer): Buffer {
  const rdata =
    rdataTail ??
    (() => {
      const timers = Buffer.alloc(20);
      timers.writeUInt32BE(serial, 0);
      timers.writeUInt32BE(3600, 4);
      return Buffer.concat([
        Buffer.from([2, 0x6e, 0x73, 0xc0, 12]),
        Buffer.from([0xc0, 12]),
        timers,
      ]);
    })();
  const fixed = Buffer.alloc(10);
  fixed.writeUInt16BE(6, 0);
  fixed.writeUInt16BE(1, 2);
  fixed.writeUInt32BE(300, 4);
  fixed.writeUInt16BE(rdata.length, 8);
  return Buffer.concat([name(owner).toWire(), fixed, rdata]);
}

function outcome(raw: Buffer, extra: Partial<QueryOutcome & { kind: 'reply' }> = {}): QueryOutcome {
  return {
    kind: 'reply',
    reply: decodeReply(raw).unwrap(),
    raw,
    authenticated: false,
    provisional: false,
    tsigError: 0,
    transport: 'udp',
    ignored: [],
    ignoredCount: 0,
    ...extra,
  };
}

const noReply = (signed: boolean, ignored: string[] = []): QueryOutcome => ({
  kind: 'no-reply',
  signed,
  failure: {
    kind: 'timeout',
    message: 'no valid reply from 127.0.0.1#53 over UDP (3 sends)',
    ignored,
    ignoredCount: ignored.length,
    sent: true,
  },
});

function kindOf(o: QueryOutcome): string {
  const answer = classifySoa(o, ZONE);
  return answer.kind === 'serial' ? `serial ${answer.serial}` : answer.verdict.kind;
}

describe('the verdict table', () => {
  it('maps each row', () => {
    const rows: Array<[string, QueryOutcome, string]> = [
      ['silence', noReply(false), 'unreachable'],
      ['silence with a key, nothing ignored', noReply(true), 'unreachable'],
      [
        'unsigned replies to a signed query',
        noReply(true, ['an unsigned reply to a signed query (NOERROR)']),
        'tsig-error',
      ],
      [
        'ignored replies without a key are not TSIG',
        noReply(false, ['a reply to another question']),
        'unreachable',
      ],
      [
        'unsigned BADSIG',
        outcome(reply({ rcode: 9 }), { tsigError: 16, provisional: true }),
        'tsig-error',
      ],
      ['REFUSED', outcome(reply({ rcode: 5 })), 'refused'],
      ['SERVFAIL', outcome(reply({ rcode: 2 })), 'lame'],
      ['NOTAUTH', outcome(reply({ rcode: 9, aa: true })), 'lame'],
      ['FORMERR', outcome(reply({ rcode: 1 })), 'lame'],
      ['NOERROR without AA (referral)', outcome(reply({})), 'not-authoritative'],
      ['NXDOMAIN without AA', outcome(reply({ rcode: 3 })), 'not-authoritative'],
      ['NXDOMAIN with AA (a parent zone)', outcome(reply({ rcode: 3, aa: true })), 'lame'],
      [
        'AA, SOA of another owner',
        outcome(reply({ aa: true, answer: [soaRecord(7, 'test.')] })),
        'lame',
      ],
      [
        'AA, malformed SOA RDATA',
        outcome(
          reply({ aa: true, answer: [soaRecord(7, 'prop.test.', Buffer.from([0, 0, 1, 2, 3]))] }),
        ),
        'lame',
      ],
      [
        'AA, SOA',
        outcome(reply({ aa: true, answer: [soaRecord(2024010102)] })),
        'serial 2024010102',
      ],
      [
        'AA, SOA with a signed TSIG error (BADTIME)',
        outcome(reply({ aa: true, answer: [soaRecord(1)] }), {
          tsigError: 18,
          authenticated: true,
        }),
        'tsig-error',
      ],
    ];
    for (const [what, o, expected] of rows) expect(kindOf(o), what).toBe(expected);
  });

  it('the SERVFAIL detail names the likely cause', () => {
    const answer = classifySoa(outcome(reply({ rcode: 2 })), ZONE);
    expect(answer.kind === 'verdict' && answer.verdict.detail).toMatch(/not loaded/);
  });

  it('compares the served serial with the target', () => {
    expect(compareToTarget(10, 10)).toMatchObject({ kind: 'served', serial: 10 });
    expect(compareToTarget(11, 10)).toMatchObject({ kind: 'served', serial: 11 });
    expect(compareToTarget(0, 0xffff_ffff)).toMatchObject({ kind: 'served' });
    const now = Date.now();
    expect(compareToTarget(8, 10, now - 42_000, now)).toMatchObject({
      kind: 'stale',
      lag: 2,
      lagSeconds: 42,
    });
    expect(compareToTarget(0x8000_0000 + 10, 10)).toMatchObject({ kind: 'stale', lag: undefined });
    expect(compareToTarget(8, 10)).not.toHaveProperty('lagSeconds');
  });
});

describe('content digest', () => {
  const record = (owner: string, ttl: number, rdata: number[]): AxfrRecord => ({
    name: name(owner),
    type: 1,
    class: 1,
    ttl,
    rdata: Buffer.from(rdata),
  });
  const zone = [
    record('a.prop.test.', 300, [192, 0, 2, 1]),
    record('b.prop.test.', 300, [192, 0, 2, 2]),
    record('c.prop.test.', 300, [192, 0, 2, 3]),
  ];

  it('does not depend on order or owner-name case', () => {
    const reordered = [zone[2]!, zone[0]!, zone[1]!];
    expect(digestRecords(reordered)).toBe(digestRecords(zone));
    const upper = [record('A.PROP.test.', 300, [192, 0, 2, 1]), zone[1]!, zone[2]!];
    expect(digestRecords(upper)).toBe(digestRecords(zone));
  });

  it('changes with any record, TTL or a missing one', () => {
    const base = digestRecords(zone);
    expect(digestRecords(zone.slice(1))).not.toBe(base);
    expect(
      digestRecords([record('a.prop.test.', 301, [192, 0, 2, 1]), zone[1]!, zone[2]!]),
    ).not.toBe(base);
    expect(
      digestRecords([record('a.prop.test.', 300, [192, 0, 2, 9]), zone[1]!, zone[2]!]),
    ).not.toBe(base);
  });

  it('keeps records apart in canonical form (no ambiguity between fields)', () => {
    expect(canonicalRecord(zone[0]!).length).toBe(name('a.prop.test.').wireLength + 10 + 4);
  });
});
