// Differential: every prerequisite and update form, run by nsupdate against one zone and by
// runNsupdateScript against its twin; after each script both zones must be identical (AXFR via dig),
// and both tools must agree on success and on the failure reported. Scripts with `show` and
// `answer` also compare stdout byte for byte (message IDs aside, and the TSIG times and MACs that
// that differ from run to run), on a second pair of zones with names of the same length.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeySpec } from '../../src/keys/key.js';
import { freePort, type NamedInstance, runBinary, startNamed } from '../../src/testing/index.js';
import { runNsupdateScript } from '../../src/update/nsupdate.js';
import { axfr } from '../helpers/dns.js';

let named: NamedInstance;
const OURS = 'ours.test';
const THEIRS = 'theirs.test';
// Same length, so that BIND's column layout is the same for both.
const LIB = 'lib.test';
const BIN = 'bin.test';

beforeAll(async () => {
  const records = [
    'old 300 A 192.0.2.50',
    'old 300 A 192.0.2.51',
    'old 300 TXT "old text"',
    'mx 300 MX 10 mail',
  ];
  named = await startNamed({
    zones: [
      { name: OURS, kind: 'dynamic', records },
      { name: THEIRS, kind: 'dynamic', records },
      { name: LIB, kind: 'dynamic', records },
      { name: BIN, kind: 'dynamic', records },
    ],
  });
});

afterAll(async () => {
  await named?.stop();
});

/** The script for one zone: `ZONE` stands for the zone name. */
const forZone = (script: string, zone: string) => script.replaceAll('ZONE', zone);

async function both(script: string) {
  const key = named.keys['hmac-sha256'];
  const header = `server 127.0.0.1 ${named.dnsPort}\n`;
  const binary = await runBinary(
    'nsupdate',
    ['-y', `hmac-sha256:${key.name}:${key.secretBytes().toString('base64')}`],
    { input: header + forZone(script, THEIRS), timeoutMs: 30_000 },
  );
  const library = (
    await runNsupdateScript(header + forZone(script, OURS), { key, retryIntervalMs: 500 })
  ).unwrap();
  const theirs = (await axfr(named.dnsPort, THEIRS))
    .map((line) => line.replaceAll(THEIRS, 'ZONE'))
    .sort();
  const ours = (await axfr(named.dnsPort, OURS))
    .map((line) => line.replaceAll(OURS, 'ZONE'))
    .sort();
  return { binary, library, theirs, ours };
}

const failures = (stderr: string) =>
  stderr.split('\n').filter((line) => line.startsWith('update failed'));

