// Differential: the serial we read from zone files and journal headers equals what BIND's own
// tools (named-compilezone, named-journalprint) and a running named (zonestatus) say.
import { copyFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RndcClient } from '../../src/control/client.js';
import { type JournalInfo, readJournalInfo } from '../../src/dump/journal.js';
import { readZoneFileSerial } from '../../src/dump/zonefile.js';
import { type NamedInstance, runBinary, startNamed } from '../../src/testing/index.js';
import { UpdateClient } from '../../src/update/client.js';
import { Update } from '../../src/update/update.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rndc-zonefile-it-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/**
 * The apex SOA serial as named-compilezone loads `file` (no integrity checks, no journal),
 * printing the zone as text to stdout. Relative $INCLUDEs resolve against `cwd`, as for named.
 */
async function compilezoneSerial(
  zone: string,
  file: string,
  options: { format?: 'text' | 'raw'; cwd?: string } = {},
): Promise<number> {
  const run = await runBinary(
    'named-compilezone',
    [
      '-q',
      '-i',
      'none',
      '-f',
      options.format ?? 'text',
      '-F',
      'text',
      '-s',
      'full',
      '-o',
      '-',
      zone,
      file,
    ],
    options.cwd === undefined ? {} : { cwd: options.cwd },
  );
  if (run.exitCode !== 0) {
    throw new Error(
      `named-compilezone ${zone} ${file} failed (${run.exitCode}): ${run.stderr}${run.stdout}`,
    );
  }
  const apex = `${zone.replace(/\.$/, '')}.`.toLowerCase();
  for (const line of run.stdout.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields[3] === 'SOA' && fields[0]?.toLowerCase() === apex) return Number(fields[6]);
  }
  throw new Error(`no SOA in named-compilezone output:\n${run.stdout}`);
}

async function ours(
  zone: string,
  file: string,
  options: { format?: 'text' | 'raw' | 'auto'; baseDir?: string } = {},
) {
  const result = await readZoneFileSerial(file, { origin: zone, ...options });
  if (result.isErr()) throw new Error(`${result.error.kind}: ${result.error.message}`);
  return result.value;
}

