/**
 * xfr-stream: what a zone transfer client does with the TCP byte stream of an answer — the
 * 2-byte-length framing (FrameReader, fed in input-dependent chunks), then XfrReader message by
 * message: decodeReply, the TSIG chain of RFC 8945 §5.3.1 (signed runs), RCODEs, and the AXFR and
 * IXFR record state machines (differences, serial order, closing SOA), with names and RDATA names
 * decompressed under the bounded decoder (pointer loops). Structured inputs are well-formed signed
 * multi-message AXFR/IXFR streams (built with the test helpers' independent signer), then often
 * truncated, spliced or bit-flipped, or given a compression loop.
 */
import { Key } from '../../src/keys/key.js';
import { compareSerials } from '../../src/serial.js';
import { Name, parseName } from '../../src/update/names.js';
import { FrameReader } from '../../src/update/transport.js';
import { AxfrError } from '../../src/xfr/axfr.js';
import { XfrReader } from '../../src/xfr/reader.js';
import { a, message, rr, StreamSigner, soa } from '../../test/helpers/fake-axfr.js';
import type { FakeRequest } from '../../test/helpers/fake-dns.js';
import { wireName } from '../../test/helpers/fake-dns.js';
import { mutate } from '../lib/mutate.js';
import type { Rng } from '../lib/rng.js';
import { ContractViolation, expectTyped, type FuzzTarget, mixed, type Outcome } from './types.js';

const ZONE_TEXT = 'xfr.test';
const ZONE = parseName(`${ZONE_TEXT}.`, Name.root).unwrap();
const SECRET = Buffer.from('c2VjcmV0LW9mLXRoZS14ZnItZnV6ei10YXJnZXQtMzI=', 'base64');
const KEY = Key.from({
  name: 'xfr-key',
  algorithm: 'hmac-sha256',
  secret: SECRET.toString('base64'),
}).unwrap();
const ID = 0x5151;
const TIME = 1795542477;
const QUERY_MAC = Buffer.alloc(32, 0x42);
const REQUEST = { id: ID, tsig: { mac: QUERY_MAC } } as unknown as FakeRequest;
const MAX_RECORDS = 2000;

function frame(body: Buffer): Buffer {
  const out = Buffer.alloc(2 + body.length);
  out.writeUInt16BE(body.length & 0xffff);
  body.copy(out, 2);
  return out;
}

/** An owner in the zone, or now and then a compression pointer loop. */
function record(rng: Rng, headerLength: number): Buffer {
  const n = rng.int(50);
  const r = rng.int(20);
  if (r === 0) {
    // A pointer to itself, at the offset this record will have when first in its message.
    return rr(Buffer.from([0xc0 | (headerLength >> 8), headerLength & 0xff]), 1, rng.bytes(4));
  }
  if (r === 1)
    return rr(
      `mx${n}.${ZONE_TEXT}`,
      15,
      Buffer.concat([Buffer.from([0, 10]), wireName(`m.${ZONE_TEXT}`)]),
    );
  if (r === 2) return rr(`t${n}.${ZONE_TEXT}`, 16, Buffer.from('\x05hello'));
  if (r === 3) return rr(`c${n}.${ZONE_TEXT}`, 5, Buffer.from([0xc0, 0x0c])); // CNAME → the question
  if (r === 4) return a(`out${n}.example`, '192.0.2.1'); // outside the zone
  return a(`h${n}.${ZONE_TEXT}`, `192.0.2.${n}`);
}

/** The record sequence of an AXFR or IXFR answer, sometimes broken on purpose. */
function sequence(rng: Rng): Buffer[] {
  const out: Buffer[] = [];
  const final = rng.chance(0.9) ? 10 : rng.u32();
  out.push(soa(ZONE_TEXT, final));
  const kind = rng.int(4);
  if (kind === 0) return out; // up to date
  if (kind === 1) {
    for (let i = rng.int(20); i > 0; i--) out.push(record(rng, 12 + ZONE.wireLength + 4));
  } else {
    let serial = rng.chance(0.8) ? 1 : rng.u32();
    while (serial !== final && out.length < 60) {
      const next = rng.chance(0.9)
        ? Math.min(final, serial + 1 + rng.int(4))
        : rng.chance(0.5)
          ? serial - 1
          : rng.u32();
      out.push(soa(ZONE_TEXT, serial));
      for (let i = rng.int(4); i > 0; i--) out.push(record(rng, 12 + ZONE.wireLength + 4));
      out.push(soa(ZONE_TEXT, next));
      for (let i = rng.int(4); i > 0; i--) out.push(record(rng, 12 + ZONE.wireLength + 4));
      if (compareSerials(next, serial) !== 1) break;
      serial = next;
    }
  }
  if (rng.chance(0.9)) out.push(soa(ZONE_TEXT, final));
  return out;
}

/** A whole answer stream: length-prefixed messages, signed (chained) unless not. */
export function buildStream(rng: Rng): Buffer {
  const records = sequence(rng);
  const sign = rng.chance(0.7);
  const signer = new StreamSigner({ name: 'xfr-key.', secret: SECRET }, REQUEST);
  const qtype = rng.chance(0.7) ? 251 : 252;
  const frames: Buffer[] = [];
  let i = 0;
  while (i < records.length) {
    const n = 1 + rng.int(5);
    const body = message(REQUEST, ZONE_TEXT, records.slice(i, i + n), {
      qtype,
      question: i === 0 || rng.chance(0.1),
      ...(rng.chance(0.03) ? { rcode: rng.pick([1, 2, 5, 9]) } : {}),
    });
    i += n;
    frames.push(frame(sign ? signer.sign(body, TIME) : body));
  }
  if (rng.chance(0.1)) frames.splice(rng.int(frames.length), 1); // a message lost
  if (rng.chance(0.05) && frames.length > 1) frames.reverse(); // replayed out of order
  return Buffer.concat(frames);
}

