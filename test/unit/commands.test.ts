import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allowedOnReadOnlyChannel,
  COMMANDS,
  commandInfo,
  commandsIn,
  formatCommand,
  quoteArgument,
  tokenizeCommandLine,
  zoneArgs,
} from '../../src/control/commands.js';
import { RndcLibraryError } from '../../src/errors.js';
import { CONTROL_H_916_918 } from '../helpers/control-h.js';

/** True when some run of backslashes of odd length is followed by `"` or ends the string. */
function oddBackslashesBeforeQuoteOrEnd(s: string): boolean {
  let run = 0;
  for (const ch of s) {
    if (ch === '\\') {
      run++;
      continue;
    }
    if (ch === '"' && run % 2 === 1) return true;
    run = 0;
  }
  return run % 2 === 1;
}

describe('COMMANDS catalog', () => {
  it('has exactly the 44 command words of named 9.18 (words + aliases)', () => {
    const words = commandsIn({ major: 9, minor: 18, patch: 49 })
      .flatMap((c) => [c.word, ...(c.aliases ?? [])])
      .sort();
    expect(words).toEqual([...CONTROL_H_916_918].sort());
    expect(new Set(words).size).toBe(words.length);
  });

  it('gives every entry a synopsis starting with its word and a description', () => {
    for (const c of COMMANDS) {
      expect(c.synopsis.split(' ')[0]).toBe(c.word);
      expect(c.description.length).toBeGreaterThan(10);
      expect(c.word).toBe(c.word.toLowerCase());
    }
  });

  it('marks exactly named 9.18 read-only set (null status showzone testgen zonestatus; nta -dump)', () => {
    const readOnly = COMMANDS.filter((c) => c.readOnly).map((c) => c.word);
    expect(readOnly.sort()).toEqual(['null', 'showzone', 'status', 'testgen', 'zonestatus']);
    const conditional = COMMANDS.filter((c) => c.readOnlyWhen !== undefined).map((c) => c.word);
    expect(conditional).toEqual(['nta']);
  });

  it('notes the commands removed in 9.20 (timerpoke, tsig-list, tsig-delete)', () => {
    const removed = COMMANDS.filter((c) => c.removedIn !== undefined).map((c) => [
      c.word,
      c.removedIn,
    ]);
    expect(removed).toEqual([
      ['timerpoke', '9.20.0'],
      ['tsig-delete', '9.20.0'],
      ['tsig-list', '9.20.0'],
    ]);
  });

  it('records the disk effects of the dump-triggering commands', () => {
    expect(commandInfo('sync')?.diskEffect).toMatchObject({ when: 'asynchronously' });
    expect(commandInfo('sync')?.diskEffect?.deletes).toMatch(/-clean.*journal/);
    expect(commandInfo('freeze')?.diskEffect).toMatchObject({ when: 'asynchronously' });
    expect(commandInfo('stop')?.diskEffect).toMatchObject({ when: 'at-exit' });
    expect(commandInfo('halt')?.diskEffect?.writes).toMatch(/NOT flushed/);
    expect(commandInfo('dumpdb')?.diskEffect?.writes).toMatch(/named_dump\.db/);
    expect(commandInfo('stats')?.diskEffect).toMatchObject({ when: 'immediately' });
    expect(commandInfo('retransfer')?.diskEffect).toMatchObject({ when: 'after-transfer' });
    expect(commandInfo('thaw')?.diskEffect?.deletes).toMatch(/journal/);
    for (const word of ['null', 'status', 'zonestatus', 'showzone', 'testgen', 'reload', 'flush']) {
      expect(commandInfo(word)?.diskEffect, word).toBeNull();
    }
    for (const c of COMMANDS) {
      if (c.diskEffect) expect(c.diskEffect.note.length, c.word).toBeGreaterThan(0);
    }
  });

  it('is frozen', () => {
    expect(Object.isFrozen(COMMANDS)).toBe(true);
  });
});

