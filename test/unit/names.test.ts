// Domain names: presentation text, wire form, compression pointers, limits. The escaping rules
// are checked against BIND (named-rrchecker) in rdata.test.ts; here the codec itself.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeName,
  MAX_POINTER_HOPS,
  Name,
  type NameErrorKind,
  parseName,
} from '../../src/update/names.js';

const root = Name.root;
const name = (text: string, origin: Name = root): Name => parseName(text, origin).unwrap();
const origin = name('example.com.');

function errorKind(text: string, base: Name = root): NameErrorKind | undefined {
  const result = parseName(text, base);
  return result.isErr() ? result.error.kind : undefined;
}

const labelsOf = (n: Name): string[] => n.labels.map((label) => label.toString('latin1'));

describe('parseName', () => {
  it('reads absolute, relative, @ and root', () => {
    expect(labelsOf(name('www.example.com.'))).toEqual(['www', 'example', 'com']);
    expect(labelsOf(name('www', origin))).toEqual(['www', 'example', 'com']);
    expect(labelsOf(name('a.b', origin))).toEqual(['a', 'b', 'example', 'com']);
    expect(name('@', origin)).toBe(origin);
    expect(name('.', origin).isRoot).toBe(true);
    expect(name('www', root).toString()).toBe('www.');
  });

  it('keeps case and compares ASCII case-insensitively', () => {
    const upper = name('WWW.Example.COM.');
    expect(upper.toString()).toBe('WWW.Example.COM.');
    expect(upper.equals(name('www.example.com.'))).toBe(true);
    expect(upper.toCanonicalWire().toString('latin1')).toBe('\x03www\x07example\x03com\x00');
    expect(upper.toCanonical().toString()).toBe('www.example.com.');
  });

  it('lowercases only A-Z in the canonical form (never other letters)', () => {
    // \196 = 0xC4 ("Ä" in Latin-1); String.toLowerCase would turn it into 0xE4.
    const n = name('\\196X\\090.');
    expect([...n.toCanonicalWire()]).toEqual([3, 0xc4, 0x78, 0x7a, 0]);
    expect(name('\\196.').equals(name('\\228.'))).toBe(false);
    expect(name('\\196X.').equals(name('\\196x.'))).toBe(true);
  });

  it('resolves \\X and \\DDD escapes', () => {
    expect(labelsOf(name('a\\.b.c.'))).toEqual(['a.b', 'c']);
    expect(labelsOf(name('\\065\\032\\255.'))).toEqual(['A \xff']);
    expect(labelsOf(name('a\\\\b.'))).toEqual(['a\\b']);
    expect(labelsOf(name('\\@.'))).toEqual(['@']);
    expect(labelsOf(name('x.@', origin))).toEqual(['x', '@', 'example', 'com']);
    expect(labelsOf(name('\\..'))).toEqual(['.']);
  });

  it('encodes characters outside ASCII as UTF-8', () => {
    expect([...name('é.').labels[0]!]).toEqual([0xc3, 0xa9]);
    expect(name('é.').toString()).toBe('\\195\\169.');
  });

  it('accepts the limits exactly: 63-byte label, 255-byte name', () => {
    const l63 = 'a'.repeat(63);
    expect(name(`${l63}.`).wireLength).toBe(65);
    const full = name(`${l63}.${l63}.${l63}.${'b'.repeat(61)}.`);
    expect(full.wireLength).toBe(255);
    expect(full.toWire().length).toBe(255);
  });

  it('refuses bad names with a kind', () => {
    expect(errorKind('')).toBe('empty');
    expect(errorKind('a..b')).toBe('empty-label');
    expect(errorKind('.a')).toBe('empty-label');
    expect(errorKind('..')).toBe('empty-label');
    expect(errorKind(`${'a'.repeat(64)}.`)).toBe('label-too-long');
    expect(errorKind(`${'a\\065'.repeat(32)}.`)).toBe('label-too-long'); // 64 bytes via escapes
    const l63 = 'a'.repeat(63);
    expect(errorKind(`${l63}.${l63}.${l63}.${'b'.repeat(62)}.`)).toBe('name-too-long');
    // relative text that only overflows once the origin is appended
    expect(errorKind(`${l63}.${l63}.${l63}.${'b'.repeat(50)}`, origin)).toBe('name-too-long');
    expect(errorKind('a\\256.')).toBe('bad-escape');
    expect(errorKind('a\\0b.')).toBe('bad-escape');
    expect(errorKind('a\\01')).toBe('bad-escape');
    expect(errorKind('a\\')).toBe('bad-escape');
  });

  it('quotes the text in error messages', () => {
    const result = parseName('a..b', root);
    expect(result.isErr() && result.error.message).toContain('"a..b"');
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300, unit: 'binary' }), (text) => {
        const result = parseName(text, origin);
        if (result.isOk()) expect(result.value.wireLength).toBeLessThanOrEqual(255);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('Name', () => {
  it('prints BIND-style escapes', () => {
    const n = Name.fromLabels([Buffer.from('a.b"c(d)e;f@g$h\\i j\x7fk\xffl\x00', 'latin1')]);
    expect(n.unwrap().toString()).toBe(
      'a\\.b\\"c\\(d\\)e\\;f\\@g\\$h\\\\i\\032j\\127k\\255l\\000.',
    );
    expect(root.toString()).toBe('.');
  });

  it('navigates: parent, isSubdomainOf, labelCount, relativeTo', () => {
    const www = name('www.Example.com.');
    expect(www.labelCount).toBe(3);
    expect(www.parent()?.toString()).toBe('Example.com.');
    expect(root.parent()).toBeUndefined();
    expect(www.isSubdomainOf(origin)).toBe(true);
    expect(origin.isSubdomainOf(origin)).toBe(true);
    expect(origin.isSubdomainOf(www)).toBe(false);
    expect(www.isSubdomainOf(root)).toBe(true);
    expect(name('xexample.com.').isSubdomainOf(origin)).toBe(false);
    expect(www.relativeTo(origin)).toBe('www');
    expect(origin.relativeTo(origin)).toBe('@');
    expect(name('a.b.example.com.').relativeTo(origin)).toBe('a.b');
    expect(name('example.net.').relativeTo(origin)).toBe('example.net.');
    expect(root.relativeTo(root)).toBe('@');
    expect(www.relativeTo(root)).toBe('www.Example.com');
  });

  it('is immutable and copies its input', () => {
    const bytes = Buffer.from('abc');
    const n = Name.fromLabels([bytes]).unwrap();
    bytes[0] = 0x7a;
    expect(n.toString()).toBe('abc.');
    // Getters over private fields: nothing of a name can be reassigned or changed in place.
    expect(() => {
      (n as unknown as { labels: unknown }).labels = [];
    }).toThrow(TypeError);
    expect(() => {
      (n as unknown as { wireLength: number }).wireLength = 1;
    }).toThrow(TypeError);
    expect(Object.isFrozen(n.labels)).toBe(true);
    expect(() => (n.labels as Buffer[]).push(Buffer.from('x'))).toThrow(TypeError);
    expect(n.toString()).toBe('abc.');
  });

  it('fromLabels validates', () => {
    expect(Name.fromLabels([Buffer.alloc(0)]).isErr()).toBe(true);
    expect(Name.fromLabels([Buffer.alloc(64, 0x61)]).isErr()).toBe(true);
    expect(Name.fromLabels(Array(128).fill(Buffer.from('a'))).isErr()).toBe(true);
    expect(Name.fromLabels(Array(127).fill(Buffer.from('a'))).unwrap().wireLength).toBe(255);
  });

  it('shows itself in JSON and inspect', () => {
    expect(JSON.stringify({ n: origin })).toBe('{"n":"example.com."}');
  });
});

/** Wire bytes from a hex string with optional spaces. */
const wire = (hex: string): Buffer => Buffer.from(hex.replace(/\s+/g, ''), 'hex');

describe('decodeName', () => {
  it('reads plain names and reports the end offset', () => {
    const buf = wire('ff 03777777 076578616d706c65 03636f6d 00 ee');
    const decoded = decodeName(buf, 1).unwrap();
    expect(decoded.name.toString()).toBe('www.example.com.');
    expect(decoded.end).toBe(buf.length - 1);
    expect(decodeName(wire('00'), 0).unwrap()).toEqual({ name: root, end: 1 });
  });

  it('follows backward pointers; end is after the first pointer', () => {
    // 0: example.com.  13: www + pointer to 0   19: mail + pointer to 13
    const buf = wire('076578616d706c6503636f6d00 03777777c000 046d61696cc00d');
    const www = decodeName(buf, 13).unwrap();
    expect(www.name.toString()).toBe('www.example.com.');
    expect(www.end).toBe(19);
    const mail = decodeName(buf, 19).unwrap();
    expect(mail.name.toString()).toBe('mail.www.example.com.');
    expect(mail.end).toBe(buf.length);
  });

  it('rejects pointer loops, forward and self pointers', () => {
    const kind = (buf: Buffer, offset: number) => {
      const result = decodeName(buf, offset);
      return result.isErr() ? result.error.kind : 'ok';
    };
    expect(kind(wire('c000'), 0)).toBe('bad-pointer'); // points at itself
    expect(kind(wire('0161c000'), 0)).toBe('bad-pointer'); // label then back to its own start
    expect(kind(wire('0000 c004 c002'), 4)).toBe('bad-pointer'); // 4 -> 2 -> 4 -> ...
    expect(kind(wire('c002 00'), 0)).toBe('bad-pointer'); // forward
    expect(kind(wire('00 0161 c003'), 3)).toBe('bad-pointer'); // into its own labels
  });

  it('bounds the number of pointers followed', () => {
    // A chain of strictly backward pointers, each to the previous one, ending in the root.
    const hops = MAX_POINTER_HOPS + 5;
    const buf = Buffer.alloc(1 + hops * 2);
    buf[0] = 0;
    for (let i = 0; i < hops; i++)
      buf.writeUInt16BE(0xc000 | (i === 0 ? 0 : 1 + (i - 1) * 2), 1 + i * 2);
    expect(decodeName(buf, 1 + (MAX_POINTER_HOPS - 1) * 2).isOk()).toBe(true);
    const result = decodeName(buf, 1 + (hops - 1) * 2);
    expect(result.isErr() && result.error.kind).toBe('bad-pointer');
  });

  it('rejects extended and reserved label types, truncation and overlong names', () => {
    const kind = (buf: Buffer, offset = 0) => {
      const result = decodeName(buf, offset);
      return result.isErr() ? result.error.kind : 'ok';
    };
    expect(kind(wire('4100'))).toBe('bad-label-type');
    expect(kind(wire('8100'))).toBe('bad-label-type');
    expect(kind(wire('03777777'))).toBe('truncated');
    expect(kind(wire('0377'))).toBe('truncated');
    expect(kind(wire('c0'))).toBe('truncated');
    expect(kind(wire(''))).toBe('truncated');
    expect(kind(wire('00'), 1)).toBe('truncated');
    expect(kind(wire('00'), -1)).toBe('truncated');
    // 128 one-byte labels = 257 bytes
    expect(kind(Buffer.concat([Buffer.from('0161'.repeat(128), 'hex'), wire('00')]))).toBe(
      'name-too-long',
    );
    // the limit counts the bytes reached through pointers too
    const long = Buffer.concat([Buffer.from('0161'.repeat(100), 'hex'), wire('00')]);
    const viaPointer = Buffer.concat([long, Buffer.from('0162'.repeat(30), 'hex'), wire('c000')]);
    expect(kind(viaPointer, long.length)).toBe('name-too-long');
  });

  it('refuses pointers when compression is off', () => {
    const buf = wire('00 c000');
    expect(decodeName(buf, 1).isOk()).toBe(true);
    const result = decodeName(buf, 1, { compression: false });
    expect(result.isErr() && result.error.kind).toBe('bad-pointer');
  });

  it('never throws on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.nat(410), (bytes, offset) => {
        const result = decodeName(bytes, offset);
        if (result.isOk()) {
          expect(result.value.name.wireLength).toBeLessThanOrEqual(255);
          expect(result.value.end).toBeLessThanOrEqual(bytes.length);
          expect(result.value.end).toBeGreaterThan(offset);
        }
      }),
      { numRuns: 3000 },
    );
  });
});