const scripts: Array<[string, string, string[]?]> = [
  [
    'adds of every record type, with and without a default ttl, and the add shorthand',
    `zone ZONE
update add a.ZONE. 300 A 192.0.2.1
update add a.ZONE. 300 IN AAAA 2001:db8::1
update add mail.ZONE. 300 A 192.0.2.25
update add ZONE. 300 MX 20 mail.ZONE.
update add t.ZONE. 300 TXT "quoted \\"text\\"" plain "two words"
update add t.ZONE. 300 TXT ""
update add ZONE. 300 CAA 0 issue "ca.example.net"
update add _sip._tcp.ZONE. 300 SRV 10 60 5060 sip.ZONE.
update add ssh.ZONE. 300 SSHFP 4 2 123456789abcdef67890123456789abcdef67890123456789abcdef123456789
update add _443._tcp.ZONE. 300 TLSA 3 1 1 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
update add ds.ZONE. 300 DS 60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118
update add alias.ZONE. 300 CNAME a.ZONE.
update add sub.ZONE. 300 NS ns.sub.ZONE.
update add ns.sub.ZONE. 300 A 192.0.2.53
update add 1.2.0.192.ZONE. 300 PTR a.ZONE.
update add unknown.ZONE. 300 TYPE65280 \\# 3 abcdef
send
ttl 600
add later.ZONE. A 192.0.2.60
add later.ZONE. A 192.0.2.61
send
`,
  ],
  [
    'prereq nxdomain that holds',
    'prereq nxdomain fresh.ZONE.\nupdate add fresh.ZONE. 300 A 192.0.2.70\nsend\n',
  ],
  [
    'prereq nxdomain that fails (YXDOMAIN)',
    'prereq nxdomain old.ZONE.\nupdate add old.ZONE. 300 A 192.0.2.71\nsend\n',
    ['update failed: YXDOMAIN'],
  ],
  [
    'prereq yxdomain that holds',
    'prereq yxdomain old.ZONE.\nupdate add old.ZONE. 300 A 192.0.2.72\nsend\n',
  ],
  [
    'prereq yxdomain that fails (NXDOMAIN)',
    'yxdomain nothing.ZONE.\nupdate add nothing.ZONE. 300 A 192.0.2.73\nsend\n',
    ['update failed: NXDOMAIN'],
  ],
  [
    'prereq nxrrset that holds',
    'prereq nxrrset old.ZONE. MX\nupdate add old.ZONE. 300 MX 10 mail.ZONE.\nsend\n',
  ],
  [
    'prereq nxrrset that fails (YXRRSET)',
    'nxrrset old.ZONE. IN A\nupdate add old.ZONE. 300 A 192.0.2.74\nsend\n',
    ['update failed: YXRRSET'],
  ],
  [
    'prereq yxrrset (value-independent) that holds',
    'prereq yxrrset old.ZONE. TXT\nupdate add old.ZONE. 300 TXT "more"\nsend\n',
  ],
  [
    'prereq yxrrset (value-independent) that fails (NXRRSET)',
    'prereq yxrrset old.ZONE. AAAA\nupdate add old.ZONE. 300 A 192.0.2.75\nsend\n',
    ['update failed: NXRRSET'],
  ],
  [
    'prereq yxrrset with data: the exact RRset holds',
    'prereq yxrrset old.ZONE. A 192.0.2.50\nprereq yxrrset old.ZONE. A 192.0.2.51\nprereq yxrrset old.ZONE. A 192.0.2.72\nupdate add exact.ZONE. 300 A 192.0.2.76\nsend\n',
  ],
  [
    'prereq yxrrset with data: a partial RRset fails (NXRRSET)',
    'prereq yxrrset old.ZONE. A 192.0.2.50\nupdate add partial.ZONE. 300 A 192.0.2.77\nsend\n',
    ['update failed: NXRRSET'],
  ],
  ['update delete of one record', 'update delete old.ZONE. A 192.0.2.50\nsend\n'],
  [
    'update delete of an RRset (ttl and class accepted)',
    'update delete old.ZONE. 300 IN TXT\nsend\n',
  ],
  [
    'update delete of a name, del shorthand, blank line as send',
    'del later.ZONE.\n\nupdate delete mx.ZONE. ANY\n\n',
  ],
  [
    'delete of a record that does not exist changes nothing',
    'update delete a.ZONE. A 203.0.113.1\nsend\n',
  ],
  [
    'an owner outside the zone (NOTZONE)',
    'zone ZONE\nupdate add www.elsewhere.example. 300 A 192.0.2.1\nsend\n',
    ['update failed: NOTZONE'],
  ],
  [
    'a relative name is relative to the root, as in nsupdate (NOTZONE)',
    'zone ZONE\nupdate add www 300 A 192.0.2.1\nsend\n',
    ['update failed: NOTZONE'],
  ],
  [
    'several sends in one script, one failing',
    'add s1.ZONE. 300 A 192.0.2.81\nsend\nprereq nxdomain s1.ZONE.\nadd s2.ZONE. 300 A 192.0.2.82\nsend\nadd s3.ZONE. 300 A 192.0.2.83\nsend\n',
    ['update failed: YXDOMAIN'],
  ],
  [
    'end of input without send: nothing is sent by either',
    'update add dropped.ZONE. 300 A 192.0.2.90\n',
  ],
];

