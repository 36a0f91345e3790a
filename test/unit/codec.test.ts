import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeAuthEntry } from '../../src/control/auth.js';
import {
  decodeFrame,
  decodeTableBody,
  encodeTableBody,
  frameBody,
  type IsccTable,
  type IsccValue,
  MAX_DEPTH,
  table,
} from '../../src/control/codec.js';
import { FrameAssembler } from '../../src/control/framing.js';
import { decodeReply, encodeRequest } from '../../src/control/message.js';
import { HMAC_ALGORITHMS, Key } from '../../src/keys/key.js';

/** Random isccc values nested at most `depth` levels. */
function valueArbitrary(depth: number): fc.Arbitrary<IsccValue> {
  const binary = fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes));
  if (depth <= 1) return binary;
  const inner = valueArbitrary(depth - 1);
  return fc.oneof(
    { weight: 4, arbitrary: binary },
    { weight: 1, arbitrary: tableArbitrary(inner) },
    { weight: 1, arbitrary: fc.array(inner, { maxLength: 4 }) },
  );
}

function tableArbitrary(values: fc.Arbitrary<IsccValue>): fc.Arbitrary<IsccTable> {
  return fc
    .uniqueArray(
      fc.tuple(fc.string({ minLength: 0, maxLength: 20, unit: 'binary-ascii' }), values),
      {
        maxLength: 5,
        selector: ([key]) => key,
      },
    )
    .map((entries) => new Map(entries));
}

const nest = (levels: number): IsccTable => {
  let inner: IsccTable = table([['leaf', 'x']]);
  for (let i = 1; i < levels; i++) inner = table([['t', inner]]);
  return inner;
};