describe('commandInfo', () => {
  it('finds a word case-insensitively, like named', () => {
    expect(commandInfo('zonestatus')?.word).toBe('zonestatus');
    expect(commandInfo('ZoneStatus')?.word).toBe('zonestatus');
    expect(commandInfo('STATUS')?.word).toBe('status');
  });

  it('takes the first word of a whole line', () => {
    expect(commandInfo('zonestatus example.com IN')?.word).toBe('zonestatus');
    expect(commandInfo('  \tsync -clean example.com')?.word).toBe('sync');
    expect(commandInfo('nta\t-dump')?.word).toBe('nta');
  });

  it('maps aliases to their command', () => {
    expect(commandInfo('unfreeze')?.word).toBe('thaw');
    expect(commandInfo('UNFREEZE example.com')?.word).toBe('thaw');
  });

  it('returns undefined for unknown words, quoted words and empty input', () => {
    expect(commandInfo('frobnicate')).toBeUndefined();
    expect(commandInfo('closelogs')).toBeUndefined(); // never existed
    expect(commandInfo('restart')).toBeUndefined();
    expect(commandInfo('"status"')).toBeUndefined(); // named reads the word without quote handling
    expect(commandInfo('')).toBeUndefined();
    expect(commandInfo('   ')).toBeUndefined();
  });
});

describe('tokenizeCommandLine (model of named 9.18 next_token)', () => {
  const cases: [string, string[] | undefined][] = [
    ['status', ['status']],
    ['  zonestatus\texample.com  IN ', ['zonestatus', 'example.com', 'IN']],
    ['flush "view with a space"', ['flush', 'view with a space']],
    ['x ""', ['x', '']],
    ['x "a\\"b"', ['x', 'a"b']],
    ['x "a\\\\b"', ['x', 'a\\\\b']], // backslashes are kept (verified live)
    ['x "a\\b"', ['x', 'a\\b']],
    ['x a\\b', ['x', 'a\\b']],
    ['x a"b', ['x', 'a"b']], // a quote inside a bare word is ordinary
    ['x "ab"cd', ['x', 'ab', 'cd']], // a closing quote ends the token
    ['x "a;b{c}"', ['x', 'a;b{c}']],
    ['x a;b', ['x', 'a;b']],
    ['x "tab\tx"', ['x', 'tab\tx']],
    ['x\r\ny', ['x', 'y']],
    ['x "unterminated', undefined],
    ['x "line\nbreak"', undefined],
    ['x "line\\\nbreak"', ['x', 'line\\\nbreak']],
    ['x y\0z', ['x', 'y']],
    ['', []],
  ];
  it.each(cases)('%j', (line, tokens) => {
    expect(tokenizeCommandLine(line)).toEqual(tokens);
  });
});

