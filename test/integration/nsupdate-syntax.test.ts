// Differential: the real nsupdate (the same BIND version as the run: RNDC_BIND_VERSION, else the
// machine's) is the referee for parseNsupdateScript; the syntax errors are worded alike in 9.16-9.20.
// - Malformed scripts: nsupdate exits 1 and prints exactly our `nsupdateStderr`; the script cut
//   just before our error line is accepted (exit 0), so the error is at the line we report.
// - Valid scripts: nsupdate's `show` prints the prereq/update sections our parse implies.
// - Nothing is ever sent: every script names a local UDP socket as its server, and the socket
//   must stay silent (a control script with `send` proves it would notice).
import { createSocket, type Socket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BindVersion,
  findBinary,
  runBinary,
  toolsBindVersion,
} from '../../src/testing/index.js';
import {
  type NsupdateCommand,
  type NsupdateScript,
  parseNsupdateScript,
} from '../../src/update/nsupdate-parse.js';

const nsupdatePath = findBinary('nsupdate');
const SECRET = 'c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0MTI=';

let socket: Socket;
let port = 0;
let received = 0;

beforeAll(async () => {
  socket = createSocket('udp4');
  socket.on('message', () => {
    received++;
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  port = socket.address().port;
});

afterAll(() => {
  socket?.close();
});

/** Log lines nsupdate's libraries print (`24-Nov-2026 18:53:56.749 …`) are not its messages. */
function withoutLogLines(stderr: string): string {
  return stderr
    .split(/(?<=\n)/)
    .filter((line) => !/^\d\d-[A-Z][a-z]{2}-\d{4} \d\d:\d\d:\d\d\.\d{3} /.test(line))
    .join('');
}

async function nsupdate(
  script: string,
  args: readonly string[] = [],
  { timeoutMs = 15_000 }: { timeoutMs?: number } = {},
) {
  const result = await runBinary(nsupdatePath ?? 'nsupdate', [...args], {
    input: script,
    timeoutMs,
  });
  return { ...result, stderr: withoutLogLines(result.stderr) };
}

/**
 * nsupdate's SOA query for zone discovery, sent to a server that never answers, with
 * `-t 1 -u 1 -r 0`. 9.18 and 9.20 honour those options (one query, about 1 s); 9.16 ignores them
 * for this query and uses fixed ones (5 s per try, 3 retries: four queries, about 20 s).
 * rndc-js's update applies -t/-u/-r to every query, as 9.18 and 9.20 do.
 */
const ZONE_DISCOVERY: Record<BindVersion, { queries: number; seconds: number }> = {
  '9.16': { queries: 4, seconds: 20 },
  '9.18': { queries: 1, seconds: 1 },
  '9.20': { queries: 1, seconds: 1 },
};

/** Resolves once `done()` holds, polling; gives up (without failing) after `ms`. */
async function until(done: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
}

/** The script as run: a first line pointing nsupdate at our silent socket. */
function withServer(body: string): string {
  return `server 127.0.0.1 ${port}\n${body}`;
}

// Each body gets the server line prepended, so its first line is line 2.
const MALFORMED: ReadonlyArray<readonly [string, string]> = [
  ['unknown command', 'bogus\n'],
  ['# is not a comment', '# note\n'],
  ['prereq without operation', 'prereq\n'],
  ['prereq with a bad operation', 'prereq exists a.example.\n'],
  ['prereq without owner', 'prereq nxdomain\n'],
  ['yxrrset without type', 'prereq yxrrset a.example.\n'],
  ['yxrrset with class, no type', 'prereq yxrrset a.example. IN\n'],
  ['nxrrset with a bad type', 'prereq nxrrset a.example. FOO\n'],
  ['shorthand yxrrset with class and bad type', 'yxrrset a.example. IN FOO\n'],
  ['update without operation', 'update\n'],
  ['update with a bad operation', 'update change a.example. 300 A 192.0.2.1\n'],
  ['add without owner', 'update add\n'],
  ['empty label', 'update add a..example. 300 A 192.0.2.1\n'],
  ['label too long', `update add ${'a'.repeat(64)}.example. 300 A 192.0.2.1\n`],
  ['escape above 255', 'update add a\\256.example. 300 A 192.0.2.1\n'],
  ['short escape at the end', 'update add a\\25 300 A 192.0.2.1\n'],
  ['bad escape digits', 'update add a\\25b.example. 300 A 192.0.2.1\n'],
  ['\\[ label', 'update add \\[x].example. 300 A 192.0.2.1\n'],
  ['name too long', `update add ${`${'a'.repeat(63)}.`.repeat(4)} 300 A 192.0.2.1\n`],
  ['add without TTL (type in its place)', 'update add a.example. A 192.0.2.1\n'],
  ['add with a unit TTL', 'add a.example. 1h A 192.0.2.1\n'],
  ['add with a TTL over 32 bits', 'update add a.example. 4294967296 A 192.0.2.1\n'],
  ['add with a TTL over 2^31-1', 'update add a.example. 2147483648 A 192.0.2.1\n'],
  ['add with a signed TTL', 'update add a.example. +300 A 192.0.2.1\n'],
  ['add without class or type', 'update add a.example. 300\n'],
  ['add with class, no type', 'update add a.example. 300 IN\n'],
  ['add without data', 'update add a.example. 300 A\n'],
  ['add with blanks for data', 'update add a.example. 300 A   \t \n'],
  ['unknown type', 'update add a.example. 300 FOO 1\n'],
  ['unknown type after class', 'update add a.example. 300 IN FOO 1\n'],
  ['TYPE65536', 'update add a.example. 300 TYPE65536 \\# 0\n'],
  ['CLASS255 is not a class for update', 'update delete a.example. CLASS255\n'],
  ['delete with an overflowing TTL', 'delete a.example. 99999999999 A\n'],
  ['class mismatch', 'update add a.example. 300 A 192.0.2.1\nupdate add b.example. 300 CH TXT x\n'],
  ['default TTL does not make 1h a TTL', 'ttl 60\nupdate add a.example. 1h A 192.0.2.1\n'],
  ['ttl without value', 'ttl\n'],
  ['ttl not a number (no message)', 'ttl abc\n'],
  ['ttl out of range', 'ttl 2147483648\n'],
  ['class without name', 'class\n'],
  ['unknown class', 'class FOO\n'],
  ['class NONE', 'class NONE\n'],
  ['class any', 'class any\n'],
  ['class CLASS0', 'class CLASS0\n'],
  ['zone without name', 'zone\n'],
  ['bad zone name', 'zone a..b\n'],
  ['server without host', 'server\n'],
  ['server port 0', 'server 127.0.0.1 0\n'],
  ['server port not numeric', 'server 127.0.0.1 5x\n'],
  ['; after server is a port', 'server 127.0.0.1 ; primary\n'],
  ['local without address', 'local\n'],
  ['local port out of range', 'local 127.0.0.1 99999\n'],
  ['local host name (no newline in message)', 'local localhost\n'],
  ['local with leading zeros', 'local 01.2.3.4\n'],
  ['key without name', 'key\n'],
  ['key without secret', 'key upd-key\n'],
  ['key with bad base64', 'key upd-key abc\n'],
  ['key with trailing junk', `key hmac-sha256:upd-key ${SECRET} junk\n`],
  ['unknown key type', `key hmac-foo:upd-key ${SECRET}\n`],
  ['empty key type', `key :upd-key ${SECRET}\n`],
  ['long key type', `key hmac-sha256-truncated-a-lot:upd-key ${SECRET}\n`],
  ['digest bits too many', `key hmac-sha256-300:upd-key ${SECRET}\n`],
  ['digest bits missing', `key hmac-md5-:upd-key ${SECRET}\n`],
  ['bad key name', `key hmac-sha256:a..b ${SECRET}\n`],
  ['empty key name', `key hmac-sha256: ${SECRET}\n`],
  ['check-names without value', 'check-names\n'],
  ['check-names maybe', 'checknames maybe\n'],
  [
    'error after pending changes',
    'prereq nxdomain a.example.\nadd a.example. 300 A 192.0.2.1\nsned\n',
  ],
  ['comment lines do not hide errors', '; fine\n   ;fine too\nUpdate Add a.example. 300 A\n'],
  ['CRLF lines', 'zone example.\r\nupdate add a.example. 300 IN\r\n'],
];

describe.skipIf(!nsupdatePath)(
  'malformed scripts: same verdict, message and line as nsupdate',
  () => {
    it('has at least 25 cases', () => {
      expect(MALFORMED.length).toBeGreaterThanOrEqual(25);
    });

    it.each(MALFORMED)('%s', async (_name, body) => {
      const script = withServer(body);
      const before = received;
      const parsed = parseNsupdateScript(script, { file: 'script' });
      expect(parsed.isErr(), 'our parser accepted it').toBe(true);
      const error = parsed.unwrapErr();
      expect(error.kind).toBe('syntax');
      expect(error.exitCode).toBe(1);

      const full = await nsupdate(script);
      expect(full.exitCode).toBe(1);
      expect(full.stdout).toBe('');
      // nsupdate echoes a bad secret (all the text after the key name); we never do.
      const redacted = full.stderr.replace(
        /^could not create key from .*: /m,
        'could not create key from [redacted]: ',
      );
      expect(error.nsupdateStderr).toBe(redacted);
      expect(error.message).toMatch(new RegExp(`^script:${error.line}: `));
      if (error.nsupdateMessage !== undefined) {
        expect(error.message).toBe(`script:${error.line}: ${error.nsupdateMessage}`);
      }

      // The script up to the line before ours is fine for nsupdate: the error is on our line.
      const lines = script.split('\n');
      const upTo = `${lines.slice(0, error.line - 1).join('\n')}\n`;
      const cut = await nsupdate(upTo);
      expect(cut.exitCode, cut.stderr).toBe(0);
      expect(parseNsupdateScript(upTo).isOk()).toBe(true);
      expect(received).toBe(before);
    });

    it('checks local-only mode like nsupdate -l', async () => {
      const script = 'server 127.0.0.1\n';
      const error = parseNsupdateScript(script, { localOnly: true }).unwrapErr();
      // -l wants a session key unless given one; -y lets it get as far as the script.
      const theirs = await nsupdate(script, ['-l', '-y', `hmac-sha256:k:${SECRET}`]);
      expect(theirs.exitCode).toBe(1);
      expect(theirs.stderr.endsWith(error.nsupdateStderr ?? '?')).toBe(true);
    });
  },
);

/** A record line as nsupdate's `show` prints it: owner, ttl, class, type, whether there is data. */
interface ShownRecord {
  readonly section: 'PREREQUISITE' | 'UPDATE';
  readonly owner: string;
  readonly ttl: number;
  readonly class: string;
  readonly type: string;
  readonly data: string;
}

function parseShow(stdout: string): ShownRecord[] {
  const records: ShownRecord[] = [];
  let section: ShownRecord['section'] | undefined;
  for (const line of stdout.split('\n')) {
    const header = /^;; (PREREQUISITE|UPDATE) SECTION:/.exec(line);
    if (header) {
      section = header[1] as ShownRecord['section'];
      continue;
    }
    if (line.startsWith(';') || line.trim() === '') {
      if (line.startsWith(';;')) section = undefined;
      continue;
    }
    if (!section) continue;
    const [owner = '', ttl = '', cls = '', type = '', ...data] = line.split(/\s+/);
    records.push({ section, owner, ttl: Number(ttl), class: cls, type, data: data.join(' ') });
  }
  return records;
}

const CLASS_NAMES: Readonly<Record<number, string>> = {
  1: 'IN',
  3: 'CH',
  4: 'HS',
  254: 'NONE',
  255: 'ANY',
};
const className = (value: number) => CLASS_NAMES[value] ?? `CLASS${value}`;

function absolute(owner: string): string {
  if (owner === '@' || owner === '.') return '.';
  return owner.endsWith('.') ? owner : `${owner}.`;
}

/** What RFC 2136 (and nsupdate) put on the wire for each prereq/update command. */
function expectedShow(commands: readonly NsupdateCommand[]): Omit<ShownRecord, 'data'>[] {
  const out: Omit<ShownRecord, 'data'>[] = [];
  for (const command of commands) {
    if (command.kind === 'prereq') {
      const owner = absolute(command.owner);
      const base = { section: 'PREREQUISITE' as const, owner, ttl: 0 };
      if (command.condition === 'nxdomain') out.push({ ...base, class: 'NONE', type: 'ANY' });
      else if (command.condition === 'yxdomain') out.push({ ...base, class: 'ANY', type: 'ANY' });
      else if (command.condition === 'nxrrset') {
        out.push({ ...base, class: 'NONE', type: command.type.toUpperCase() });
      } else {
        const cls = command.rdata === undefined ? 'ANY' : className(command.rdataClass);
        out.push({ ...base, class: cls, type: command.type.toUpperCase() });
      }
    } else if (command.kind === 'update') {
      const owner = absolute(command.owner);
      const base = { section: 'UPDATE' as const, owner };
      if (command.operation === 'add') {
        out.push({
          ...base,
          ttl: command.ttl,
          class: className(command.rdataClass),
          type: command.type.toUpperCase(),
        });
      } else if (command.scope === 'name') {
        out.push({ ...base, ttl: 0, class: 'ANY', type: 'ANY' });
      } else if (command.scope === 'rrset') {
        out.push({ ...base, ttl: 0, class: 'ANY', type: command.type.toUpperCase() });
      } else {
        out.push({ ...base, ttl: 0, class: 'NONE', type: command.type.toUpperCase() });
      }
    }
  }
  // nsupdate's show lists the prerequisite section first.
  return [
    ...out.filter((record) => record.section === 'PREREQUISITE'),
    ...out.filter((record) => record.section === 'UPDATE'),
  ];
}

const VALID: ReadonlyArray<readonly [string, string]> = [
  [
    'every prereq form, with and without the keyword',
    'prereq nxdomain a.example.\nprereq yxdomain b.example.\nprereq nxrrset c.example. A\n' +
      'prereq yxrrset d.example. MX\nprereq yxrrset e.example. IN A 192.0.2.5\n' +
      'nxdomain f.example.\nyxdomain g.example.\nnxrrset h.example. IN TXT\nyxrrset i.example. TXT "x"\n',
  ],
  [
    'every delete form',
    'update delete a.example.\nupdate delete b.example. 300\nupdate delete c.example. IN\n' +
      'update delete d.example. 300 IN A\nupdate delete e.example. A 192.0.2.1\n' +
      'update del f.example. 300 IN A 192.0.2.2\ndelete g.example. ANY\ndel h.example. IN ANY\n' +
      'delete i.example. 4294967295 A\nupdate delete j.example. 300 IN   \n',
  ],
  [
    'add with explicit TTL and class, shorthand, case-insensitive keywords',
    'update add a.example. 300 A 192.0.2.1\nadd b.example. 0 IN AAAA 2001:db8::1\n' +
      'UPDATE ADD c.example. 2147483647 in mx 10 mail.example.\nUpdate Add d.example. 0300 TXT "hello"\n',
  ],
  [
    'default TTL, ttl none',
    'ttl 60\nupdate add a.example. A 192.0.2.1\nupdate add b.example. IN A 192.0.2.2\n' +
      'ttl none\nupdate add c.example. 30 A 192.0.2.3\n',
  ],
  [
    'class CH makes records CH',
    'class CH\nupdate add version.bind. 0 TXT "x"\nprereq yxrrset a.b. TXT\n',
  ],
  [
    'an explicit class fixes the class of later records',
    'update delete a.example. CH\nupdate add b.example. 300 TXT "x"\n',
  ],
  [
    'the zone class stays the default after show with a zone',
    'zone example.\nshow\nclass HS\nupdate add a.example. 300 TXT "x"\n',
  ],
  ['@ and the root', 'update add @ 300 TXT "root"\nprereq nxdomain .\n'],
  [
    'data nsupdate takes literally',
    'update add a.example. 300 TXT a ; b\nupdate add b.example. 300 TXT ( c )\n' +
      'prereq nxrrset c.example. A 192.0.2.1\n',
  ],
  [
    'comments, CRLF, other commands',
    '; comment\n  ;another\r\nzone example.\r\ncheck-names off\nchecknames yes\nlocal 127.0.0.1\n' +
      'local ::1 5353\nversion\nhelp\nanswer\ndebug\n' +
      `key hmac-sha256-128:upd-key ${SECRET}\nkey upd-key  ${SECRET.slice(0, 20)} ${SECRET.slice(20)}\n` +
      'update add a.example. 300 A 192.0.2.1\n',
  ],
  ['TYPEnnn and RFC 3597 data', 'update add a.example. 300 TYPE65534 \\# 2 abcd\n'],
];

describe.skipIf(!nsupdatePath)('valid scripts: nsupdate shows what our parse implies', () => {
  it.each(VALID)('%s', async (_name, body) => {
    const script = withServer(body);
    const before = received;
    const parsed: NsupdateScript = parseNsupdateScript(script).unwrap();
    const theirs = await nsupdate(`${script}show\n`);
    expect(theirs.exitCode, theirs.stderr).toBe(0);
    const shown = parseShow(theirs.stdout).map(({ data: _data, ...rest }) => rest);
    expect(shown).toEqual(expectedShow(parsed.commands));
    expect(received).toBe(before);
  });

  it('records the data nsupdate uses: ; and parentheses are data', async () => {
    const script = withServer(
      'update add a.example. 300 TXT a ; b\nupdate add b.example. 300 TXT ( c )\n',
    );
    const parsed = parseNsupdateScript(script).unwrap();
    const theirs = await nsupdate(`${script}show\n`);
    expect(parseShow(theirs.stdout).map((record) => record.data)).toEqual([
      '"a" ";" "b"',
      '"(" "c" ")"',
    ]);
    expect(
      parsed.commands.flatMap((c) => (c.kind === 'update' && 'rdata' in c ? [c.rdata] : [])),
    ).toEqual(['a ; b', '( c )']);
    expect(parsed.warnings.map((w) => [w.kind, w.line])).toEqual([
      ['semicolon-in-data', 2],
      ['parenthesis-in-data', 3],
      ['unsent-at-eof', 3],
    ]);
  });

  it('accepts gsstsig/realm (GSS-API build) where we report unsupported', async () => {
    for (const body of ['gsstsig\n', 'oldgsstsig\n', 'realm EXAMPLE.COM\n']) {
      const script = withServer(body);
      expect(parseNsupdateScript(script).unwrapErr().kind).toBe('unsupported');
      const theirs = await nsupdate(script);
      // Debian's nsupdate is linked with GSS-API and takes these silently.
      expect([0, 1]).toContain(theirs.exitCode);
    }
  });
});

describe.skipIf(!nsupdatePath)('what nsupdate drops without a word', () => {
  it('sends nothing at EOF without send or a blank line, and exits 0', async () => {
    const script = withServer(
      'update add a.example. 300 A 192.0.2.1\nupdate add b.example. 300 A 192.0.2.2',
    );
    const before = received;
    const parsed = parseNsupdateScript(script, { file: 's' }).unwrap();
    expect(parsed.warnings).toEqual([
      {
        kind: 'unsent-at-eof',
        line: 3,
        lines: [2, 3],
        message:
          "s:3: the script ends without 'send' or a blank line after lines 2, 3: nsupdate silently drops them (exit status 0)",
      },
    ]);
    const theirs = await nsupdate(script, ['-t', '2', '-u', '1', '-r', '0']);
    expect(theirs).toMatchObject({ exitCode: 0, stdout: '', stderr: '' });
    expect(received).toBe(before);
  });

  it('sends nothing when quit comes before send, and ignores what follows quit', async () => {
    const script = withServer('update add a.example. 300 A 192.0.2.1\nquit\nbogus\n');
    const before = received;
    const parsed = parseNsupdateScript(script).unwrap();
    expect(parsed.warnings.map((w) => [w.kind, w.lines])).toEqual([
      ['quit-discards', [2]],
      ['ignored-input', [4]],
    ]);
    const theirs = await nsupdate(script, ['-t', '2', '-u', '1', '-r', '0']);
    expect(theirs).toMatchObject({ exitCode: 0, stderr: '' });
    expect(received).toBe(before);
  });

  it('control: with a blank line the same script is sent (so the socket would notice)', async () => {
    const version = await toolsBindVersion();
    if (version === undefined) throw new Error('no supported BIND tools found');
    const discoveryTry = ZONE_DISCOVERY[version];
    const script = withServer('update add a.example. 300 A 192.0.2.1\n\n');
    let before = received;
    const parsed = parseNsupdateScript(script).unwrap();
    expect(parsed.warnings).toEqual([]);
    expect(parsed.commands.at(-1)).toMatchObject({
      kind: 'send',
      blankLine: true,
      pendingLines: [2],
    });
    // Without a zone, the SOA query of zone discovery goes out first; its failure is fatal (1).
    const discovery = await nsupdate(script, ['-t', '1', '-u', '1', '-r', '0'], {
      timeoutMs: discoveryTry.seconds * 1000 + 30_000,
    });
    expect(discovery.exitCode).toBe(1);
    expect(discovery.stderr).toContain('could not reach any name server');
    // Every query nsupdate sent reached the socket (delivery is local; wait for the events).
    await until(() => received - before >= discoveryTry.queries, 10_000);
    expect(received - before).toBe(discoveryTry.queries);
    // With a zone the update itself goes out; a failed update is exit status 2.
    before = received;
    const zoned = await nsupdate(
      withServer('zone example.\nupdate add a.example. 300 A 192.0.2.1\nsend\n'),
      ['-t', '1', '-u', '1', '-r', '0'],
    );
    expect(zoned.exitCode).toBe(2);
    expect(zoned.stderr).toMatch(/^; Communication with 127\.0\.0\.1#\d+ failed: timed out\n$/);
    expect(received).toBeGreaterThan(before);
  }, 90_000);
});