describe('runNsupdateScript and nsupdate leave twin zones identical', () => {
  it.each(scripts)('%s', async (title, script, expectedFailures = []) => {
    const before = await axfr(named.dnsPort, OURS);
    const { binary, library, theirs, ours } = await both(script);
    expect(ours).toEqual(theirs);
    expect(failures(binary.stderr)).toEqual(expectedFailures);
    // A script that succeeds and sends something changes the zone (the SOA serial at least),
    // except a delete of nothing, which named treats as no change at all.
    const unchanged = before.map((l) => l.replaceAll(OURS, 'ZONE')).sort();
    if (title.includes('changes nothing')) expect(ours).toEqual(unchanged);
    else if (expectedFailures.length === 0 && library.sends.length > 0)
      expect(ours).not.toEqual(unchanged);
    expect(library.exitCode).toBe(binary.exitCode);
    expect(failures(library.stderr)).toEqual(failures(binary.stderr));
  });

  it('warns about the update nsupdate silently drops at end of input', async () => {
    const result = (
      await runNsupdateScript(
        `server 127.0.0.1 ${named.dnsPort}\nupdate add x.${OURS}. 300 A 192.0.2.1\n`,
        { key: named.keys['hmac-sha256'] },
      )
    ).unwrap();
    expect(result.sends).toHaveLength(0);
    expect(result.warnings.map((w) => w.kind)).toContain('unsent-at-eof');
  });

  it('refuses a script with a syntax error before sending anything (nsupdate would send the lines before it)', async () => {
    const script = `server 127.0.0.1 ${named.dnsPort}\nupdate add before.${OURS}. 300 A 192.0.2.1\nsend\nupdate bogus\nsend\n`;
    const result = await runNsupdateScript(script, { key: named.keys['hmac-sha256'] });
    expect(result.isErr()).toBe(true);
    expect(result.unwrapErr().line).toBe(4);
    expect(
      (await axfr(named.dnsPort, OURS)).some((line) => line.startsWith(`before.${OURS}`)),
    ).toBe(false);
  });
});

/** nsupdate's stdout with the IDs and the TSIG pseudosection's time, MAC and ID masked. */
const comparable = (stdout: string, zone: string) =>
  stdout
    .replace(
      /(\tTSIG\thmac-[a-z0-9.-]+) \d+ (\d+) (\d+)((?: [A-Za-z0-9+/=]+)*?) \d+ /g,
      (_m, alg: string, fudge: string, size: string, mac: string) =>
        `${alg} TIME ${fudge} ${size}${mac === '' ? '' : ' MAC'} ID `,
    )
    .replace(/id: +\d+\n/g, 'id: N\n')
    .replaceAll(zone, 'ZONE');

/** The key both tools use: named's, one with a wrong secret or name, or none at all. */
type Auth = 'key' | 'wrong-secret' | 'unknown-key' | 'unsigned';

function authFor(auth: Auth): { args: string[]; key?: KeySpec } {
  const key = named.keys['hmac-sha256'];
  const wrong = Buffer.alloc(32, 7).toString('base64');
  const spec = (name: string, secret: string): KeySpec => ({
    name,
    algorithm: 'hmac-sha256',
    secret,
  });
  switch (auth) {
    case 'key':
      return {
        args: ['-y', `hmac-sha256:${key.name}:${key.secretBytes().toString('base64')}`],
        key: spec(key.name, key.secretBytes().toString('base64')),
      };
    case 'wrong-secret':
      return { args: ['-y', `hmac-sha256:${key.name}:${wrong}`], key: spec(key.name, wrong) };
    case 'unknown-key':
      return { args: ['-y', `hmac-sha256:no-such-key:${wrong}`], key: spec('no-such-key', wrong) };
    case 'unsigned':
      return { args: [] };
  }
}

async function bothStdout(script: string, auth: Auth = 'key') {
  const { args, key } = authFor(auth);
  const header = `server 127.0.0.1 ${named.dnsPort}\n`;
  const binary = await runBinary('nsupdate', args, {
    input: header + forZone(script, BIN),
    timeoutMs: 30_000,
  });
  const library = (
    await runNsupdateScript(header + forZone(script, LIB), {
      ...(key ? { key } : {}),
      retryIntervalMs: 500,
    })
  ).unwrap();
  const theirs = (await axfr(named.dnsPort, BIN)).map((l) => l.replaceAll(BIN, 'ZONE')).sort();
  const ours = (await axfr(named.dnsPort, LIB)).map((l) => l.replaceAll(LIB, 'ZONE')).sort();
  return { binary, library, theirs, ours };
}

