// `namedBinary` / `--named-binary`: the storage doctor verifies named's identity against the
// executable the operator names (BIND under /opt, /usr/local, a distribution's path) — but only
// if root alone controls that path. A root-run process whose executable a local user could have
// put at the named path (a hard link in the user's directory, the user's symbolic link, a
// group-writable directory, a copy the user owns) is never adopted as named, and a wrapper
// script gets a clear note instead of a silent mismatch. The genuine named of the version under
// test is verified through `NamedInstance.namedBinary`.
import { type ChildProcess, spawn } from 'node:child_process';
import {
  chmod,
  chown,
  copyFile,
  lchown,
  link,
  mkdir,
  mkdtemp,
  readFile,
  readlink,
  realpath,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diagnoseZoneStorage } from '../../src/dump/diagnose.js';
import { findNamedProcess, type NamedProcess } from '../../src/dump/named-process.js';
import { findBinary, type NamedInstance, runBinary, startNamed } from '../../src/testing/index.js';
import { CLI_FROM_SOURCE } from '../helpers/cli-io.js';
import { NOBODY } from '../helpers/layouts.js';
import { until } from '../helpers/until.js';

/** A root-run process (host user namespace, uid 0: the owner check passes) running `exe`. */
async function runAsRoot(exe: string, cwd: string): Promise<ChildProcess> {
  const child = spawn(exe, ['600'], { cwd, stdio: 'ignore' });
  const pid = child.pid!;
  await until(
    async () => (await readlink(`/proc/${pid}/exe`).catch(() => '')) === exe,
    20_000,
    `${exe} to run`,
  );
  return child;
}

const exeCheck = (p: NamedProcess | undefined) => p?.checks.find((c) => c.check === 'exe');

let base: string;
let zoneFile: string;
/** Root-owned copy of sleep in root-owned directories: the binary an operator may name. */
let trusted: string;
let daemon: ChildProcess;
/** A copy of sleep the local user owns, also run by root. */
let userCopy: string;
let userDaemon: ChildProcess;

beforeAll(async () => {
  expect(process.getuid?.(), 'these tests play root running the doctor').toBe(0);
  base = await mkdtemp(join(tmpdir(), 'rndc-named-binary-'));
  await chmod(base, 0o755);
  zoneFile = join(base, 'dyn.test.zone');
  await writeFile(zoneFile, '$TTL 300\n@ SOA ns.dyn.test. h.dyn.test. 1 3600 600 86400 300\n');
  await mkdir(join(base, 'sbin'), { mode: 0o755 });
  trusted = join(base, 'sbin', 'named');
  await copyFile('/bin/sleep', trusted);
  await chmod(trusted, 0o755);
  daemon = await runAsRoot(trusted, base);

  // The same inode, reached through places a local user controls.
  await mkdir(join(base, 'user'), { mode: 0o755 });
  await chown(join(base, 'user'), NOBODY, NOBODY);
  await link(trusted, join(base, 'user', 'named'));
  await symlink(trusted, join(base, 'user-link'));
  await lchown(join(base, 'user-link'), NOBODY, NOBODY);
  await mkdir(join(base, 'group'), { mode: 0o775 });
  await chown(join(base, 'group'), 0, NOBODY);
  await chmod(join(base, 'group'), 0o775);
  await link(trusted, join(base, 'group', 'named'));
  // A file the user owns in a root-owned directory, that root runs.
  userCopy = join(base, 'sbin', 'named-user-copy');
  await copyFile('/bin/sleep', userCopy);
  await chmod(userCopy, 0o755);
  await chown(userCopy, NOBODY, NOBODY);
  userDaemon = await runAsRoot(userCopy, base);
  // A wrapper, as /opt/bind/<v>/bin/named.
  await writeFile(join(base, 'sbin', 'wrapper'), `#!/bin/sh\nexec -a named ${trusted} "$@"\n`);
  await chmod(join(base, 'sbin', 'wrapper'), 0o755);
}, 60_000);

afterAll(async () => {
  daemon?.kill('SIGKILL');
  userDaemon?.kill('SIGKILL');
  if (base) await rm(base, { recursive: true, force: true });
});

