// `rndc-js update` driven as a user drives it: a spawned process (node on the CLI bundled from src/)
// against a real named. Differential: the same script bytes go through nsupdate into one zone and
// through rndc-js into its twin; stdout, stderr, exit status and the zones (AXFR) must agree.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Y_WARNING } from '../../src/cli/update.js';
import {
  type BinaryResult,
  type NamedInstance,
  runBinary,
  startNamed,
} from '../../src/testing/index.js';
import { CLI_FROM_SOURCE } from '../helpers/cli-io.js';
import { axfr } from '../helpers/dns.js';

const ROOT = resolve(import.meta.dirname, '../..');
// Twin zones with names of the same length, so that nsupdate's column alignment is the same.
const OURS = 'ours.test';
const THEIRS = 'nsup.test';

let named: NamedInstance;
let dir: string;
let keyFile: string;
let yKey: string;

beforeAll(async () => {
  const records = [
    'old 300 A 192.0.2.50',
    'old 300 A 192.0.2.51',
    'old 300 TXT "old text"',
    'mx 300 MX 10 mail',
    'gone 300 A 192.0.2.99',
    'gone 300 TXT "bye"',
  ];
  named = await startNamed({
    zones: [
      { name: OURS, kind: 'dynamic', records },
      { name: THEIRS, kind: 'dynamic', records },
      { name: 'solo.test', kind: 'dynamic', records: ['www 300 A 192.0.2.1'] },
    ],
  });
  dir = await mkdtemp(join(tmpdir(), 'cli-update-'));
  // A tsig-keygen style key file for -k (another algorithm than the -y key).
  const k = named.keys['hmac-sha384'];
  keyFile = join(dir, 'ddns.key');
  await writeFile(
    keyFile,
    `key "${k.name}" {\n\talgorithm hmac-sha384;\n\tsecret "${k.secretBytes().toString('base64')}";\n};\n`,
    { mode: 0o600 },
  );
  const y = named.keys['hmac-sha256'];
  yKey = `hmac-sha256:${y.name}:${y.secretBytes().toString('base64')}`;
});

