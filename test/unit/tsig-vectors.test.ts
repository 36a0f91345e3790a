// The captured nsupdate ⇄ named 9.18 exchange of research/update-tsig.md §5.2, byte for byte.
import { describe, expect, it } from 'vitest';
import { Key } from '../../src/keys/key.js';
import { decodeReply } from '../../src/update/message.js';
import {
  encodeTsigRecord,
  minimumMacLength,
  signRequest,
  type TsigRecord,
  verifyResponse,
} from '../../src/update/tsig.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const key = Key.from({
  name: 'upd-key',
  algorithm: 'hmac-sha256',
  secret: 'bA2G3O6Y46vGBIShS/COVRCFe/6J+jB0ZhXYCdvewn4=',
}).unwrap();
const TIME = 1795542477;

// nsupdate's request before signing (it compresses the owner: 03 77 77 77 c0 0c).
const unsigned = hex(`757a28000001000000010000 076578616d706c650474657374000006000103777777c00c
  000100010000012c0004c0000201`);
const requestMac = hex('9cdfa376a899cab87515a4c8e4624616cb6aa0ae413c07ffb2347f043d81de4c');
const tsigRdataTail = (mac: Buffer) =>
  Buffer.concat([
    hex(
      '077570642d6b657900 00fa 00ff 00000000 003d 0b686d61632d73686132353600 00006b05cdcd 012c 0020',
    ),
    mac,
    hex('757a 0000 0000'),
  ]);
const response = Buffer.concat([
  hex('757aa800000100000000 0001 076578616d706c6504746573740000060001'),
  tsigRdataTail(hex('3bcd9fdb3b1cb61e792c808b2e0780b866f2954ba2832c19446a120cca39cea0')),
]);

describe('TSIG against the captured nsupdate exchange', () => {
  it('signs the request exactly as nsupdate did (130 bytes, same MAC)', () => {
    const signed = signRequest(unsigned, key, { time: TIME })!;
    expect(signed.mac.equals(requestMac)).toBe(true);
    expect(signed.message.length).toBe(130);
    const expected = Buffer.concat([unsigned, tsigRdataTail(requestMac)]);
    expected.writeUInt16BE(1, 10);
    expect(signed.message.toString('hex')).toBe(expected.toString('hex'));
  });

  it("verifies named's response with the request MAC", () => {
    expect(response.length).toBe(110);
    const reply = decodeReply(response).unwrap();
    expect(reply.header).toMatchObject({ id: 30074, isResponse: true, opcode: 5, rcode: 0 });
    const verdict = verifyResponse(response, reply.tsig, key, requestMac, TIME + 10);
    expect(verdict.kind).toBe('verified');
  });

  it('refuses the response under another request MAC, another key, a flipped byte or a late clock', () => {
    const reply = decodeReply(response).unwrap();
    const otherMac = Buffer.from(requestMac);
    otherMac[0] = otherMac[0]! ^ 1;
    expect(verifyResponse(response, reply.tsig, key, otherMac, TIME).kind).toBe('bad-mac');
    const otherKey = Key.from({
      name: 'upd-key',
      algorithm: 'hmac-sha256',
      secret: Buffer.alloc(32).toString('base64'),
    }).unwrap();
    expect(verifyResponse(response, reply.tsig, otherKey, requestMac, TIME).kind).toBe('bad-mac');
    const sha512 = Key.from({
      name: 'upd-key',
      algorithm: 'hmac-sha512',
      secret: Buffer.alloc(64).toString('base64'),
    }).unwrap();
    expect(verifyResponse(response, reply.tsig, sha512, requestMac, TIME).kind).toBe('wrong-key');
    // Bytes 0-1 (the ID) are outside the MAC by design — the Original ID stands in for it
    // (RFC 8945 §4.3.1) — and the client matches the ID itself. Every other byte is covered.
    for (let offset = 2; offset < response.length; offset++) {
      const tampered = Buffer.from(response);
      tampered[offset] = tampered[offset]! ^ 0x01; // (0x20 would only change letter case, which names ignore)
      const decoded = decodeReply(tampered);
      if (decoded.isErr()) continue;
      expect(
        verifyResponse(tampered, decoded.value.tsig, key, requestMac, TIME).kind,
        `offset ${offset}`,
      ).not.toBe('verified');
    }
    expect(verifyResponse(response, reply.tsig, key, requestMac, TIME + 301).kind).toBe('bad-time');
  });

  it('truncates the MAC for BIND-style truncated keys and keeps the plain algorithm name', () => {
    const truncated = Key.from({
      name: 'upd-key',
      algorithm: 'hmac-sha256-128',
      secret: 'bA2G3O6Y46vGBIShS/COVRCFe/6J+jB0ZhXYCdvewn4=',
    }).unwrap();
    const signed = signRequest(unsigned, truncated, { time: TIME })!;
    expect(signed.mac.equals(requestMac.subarray(0, 16))).toBe(true);
    expect(signed.message.includes(hex('0b686d61632d73686132353600'))).toBe(true);
    expect(signed.message.length).toBe(130 - 16);
  });
});