const HEX64 = '0123456789abcdef'.repeat(4);

const stdoutScripts: Array<[string, string, Auth?]> = [
  [
    'show before and after zone, answer after a send, show after it (zone kept, batch gone)',
    `show
update add a.ZONE. 300 A 192.0.2.1
show
zone ZONE
show
send
answer
show
`,
  ],
  [
    'answer after a failed send shows the failed reply (YXDOMAIN), not the previous success',
    `update add ok.ZONE. 300 A 192.0.2.2
send
answer
prereq nxdomain ok.ZONE.
update add ok.ZONE. 300 A 192.0.2.3
send
answer
`,
  ],
  [
    'answer after NOTZONE with a zone set, and after a discovered zone',
    `prereq yxrrset old.ZONE. AAAA
update add x.ZONE. 300 A 192.0.2.4
send
answer
zone ZONE
update add www 300 A 192.0.2.5
send
answer
`,
  ],
  [
    'long names and TTLs push the columns: one space or tab past them',
    `zone ZONE
update add abcdefghijklmnop.ZONE. 86400 TXT "x"
update add abcdefghijklmnopq.ZONE. 2147483647 TXT "y"
update add abcdefghijklmnopqrstuvwxyz0123456789.ZONE. 1234567 IN TXT "z"
update add abcdefghijklmnopqrstuvwxyz01234567890123.ZONE. 5 TXT "w"
update add s.ZONE. 300 TYPE65280 \\# 3 abcdef
prereq nxdomain abcdefghijklmnopqrstuvwxyz0123456789.ZONE.
show
send
answer
`,
  ],
  [
    'empty data forms: delete an RRset, a name, a record; nx/yx prerequisites; \\# 0',
    `update delete old.ZONE. A
update delete mx.ZONE.
update delete old.ZONE. TXT "old text"
update delete old.ZONE. ANY
update add e.ZONE. 300 TYPE65281 \\# 0
update delete e.ZONE. TYPE65281 \\# 0
prereq nxdomain new.ZONE.
prereq nxrrset old.ZONE. MX
prereq yxdomain old.ZONE.
prereq yxrrset old.ZONE. A
show
send
answer
`,
  ],
  [
    'long hex is split in words as BIND does (DS, SSHFP, TLSA, generic); a DS off a delegation is REFUSED by both',
    `update add ds.ZONE. 300 DS 60485 5 2 ${HEX64}
update add ssh.ZONE. 300 SSHFP 4 2 ${HEX64}
update add _443._tcp.ZONE. 300 TLSA 3 1 1 ${HEX64}
update add g.ZONE. 300 TYPE65282 \\# 64 ${HEX64}${HEX64}
update add t.ZONE. 300 TXT "${HEX64}${HEX64}" "\\255\\009"
update add mx2.ZONE. 300 MX 10 Mail.ZONE.
update add ZONE. 300 CAA 0 issue "ca.example.net"
show
send
answer
`,
  ],
  [
    'zone + send with nothing pending sends an empty update (NOERROR), which answer shows',
    `zone ZONE
send
answer
`,
  ],
  [
    'every send forgets the previous answer: a send with nothing to send leaves none',
    `update add f.ZONE. 300 A 192.0.2.6
send
send
answer
`,
  ],
  ['class CH before zone: the zone section is CH', 'class CH\nzone ZONE\nshow\n'],
  [
    'a class on a delete-name line sets the zone section class of show',
    'zone ZONE\nupdate delete foo.ZONE. CH\nshow\n',
  ],
  [
    'answer after BADSIG (NOTAUTH, unsigned reply)',
    'zone ZONE\nupdate add z.ZONE. 300 A 192.0.2.7\nsend\nanswer\n',
    'wrong-secret',
  ],
  [
    'answer after BADKEY (NOTAUTH, unsigned reply)',
    'zone ZONE\nupdate add z.ZONE. 300 A 192.0.2.7\nsend\nanswer\n',
    'unknown-key',
  ],
  [
    'answer after an unsigned update is REFUSED: ADDITIONAL 0',
    'update add z.ZONE. 300 A 192.0.2.7\nsend\nanswer\n',
    'unsigned',
  ],
];

