/**
 * The shortcuts of the signed-UPDATE hot path give exactly what the general code gives: HMAC
 * from padded key blocks and one-shot hashes against node:crypto's createHmac, the plain-name
 * reader against label-by-label construction, the dotted-quad reader against BIND's rules, the
 * one-buffer encoder against a field-by-field encoding.
 */
import { createHmac, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HMAC_ALGORITHMS, Key } from '../../src/keys/key.js';
import { encodeQuery, encodeUpdate } from '../../src/update/message.js';
import { Name, parseName } from '../../src/update/names.js';
import { ipv4Bytes } from '../../src/update/rdata/kit.js';
import { parseRdata } from '../../src/update/rdata.js';
import { signRequest, verifyResponse } from '../../src/update/tsig.js';
import { Update } from '../../src/update/update.js';

const digest = (algorithm: string) => algorithm.replace('hmac-', '');

describe('Key.hmac', () => {
  it('equals createHmac for every algorithm, key length (block-sized and longer keys included) and split of the data', () => {
    for (const algorithm of HMAC_ALGORITHMS) {
      for (const keyLength of [1, 16, 64, 65, 128, 129, 300]) {
        const secret = randomBytes(keyLength);
        const key = Key.from({
          name: 'k',
          algorithm,
          secret: secret.toString('base64'),
        }).unwrap();
        for (const size of [0, 1, 63, 64, 65, 700, 70_000]) {
          const data = randomBytes(size);
          const expected = createHmac(digest(algorithm), secret).update(data).digest();
          expect(key.hmac(data)).toEqual(expected);
          const cut = size >> 1;
          expect(key.hmac(data.subarray(0, cut), data.subarray(cut))).toEqual(expected);
        }
      }
    }
  });

  it('gives the same MAC on every call (no state left over from a longer message)', () => {
    const key = Key.from({ name: 'k', algorithm: 'hmac-sha256', secret: 'c2VjcmV0' }).unwrap();
    const short = Buffer.from('short');
    const first = key.hmac(short);
    key.hmac(randomBytes(5000));
    expect(key.hmac(short)).toEqual(first);
    expect(first).toEqual(createHmac('sha256', Buffer.from('secret')).update(short).digest());
  });
});

describe('parseName on plain text', () => {
  const origin = parseName('example.com.', Name.root).unwrap();
  const label = fc.stringMatching(/^[A-Za-z0-9_*-]{1,63}$/);

  it('equals the name built label by label, relative and absolute', () => {
    fc.assert(
      fc.property(fc.array(label, { minLength: 1, maxLength: 5 }), fc.boolean(), (labels, dot) => {
        const text = labels.join('.') + (dot ? '.' : '');
        const parsed = parseName(text, origin);
        const wire = labels.map((l) => Buffer.from(l, 'latin1'));
        const expected = Name.fromLabels(dot ? wire : [...wire, ...origin.labels]);
        expect(parsed.isOk()).toBe(expected.isOk());
        if (parsed.isOk() && expected.isOk()) {
          expect(parsed.value.toWire()).toEqual(expected.value.toWire());
          expect(parsed.value.wireLength).toBe(expected.value.wireLength);
          expect(parsed.value.toString()).toBe(expected.value.toString());
        }
      }),
    );
  });

  it('still reports empty labels, long labels and long names', () => {
    expect(parseName('a..b', origin).unwrapErr().kind).toBe('empty-label');
    expect(parseName('.a', origin).unwrapErr().kind).toBe('empty-label');
    expect(parseName(`${'a'.repeat(64)}.`, origin).unwrapErr().kind).toBe('label-too-long');
    expect(parseName(`${'a'.repeat(60)}.`.repeat(5), origin).unwrapErr().kind).toBe(
      'name-too-long',
    );
    // 255 bytes exactly is allowed: 4 labels of 62 + 1 of 5, plus the root.
    const longest = `${`${'a'.repeat(62)}.`.repeat(3)}${'b'.repeat(62)}.`;
    expect(parseName(longest, origin).unwrap().wireLength).toBe(253);
    expect(parseName(`${longest.slice(0, -1)}`, Name.root).unwrap().wireLength).toBe(253);
  });

  it('keeps case, and writes the canonical form in lower case', () => {
    const name = parseName('WwW', origin).unwrap();
    expect(name.toString()).toBe('WwW.example.com.');
    expect(name.toCanonicalWire()).toEqual(
      parseName('www.example.com.', Name.root).unwrap().toWire(),
    );
  });
});

