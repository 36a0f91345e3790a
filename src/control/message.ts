/**
 * Control-channel messages: building signed requests and reading replies
 * (lib/isccc/cc.c and bin/named/controlconf.c in BIND). Pure: the caller supplies serial, time and nonce.
 */

import type { Key } from '../keys/key.js';
import { Err, Ok, type Result } from '../result.js';
import { type AuthFailure, encodeAuthEntry, verifyAuth } from './auth.js';
import {
  decodeFrame,
  encodeTableBody,
  FrameError,
  frameBody,
  type IsccTable,
  isTable,
  MAX_REQUEST_LENGTH,
  table,
  textOf,
} from './codec.js';

/**
 * Lifetime we give a request. rndc uses 60 s, which fails with "expired" once the client clock is
 * more than 60 s behind named's; 300 s matches named's ±300 s window for `_tim` (controlconf.c),
 * so a slow clock fails only where a fast one would.
 */
export const REQUEST_LIFETIME_SECONDS = 300;

/** What goes into one request's `_ctrl`. */
export interface RequestControl {
  /** Serial, unique per message (named's duplicate table is keyed on `_ser` and `_tim`). */
  readonly serial: number;
  /** Unix time in seconds. */
  readonly time: number;
  /** The connection's nonce; absent for the first message of a connection. */
  readonly nonce?: string | undefined;
  /** `_exp - _tim`; defaults to {@link REQUEST_LIFETIME_SECONDS} (rndc itself uses 60). */
  readonly lifetimeSeconds?: number;
}

/** Encodes a signed request frame for the command line `command`. */
export function encodeRequest(
  key: Key,
  control: RequestControl,
  command: string,
): Result<Buffer, FrameError> {
  const ctrl = table([
    ['_ser', control.serial],
    ['_tim', control.time],
    ['_exp', control.time + (control.lifetimeSeconds ?? REQUEST_LIFETIME_SECONDS)],
  ]);
  if (control.nonce !== undefined) ctrl.set('_nonce', Buffer.from(control.nonce, 'ascii'));
  const signed = encodeTableBody(
    table([
      ['_ctrl', ctrl],
      ['_data', table([['type', command]])],
    ]),
  );
  if (signed.isErr()) return signed;
  const frame = frameBody(Buffer.concat([encodeAuthEntry(key, signed.value), signed.value]));
  if (frame.length - 4 > MAX_REQUEST_LENGTH) {
    return Err(
      new FrameError(
        'encode',
        `request of ${frame.length - 4} bytes exceeds named's limit of ${MAX_REQUEST_LENGTH} bytes`,
      ),
    );
  }
  return Ok(frame);
}

/** A verified reply. */
export interface Reply {
  /** `_data.type`: the command echoed (may be truncated by named, e.g. `stop -p` → `stop`). */
  readonly type: string | undefined;
  /** `_data.result` as a number; -1 when absent (rndc prints `NONE -1`). */
  readonly result: number;
  /** `_data.err`, present when `result` is not 0. */
  readonly err: string | undefined;
  /** `_data.text`, present when the command produced output. */
  readonly text: string | undefined;
  /** `_ctrl._nonce`. */
  readonly nonce: string | undefined;
  /** `_ctrl._tim`, named's clock, unix seconds. */
  readonly serverTime: number | undefined;
  /** The whole decoded `_data` table, for fields a future BIND may add. */
  readonly data: IsccTable;
}

/** Why a reply was refused. */
export type ReplyFailure =
  | { readonly kind: 'malformed'; readonly error: FrameError }
  | { readonly kind: 'auth'; readonly reason: AuthFailure }
  | { readonly kind: 'not-a-reply' }
  | { readonly kind: 'serial-mismatch'; readonly expected: number; readonly received: string }
  | { readonly kind: 'nonce-mismatch' }
  | { readonly kind: 'missing-data' };

/** What a reply must match: the request it answers. */
export interface ReplyExpectation {
  readonly serial: number;
  /** The connection's nonce; undefined while it is being established (the handshake). */
  readonly nonce: string | undefined;
}

/**
 * Decodes and verifies a reply frame: MAC with our key, `_rpl` = "1", `_ser` echoed, and the
 * connection's nonce (or, for the handshake, a non-zero nonce). A reply that fails any check is
 * a failure value, never data.
 */
export function decodeReply(
  key: Key,
  frame: Buffer,
  expect: ReplyExpectation,
): Result<Reply, ReplyFailure> {
  const decoded = decodeFrame(frame);
  if (decoded.isErr()) return Err({ kind: 'malformed', error: decoded.error });
  const { message, signedRegion } = decoded.value;
  const authFailure = verifyAuth(key, asTable(message.get('_auth')), signedRegion);
  if (authFailure) return Err({ kind: 'auth', reason: authFailure });
  const ctrl = asTable(message.get('_ctrl'));
  const data = asTable(message.get('_data'));
  if (!ctrl || textOf(ctrl.get('_rpl')) !== '1') return Err({ kind: 'not-a-reply' });
  const serial = textOf(ctrl.get('_ser'));
  if (serial === undefined || parseDecimal(serial) !== expect.serial) {
    return Err({ kind: 'serial-mismatch', expected: expect.serial, received: serial ?? '(none)' });
  }
  const nonce = textOf(ctrl.get('_nonce'));
  const nonceValue = nonce === undefined ? undefined : parseDecimal(nonce);
  const nonceOk =
    expect.nonce === undefined
      ? nonceValue !== undefined && nonceValue !== 0
      : nonceValue !== undefined && nonceValue === parseDecimal(expect.nonce);
  if (!nonceOk) return Err({ kind: 'nonce-mismatch' });
  if (!data) return Err({ kind: 'missing-data' });
  const resultText = textOf(data.get('result'));
  const result = resultText === undefined ? -1 : (parseDecimal(resultText) ?? -1);
  const time = textOf(ctrl.get('_tim'));
  return Ok({
    type: textOf(data.get('type')),
    result,
    err: textOf(data.get('err')),
    text: textOf(data.get('text')),
    nonce,
    serverTime: time === undefined ? undefined : parseDecimal(time),
    data,
  });
}

function asTable(value: unknown): IsccTable | undefined {
  return isTable(value as never) ? (value as IsccTable) : undefined;
}

/** Parses a uint32 written as decimal ASCII, strictly; undefined for anything else. */
function parseDecimal(text: string): number | undefined {
  if (!/^\d{1,10}$/.test(text)) return undefined;
  const value = Number(text);
  return value <= 0xffff_ffff ? value : undefined;
}
