/**
 * isccc: control-channel frames — reassembly from a byte stream (FrameAssembler), frame and
 * table decoding (decodeFrame, decodeTableBody) and reply verification (decodeReply: the MAC
 * with the right keys and with a wrong one, `_rpl`, `_ser`, `_nonce`).
 */
import { encodeAuthEntry } from '../../src/control/auth.js';
import {
  decodeFrame,
  decodeTableBody,
  encodeTableBody,
  FrameError,
  frameBody,
  type IsccTable,
  type IsccValue,
  MAX_DEPTH,
  table,
} from '../../src/control/codec.js';
import { FrameAssembler } from '../../src/control/framing.js';
import { decodeReply } from '../../src/control/message.js';
import { Key } from '../../src/keys/key.js';
import { mutate } from '../lib/mutate.js';
import type { Rng } from '../lib/rng.js';
import { ContractViolation, expectTyped, type FuzzTarget, mixed, type Outcome } from './types.js';

// The throw-away keys of research/rndc-protocol.md §1.6 and §10.2(b): captured frames verify.
export const MD5_KEY = Key.from({
  name: 'md5key',
  algorithm: 'hmac-md5',
  secret: 'k3IkV1RhL4zsMLxyFeNRuQ==',
}).unwrap();
export const SHA256_KEY = Key.from({
  name: 'sha256key',
  algorithm: 'hmac-sha256',
  secret: '/UzeY18XcTEMmsnyynNfr4Vo/4Z1cQvBTvDCA5eI0HY=',
}).unwrap();
const WRONG_KEY = Key.from({
  name: 'wrong',
  algorithm: 'hmac-sha512',
  secret: Buffer.alloc(64, 7).toString('base64'),
}).unwrap();

/** Serial and nonce the structured replies carry (and the verifier expects). */
export const SERIAL = 4242;
export const NONCE = '1922948725';

const KEYS = [
  '_auth',
  '_ctrl',
  '_data',
  '_ser',
  '_tim',
  '_exp',
  '_rpl',
  '_nonce',
  'type',
  'result',
  'err',
  'text',
  'hmd5',
  'hsha',
  '',
];

function randomValue(rng: Rng, depth: number): IsccValue {
  const r = rng.int(10);
  if (depth < MAX_DEPTH + 2 && r === 0) return randomTable(rng, depth + 1);
  if (depth < MAX_DEPTH + 2 && r === 1) {
    const items: IsccValue[] = [];
    const n = rng.int(4);
    for (let i = 0; i < n; i++) items.push(randomValue(rng, depth + 1));
    return items;
  }
  if (rng.chance(0.5))
    return Buffer.from(String(rng.pick([0, 1, SERIAL, Number(NONCE), rng.u32()])));
  return rng.bytes(rng.size(64));
}

function randomTable(rng: Rng, depth: number): IsccTable {
  const result: IsccTable = new Map();
  const n = rng.int(5);
  for (let i = 0; i < n; i++) {
    const key = rng.chance(0.8) ? rng.pick(KEYS) : rng.bytes(rng.size(20)).toString('latin1');
    result.set(key, randomValue(rng, depth));
  }
  return result;
}

/**
 * A frame nested `depth` levels deep (the top-level table is level 1), as tables or as lists:
 * the encoder refuses to go past MAX_DEPTH, the wire does not (CVE-2023-3341 class).
 */
export function deepFrame(depth: number, list = false): Buffer {
  // Built in one buffer, outermost header first (linear, even for 100 000 levels).
  const wrap = list ? 5 : 7;
  const innermost = list ? 6 : 8;
  const bodyLength = (list ? 2 : 0) + (depth - 1) * wrap + innermost;
  const frame = Buffer.alloc(8 + bodyLength);
  frame.writeUInt32BE(bodyLength + 4, 0);
  frame.writeUInt32BE(1, 4);
  let at = 8;
  if (list) {
    frame[at++] = 1;
    frame[at++] = 0x6c; // "l"
  }
  for (let level = 1; level < depth; level++) {
    const rest = (depth - 1 - level) * wrap + innermost;
    if (list) {
      frame[at] = 0x03;
      frame.writeUInt32BE(rest, at + 1);
    } else {
      frame[at] = 1;
      frame[at + 1] = 0x74; // "t"
      frame[at + 2] = 0x02;
      frame.writeUInt32BE(rest, at + 3);
    }
    at += wrap;
  }
  if (list) Buffer.from([1, 0, 0, 0, 1, 0x78]).copy(frame, at);
  else Buffer.from([1, 0x61, 0x01, 0, 0, 0, 1, 0x78]).copy(frame, at); // "a" = "x"
  return frame;
}

