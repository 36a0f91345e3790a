// The storage doctor in the layouts operators run, against real named (9.16/9.18/9.20):
// - Debian's: named works in /var/cache/bind (`directory`), its zones live elsewhere
//   (/var/lib/bind, absolute `file` paths), named -u. Reproduced as <instance>/cache and
//   <instance>/lib. Several nameds run on the machine; the zone file is outside every named's
//   working directory, so only named.conf (`-c`, `pid-file`, `directory`) tells which is ours.
// - A sidecar or Job in another mount namespace: the doctor runs under `unshare -m` with a tmpfs
//   and an empty placeholder over the zone directory in its own namespace only.
// Each case asserts the finding codes, the wording and the CLI's exit status; healthy layouts
// give zero findings.
import { execFile } from 'node:child_process';
import { chmod, chown, copyFile, mkdir, rename, symlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RndcClient } from '../../src/control/client.js';
import { diagnoseZoneStorage, namedAccessChecked } from '../../src/dump/diagnose.js';
import { findNamedProcess } from '../../src/dump/named-process.js';
import { canUseMountNamespace, type NamedInstance, startNamed } from '../../src/testing/index.js';
import { UpdateClient } from '../../src/update/client.js';
import { Update } from '../../src/update/update.js';
import { CLI_FROM_SOURCE } from '../helpers/cli-io.js';
import { NOBODY } from '../helpers/layouts.js';
import { until } from '../helpers/until.js';

const ZONE = 'dyn.test';
/** A trusted root-owned executable that is not named: no process passes the `exe` check. */
const NOT_NAMED = '/usr/bin/true';
const FIXTURE = resolve('test/fixtures/doctor/diagnose-json.ts');
const mountNamespace = await canUseMountNamespace();

interface Lab {
  readonly named: NamedInstance;
  readonly rndc: RndcClient;
  readonly updates: UpdateClient;
  readonly zoneFile: string;
  readonly zonesDir: string;
}

const labs: Lab[] = [];
let counter = 0;

/** Debian's layout: `directory "<dir>/cache"`, the zone file <dir>/lib/dyn.test.db (absolute). */
async function debian(): Promise<Lab> {
  const named = await startNamed({
    user: 'nobody',
    directory: 'cache',
    zones: [{ name: ZONE, kind: 'dynamic', fileName: 'lib/dyn.test.db' }],
  });
  return lab(named);
}

function lab(named: NamedInstance): Lab {
  const zoneFile = named.zones.find((z) => z.name === ZONE)!.path;
  const made: Lab = {
    named,
    rndc: RndcClient.connect({ port: named.controlPort, key: named.keys['hmac-sha256'] }),
    updates: new UpdateClient({
      server: '127.0.0.1',
      port: named.dnsPort,
      key: named.keys['hmac-sha256'],
      timeoutMs: 5000,
    }),
    zoneFile,
    zonesDir: join(zoneFile, '..'),
  };
  labs.push(made);
  return made;
}

afterAll(async () => {
  for (const l of labs) {
    l.updates.close();
    await l.rndc.close().catch(() => {});
    await chmod(l.zonesDir, 0o755).catch(() => {});
    await l.named.stop();
  }
});

async function served(l: Lab): Promise<number> {
  return (await l.rndc.zonestatus(ZONE)).unwrap().serial!;
}

async function add(l: Lab): Promise<number> {
  const before = await served(l);
  counter++;
  (await l.updates.send(new Update(ZONE).add(`h${counter} 300 A 192.0.2.${counter}`))).unwrap();
  await until(async () => (await served(l)) !== before, 5000, 'the served serial to change');
  return served(l);
}

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function run(file: string, args: readonly string[]): Promise<Run> {
  return new Promise((done) =>
    execFile(file, [...args], { timeout: 60_000 }, (error, stdout, stderr) =>
      done({
        code: error ? (typeof error.code === 'number' ? error.code : -1) : 0,
        stdout,
        stderr,
      }),
    ),
  );
}

