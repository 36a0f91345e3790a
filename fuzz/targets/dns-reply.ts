/**
 * dns-reply: what UpdateClient does with a datagram from the server — decodeReply (header,
 * counts, names, RRs, the TSIG RR and its RDATA), verifyResponse (key, algorithm, MAC length
 * rules, MAC, time) for a full-length and a truncated key and for another key, and the SOA
 * MNAME read of zone discovery (decodeName at an RDATA offset).
 */
import { Key } from '../../src/keys/key.js';
import { decodeReply, MessageError } from '../../src/update/message.js';
import { decodeName, Name, NameError, parseName } from '../../src/update/names.js';
import {
  algorithmName,
  encodeTsigRecord,
  keyName,
  macLength,
  minimumMacLength,
  TYPE_TSIG,
  tsigVariables,
  verifyResponse,
} from '../../src/update/tsig.js';
import { mutate } from '../lib/mutate.js';
import type { Rng } from '../lib/rng.js';
import { ContractViolation, expectTyped, type FuzzTarget, mixed, type Outcome } from './types.js';

// research/update-tsig.md §5: the captured exchange's key, time and request MAC.
export const KEY = Key.from({
  name: 'upd-key',
  algorithm: 'hmac-sha256',
  secret: 'bA2G3O6Y46vGBIShS/COVRCFe/6J+jB0ZhXYCdvewn4=',
}).unwrap();
const TRUNCATED_KEY = Key.from({
  name: 'upd-key',
  algorithm: 'hmac-sha256-128',
  secret: 'bA2G3O6Y46vGBIShS/COVRCFe/6J+jB0ZhXYCdvewn4=',
}).unwrap();
const OTHER_KEY = Key.from({
  name: 'other.key.',
  algorithm: 'hmac-md5',
  secret: 'k3IkV1RhL4zsMLxyFeNRuQ==',
}).unwrap();
export const TIME = 1795542477;
export const REQUEST_MAC = Buffer.from(
  '9cdfa376a899cab87515a4c8e4624616cb6aa0ae413c07ffb2347f043d81de4c',
  'hex',
);
const VERDICTS = new Set([
  'verified',
  'unsigned-error',
  'missing',
  'wrong-key',
  'bad-truncation',
  'bad-mac',
  'bad-time',
  'empty-mac',
  'wrong-original-id',
]);

const ZONE = parseName('example.test.', Name.root).unwrap();
const NAMES = [
  'www',
  'a.b.c',
  '*',
  'x\\046y',
  '\\000',
  'upd-key',
  'hmac-sha256',
  'a'.repeat(63),
].map((text) => parseName(text, ZONE).unwrap());

function u16(value: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(value & 0xffff);
  return b;
}

function u32(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(value >>> 0);
  return b;
}

/** An owner name: a pointer to the zone at offset 12, a label + pointer, or uncompressed. */
function owner(rng: Rng, hasQuestion: boolean): Buffer {
  const r = rng.int(5);
  if (hasQuestion && r === 0) return Buffer.from([0xc0, 0x0c]);
  if (hasQuestion && r === 1)
    return Buffer.concat([Buffer.from([3, 0x77, 0x77, 0x77]), Buffer.from([0xc0, 0x0c])]);
  if (r === 2) return Buffer.from([0]);
  return rng.pick([ZONE, ...NAMES]).toWire();
}

function record(rng: Rng, hasQuestion: boolean, type: number): Buffer {
  let rdata: Buffer;
  switch (type) {
    case 6: // SOA: MNAME (maybe compressed), RNAME, five u32
      rdata = Buffer.concat([
        hasQuestion && rng.chance(0.5)
          ? Buffer.from([2, 0x6e, 0x73, 0xc0, 0x0c])
          : rng.pick(NAMES).toWire(),
        rng.pick(NAMES).toWire(),
        u32(rng.u32()),
        u32(3600),
        u32(600),
        u32(86400),
        u32(300),
      ]);
      break;
    case 1:
      rdata = rng.bytes(4);
      break;
    case 16:
      rdata = Buffer.concat([Buffer.from([5]), Buffer.from('hello')]);
      break;
    case 41:
      rdata = Buffer.alloc(0);
      break;
    default:
      rdata = rng.bytes(rng.size(40));
  }
  return Buffer.concat([
    type === 41 ? Buffer.from([0]) : owner(rng, hasQuestion),
    u16(type),
    u16(type === 41 ? 1232 : rng.pick([1, 1, 1, 254, 255, 3])),
    u32(rng.chance(0.8) ? 300 : rng.u32()),
    u16(rdata.length),
    rdata,
  ]);
}

