// Differential: every prerequisite and update form, run by nsupdate against one zone and by
// runNsupdateScript against its twin; after each script both zones must be identical (AXFR via dig),
// and both tools must agree on success and on the failure reported.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NamedInstance, runBinary, startNamed } from '../../src/testing/index.js';
import { runNsupdateScript } from '../../src/update/nsupdate.js';
import { axfr } from '../helpers/dns.js';

let named: NamedInstance;
const OURS = 'ours.test';
const THEIRS = 'theirs.test';

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