/** Zone files in many styles; every one loads in named-compilezone. */
const TEXT_ZONES: ReadonlyArray<{
  name: string;
  zone: string;
  text: string;
  include?: Record<string, string>;
}> = [
  {
    name: 'one line',
    zone: 'example.com',
    text: '$TTL 300\n@ IN SOA ns hostmaster 2024010101 3600 900 604800 300\n@ NS ns\nns A 192.0.2.1\n',
  },
  {
    name: 'parentheses, comments, units',
    zone: 'example.com',
    text: [
      '; a zone',
      '$TTL 1h',
      '@\tIN\tSOA\tns.example.com. hostmaster.example.com. ( ; start',
      '\t\t\t2024020304 ; serial',
      '\t\t\t3h 15m 1w',
      '\t\t\t1d ) ; end',
      '\t\tNS\tns',
      'ns\t\tA\t192.0.2.1',
    ].join('\n'),
  },
  {
    name: 'SOA last, after TXT with quotes, semicolons and parentheses',
    zone: 'example.com',
    text: [
      '$TTL 300',
      'txt TXT "a;b" "(c" "d)" "e\\"f;" ; comment',
      'txt2 TXT ( "multi" ; c',
      '  "line; (" )',
      '@ NS ns',
      'ns A 192.0.2.1',
      '@ IN SOA ns hostmaster 7 1 2 3 4',
    ].join('\n'),
  },
  {
    name: 'blank owner SOA, class after TTL',
    zone: 'example.com',
    text: '$TTL 300\n@ NS ns\n   600 IN SOA ns hostmaster 4294967295 1 2 3 4\nns A 192.0.2.1\n',
  },
  {
    name: 'class before TTL, TTL units on the record, leading zeros',
    zone: 'example.com',
    text: '@ IN 1W2D SOA ns hostmaster 000123 1h 1h 1h 1h\n@ NS ns.example.com.\nns 1h A 192.0.2.1\n',
  },
  {
    name: '$ORIGIN before the SOA, relative owner',
    zone: 'example.com',
    text: '$TTL 300\n$ORIGIN com.\nexample SOA ns.example.com. h.example.com. 55 1 2 3 4\n$ORIGIN example.com.\n@ NS ns\nns A 192.0.2.1\n',
  },
  {
    name: 'absolute owner in other case, CRLF',
    zone: 'example.com',
    text: '$TTL 300\r\nEXAMPLE.COM. SOA ns hostmaster 0 1 2 3 4\r\n@ NS ns\r\nns A 192.0.2.1\r\n',
  },
  {
    name: 'generic \\# SOA',
    zone: 'example.com',
    text: `$TTL 300\n@ TYPE6 \\# 51 ( 026e73076578616d706c6503636f6d00\n 01680765 78616d706c6503636f6d00 b2d05e00 00000001 00000002 00000003 00000004 )\n@ NS ns\nns A 192.0.2.1\n`,
  },
  {
    name: 'out-of-zone SOA ignored',
    zone: 'example.com',
    text: '$TTL 300\nother.org. SOA ns.other.org. h.other.org. 1 1 2 3 4\n@ SOA ns hostmaster 8 1 2 3 4\n@ NS ns\nns A 192.0.2.1\n',
  },
  {
    name: 'no $TTL: SOA minimum becomes the TTL',
    zone: 'example.com',
    text: '@ SOA ns hostmaster 99 1 2 3 3600\n@ NS ns\nns A 192.0.2.1\n',
  },
  {
    name: 'SOA in an $INCLUDE with origin, relative to the working directory',
    zone: 'example.com',
    text: '$TTL 300\n$ORIGIN org.\n$INCLUDE incdir/soa.inc example.com.\n$ORIGIN example.com.\n@ NS ns\nns A 192.0.2.1\n',
    include: { 'incdir/soa.inc': '@ SOA ns hostmaster 2024123199 1 2 3 4\n' },
  },
  {
    name: 'blank owner inherited into an $INCLUDE',
    zone: 'example.com',
    text: '$TTL 300\n@ NS ns\n$INCLUDE "owner.inc"\nns A 192.0.2.1\n',
    include: { 'owner.inc': '  SOA ns hostmaster 31337 1 2 3 4\n' },
  },
  {
    name: 'root zone style',
    zone: '.',
    text: '$TTL 300\n. SOA a.root-servers.net. nstld.verisign-grs.com. 2024112400 1800 900 604800 86400\n. NS a.root-servers.net.\na.root-servers.net. A 198.41.0.4\n',
  },
  {
    name: 'reverse zone',
    zone: '2.0.192.in-addr.arpa',
    text: '$TTL 300\n@ SOA ns h.example.com. 17 1 2 3 4\n@ NS ns\nns A 192.0.2.1\n1 PTR host.example.com.\n',
  },
];

describe('text zone files: our serial == named-compilezone', () => {
  it.each(TEXT_ZONES.map((z, i) => [z.name, i] as const))('%s', async (_name, index) => {
    const spec = TEXT_ZONES[index]!;
    const caseDir = join(dir, `text-${index}`);
    await mkdir(caseDir, { recursive: true });
    for (const [name, content] of Object.entries(spec.include ?? {})) {
      await mkdir(join(caseDir, name, '..'), { recursive: true });
      await writeFile(join(caseDir, name), content);
    }
    // The zone file in a subdirectory: $INCLUDE must resolve against the working directory.
    await mkdir(join(caseDir, 'zones'), { recursive: true });
    const file = join(caseDir, 'zones', 'zone.db');
    await writeFile(file, spec.text);
    const theirs = await compilezoneSerial(spec.zone, 'zones/zone.db', { cwd: caseDir });
    const mine = await ours(spec.zone, file, { baseDir: caseDir });
    expect(mine.serial).toBe(theirs);
    expect(mine.format).toBe('text');
    expect(mine.includes).toEqual(
      Object.keys(spec.include ?? {}).map((name) => join(caseDir, name)),
    );
  });

  it('a file named-compilezone rejects (SOA below the apex) is a syntax error for us too', async () => {
    const file = join(dir, 'below.db');
    await writeFile(
      file,
      '$TTL 300\nwww SOA ns hostmaster 1 1 2 3 4\n@ SOA ns hostmaster 2 1 2 3 4\n',
    );
    const run = await runBinary('named-compilezone', [
      '-q',
      '-i',
      'none',
      '-o',
      '-',
      'example.com',
      file,
    ]);
    expect(run.exitCode).not.toBe(0);
    const result = await readZoneFileSerial(file, { origin: 'example.com' });
    expect(result.unwrapErr().kind).toBe('syntax');
  });
});

