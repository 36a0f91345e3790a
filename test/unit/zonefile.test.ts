// Zone file serials and journal headers from hand-written files: every text feature BIND's
// loader has up to the SOA, the raw format's header and RRsets, and hostile input.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJournalHeader, readJournalInfo } from '../../src/dump/journal.js';
import {
  MAX_INCLUDE_DEPTH,
  parseRawZoneHeader,
  type ReadZoneFileOptions,
  readZoneFileSerial,
} from '../../src/dump/zonefile.js';
import { Name, parseName } from '../../src/update/names.js';

let dir: string;
let counter = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rndc-zonefile-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes `content` to a fresh file in the temp dir (or to `name`) and returns its path. */
async function put(content: string | Uint8Array, name?: string): Promise<string> {
  const path = join(dir, name ?? `z${++counter}.db`);
  await writeFile(path, content);
  return path;
}

type Options = Partial<ReadZoneFileOptions>;

async function read(content: string | Uint8Array, options: Options = {}, name?: string) {
  const path = await put(content, name);
  return readZoneFileSerial(path, { origin: 'example.com', ...options });
}

async function serialOf(content: string, options: Options = {}): Promise<number> {
  const result = await read(content, options);
  if (result.isErr())
    throw new Error(`expected a serial, got ${result.error.kind}: ${result.error.message}`);
  return result.value.serial;
}

async function errorOf(content: string | Uint8Array, options: Options = {}, name?: string) {
  const result = await read(content, options, name);
  if (result.isOk()) throw new Error(`expected an error, got serial ${result.value.serial}`);
  return result.error;
}

const SOA = 'ns hostmaster 2024010101 3600 900 604800 300';

