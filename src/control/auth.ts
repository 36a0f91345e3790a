/**
 * `_auth`: the HMAC that signs every control-channel message (`sign()`/`verify()` in BIND's
 * lib/isccc/cc.c).
 *
 * The MAC covers the serialised top-level entries after `_auth` (i.e. `_ctrl` and `_data`).
 * hmac-md5 puts the first 22 base64 characters (padding cut off) in `hmd5`; every sha variant puts
 * one algorithm byte, then the padded base64, then NULs up to 88 bytes, in `hsha` (89 bytes).
 * Both ends compare the fixed-width field byte for byte, padding included.
 */
import { timingSafeEqual } from 'node:crypto';
import type { HmacAlgorithm, Key } from '../keys/key.js';
import { type IsccTable, isBinary, isTable } from './codec.js';

/** BIND's DST algorithm numbers, sent as the first byte of `hsha` (cc.h / dst.h). */
export const CONTROL_ALGORITHM_ID: Readonly<Record<Exclude<HmacAlgorithm, 'hmac-md5'>, number>> = {
  'hmac-sha1': 161,
  'hmac-sha224': 162,
  'hmac-sha256': 163,
  'hmac-sha384': 164,
  'hmac-sha512': 165,
};

const MD5_FIELD_LENGTH = 22;
const SHA_FIELD_LENGTH = 89;

/** The `_auth` field name and its fixed-width value for `key` over `signed`. */
function authField(key: Key, signed: Buffer): { name: 'hmd5' | 'hsha'; value: Buffer } {
  const base64 = key.hmac(signed).toString('base64');
  if (key.algorithm === 'hmac-md5') {
    return { name: 'hmd5', value: Buffer.from(base64.slice(0, MD5_FIELD_LENGTH), 'ascii') };
  }
  const value = Buffer.alloc(SHA_FIELD_LENGTH);
  value[0] = CONTROL_ALGORITHM_ID[key.algorithm];
  value.write(base64, 1, 'ascii');
  return { name: 'hsha', value };
}

/**
 * The complete serialised `_auth` entry (key, type, length, inner table) that must come first in
 * the frame: 43 bytes for md5, 110 for the sha algorithms.
 */
export function encodeAuthEntry(key: Key, signed: Buffer): Buffer {
  const { name, value } = authField(key, signed);
  const inner = Buffer.concat([
    Buffer.from([name.length]),
    Buffer.from(name, 'ascii'),
    Buffer.from([0x01, 0, 0, 0, 0]),
    value,
  ]);
  inner.writeUInt32BE(value.length, 1 + name.length + 1);
  const outer = Buffer.from([5, 0x5f, 0x61, 0x75, 0x74, 0x68, 0x02, 0, 0, 0, 0]); // "_auth", TABLE
  outer.writeUInt32BE(inner.length, 7);
  return Buffer.concat([outer, inner]);
}

/** Why a reply's `_auth` did not verify; never includes the expected or received MAC. */
export type AuthFailure =
  | 'not-first'
  | 'missing-field'
  | 'wrong-length'
  | 'wrong-algorithm'
  | 'mac-mismatch';

/**
 * Checks the `_auth` table of a decoded frame against `key`, the way named and rndc do it:
 * exact field width, algorithm byte, constant-time compare of the whole field.
 * `signedRegion` is undefined when `_auth` was not the first key.
 */
export function verifyAuth(
  key: Key,
  auth: IsccTable | undefined,
  signedRegion: Buffer | undefined,
): AuthFailure | undefined {
  if (!signedRegion || !isTable(auth)) return 'not-first';
  const expected = authField(key, signedRegion);
  const received = auth.get(expected.name);
  if (!isBinary(received)) return 'missing-field';
  if (received.length !== expected.value.length) return 'wrong-length';
  if (expected.name === 'hsha' && received[0] !== expected.value[0]) return 'wrong-algorithm';
  return timingSafeEqual(received, expected.value) ? undefined : 'mac-mismatch';
}