describe('A records without the tokenizer', () => {
  it('reads dotted quads as BIND does', () => {
    expect(ipv4Bytes('192.0.2.1')).toEqual(Buffer.from([192, 0, 2, 1]));
    expect(ipv4Bytes('0.0.0.0')).toEqual(Buffer.from([0, 0, 0, 0]));
    expect(ipv4Bytes('255.255.255.255')).toEqual(Buffer.from([255, 255, 255, 255]));
    for (const bad of [
      '',
      '1.2.3',
      '1.2.3.4.5',
      '01.2.3.4',
      '256.1.1.1',
      '1.2.3.',
      '.1.2.3',
      '1..2.3',
      '1.2.3.4 ',
      '1.2.3.a',
      '1000.1.1.1',
    ])
      expect(ipv4Bytes(bad), bad).toBeUndefined();
  });

  it('gives what the general reader gives, and the general reader still takes the rest', () => {
    const origin = Name.root;
    expect(parseRdata(1, '10.0.0.1', origin).unwrap()).toEqual(Buffer.from([10, 0, 0, 1]));
    expect(parseRdata(1, ' 10.0.0.1 ', origin).unwrap()).toEqual(Buffer.from([10, 0, 0, 1]));
    expect(parseRdata(1, '010.0.0.1', origin).isErr()).toBe(true);
  });
});

describe('the one-buffer encoders', () => {
  it('encode an update field by field (RFC 2136 §2)', () => {
    const update = new Update('example.com')
      .absent('new')
      .add({ name: 'www', ttl: 300, type: 'A', data: '192.0.2.1' })
      .deleteRRset('old', 'TXT');
    const message = update.toMessage(0x1234).unwrap();
    const bytes = encodeUpdate(message);
    const zone = Buffer.from('076578616d706c6503636f6d00', 'hex');
    const expected = Buffer.concat([
      Buffer.from('12342800000100010002 0000'.replaceAll(' ', ''), 'hex'),
      zone,
      Buffer.from('00060001', 'hex'),
      Buffer.from('036e6577', 'hex'),
      zone,
      Buffer.from('00ff00fe000000000000', 'hex'),
      Buffer.from('03777777', 'hex'),
      zone,
      Buffer.from('000100010000012c0004c0000201', 'hex'),
      Buffer.from('036f6c64', 'hex'),
      zone,
      Buffer.from('001000ff000000000000', 'hex'),
    ]);
    expect(bytes.toString('hex')).toBe(expected.toString('hex'));
    expect(encodeQuery(7, parseName('example.com.', Name.root).unwrap(), 6, true)).toEqual(
      Buffer.concat([
        Buffer.from('000701000001000000000000', 'hex'),
        zone,
        Buffer.from('00060001', 'hex'),
      ]),
    );
  });

  it('sign a request that verifies like a reply signed the RFC 8945 way', () => {
    const key = Key.from({
      name: 'Upd-Key',
      algorithm: 'hmac-sha256',
      secret: 'c2VjcmV0c2VjcmV0',
    }).unwrap();
    const request = encodeUpdate(
      new Update('example.com').add('www 300 A 192.0.2.1').toMessage(9).unwrap(),
    );
    const signed = signRequest(request, key, { time: 1_700_000_000 })!;
    // The TSIG's MAC input, written out field by field (§4.3.3).
    const variables = Buffer.concat([
      Buffer.from('077570642d6b657900', 'hex'),
      Buffer.from('00ff00000000', 'hex'),
      Buffer.from('0b686d61632d73686132353600', 'hex'),
      Buffer.from('00006553f100012c00000000', 'hex'),
    ]);
    expect(signed.mac).toEqual(
      createHmac('sha256', Buffer.from('secretsecret')).update(request).update(variables).digest(),
    );
    expect(signed.message.subarray(0, request.length).readUInt16BE(10)).toBe(1);
    // A reply is the request with QR set, signed over the request MAC: it verifies.
    const reply = Buffer.from(request);
    reply[2]! |= 0x80;
    const replyMac = createHmac('sha256', Buffer.from('secretsecret'))
      .update(Buffer.from([0, 32]))
      .update(signed.mac)
      .update(reply)
      .update(variables)
      .digest();
    const tsig = Buffer.concat([
      Buffer.from('07557064 2d4b657900 00fa 00ff 00000000'.replaceAll(' ', ''), 'hex'),
      Buffer.from([0, 13 + 10 + 32 + 6]),
      Buffer.from('0b686d61632d73686132353600', 'hex'),
      Buffer.from('00006553f100012c0020', 'hex'),
      replyMac,
      Buffer.from('000900000000', 'hex'),
    ]);
    const whole = Buffer.concat([reply, tsig]);
    whole.writeUInt16BE(1, 10);
    const algorithm = parseName('hmac-sha256.', Name.root).unwrap();
    const record = {
      keyName: parseName('Upd-Key.', Name.root).unwrap(),
      algorithm,
      timeSigned: 1_700_000_000,
      fudge: 300,
      mac: replyMac,
      originalId: 9,
      error: 0,
      otherData: Buffer.alloc(0),
    };
    const verdict = verifyResponse(
      whole,
      { start: reply.length, record },
      key,
      signed.mac,
      1_700_000_010,
      9,
    );
    expect(verdict.kind).toBe('verified');
    const forged = Buffer.from(whole);
    forged[reply.length - 1]! ^= 1;
    expect(
      verifyResponse(forged, { start: reply.length, record }, key, signed.mac, 1_700_000_010, 9)
        .kind,
    ).toBe('bad-mac');
  });
});