/** Random valid names: labels of arbitrary bytes, total ≤ 255 bytes. */
const arbitraryName = fc
  .array(fc.uint8Array({ minLength: 1, maxLength: 63 }), { maxLength: 10 })
  .filter((labels) => labels.reduce((sum, label) => sum + label.length + 1, 1) <= 255)
  .map((labels) => Name.fromLabels(labels).unwrap());

const sameBytes = (a: Name, b: Name) =>
  a.labels.length === b.labels.length && a.labels.every((label, i) => label.equals(b.labels[i]!));

describe('round trips (property)', () => {
  it('text -> Name -> wire -> decodeName -> Name keeps every byte', () => {
    fc.assert(
      fc.property(arbitraryName, (n) => {
        const text = n.toString();
        const parsed = parseName(text, origin).unwrap();
        expect(sameBytes(parsed, n)).toBe(true);
        const buf = parsed.toWire();
        expect(buf.length).toBe(n.wireLength);
        const decoded = decodeName(buf, 0).unwrap();
        expect(decoded.end).toBe(buf.length);
        expect(sameBytes(decoded.name, n)).toBe(true);
        expect(decoded.name.equals(n)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('relativeTo reads back under the same origin', () => {
    fc.assert(
      fc.property(arbitraryName, arbitraryName, (prefix, base) => {
        const joined = Name.fromLabels([...prefix.labels, ...base.labels]);
        if (joined.isErr()) return;
        const text = joined.value.relativeTo(base);
        expect(sameBytes(parseName(text, base).unwrap(), joined.value)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('equals ignores exactly ASCII case', () => {
    fc.assert(
      fc.property(arbitraryName, (n) => {
        const flipped = Name.fromLabels(
          n.labels.map((label) =>
            Buffer.from(
              label.map((b) =>
                b >= 0x41 && b <= 0x5a ? b + 32 : b >= 0x61 && b <= 0x7a ? b - 32 : b,
              ),
            ),
          ),
        ).unwrap();
        expect(flipped.equals(n)).toBe(true);
        expect(flipped.toCanonicalWire().equals(n.toCanonicalWire())).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