/** `rndc-js doctor ZONE …` against the lab's control channel, from source. */
function cliArgs(l: Lab, extra: readonly string[]): string[] {
  return [
    ...CLI_FROM_SOURCE,
    '-s',
    '127.0.0.1',
    '-p',
    String(l.named.controlPort),
    '-c',
    l.named.rndcConfFile(),
    'doctor',
    ZONE,
    ...extra,
  ];
}

const doctor = (l: Lab, ...extra: string[]) => run(process.execPath, cliArgs(l, extra));

/** The same, in a mount namespace of its own where a tmpfs with an empty file covers the zones. */
function doctorElsewhere(l: Lab, ...extra: string[]): Promise<Run> {
  const quoted = (word: string) => `'${word.replace(/'/g, "'\\''")}'`;
  const command = [process.execPath, ...cliArgs(l, extra)].map(quoted).join(' ');
  return inOtherNamespace(l, command);
}

/** Runs `command` under `unshare -m` after hiding the zone directory behind a placeholder. */
function inOtherNamespace(l: Lab, command: string): Promise<Run> {
  const dir = l.zonesDir;
  return run('unshare', [
    '-m',
    '--propagation',
    'private',
    'sh',
    '-c',
    `mount -t tmpfs rndc-sidecar '${dir}' && : > '${l.zoneFile}' && exec ${command}`,
  ]);
}

function skipWithoutMountNamespace(): boolean {
  if (mountNamespace.ok) return false;
  console.log(`another-mount-namespace tests not run: ${mountNamespace.reason}`);
  expect(mountNamespace.reason).not.toBe('');
  return true;
}

