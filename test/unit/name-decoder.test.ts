// NameDecoder (the zone-transfer fast path) must give exactly what decodeName gives on the same
// bytes, for every offset and bound, whatever order the names are asked in: same names, same
// ends, same error kinds and messages. Hostile shapes (loops, long chains, overlong names,
// labels running past a bound) are generated on purpose.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeName, MAX_POINTER_HOPS, NameDecoder } from '../../src/update/names.js';

const outcome = (result: ReturnType<typeof decodeName>) =>
  result.isOk()
    ? {
        name: result.value.name.toString(),
        labels: result.value.name.labelCount,
        end: result.value.end,
      }
    : { kind: result.error.kind, message: result.error.message };

/** Byte soup made of name pieces: labels, pointers (mostly backwards), zero bytes, noise. */
const piece = fc.oneof(
  fc
    .integer({ min: 1, max: 63 })
    .map((n) => [n, ...Array.from({ length: n }, (_, i) => 0x61 + (i % 26))]),
  fc.integer({ min: 1, max: 8 }).map((n) => [n, ...Array.from({ length: n }, () => 0x62)]),
  fc.nat({ max: 0x3fff }).map((p) => [0xc0 | (p >> 8), p & 0xff]),
  fc.nat({ max: 40 }).map((p) => [0xc0, p]),
  fc.constant([0]),
  fc.integer({ min: 0, max: 255 }).map((b) => [b]),
);
const message = fc.array(piece, { maxLength: 60 }).map((pieces) => Buffer.from(pieces.flat()));

function compareAll(
  buf: Buffer,
  asks: readonly (readonly [number, number])[],
  decoder = new NameDecoder(buf),
): void {
  for (const [offset, bound] of asks) {
    const plain = decodeName(buf.subarray(0, bound), offset);
    const expected = outcome(plain);
    // measure + writeName (names in RDATA, copied out): accepted exactly when decodeName
    // succeeds, with the same end and the same uncompressed bytes.
    const wire = decoder.measure(offset, bound);
    expect(wire > 0, `measure ${offset} ${bound}`).toBe(plain.isOk());
    if (plain.isOk()) {
      expect([wire, decoder.end]).toEqual([plain.value.name.wireLength, plain.value.end]);
      const out = Buffer.alloc(wire + 2, 0xee);
      expect(decoder.writeName(offset, out, 1)).toBe(wire + 1);
      expect(out.subarray(1, wire + 1)).toEqual(plain.value.name.toWire());
      expect([out[0], out[wire + 1]]).toEqual([0xee, 0xee]);
    }
    expect(outcome(decoder.decode(offset, bound)), `offset ${offset} bound ${bound}`).toEqual(
      expected,
    );
    const fast = decoder.tryDecode(offset, bound);
    if (fast)
      expect({ name: fast.name.toString(), labels: fast.name.labelCount, end: fast.end }).toEqual(
        expected,
      );
    const name = decoder.readName(offset, bound);
    expect(name === undefined).toBe(fast === undefined);
    if (name)
      expect({ name: name.toString(), end: decoder.end }).toEqual({
        name: fast?.name.toString(),
        end: fast?.end,
      });
  }
}

describe('NameDecoder', () => {
  it('equals decodeName for every offset and bound, in any order, on generated messages', () => {
    fc.assert(
      fc.property(
        message,
        fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 80 }),
        (buf, picks) => {
          const n = buf.length + 1;
          const asks = picks.map(([o, b]) => [o % n, b % n] as const);
          // Every offset against the whole message too, in reverse (tails first) and forwards.
          const whole = Array.from({ length: buf.length }, (_, i) => [i, buf.length] as const);
          compareAll(buf, [...asks, ...whole.toReversed(), ...whole]);
          compareAll(buf, [...whole, ...asks]);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('reset to another message forgets every name of the previous one', () => {
    // A transfer reuses one decoder: names cached at an offset of message 1 must not answer for
    // message 2, whatever its bytes (shorter, longer, the same offsets holding other names).
    fc.assert(
      fc.property(fc.array(message, { minLength: 2, maxLength: 4 }), (messages) => {
        const decoder = new NameDecoder(messages[0]!);
        for (const buf of messages) {
          decoder.reset(buf);
          const whole = Array.from({ length: buf.length }, (_, i) => [i, buf.length] as const);
          compareAll(buf, [...whole.toReversed(), ...whole], decoder);
        }
      }),
      { numRuns: 80 },
    );
  });

  it('keeps the pointer-count limit across cached tails', () => {
    const hops = MAX_POINTER_HOPS + 5;
    const buf = Buffer.alloc(1 + hops * 2);
    for (let i = 0; i < hops; i++)
      buf.writeUInt16BE(0xc000 | (i === 0 ? 0 : 1 + (i - 1) * 2), 1 + i * 2);
    const offsets = Array.from({ length: hops }, (_, i) => [1 + i * 2, buf.length] as const);
    compareAll(buf, offsets);
    compareAll(buf, offsets.toReversed());
    const decoder = new NameDecoder(buf);
    expect(decoder.decode(1 + (MAX_POINTER_HOPS - 1) * 2).isOk()).toBe(true);
    const over = decoder.decode(1 + MAX_POINTER_HOPS * 2);
    expect(over.isErr() && over.error.kind).toBe('bad-pointer');
  });

  it('keeps the 255-byte limit when a cached tail makes a name too long', () => {
    // 0: 60 labels of 1 byte + root (121 bytes); then names of 1 and 3 × 63-byte labels pointing
    // at it (185 and 313 bytes).
    const tail = Buffer.concat([Buffer.from('0161'.repeat(60), 'hex'), Buffer.from([0])]);
    const label = Buffer.concat([Buffer.from([63]), Buffer.alloc(63, 0x63)]);
    const buf = Buffer.concat([
      tail,
      label,
      Buffer.from([0xc0, 0]),
      label,
      label,
      label,
      Buffer.from([0xc0, 0]),
    ]);
    const asks = [0, tail.length, tail.length + 66].map((o) => [o, buf.length] as const);
    compareAll(buf, asks);
    const decoder = new NameDecoder(buf);
    decoder.decode(0);
    const long = decoder.decode(tail.length + 66);
    expect(long.isErr() && long.error.kind).toBe('name-too-long');
  });

  it('shares the labels of a tail between the names pointing at it', () => {
    // 0: example.com.  13: www → 0   19: mail → 0
    const buf = Buffer.from('076578616d706c6503636f6d0003777777c000046d61696cc000', 'hex');
    const decoder = new NameDecoder(buf);
    const www = decoder.decode(13).unwrap().name;
    const mail = decoder.decode(19).unwrap().name;
    expect([www.toString(), mail.toString()]).toEqual(['www.example.com.', 'mail.example.com.']);
    expect(www.labels[1]).toBe(mail.labels[1]);
    expect(Object.isFrozen(www.labels)).toBe(true);
    expect(() => (www.labels as Buffer[]).pop()).toThrow(TypeError);
    // A tail shared with another name is still whole after one of them was handed out.
    expect(mail.toString()).toBe('mail.example.com.');
  });
});