/** A reply like named's, signed with `key` over `requestMac` unless `unsigned`. */
export function buildReply(rng: Rng): Buffer {
  const id = rng.chance(0.5) ? 0x757a : rng.int(0x10000);
  const opcode = rng.chance(0.8) ? 5 : rng.pick([0, 1, 15]);
  const rcode = rng.chance(0.6) ? 0 : rng.int(16);
  let flags = (opcode << 11) | rcode;
  if (rng.chance(0.95)) flags |= 0x8000;
  if (rng.chance(0.05)) flags |= 0x0200;
  const hasQuestion = rng.chance(0.9);
  const question = hasQuestion ? Buffer.concat([ZONE.toWire(), u16(6), u16(1)]) : Buffer.alloc(0);
  const counts = [hasQuestion ? 1 : 0, rng.int(3), rng.int(3), rng.int(2)];
  const records: Buffer[] = [];
  for (let s = 1; s < 4; s++) {
    for (let i = 0; i < counts[s]!; i++) {
      const type = s === 3 && rng.chance(0.5) ? 41 : rng.pick([6, 6, 1, 16, 2, 99, TYPE_TSIG]);
      records.push(record(rng, hasQuestion, type));
    }
  }
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(flags, 2);
  for (const [i, count] of counts.entries()) header.writeUInt16BE(count, 4 + 2 * i);
  const unsigned = Buffer.concat([header, question, ...records]);
  if (rng.chance(0.1)) return unsigned;

  // TSIG: response MAC = HMAC(u16 len(reqMAC) ‖ reqMAC ‖ reply-without-TSIG ‖ variables).
  const key = rng.pick([KEY, KEY, KEY, TRUNCATED_KEY, OTHER_KEY]);
  const requestMac = key === TRUNCATED_KEY ? REQUEST_MAC.subarray(0, 16) : REQUEST_MAC;
  const name = keyName(key)!;
  const algorithm = algorithmName(key.algorithm);
  const error = rng.chance(0.7) ? 0 : rng.pick([16, 17, 18, 22, rng.int(0x10000)]);
  const otherData =
    error === 18 || rng.chance(0.05) ? rng.bytes(rng.pick([6, 6, 0, 1, 12])) : Buffer.alloc(0);
  const time = rng.chance(0.8) ? TIME : rng.pick([0, TIME + 301, TIME - 10_000, 2 ** 48 - 1]);
  const fudge = rng.chance(0.9) ? 300 : rng.int(0x10000);
  const originalId = rng.chance(0.9) ? id : rng.int(0x10000);
  const variables = tsigVariables(name, algorithm, time, fudge, error, otherData);
  let mac = key
    .hmac(Buffer.concat([u16(requestMac.length), requestMac, unsigned, variables]))
    .subarray(0, macLength(key));
  if (rng.chance(0.1)) mac = mac.subarray(0, rng.int(mac.length + 1));
  if (rng.chance(0.05)) mac = Buffer.alloc(0);
  const tsig = encodeTsigRecord({
    keyName: name,
    algorithm,
    timeSigned: time,
    fudge,
    mac,
    originalId,
    error,
    otherData,
  });
  const signed = Buffer.concat([unsigned, tsig]);
  signed.writeUInt16BE(counts[3]! + 1, 10);
  if (rng.chance(0.05)) {
    // The TSIG somewhere else than last: append another record after it.
    const extra = record(rng, hasQuestion, 1);
    signed.writeUInt16BE(counts[3]! + 2, 10);
    return Buffer.concat([signed, extra]);
  }
  return signed;
}

function verify(
  input: Buffer,
  tsig: Parameters<typeof verifyResponse>[1],
  key: Key,
  mac: Buffer,
): void {
  const verdict = verifyResponse(input, tsig, key, mac, TIME, input.readUInt16BE(0));
  if (!VERDICTS.has(verdict.kind)) throw new ContractViolation(`unknown verdict ${verdict.kind}`);
  // RFC 8945 §5.4: nothing with an empty or too short MAC is ever verified, and only BADSIG and
  // BADKEY may come unsigned (§5.3.2).
  if (verdict.kind === 'verified' && verdict.record.mac.length < minimumMacLength(key)) {
    throw new ContractViolation(`verified a ${verdict.record.mac.length}-byte MAC`);
  }
  if (verdict.kind === 'unsigned-error' && ![16, 17].includes(verdict.record.error)) {
    throw new ContractViolation(`unsigned reply with TSIG error ${verdict.record.error} accepted`);
  }
}

export const dnsReply: FuzzTarget = {
  name: 'dns-reply',
  weight: 30,
  generate(rng, seeds) {
    return mixed(rng, seeds, buildReply, (r, input, others) => mutate(r, input, others), 600);
  },
  run(input): Outcome {
    const decoded = decodeReply(input);
    if (decoded.isErr()) {
      expectTyped(decoded.error, MessageError, 'decodeReply');
      return 'err';
    }
    const reply = decoded.value;
    verify(input, reply.tsig, KEY, REQUEST_MAC);
    verify(input, reply.tsig, TRUNCATED_KEY, REQUEST_MAC.subarray(0, 16));
    verify(input, reply.tsig, OTHER_KEY, REQUEST_MAC.subarray(0, 16));
    for (const section of reply.sections) {
      for (const rr of section) {
        if (rr.rdataOffset < 0 || rr.rdataOffset + rr.rdata.length > input.length) {
          throw new ContractViolation('record data outside the message');
        }
        const name = decodeName(input, rr.rdataOffset);
        if (name.isErr()) expectTyped(name.error, NameError, 'decodeName');
      }
    }
    return 'ok';
  },
};