describe('quoteArgument', () => {
  const cases: [string, string][] = [
    ['example.com', 'example.com'],
    ['-clean', '-clean'],
    ['_default', '_default'],
    ['*.wild.example', '*.wild.example'],
    ['hmac-sha256:key', 'hmac-sha256:key'],
    ['12345', '12345'],
    ['', '""'],
    ['view with a space', '"view with a space"'],
    ['a"b', '"a\\"b"'],
    ['a\\b', '"a\\b"'], // backslash not doubled: named keeps it as is
    ['a\\\\"b', '"a\\\\\\"b"'], // even run before a quote: still quotable
    ['trail\\\\', '"trail\\\\"'],
    ['a;b{c}', '"a;b{c}"'],
    ['0/25.2.0.192.in-addr.arpa', '"0/25.2.0.192.in-addr.arpa"'], // '/' is special in named.conf
    ['#comment', '"#comment"'],
    ['tab\there', '"tab\there"'],
    ['ütf8', '"ütf8"'],
    ['"starts', '"\\"starts"'],
    // Not quotable (odd backslash run before a quote / at the end) but bare-safe:
    ['a\\"b', 'a\\"b'],
    ['trail\\', 'trail\\'],
  ];
  it.each(cases)('%j → %s', (arg, quoted) => {
    expect(quoteArgument(arg)).toBe(quoted);
    expect(tokenizeCommandLine(`cmd ${quoted}`)).toEqual(['cmd', arg]);
  });

  it.each(['a\nb', 'a\rb', 'a\0b', 'x \\"', 'a b\\', '"x\\', 'lone \uD800 surrogate'])(
    'refuses %j with an invalid-argument error',
    (arg) => {
      expect(() => quoteArgument(arg)).toThrow(RndcLibraryError);
      try {
        quoteArgument(arg);
      } catch (e) {
        expect((e as RndcLibraryError).kind).toBe('invalid-argument');
      }
    },
  );

  it('round-trips every string it accepts through the lexer model (property)', () => {
    const awkward = fc.constantFrom(
      ' ',
      '\t',
      '"',
      '\\',
      ';',
      '{',
      '}',
      '#',
      '/',
      'a',
      'é',
      '\x01',
    );
    const arg = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.array(awkward, { maxLength: 12 }).map((parts) => parts.join('')),
    );
    fc.assert(
      fc.property(arg, (s) => {
        let quoted: string;
        try {
          quoted = quoteArgument(s);
        } catch {
          // Only the documented refusals may throw.
          if (/[\0\r\n]/.test(s) || /[\uD800-\uDFFF]/.test(s)) return true;
          return (/[ \t]/.test(s) || s.startsWith('"')) && oddBackslashesBeforeQuoteOrEnd(s);
        }
        const tokens = tokenizeCommandLine(`zonestatus ${quoted} IN`);
        return tokens !== undefined && tokens.length === 3 && tokens[1] === s;
      }),
      { numRuns: 3000 },
    );
  });

  it('accepts everything without NUL/CR/LF/surrogates that has no whitespace (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1 }), (s) => {
        fc.pre(!/[\s\0"\\]/.test(s));
        const tokens = tokenizeCommandLine(`x ${quoteArgument(s)}`);
        return tokens?.[1] === s;
      }),
    );
  });
});

describe('formatCommand', () => {
  it('joins with single spaces and drops undefined', () => {
    expect(formatCommand('status', [])).toBe('status');
    expect(formatCommand('status')).toBe('status');
    expect(formatCommand('zonestatus', ['example.com', undefined, undefined])).toBe(
      'zonestatus example.com',
    );
    expect(formatCommand('sync', [undefined, 'example.com'])).toBe('sync example.com');
    expect(formatCommand('flush', ['my view'])).toBe('flush "my view"');
    expect(formatCommand('testgen', [600000])).toBe('testgen 600000');
    expect(formatCommand('tcp-timeouts', [300, 300, 300, 300])).toBe(
      'tcp-timeouts 300 300 300 300',
    );
  });

  it('inserts raw arguments verbatim (addzone config blocks)', () => {
    expect(
      formatCommand('addzone', [
        'new.test',
        'IN',
        'my view',
        { raw: '{ type primary; file "x"; };' },
      ]),
    ).toBe('addzone new.test IN "my view" { type primary; file "x"; };');
    expect(() => formatCommand('addzone', ['z', { raw: '{ type\nprimary; };' }])).toThrow(
      RndcLibraryError,
    );
  });

  it('refuses bad command words and numbers', () => {
    expect(() => formatCommand('', [])).toThrow(RndcLibraryError);
    expect(() => formatCommand('zone status', [])).toThrow(RndcLibraryError);
    expect(() => formatCommand('"status"', [])).toThrow(RndcLibraryError);
    expect(() => formatCommand('testgen', [Number.NaN])).toThrow(RndcLibraryError);
    expect(() => formatCommand('testgen', [1.5])).toThrow(RndcLibraryError);
    expect(() => formatCommand('testgen', [-1])).toThrow(RndcLibraryError);
  });

  it('keeps unknown but well-formed words (named decides)', () => {
    expect(formatCommand('fetchlimit', [])).toBe('fetchlimit');
  });
});

