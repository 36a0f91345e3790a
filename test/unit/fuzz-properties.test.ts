// Property tests (fast-check) over the fuzz targets' structure-aware generators and oracles, plus
// properties the existing unit tests did not cover: nsupdate scripts, key strings and K* pairs,
// chunked named-log parsing, isccc decode/encode stability, and every truncation and bit flip of
// the captured exchanges (research/rndc-protocol.md §10.2, research/update-tsig.md §5.2).

import { rmSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSeeds } from '../../fuzz/lib/corpus.js';
import { hashString, Rng } from '../../fuzz/lib/rng.js';
import { buildReply, KEY, REQUEST_MAC, TIME } from '../../fuzz/targets/dns-reply.js';
import { targets } from '../../fuzz/targets/index.js';
import { MD5_KEY, SHA256_KEY } from '../../fuzz/targets/isccc.js';
import { logText } from '../../fuzz/targets/named-log.js';
import { nsupdateScript } from '../../fuzz/targets/nsupdate.js';
import { zoneFuzzDir } from '../../fuzz/targets/zonefile-serial.js';
import {
  decodeFrame,
  decodeTableBody,
  encodeTableBody,
  FrameError,
  table,
} from '../../src/control/codec.js';
import { decodeReply as decodeControlReply } from '../../src/control/message.js';
import { NamedLogParser, parseNamedLog } from '../../src/dump/log.js';
import { ConfigError } from '../../src/errors.js';
import { HMAC_ALGORITHMS } from '../../src/keys/key.js';
import { parseKeyString } from '../../src/keys/keyfile.js';
import { parseDnssecKeyPairText } from '../../src/keys/nsupdate-key.js';
import { decodeReply, MessageError } from '../../src/update/message.js';
import { NsupdateSyntaxError, parseNsupdateScript } from '../../src/update/nsupdate-parse.js';
import { verifyResponse } from '../../src/update/tsig.js';

// The zonefile-serial target writes its inputs to a temporary directory.
afterAll(() => {
  const dir = zoneFuzzDir();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('every fuzz target, driven by fast-check', () => {
  for (const target of targets) {
    const seeds = loadSeeds(target.name);
    it(`${target.name}: generated and mutated inputs end in a value or a typed error`, async () => {
      await target.setup?.();
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 31 - 1 }), async (seed) => {
          const input = target.generate(new Rng(seed, hashString(target.name)), seeds);
          expect(['ok', 'err']).toContain(await target.run(input));
        }),
        { numRuns: target.name === 'zonefile-serial' ? 150 : 400 },
      );
    });
  }
});