describe("runNsupdateScript's stdout is nsupdate's", () => {
  it.each(stdoutScripts)('%s', async (_title, script, auth) => {
    const { binary, library, theirs, ours } = await bothStdout(script, auth);
    if (process.env.SHOW_STDOUT) console.log(binary.stdout, '\n-----\n', library.stdout);
    expect(binary.stderr.split('\n').filter((l) => l.includes('syntax error'))).toEqual([]);
    expect(comparable(library.stdout, LIB)).toBe(comparable(binary.stdout, BIN));
    // The pseudosection is there when nsupdate prints one (a signed reply), with a MAC when it has one.
    expect(library.stdout.includes('TSIG PSEUDOSECTION')).toBe(
      binary.stdout.includes('TSIG PSEUDOSECTION'),
    );
    expect(library.exitCode).toBe(binary.exitCode);
    expect(failures(library.stderr)).toEqual(failures(binary.stderr));
    expect(ours).toEqual(theirs);
  });

  it('a failed reply carries its header into the UpdateError (ID, status, flags, counts)', async () => {
    const key = named.keys['hmac-sha256'];
    const result = (
      await runNsupdateScript(
        `server 127.0.0.1 ${named.dnsPort}\nupdate add hdr.${LIB}. 300 A 192.0.2.9\nsend\nprereq nxdomain hdr.${LIB}.\nupdate add hdr.${LIB}. 300 A 192.0.2.10\nsend\nanswer\n`,
        { key },
      )
    ).unwrap();
    expect(result.sends[0]!.result.isOk()).toBe(true);
    const send = result.sends[1]!;
    expect(send.result.isErr()).toBe(true);
    const error = send.result.unwrapErr();
    expect(error.kind).toBe('YXDOMAIN');
    expect(error.id).toBeTypeOf('number');
    expect(error.reply).toMatchObject({
      id: error.id,
      opcode: 5,
      rcode: 6,
      counts: [1, 0, 0, 1],
      zone: { name: `${LIB}.`, class: 1, type: 6 },
    });
    expect((error.reply!.flags & 0x8000) !== 0).toBe(true);
    expect(result.stdout).toContain(`status: YXDOMAIN, id: ${String(error.id).padStart(6)}\n`);
  });

  it('answer after a send that got no reply prints nothing (nsupdate forgets the last answer)', async () => {
    const port = await freePort();
    const result = (
      await runNsupdateScript(
        `server 127.0.0.1 ${named.dnsPort}\nupdate add nr.${LIB}. 300 A 192.0.2.11\nsend\nanswer\nserver 127.0.0.1 ${port}\nzone ${LIB}\nupdate add nr2.${LIB}. 300 A 192.0.2.12\nsend\nanswer\n`,
        { key: named.keys['hmac-sha256'], timeoutMs: 1500, retryIntervalMs: 500 },
      )
    ).unwrap();
    expect(result.sends.map((send) => send.result.isOk())).toEqual([true, false]);
    expect(result.sends[1]!.result.unwrapErr().reply).toBeUndefined();
    expect(result.stdout.match(/^Answer:$/gm)).toHaveLength(1);
    // With the zone given, the update itself failed (exit 2); without it, the SOA lookup would
    // have failed first: `could not reach any name server`, exit 1 (next test).
    expect(result.exitCode).toBe(2);
  });

  it('a zone lookup that reaches no server ends the run: could not reach any name server, exit 1', async () => {
    const port = await freePort();
    const result = (
      await runNsupdateScript(
        `server 127.0.0.1 ${port}\nupdate add nr3.${LIB}. 300 A 192.0.2.13\nsend\nshow\n`,
        { key: named.keys['hmac-sha256'], timeoutMs: 1500, retryIntervalMs: 500 },
      )
    ).unwrap();
    expect(result.stderr).toBe(
      `; Communication with 127.0.0.1#${port} failed: connection refused\ncould not reach any name server\n`,
    );
    // The rest of the script did not run.
    expect([result.exitCode, result.stdout]).toEqual([1, '']);
  });
});
