// XfrReader (the pure transfer reader under transfer's IXFR and the fuzz target) on the fuzz
// target's well-formed signed streams: each reads to the expected result with the key; every
// truncation ends in `incomplete` or a typed error; a single flipped bit anywhere in a signed
// stream never yields a result.
import { describe, expect, it } from 'vitest';
import { wellFormedStreams } from '../../fuzz/targets/xfr-stream.js';
import { Key } from '../../src/keys/key.js';
import { Name, parseName } from '../../src/update/names.js';
import { FrameReader } from '../../src/update/transport.js';
import { AxfrError } from '../../src/xfr/axfr.js';
import { type IxfrResult, XfrReader } from '../../src/xfr/reader.js';

const KEY = Key.from({
  name: 'xfr-key',
  algorithm: 'hmac-sha256',
  secret: Buffer.from('c2VjcmV0LW9mLXRoZS14ZnItZnV6ei10YXJnZXQtMzI=', 'base64').toString('base64'),
}).unwrap();
const ZONE = parseName('xfr.test.', Name.root).unwrap();

function read(stream: Buffer, mode: 'ixfr' | 'axfr'): IxfrResult | AxfrError {
  const reader = new XfrReader({
    zone: ZONE,
    server: 'test#53',
    id: 0x5151,
    mode: mode === 'ixfr' ? { kind: 'ixfr', serial: 1 } : { kind: 'axfr' },
    key: KEY,
    queryMac: Buffer.alloc(32, 0x42),
    now: () => 1795542477,
  });
  let out: IxfrResult | AxfrError | undefined;
  new FrameReader().push(stream, (frame) => {
    const step = reader.push(frame);
    if (step.isErr()) out = step.error;
    else if (step.value) out = reader.result;
    return out === undefined;
  });
  return out ?? reader.end();
}

const streams = wellFormedStreams();

describe('XfrReader on signed streams', () => {
  it('reads each well-formed stream to its result, every message verified', () => {
    const two = read(streams['ixfr-two-differences']!, 'ixfr');
    expect(two).toMatchObject({ kind: 'incremental', fromSerial: 1, toSerial: 10, signed: true });
    expect(read(streams['ixfr-full-fallback']!, 'ixfr')).toMatchObject({
      kind: 'full',
      serial: 10,
    });
    expect(read(streams['ixfr-up-to-date']!, 'ixfr')).toMatchObject({ kind: 'up-to-date' });
    const axfr = read(streams['axfr-compressed']!, 'axfr');
    expect(axfr).toMatchObject({ kind: 'full', serial: 10 });
    if (!(axfr instanceof AxfrError) && axfr.kind === 'full')
      expect(axfr.records[1]!.rdata.toString('hex')).toBe('0378667204746573740'.concat('0'));
  });

  it('every truncation is incomplete or a typed error, never a result', () => {
    const stream = streams['ixfr-two-differences']!;
    for (let cut = 0; cut < stream.length; cut++) {
      const r = read(stream.subarray(0, cut), 'ixfr');
      expect(r).toBeInstanceOf(AxfrError);
    }
  });

  it('one flipped bit anywhere in a signed stream never gives a result', () => {
    const stream = streams['ixfr-two-differences']!;
    for (let at = 0; at < stream.length; at++) {
      const bad = Buffer.from(stream);
      bad[at]! ^= 0x01;
      expect(read(bad, 'ixfr'), `byte ${at}`).toBeInstanceOf(AxfrError);
    }
  });
});
