// Hostile lengths and nesting: rejected before anything of the declared size is allocated, and
// deep isccc nesting (the CVE-2023-3341 class) is a typed error, never a stack overflow.
import { truncateSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Rng } from '../../fuzz/lib/rng.js';
import { deepFrame, MD5_KEY } from '../../fuzz/targets/isccc.js';
import { rawZone } from '../../fuzz/targets/zonefile-serial.js';
import { decodeFrame, decodeTableBody, FrameError, MAX_DEPTH } from '../../src/control/codec.js';
import { DEFAULT_MAX_REPLY_BYTES, FrameAssembler } from '../../src/control/framing.js';
import { decodeReply as decodeControlReply } from '../../src/control/message.js';
import { readZoneFileSerial, ZoneFileError } from '../../src/dump/zonefile.js';
import { decodeReply, MessageError } from '../../src/update/message.js';
import { Name, parseName } from '../../src/update/names.js';

const HUGE = 0xffff_ffff;
const MiB = 1024 * 1024;

/** Largest size asked of Buffer.alloc / allocUnsafe / allocUnsafeSlow while `fn` runs. */
async function largestAllocation(fn: () => unknown): Promise<number> {
  let largest = 0;
  const spies = (['alloc', 'allocUnsafe', 'allocUnsafeSlow'] as const).map((name) => {
    const original = Buffer[name].bind(Buffer) as (size: number, ...rest: unknown[]) => Buffer;
    return vi.spyOn(Buffer, name).mockImplementation(((size: number, ...rest: unknown[]) => {
      largest = Math.max(largest, size);
      return original(size, ...rest);
    }) as never);
  });
  try {
    await fn();
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  return largest;
}

/** Growth of ArrayBuffer memory (external memory of Buffers) while `fn` runs. */
function arrayBufferGrowth(fn: () => unknown): number {
  const before = process.memoryUsage().arrayBuffers;
  fn();
  return process.memoryUsage().arrayBuffers - before;
}

afterEach(() => vi.restoreAllMocks());

describe('a frame that declares 4 GiB', () => {
  const header = Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 1, 5, 0x5f, 0x61, 0x75, 0x74, 0x68]);

  it('is refused by the stream assembler on its first 4 bytes, with nothing buffered for it', async () => {
    const assembler = new FrameAssembler();
    let result: ReturnType<FrameAssembler['push']> | undefined;
    const largest = await largestAllocation(() => {
      result = assembler.push(header.subarray(0, 4));
    });
    expect(result).toEqual({ ok: false, reason: 'too-large', length: HUGE, frames: [] });
    expect(largest).toBeLessThan(MiB);
    expect(arrayBufferGrowth(() => new FrameAssembler().push(header))).toBeLessThan(MiB);
  });

  it('is refused at every cap the client can be given, split at every byte', () => {
    for (const cap of [1024, DEFAULT_MAX_REPLY_BYTES, HUGE - 1]) {
      for (let split = 1; split <= 4; split++) {
        const assembler = new FrameAssembler(cap);
        const first = assembler.push(header.subarray(0, split));
        const second = split < 4 ? assembler.push(header.subarray(split, 4)) : first;
        const refused = [first, second].find((r) => !r.ok);
        if (cap < HUGE) {
          expect(refused).toEqual({ ok: false, reason: 'too-large', length: HUGE, frames: [] });
        } else expect(second).toEqual({ ok: true, frames: [] }); // waiting, nothing allocated
        expect(assembler.pendingBytes).toBeLessThanOrEqual(4);
      }
    }
  });

  it('is a typed error from decodeFrame and decodeReply, without allocating', async () => {
    const largest = await largestAllocation(() => {
      const decoded = decodeFrame(header);
      expect(decoded.isErr() && decoded.error).toBeInstanceOf(FrameError);
      expect(decoded.isErr() && decoded.error.kind).toBe('bad-length');
      const reply = decodeControlReply(MD5_KEY, header, { serial: 1, nonce: undefined });
      expect(reply.isErr() && reply.error.kind).toBe('malformed');
    });
    expect(largest).toBeLessThan(MiB);
  });
});