describe("Debian's layout: named in cache/, zones in lib/ (absolute file paths)", () => {
  let one: Lab;
  let two: Lab;
  beforeAll(async () => {
    one = await debian();
    two = await debian(); // a second named: the scan must tell them apart
  }, 60_000);

  it('healthy: found through its pid file, or without one among several nameds by named.conf; zero findings', async () => {
    const base = {
      zoneFile: one.zoneFile,
      namedBinary: one.named.namedBinary,
      origin: ZONE,
      servedSerial: await served(one),
      timeoutMs: 20_000,
    };
    const viaPidFile = (
      await diagnoseZoneStorage({ ...base, namedConf: one.named.configFile })
    ).unwrap();
    expect(viaPidFile.facts.identity).toBe('pid-file');
    expect(viaPidFile.facts.pid).toBe(one.named.pid);
    expect(viaPidFile.findings).toEqual([]);
    expect(namedAccessChecked(viaPidFile.facts)).toBe(true);

    // No pid file: the /proc scan finds both nameds (both verified), and the zone file lies in
    // neither's working directory; named.conf (`-c` of the command line) picks ours.
    const absentPidFile = join(one.named.dir, 'no-such.pid');
    const scanned = (
      await diagnoseZoneStorage({
        ...base,
        namedConf: one.named.configFile,
        pidFile: absentPidFile,
      })
    ).unwrap();
    expect(scanned.facts.identity).toBe('detected-pid');
    expect(scanned.facts.pid).toBe(one.named.pid);
    expect(scanned.findings).toEqual([]);
    const other = await findNamedProcess({
      configFile: two.named.configFile,
      pidFile: absentPidFile,
      namedBinary: two.named.namedBinary,
      zoneFile: two.zoneFile,
    });
    expect(other.process?.pid).toBe(two.named.pid);

    // Without named.conf nothing tells them apart (their zones are outside their directories):
    // not found, said so, and named's access NOT checked: a warning, never "healthy".
    const blind = (await diagnoseZoneStorage({ ...base, pidFile: absentPidFile })).unwrap();
    expect(blind.facts.identity).toBe('unknown');
    expect(blind.facts.identityNotes.join('\n')).toMatch(/none is singled out/);
    expect(blind.findings.map((f) => [f.code, f.severity])).toEqual([
      ['named-identity-unknown', 'warning'],
    ]);
    expect(namedAccessChecked(blind.facts)).toBe(false);
  });

  it('healthy: rndc-js doctor ZONE exits 0 with "named can write"; --json says namedAccess checked', async () => {
    const text = await doctor(one, '--named-binary', one.named.namedBinary);
    expect(text.stderr).toBe('');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/identity: +from named’s pid file, verified/);
    expect(text.stdout).toMatch(/named access: +checked \(as named, in named’s view\)/);
    expect(text.stdout).toContain(
      'no problems found: named can write this zone file and its journal',
    );

    const json = await doctor(one, '--named-binary', one.named.namedBinary, '--json');
    expect(json.code).toBe(0);
    const document = JSON.parse(json.stdout);
    expect(document.ok).toBe(true);
    expect(document.diagnosis.namedAccess).toBe('checked');
    expect(document.diagnosis.findings).toEqual([]);
  });

  it('named not found (its binary not the one compared with): exit 3, "NOT CHECKED", never "can write"', async () => {
    const text = await doctor(one, '--named-binary', NOT_NAMED);
    expect(text.code).toBe(3);
    expect(text.stdout).toMatch(/named runs as: unknown/);
    expect(text.stdout).toMatch(/named access: +NOT CHECKED: named’s identity is unknown/);
    expect(text.stdout).toContain('WARNING named-identity-unknown');
    expect(text.stdout).toContain('exit status 3');
    expect(text.stdout).not.toContain('no problems found: named can write');

    const json = await doctor(one, '--named-binary', NOT_NAMED, '--json');
    expect(json.code).toBe(3);
    const document = JSON.parse(json.stdout);
    expect(document.ok).toBe(false);
    expect(document.diagnosis.namedAccess).toBe('not-checked');
    expect(document.diagnosis.identity.source).toBe('unknown');
    expect(document.diagnosis.findings.map((f: { code: string }) => f.code)).toEqual([
      'named-identity-unknown',
    ]);
  });

  it('a 0555 zone directory where a dump just failed: zone-dir-not-writable now, dump-overdue once 900 s have passed, also with named unknown', async () => {
    const l = await debian();
    await add(l); // the journal is created while lib/ is still writable
    await chown(l.zonesDir, 0, 0);
    await chmod(l.zonesDir, 0o555);
    const serial = await add(l);
    const since = l.named.logOffset();
    await l.rndc.sync(ZONE); // 9.20 answers "permission denied" at once; older ones log it
    await l.named.waitForLog(/dumping master file: \S*tmp-[A-Za-z0-9]+: open: permission denied/, {
      since,
      timeoutMs: 10_000,
    });

    const base = {
      zoneFile: l.zoneFile,
      namedConf: l.named.configFile,
      origin: ZONE,
      servedSerial: serial,
      timeoutMs: 20_000,
    };
    const now = (await diagnoseZoneStorage({ ...base, namedBinary: l.named.namedBinary })).unwrap();
    expect(now.facts.identity).toBe('pid-file');
    expect(now.facts.fileSerial).toBeLessThan(serial);
    expect(now.findings.map((f) => [f.code, f.severity])).toEqual([
      ['zone-dir-not-writable', 'error'],
    ]);

    // 20 minutes on (the library's `now`): the served serial still ahead of the file
    const later = new Date(Date.now() + 20 * 60_000);
    const overdue = (
      await diagnoseZoneStorage({ ...base, namedBinary: l.named.namedBinary, now: later })
    ).unwrap();
    expect(overdue.findings.map((f) => f.code).sort()).toEqual([
      'dump-overdue',
      'zone-dir-not-writable',
    ]);
    const finding = overdue.findings.find((f) => f.code === 'dump-overdue')!;
    expect(finding.severity).toBe('error');
    expect(finding.title).toContain(`named serves serial ${serial} but the zone file still has`);

    // named not found: access not checked, but the serials and the journal still speak
    const blind = (
      await diagnoseZoneStorage({ ...base, namedBinary: NOT_NAMED, now: later })
    ).unwrap();
    expect(blind.facts.identity).toBe('unknown');
    expect(blind.findings.map((f) => [f.code, f.severity])).toEqual([
      ['dump-overdue', 'error'],
      ['named-identity-unknown', 'warning'],
    ]);

    // The CLI: the dump failure is an error finding (exit 1); unknown named → exit 3 now
    const found = await doctor(l, '--named-binary', l.named.namedBinary);
    expect(found.code).toBe(1);
    expect(found.stdout).toContain('ERROR zone-dir-not-writable');
    expect(found.stdout).toMatch(/mode 0555/);
    const unknown = await doctor(l, '--named-binary', NOT_NAMED);
    expect(unknown.code).toBe(3);
    expect(unknown.stdout).toMatch(/serial: +served \d+, file \d+/);
    expect(unknown.stdout).not.toContain('no problems found: named can write');
  }, 60_000);
});