describe('isccc codec', () => {
  it('round-trips random messages', () => {
    fc.assert(
      fc.property(tableArbitrary(valueArbitrary(MAX_DEPTH - 1)), (message) => {
        const body = encodeTableBody(message).unwrap();
        const decoded = decodeFrame(frameBody(body)).unwrap();
        expect(decoded.message).toEqual(message);
        expect(encodeTableBody(decoded.message).unwrap().equals(body)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const frame = Buffer.from(bytes);
        decodeFrame(frame);
        decodeTableBody(frame);
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on mutated valid frames, and never accepts a mutated signed reply', () => {
    const key = Key.from({
      name: 'k',
      algorithm: 'hmac-sha256',
      secret: Buffer.alloc(32, 7).toString('base64'),
    }).unwrap();
    const request = encodeRequest(
      key,
      { serial: 42, time: 1_700_000_000, nonce: '99' },
      'zonestatus example.com',
    ).unwrap();
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: request.length - 1 }),
        fc.integer({ min: 1, max: 255 }),
        (offset, flip) => {
          const mutated = Buffer.from(request);
          mutated[offset] = mutated[offset]! ^ flip;
          decodeFrame(mutated);
          // A request is never a valid reply, mutated or not.
          expect(decodeReply(key, mutated, { serial: 42, nonce: '99' }).isErr()).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('rejects nesting beyond the depth limit in both directions', () => {
    expect(encodeTableBody(nest(MAX_DEPTH)).isOk()).toBe(true);
    expect(encodeTableBody(nest(MAX_DEPTH + 1)).unwrapErr().kind).toBe('too-deep');
    // Hand-build an over-deep frame: tables nested 12 deep.
    let inner = Buffer.from([1, 0x61, 1, 0, 0, 0, 0]);
    for (let i = 0; i < 12; i++) {
      const header = Buffer.from([1, 0x74, 2, 0, 0, 0, 0]);
      header.writeUInt32BE(inner.length, 3);
      inner = Buffer.concat([header, inner]);
    }
    expect(decodeFrame(frameBody(inner)).unwrapErr().kind).toBe('too-deep');
  });

  it('rejects hostile lengths, bad versions, unknown types and truncation', () => {
    const good = frameBody(encodeTableBody(table([['a', 'b']])).unwrap());
    const hugeValue = Buffer.from(good);
    hugeValue.writeUInt32BE(0xffff_fff0, 8 + 2 + 1); // value length of "a"
    expect(decodeFrame(hugeValue).unwrapErr().kind).toBe('bad-length');
    const badVersion = Buffer.from(good);
    badVersion.writeUInt32BE(2, 4);
    expect(decodeFrame(badVersion).unwrapErr().kind).toBe('bad-version');
    const stringType = Buffer.from(good);
    stringType[8 + 2] = 0x00; // named's never-used "string" type
    expect(decodeFrame(stringType).unwrapErr().kind).toBe('bad-type');
    expect(decodeFrame(good.subarray(0, good.length - 1)).unwrapErr().kind).toBe('bad-length');
    const truncated = frameBody(Buffer.from([5, 0x61]));
    expect(decodeFrame(truncated).unwrapErr().kind).toBe('truncated');
  });

  it('refuses keys longer than 255 bytes and requests over 32768 bytes', () => {
    expect(encodeTableBody(table([['k'.repeat(256), 'v']])).unwrapErr().kind).toBe('encode');
    const key = Key.from({
      name: 'k',
      algorithm: 'hmac-md5',
      secret: 'AAAAAAAAAAAAAAAAAAAAAA==',
    }).unwrap();
    expect(encodeRequest(key, { serial: 1, time: 1 }, 'x'.repeat(32_768)).isErr()).toBe(true);
    expect(encodeRequest(key, { serial: 1, time: 1 }, 'x'.repeat(32_000)).isOk()).toBe(true);
  });

  it('signs and verifies with every algorithm, and only with the same key', () => {
    for (const algorithm of HMAC_ALGORITHMS) {
      const key = Key.from({
        name: 'k',
        algorithm,
        secret: Buffer.alloc(32, 3).toString('base64'),
      }).unwrap();
      const other = Key.from({
        name: 'k',
        algorithm,
        secret: Buffer.alloc(32, 4).toString('base64'),
      }).unwrap();
      // Build a reply by hand: _ctrl with _rpl and nonce, _data with result.
      const ctrl = table([
        ['_ser', 7],
        ['_tim', 1],
        ['_exp', 2],
        ['_rpl', '1'],
        ['_nonce', '5'],
      ]);
      const data = table([
        ['type', 'status'],
        ['result', '0'],
        ['text', 'ok'],
      ]);
      const signed = encodeTableBody(
        table([
          ['_ctrl', ctrl],
          ['_data', data],
        ]),
      ).unwrap();
      const frame = frameBody(Buffer.concat([encodeAuthEntry(key, signed), signed]));
      expect(decodeReply(key, frame, { serial: 7, nonce: '5' }).unwrap().text).toBe('ok');
      expect(decodeReply(other, frame, { serial: 7, nonce: '5' }).unwrapErr()).toEqual({
        kind: 'auth',
        reason: 'mac-mismatch',
      });
    }
  });
});

describe('frame assembler', () => {
  it('reassembles frames split at every byte and frames that share a chunk', () => {
    const key = Key.from({
      name: 'k',
      algorithm: 'hmac-sha1',
      secret: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=',
    }).unwrap();
    const a = encodeRequest(key, { serial: 1, time: 1 }, 'status').unwrap();
    const b = encodeRequest(key, { serial: 2, time: 1 }, 'testgen 5').unwrap();
    const stream = Buffer.concat([a, b]);
    for (let split = 1; split < stream.length; split++) {
      const assembler = new FrameAssembler();
      const first = assembler.push(stream.subarray(0, split));
      const second = assembler.push(stream.subarray(split));
      if (!first.ok || !second.ok) throw new Error('unexpected refusal');
      const frames = [...first.frames, ...second.frames];
      expect(frames.map((f) => f.toString('hex'))).toEqual([a.toString('hex'), b.toString('hex')]);
      expect(assembler.pendingBytes).toBe(0);
    }
  });

  it('refuses a hostile length prefix before buffering anything of that size', () => {
    const assembler = new FrameAssembler(1024);
    const result = assembler.push(Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 1]));
    expect(result).toEqual({ ok: false, reason: 'too-large', length: 0xffff_ffff, frames: [] });
    expect(new FrameAssembler().push(Buffer.from([0, 0, 0, 2, 0, 0]))).toEqual({
      ok: false,
      reason: 'bad-length',
      length: 2,
      frames: [],
    });
  });

  it('a frame trickled one byte per chunk costs about one byte per byte, not an object per chunk', () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const retained = () => {
      gc();
      const usage = process.memoryUsage();
      return usage.heapUsed + usage.arrayBuffers;
    };
    const assembler = new FrameAssembler();
    const before = retained();
    assembler.push(Buffer.from([0, 0x10, 0, 0])); // 1 MiB announced
    for (let i = 0; i < 200_000; i++) assembler.push(Buffer.from([i & 0xff]));
    const growth = retained() - before;
    expect(assembler.pendingBytes).toBe(200_004);
    // One Buffer object kept per 1-byte chunk would be ~20 MB here.
    expect(growth).toBeLessThan(4 * 1024 * 1024);
  });

  it('returns the frames completed before a refused length in the same chunk', () => {
    const key = Key.from({
      name: 'k',
      algorithm: 'hmac-sha1',
      secret: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=',
    }).unwrap();
    const a = encodeRequest(key, { serial: 1, time: 1 }, 'status').unwrap();
    for (const garbage of [
      [0xff, 0xff, 0xff, 0xff],
      [0, 0, 0, 1],
    ]) {
      const result = new FrameAssembler(1024).push(Buffer.concat([a, Buffer.from(garbage)]));
      expect(result.ok).toBe(false);
      expect(result.frames.map((f) => f.toString('hex'))).toEqual([a.toString('hex')]);
    }
  });
});