describe('RFC 8945 §5.4 on forged variants of the captured response', () => {
  const reply = decodeReply(response).unwrap();
  const tsigStart = reply.tsig!.start;
  /** The captured response with its TSIG replaced by `tsig` (fields not given: the original's). */
  const forged = (changes: Partial<TsigRecord>) => {
    const record = { ...reply.tsig!.record, ...changes };
    const bytes = Buffer.concat([response.subarray(0, tsigStart), encodeTsigRecord(record)]);
    const decoded = decodeReply(bytes).unwrap();
    return { bytes, tsig: decoded.tsig };
  };
  const verdict = (changes: Partial<TsigRecord>, k = key, mac = requestMac) => {
    const { bytes, tsig } = forged(changes);
    return verifyResponse(bytes, tsig, k, mac, TIME, 30074);
  };

  it('the genuine response passes every check, Original ID included', () => {
    const v = verifyResponse(response, reply.tsig, key, requestMac, TIME, 30074);
    expect(v).toMatchObject({
      kind: 'verified',
      checks: ['key', 'mac-length', 'mac', 'time', 'original-id'],
    });
    expect(verifyResponse(response, reply.tsig, key, requestMac, TIME, 30075).kind).toBe(
      'wrong-original-id',
    );
  });

  it('an empty MAC is only an unsigned BADSIG/BADKEY; with any other error (0 included) it is a forgery', () => {
    for (let error = 0; error <= 23; error++) {
      const kind = verdict({ mac: Buffer.alloc(0), error }).kind;
      expect(kind, `TSIG error ${error}`).toBe(
        error === 16 || error === 17 ? 'unsigned-error' : 'empty-mac',
      );
    }
  });

  it('MAC lengths: a plain key takes only the full digest; BIND truncated keys their bits or more', () => {
    for (const length of [1, 8, 9, 10, 15, 16, 31, 33, 64]) {
      expect(verdict({ mac: Buffer.alloc(length, 1) }).kind, `${length}`).toBe('bad-truncation');
    }
    const truncated = Key.from({
      name: 'upd-key',
      algorithm: 'hmac-sha256-128',
      secret: 'bA2G3O6Y46vGBIShS/COVRCFe/6J+jB0ZhXYCdvewn4=',
    }).unwrap();
    expect(minimumMacLength(truncated)).toBe(16);
    expect(minimumMacLength(key)).toBe(32);
    // A 15-byte MAC for a -128 key is below its bits: BADTRUNC, whatever the bytes.
    expect(verdict({ mac: Buffer.alloc(15, 1) }, truncated, requestMac.subarray(0, 16)).kind).toBe(
      'bad-truncation',
    );
    const md5 = Key.from({
      name: 'upd-key',
      algorithm: 'hmac-md5-80',
      secret: 'bA2G3O6Y46vGBIShS/COVRCFe/6J+jB0ZhXYCdvewn4=',
    });
    // RFC 8945 §5.2.2.1: never below 10 bytes nor half the digest.
    if (md5.isOk()) expect(minimumMacLength(md5.value)).toBeGreaterThanOrEqual(10);
  });

  it('a signed reply outside the fudge is rejected, whatever its error', () => {
    expect(verifyResponse(response, reply.tsig, key, requestMac, TIME + 301, 30074).kind).toBe(
      'bad-time',
    );
    expect(verifyResponse(response, reply.tsig, key, requestMac, TIME - 301, 30074).kind).toBe(
      'bad-time',
    );
  });
});