describe('the doctor in another mount namespace than named (a sidecar or Job)', () => {
  let l: Lab;
  beforeAll(async () => {
    l = await debian();
  }, 60_000);

  it('named found (shared pid namespace): named’s view is used, and the other file seen here is a warning (exit 0)', async () => {
    if (skipWithoutMountNamespace()) return;
    const r = await doctorElsewhere(l, '--named-binary', l.named.namedBinary);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/serial: +served \d+, file \d+/);
    expect(r.stdout).not.toMatch(/file \(unreadable\)/);
    expect(r.stdout).toContain('WARNING different-file-than-named');
    expect(r.stdout).toMatch(/here: device \d+, inode \d+, 0 bytes/);
    expect(r.stdout).toMatch(/share the pod's process namespace/);
    // the control: outside that namespace, the same command finds nothing
    const outside = await doctor(l, '--named-binary', l.named.namedBinary);
    expect(outside.code).toBe(0);
    expect(outside.stdout).not.toContain('different-file-than-named');
  });

  it('named’s view unavailable (--named-user, or named not found): an error, access NOT checked, never "can write"', async () => {
    if (skipWithoutMountNamespace()) return;
    const user = await doctorElsewhere(l, '--named-user', 'nobody');
    expect(user.code).toBe(1);
    expect(user.stdout).toContain('ERROR different-file-than-named');
    expect(user.stdout).toMatch(/is empty \(0 bytes\)/);
    expect(user.stdout).toMatch(
      /named access: +NOT CHECKED: the file seen here is not the one named uses/,
    );
    expect(user.stdout).not.toContain('no problems found: named can write');
    // the placeholder's owner (root) in a tmpfs would have raised sticky-dir findings: withheld
    expect(user.stdout).not.toContain('sticky-dir-foreign-file');

    const unknown = await doctorElsewhere(l, '--named-binary', NOT_NAMED, '--json');
    expect(unknown.code).toBe(1);
    const document = JSON.parse(unknown.stdout);
    expect(document.ok).toBe(false);
    expect(document.diagnosis.namedAccess).toBe('not-checked');
    expect(
      document.diagnosis.findings.map((f: { code: string; severity: string }) => [
        f.code,
        f.severity,
      ]),
    ).toEqual([
      ['different-file-than-named', 'error'],
      ['named-identity-unknown', 'warning'],
    ]);
  });

  it('the library there: device/inode compared through /proc/<pid>/root; named’s file reported, not the placeholder', async () => {
    if (skipWithoutMountNamespace()) return;
    const options = {
      zoneFile: l.zoneFile,
      namedConf: l.named.configFile,
      namedBinary: l.named.namedBinary,
      origin: ZONE,
      servedSerial: await served(l),
      timeoutMs: 20_000,
    };
    const quoted = `'${JSON.stringify(options).replace(/'/g, "'\\''")}'`;
    const r = await inOtherNamespace(
      l,
      `'${process.execPath}' --import tsx '${FIXTURE}' ${quoted}`,
    );
    expect(r.code).toBe(0);
    const seen = JSON.parse(r.stdout);
    expect(seen.identity).toBe('pid-file');
    expect(seen.pid).toBe(l.named.pid);
    expect(seen.checked).toBe(true);
    expect(seen.fileSerial).toBe(options.servedSerial);
    expect(seen.localZoneFile.size).toBe(0);
    expect(seen.localZoneFile.inode).not.toBe(seen.localZoneFile.namedInode);
    expect(seen.findings.map((f: { code: string }) => f.code)).toEqual([
      'different-file-than-named',
    ]);

    const own = JSON.stringify({ ...options, namedUser: 'nobody', namedBinary: undefined });
    const r2 = await inOtherNamespace(
      l,
      `'${process.execPath}' --import tsx '${FIXTURE}' '${own.replace(/'/g, "'\\''")}'`,
    );
    const judged = JSON.parse(r2.stdout);
    expect(judged.identity).toBe('user');
    expect(judged.fileSerial).toBeNull();
    expect(
      judged.findings.map((f: { code: string; severity: string }) => [f.code, f.severity]),
    ).toEqual([['different-file-than-named', 'error']]);
  });
});