describe('isccc', () => {
  it('regression: a key with bytes above 0x7f decodes and re-encodes to the same bytes', () => {
    // fuzz/regressions/isccc/251942f7…: the key was read as Latin-1 and written as UTF-8.
    const frame = hex('00000019 00000001 05 58ffffffff 01 0000000a 31393232393438373235');
    const decoded = decodeFrame(frame).unwrap();
    const body = encodeTableBody(decoded.message).unwrap();
    expect(body.equals(frame.subarray(8))).toBe(true);
    // A 200-byte key of 0xff bytes is 400 bytes of UTF-8: it must still re-encode.
    const long = Buffer.concat([
      Buffer.from([200]),
      Buffer.alloc(200, 0xff),
      Buffer.from([1, 0, 0, 0, 0]),
    ]);
    expect(encodeTableBody(decodeTableBody(long).unwrap()).unwrap().equals(long)).toBe(true);
    // What the wire cannot carry is an encode error, not silently other bytes.
    const wide = encodeTableBody(table([['€', 'x']]));
    expect(wide.isErr() && wide.error).toBeInstanceOf(FrameError);
  });

  it('decode → encode → decode is stable for any bytes that decode', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const decoded = decodeTableBody(Buffer.from(bytes));
        if (decoded.isErr()) return;
        const once = encodeTableBody(decoded.value).unwrap();
        const twice = encodeTableBody(decodeTableBody(once).unwrap()).unwrap();
        expect(twice.equals(once)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('every truncation of the captured frames is a typed error; no flipped bit verifies', () => {
    const captured = loadSeeds('isccc').filter((seed) => decodeFrame(seed).isOk());
    expect(captured.length).toBeGreaterThanOrEqual(3);
    for (const frame of captured) {
      for (let cut = 0; cut < frame.length; cut++) {
        const decoded = decodeFrame(frame.subarray(0, cut));
        expect(decoded.isErr() && decoded.error).toBeInstanceOf(FrameError);
      }
    }
    // research §10.2(a) reply #1 verifies with the md5 key; no single flipped bit does.
    const reply = captured.find((f) =>
      decodeControlReply(MD5_KEY, f, { serial: 3986704858, nonce: undefined }).isOk(),
    );
    expect(reply).toBeDefined();
    for (let bit = 0; bit < reply!.length * 8; bit++) {
      const flipped = Buffer.from(reply!);
      flipped[bit >> 3] = flipped[bit >> 3]! ^ (1 << (bit & 7));
      for (const key of [MD5_KEY, SHA256_KEY]) {
        expect(
          decodeControlReply(key, flipped, { serial: 3986704858, nonce: undefined }).isOk(),
        ).toBe(false);
      }
    }
  });
});

describe('dns-reply', () => {
  const [, response] = loadSeeds('dns-reply');

  it('the captured response verifies; every truncation is a MessageError', () => {
    const decoded = decodeReply(response!).unwrap();
    expect(verifyResponse(response!, decoded.tsig, KEY, REQUEST_MAC, TIME).kind).toBe('verified');
    for (let cut = 0; cut < response!.length; cut++) {
      const cutDecoded = decodeReply(response!.subarray(0, cut));
      expect(cutDecoded.isErr() && cutDecoded.error).toBeInstanceOf(MessageError);
    }
  });

  it('no single flipped bit of the captured response verifies, except in the bytes the MAC does not cover', () => {
    // Not covered by design (RFC 8945 §4.3): the header ID (replaced by Original ID) and the
    // MAC size + MAC themselves (a changed MAC fails on its own); the key name's case (canonical).
    for (let bit = 0; bit < response!.length * 8; bit++) {
      const flipped = Buffer.from(response!);
      flipped[bit >> 3] = flipped[bit >> 3]! ^ (1 << (bit & 7));
      const decoded = decodeReply(flipped);
      if (decoded.isErr()) continue;
      const verdict = verifyResponse(flipped, decoded.value.tsig, KEY, REQUEST_MAC, TIME).kind;
      const byte = bit >> 3;
      const idBytes = byte < 2;
      const caseBit = (bit & 7) === 5 && /[a-z]/i.test(String.fromCharCode(response![byte]!));
      if (verdict === 'verified')
        expect(idBytes || caseBit, `bit ${bit} (byte ${byte})`).toBe(true);
    }
  });
});

describe('dns-reply: no forgery', () => {
  it('a generated signed reply with any single bit flipped verifies only where the MAC allows', () => {
    // Not covered by design (RFC 8945 §4.3): the header ID (Original ID is used instead) and the
    // case of the key and algorithm names (the MAC input has their canonical, lowercase form).
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.nat(), (seed, bitSeed) => {
        const reply = buildReply(new Rng(seed));
        const decoded = decodeReply(reply);
        if (decoded.isErr() || !decoded.value.tsig) return;
        if (verifyResponse(reply, decoded.value.tsig, KEY, REQUEST_MAC, TIME).kind !== 'verified')
          return;
        const tsig = decoded.value.sections[2].at(-1)!;
        const ownerEnd = tsig.rdataOffset - 10;
        const algorithmEnd = tsig.rdataOffset + decoded.value.tsig.record.algorithm.toWire().length;
        const caseOnly = (byte: number, bit: number) =>
          bit === 5 &&
          /[a-z]/i.test(String.fromCharCode(reply[byte]!)) &&
          ((byte >= tsig.start && byte < ownerEnd) ||
            (byte >= tsig.rdataOffset && byte < algorithmEnd));
        for (let i = 0; i < 64; i++) {
          const position = (bitSeed + i * 7919) % (reply.length * 8);
          const byte = position >> 3;
          const bit = position & 7;
          const flipped = Buffer.from(reply);
          flipped[byte] = flipped[byte]! ^ (1 << bit);
          const again = decodeReply(flipped);
          if (again.isErr()) continue;
          const verdict = verifyResponse(flipped, again.value.tsig, KEY, REQUEST_MAC, TIME).kind;
          if (verdict === 'verified')
            expect(byte < 2 || caseOnly(byte, bit), `byte ${byte} bit ${bit}`).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('nsupdate scripts', () => {
  it('never throws; errors are NsupdateSyntaxError with file and line inside the script', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.boolean(), (seed, localOnly) => {
        const script = nsupdateScript(new Rng(seed));
        const parsed = parseNsupdateScript(script, { file: 'p.nsu', localOnly });
        if (parsed.isErr()) {
          expect(parsed.error).toBeInstanceOf(NsupdateSyntaxError);
          expect(parsed.error.message).toMatch(/^p\.nsu:\d+: /);
          const lines = script.split('\n').length;
          expect(parsed.error.line ?? 1).toBeLessThanOrEqual(lines);
        } else {
          for (const command of parsed.value.commands)
            expect(command.line).toBeGreaterThanOrEqual(1);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('an update add keeps the TTL, type and data as written, for any TTL nsupdate accepts', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2147483647 }),
        fc.constantFrom('A 192.0.2.1', 'TXT "a b"', 'MX 10 mail.example.test.', 'AAAA 2001:db8::1'),
        // Host-name labels: check-names (on by default) refuses `a-.example.test.` for A, MX, AAAA.
        fc.stringMatching(/^[a-z]([a-z0-9-]{0,19}[a-z0-9])?$/),
        (ttl, record, label) => {
          const [type, ...data] = record.split(' ');
          const parsed = parseNsupdateScript(
            `update add ${label}.example.test. ${ttl} ${record}\nsend\n`,
          ).unwrap();
          expect(parsed.commands[0]).toMatchObject({
            kind: 'update',
            operation: 'add',
            ttl,
            type,
            rdata: data.join(' '),
          });
        },
      ),
      { numRuns: 500 },
    );
  });

  it('every prefix of a typical script ends in a value or a typed error', () => {
    for (const seed of loadSeeds('nsupdate')) {
      const text = seed.toString('utf8');
      for (let cut = 0; cut <= text.length; cut++) {
        const parsed = parseNsupdateScript(text.slice(0, cut));
        if (parsed.isErr()) expect(parsed.error).toBeInstanceOf(NsupdateSyntaxError);
      }
    }
  });
});

describe('keys', () => {
  it('parseKeyString reads any algorithm, name and base64 secret, and never echoes the secret', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...HMAC_ALGORITHMS),
        fc.stringMatching(/^[a-z0-9][a-z0-9.-]{0,30}$/),
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        (algorithm, name, secret) => {
          const base64 = Buffer.from(secret).toString('base64');
          const key = parseKeyString(`${algorithm}:${name}:${base64}`).unwrap();
          expect(key.name).toBe(name);
          expect(key.algorithm).toBe(algorithm);
          const broken = parseKeyString(`${algorithm}:${name}:${base64}!`);
          expect(broken.isErr() && broken.error).toBeInstanceOf(ConfigError);
          expect(broken.isErr() && broken.error.message).not.toContain(base64);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('K* pairs: any mutation of a valid pair is a key or a ConfigError', () => {
    const pub = 'upd-key. IN KEY 512 3 163 bA2G3O6Y46vGBIShS/COVRCFe/6J+jB0ZhXYCdvewn4=\n';
    const priv =
      'Private-key-format: v1.3\nAlgorithm: 163 (HMAC_SHA256)\nKey: bA2G3O6Y46vGBIShS/COVRCFe/6J+jB0ZhXYCdvewn4=\nBits: AAA=\n';
    const files = { key: 'K.key', private: 'K.private' };
    expect(parseDnssecKeyPairText(pub, priv, files).isOk()).toBe(true);
    fc.assert(
      fc.property(
        fc.nat(priv.length),
        fc.nat(pub.length),
        fc.string({ maxLength: 6 }),
        (at, at2, insert) => {
          for (const [p, q] of [
            [pub, priv.slice(0, at) + insert + priv.slice(at)],
            [pub.slice(0, at2) + insert + pub.slice(at2), priv],
            [pub.slice(0, at2), priv.slice(0, at)],
          ] as const) {
            const result = parseDnssecKeyPairText(p, q, files);
            if (result.isErr()) expect(result.error).toBeInstanceOf(ConfigError);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('named log', () => {
  it('parsing in chunks of any sizes gives the same events as parsing the whole text', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 20 }),
        fc.boolean(),
        (seed, sizes, partialLine) => {
          const text = logText(new Rng(seed));
          const reference = new Date('2026-11-25T00:00:00Z');
          const whole = parseNamedLog(partialLine ? text : `${text}\n`, {
            referenceDate: reference,
          });
          const parser = new NamedLogParser({ referenceDate: reference });
          const events = [];
          const input = partialLine ? text : `${text}\n`;
          for (let at = 0, i = 0; at < input.length; i++) {
            const size = sizes[i % sizes.length]!;
            events.push(...parser.push(input.slice(at, at + size)));
            at += size;
          }
          events.push(...parser.end());
          expect(JSON.stringify(events)).toBe(JSON.stringify(whole));
        },
      ),
      { numRuns: 1000 },
    );
  });
});