describe('raw zone files from named-compilezone', () => {
  it.each([
    ['raw', 1],
    ['raw=0', 0],
  ] as const)('-F %s: serial, header version and dump time', async (outputFormat, version) => {
    for (const [index, spec] of TEXT_ZONES.entries()) {
      if (spec.include) continue;
      const input = join(dir, `raw-in-${index}.db`);
      const output = join(dir, `raw-out-${index}-${version}.raw`);
      await writeFile(input, spec.text);
      const before = Math.floor(Date.now() / 1000);
      const run = await runBinary('named-compilezone', [
        '-i',
        'none',
        '-F',
        outputFormat,
        '-o',
        output,
        spec.zone,
        input,
      ]);
      expect(run.exitCode, run.stdout + run.stderr).toBe(0);
      const after = Math.ceil(Date.now() / 1000);
      const expected = await compilezoneSerial(spec.zone, input);
      for (const format of ['auto', 'raw'] as const) {
        const mine = await ours(spec.zone, output, { format });
        expect(mine, spec.name).toMatchObject({
          serial: expected,
          format: 'raw',
          rawVersion: version,
        });
        const dumped = mine.dumpTime!.getTime() / 1000;
        expect(dumped).toBeGreaterThanOrEqual(before);
        expect(dumped).toBeLessThanOrEqual(after);
      }
      expect(await compilezoneSerial(spec.zone, output, { format: 'raw' })).toBe(expected);
    }
  });

  it('a raw file truncated anywhere is an error value, never a wrong serial', async () => {
    const input = join(dir, 'trunc.db');
    const records = Array.from({ length: 50 }, (_, i) => `h${i} A 192.0.2.${i}`).join('\n');
    await writeFile(
      input,
      `$TTL 300\n@ SOA ns hostmaster 5 1 2 3 4\n@ NS ns\nns A 192.0.2.1\n${records}\n`,
    );
    const output = join(dir, 'trunc.raw');
    const run = await runBinary('named-compilezone', [
      '-i',
      'none',
      '-F',
      'raw',
      '-o',
      output,
      'example.com',
      input,
    ]);
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    const bytes = await readFile(output);
    for (let length = 0; length < 200; length++) {
      const cut = join(dir, 'cut.raw');
      await writeFile(cut, bytes.subarray(0, length));
      const result = await readZoneFileSerial(cut, { origin: 'example.com', format: 'raw' });
      if (result.isOk()) expect(result.value.serial).toBe(5);
      else expect(['bad-raw', 'no-soa']).toContain(result.error.kind);
    }
  });
});

/** Polls `check` until it returns a value other than undefined. */
async function poll<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The header lines of `named-journalprint -x FILE`. */
async function journalprint(file: string) {
  const run = await runBinary('named-journalprint', ['-x', file]);
  if (run.exitCode !== 0) throw new Error(`named-journalprint failed: ${run.stderr}`);
  const field = (label: string) => new RegExp(`^${label} = (.*)$`, 'm').exec(run.stdout)?.[1];
  const source = field('Source serial');
  return {
    version: field('Journal format'),
    headerVersion: Number(field('Header version')),
    startSerial: Number(field('Start serial')),
    endSerial: Number(field('End serial')),
    indexSize: Number(/^Index \(size = (\d+)\):$/m.exec(run.stdout)?.[1]),
    ...(source === undefined ? {} : { sourceSerial: Number(source) }),
  };
}

