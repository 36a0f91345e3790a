// nsupdate's behaviour beyond the script language, compared with `rndc-js update` on the BIND
// version under test (RNDC_BIND_VERSION): transport failures, `version` and `help`, a session on a
// real terminal, `answer`'s TSIG pseudosection, and key files nsupdate refuses. Both tools run as
// processes against the same named; stdout, stderr and exit status are compared. Where nsupdate
// versions differ, the table below says what each one prints, and the test checks that too.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BindVersion, selectedBindVersion } from '../../src/testing/bind-versions.js';
import {
  type BinaryResult,
  findBinary,
  freePort,
  type NamedInstance,
  runBinary,
  startNamed,
} from '../../src/testing/index.js';
import { CLI_FROM_SOURCE } from '../helpers/cli-io.js';
import { runOnTerminal } from '../helpers/pty.js';

const ROOT = resolve(import.meta.dirname, '../..');
// Twin zones with names of the same length: nsupdate's columns are the same for both.
const OURS = 'ours.test';
const THEIRS = 'nsup.test';

/**
 * What nsupdate says when nothing listens on the server's port (measured: 9.16.50, 9.18.49,
 * 9.20.23). rndc-js says `connection refused` in every case (see docs/cli-update.md).
 */
const REFUSED_TEXT: Readonly<
  Record<BindVersion, { udp: string; tcpZone: string; tcpLookup: string }>
> = {
  // 9.16 ignores the ICMP port unreachable and waits for the timeout.
  '9.16': { udp: 'timed out', tcpZone: 'operation canceled', tcpLookup: 'timed out' },
  '9.18': {
    udp: 'connection refused',
    tcpZone: 'operation canceled',
    tcpLookup: 'operation canceled',
  },
  '9.20': {
    udp: 'connection refused',
    tcpZone: 'connection refused',
    tcpLookup: 'connection refused',
  },
};

let named: NamedInstance;
let dir: string;
let keyFile: string;
let version: BindVersion;
let silentPort: number;
let silentUdp: UdpSocket;
let silentTcp: Server;
const held: Socket[] = [];
let closedPort: number;

beforeAll(async () => {
  const records = ['old 300 A 192.0.2.50'];
  named = await startNamed({
    zones: [
      { name: OURS, kind: 'dynamic', records },
      { name: THEIRS, kind: 'dynamic', records },
    ],
  });
  dir = await mkdtemp(join(tmpdir(), 'nsupdate-behaviour-'));
  const k = named.keys['hmac-sha256'];
  keyFile = join(dir, 'ddns.key');
  await writeFile(
    keyFile,
    `key "${k.name}" {\n\talgorithm hmac-sha256;\n\tsecret "${k.secretBytes().toString('base64')}";\n};\n`,
    { mode: 0o600 },
  );
  // The nsupdate on PATH first, unless RNDC_BIND_VERSION chose one.
  const shown = await runBinary('nsupdate', ['-V']);
  const found = shown.stdout + shown.stderr;
  const detected = /nsupdate (9\.(?:16|18|20))\./.exec(found)?.[1];
  version = selectedBindVersion() ?? (detected as BindVersion);
  expect(['9.16', '9.18', '9.20']).toContain(version);
  // A server that never answers: a bound UDP socket that reads nothing, and a TCP listener that
  // accepts and holds the connection.
  // The UDP port's number may be taken for TCP by another process: try another one then.
  for (let attempt = 1; ; attempt++) {
    silentUdp = createSocket('udp4');
    await new Promise<void>((done) => silentUdp.bind(0, '127.0.0.1', done));
    silentPort = silentUdp.address().port;
    silentTcp = createServer((socket) => held.push(socket));
    const listening = await new Promise<boolean>((done) => {
      silentTcp.once('error', () => done(false));
      silentTcp.listen(silentPort, '127.0.0.1', () => done(true));
    });
    if (listening) break;
    silentUdp.close();
    if (attempt >= 20) throw new Error('no port free for both UDP and TCP after 20 tries');
  }
  // A port nothing listens on (UDP and TCP).
  closedPort = await freePort();
});

