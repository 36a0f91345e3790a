// The captured exchanges of research/rndc-protocol.md §1.6 and §10.2, byte for byte.
import { describe, expect, it } from 'vitest';
import { decodeFrame, textOf } from '../../src/control/codec.js';
import { decodeReply, encodeRequest } from '../../src/control/message.js';
import { Key } from '../../src/keys/key.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

const md5Key = Key.from({
  name: 'md5key',
  algorithm: 'hmac-md5',
  secret: 'k3IkV1RhL4zsMLxyFeNRuQ==',
}).unwrap();
const sha256Key = Key.from({
  name: 'sha256key',
  algorithm: 'hmac-sha256',
  secret: '/UzeY18XcTEMmsnyynNfr4Vo/4Z1cQvBTvDCA5eI0HY=',
}).unwrap();

const md5NullRequest = hex(`
0000008f00000001055f61757468020000002004686d643501000000166b5669326b633445534b69737551744d36774b7a2f51
055f6374726c020000003c045f736572010000000a33393836373034383538045f74696d010000000a31373935353432343135
045f657870010000000a31373935353432343735055f64617461020000000e047479706501000000046e756c6c`);

const md5NullReply = hex(`
000000bd00000001055f61757468020000002004686d643501000000164a575136584c4b48375463576343666d587166616d51
055f6374726c020000005d045f736572010000000a33393836373034383538045f74696d010000000a31373935353432343135
045f657870010000000a31373935353432343735045f72706c010000000131065f6e6f6e6365010000000a31393232393438
373235055f64617461020000001b047479706501000000046e756c6c06726573756c74010000000130`);

const sha256NullRequest = hex(`
000000d000000001055f61757468020000006304687368610100000059a34d4473316d77557a4a67372f66772f3679423238
314e70315a495a3072563834346d4866593669796e65673d000000000000000000000000000000000000000000000000000000
0000000000000000000000000000000000055f6374726c020000003a045f73657201000000083535343032303833045f74696d
010000000a31373935353432343135045f657870010000000a31373935353432343735055f64617461020000000e04747970
6501000000046e756c6c`);

describe('captured rndc exchanges', () => {
  it('reproduces the hmac-md5 null request exactly (§1.6)', () => {
    const frame = encodeRequest(
      md5Key,
      { serial: 3986704858, time: 1795542415, lifetimeSeconds: 60 },
      'null',
    ).unwrap();
    expect(frame.length).toBe(147);
    expect(frame.equals(md5NullRequest)).toBe(true);
  });

  it('verifies the hmac-md5 handshake reply and reads the nonce (§10.2a)', () => {
    const reply = decodeReply(md5Key, md5NullReply, {
      serial: 3986704858,
      nonce: undefined,
    }).unwrap();
    expect(reply).toMatchObject({
      type: 'null',
      result: 0,
      nonce: '1922948725',
      serverTime: 1795542415,
    });
    expect(reply.err).toBeUndefined();
    expect(reply.text).toBeUndefined();
  });

  it('reproduces the hmac-sha256 null request exactly (§10.2b)', () => {
    const frame = encodeRequest(
      sha256Key,
      { serial: 55402083, time: 1795542415, lifetimeSeconds: 60 },
      'null',
    ).unwrap();
    expect(frame.length).toBe(212);
    expect(frame.equals(sha256NullRequest)).toBe(true);
  });

  it('produces the captured hsha field of the sha256 status request (§10.2b #2)', () => {
    const frame = encodeRequest(
      sha256Key,
      { serial: 55402084, time: 1795542415, lifetimeSeconds: 60, nonce: '2333753146' },
      'status',
    ).unwrap();
    expect(frame.length).toBe(236);
    expect(frame[0x1d]).toBe(0xa3);
    expect(frame.subarray(0x1e, 0x1e + 44).toString('ascii')).toBe(
      'eTrp1RNYgLdAGFJ1I4MJ/yceeL/tmLuY4HoH4xESHDw=',
    );
    expect(frame.subarray(0x4a, 0x76).every((b) => b === 0)).toBe(true);
    const decoded = decodeFrame(frame).unwrap();
    const ctrl = decoded.message.get('_ctrl') as Map<string, Buffer>;
    expect(textOf(ctrl.get('_nonce'))).toBe('2333753146');
    expect(decoded.signedRegion?.length).toBe(236 - 0x76);
  });

  it('rejects the md5 reply under the wrong key, serial or nonce expectation', () => {
    expect(
      decodeReply(sha256Key, md5NullReply, { serial: 3986704858, nonce: undefined }).isErr(),
    ).toBe(true);
    const otherMd5 = Key.from({
      name: 'x',
      algorithm: 'hmac-md5',
      secret: 'AAAAAAAAAAAAAAAAAAAAAA==',
    }).unwrap();
    expect(
      decodeReply(otherMd5, md5NullReply, { serial: 3986704858, nonce: undefined }).unwrapErr(),
    ).toEqual({
      kind: 'auth',
      reason: 'mac-mismatch',
    });
    expect(
      decodeReply(md5Key, md5NullReply, { serial: 1, nonce: undefined }).unwrapErr(),
    ).toMatchObject({
      kind: 'serial-mismatch',
    });
    expect(
      decodeReply(md5Key, md5NullReply, { serial: 3986704858, nonce: '5' }).unwrapErr(),
    ).toEqual({
      kind: 'nonce-mismatch',
    });
  });

  it('treats a request as not-a-reply', () => {
    expect(
      decodeReply(md5Key, md5NullRequest, { serial: 3986704858, nonce: undefined }).unwrapErr(),
    ).toEqual({
      kind: 'not-a-reply',
    });
  });
});