/** Well-formed signed answers (corpus seeds): differences 1→2→10, a full zone, up to date. */
export function wellFormedStreams(): Record<string, Buffer> {
  const signed = (records: Buffer[], qtype: number, perMessage: number) => {
    const signer = new StreamSigner({ name: 'xfr-key.', secret: SECRET }, REQUEST);
    const frames: Buffer[] = [];
    for (let i = 0; i < records.length; i += perMessage) {
      const body = message(REQUEST, ZONE_TEXT, records.slice(i, i + perMessage), {
        qtype,
        question: i === 0,
      });
      frames.push(frame(signer.sign(body, TIME)));
    }
    return Buffer.concat(frames);
  };
  const h = (n: number) => a(`h${n}.${ZONE_TEXT}`, `192.0.2.${n}`);
  return {
    'ixfr-two-differences': signed(
      [
        soa(ZONE_TEXT, 10),
        soa(ZONE_TEXT, 1),
        h(1),
        soa(ZONE_TEXT, 2),
        h(2),
        soa(ZONE_TEXT, 2),
        soa(ZONE_TEXT, 10),
        h(3),
        soa(ZONE_TEXT, 10),
      ],
      251,
      2,
    ),
    'ixfr-full-fallback': signed(
      [soa(ZONE_TEXT, 10), h(1), h(2), h(3), soa(ZONE_TEXT, 10)],
      251,
      2,
    ),
    'ixfr-up-to-date': signed([soa(ZONE_TEXT, 1)], 251, 1),
    'axfr-compressed': signed(
      [
        soa(ZONE_TEXT, 10),
        rr(`c.${ZONE_TEXT}`, 5, Buffer.from([0xc0, 0x0c])),
        h(4),
        soa(ZONE_TEXT, 10),
      ],
      252,
      3,
    ),
  };
}

type Mode = { kind: 'axfr' } | { kind: 'ixfr'; serial: number };

function read(input: Buffer, mode: Mode, key: Key | undefined): Outcome {
  const reader = new XfrReader({
    zone: ZONE,
    server: '127.0.0.1#53',
    id: ID,
    mode,
    key,
    queryMac: key ? QUERY_MAC : undefined,
    maxRecords: MAX_RECORDS,
    now: () => TIME,
  });
  const frames = new FrameReader();
  let outcome: Outcome | undefined;
  // Input-dependent chunking, as TCP delivers it (byte by byte only for small inputs: the
  // per-call cost would dominate the time budget of the large amplified ones).
  const first = input[0] ?? 0;
  const step = input.length <= 4096 ? 1 + first * 7 : 64 + first * 64;
  for (let at = 0; at < input.length && outcome === undefined; at += step) {
    frames.push(input.subarray(at, at + step), (body) => {
      const result = reader.push(body);
      if (result.isErr()) {
        expectTyped(result.error, AxfrError, 'XfrReader.push');
        outcome = 'err';
        return false;
      }
      if (result.value) {
        check(reader, mode);
        outcome = 'ok';
        return false;
      }
      return true;
    });
  }
  if (outcome !== undefined) return outcome;
  expectTyped(reader.end(), AxfrError, 'XfrReader.end');
  return 'err';
}

/** What a completed result must satisfy whatever the input. */
function check(reader: XfrReader, mode: Mode): void {
  const result = reader.result;
  if (!result) throw new ContractViolation('done without a result');
  if (result.kind === 'incremental') {
    if (mode.kind !== 'ixfr') throw new ContractViolation('differences from an AXFR');
    if (result.fromSerial !== mode.serial)
      throw new ContractViolation('first difference not at our serial');
    let at = mode.serial;
    let total = 0;
    for (const d of result.deltas) {
      if (d.fromSerial !== at || compareSerials(d.toSerial, d.fromSerial) !== 1)
        throw new ContractViolation(`broken sequence ${d.fromSerial}→${d.toSerial} at ${at}`);
      at = d.toSerial;
      total += d.deleted.length + d.added.length + 2;
    }
    if (at !== result.toSerial) throw new ContractViolation('the last difference is not the end');
    if (total > MAX_RECORDS) throw new ContractViolation('more records than the bound');
  } else if (result.kind === 'full') {
    if (result.records.length > MAX_RECORDS) throw new ContractViolation('over the bound');
    for (const r of result.records)
      if (!r.name.isSubdomainOf(ZONE)) throw new ContractViolation('a record outside the zone');
  }
}

export const xfrStream: FuzzTarget = {
  name: 'xfr-stream',
  weight: 10,
  generate(rng, seeds) {
    return mixed(rng, seeds, buildStream, (r, input, others) => mutate(r, input, others), 2048);
  },
  run(input): Outcome {
    const outcomes = [
      read(input, { kind: 'ixfr', serial: 1 }, KEY),
      read(input, { kind: 'ixfr', serial: 1 }, undefined),
      read(input, { kind: 'axfr' }, undefined),
    ];
    return outcomes.includes('ok') ? 'ok' : 'err';
  },
};