afterAll(async () => {
  await named?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** `rndc-js update ARGS…`, spawned as a user would run it. */
function rndcJs(args: readonly string[], input?: string, cwd = ROOT): Promise<BinaryResult> {
  return runBinary(process.execPath, [...CLI_FROM_SOURCE, 'update', ...args], {
    cwd,
    timeoutMs: 60_000,
    ...(input !== undefined ? { input } : {}),
  });
}

const nsupdate = (args: readonly string[], input?: string) =>
  runBinary('nsupdate', args, { timeoutMs: 60_000, ...(input !== undefined ? { input } : {}) });

/** nsupdate's text with ids, the TSIG times, MACs and IDs, and the zone normalised. */
function normaliseStdout(text: string, zone: string): string {
  return text
    .replaceAll(zone, 'ZONE')
    .replace(
      /(\tTSIG\thmac-[a-z0-9.-]+) \d+ (\d+) (\d+)((?: [A-Za-z0-9+/=]+)*?) \d+ /g,
      (_m, alg: string, fudge: string, size: string, mac: string) =>
        `${alg} TIME ${fudge} ${size}${mac === '' ? '' : ' MAC'} ID `,
    )
    .replace(/id: +(\d+|\?)\n/g, (match, id: string) => (id === '0' ? match : 'id: N\n'));
}

/** rndc-js's own lines (warnings, notes) come after nsupdate's text, each starting `rndc-js: `. */
const ownLines = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('rndc-js: '));
const withoutOwnLines = (stderr: string) =>
  stderr
    .split('\n')
    .filter((l) => !l.startsWith('rndc-js: '))
    .join('\n');

interface TwinCase {
  readonly title: string;
  /** The script; ZONE stands for the zone name, PORT for named's port. */
  readonly script: string;
  /** Flags before the file name; KEYFILE and YKEY stand for the test's keys. */
  readonly flags?: readonly string[];
  /** Give the script as a file (else on stdin). */
  readonly asFile?: boolean;
  readonly exitCode: number;
  /** rndc-js lines expected after nsupdate's stderr (warnings), as substrings. */
  readonly ownLines?: readonly string[];
  /** The script changes the zone. */
  readonly changes: boolean;
}

const twinCases: TwinCase[] = [
  {
    title: 'adds of several types, show before and answer after the send, -y, stdin',
    script: `server 127.0.0.1 PORT
zone ZONE
update add a.ZONE. 300 A 192.0.2.1
update add a.ZONE. 300 IN AAAA 2001:db8::1
update add t.ZONE. 300 TXT "quoted \\"text\\"" plain "two words"
update add _sip._tcp.ZONE. 300 SRV 10 60 5060 sip.ZONE.
update add a-much-longer-owner-name-than-usual.ZONE. 2147483647 TXT "long"
update add unknown.ZONE. 300 TYPE65280 \\# 3 abcdef
show
send
answer
`,
    flags: ['-y', 'YKEY'],
    exitCode: 0,
    changes: true,
  },
  {
    title: 'deletes: one record, an RRset, a name, del shorthand, a blank line as send; -k, file',
    script: `server 127.0.0.1 PORT
update delete old.ZONE. A 192.0.2.50
update delete old.ZONE. 300 IN TXT
show

del gone.ZONE.
update delete mx.ZONE. ANY

`,
    flags: ['-k', 'KEYFILE'],
    asFile: true,
    exitCode: 0,
    changes: true,
  },
  {
    title: 'prerequisites that hold (nxdomain, yxrrset with data, yxdomain)',
    script: `server 127.0.0.1 PORT
prereq nxdomain fresh.ZONE.
prereq yxrrset old.ZONE. A 192.0.2.51
yxdomain a.ZONE.
update add fresh.ZONE. 300 A 192.0.2.70
send
answer
`,
    flags: ['-y', 'YKEY'],
    exitCode: 0,
    changes: true,
  },
  {
    title: 'several sends, the second failing (YXDOMAIN), answer after the failure',
    script: `server 127.0.0.1 PORT
zone ZONE
add s1.ZONE. 300 A 192.0.2.81
send
prereq nxdomain s1.ZONE.
add s2.ZONE. 300 A 192.0.2.82
send
answer
prereq nxrrset s1.ZONE. A
add s3.ZONE. 300 A 192.0.2.83
send
add s4.ZONE. 300 A 192.0.2.84
send
`,
    flags: ['-y', 'YKEY'],
    asFile: true,
    exitCode: 2,
    changes: true,
  },
  {
    title: '-v: TCP for every update',
    script: `server 127.0.0.1 PORT
ttl 600
add tcp.ZONE. A 192.0.2.90
add tcp.ZONE. TXT "over tcp"
send
`,
    flags: ['-v', '-y', 'YKEY'],
    exitCode: 0,
    changes: true,
  },
  {
    title: '-y with an explicit algorithm other than the default (hmac-sha512)',
    script: 'server 127.0.0.1 PORT\nupdate add sha512.ZONE. 300 A 192.0.2.91\nsend\n',
    flags: ['-y', 'Y512'],
    exitCode: 0,
    changes: true,
  },
  {
    title: '-y without an algorithm is hmac-md5, as in nsupdate',
    script: 'server 127.0.0.1 PORT\nupdate add md5.ZONE. 300 A 192.0.2.92\nsend\n',
    flags: ['-y', 'YMD5'],
    exitCode: 0,
    changes: true,
  },
  {
    title: 'a relative owner is relative to the root (NOTZONE), show of it',
    script: 'server 127.0.0.1 PORT\nzone ZONE\nupdate add www 300 A 192.0.2.1\nshow\nsend\n',
    flags: ['-y', 'YKEY'],
    exitCode: 2,
    changes: false,
  },
  {
    title: 'a wrong secret: BADSIG, exit 2',
    script: 'server 127.0.0.1 PORT\nupdate add bad.ZONE. 300 A 192.0.2.93\nsend\n',
    flags: ['-y', 'YWRONG'],
    exitCode: 2,
    changes: false,
  },
  {
    title: 'end of input without send: nothing sent, exit 0, and rndc-js warns',
    script: 'server 127.0.0.1 PORT\nupdate add dropped.ZONE. 300 A 192.0.2.94\n',
    flags: ['-y', 'YKEY'],
    exitCode: 0,
    ownLines: ["the script ends without 'send'"],
    changes: false,
  },
  {
    title: 'quit discards pending changes; the rest is ignored',
    script:
      'server 127.0.0.1 PORT\nupdate add q1.ZONE. 300 A 192.0.2.95\nsend\nupdate add q2.ZONE. 300 A 192.0.2.96\nquit\nupdate add q3.ZONE. 300 A 192.0.2.97\nsend\n',
    flags: ['-y', 'YKEY'],
    asFile: true,
    exitCode: 0,
    ownLines: ['quit discards', 'stops reading at quit'],
    changes: true,
  },
  {
    title: 'prereq yxrrset that fails (NXRRSET) and a delete of nothing in one script',
    script: `server 127.0.0.1 PORT
update delete nothing.ZONE. A 203.0.113.1
send
prereq yxrrset old.ZONE. AAAA
update add old.ZONE. 300 A 192.0.2.75
send
answer
`,
    flags: ['-y', 'YKEY'],
    exitCode: 2,
    changes: false,
  },
];

function substitute(flags: readonly string[]): string[] {
  const key = (alg: 'hmac-sha512' | 'hmac-md5') => named.keys[alg];
  return flags.map((flag) => {
    switch (flag) {
      case 'KEYFILE':
        return keyFile;
      case 'YKEY':
        return yKey;
      case 'Y512':
        return `hmac-sha512:${key('hmac-sha512').name}:${key('hmac-sha512').secretBytes().toString('base64')}`;
      case 'YMD5':
        return `${key('hmac-md5').name}:${key('hmac-md5').secretBytes().toString('base64')}`;
      case 'YWRONG':
        return `hmac-sha256:${named.keys['hmac-sha256'].name}:${Buffer.alloc(32, 7).toString('base64')}`;
      default:
        return flag;
    }
  });
}

async function runTwins(c: TwinCase) {
  const scriptFor = (zone: string) =>
    c.script.replaceAll('ZONE', zone).replaceAll('PORT', String(named.dnsPort));
  const flags = substitute(c.flags ?? []);
  const run = async (zone: string, tool: typeof rndcJs) => {
    const script = scriptFor(zone);
    if (!c.asFile) return tool(flags, script);
    const file = join(dir, `${zone}.nsupdate`);
    await writeFile(file, script);
    return tool([...flags, file]);
  };
  const theirs = await run(THEIRS, nsupdate);
  const ours = await run(OURS, rndcJs);
  const zoneOf = async (zone: string) =>
    (await axfr(named.dnsPort, zone)).map((line) => line.replaceAll(zone, 'ZONE')).sort();
  return { theirs, ours, theirZone: await zoneOf(THEIRS), ourZone: await zoneOf(OURS) };
}

describe('rndc-js update and nsupdate: same script bytes, same output, same zones', () => {
  it.each(twinCases)('$title', async (c) => {
    const before = (await axfr(named.dnsPort, OURS)).map((l) => l.replaceAll(OURS, 'ZONE')).sort();
    const { theirs, ours, theirZone, ourZone } = await runTwins(c);
    expect(theirs.exitCode, theirs.stderr).toBe(c.exitCode);
    expect(ours.exitCode, ours.stderr).toBe(c.exitCode);
    // stdout: byte for byte once ids and nsupdate's TSIG pseudosection (a MAC) are normalised.
    expect(normaliseStdout(ours.stdout, OURS)).toBe(normaliseStdout(theirs.stdout, THEIRS));
    // stderr: nsupdate's bytes, then rndc-js's own warning lines only.
    expect(withoutOwnLines(ours.stderr).replaceAll(OURS, 'ZONE')).toBe(
      theirs.stderr.replaceAll(THEIRS, 'ZONE'),
    );
    // -y: one warning that the secret is in the process list (as nsupdate(1) warns), first.
    const yWarnings = ownLines(ours.stderr).filter((l) => l.includes('-y puts the secret'));
    expect(yWarnings).toHaveLength(c.flags?.includes('-y') ? 1 : 0);
    const own = ownLines(ours.stderr).filter((l) => !yWarnings.includes(l));
    expect(own).toHaveLength(c.ownLines?.length ?? 0);
    for (const [index, text] of (c.ownLines ?? []).entries()) {
      expect(own[index]).toMatch(/^rndc-js: warning: /);
      expect(own[index]).toContain(text);
    }
    expect(ourZone).toEqual(theirZone);
    if (c.changes) expect(ourZone).not.toEqual(before);
    else expect(ourZone).toEqual(before);
  });

  it('shows the same layout as nsupdate for long names and large TTLs, without sending', async () => {
    const script = (zone: string) =>
      `zone ${zone}
update add x.${zone}. 300 A 192.0.2.1
update add abcdefghijklmno.${zone}. 300 A 192.0.2.1
update add abcdefghijklmnopqrstuvwxyz.${zone}. 2147483647 A 192.0.2.1
update add abcdefghijkl.${zone}. 3000000 TXT "a b" c
update add abcdefghijklm.${zone}. 1 TYPE65280 \\# 2 abcd
update add abcdefghijklmn.${zone}. 10000000 A 192.0.2.1
prereq yxrrset abcdefghijklmnopqrstuvwxyz0123456.${zone}. A
prereq nxrrset abcdefghijklmnopqrstuvwxyz0123456.${zone}. MX
prereq yxrrset o.${zone}. TXT "x\\009y"
update delete ${zone}. MX 10 mail.${zone}.
update delete ${zone}.
show
`;
    for (const zone of [
      'a.test',
      'abcdefghijklmnopqrstuvwxyz.test',
      'abcdefghijklmnopqrstu.test',
    ]) {
      const theirs = await nsupdate([], script(zone));
      const ours = await rndcJs([], script(zone));
      expect(ours.stdout).toBe(theirs.stdout);
      expect(ours.exitCode).toBe(0);
    }
    // Before a zone command there is no zone section.
    const noZone = 'update add x.a.test. 300 A 192.0.2.1\nshow\nshow\n';
    expect((await rndcJs([], noZone)).stdout).toBe((await nsupdate([], noZone)).stdout);
  });

  // Runs last: nsupdate and rndc-js deliberately leave the twins different here.
  it('a syntax error after a send: nsupdate sends the batch before it, rndc-js sends nothing', async () => {
    const script = (zone: string) =>
      `server 127.0.0.1 ${named.dnsPort}\nupdate add before.${zone}. 300 A 192.0.2.1\nsend\nupdate bogus x\nsend\n`;
    const theirs = await nsupdate(['-y', yKey], script(THEIRS));
    const ours = await rndcJs(['-y', yKey], script(OURS));
    expect(theirs.exitCode).toBe(1);
    expect(ours.exitCode).toBe(1);
    expect(ours.stdout).toBe(theirs.stdout);
    expect(withoutOwnLines(ours.stderr)).toBe(theirs.stderr);
    expect(theirs.stderr).toBe('incorrect operation code: bogus\nsyntax error\n');
    expect(ownLines(ours.stderr)).toEqual([
      `rndc-js: warning: ${Y_WARNING}`,
      'rndc-js: note: line 4: nothing was sent (rndc-js checks the whole script before sending anything)',
    ]);
    expect((await axfr(named.dnsPort, THEIRS)).some((l) => l.startsWith(`before.${THEIRS}`))).toBe(
      true,
    );
    expect((await axfr(named.dnsPort, OURS)).some((l) => l.startsWith(`before.${OURS}`))).toBe(
      false,
    );
  });
});

describe('--json', () => {
  it('one document: sends with rcode, transport and disk effect; failures with kind and remedy', async () => {
    const script = `server 127.0.0.1 ${named.dnsPort}
zone solo.test
update add j1.solo.test. 300 A 192.0.2.10
show
send
prereq nxdomain j1.solo.test.
update add j1.solo.test. 300 TXT "no"
send
answer
update add never.solo.test. 300 A 192.0.2.11
`;
    const run = await rndcJs(['--json', '-v', '-y', yKey], script);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe('');
    const doc = JSON.parse(run.stdout);
    expect(Object.keys(doc).sort()).toEqual(
      ['command', 'error', 'exitCode', 'sends', 'stderr', 'stdout', 'warnings'].sort(),
    );
    expect(doc).toMatchObject({ command: 'update', exitCode: 2, error: null });
    expect(doc.sends).toHaveLength(2);
    expect(doc.sends[0]).toMatchObject({
      line: 5,
      ok: true,
      zone: 'solo.test.',
      server: `127.0.0.1#${named.dnsPort}`,
      rcode: 'NOERROR',
      transport: 'tcp',
      signed: true,
      ignoredReplies: [],
      diskEffect: { journalWritten: true, journalDeleted: false },
    });
    expect(typeof doc.sends[0].id).toBe('number');
    expect(Date.parse(doc.sends[0].diskEffect.zoneFileNotBefore)).toBeLessThan(
      Date.parse(doc.sends[0].diskEffect.zoneFileNotAfter),
    );
    expect(doc.sends[1]).toMatchObject({
      line: 8,
      ok: false,
      zone: 'solo.test.',
      rcode: 'YXDOMAIN',
      error: { kind: 'YXDOMAIN', mayHaveApplied: false },
    });
    expect(doc.sends[1].error.message).toContain('YXDOMAIN');
    expect(doc.sends[1].error.causes.length).toBeGreaterThan(0);
    expect(typeof doc.sends[1].error.remedy).toBe('string');
    expect(doc.stderr).toBe('update failed: YXDOMAIN\n');
    expect(doc.stdout).toContain('Outgoing update query:\n');
    expect(doc.stdout).toContain('status: YXDOMAIN');
    expect(doc.warnings).toEqual([
      expect.objectContaining({ kind: 'secret-on-command-line', line: null }),
      expect.objectContaining({ kind: 'unsent-at-eof', line: 10 }),
    ]);
  });

  it('a syntax error: exit 1, kind syntax with its line, nothing sent', async () => {
    const run = await rndcJs(
      ['--json', '-y', yKey],
      `server 127.0.0.1 ${named.dnsPort}\nupdate add s.solo.test. 300 A 192.0.2.1\nsend\nttl abc\n`,
    );
    expect(run.exitCode).toBe(1);
    const doc = JSON.parse(run.stdout);
    expect(doc).toMatchObject({
      command: 'update',
      exitCode: 1,
      sends: [],
      error: { kind: 'syntax', line: 4 },
    });
    expect(doc.stderr).toContain('syntax error');
    expect((await axfr(named.dnsPort, 'solo.test')).some((l) => l.startsWith('s.solo.test.'))).toBe(
      false,
    );
  });

  it('--json also before the command word (global option) and for usage errors', async () => {
    const run = await runBinary(process.execPath, [...CLI_FROM_SOURCE, '--json', 'update', '-g'], {
      cwd: ROOT,
      timeoutMs: 60_000,
    });
    expect(run.exitCode).toBe(1);
    const doc = JSON.parse(run.stdout);
    expect(doc.error.kind).toBe('unsupported');
    expect(doc.error.message).toContain('GSS-TSIG');
  });
});

describe('errors: one line and the causes, nsupdate exit codes, no stack trace', () => {
  const noStack = (run: BinaryResult) => {
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.stderr.split('\n')[0]).toMatch(/^rndc-js: /);
  };

  it('a missing script file: exit 1, as nsupdate', async () => {
    const theirs = await nsupdate(['/nonexistent/script']);
    const ours = await rndcJs(['/nonexistent/script']);
    expect(ours.exitCode).toBe(theirs.exitCode);
    expect(theirs.stderr).toBe("could not open '/nonexistent/script': file not found\n");
    expect(ours.stderr.split('\n')[0]).toBe(
      "rndc-js: could not open '/nonexistent/script': file not found",
    );
    noStack(ours);
  });

  it('an unreadable or wrong key file: exit 1 with the file named, nothing sent', async () => {
    const missing = await rndcJs(['-k', join(dir, 'nope.key')], 'send\n');
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain(`could not read key from ${join(dir, 'nope.key')}`);
    noStack(missing);
    const garbage = join(dir, 'garbage.key');
    await writeFile(garbage, 'this is not a key\n');
    const bad = await rndcJs(['-k', garbage], 'send\n');
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toContain(garbage);
    noStack(bad);
  });

  it('unsupported and conflicting flags: exit 1', async () => {
    for (const args of [
      ['-g'],
      ['-o'],
      ['-k', keyFile, '-y', yKey],
      ['-p', '70000'],
      ['-t', 'x'],
    ]) {
      const run = await rndcJs(args, '');
      expect(run.exitCode, args.join(' ')).toBe(1);
      noStack(run);
    }
  });

  it('-y warns once on stderr that the secret is in the process list (never the secret); -k does not', async () => {
    const secret = named.keys['hmac-sha256'].secretBytes().toString('base64');
    const script = `server 127.0.0.1 ${named.dnsPort}\nupdate add yw.solo.test. 300 A 192.0.2.1\nsend\n`;
    const withY = await rndcJs(['-y', yKey], script);
    expect(withY.exitCode, withY.stderr).toBe(0);
    expect(withY.stderr).toBe(`rndc-js: warning: ${Y_WARNING}\n`);
    expect(withY.stderr).toContain('-k keyfile');
    expect(withY.stderr).not.toContain(secret);
    const withK = await rndcJs(['-k', keyFile], script);
    expect(withK.exitCode, withK.stderr).toBe(0);
    expect(withK.stderr).toBe('');
  });

  it('a send without any server: exit 1 before anything is sent', async () => {
    const run = await rndcJs(['-y', yKey], 'update add x.solo.test. 300 A 192.0.2.1\nsend\n');
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('stdin:2: this send has no server');
    noStack(run);
  });

  it('-V prints the version, -h the usage; both exit 0', async () => {
    const version = await rndcJs(['-V']);
    expect(version.exitCode).toBe(0);
    expect(version.stdout).toMatch(/^rndc-js \S+ /);
    const help = await rndcJs(['--help']);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain('Usage: rndc-js update');
  });

  it('-l without a session key names the file and why it may be missing', async () => {
    const run = await rndcJs(['-l', '-k', join(dir, 'no-session.key')], 'send\n');
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('no-session.key');
    // Local mode: server 127.0.0.1 (port from -p), key from -k instead of the session key.
    const local = await rndcJs(
      ['-l', '-k', keyFile, '-p', String(named.dnsPort)],
      'update add local.solo.test. 300 A 192.0.2.77\nsend\n',
    );
    expect(local.exitCode, local.stderr).toBe(0);
    expect(await axfr(named.dnsPort, 'solo.test')).toContain('local.solo.test. 300 A 192.0.2.77');
    // In local mode the script may not choose the server, as in nsupdate.
    const server = await rndcJs(['-l', '-k', keyFile], 'server 192.0.2.1\n');
    expect(server.exitCode).toBe(1);
    expect(server.stderr).toContain('localhost-only mode');
  });
});

