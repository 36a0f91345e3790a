// The storage doctor against a hostile host: a local user's fake `named` in its own user + mount
// namespace, with a script mounted over setpriv and nsenter there, must never get anything run
// as root, must not lend its uid as named's, and must be reported as not verified. The genuine
// named is found and verified through its pid file and its executable.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import {
  chmod,
  chown,
  copyFile,
  mkdir,
  mkdtemp,
  readFile,
  readlink,
  realpath,
  rm,
  symlink,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RndcClient } from '../../src/control/client.js';
import { diagnoseZoneStorage, type StorageDiagnosis } from '../../src/dump/diagnose.js';
import { findNamedProcess } from '../../src/dump/named-process.js';
import { findBinary, freePort, runBinary, startNamed } from '../../src/testing/index.js';
import { CLI_FROM_SOURCE } from '../helpers/cli-io.js';
import { NOBODY } from '../helpers/layouts.js';
import { until } from '../helpers/until.js';

/** Why this machine cannot run the scenario, or undefined. A reason FAILS the test (no skip). */
async function userNamespacesUnavailable(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'the scenario needs root (it plays root running the doctor)';
  const max = Number((await readFile('/proc/sys/user/max_user_namespaces', 'utf8')).trim());
  if (!(max > 0)) return `/proc/sys/user/max_user_namespaces is ${max}`;
  const probe = await runBinary(
    'setpriv',
    [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', '--', 'unshare', '-Urm', 'true'],
    { timeoutMs: 20_000 },
  );
  if (probe.exitCode !== 0) {
    return `an unprivileged user cannot create a user+mount namespace here: ${probe.stderr.trim()}`;
  }
  return undefined;
}

/** Runs a shell script as a local user (nobody) in its own user + mount namespace: the attacker. */
function asUserInOwnNamespaces(script: string): ReturnType<typeof spawn> {
  return spawn(
    '/usr/bin/setpriv',
    [
      `--reuid=${NOBODY}`,
      `--regid=${NOBODY}`,
      '--clear-groups',
      '--',
      '/usr/bin/unshare',
      '-Urm',
      '/bin/sh',
      '-c',
      script,
    ],
    { stdio: 'ignore' },
  );
}

interface Fake {
  readonly pid: number;
  readonly base: string;
  readonly zoneFile: string;
  readonly marker: string;
  stop(): void;
}

/**
 * As nobody: `unshare -Urm`, mount a marker-writing script over /usr/bin/setpriv and
 * /usr/bin/nsenter inside that namespace, cd into the zone directory, drop its capabilities and
 * exec a copy of `sleep` called `named` (comm "named", cwd holding the zone file, uid nobody: what
 * the old detection trusted).
 */
async function startFake(): Promise<Fake> {
  const base = await mkdtemp(join(tmpdir(), 'rndc-fake-named-'));
  await chmod(base, 0o755);
  const zones = join(base, 'zones');
  await mkdir(zones, { mode: 0o755 });
  const zoneFile = join(zones, 'dyn.test.zone');
  await writeFile(
    zoneFile,
    '$TTL 300\n@ SOA ns.dyn.test. h.dyn.test. 1 3600 600 86400 300\n@ NS ns\nns A 127.0.0.1\n',
  );
  const fakeDir = join(base, 'fake');
  await mkdir(fakeDir, { mode: 0o755 });
  await copyFile('/bin/sleep', join(fakeDir, 'named'));
  await chmod(join(fakeDir, 'named'), 0o755);
  // A private copy of setpriv to drop the namespace's capabilities after the mounts (with a
  // full CapEff the old code judged access by mode bits and never reached its nsenter).
  await copyFile('/usr/bin/setpriv', join(fakeDir, 'capdrop'));
  await chmod(join(fakeDir, 'capdrop'), 0o755);
  // The marker directory is writable only by root: only a script running as host root can
  // write there (inside its namespace nobody is "root" only over its own user namespace).
  const markerDir = join(base, 'root-only');
  await mkdir(markerDir, { mode: 0o755 });
  const marker = join(markerDir, 'pwned');
  const evil = join(fakeDir, 'evil.sh');
  await writeFile(
    evil,
    `#!/bin/sh\necho "ran as uid $(id -u): $0 $*" >> ${marker}\necho "ran $0" >> ${fakeDir}/attempts\nexit 0\n`,
  );
  await chmod(evil, 0o755);
  await chown(fakeDir, NOBODY, NOBODY);
  const ready = join(fakeDir, 'ready');
  const script = [
    'set -e',
    `mount --bind ${evil} /usr/bin/setpriv`,
    `mount --bind ${evil} /usr/bin/nsenter`,
    `cd ${zones}`,
    `echo ok > ${ready}`,
    `exec ${join(fakeDir, 'capdrop')} --inh-caps=-all --bounding-set=-all -- ${join(fakeDir, 'named')} 600`,
  ].join('\n');
  const child = asUserInOwnNamespaces(script);
  const pid = child.pid!;
  await until(
    async () => {
      if (!existsSync(ready)) return false;
      const comm = await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '');
      return comm.trim() === 'named';
    },
    20_000,
    'the fake named to start',
  );
  return {
    pid,
    base,
    zoneFile,
    marker,
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

let fake: Fake | undefined;
let unavailable: string | undefined;

beforeAll(async () => {
  unavailable = await userNamespacesUnavailable();
  if (unavailable === undefined) fake = await startFake();
});

afterAll(async () => {
  fake?.stop();
  if (fake) await rm(fake.base, { recursive: true, force: true });
});

function requireFake(): Fake {
  if (unavailable !== undefined || fake === undefined) {
    // Loud, and a failure: this defence must not pass untested.
    console.error(`privilege-escalation scenario cannot run here: ${unavailable}`);
    throw new Error(`privilege-escalation scenario cannot run on this machine: ${unavailable}`);
  }
  return fake;
}

/** Fails with what the planted script wrote (e.g. "ran as uid 0: /usr/bin/setpriv …"). */
/**
 * Starts `program` (a real named, or the wrapper that execs one) as a local user (nobody) in its
 * own user + mount namespace, with the fake's script mounted over setpriv and nsenter there, and
 * waits until /proc/<pid>/exe is named's executable.
 */
async function startUsersNamed(
  f: Fake,
  name: string,
  program: string,
): Promise<{ child: ReturnType<typeof spawn>; pid: number; exe: string }> {
  const dir = join(f.base, name);
  await mkdir(dir, { mode: 0o755 });
  const port = await freePort();
  await writeFile(
    join(dir, 'named.conf'),
    `options { directory "${dir}"; listen-on port ${port} { 127.0.0.1; }; listen-on-v6 { none; };\n` +
      '  pid-file none; session-keyfile none; recursion no; };\ncontrols { };\n',
  );
  await chown(dir, NOBODY, NOBODY);
  await chown(join(dir, 'named.conf'), NOBODY, NOBODY);
  const evil = join(f.base, 'fake', 'evil.sh');
  const child = asUserInOwnNamespaces(
    `mount --bind ${evil} /usr/bin/setpriv && mount --bind ${evil} /usr/bin/nsenter && cd ${f.base}/zones && exec ${program} -f -4 -c ${dir}/named.conf`,
  );
  const pid = child.pid!;
  let exe = '';
  try {
    await until(
      async () => {
        exe = await readlink(`/proc/${pid}/exe`).catch(() => '');
        return basename(exe) === 'named';
      },
      20_000,
      "the user's named to start",
    );
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  return { child, pid, exe };
}

async function expectNothingRan(f: Fake) {
  const ran = await readFile(f.marker, 'utf8').catch(() => '');
  expect(ran, "the fake named's script ran as root").toBe('');
  expect(existsSync(join(f.base, 'fake', 'attempts'))).toBe(false);
}

function noChownAdvice(d: StorageDiagnosis) {
  for (const finding of d.findings) expect(finding.remedy).not.toMatch(/chown/);
}

describe("a local user's fake named in its own user + mount namespace", () => {
  it('the fake really is what the old detection trusted: comm "named", cwd holding the zone file, another user namespace', async () => {
    const f = requireFake();
    expect((await readFile(`/proc/${f.pid}/comm`, 'utf8')).trim()).toBe('named');
    expect((await readFile(`/proc/${f.pid}/status`, 'utf8')).match(/^Uid:\s+(\d+)/m)?.[1]).toBe(
      String(NOBODY),
    );
    expect(await readlink(`/proc/${f.pid}/ns/user`)).not.toBe(await readlink('/proc/self/ns/user'));
  });

  it('diagnoseZoneStorage without a pid: never runs its setpriv/nsenter, never takes it (or its uid) for named, no chown advice', async () => {
    const f = requireFake();
    const d = (await diagnoseZoneStorage({ zoneFile: f.zoneFile, timeoutMs: 20_000 })).unwrap();
    await expectNothingRan(f);
    expect(d.facts.pid).not.toBe(f.pid);
    if (d.facts.pid !== undefined) {
      // Some genuine named on this machine (another test's): it must be the host binary.
      const { stat } = await import('node:fs/promises');
      const [exe, host] = await Promise.all([
        stat(`/proc/${d.facts.pid}/exe`),
        stat('/usr/sbin/named'),
      ]);
      expect([exe.dev, exe.ino]).toEqual([host.dev, host.ino]);
    } else {
      expect(d.facts.identity).toBe('unknown');
      expect(d.facts.uid).toBeUndefined();
      expect(d.facts.identityNotes.length).toBeGreaterThan(0);
      noChownAdvice(d);
    }
  });

  it('the same with a named binary no process runs: identity unknown, reason given, no uid, no chown', async () => {
    const f = requireFake();
    const d = (
      await diagnoseZoneStorage({
        zoneFile: f.zoneFile,
        namedBinary: join(f.base, 'zones', 'dyn.test.zone'),
        pidFile: join(f.base, 'no-such.pid'),
        timeoutMs: 20_000,
      })
    ).unwrap();
    await expectNothingRan(f);
    expect(d.facts.identity).toBe('unknown');
    expect(d.facts.uid).toBeUndefined();
    expect(d.facts.access).toEqual([]);
    expect(d.facts.identityNotes.join('\n')).toMatch(/no process runs the host's named binary/);
    noChownAdvice(d);
  });

  it("diagnoseZoneStorage with the fake's pid given: identity not verified (exe, user namespace, owner), its uid not used, nothing run, no chown", async () => {
    const f = requireFake();
    const d = (
      await diagnoseZoneStorage({ zoneFile: f.zoneFile, namedPid: f.pid, timeoutMs: 20_000 })
    ).unwrap();
    await expectNothingRan(f);
    expect(d.facts.identity).toBe('unverified');
    expect(d.facts.pid).toBeUndefined();
    expect(d.facts.uid).toBeUndefined();
    expect(d.facts.access).toEqual([]);
    const failed = Object.fromEntries(d.facts.identityChecks.map((c) => [c.check, c.passed]));
    expect(failed).toMatchObject({ exe: false, 'user-namespace': false });
    const finding = d.findings.find((x) => x.code === 'named-identity-not-verified');
    expect(finding?.evidence.join('\n')).toMatch(/exe: failed/);
    expect(finding?.evidence.join('\n')).toMatch(/user-namespace: failed/);
    noChownAdvice(d);
  });

  it('even vouched for (trustNamedPid), the kernel check in its view runs only host binaries: nothing of its runs, the failed checks are listed', async () => {
    const f = requireFake();
    const d = (
      await diagnoseZoneStorage({
        zoneFile: f.zoneFile,
        namedPid: f.pid,
        trustNamedPid: true,
        timeoutMs: 20_000,
      })
    ).unwrap();
    await expectNothingRan(f);
    expect(d.facts.identity).toBe('vouched-pid');
    expect(d.facts.pid).toBe(f.pid);
    expect(d.facts.identityNotes.join('\n')).toMatch(/vouched for.*exe failed/);
    // The kernel (host setpriv, descriptor from its root) really was asked: root-owned 0755 dir.
    expect(
      d.facts.access.find((a) => a.subject === 'zone-directory' && a.want === 'write'),
    ).toMatchObject({ allowed: false, method: 'kernel' });
  });

  it('rndc-js doctor with and without --named-pid: nothing run, not verified with the reason, no chown, never "named can write"', async () => {
    const f = requireFake();
    const auto = await runBinary(
      process.execPath,
      [...CLI_FROM_SOURCE, 'doctor', '--zone-file', f.zoneFile],
      {
        timeoutMs: 60_000,
      },
    );
    const given = await runBinary(
      process.execPath,
      [...CLI_FROM_SOURCE, 'doctor', '--zone-file', f.zoneFile, '--named-pid', String(f.pid)],
      { timeoutMs: 60_000 },
    );
    await expectNothingRan(f);
    expect(given.stdout).toMatch(/not verified/);
    expect(given.stdout).toMatch(/exe failed/);
    expect(given.stdout).toMatch(/user-namespace failed/);
    expect(given.stdout).not.toMatch(/chown/);
    expect(given.stdout).not.toMatch(/named can write/);
    expect(given.stdout).toMatch(/named runs as: unknown/);
    // not verified: named's access was not checked, which is not "healthy"
    expect(given.exitCode).toBe(3);
    expect(given.stdout).toMatch(/named access: +NOT CHECKED/);
    expect(auto.stdout).not.toMatch(new RegExp(`pid ${f.pid}\\b`));
    // Another test's named may be the only verified one on the machine (then it is judged), or
    // stop while the doctor reads its process (then nothing can be diagnosed: 2, saying why).
    // Never a crash, never the fake.
    expect([0, 1, 2, 3]).toContain(auto.exitCode);
    if (auto.exitCode === 2) expect(auto.stderr).toMatch(/^rndc-js: doctor: /m);
    expect(auto.stderr).not.toMatch(/internal error/);
  });
});

describe("the host's real named binary, run by a local user in its own user namespace", () => {
  it('passes the exe check but not the user-namespace and owner checks: never taken for named, nothing run', async () => {
    const f = requireFake();
    const { child, pid } = await startUsersNamed(f, 'real', '/usr/sbin/named');
    try {
      const checked = await findNamedProcess({ pid });
      const passed = Object.fromEntries(checked.process!.checks.map((c) => [c.check, c.passed]));
      expect(passed).toEqual({ exe: true, 'user-namespace': false, owner: false });
      expect(checked.process!.verified).toBe(false);
      const d = (
        await diagnoseZoneStorage({ zoneFile: f.zoneFile, namedPid: pid, timeoutMs: 20_000 })
      ).unwrap();
      expect(d.facts.identity).toBe('unverified');
      expect(d.facts.uid).toBeUndefined();
      const auto = (
        await diagnoseZoneStorage({ zoneFile: f.zoneFile, timeoutMs: 20_000 })
      ).unwrap();
      expect(auto.facts.pid).not.toBe(pid);
      await expectNothingRan(f);
    } finally {
      child.kill('SIGKILL');
    }
  });
});

describe("the version under test's named (BIND under /opt too), run by a local user in its own user namespace", () => {
  it('named as namedBinary: passes the exe check, fails user-namespace and owner: never taken for named, nothing run', async () => {
    const f = requireFake();
    // The program startNamed would run: a wrapper script for /opt/bind/<v>, or named itself.
    const program = findBinary('named');
    if (program === undefined) throw new Error('named not found');
    const { child, pid, exe } = await startUsersNamed(f, 'real-version', program);
    try {
      // The executable itself (behind the wrapper), as an operator names it.
      const namedBinary = exe;
      expect(exe.startsWith('/opt/bind/') || exe === (await realpath('/usr/sbin/named'))).toBe(
        true,
      );
      const checked = await findNamedProcess({ pid, namedBinary });
      const passed = Object.fromEntries(checked.process!.checks.map((c) => [c.check, c.passed]));
      expect(passed).toEqual({ exe: true, 'user-namespace': false, owner: false });
      expect(checked.process!.verified).toBe(false);
      const given = (
        await diagnoseZoneStorage({
          zoneFile: f.zoneFile,
          namedPid: pid,
          namedBinary,
          timeoutMs: 20_000,
        })
      ).unwrap();
      expect(given.facts.identity).toBe('unverified');
      expect(given.facts.uid).toBeUndefined();
      const auto = (
        await diagnoseZoneStorage({ zoneFile: f.zoneFile, namedBinary, timeoutMs: 20_000 })
      ).unwrap();
      expect(auto.facts.pid).not.toBe(pid);
      await expectNothingRan(f);
    } finally {
      child.kill('SIGKILL');
    }
  });
});

describe('pid files', () => {
  it("a pid file the fake's user wrote, naming the fake: the process checks refuse it", async () => {
    const f = requireFake();
    const pidFile = join(f.base, 'fake', 'named.pid');
    await writeFile(pidFile, `${f.pid}\n`);
    await chown(pidFile, NOBODY, NOBODY);
    const found = await findNamedProcess({
      pidFile,
      namedBinary: join(f.base, 'zones', 'dyn.test.zone'),
    });
    expect(found.process).toBeUndefined();
    expect(found.notes.join('\n')).toMatch(new RegExp(`pid ${f.pid} from .* failed: .*exe failed`));
    const d = (
      await diagnoseZoneStorage({ zoneFile: f.zoneFile, pidFile, timeoutMs: 20_000 })
    ).unwrap();
    expect(d.facts.pid).not.toBe(f.pid);
    await expectNothingRan(f);
  });

  it('a pid file in a directory anyone can write is not trusted, even naming the genuine named', async () => {
    const named = await startNamed({ user: 'nobody' });
    const open = await mkdtemp(join(tmpdir(), 'rndc-open-'));
    try {
      await chmod(open, 0o777);
      const pidFile = join(open, 'named.pid');
      await writeFile(pidFile, `${named.pid}\n`);
      const found = await findNamedProcess({ pidFile, namedBinary: join(open, 'named.pid') });
      expect(found.process).toBeUndefined();
      expect(found.notes.join('\n')).toMatch(/not trusted \(directory writable by others\)/);
      // The same file in a directory only root writes: trusted, and the process verified.
      await chmod(open, 0o755);
      const trusted = await findNamedProcess({ pidFile, namedBinary: named.namedBinary });
      expect(trusted.process).toMatchObject({ pid: named.pid, source: 'pid-file', verified: true });
    } finally {
      await rm(open, { recursive: true, force: true });
      await named.stop();
    }
  });
});

describe('the genuine named', () => {
  it('is found through its pid file and verified by its executable, user namespace and owner; also with the rndc boot time', async () => {
    const named = await startNamed({
      user: 'nobody',
      zones: [{ name: 'dyn.test', kind: 'dynamic' }],
    });
    const rndc = RndcClient.connect({ port: named.controlPort, key: named.keys['hmac-sha256'] });
    try {
      const zoneFile = named.zones.find((z) => z.name === 'dyn.test')!.path;
      const byPidFile = (
        await diagnoseZoneStorage({
          zoneFile,
          namedConf: named.configFile,
          namedBinary: named.namedBinary,
          timeoutMs: 20_000,
        })
      ).unwrap();
      expect(byPidFile.facts.identity).toBe('pid-file');
      expect(byPidFile.facts.pid).toBe(named.pid);
      expect(byPidFile.facts.uid).toBe(NOBODY);
      expect(byPidFile.facts.identityChecks.map((c) => [c.check, c.passed])).toEqual([
        ['pid-file', true],
        ['exe', true],
        ['user-namespace', true],
        ['owner', true],
      ]);
      expect(byPidFile.findings).toEqual([]);

      const status = (await rndc.status()).unwrap();
      const withBoot = await findNamedProcess({
        pid: named.pid,
        namedBinary: named.namedBinary,
        ...(status.bootTime ? { bootTime: status.bootTime } : {}),
      });
      expect(status.bootTime).toBeInstanceOf(Date);
      expect(withBoot.process?.verified).toBe(true);
      expect(withBoot.process?.checks.find((c) => c.check === 'boot-time')?.passed).toBe(true);
      // A boot time an hour off: not the named the control channel talks to.
      const wrongBoot = await findNamedProcess({
        pid: named.pid,
        namedBinary: named.namedBinary,
        bootTime: new Date(status.bootTime!.getTime() - 3_600_000),
      });
      expect(wrongBoot.process?.verified).toBe(false);

      const given = (
        await diagnoseZoneStorage({
          zoneFile,
          namedPid: named.pid,
          namedBinary: named.namedBinary,
          timeoutMs: 20_000,
        })
      ).unwrap();
      expect(given.facts.identity).toBe('pid');
      expect(given.findings).toEqual([]);
    } finally {
      await rndc.close();
      await named.stop();
    }
  });
});

describe('programs the doctor runs for namedUser', () => {
  it('getent and id are the host binaries by absolute path: a PATH with planted ones runs none of them', async () => {
    const base = await mkdtemp(join(tmpdir(), 'rndc-doctor-path-'));
    const bin = join(base, 'bin');
    const marker = join(base, 'ran');
    await mkdir(bin);
    for (const name of ['getent', 'id']) {
      await writeFile(join(bin, name), `#!/bin/sh\necho "${name} $*" >> ${marker}\nexit 1\n`);
      await chmod(join(bin, name), 0o755);
    }
    const zoneFile = join(base, 'z.zone');
    await writeFile(zoneFile, '@ 300 IN SOA a. b. 1 2 3 4 5\n');
    const saved = { PATH: process.env.PATH, LD_PRELOAD: process.env.LD_PRELOAD };
    process.env.PATH = `${bin}:${saved.PATH ?? '/usr/bin:/bin'}`;
    try {
      const d = (await diagnoseZoneStorage({ zoneFile, namedUser: 'nobody' })).unwrap();
      expect(existsSync(marker)).toBe(false);
      expect(d.facts.uid).toBe(NOBODY);
      expect(d.facts.user).toBe('nobody');
    } finally {
      process.env.PATH = saved.PATH;
      await rm(base, { recursive: true, force: true });
    }
  });
});

describe("paths in named's root are never followed out of it", () => {
  it('a directory on the zone path swapped with a symlink to a host directory, while the doctor runs: no fact about the host files is reported', async () => {
    if (process.getuid?.() !== 0) throw new Error('the scenario needs root (chroot)');
    const base = await mkdtemp(join(tmpdir(), 'rndc-doctor-swap-'));
    const root = join(base, 'root');
    const secret = join(base, 'host-secret');
    await mkdir(join(root, 'zones'), { recursive: true });
    await mkdir(secret);
    // In named's root: a small zone file. On the host: a larger one and a tmp file, root-only.
    await writeFile(join(root, 'zones', 'z.zone'), '@ 300 IN SOA a. b. 1 2 3 4 5\n');
    await writeFile(join(secret, 'z.zone'), `@ 300 IN SOA a. b. 77 2 3 4 5\n${';'.repeat(7000)}\n`);
    await writeFile(join(secret, 'tmp-HOSTSECRET'), 'x');
    await chmod(secret, 0o700);
    await symlink(secret, join(root, 'link'));
    // A process chrooted to `root` that swaps `zones` and `link` atomically, forever.
    const swapper = spawn(
      'python3',
      [
        '-c',
        [
          'import ctypes, os, sys',
          'libc = ctypes.CDLL(None, use_errno=True)',
          'os.chroot(sys.argv[1]); os.chdir("/")',
          'print("ready", flush=True)',
          'while True: libc.renameat2(-100, b"/zones", -100, b"/link", 2)',
        ].join('\n'),
        root,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      let out = '';
      swapper.stdout.on('data', (c: Buffer) => {
        out += c.toString();
      });
      await until(() => out.includes('ready'), 20_000, 'the swapper to start');
      const pid = swapper.pid!;
      let examined = 0;
      for (let i = 0; i < 60; i++) {
        const d = await diagnoseZoneStorage({
          zoneFile: '/zones/z.zone',
          origin: '.',
          namedPid: pid,
          trustNamedPid: true,
          timeoutMs: 20_000,
        });
        if (d.isErr()) continue;
        examined++;
        const f = d.value.facts;
        expect(f.zoneFileStat.size).toBeLessThan(1000);
        expect(f.fileSerial === undefined || f.fileSerial === 1).toBe(true);
        expect(f.tmpFiles.map((t) => t.name)).not.toContain('tmp-HOSTSECRET');
        expect(f.zoneDirStat.mode & 0o777).not.toBe(0o700);
      }
      // Some runs saw the directory (the others saw the symlink, or a swap under their feet).
      expect(examined).toBeGreaterThan(0);
    } finally {
      swapper.kill('SIGKILL');
      await rm(base, { recursive: true, force: true });
    }
  });
});

describe("named's user fills the zone directory", () => {
  it('20,000 tmp files: the newest 1,000 are described, all are counted, the newest is last', async () => {
    const base = await mkdtemp(join(tmpdir(), 'rndc-doctor-tmpflood-'));
    try {
      const zoneFile = join(base, 'z.zone');
      await writeFile(zoneFile, '@ 300 IN SOA a. b. 1 2 3 4 5\n');
      const names: string[] = [];
      for (let i = 0; i < 20_000; i++) names.push(`tmp-${i.toString(36).padStart(10, 'A')}`);
      for (let i = 0; i < names.length; i += 500) {
        await Promise.all(names.slice(i, i + 500).map((n) => writeFile(join(base, n), '')));
      }
      const newest = names[12_345]!;
      const future = new Date(Date.now() + 3_600_000);
      await utimes(join(base, newest), future, future);
      const d = (
        await diagnoseZoneStorage({ zoneFile, namedUser: 'nobody', timeoutMs: 60_000 })
      ).unwrap();
      expect(d.facts.tmpFiles.length).toBe(1000);
      expect(d.facts.tmpFileCount).toBe(20_000);
      expect(d.facts.tmpFiles.at(-1)?.name).toBe(newest);
      expect(d.facts.zoneDirListingIncomplete).toBeUndefined();
    } finally {
      await rm(base, { recursive: true, force: true });
    }
  });
});

describe("named's pid stops naming named during the diagnosis", () => {
  it('the process examined exits while its directory is read: an error, never facts of a process that is gone', async () => {
    const base = await mkdtemp(join(tmpdir(), 'rndc-doctor-pidgone-'));
    try {
      const zoneFile = join(base, 'z.zone');
      await writeFile(zoneFile, '@ 300 IN SOA a. b. 1 2 3 4 5\n');
      const names: string[] = [];
      for (let i = 0; i < 40_000; i++) names.push(`tmp-${i.toString(36).padStart(10, 'P')}`);
      for (let i = 0; i < names.length; i += 500) {
        await Promise.all(names.slice(i, i + 500).map((n) => writeFile(join(base, n), '')));
      }
      // A process vouched for as named that exits while the (long) listing runs: its pid may be
      // anyone's by the time the facts are returned.
      const short = spawn('sleep', ['0.3'], { stdio: 'ignore' });
      const exited = new Promise((r) => short.once('exit', r));
      const d = await diagnoseZoneStorage({
        zoneFile,
        namedPid: short.pid!,
        trustNamedPid: true,
        timeoutMs: 60_000,
      });
      await exited;
      expect(d.isErr()).toBe(true);
      if (d.isErr()) expect(['pid-not-found', 'proc-unreadable']).toContain(d.error.kind);
    } finally {
      await rm(base, { recursive: true, force: true });
    }
  });
});

describe("a zone file of named's user including a root-only file", () => {
  it('$INCLUDE of a root-only host file before the SOA: the doctor (root) never reads it; the serial is reported unreadable', async () => {
    const base = await mkdtemp(join(tmpdir(), 'rndc-doctor-include-'));
    try {
      const secretDir = join(base, 'root-only');
      await mkdir(secretDir, { mode: 0o700 });
      const secret = join(secretDir, 'secret.zone');
      await writeFile(secret, '@ 300 IN SOA a. b. 4242 2 3 4 5\n', { mode: 0o600 });
      const zones = join(base, 'zones');
      await mkdir(zones);
      const zoneFile = join(zones, 'z.zone');
      await writeFile(zoneFile, `$INCLUDE ${secret}\n@ 300 IN SOA a. b. 1 2 3 4 5\n`);
      await chown(zones, NOBODY, NOBODY);
      await chown(zoneFile, NOBODY, NOBODY);
      const d = (
        await diagnoseZoneStorage({ zoneFile, origin: 'example.', namedUser: 'nobody' })
      ).unwrap();
      expect(d.facts.fileSerial).toBeUndefined();
      expect(d.facts.fileSerialError).toMatch(/\$INCLUDE/);
    } finally {
      await rm(base, { recursive: true, force: true });
    }
  });
});