describe('named in a mount namespace of its own, the doctor on the host', () => {
  it('a zone file symlink resolves to another file in named’s namespace: compared through named’s root, never ours', async () => {
    if (skipWithoutMountNamespace()) return;
    // zones/dyn.test.db -> <dir>/real/dyn.test.db (absolute); named's namespace has other/
    // bind-mounted over real/, so named's link reaches another file than the host's. Following
    // the link against this process's root would find the host's file and call them equal.
    const named = await startNamed({
      zones: [{ name: ZONE, kind: 'dynamic' }],
      beforeStart: async ({ dir, zones }) => {
        await mkdir(join(dir, 'real'));
        await mkdir(join(dir, 'other'));
        await copyFile(zones[0]!.path, join(dir, 'other/dyn.test.db'));
        await rename(zones[0]!.path, join(dir, 'real/dyn.test.db'));
        await symlink(join(dir, 'real/dyn.test.db'), zones[0]!.path);
      },
      mountNamespace: { bindMounts: [{ source: 'other', target: 'real' }] },
    });
    const l = lab(named);
    const d = (
      await diagnoseZoneStorage({
        zoneFile: l.zoneFile,
        namedPid: named.pid,
        namedBinary: named.namedBinary,
        origin: ZONE,
        servedSerial: await served(l),
        timeoutMs: 20_000,
      })
    ).unwrap();
    expect(d.facts.zoneFileTarget).toBe(join(named.dir, 'real/dyn.test.db'));
    const local = d.facts.localZoneFile!;
    expect(local.namedNamespace).not.toBe(local.ourNamespace);
    expect(local.inode).toBeDefined();
    expect(local.namedInode).not.toBe(local.inode);
    expect(d.findings.map((f) => [f.code, f.severity])).toEqual([
      ['different-file-than-named', 'warning'],
    ]);
  }, 60_000);
});

describe('the test layout (zones inside named’s directory)', () => {
  it('healthy: zero findings, exit 0', async () => {
    const l = lab(await startNamed({ user: 'nobody', zones: [{ name: ZONE, kind: 'dynamic' }] }));
    await add(l);
    (await l.rndc.sync(ZONE)).unwrap();
    const r = await doctor(l, '--named-binary', l.named.namedBinary, '--json');
    expect(r.code).toBe(0);
    const document = JSON.parse(r.stdout);
    expect(document.ok).toBe(true);
    expect(document.diagnosis.namedAccess).toBe('checked');
    expect(document.diagnosis.findings).toEqual([]);
    expect(NOBODY).toBe(document.diagnosis.identity.uid);
  }, 60_000);
});