describe('text: the basics', () => {
  it('a one-line SOA', async () => {
    const result = await read(`@ 3600 IN SOA ${SOA}\n`);
    expect(result.unwrap()).toMatchObject({
      serial: 2024010101,
      format: 'text',
      dumpTime: undefined,
      includes: [],
    });
    expect(result.unwrap().path).toMatch(/^\//);
  });

  it('no trailing newline', async () => {
    expect(await serialOf(`@ IN SOA ${SOA}`)).toBe(2024010101);
  });

  it('parentheses spanning lines, with comments inside and after', async () => {
    const text = [
      '; leading comment',
      '$TTL 1h ; default TTL',
      '@\tIN\tSOA\tns.example.com. hostmaster.example.com. ( ; start',
      '\t\t2024020304 ; serial (the one)',
      '\t\t3h         ; refresh',
      '\t\t1h ; retry',
      '\t\t1w ; expire',
      '\t\t1d ) ; minimum',
      '  NS ns',
    ].join('\n');
    expect(await serialOf(text)).toBe(2024020304);
  });

  it('parentheses around any part of the record, nested', async () => {
    expect(await serialOf(`(@ IN) SOA ((ns hostmaster) 77\n 1 2 3 4)\n`)).toBe(77);
  });

  it('CRLF and lone CR line endings', async () => {
    expect(await serialOf(`$TTL 300\r\n@ IN SOA ns hostmaster (\r\n 5 1 2 3 4 )\r\n`)).toBe(5);
    expect(await serialOf(`$TTL 300\r@ IN SOA ${SOA}\r`)).toBe(2024010101);
  });

  it('comments containing quotes and parentheses are ignored', async () => {
    expect(await serialOf(`; "unclosed ( quote\n@ SOA ${SOA} ; ) trailing ("\n`)).toBe(2024010101);
  });

  it('a comment right after a token ends the token', async () => {
    expect(
      await serialOf(`@ SOA ns hostmaster 42;serial\n 1 2 3 4\n`).catch((e) => e),
    ).toBeInstanceOf(Error); // the line ended: the SOA misses fields, as in BIND
    expect(await serialOf(`@ SOA ns hostmaster ( 42;serial\n 1 2 3 4 )\n`)).toBe(42);
  });

  it('quoted strings with ; ( ) and escaped quotes before the SOA', async () => {
    const text = [
      `txt1 IN TXT "a;b" "(c" "d)" "e\\"f;" ; real comment`,
      `txt2 TXT ( "multi" ; comment`,
      `  "line; (" )`,
      `@ IN SOA ${SOA}`,
    ].join('\n');
    expect(await serialOf(text)).toBe(2024010101);
  });

  it('the SOA after other records', async () => {
    const text = `www A 192.0.2.1\nmail MX 10 www\n@ NS ns\n@ SOA ns hostmaster 9 1 2 3 4\n`;
    expect(await serialOf(text)).toBe(9);
  });

  it('stops at the SOA: what follows is never read', async () => {
    const text = `@ SOA ${SOA}\n$INCLUDE /nonexistent/file\nthis is ( not valid "\n`;
    expect(await serialOf(text)).toBe(2024010101);
  });
});

describe('text: owners', () => {
  it('@, the absolute origin, and other case', async () => {
    expect(await serialOf(`@ SOA ${SOA}\n`)).toBe(2024010101);
    expect(await serialOf(`example.com. SOA ${SOA}\n`)).toBe(2024010101);
    expect(await serialOf(`ExAmPlE.CoM. SOA ${SOA}\n`)).toBe(2024010101);
  });

  it('relative owners are made absolute against the origin', async () => {
    // "example.com" without a dot is example.com.example.com. — below the apex: an error.
    const error = await errorOf(`example.com SOA ${SOA}\n`);
    expect(error.kind).toBe('syntax');
    expect(error.message).toContain('SOA record not at top of zone (example.com.example.com.)');
    expect(await serialOf(`@ SOA ${SOA}\n`, { origin: 'com' })).toBe(2024010101);
    expect((await errorOf(`example SOA ${SOA}\n`, { origin: 'com' })).message).toContain(
      '(example.com.)',
    );
  });

  it('a blank owner is the previous owner', async () => {
    expect(await serialOf(`@ NS ns\n  IN SOA ${SOA}\n`)).toBe(2024010101);
    expect(await serialOf(`@ NS ns\n\tSOA ${SOA}\n`)).toBe(2024010101);
    // …and a blank owner after www is www: an SOA below the apex.
    expect((await errorOf(`www A 192.0.2.1\n SOA ${SOA}\n`)).message).toContain(
      'not at top of zone',
    );
  });

  it('a blank owner with no previous owner is an error', async () => {
    const error = await errorOf(`\n  SOA ${SOA}\n`);
    expect(error).toMatchObject({ kind: 'syntax', line: 2 });
    expect(error.message).toContain('no current owner name');
  });

  it('blank and whitespace-only lines are skipped', async () => {
    expect(await serialOf(`\n   \n\t\n  ; comment\n@ SOA ${SOA}\n`)).toBe(2024010101);
  });

  it('escapes in owner names', async () => {
    expect(
      await serialOf(`a\\.b A 192.0.2.1\n\\@ A 192.0.2.2\n\\$ORIGIN TXT x\n@ SOA ${SOA}\n`),
    ).toBe(2024010101);
    expect(await serialOf(`\\101xample.com. SOA ${SOA}\n`)).toBe(2024010101); // \101 = e
  });

  it('bytes above 0x7f in names stay single bytes', async () => {
    const bytes = Buffer.concat([
      Buffer.from('caf'),
      Buffer.from([0xe9]),
      Buffer.from(` A 192.0.2.1\n@ SOA ${SOA}\n`),
    ]);
    expect((await read(bytes)).unwrap().serial).toBe(2024010101);
    // A zone whose name has a byte above 0x7f, given as \233 in the origin.
    const zone = Buffer.concat([Buffer.from('@ SOA ns hostmaster 3 1 2 3 4\n')]);
    expect((await read(zone, { origin: 'caf\\233.test' })).unwrap().serial).toBe(3);
    const absolute = Buffer.concat([
      Buffer.from('caf'),
      Buffer.from([0xe9]),
      Buffer.from('.test. SOA ns hostmaster 4 1 2 3 4\n'),
    ]);
    expect((await read(absolute, { origin: 'caf\\233.test' })).unwrap().serial).toBe(4);
  });

  it('an out-of-zone SOA is ignored, as named ignores out-of-zone data', async () => {
    expect(await serialOf(`other.org. SOA ns hostmaster 1 1 2 3 4\n@ SOA ${SOA}\n`)).toBe(
      2024010101,
    );
  });

  it('a bad owner name is a syntax error with file and line', async () => {
    const path = await put(`\n\nbad..name A 192.0.2.1\n@ SOA ${SOA}\n`);
    const error = (await readZoneFileSerial(path, { origin: 'example.com' })).unwrapErr();
    expect(error).toMatchObject({ kind: 'syntax', file: path, line: 3 });
    expect(error.message).toContain(`${path}:3:`);
  });

  it('an owner alone on its line is a syntax error', async () => {
    expect((await errorOf(`www\n@ SOA ${SOA}\n`)).kind).toBe('syntax');
  });
});

describe('text: TTL and class', () => {
  it.each([
    `@ 3600 IN SOA ${SOA}`,
    `@ IN 3600 SOA ${SOA}`,
    `@ 1h IN SOA ${SOA}`,
    `@ IN 1H30M SOA ${SOA}`,
    `@ 1w2d3h4m5s SOA ${SOA}`,
    `@ SOA ${SOA}`,
    `@ IN SOA ${SOA}`,
    `@ in soa ${SOA}`,
    `@ CLASS1 SOA ${SOA}`,
    `@ 0 class1 TYPE6 ${SOA}`,
    `@ IN TYPE006 ${SOA}`,
  ])('%s', async (line) => {
    expect(await serialOf(`${line}\n`)).toBe(2024010101);
  });

  it('SOA timer fields with units', async () => {
    expect(await serialOf('@ SOA ns hostmaster 12 3h 15M 1W 1d2h\n')).toBe(12);
    expect(await serialOf('@ SOA ns hostmaster 12 0h5 1 2 3\n')).toBe(12); // BIND's quirk
  });

  it('a bad timer field is a syntax error', async () => {
    for (const bad of ['1h30', '1x', 'h', '99999999999', '5000000000']) {
      const error = await errorOf(`@ SOA ns hostmaster 12 ${bad} 1 2 3\n`);
      expect(error.kind, bad).toBe('syntax');
    }
  });

  it('$TTL with units; a bad $TTL is a syntax error', async () => {
    expect(await serialOf(`$TTL 1d\n@ SOA ${SOA}\n`)).toBe(2024010101);
    expect(await serialOf(`$ttl 3600 ; lower case\n@ SOA ${SOA}\n`)).toBe(2024010101);
    expect((await errorOf(`$TTL forever\n@ SOA ${SOA}\n`)).kind).toBe('syntax');
    expect((await errorOf(`$TTL 1h extra\n@ SOA ${SOA}\n`)).kind).toBe('syntax');
    expect((await errorOf(`$TTL\n@ SOA ${SOA}\n`)).kind).toBe('syntax');
  });

  it("an SOA of another class than the zone's is an error; class CH zones work", async () => {
    expect((await errorOf(`@ CH SOA ${SOA}\n`)).message).toContain('class 3');
    expect(await serialOf(`@ CH SOA ${SOA}\n`, { class: 'CH' })).toBe(2024010101);
    expect(await serialOf(`@ CHAOS SOA ${SOA}\n`, { class: 'ch' })).toBe(2024010101);
  });
});

describe('text: serials', () => {
  it.each([
    ['0', 0],
    ['4294967295', 4294967295],
    ['0000000042', 42],
    ['1', 1],
  ])('serial %s', async (text, value) => {
    expect(await serialOf(`@ SOA ns hostmaster ${text} 1 2 3 4\n`)).toBe(value);
  });

  it.each(['4294967296', '99999999999999999999', '1h', '-1', '0x10', '12a', '"2024"'])(
    'bad serial %s',
    async (text) => {
      expect((await errorOf(`@ SOA ns hostmaster ${text} 1 2 3 4\n`)).kind).toBe('syntax');
    },
  );

  it('missing and extra SOA fields', async () => {
    expect((await errorOf('@ SOA ns hostmaster 1 2 3 4\n')).message).toContain('unexpected end');
    expect((await errorOf('@ SOA ns hostmaster 1 2 3 4 5 6\n')).message).toContain('extra text');
    expect((await errorOf('@ SOA\n')).kind).toBe('syntax');
    expect((await errorOf('@ SOA ns "host master" 1 2 3 4 5\n')).kind).toBe('syntax');
    expect((await errorOf('@ SOA ns bad..name 1 2 3 4 5\n')).kind).toBe('syntax');
  });

  it('the RFC 3597 \\# form', async () => {
    const origin = Name.root;
    const wire = Buffer.concat([
      parseName('ns.example.com.', origin).unwrap().toWire(),
      parseName('h.example.com.', origin).unwrap().toWire(),
      u32(3000000000),
      u32(1),
      u32(2),
      u32(3),
      u32(4),
    ]);
    const hex = wire.toString('hex');
    expect(await serialOf(`@ SOA \\# ${wire.length} ${hex}\n`)).toBe(3000000000);
    // Hex split over tokens and lines, in parentheses.
    expect(
      await serialOf(
        `@ SOA \\# ${wire.length} ( ${hex.slice(0, 7)}\n ${hex.slice(7, 30)} ${hex.slice(30)} )\n`,
      ),
    ).toBe(3000000000);
    expect((await errorOf(`@ SOA \\# ${wire.length + 1} ${hex}\n`)).kind).toBe('syntax');
    expect((await errorOf(`@ SOA \\# ${wire.length - 1} ${hex}\n`)).kind).toBe('syntax');
    expect((await errorOf(`@ SOA \\# ${wire.length} ${hex.slice(0, -2)}zz\n`)).kind).toBe('syntax');
    expect((await errorOf('@ SOA \\# 70000 00\n')).kind).toBe('syntax');
  });
});

describe('text: directives', () => {
  it('$ORIGIN absolute and relative to the current origin', async () => {
    expect(await serialOf(`$ORIGIN com.\nexample SOA ${SOA}\n`)).toBe(2024010101);
    expect(await serialOf(`$ORIGIN com.\n$ORIGIN example\n@ SOA ${SOA}\n`)).toBe(2024010101);
    expect(await serialOf(`$origin sub\n$ORIGIN example.com.\n@ SOA ${SOA}\n`)).toBe(2024010101);
  });

  it('$ORIGIN moves relative SOA names, not the apex', async () => {
    // The SOA of "@" after $ORIGIN sub.example.com. is below the apex.
    expect((await errorOf(`$ORIGIN sub.example.com.\n@ SOA ${SOA}\n`)).message).toContain(
      'not at top of zone (sub.example.com.)',
    );
  });

  it('$ORIGIN errors', async () => {
    expect((await errorOf('$ORIGIN\n')).kind).toBe('syntax');
    expect((await errorOf('$ORIGIN a..b\n')).kind).toBe('syntax');
    expect((await errorOf('$ORIGIN a. b.\n')).kind).toBe('syntax');
    expect((await errorOf('$ORIGIN "quoted."\n')).kind).toBe('syntax');
  });

  it('unknown directives are errors; $GENERATE and $DATE are skipped', async () => {
    expect((await errorOf(`$FOO bar\n@ SOA ${SOA}\n`)).message).toContain('unknown $ directive');
    expect(await serialOf(`$GENERATE 1-10 host$ A 192.0.2.$\n@ SOA ${SOA}\n`)).toBe(2024010101);
    expect(await serialOf(`$DATE 20240101000000\n@ SOA ${SOA}\n`)).toBe(2024010101);
  });

  it('$INCLUDE: relative to the zone file directory by default', async () => {
    await put(`@ SOA ns hostmaster 31 1 2 3 4\n`, 'inc-a.db');
    const result = await read('$INCLUDE inc-a.db\n');
    expect(result.unwrap()).toMatchObject({ serial: 31, includes: [join(dir, 'inc-a.db')] });
  });

  it('$INCLUDE: relative to baseDir when given, quoted names, absolute paths', async () => {
    await mkdir(join(dir, 'sub'), { recursive: true });
    await put(`@ SOA ns hostmaster 32 1 2 3 4\n`, 'sub/inc-b.db');
    expect((await read('$INCLUDE sub/inc-b.db\n')).unwrap().serial).toBe(32);
    const inSub = await put('$INCLUDE "sub/inc-b.db" ; comment\n', 'sub/main.db');
    // Relative to named's directory (dir), not to the including file's (dir/sub).
    expect(
      (await readZoneFileSerial(inSub, { origin: 'example.com', baseDir: dir })).unwrap().serial,
    ).toBe(32);
    const notFound = (await readZoneFileSerial(inSub, { origin: 'example.com' })).unwrapErr();
    expect(notFound).toMatchObject({ kind: 'not-found', file: inSub, line: 1 });
    expect(notFound.message).toContain(join(dir, 'sub', 'sub', 'inc-b.db'));
    expect((await read(`$INCLUDE ${join(dir, 'sub', 'inc-b.db')}\n`)).unwrap().serial).toBe(32);
  });

  it('$INCLUDE with an origin; the origin and owner return after the include', async () => {
    await put(`@ A 192.0.2.1\nwww A 192.0.2.2\n`, 'inc-c.db');
    const text = `$INCLUDE inc-c.db sub\n@ SOA ${SOA}\n`;
    expect(await serialOf(text)).toBe(2024010101);
    await put(`@ SOA ns hostmaster 33 1 2 3 4\n`, 'inc-d.db');
    expect(await serialOf(`$ORIGIN com.\n$INCLUDE inc-d.db example\n`)).toBe(33);
    // After the include, the includer's owner (www) is current again, not the include's @.
    await put(`@ NS ns\n`, 'inc-e.db');
    expect((await errorOf(`www A 192.0.2.1\n$INCLUDE inc-e.db\n SOA ${SOA}\n`)).message).toContain(
      'not at top of zone (www.example.com.)',
    );
  });

  it('an included file inherits the current owner', async () => {
    await put(` SOA ns hostmaster 34 1 2 3 4\n`, 'inc-f.db');
    expect(await serialOf(`@ NS ns\n$INCLUDE inc-f.db\n`)).toBe(34);
  });

  it('includes are listed in the order opened, up to the SOA', async () => {
    await put('www A 192.0.2.1\n', 'inc-g.db');
    await put('$INCLUDE inc-g.db\n@ SOA ns hostmaster 35 1 2 3 4\n', 'inc-h.db');
    const result = (
      await read('$INCLUDE inc-g.db\n$INCLUDE inc-h.db\n$INCLUDE nonexistent\n')
    ).unwrap();
    expect(result.serial).toBe(35);
    expect(result.includes).toEqual([
      join(dir, 'inc-g.db'),
      join(dir, 'inc-h.db'),
      join(dir, 'inc-g.db'),
    ]);
  });

  it('$INCLUDE errors', async () => {
    expect((await errorOf('$INCLUDE\n')).kind).toBe('syntax');
    expect((await errorOf('$INCLUDE a b c\n')).kind).toBe('syntax');
    expect((await errorOf('$INCLUDE ""\n')).kind).toBe('syntax');
    expect((await errorOf(`$INCLUDE ${dir}\n`)).kind).toBe('unreadable');
  });

  it('include loops: self, mutual, and through a symlink', async () => {
    const self = await put('$INCLUDE loop-self.db\n', 'loop-self.db');
    expect((await readZoneFileSerial(self, { origin: 'example.com' })).unwrapErr().kind).toBe(
      'include-loop',
    );
    await put('$INCLUDE loop-b.db\n', 'loop-a.db');
    await put('www A 192.0.2.1\n$INCLUDE loop-a.db\n', 'loop-b.db');
    const mutual = (
      await readZoneFileSerial(join(dir, 'loop-a.db'), { origin: 'example.com' })
    ).unwrapErr();
    expect(mutual).toMatchObject({ kind: 'include-loop', file: join(dir, 'loop-b.db'), line: 2 });
    await put('$INCLUDE loop-link.db\n', 'loop-c.db');
    await symlink(join(dir, 'loop-c.db'), join(dir, 'loop-link.db'));
    expect(
      (await readZoneFileSerial(join(dir, 'loop-c.db'), { origin: 'example.com' })).unwrapErr()
        .kind,
    ).toBe('include-loop');
  });

  it(`include depth: ${MAX_INCLUDE_DEPTH} levels are fine, one more is refused`, async () => {
    const chain = async (depth: number, prefix: string) => {
      await put(`@ SOA ns hostmaster ${depth} 1 2 3 4\n`, `${prefix}${depth}.db`);
      for (let i = depth - 1; i >= 0; i--)
        await put(`$INCLUDE ${prefix}${i + 1}.db\n`, `${prefix}${i}.db`);
      return readZoneFileSerial(join(dir, `${prefix}0.db`), { origin: 'example.com' });
    };
    expect((await chain(MAX_INCLUDE_DEPTH, 'deep-ok-')).unwrap().serial).toBe(MAX_INCLUDE_DEPTH);
    const error = (await chain(MAX_INCLUDE_DEPTH + 1, 'deep-no-')).unwrapErr();
    expect(error.kind).toBe('include-loop');
    expect(error.message).toContain(`more than ${MAX_INCLUDE_DEPTH} deep`);
  });

  it('maxIncludes bounds the number of include files', async () => {
    await put('; empty\n', 'inc-empty.db');
    const many = `${'$INCLUDE inc-empty.db\n'.repeat(20)}@ SOA ${SOA}\n`;
    expect(await serialOf(many)).toBe(2024010101);
    expect((await errorOf(many, { maxIncludes: 5 })).kind).toBe('too-large');
  });
});

describe('text: errors', () => {
  it.each([
    ['unbalanced )', `@ SOA ns hostmaster 1 2 3 4 5 )\n`, 'unbalanced'],
    ['unclosed (', `www A ( 192.0.2.1\n`, 'unbalanced parentheses at end of file'],
    ['unclosed quote', `www TXT "abc\n@ SOA ${SOA}\n`, 'quoted string not closed'],
    ['unclosed quote at EOF', `www TXT "abc`, 'quoted string not closed'],
    ['quoted type', `www "A" 192.0.2.1\n`, 'quoted string where the type belongs'],
  ])('%s', async (_name, text, message) => {
    const error = await errorOf(text);
    expect(error.kind).toBe('syntax');
    expect(error.message).toContain(message);
    expect(error.line).toBeGreaterThan(0);
  });

  it('no SOA', async () => {
    expect((await errorOf('')).kind).toBe('no-soa');
    expect((await errorOf('; nothing\n\n')).kind).toBe('no-soa');
    expect((await errorOf('www A 192.0.2.1\n@ NS ns\n')).kind).toBe('no-soa');
    expect((await errorOf(`example.com. SOA ${SOA}\n`, { origin: 'example.org' })).kind).toBe(
      'no-soa',
    );
  });

  it('not found, a directory, a bad origin, a bad class', async () => {
    expect(
      (await readZoneFileSerial(join(dir, 'missing.db'), { origin: 'example.com' })).unwrapErr()
        .kind,
    ).toBe('not-found');
    expect(
      (
        await readZoneFileSerial(join(dir, 'missing', 'x.db'), { origin: 'example.com' })
      ).unwrapErr().kind,
    ).toBe('not-found');
    expect((await readZoneFileSerial(dir, { origin: 'example.com' })).unwrapErr().kind).toBe(
      'unreadable',
    );
    const path = await put(`@ SOA ${SOA}\n`);
    expect((await readZoneFileSerial(path, { origin: 'a..b' })).unwrapErr().kind).toBe(
      'invalid-argument',
    );
    expect((await readZoneFileSerial(path, { origin: 'x', class: 'XX' })).unwrapErr().kind).toBe(
      'invalid-argument',
    );
  });

  it('format text on a raw file, raw on a text file', async () => {
    const raw = rawZone({ rrsets: [apexSoa(7)] });
    expect((await errorOf(raw, { format: 'text' })).message).toContain('raw file');
    expect((await errorOf(`@ SOA ${SOA}\n`, { format: 'raw' })).kind).toBe('bad-raw');
  });
});

describe('text: size and hostile input', () => {
  it('a FIFO as the zone file, an $INCLUDEd file or the journal: not-regular at once, never opened', async () => {
    // A blocking open() of a FIFO with no writer would never return (issue 10 item 4).
    const fifo = join(dir, 'planted.fifo');
    execFileSync('mkfifo', [fifo]);
    const direct = (await readZoneFileSerial(fifo, { origin: 'example.com' })).unwrapErr();
    expect(direct.kind).toBe('not-regular');
    expect(direct.message).toBe(
      `${fifo} is a FIFO, not a regular file: something replaced the zone file`,
    );
    const included = (await read(`$INCLUDE ${fifo}\n`)).unwrapErr();
    expect(included.kind).toBe('not-regular');
    expect(included.message).toMatch(
      /\.db:1: \$INCLUDE \S+planted\.fifo is a FIFO, not a regular file: something replaced a file the zone includes$/,
    );
    const journal = (await readJournalInfo(fifo)).unwrapErr();
    expect(journal.kind).toBe('not-regular');
    expect(journal.message).toMatch(
      /is a FIFO, not a regular file: something replaced named's journal$/,
    );
  });

  it('a deadline already passed or an aborted signal: timeout, nothing read', async () => {
    const path = await put(`@ SOA ${SOA}\n`);
    const late = await readZoneFileSerial(path, {
      origin: 'example.com',
      deadline: Date.now() - 1,
    });
    expect(late.isErr() && late.error.kind).toBe('timeout');
    const aborted = await readJournalInfo(path, { signal: AbortSignal.abort() });
    expect(aborted.isErr() && aborted.error.kind).toBe('timeout');
  });

  it('an $INCLUDE of a directory is unreadable, and says which directory', async () => {
    const result = await read('$INCLUDE .\n', {}, 'dir-include.db');
    expect(result.isErr() && result.error.kind).toBe('unreadable');
    expect(result.isErr() && result.error.message).toMatch(/:1: \$INCLUDE \S+ is a directory$/);
  });

  it('tokens and records across 64 KiB read chunks', async () => {
    const filler: string[] = [];
    for (let i = 0; filler.join('\n').length < 300_000; i++) {
      filler.push(`h${i} 300 IN TXT "${'x'.repeat(i % 200)};(" ( "more"\n  "lines" ) ; c`);
    }
    const serial = await serialOf(`${filler.join('\n')}\n@ SOA ns hostmaster ( 123\n 1 2 3 4 )\n`);
    expect(serial).toBe(123);
    // Shift the boundary by one byte at a time around the SOA.
    for (let pad = 0; pad < 8; pad++) {
      const text = `${';'.repeat(65_536 - 10 + pad)}\n@ SOA ns hostmaster 99 1 2 3 4\n`;
      expect(await serialOf(text)).toBe(99);
    }
  });

  it('maxBytes bounds the work', async () => {
    const text = `${'; padding\n'.repeat(2000)}@ SOA ${SOA}\n`;
    expect(await serialOf(text)).toBe(2024010101);
    const error = await errorOf(text, { maxBytes: 1000 });
    expect(error.kind).toBe('too-large');
    // A file exactly maxBytes long is read whole.
    const exact = `@ SOA ${SOA}\n`;
    expect(await serialOf(exact, { maxBytes: exact.length })).toBe(2024010101);
    expect((await errorOf(`www A 1.2.3.4\n${exact}`, { maxBytes: exact.length })).kind).toBe(
      'too-large',
    );
  });

  it('a giant token is refused', async () => {
    const error = await errorOf(`${'a'.repeat(300_000)} A 192.0.2.1\n@ SOA ${SOA}\n`);
    expect(error.kind).toBe('syntax');
    expect(error.message).toContain('token longer');
  });

  it('NUL bytes and binary garbage', async () => {
    expect((await errorOf(Buffer.from(`www A 192.0.2.1\n\0\n`))).kind).toBe('syntax');
    const garbage = Buffer.alloc(5000);
    let x = 12345;
    for (let i = 0; i < garbage.length; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      garbage[i] = (x & 0xff) | 1; // no NUL: read as text
    }
    const result = await read(garbage);
    expect(result.isErr()).toBe(true);
  });

  it('random text never throws (property)', async () => {
    const unit = fc.constantFrom(
      '@',
      ' ',
      '\t',
      '\n',
      '\r',
      '(',
      ')',
      ';',
      '"',
      '\\',
      '$ORIGIN ',
      '$TTL ',
      '$INCLUDE ',
      '$GENERATE ',
      'SOA',
      'IN',
      'TYPE6',
      '\\#',
      ' 22 ',
      '3600',
      '1h',
      'ns',
      'example.com.',
      '.',
      'www',
      '0',
      '4294967296',
      'x',
      '\u00e9',
      '\0',
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit, maxLength: 60 })),
        async (text) => {
          const result = await read(text, {}, 'prop.db');
          if (result.isErr()) {
            expect(result.error.message.length).toBeLessThan(2000);
            // The file itself is always readable; only an `$INCLUDE` of a directory (e.g. the
            // generated `$INCLUDE .`) may be unreadable, and then it must say so.
            if (result.error.kind === 'unreadable') {
              expect(result.error.message).toMatch(/\$INCLUDE \S+ is a directory$/);
            }
          } else {
            expect(Number.isInteger(result.value.serial)).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('formatting variants of a valid SOA all give its serial (property)', async () => {
    const ws = fc.constantFrom(' ', '\t', '  ', ' \t ');
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: 0xffffffff }),
        fc.boolean(),
        fc.boolean(),
        fc.constantFrom('@', 'example.com.', 'EXAMPLE.com.'),
        ws,
        fc.boolean(),
        async (serial, parens, classFirst, owner, space, comment) => {
          const head = classFirst ? `IN${space}1h${space}SOA` : `300${space}IN${space}SOA`;
          const c = comment ? ' ; note (")' : '';
          const body = parens
            ? `ns hostmaster (${c}\n${space}${serial}${c}\n${space}1 2 3 4 )${c}`
            : `ns hostmaster ${serial} 1 2 3 4${c}`;
          expect(await serialOf(`${owner}${space}${head}${space}${body}\n`)).toBe(serial);
        },
      ),
      { numRuns: 200 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Raw format

function u32(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(value >>> 0);
  return b;
}

function u16(value: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(value);
  return b;
}

function wireName(text: string): Buffer {
  return parseName(text, Name.root).unwrap().toWire();
}

interface RawRRset {
  owner: string;
  type: number;
  rdclass?: number;
  rdatas: Buffer[];
}

function soaRdata(serial: number): Buffer {
  return Buffer.concat([
    wireName('ns.example.com.'),
    wireName('hostmaster.example.com.'),
    u32(serial),
    u32(3600),
    u32(900),
    u32(604800),
    u32(300),
  ]);
}

function apexSoa(serial: number): RawRRset {
  return { owner: 'example.com.', type: 6, rdatas: [soaRdata(serial)] };
}

function rrsetBytes(rrset: RawRRset): Buffer {
  const owner = wireName(rrset.owner);
  const body = Buffer.concat([
    u16(rrset.rdclass ?? 1),
    u16(rrset.type),
    u16(0),
    u32(3600),
    u32(rrset.rdatas.length),
    u16(owner.length),
    owner,
    ...rrset.rdatas.flatMap((rdata) => [u16(rdata.length), rdata]),
  ]);
  return Buffer.concat([u32(body.length + 4), body]);
}

function rawZone(options: {
  version?: number;
  format?: number;
  dumpTime?: number;
  flags?: number;
  sourceSerial?: number;
  lastXfrIn?: number;
  rrsets: RawRRset[];
}): Buffer {
  const version = options.version ?? 1;
  const header = [u32(options.format ?? 2), u32(version), u32(options.dumpTime ?? 1_700_000_000)];
  if (version !== 0) {
    header.push(
      u32(options.flags ?? 0),
      u32(options.sourceSerial ?? 0),
      u32(options.lastXfrIn ?? 0),
    );
  }
  return Buffer.concat([...header, ...options.rrsets.map(rrsetBytes)]);
}

const A_RRSET: RawRRset = {
  owner: 'www.example.com.',
  type: 1,
  rdatas: [Buffer.from([192, 0, 2, 1])],
};
const NS_RRSET: RawRRset = {
  owner: 'example.com.',
  type: 2,
  rdatas: [wireName('ns.example.com.'), wireName('ns2.example.com.')],
};

describe('raw format', () => {
  it('version 1 header, SOA first', async () => {
    const result = (await read(rawZone({ rrsets: [apexSoa(2024010101), NS_RRSET] }))).unwrap();
    expect(result).toMatchObject({
      serial: 2024010101,
      format: 'raw',
      rawVersion: 1,
      includes: [],
      dumpTime: new Date(1_700_000_000_000),
    });
    expect(result).not.toHaveProperty('sourceSerial');
    expect(result).not.toHaveProperty('lastTransfer');
  });

  it('version 0 header (12 bytes)', async () => {
    const result = (await read(rawZone({ version: 0, rrsets: [apexSoa(5)] }))).unwrap();
    expect(result).toMatchObject({ serial: 5, rawVersion: 0 });
  });

  it('source serial and last transfer when their flags are set', async () => {
    const result = (
      await read(
        rawZone({
          flags: 0x02 | 0x04,
          sourceSerial: 77,
          lastXfrIn: 1_600_000_000,
          rrsets: [apexSoa(78)],
        }),
      )
    ).unwrap();
    expect(result).toMatchObject({
      serial: 78,
      sourceSerial: 77,
      lastTransfer: new Date(1_600_000_000_000),
    });
    const unset = (
      await read(rawZone({ flags: 0, sourceSerial: 77, rrsets: [apexSoa(78)] }))
    ).unwrap();
    expect(unset).not.toHaveProperty('sourceSerial');
  });

  it('SOA after other RRsets, other SOAs skipped, owner case ignored', async () => {
    const other = { owner: 'sub.example.com.', type: 6, rdatas: [soaRdata(1)] };
    const upper = { owner: 'EXAMPLE.COM.', type: 6, rdatas: [soaRdata(42)] };
    expect(
      (await read(rawZone({ rrsets: [A_RRSET, NS_RRSET, other, upper] }))).unwrap().serial,
    ).toBe(42);
  });

  it('explicit format raw; auto detection', async () => {
    const bytes = rawZone({ rrsets: [apexSoa(3)] });
    expect((await read(bytes, { format: 'raw' })).unwrap().serial).toBe(3);
    expect((await read(bytes, { format: 'auto' })).unwrap().serial).toBe(3);
  });

  it('no apex SOA', async () => {
    expect((await errorOf(rawZone({ rrsets: [A_RRSET, NS_RRSET] }))).kind).toBe('no-soa');
    expect((await errorOf(rawZone({ rrsets: [] }))).kind).toBe('no-soa');
    expect((await errorOf(rawZone({ rrsets: [apexSoa(1)] }), { origin: 'example.org' })).kind).toBe(
      'no-soa',
    );
  });

  it.each([
    ['map format', rawZone({ format: 3, rrsets: [apexSoa(1)] }), 'map'],
    ['text format number', rawZone({ format: 1, rrsets: [apexSoa(1)] }), 'not a raw zone file'],
    ['version 2', rawZone({ version: 2, rrsets: [apexSoa(1)] }), 'version 2'],
    ['wrong class', rawZone({ rrsets: [{ ...apexSoa(1), rdclass: 3 }] }), 'class 3'],
    ['no records', rawZone({ rrsets: [{ ...apexSoa(1), rdatas: [] }] }), '0 records'],
    [
      'SOA RDATA too long',
      rawZone({
        rrsets: [{ ...apexSoa(1), rdatas: [Buffer.concat([soaRdata(1), Buffer.from([0])])] }],
      }),
      'SOA RDATA',
    ],
    [
      'compressed name in SOA',
      rawZone({
        rrsets: [
          { ...apexSoa(1), rdatas: [Buffer.concat([Buffer.from([0xc0, 0x00]), Buffer.alloc(21)])] },
        ],
      }),
      'MNAME',
    ],
  ])('%s', async (_name, bytes, message) => {
    const error = await errorOf(bytes, { format: 'raw' });
    expect(error.kind).toBe('bad-raw');
    expect(error.message).toContain(message);
  });

  it('RRset length fields that lie', async () => {
    const good = rawZone({ rrsets: [A_RRSET, apexSoa(1)] });
    const tooLong = Buffer.from(good);
    tooLong.writeUInt32BE(0x7fffffff, 24);
    expect((await errorOf(tooLong)).message).toContain('past the end');
    const tooShort = Buffer.from(good);
    tooShort.writeUInt32BE(10, 24);
    expect((await errorOf(tooShort)).message).toContain('below the 18-byte minimum');
    const nameTooLong = Buffer.from(good);
    nameTooLong.writeUInt16BE(300, 24 + 18);
    expect((await errorOf(nameTooLong)).kind).toBe('bad-raw');
  });

  it('every truncation of a raw file is an error value', async () => {
    const bytes = rawZone({ rrsets: [A_RRSET, NS_RRSET, apexSoa(9)] });
    for (let length = 1; length < bytes.length; length++) {
      const result = await read(bytes.subarray(0, length), { format: 'raw' }, 'trunc.raw');
      expect(result.isErr(), `length ${length}`).toBe(true);
      expect(['bad-raw', 'no-soa']).toContain(result.unwrapErr().kind);
    }
  });

  it('random bytes never throw (property)', async () => {
    const header = rawZone({ rrsets: [] });
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 300 }),
        fc.boolean(),
        async (tail, withHeader) => {
          const bytes = withHeader ? Buffer.concat([header, tail]) : Buffer.from(tail);
          const result = await read(bytes, { format: 'raw' }, 'prop.raw');
          if (result.isErr()) expect(['bad-raw', 'no-soa']).toContain(result.error.kind);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('raw: maxBytes bounds the scan', async () => {
    const rrsets = Array.from({ length: 200 }, (_, i) => ({
      owner: `h${i}.example.com.`,
      type: 1,
      rdatas: [Buffer.from([192, 0, 2, i])],
    }));
    const bytes = rawZone({ rrsets: [...rrsets, apexSoa(11)] });
    expect((await read(bytes)).unwrap().serial).toBe(11);
    expect((await errorOf(bytes, { maxBytes: 500 })).kind).toBe('too-large');
  });

  it('parseRawZoneHeader', () => {
    expect(parseRawZoneHeader(rawZone({ rrsets: [] })).unwrap()).toEqual({
      version: 1,
      dumpTime: 1_700_000_000,
      flags: 0,
      sourceSerial: 0,
      lastXfrIn: 0,
      length: 24,
    });
    expect(parseRawZoneHeader(rawZone({ version: 0, rrsets: [] })).unwrap().length).toBe(12);
    expect(parseRawZoneHeader(new Uint8Array(3)).unwrapErr().kind).toBe('bad-raw');
    expect(
      parseRawZoneHeader(rawZone({ rrsets: [] }).subarray(0, 20)).unwrapErr().message,
    ).toContain('cut off');
  });
});

// ---------------------------------------------------------------------------------------------
// Journals

function journalHeader(options: {
  format?: string;
  begin?: [number, number];
  end?: [number, number];
  indexSize?: number;
  sourceSerial?: number;
  flags?: number;
}): Buffer {
  const header = Buffer.alloc(64);
  header.write(options.format ?? ';BIND LOG V9.2\n', 'latin1');
  const [bs, bo] = options.begin ?? [0, 0];
  const [es, eo] = options.end ?? [0, 0];
  header.writeUInt32BE(bs >>> 0, 16);
  header.writeUInt32BE(bo, 20);
  header.writeUInt32BE(es >>> 0, 24);
  header.writeUInt32BE(eo, 28);
  header.writeUInt32BE(options.indexSize ?? 56, 32);
  header.writeUInt32BE(options.sourceSerial ?? 0, 36);
  header[40] = options.flags ?? 0;
  return header;
}

/** A journal file: header, index, then `data` bytes of transactions. */
function journal(options: Parameters<typeof journalHeader>[0], data = 0): Buffer {
  const index = Buffer.alloc((options.indexSize ?? 56) * 8);
  return Buffer.concat([journalHeader(options), index, Buffer.alloc(data)]);
}

describe('journal headers', () => {
  const dataStart = 64 + 56 * 8; // 512

  it('a V9.2 journal with transactions', async () => {
    const path = await put(
      journal({ begin: [2024010101, dataStart], end: [2024010105, dataStart + 300] }, 300),
    );
    expect((await readJournalInfo(path)).unwrap()).toEqual({
      version: 'BIND LOG V9.2',
      headerVersion: 2,
      startSerial: 2024010101,
      endSerial: 2024010105,
      startOffset: dataStart,
      endOffset: dataStart + 300,
      indexSize: 56,
      size: dataStart + 300,
      empty: false,
      path,
    });
  });

  it('a V9 (version 1) header, a source serial, trailing uncommitted data', async () => {
    const path = await put(
      journal(
        {
          format: ';BIND LOG V9\n',
          begin: [1, dataStart],
          end: [4294967295, dataStart + 100],
          sourceSerial: 12,
          flags: 1,
        },
        500,
      ),
    );
    expect((await readJournalInfo(path)).unwrap()).toMatchObject({
      version: 'BIND LOG V9',
      headerVersion: 1,
      startSerial: 1,
      endSerial: 4294967295,
      sourceSerial: 12,
      empty: false,
      size: dataStart + 500,
    });
  });

  it('a new, empty journal', async () => {
    const info = (await readJournalInfo(await put(journal({})))).unwrap();
    expect(info).toMatchObject({
      empty: true,
      startSerial: 0,
      endSerial: 0,
      startOffset: 0,
      endOffset: 0,
    });
    expect(info).not.toHaveProperty('sourceSerial');
  });

  it('a missing journal is not-found; a directory is unreadable', async () => {
    expect((await readJournalInfo(join(dir, 'none.jnl'))).unwrapErr().kind).toBe('not-found');
    expect((await readJournalInfo(join(dir, 'none', 'x.jnl'))).unwrapErr().kind).toBe('not-found');
    expect((await readJournalInfo(dir)).unwrapErr().kind).toBe('unreadable');
  });

  it.each([
    ['empty file', Buffer.alloc(0), 'not-journal'],
    ['text', Buffer.from('$TTL 300\n@ SOA ns h 1 2 3 4 5\n'), 'not-journal'],
    ['magic without NUL padding', Buffer.from(';BIND LOG V9.2\nX'.padEnd(64, 'X')), 'not-journal'],
    ['V9.3', journal({ format: ';BIND LOG V9.3\n' }), 'not-journal'],
    ['header cut off', journal({}).subarray(0, 40), 'corrupt'],
    ['index past the end', journalHeader({ indexSize: 56 }), 'corrupt'],
    ['huge index', journalHeader({ indexSize: 0xffffffff }), 'corrupt'],
    ['end past the end of file', journal({ begin: [1, 512], end: [2, 9000] }, 10), 'corrupt'],
    ['begin inside the index', journal({ begin: [1, 100], end: [2, 600] }, 200), 'corrupt'],
    ['begin after end', journal({ begin: [1, 700], end: [2, 600] }, 400), 'corrupt'],
  ])('%s', async (_name, bytes, kind) => {
    const error = (await readJournalInfo(await put(bytes))).unwrapErr();
    expect(error.kind).toBe(kind);
    expect(error.file).toMatch(/^\//);
  });

  it('random bytes never throw (property)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 128 }),
        fc.nat(1 << 20),
        fc.boolean(),
        (bytes, size, magic) => {
          const data = Buffer.from(bytes);
          if (magic) data.write(';BIND LOG V9.2\n\0', 'latin1');
          const result = parseJournalHeader(data, size, '/x.jnl');
          if (result.isErr()) expect(['not-journal', 'corrupt']).toContain(result.error.kind);
        },
      ),
      { numRuns: 500 },
    );
  });
});