function headerOf(info: JournalInfo) {
  return {
    version: info.version,
    headerVersion: info.headerVersion,
    startSerial: info.startSerial,
    endSerial: info.endSerial,
    indexSize: info.indexSize,
    ...(info.sourceSerial === undefined ? {} : { sourceSerial: info.sourceSerial }),
  };
}

describe('a running named', () => {
  let named: NamedInstance;
  let rndc: RndcClient;
  let updates: UpdateClient;

  beforeAll(async () => {
    named = await startNamed({
      zones: [
        { name: 'dyn.test', kind: 'dynamic', records: ['host0 300 A 192.0.2.10'] },
        { name: 'signed.test', kind: 'inline-signing' },
      ],
    });
    rndc = RndcClient.connect({ port: named.controlPort, key: named.keys['hmac-sha256'] });
    updates = new UpdateClient({
      server: '127.0.0.1',
      port: named.dnsPort,
      key: named.keys['hmac-sha256'],
      retryIntervalMs: 500,
    });
  });

  afterAll(async () => {
    updates?.close();
    await rndc?.close();
    await named?.stop();
  });

  const zoneFile = (name: string) => named.zones.find((z) => z.name === name)!.path;

  async function served(zone: string) {
    const status = (await rndc.zonestatus(zone)).unwrap();
    return status;
  }

  it('the zone file as loaded: our serial == compilezone == zonestatus', async () => {
    const file = zoneFile('dyn.test');
    const mine = await ours('dyn.test', file);
    expect(mine.serial).toBe(await compilezoneSerial('dyn.test', file));
    expect(mine.serial).toBe((await served('dyn.test')).serial);
    expect((await readJournalInfo(`${file}.jnl`)).unwrapErr().kind).toBe('not-found');
  });

  it('journals: header == named-journalprint -x, end serial == served; sync writes the file', async () => {
    const file = zoneFile('dyn.test');
    const loaded = (await served('dyn.test')).serial!;
    for (let i = 1; i <= 5; i++) {
      (await updates.send(new Update('dyn.test').add(`host${i} 300 A 192.0.2.${i}`))).unwrap();
    }
    const status = await served('dyn.test');
    expect(status.serial).toBe(loaded + 5);

    const info = (await readJournalInfo(`${file}.jnl`)).unwrap();
    expect(headerOf(info)).toEqual(await journalprint(`${file}.jnl`));
    expect(info).toMatchObject({
      version: 'BIND LOG V9.2',
      startSerial: loaded,
      endSerial: status.serial,
      empty: false,
    });
    expect(info.size).toBe((await stat(`${file}.jnl`)).size);
    // Before the dump the file still holds the loaded serial (the dump waits up to 15 min).
    expect((await ours('dyn.test', file)).serial).toBe(loaded);

    (await rndc.sync('dyn.test')).unwrap();
    // The dump is asynchronous: poll until the file catches up.
    const written = await poll('the dump', async () => {
      const read = await readZoneFileSerial(file, { origin: 'dyn.test' });
      return read.isOk() && read.value.serial === status.serial ? read.value : undefined;
    });
    expect(written.serial).toBe(await compilezoneSerial('dyn.test', file));
    expect(written.serial).toBe((await served('dyn.test')).serial);
    // The journal still ends at the served serial (it is compacted, not removed).
    const after = (await readJournalInfo(`${file}.jnl`)).unwrap();
    expect(after.endSerial).toBe(status.serial);
    expect(headerOf(after)).toEqual(await journalprint(`${file}.jnl`));
  });

  it('a version-1 (BIND LOG V9) journal made by named-journalprint -d', async () => {
    const file = zoneFile('dyn.test');
    const copy = join(dir, 'downgraded.jnl');
    await copyFile(`${file}.jnl`, copy);
    const run = await runBinary('named-journalprint', ['-d', copy]);
    expect(run.exitCode, run.stderr).toBe(0);
    const info = (await readJournalInfo(copy)).unwrap();
    expect(info).toMatchObject({ version: 'BIND LOG V9', headerVersion: 1 });
    expect(headerOf(info)).toEqual(await journalprint(copy));
  });

  it('inline signing: the .signed (raw) file serial == zonestatus signed serial', async () => {
    const signedFile = `${zoneFile('signed.test')}.signed`;
    const final = await poll(
      'the .signed file to match the signed serial',
      async () => {
        const status = await served('signed.test');
        if (status.signedSerial === undefined) return undefined;
        const read = await readZoneFileSerial(signedFile, { origin: 'signed.test' });
        if (read.isOk() && read.value.serial === status.signedSerial)
          return { read: read.value, status };
        // Signing may have moved on since the file was written: ask for a dump and look again.
        await rndc.sync('signed.test');
        return undefined;
      },
      30_000,
    );
    expect(final.read).toMatchObject({ format: 'raw', rawVersion: 1 });
    expect(final.read.dumpTime!.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
    expect(final.read.dumpTime!.getTime()).toBeGreaterThan(Date.now() - 120_000);
    // The raw header records the unsigned zone's serial as its source serial.
    expect(final.read.sourceSerial).toBe(final.status.serial);
    expect(final.read.serial).toBe(
      await compilezoneSerial('signed.test', signedFile, { format: 'raw' }),
    );
    // The unsigned zone file is text, and holds the unsigned serial.
    expect((await ours('signed.test', zoneFile('signed.test'))).serial).toBe(final.status.serial);
    // The signed zone's journal: header as named-journalprint prints it.
    const signedJournal = await readJournalInfo(`${signedFile}.jnl`);
    if (signedJournal.isOk()) {
      expect(headerOf(signedJournal.value)).toEqual(await journalprint(`${signedFile}.jnl`));
    } else {
      expect(signedJournal.error.kind).toBe('not-found');
    }
  });

  it('inline signing: an update moves both serials; after sync both files match', async () => {
    (await updates.send(new Update('signed.test').add('www 300 A 192.0.2.80'))).unwrap();
    const file = zoneFile('signed.test');
    const signedFile = `${file}.signed`;
    const done = await poll(
      'both files to be written',
      async () => {
        const status = await served('signed.test');
        await rndc.sync('signed.test');
        const unsigned = await readZoneFileSerial(file, { origin: 'signed.test' });
        const signed = await readZoneFileSerial(signedFile, { origin: 'signed.test' });
        if (unsigned.isErr() || signed.isErr()) return undefined;
        // All three must agree: the .signed header's source serial is written with the signed
        // data, which may lag a dump behind the unsigned file under load.
        return unsigned.value.serial === status.serial &&
          signed.value.serial === status.signedSerial &&
          signed.value.sourceSerial === status.serial
          ? { status, unsigned: unsigned.value, signed: signed.value }
          : undefined;
      },
      30_000,
    );
    expect(done.signed.sourceSerial).toBe(done.status.serial);
    // After a dump named compacts the journal in the background: compare with named-journalprint
    // only when our reading is the same before and after it ran.
    const stable = await poll(
      'a journal header that does not change under named-journalprint',
      async () => {
        const first = (await readJournalInfo(`${file}.jnl`)).unwrap();
        const printed = await journalprint(`${file}.jnl`);
        const second = (await readJournalInfo(`${file}.jnl`)).unwrap();
        return JSON.stringify(headerOf(first)) === JSON.stringify(headerOf(second))
          ? { journal: first, printed }
          : undefined;
      },
      30_000,
    );
    expect(stable.journal.endSerial).toBe(done.status.serial);
    expect(headerOf(stable.journal)).toEqual(stable.printed);
  });
});