describe('never a secret', () => {
  it('-y SECRET: neither -d, -D, --json nor failures print it', async () => {
    const key = named.keys['hmac-sha256'];
    const secret = key.secretBytes().toString('base64');
    const wrong = Buffer.alloc(32, 9).toString('base64');
    const script = `server 127.0.0.1 ${named.dnsPort}\nzone solo.test\nupdate add sec.solo.test. 300 A 192.0.2.5\nshow\nsend\nanswer\nprereq nxdomain sec.solo.test.\nupdate add sec.solo.test. 300 TXT "x"\nsend\nanswer\n`;
    const runs = [
      await rndcJs(['-d', '-y', `hmac-sha256:${key.name}:${secret}`], script),
      await rndcJs(['-D', '-y', `hmac-sha256:${key.name}:${secret}`], script),
      await rndcJs(['--json', '-d', '-y', `hmac-sha256:${key.name}:${secret}`], script),
      await rndcJs(['-d', '-y', `hmac-sha256:${key.name}:${wrong}`], script),
      // A malformed -y (nsupdate echoes the whole string, secret included).
      await rndcJs(['-y', `hmac-sha256:${key.name}:${secret}!`], script),
      await rndcJs(['-y', `bogus-alg:${key.name}:${secret}`], script),
    ];
    expect(runs.map((r) => r.exitCode)).toEqual([2, 2, 2, 2, 1, 1]);
    // The debug runs did print something about the sends.
    expect(runs[0]?.stderr).toContain('rndc:update');
    expect(runs[0]?.stderr).toContain(`; rndc-js: line 5: update of solo.test.`);
    for (const run of runs) {
      for (const text of [run.stdout, run.stderr]) {
        expect(text).not.toContain(secret);
        expect(text).not.toContain(wrong);
        expect(text).not.toContain(key.secretBytes().toString('hex'));
      }
    }
  });
});