describe('nested length lies', () => {
  /** A well-framed frame whose inner value claims `length` bytes. */
  function lyingFrame(type: number, length: number, nested: boolean): Buffer {
    const value = Buffer.alloc(5);
    value[0] = type;
    value.writeUInt32BE(length, 1);
    let body = Buffer.concat([Buffer.from([1, 0x6b]), value, Buffer.from('abc')]);
    if (nested) {
      const outer = Buffer.alloc(7);
      outer[0] = 1;
      outer[1] = 0x74;
      outer[2] = 2;
      outer.writeUInt32BE(body.length, 3);
      body = Buffer.concat([outer, body]);
    }
    const frame = Buffer.alloc(8);
    frame.writeUInt32BE(body.length + 4, 0);
    frame.writeUInt32BE(1, 4);
    return Buffer.concat([frame, body]);
  }

  it('every value length beyond its enclosing table is refused, at any depth, for every type', async () => {
    for (const type of [1, 2, 3, 0, 0xff]) {
      for (const length of [4, 0x7fff_ffff, 0x8000_0000, HUGE]) {
        for (const nested of [false, true]) {
          const frame = lyingFrame(type, length, nested);
          const largest = await largestAllocation(() => {
            const decoded = decodeFrame(frame);
            expect(decoded.isErr()).toBe(true);
            expect(decoded.isErr() && decoded.error).toBeInstanceOf(FrameError);
            const body = decodeTableBody(frame.subarray(8));
            expect(body.isErr() && body.error).toBeInstanceOf(FrameError);
          });
          expect(largest).toBeLessThan(MiB);
        }
      }
    }
  });

  it('DNS replies: section counts and RDLENGTHs that promise more than the message holds', async () => {
    const reply = Buffer.alloc(12 + 11);
    reply.writeUInt16BE(0x8000 | (5 << 11), 2);
    for (const slot of [4, 6, 8, 10]) {
      const copy = Buffer.from(reply);
      copy.writeUInt16BE(0xffff, slot);
      const largest = await largestAllocation(() => {
        const decoded = decodeReply(copy);
        expect(decoded.isErr() && decoded.error).toBeInstanceOf(MessageError);
      });
      expect(largest).toBeLessThan(MiB);
    }
    const rdlength = Buffer.from(reply);
    rdlength.writeUInt16BE(1, 10); // one additional RR: root owner, then type/class/ttl/rdlength
    rdlength.writeUInt16BE(0xffff, 12 + 9);
    expect(decodeReply(rdlength).isErr()).toBe(true);
  });

  describe('raw zone files', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'rndc-fuzz-memory-'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('regression: an apex SOA RRset longer than maxBytes is too-large, without reading it', async () => {
      // Found by npm run fuzz (fuzz/regressions/zonefile-serial/): the SOA RRset's length was
      // read from the file and that many bytes were allocated and read, whatever maxBytes said.
      const zone = parseName('example.test.', Name.root).unwrap().toWire();
      const total = 300 * MiB;
      const header = Buffer.alloc(24);
      header.writeUInt32BE(2, 0);
      header.writeUInt32BE(1, 4);
      const rrset = Buffer.alloc(20);
      rrset.writeUInt32BE(total, 0);
      rrset.writeUInt16BE(1, 4); // IN
      rrset.writeUInt16BE(6, 6); // SOA
      rrset.writeUInt32BE(1, 14);
      rrset.writeUInt16BE(zone.length, 18);
      const path = join(dir, 'sparse.raw');
      writeFileSync(path, Buffer.concat([header, rrset, zone]));
      truncateSync(path, 24 + total); // sparse: the file really is that long
      let result: Awaited<ReturnType<typeof readZoneFileSerial>> | undefined;
      const largest = await largestAllocation(async () => {
        result = await readZoneFileSerial(path, { origin: 'example.test', maxBytes: MiB });
      });
      expect(result?.isErr() && result.error).toBeInstanceOf(ZoneFileError);
      expect(result?.isErr() && result.error.kind).toBe('too-large');
      expect(largest).toBeLessThan(MiB);
    });

    it('an RRset length of 0xffffffff and a record count of 0xffffffff are refused without allocating', async () => {
      const valid = rawZone(new Rng(5));
      const headerLength = valid.readUInt32BE(4) === 1 ? 24 : 12;
      for (const [offset, value] of [
        [headerLength, HUGE],
        [headerLength, 0x7fff_ffff],
        [headerLength + 14, HUGE],
      ] as const) {
        const file = Buffer.from(valid);
        file.writeUInt32BE(value, offset);
        const path = join(dir, `lie-${offset}-${value}.raw`);
        writeFileSync(path, file);
        let result: Awaited<ReturnType<typeof readZoneFileSerial>> | undefined;
        const largest = await largestAllocation(async () => {
          result = await readZoneFileSerial(path, { origin: 'example.test', format: 'raw' });
        });
        expect(result?.isErr() && result.error).toBeInstanceOf(ZoneFileError);
        expect(result?.isErr() && result.error.kind).toBe('bad-raw');
        expect(largest).toBeLessThan(MiB);
      }
    });
  });
});

describe('isccc nesting beyond the limit (CVE-2023-3341 class)', () => {
  it('MAX_DEPTH levels decode; one more is a typed too-deep error', () => {
    expect(decodeFrame(deepFrame(MAX_DEPTH)).isOk()).toBe(true);
    const deeper = decodeFrame(deepFrame(MAX_DEPTH + 1));
    expect(deeper.isErr() && deeper.error).toBeInstanceOf(FrameError);
    expect(deeper.isErr() && deeper.error.kind).toBe('too-deep');
  });

  it('100 000 nested tables or lists: a typed error, not a stack overflow', () => {
    for (const list of [false, true]) {
      const frame = deepFrame(100_000, list);
      let decoded: ReturnType<typeof decodeFrame> | undefined;
      expect(() => {
        decoded = decodeFrame(frame);
      }).not.toThrow();
      expect(decoded?.isErr() && decoded.error).toBeInstanceOf(FrameError);
      expect(decoded?.isErr() && decoded.error.kind).toBe('too-deep');
      const reply = decodeControlReply(MD5_KEY, frame, { serial: 1, nonce: undefined });
      expect(reply.isErr() && reply.error.kind).toBe('malformed');
    }
  });
});