describe('namedBinary must be a file only root can change', () => {
  it('control: the root-owned binary in root-owned directories verifies the root-run process', async () => {
    const found = await findNamedProcess({ pid: daemon.pid!, namedBinary: trusted });
    expect(found.process?.verified).toBe(true);
    expect(exeCheck(found.process)).toMatchObject({ passed: true });
  });

  it.each([
    [
      'a hard link in a directory the user owns',
      'user/named',
      /directory .*\/user is owned by uid 65534/,
    ],
    [
      'a symbolic link the user owns',
      'user-link',
      /symbolic link .*\/user-link is owned by uid 65534/,
    ],
    ['a group-writable directory', 'group/named', /directory .*\/group is writable by group 65534/],
  ])(
    'the same executable reached through %s: not adopted, and the reason says so',
    async (_what, path, reason) => {
      const namedBinary = join(base, path);
      const found = await findNamedProcess({ pid: daemon.pid!, namedBinary });
      expect(found.process?.verified).toBe(false);
      expect(exeCheck(found.process)?.passed).toBeUndefined();
      expect(exeCheck(found.process)?.detail).toMatch(reason);
      expect(exeCheck(found.process)?.detail).toMatch(/not trusted/);
      // Nor found by the /proc scan: the doctor judges nothing as that process.
      const d = (await diagnoseZoneStorage({ zoneFile, namedBinary, timeoutMs: 20_000 })).unwrap();
      expect(d.facts.pid).toBeUndefined();
      expect(d.facts.uid).toBeUndefined();
      expect(d.facts.identity).toBe('unknown');
      expect(d.facts.identityNotes.join('\n')).toMatch(reason);
    },
  );

  it('a copy the user owns, run by root: not adopted (the user could swap its contents)', async () => {
    const found = await findNamedProcess({ pid: userDaemon.pid!, namedBinary: userCopy });
    expect(found.process?.verified).toBe(false);
    expect(exeCheck(found.process)?.detail).toMatch(/named-user-copy is owned by uid 65534/);
    const d = (
      await diagnoseZoneStorage({ zoneFile, namedBinary: userCopy, timeoutMs: 20_000 })
    ).unwrap();
    expect(d.facts.pid).toBeUndefined();
    expect(d.facts.identity).toBe('unknown');
  });

  it('a wrapper script: "is a script, not named\'s executable", never a silent mismatch', async () => {
    const wrapper = join(base, 'sbin', 'wrapper');
    const found = await findNamedProcess({ pid: daemon.pid!, namedBinary: wrapper });
    expect(found.process?.verified).toBe(false);
    expect(exeCheck(found.process)?.detail).toMatch(
      /wrapper is a script, not named's executable .*readlink \/proc\/<named's pid>\/exe/,
    );
  });

  /** `rndc-js doctor` on the lab's zone and named pid, naming `namedBinary` as named's program. */
  const doctor = (namedBinary: string) =>
    runBinary(
      process.execPath,
      [
        ...CLI_FROM_SOURCE,
        'doctor',
        '--zone-file',
        zoneFile,
        '--named-pid',
        String(daemon.pid),
        '--named-binary',
        namedBinary,
      ],
      { timeoutMs: 60_000 },
    );

  it("rndc-js doctor --named-binary: verified with the trusted path (relative to the working directory), refused with the user's link", async () => {
    const good = await doctor(relative(process.cwd(), trusted));
    expect(good.stdout).toMatch(/identity: +from --named-pid, verified/);
    const bad = await doctor(join(base, 'user-link'));
    expect(bad.stdout).toMatch(/NOT VERIFIED/);
    expect(bad.stdout).toMatch(/exe not checked: named binary .*user-link is not trusted/);
    expect(bad.stdout).toMatch(/named runs as: unknown/);
  });
});

describe('the genuine named of the version under test', () => {
  let named: NamedInstance;
  beforeAll(async () => {
    named = await startNamed({ user: 'nobody', zones: [{ name: 'dyn.test', kind: 'dynamic' }] });
  });
  afterAll(async () => {
    await named?.stop();
  });

  it('namedBinary is the executable it runs (not a wrapper), and verifies it', async () => {
    expect(named.namedBinary).toBe(await readlink(`/proc/${named.pid}/exe`));
    const program = findBinary('named');
    console.log(`named ${named.bindVersion}: started ${program}, runs ${named.namedBinary}`);
    const zone = named.zones[0]!.path;
    const d = (
      await diagnoseZoneStorage({
        zoneFile: zone,
        namedPid: named.pid,
        namedBinary: named.namedBinary,
        timeoutMs: 20_000,
      })
    ).unwrap();
    expect(d.facts.identity).toBe('pid');
    expect(d.findings).toEqual([]);
    // Given the program it was started through: a wrapper script (9.16, 9.20 under /opt) gets
    // the note naming the mistake; a link to the same executable (9.18) verifies as well.
    if (program === undefined) throw new Error('named not found');
    const wrapped = (
      await diagnoseZoneStorage({
        zoneFile: zone,
        namedPid: named.pid,
        namedBinary: program,
        timeoutMs: 20_000,
      })
    ).unwrap();
    if ((await realpath(program)) === named.namedBinary) {
      expect(wrapped.facts.identity).toBe('pid');
    } else {
      expect((await readFile(program, 'latin1')).startsWith('#!')).toBe(true);
      expect(wrapped.facts.identity).toBe('unverified');
      expect(wrapped.facts.identityNotes.join('\n')).toMatch(/is a script, not named's executable/);
      const finding = wrapped.findings.find((f) => f.code === 'named-identity-not-verified');
      expect(finding?.remedy).toMatch(/pass its executable .* as namedBinary \/ --named-binary/);
    }
  });
});