/** A reply signed with `key`, as named would send it; `mess` adds random fields. */
function signedReply(rng: Rng, key: Key): Buffer {
  const ctrl = table([
    ['_ser', rng.chance(0.9) ? SERIAL : rng.u32()],
    ['_tim', 1795542415],
    ['_exp', 1795542475],
  ]);
  if (rng.chance(0.9)) ctrl.set('_rpl', Buffer.from(rng.chance(0.9) ? '1' : '0'));
  if (rng.chance(0.9)) ctrl.set('_nonce', Buffer.from(rng.chance(0.9) ? NONCE : String(rng.u32())));
  const data = table([
    ['type', rng.pick(['null', 'status', 'reload', 'sync'])],
    ['result', rng.pick(['0', '1', '-1', '29', 'x', '99999999999'])],
  ]);
  if (rng.chance(0.3)) data.set('text', Buffer.from(rng.text(300)));
  if (rng.chance(0.2)) data.set('err', Buffer.from(rng.text(40)));
  if (rng.chance(0.2)) data.set(rng.pick(KEYS), randomValue(rng, 2));
  const top: IsccTable = new Map([
    ['_ctrl', ctrl],
    ['_data', data],
  ]);
  if (rng.chance(0.1)) top.set(rng.pick(KEYS), randomValue(rng, 1));
  const body = encodeTableBody(top);
  if (body.isErr()) return frameBody(Buffer.alloc(0));
  return frameBody(Buffer.concat([encodeAuthEntry(key, body.value), body.value]));
}

function structured(rng: Rng): Buffer {
  const r = rng.int(10);
  if (r < 5) return signedReply(rng, rng.chance(0.5) ? MD5_KEY : SHA256_KEY);
  if (r < 6) return deepFrame(rng.range(MAX_DEPTH - 1, MAX_DEPTH + 40), rng.chance(0.3));
  const body = encodeTableBody(randomTable(rng, 1));
  return frameBody(body.isOk() ? body.value : rng.bytes(rng.size(100)));
}

function checkReply(key: Key, frame: Buffer, nonce: string | undefined): Outcome {
  const reply = decodeReply(key, frame, { serial: SERIAL, nonce });
  if (reply.isOk()) {
    if (typeof reply.value.result !== 'number')
      throw new ContractViolation('result is not a number');
    return 'ok';
  }
  const failure = reply.error;
  if (failure.kind === 'malformed') expectTyped(failure.error, FrameError, 'decodeReply');
  else if (typeof failure.kind !== 'string')
    throw new ContractViolation('reply failure without kind');
  return 'err';
}

export const isccc: FuzzTarget = {
  name: 'isccc',
  weight: 30,
  generate(rng, seeds) {
    return mixed(rng, seeds, structured, (r, input, others) => mutate(r, input, others), 600);
  },
  run(input) {
    // Stream reassembly, split into chunks whose sizes depend on the input.
    const assembler = new FrameAssembler(64 * 1024);
    const frames: Buffer[] = [];
    let step = (input.length % 13) + 1;
    for (let at = 0; at < input.length; ) {
      const pushed = assembler.push(input.subarray(at, at + step));
      at += step;
      if (!pushed.ok) {
        if (pushed.reason !== 'too-large' && pushed.reason !== 'bad-length') {
          throw new ContractViolation(`unknown assembler failure ${String(pushed.reason)}`);
        }
        break;
      }
      frames.push(...pushed.frames);
      step = ((step * 7 + 3) % 29) + 1;
    }
    // The same stream pushed in one piece gives the same frames.
    const whole = new FrameAssembler(64 * 1024).push(input);
    if (whole.ok) {
      const a = frames.map((f) => f.toString('hex')).join(',');
      const b = whole.frames.map((f) => f.toString('hex')).join(',');
      if (a !== b)
        throw new ContractViolation('chunked reassembly differs from one-piece reassembly');
    }
    const decoded = decodeFrame(input);
    if (decoded.isErr()) expectTyped(decoded.error, FrameError, 'decodeFrame');
    else {
      // What decodes re-encodes, and the re-encoding decodes to the same message.
      const again = encodeTableBody(decoded.value.message);
      if (again.isErr())
        throw new ContractViolation(`decoded frame does not re-encode: ${again.error.message}`);
      const redecoded = decodeTableBody(again.value);
      if (redecoded.isErr())
        throw new ContractViolation(`re-encoded frame does not decode: ${redecoded.error.message}`);
      const second = encodeTableBody(redecoded.value);
      if (second.isErr() || !second.value.equals(again.value)) {
        throw new ContractViolation('decode/encode is not stable');
      }
    }
    const body = decodeTableBody(input.subarray(Math.min(8, input.length)));
    if (body.isErr()) expectTyped(body.error, FrameError, 'decodeTableBody');
    const outcomes = [
      checkReply(MD5_KEY, input, NONCE),
      checkReply(SHA256_KEY, input, undefined),
      checkReply(WRONG_KEY, input, NONCE),
    ];
    for (const frame of frames.slice(0, 4)) checkReply(SHA256_KEY, frame, NONCE);
    return decoded.isOk() && outcomes.includes('ok') ? 'ok' : decoded.isOk() ? 'ok' : 'err';
  },
};
