// UPDATE messages: random valid updates round-trip through our encoder and decoder; random and
// mutated replies never throw.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Key } from '../../src/keys/key.js';
import { decodeReply, encodeUpdate, type WireRecord } from '../../src/update/message.js';
import { Name, parseName } from '../../src/update/names.js';
import { signRequest, verifyResponse } from '../../src/update/tsig.js';
import { Update } from '../../src/update/update.js';

const label = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,20}$/);
const name = fc
  .array(label, { minLength: 1, maxLength: 4 })
  .map((labels) => parseName(`${labels.join('.')}.test.`, Name.root).unwrap());
const record: fc.Arbitrary<WireRecord> = fc.record({
  name,
  type: fc.integer({ min: 1, max: 65535 }),
  class: fc.constantFrom(1, 254, 255),
  ttl: fc.integer({ min: 0, max: 2_147_483_647 }),
  rdata: fc.uint8Array({ maxLength: 40 }).map((bytes) => Buffer.from(bytes)),
});

describe('UPDATE encoder and decoder', () => {
  it('random updates round-trip, signed or not', () => {
    const key = Key.from({
      name: 'k',
      algorithm: 'hmac-sha256',
      secret: Buffer.alloc(32, 1).toString('base64'),
    }).unwrap();
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 65535 }),
        name,
        fc.array(record, { maxLength: 5 }),
        fc.array(record, { maxLength: 5 }),
        fc.boolean(),
        (id, zone, prerequisites, updates, sign) => {
          let bytes = encodeUpdate({ id, zone, zoneClass: 1, prerequisites, updates });
          if (sign) bytes = signRequest(bytes, key, { time: 1_800_000_000 })!.message;
          const decoded = decodeReply(bytes).unwrap();
          expect(decoded.header).toMatchObject({ id, opcode: 5, isResponse: false });
          expect(decoded.question?.name.equals(zone)).toBe(true);
          const strip = (r: {
            name: Name;
            type: number;
            class: number;
            ttl: number;
            rdata: Buffer;
          }) => ({
            name: r.name.toString(),
            type: r.type,
            class: r.class,
            ttl: r.ttl,
            rdata: Buffer.from(r.rdata).toString('hex'),
          });
          expect(decoded.sections[0].map(strip)).toEqual(prerequisites.map(strip));
          expect(decoded.sections[1].map(strip)).toEqual(updates.map(strip));
          expect(decoded.tsig !== undefined).toBe(sign);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('random bytes and mutated replies never throw, and a mutated signed reply never verifies', () => {
    const key = Key.from({
      name: 'k',
      algorithm: 'hmac-sha1',
      secret: Buffer.alloc(20, 2).toString('base64'),
    }).unwrap();
    const request = signRequest(
      encodeUpdate({
        id: 7,
        zone: parseName('z.test.', Name.root).unwrap(),
        zoneClass: 1,
        prerequisites: [],
        updates: [],
      }),
      key,
      { time: 1_800_000_000 },
    )!;
    // A genuine-looking reply: the request with QR set, signed as a response would be.
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const result = decodeReply(Buffer.from(bytes));
        if (result.isOk())
          verifyResponse(Buffer.from(bytes), result.value.tsig, key, request.mac, 1_800_000_000);
      }),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: request.message.length - 1 }),
        fc.integer({ min: 1, max: 255 }),
        (offset, flip) => {
          const mutated = Buffer.from(request.message);
          mutated[offset] = mutated[offset]! ^ flip;
          const result = decodeReply(mutated);
          if (result.isOk()) {
            const verdict = verifyResponse(
              mutated,
              result.value.tsig,
              key,
              request.mac,
              1_800_000_000,
            );
            // A request is never a valid response to itself (the response MAC covers the request MAC).
            expect(verdict.kind).not.toBe('verified');
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('counts that promise more records than bytes are refused without work', () => {
    const header = Buffer.alloc(12);
    header.writeUInt16BE(0xffff, 6);
    expect(decodeReply(header).unwrapErr().message).toMatch(/counts exceed/);
  });
});

describe('Update builder', () => {
  it('maps each form to RFC 2136 classes, types and TTLs', () => {
    const u = new Update('example.test')
      .absent('a')
      .absent('b', 'TXT')
      .present('c')
      .present('d', 'MX')
      .present(['e 300 A 192.0.2.1'])
      .add('f 600 A 192.0.2.2', '@ MX 10 mail')
      .deleteRRset('g', 'TXT')
      .deleteName('h')
      .deleteRecord('i A 192.0.2.3')
      .replace('j 60 A 192.0.2.4', 'j 60 A 192.0.2.5');
    expect(u.problems).toEqual([]);
    const view = (r: WireRecord) => [r.name.toString(), r.ttl, r.class, r.type, r.rdata.length];
    expect(u.prerequisites.map(view)).toEqual([
      ['a.example.test.', 0, 254, 255, 0],
      ['b.example.test.', 0, 254, 16, 0],
      ['c.example.test.', 0, 255, 255, 0],
      ['d.example.test.', 0, 255, 15, 0],
      ['e.example.test.', 0, 1, 1, 4],
    ]);
    expect(u.updates.map(view)).toEqual([
      ['f.example.test.', 600, 1, 1, 4],
      ['example.test.', 3600, 1, 15, 21],
      ['g.example.test.', 0, 255, 16, 0],
      ['h.example.test.', 0, 255, 255, 0],
      ['i.example.test.', 0, 254, 1, 4],
      ['j.example.test.', 0, 255, 1, 0],
      ['j.example.test.', 60, 1, 1, 4],
      ['j.example.test.', 60, 1, 1, 4],
    ]);
  });

  it('collects every problem instead of throwing, and refuses to build', () => {
    const u = new Update('example.test')
      .add('bad 300 A 999.1.1.1')
      .add(`${'x'.repeat(64)} 300 A 192.0.2.1`)
      .deleteRRset('ok', 'NOSUCHTYPE')
      .add('c 300 CH A 192.0.2.1')
      .add('t 300 ANY \\# 0');
    expect(u.problems).toHaveLength(5);
    const error = u.toMessage(1).unwrapErr();
    expect(error.kind).toBe('invalid-update');
    expect(error.message).toContain('999.1.1.1');
    expect(new Update('example.test').toMessage(1).unwrapErr().message).toContain('empty');
  });
});