afterAll(async () => {
  for (const socket of held) socket.destroy();
  silentTcp?.close();
  silentUdp?.close();
  await named?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const rndcJs = (args: readonly string[], input: string): Promise<BinaryResult> =>
  runBinary(process.execPath, [...CLI_FROM_SOURCE, 'update', ...args], {
    cwd: ROOT,
    timeoutMs: 90_000,
    input,
  });

const nsupdate = (args: readonly string[], input: string) =>
  runBinary('nsupdate', args, { timeoutMs: 90_000, input });

/** Message IDs, TSIG times and MACs differ from run to run; the zone names differ by design. */
function normalise(text: string): string {
  return text
    .replaceAll(THEIRS, 'ZONE')
    .replaceAll(OURS, 'ZONE')
    .replace(/id: +(\d+)\n/g, (match, id: string) => (id === '0' ? match : 'id: N\n'))
    .replace(
      /(\tTSIG\thmac-[a-z0-9.-]+) \d+ (\d+) (\d+)((?: [A-Za-z0-9+/=]+)*?) (\d+) ([A-Z]+|\d+) /g,
      (_m, alg: string, fudge: string, size: string, mac: string, _id: string, error: string) =>
        `${alg} TIME ${fudge} ${size}${mac === '' ? '' : ' MAC'} ID ${error} `,
    );
}

const FAST = ['-t', '2', '-u', '1', '-r', '0'];

describe('transport failures', () => {
  const script = (port: number, zone: boolean) =>
    `server 127.0.0.1 ${port}\n${zone ? 'zone example.\n' : ''}update add x.example. 300 A 192.0.2.1\nsend\nupdate add y.example. 300 A 192.0.2.2\nsend\n`;

  for (const [title, tcp] of [
    ['UDP', false],
    ['TCP (-v)', true],
  ] as const) {
    it(`${title}, no answer, zone given: one line per send, exit 2 — the same bytes`, async () => {
      const flags = [...FAST, ...(tcp ? ['-v'] : [])];
      const [theirs, ours] = await Promise.all([
        nsupdate(flags, script(silentPort, true)),
        rndcJs(flags, script(silentPort, true)),
      ]);
      const line = `; Communication with 127.0.0.1#${silentPort} failed: timed out\n`;
      expect(theirs).toMatchObject({ exitCode: 2, stdout: '', stderr: line + line });
      expect(ours).toMatchObject({ exitCode: 2, stdout: '', stderr: theirs.stderr });
    }, 120_000);

    it(`${title}, no answer, no zone: the SOA lookup fails, 'could not reach any name server', exit 1 — the same bytes`, async () => {
      const flags = [...FAST, ...(tcp ? ['-v'] : [])];
      const [theirs, ours] = await Promise.all([
        nsupdate(flags, script(silentPort, false)),
        rndcJs(flags, script(silentPort, false)),
      ]);
      expect(theirs).toMatchObject({
        exitCode: 1,
        stdout: '',
        stderr: `; Communication with 127.0.0.1#${silentPort} failed: timed out\ncould not reach any name server\n`,
      });
      expect(ours).toMatchObject({ exitCode: 1, stdout: '', stderr: theirs.stderr });
    }, 120_000);

    for (const zone of [true, false]) {
      it(`${title}, nothing listens, ${zone ? 'zone given' : 'no zone'}: nsupdate's text per version; rndc-js says connection refused`, async () => {
        const flags = [...FAST, ...(tcp ? ['-v'] : [])];
        const [theirs, ours] = await Promise.all([
          nsupdate(flags, script(closedPort, zone)),
          rndcJs(flags, script(closedPort, zone)),
        ]);
        const table = REFUSED_TEXT[version];
        const reason = !tcp ? table.udp : zone ? table.tcpZone : table.tcpLookup;
        const shape = (why: string) => {
          const line = `; Communication with 127.0.0.1#${closedPort} failed: ${why}\n`;
          return zone ? line + line : `${line}could not reach any name server\n`;
        };
        expect(theirs).toMatchObject({ exitCode: zone ? 2 : 1, stdout: '', stderr: shape(reason) });
        expect(ours).toMatchObject({
          exitCode: zone ? 2 : 1,
          stdout: '',
          stderr: shape('connection refused'),
        });
        if (reason === 'connection refused') expect(ours.stderr).toBe(theirs.stderr);
      }, 120_000);
    }
  }
});

describe('version and help', () => {
  it('version prints one version line on stdout, exit 0, as nsupdate', async () => {
    const [theirs, ours] = await Promise.all([nsupdate([], 'version\n'), rndcJs([], 'version\n')]);
    expect(theirs.stdout).toMatch(
      new RegExp(`^nsupdate ${version.replace('.', '\\.')}\\.\\d+\\S*\n$`),
    );
    expect(ours.stdout).toMatch(/^rndc-js \d+\.\d+\.\d+\S*\n$/);
    expect([theirs.exitCode, theirs.stderr, ours.exitCode, ours.stderr]).toEqual([0, '', 0, '']);
  });

  it("help: the version line with a colon, then nsupdate's commands in its two columns (GSS-TSIG aside)", async () => {
    const [theirs, ours] = await Promise.all([nsupdate([], 'help\n'), rndcJs([], 'help\n')]);
    expect([theirs.exitCode, ours.exitCode]).toEqual([0, 0]);
    const rows = (text: string) => text.split('\n').slice(1, -1);
    const syntax = (text: string) => rows(text).map((row) => row.slice(0, 26).trimEnd());
    // Same layout: a 26-column syntax field, then the description in parentheses.
    for (const row of [...rows(theirs.stdout), ...rows(ours.stdout)]) {
      expect(row).toMatch(/^.{25} \(.+\)$/);
    }
    expect(theirs.stdout.split('\n')[0]).toMatch(/^nsupdate .*:$/);
    expect(ours.stdout.split('\n')[0]).toMatch(/^rndc-js .*:$/);
    const gss = ['gsstsig', 'oldgsstsig', 'realm'];
    const theirCommands = syntax(theirs.stdout).filter((s) => !gss.includes(s));
    // Every command nsupdate lists (but GSS-TSIG's), in nsupdate's order; ours adds a few.
    expect(syntax(ours.stdout).filter((s) => theirCommands.includes(s))).toEqual(theirCommands);
    expect(syntax(ours.stdout).filter((s) => gss.includes(s))).toEqual([]);
  });
});

describe('answer prints the TSIG pseudosection as nsupdate does', () => {
  it('a signed success and a signed failure (-k): the same text but IDs, times and MACs', async () => {
    const script = (zone: string) =>
      `server 127.0.0.1 ${named.dnsPort}\nzone ${zone}\nupdate add new.${zone}. 300 A 192.0.2.7\nsend\nanswer\nprereq nxdomain old.${zone}.\nsend\nanswer\n`;
    const [theirs, ours] = await Promise.all([
      nsupdate(['-k', keyFile], script(THEIRS)),
      rndcJs(['-k', keyFile], script(OURS)),
    ]);
    expect(theirs.stdout).toContain(';; TSIG PSEUDOSECTION:\n');
    expect(theirs.stdout.match(/ 32 [A-Za-z0-9+/]{43}= /g)).toHaveLength(2);
    expect(ours.stdout.match(/ 32 [A-Za-z0-9+/]{43}= /g)).toHaveLength(2);
    expect(normalise(ours.stdout)).toBe(normalise(theirs.stdout));
    expect([ours.exitCode, ours.stderr]).toEqual([theirs.exitCode, theirs.stderr]);
    expect(theirs.exitCode).toBe(2);
    // The key's secret is nowhere in the output (the MAC is not the secret).
    const secret = named.keys['hmac-sha256'].secretBytes().toString('base64');
    expect(ours.stdout + ours.stderr).not.toContain(secret);
  });

  it('an unknown key: the unsigned BADKEY reply, MAC size 0', async () => {
    const secret = named.keys['hmac-sha256'].secretBytes().toString('base64');
    const script = (zone: string) =>
      `server 127.0.0.1 ${named.dnsPort}\nzone ${zone}\nsend\nanswer\n`;
    const args = ['-y', `hmac-sha256:no-such-key:${secret}`];
    const [theirs, ours] = await Promise.all([
      nsupdate(args, script(THEIRS)),
      rndcJs(args, script(OURS)),
    ]);
    expect(theirs.stdout).toMatch(/\tTSIG\thmac-sha256\. \d+ 300 0 \d+ BADKEY 0 \n/);
    expect(normalise(ours.stdout)).toBe(normalise(theirs.stdout));
    expect(ours.exitCode).toBe(theirs.exitCode);
    // rndc-js adds its -y warning after nsupdate's lines.
    expect(
      ours.stderr
        .split('\n')
        .filter((l) => !l.startsWith('rndc-js: '))
        .join('\n'),
    ).toBe(theirs.stderr);
  });
});

describe('on a terminal: the > prompt, and each send goes out when typed', () => {
  const hasPython = findBinary('python3') !== undefined;

  it('the same session through nsupdate and rndc-js', async () => {
    // A failure, not a skip, where the machine cannot make a pseudo-terminal.
    if (!hasPython) throw new Error('python3 not found: the terminal session cannot be tested');
    const lines = (zone: string) => [
      `server 127.0.0.1 ${named.dnsPort}`,
      `zone ${zone}`,
      `update add tty.${zone}. 300 A 192.0.2.8`,
      'send',
      'answer',
      'bogus',
      `prereq nxdomain old.${zone}.`,
      '',
      'answer',
      `update add tty2.${zone}. 300 A 192.0.2.9`,
      'show',
    ];
    const nsupdatePath = findBinary('nsupdate') as string;
    const [theirs, ours] = await Promise.all([
      runOnTerminal(nsupdatePath, ['-k', keyFile], lines(THEIRS)),
      runOnTerminal(process.execPath, [...CLI_FROM_SOURCE, 'update', '-k', keyFile], lines(OURS)),
    ]);
    // What each tool printed besides prompts and the terminal's echo of the typed lines. A line
    // typed before a line editor has put the terminal in raw mode is echoed twice (by the
    // kernel, then by the editor), so a typed empty line can show as two: runs of blank lines
    // count as one.
    const typed = new Set([...lines(THEIRS), ...lines(OURS), '^D']);
    const printed = (output: string) =>
      normalise(
        output
          .split('\n')
          .map((line) => line.replace(/^(> )+/, ''))
          .filter((line) => !typed.has(line) || line === '')
          .join('\n'),
      )
        .replace(/\n{3,}/g, '\n\n')
        .replace(/\n+$/, '\n');
    expect(printed(ours.output)).toBe(printed(theirs.output));
    // The session's proof of sending at each send: answer shows the reply right after it.
    expect(printed(ours.output)).toMatch(
      /^Answer:\n;; ->>HEADER<<- opcode: UPDATE, status: NOERROR/m,
    );
    expect(printed(ours.output)).toContain('incorrect section name: bogus\n');
    expect(printed(ours.output)).not.toContain('syntax error');
    expect(printed(ours.output)).toContain('update failed: YXDOMAIN\n');
    // One prompt per line read, the last before Ctrl-D.
    expect(ours.output.match(/> /g)?.length).toBe(lines(OURS).length + 1);
    expect(theirs.output.match(/> /g)?.length ?? 0).toBeGreaterThanOrEqual(lines(THEIRS).length);
    // After Ctrl-D: whatever the program printed, without the terminal's echoes (^D, ^U), bells, line
    // redraws and prompts (which differ between line editors).
    const printedAtEof = (text: string) =>
      // biome-ignore lint/suspicious/noControlCharactersInRegex: terminal control is what it removes
      text.replace(/\^[@A-Z]|\x1b\[[0-9;?]*[A-Za-z]|[\x00-\x09\x0b-\x1f]|> /g, '').trim();
    expect(printedAtEof(ours.afterEof)).toBe(printedAtEof(theirs.afterEof));
    // Exit status: 2, an update failed (the syntax error on a terminal does not count).
    expect([theirs.exitCode, ours.exitCode]).toEqual([2, 2]);
  }, 120_000);
});

describe('key files nsupdate -k refuses', () => {
  const secret = () => named.keys['hmac-sha256'].secretBytes().toString('base64');
  // Files refused before any use: a fixed secret will do (the texts are built at collection).
  const FIXED = Buffer.from('a fixed secret for refused files').toString('base64');
  const keyText = (name: string, algorithm: string, extra = '', key = FIXED) =>
    `key "${name}" {\n\talgorithm ${algorithm};\n\tsecret "${key}";\n${extra}};\n`;

  it('algorithm hmac-md5.sig-alg.reg.int: unknown key type, exit 1', async () => {
    const file = join(dir, 'md5.key');
    await writeFile(file, keyText('k', 'hmac-md5.sig-alg.reg.int'), { mode: 0o600 });
    const [theirs, ours] = await Promise.all([
      nsupdate(['-k', file], 'show\n'),
      rndcJs(['-k', file], 'show\n'),
    ]);
    expect(theirs).toMatchObject({
      exitCode: 1,
      stdout: '',
      stderr: "unknown key type 'hmac-md5.sig-alg.reg.int'\n",
    });
    expect(ours.exitCode).toBe(1);
    expect(ours.stdout).toBe('');
    expect(ours.stderr).toContain("unknown key type 'hmac-md5.sig-alg.reg.int'");
  });

  const refused: ReadonlyArray<readonly [string, string, RegExp, number]> = [
    // [title, file text, nsupdate's message, nsupdate's exit status]
    [
      'key "k" and key "k."',
      `${keyText('k', 'hmac-sha256')}${keyText('k.', 'hmac-sha256')}`,
      /already exists/,
      0,
    ],
    ['an unknown clause', keyText('k', 'hmac-sha256', '\tfoo 1;\n'), /unknown option 'foo'/, 0],
    ['key name a..b', keyText('a..b', 'hmac-sha256'), /empty label/, 1],
    ['a 64-byte label', keyText(`${'x'.repeat(64)}.b`, 'hmac-sha256'), /label too long/, 1],
  ];
  it.each(refused)(
    '%s: nsupdate refuses it; rndc-js too, always with exit 1',
    async (_t, text, message, status) => {
      const file = join(dir, `bad-${refused.findIndex((r) => r[1] === text)}.key`);
      await writeFile(file, text, { mode: 0o600 });
      const [theirs, ours] = await Promise.all([
        nsupdate(['-k', file], 'show\n'),
        rndcJs(['-k', file], 'show\n'),
      ]);
      expect(theirs.stderr).toMatch(message);
      // nsupdate carries on unsigned after a key it could not read (status 0), or stops (1).
      expect(theirs.exitCode).toBe(status);
      expect(ours).toMatchObject({ exitCode: 1, stdout: '' });
      expect(ours.stderr).toMatch(/^rndc-js: could not read key from /);
      expect(ours.stderr).not.toContain(FIXED);
    },
  );

  it('hmac-sha256-64: accepted by both (named-checkconf warns); named answers FORMERR(BADSIG) to both', async () => {
    const file = join(dir, 'short.key');
    const k = named.keys['hmac-sha256'];
    await writeFile(file, keyText(k.name, 'hmac-sha256-64', '', secret()), { mode: 0o600 });
    const script = (zone: string) =>
      `server 127.0.0.1 ${named.dnsPort}\nzone ${zone}\nsend\nanswer\n`;
    const [theirs, ours] = await Promise.all([
      nsupdate(['-k', file], script(THEIRS)),
      rndcJs(['-k', file], script(OURS)),
    ]);
    expect(theirs.stderr).toBe(
      '; TSIG error with server: tsig indicates error\nupdate failed: FORMERR(BADSIG)\n',
    );
    expect(theirs.exitCode).toBe(2);
    expect(normalise(ours.stdout)).toBe(normalise(theirs.stdout));
    expect(ours.exitCode).toBe(2);
    const [first, ...rest] = ours.stderr.split('\n').reverse().filter(Boolean).reverse();
    expect([first, rest[0]]).toEqual(theirs.stderr.split('\n').slice(0, 2));
    expect(ours.stderr).toMatch(
      /rndc-js: warning: .*short\.key:2: key '.*' digest-bits too small \[<128\]\n$/,
    );
  });
});