describe('zoneArgs', () => {
  it('follows zone [class [view]] order and defaults the class to IN for a view', () => {
    expect(zoneArgs('example.com')).toEqual(['example.com']);
    expect(zoneArgs('example.com', {})).toEqual(['example.com']);
    expect(zoneArgs('example.com', { class: 'CH' })).toEqual(['example.com', 'CH']);
    expect(zoneArgs('example.com', { view: 'internal' })).toEqual([
      'example.com',
      'IN',
      'internal',
    ]);
    expect(zoneArgs('example.com', { class: 'IN', view: 'internal' })).toEqual([
      'example.com',
      'IN',
      'internal',
    ]);
  });

  it('accepts a ZoneRef', () => {
    expect(zoneArgs({ zone: 'example.com', view: 'v' })).toEqual(['example.com', 'IN', 'v']);
    expect(zoneArgs({ zone: 'example.com', class: 'HS' })).toEqual(['example.com', 'HS']);
  });

  it('feeds formatCommand', () => {
    expect(formatCommand('zonestatus', zoneArgs('example.com', { view: 'my view' }))).toBe(
      'zonestatus example.com IN "my view"',
    );
  });
});

describe('allowedOnReadOnlyChannel', () => {
  // Every row was sent with the rndc tool to a `read-only yes` listener of named 9.18.49:
  // true = executed (result 0), false = refused with `failure`, or (nta) failed before the
  // read-only check with another error (noted).
  const table: [string, boolean][] = [
    ['null', true],
    ['NULL', true],
    ['status', true],
    ['Status', true],
    ['testgen 5', true],
    ['showzone added.test', true],
    ['zonestatus dyn.test', true],
    ['ZoneStatus dyn.test', true],
    ['nta -dump', true],
    ['nta -', true],
    ['nta -d', true],
    ['nta -DUMP', true],
    ['nta "-dump"', true],
    ['nta -force -dump', true],
    ['nta -lifetime 1d -dump', true],
    ['nta -class IN -dump', true],
    ['nta -class CLASS1 -dump', true],
    ['nta -f -l 7d -c ch -d', true],
    ['nta --dump', false], // syntax error: Unknown option
    ['nta -lifetime 8d -dump', false], // out of range
    ['nta -lifetime 1x -dump', false], // bad ttl
    ['nta -class bogus -dump', false], // unknown class/type
    ['nta -- -dump', false],
    ['nta -remove foo.test', false],
    ['nta foo.test', false],
    ['nta', false], // unexpected end of input
    ['reload', false],
    ['sync', false],
    ['tsig-list', false],
    ['secroots -', false],
    ['freeze dyn.test', false],
    ['', false],
    ['"status"', false],
  ];
  it.each(table)('%j → %s', (line, allowed) => {
    expect(allowedOnReadOnlyChannel(line)).toBe(allowed);
  });

  it('follows dns_ttl_fromtext for -lifetime', () => {
    expect(allowedOnReadOnlyChannel('nta -lifetime 604800 -dump')).toBe(true);
    expect(allowedOnReadOnlyChannel('nta -lifetime 604801 -dump')).toBe(false);
    expect(allowedOnReadOnlyChannel('nta -lifetime 1w -dump')).toBe(true);
    expect(allowedOnReadOnlyChannel('nta -lifetime 1W1s -dump')).toBe(false);
    expect(allowedOnReadOnlyChannel('nta -lifetime 1h30m -dump')).toBe(true);
    expect(allowedOnReadOnlyChannel('nta -lifetime 1h30 -dump')).toBe(false);
    expect(allowedOnReadOnlyChannel('nta -lifetime 0h30 -dump')).toBe(true);
    expect(allowedOnReadOnlyChannel('nta -lifetime "" -dump')).toBe(false);
    expect(allowedOnReadOnlyChannel('nta -lifetime')).toBe(false);
  });

  it('follows dns_rdataclass_fromtext for -class', () => {
    for (const cls of ['in', 'CH', 'chaos', 'HS', 'hesiod', 'NONE', 'any', 'CLASS65535', 'class+1'])
      expect(allowedOnReadOnlyChannel(`nta -class ${cls} -dump`), cls).toBe(true);
    for (const cls of ['CLASS65536', 'CLASS', 'CLASS-1', 'CLASS123456', 'INX'])
      expect(allowedOnReadOnlyChannel(`nta -class ${cls} -dump`), cls).toBe(false);
  });

  it('never throws (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        allowedOnReadOnlyChannel(s);
        allowedOnReadOnlyChannel(`nta ${s}`);
        commandInfo(s);
        tokenizeCommandLine(s);
      }),
    );
  });
});
