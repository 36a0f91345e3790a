// diagnoseZoneStorage() against real named 9.18 set-ups: a healthy one yields no findings; each
// broken one yields exactly the expected finding codes, and (where possible) the real dump
// failure is shown: `rndc sync` succeeds while named logs "dumping master file: …".
import { execFile } from 'node:child_process';
import {
  chmod,
  chown,
  copyFile,
  mkdir,
  readFile,
  rm,
  stat,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RndcClient } from '../../src/control/client.js';
import {
  type DiagnoseOptions,
  diagnoseZoneStorage,
  type FindingCode,
  type StorageDiagnosis,
} from '../../src/dump/diagnose.js';
import { parseNamedLog } from '../../src/dump/log.js';
import { readZoneFileSerial } from '../../src/dump/zonefile.js';
import {
  canUseMountNamespace,
  type NamedInstance,
  type StartNamedOptions,
  startNamed,
} from '../../src/testing/index.js';
import { UpdateClient } from '../../src/update/client.js';
import { Update } from '../../src/update/update.js';
import { dumpBehaviour } from '../helpers/dump-versions.js';
import { JOURNAL_ELSEWHERE, NOBODY, readOnlyZonesDir } from '../helpers/layouts.js';

const mountNamespace = await canUseMountNamespace();

interface Lab {
  readonly named: NamedInstance;
  readonly rndc: RndcClient;
  readonly updates: UpdateClient;
}

const labs: Lab[] = [];
let counter = 0;

async function start(options: StartNamedOptions): Promise<Lab> {
  const named = await startNamed(options);
  const lab = {
    named,
    rndc: RndcClient.connect({
      port: named.controlPort,
      key: named.keys['hmac-sha256'],
      named: { binary: named.namedBinary },
    }),
    updates: new UpdateClient({
      server: '127.0.0.1',
      port: named.dnsPort,
      key: named.keys['hmac-sha256'],
      timeoutMs: 5000,
    }),
  };
  labs.push(lab);
  return lab;
}

async function stop(lab: Lab | undefined): Promise<void> {
  if (!lab) return;
  lab.updates.close();
  await lab.rndc.close();
  await lab.named.stop();
}

afterAll(async () => {
  for (const lab of labs) await stop(lab);
});

const zoneOf = (lab: Lab, zone: string) => lab.named.zones.find((z) => z.name === zone)!;

function add(lab: Lab, zone: string) {
  counter++;
  return lab.updates.send(new Update(zone).add(`h${counter} 300 A 192.0.2.${counter % 250}`));
}

const served = async (lab: Lab, zone: string): Promise<number> =>
  (await lab.rndc.zonestatus(zone)).unwrap().serial!;

async function diagnose(
  lab: Lab,
  zone: string,
  extra: Partial<DiagnoseOptions> = {},
): Promise<StorageDiagnosis> {
  const result = await diagnoseZoneStorage({
    zoneFile: zoneOf(lab, zone).path,
    namedPid: lab.named.pid,
    // The version under test may be BIND under /opt: its executable, not /usr/sbin/named.
    namedBinary: lab.named.namedBinary,
    origin: zone,
    servedSerial: await served(lab, zone),
    ...extra,
  });
  return result.unwrap();
}

const codes = (d: StorageDiagnosis): FindingCode[] => d.findings.map((f) => f.code).sort();
const finding = (d: StorageDiagnosis, code: FindingCode) =>
  d.findings.find((f) => f.code === code)!;

/**
 * `rndc sync` succeeds while named logs the dump failure (on 9.20 a temp file that cannot be
 * created fails the sync at once: the answer is that failure); returns the log line.
 */
async function syncFailsInLog(lab: Lab, zone: string, pattern: RegExp): Promise<string> {
  const since = lab.named.logOffset();
  const reply = await lab.rndc.sync(zone);
  const answer = / open: /.test(pattern.source)
    ? dumpBehaviour(lab.named.bindVersion).openFailureAnswer
    : undefined;
  if (answer) {
    const error = reply.unwrapErr();
    expect(error.response?.err).toBe(answer.sync);
    // Even unverified, the error says what named's answer means and where to look next.
    expect(error.causes[0]).toMatch(/could not create its temporary file/);
    expect(error.remedy).toMatch(/--verify/);
  } else expect(reply.isOk()).toBe(true);
  return lab.named.waitForLog(pattern, { since, timeoutMs: 5000 });
}

function skipWithoutMountNamespace(): boolean {
  if (mountNamespace.ok) return false;
  console.log(`mount namespace tests not run: ${mountNamespace.reason}`);
  expect(mountNamespace.reason).not.toBe('');
  return true;
}

/**
 * Adds `user:<uid>:rwx` (and mask rwx) to a directory's access ACL by writing the
 * `system.posix_acl_access` xattr (Node has no xattr API; setfacl may be missing): version 2,
 * then (tag u16, perm u16, id u32) entries sorted by tag.
 */
async function setAclUserRwx(path: string, uid: number): Promise<void> {
  const script = [
    'import os, struct, sys',
    'U = 0xffffffff',
    'e = [(1, 7, U), (2, 7, int(sys.argv[2])), (4, 5, U), (0x10, 7, U), (0x20, 5, U)]',
    "data = struct.pack('<I', 2) + b''.join(struct.pack('<HHI', *x) for x in e)",
    "os.setxattr(sys.argv[1], 'system.posix_acl_access', data)",
  ].join('\n');
  await new Promise<void>((resolve, reject) =>
    execFile('python3', ['-c', script, path, String(uid)], (error) =>
      error ? reject(error) : resolve(),
    ),
  );
}

// ---------------------------------------------------------------------------------------------

describe('healthy set-ups: no findings', () => {
  let root: Lab;
  let nobody: Lab;

  beforeAll(async () => {
    root = await start({ zones: [{ name: 'dyn.test', kind: 'dynamic' }] });
    nobody = await start({ user: 'nobody', zones: [{ name: 'dyn.test', kind: 'dynamic' }] });
  });

  it('root-run named (no CAP_DAC_OVERRIDE) in directories root owns: zero findings, dumps work', async () => {
    (await add(root, 'dyn.test')).unwrap();
    const before = await diagnose(root, 'dyn.test');
    expect(before.findings).toEqual([]);
    expect(before.facts.identity).toBe('pid');
    expect(before.facts.uid).toBe(0);
    // named dropped every file capability although it runs as root
    expect(before.facts.capabilities).toEqual([]);
    expect(before.facts.capEff).toMatch(/^[0-9a-f]{16}$/);
    expect(before.facts.mount?.mountPoint).toBeDefined();
    (await root.rndc.sync('dyn.test', { verify: true })).unwrap();
    const after = await diagnose(root, 'dyn.test');
    expect(after.findings).toEqual([]);
    expect(after.facts.fileSerial).toBe(await served(root, 'dyn.test'));
    expect(after.facts.journal?.endSerial).toBe(await served(root, 'dyn.test'));
  });

  it('named -u nobody owning its directory: zero findings, dumps work', async () => {
    (await add(nobody, 'dyn.test')).unwrap();
    expect((await diagnose(nobody, 'dyn.test')).findings).toEqual([]);
    (await nobody.rndc.sync('dyn.test', { verify: true })).unwrap();
    const after = await diagnose(nobody, 'dyn.test');
    expect(after.findings).toEqual([]);
    expect(after.facts.uid).toBe(NOBODY);
    expect(after.facts.journal?.uid).toBe(NOBODY);
  });

  it('the same judgement from namedUser alone, and from a detected pid', async () => {
    const zoneFile = zoneOf(nobody, 'dyn.test').path;
    const byUser = (await diagnoseZoneStorage({ zoneFile, namedUser: 'nobody' })).unwrap();
    expect(byUser.findings).toEqual([]);
    expect(byUser.facts).toMatchObject({ identity: 'user', uid: NOBODY, gid: 65534 });
    const detected = (
      await diagnoseZoneStorage({ zoneFile, namedBinary: nobody.named.namedBinary })
    ).unwrap();
    expect(detected.facts.identity).toBe('detected-pid');
    expect(detected.facts.pid).toBe(nobody.named.pid);
    expect(detected.findings).toEqual([]);
    // ... and a user who owns neither the directory nor the journal is told so
    const asDaemon = (await diagnoseZoneStorage({ zoneFile, namedUser: 'daemon' })).unwrap();
    expect(codes(asDaemon)).toEqual(['journal-not-writable', 'zone-dir-not-writable']);
    expect(asDaemon.facts.user).toBe('daemon');
  });

  it('stale tmp-* files 13 minutes apart: the retry-loop finding, newest holds the served serial', async () => {
    const zone = zoneOf(root, 'dyn.test');
    const serial = await served(root, 'dyn.test');
    const text = await readFile(zone.path, 'utf8');
    const dir = dirname(zone.path);
    const now = Date.now();
    const names = ['tmp-Aa0Bb1Cc2D', 'tmp-Ee3Ff4Gg5H', 'tmp-Ii6Jj7Kk8L', 'tmp-Mm9Nn0Oo1P'];
    const ages = [40.5, 27.3, 14.1, 1.5]; // minutes: gaps of ~13.1 min
    for (const [i, name] of names.entries()) {
      const path = join(dir, name);
      await writeFile(path, text);
      const t = new Date(now - ages[i]! * 60_000);
      await utimes(path, t, t);
    }
    // The last good dump before the failures: a zone file newer than them would prove one since.
    const { atime, mtime } = await stat(zone.path);
    const lastGood = new Date(now - 60 * 60_000);
    await utimes(zone.path, lastGood, lastGood);
    try {
      const d = await diagnose(root, 'dyn.test');
      expect(codes(d)).toEqual(['stale-tmp-files']);
      const f = finding(d, 'stale-tmp-files');
      expect(f.severity).toBe('error');
      expect(f.pattern).toBe(1);
      expect(f.title).toMatch(
        /4 leftover tmp files about every 13\.\d min: named's dump retry loop/,
      );
      expect(f.evidence.join('\n')).toContain(`newest holds serial ${serial}; == served serial`);
      expect(d.facts.tmpFiles.map((t) => t.name)).toEqual(names);
      // a tmp file younger than a minute may be a dump in flight: not counted
      const fresh = (await diagnose(root, 'dyn.test', { now: new Date(now - 40 * 60_000) }))
        .findings;
      expect(fresh).toEqual([]);
      // A dump since (the zone file newer than every tmp file, holding the served serial): the
      // same files are leftovers of a failure that is over — a warning, not a failing loop.
      await utimes(zone.path, atime, new Date());
      const repaired = finding(await diagnose(root, 'dyn.test'), 'stale-tmp-files');
      expect(repaired.severity).toBe('warning');
      expect(repaired.title).toMatch(/^4 tmp file\(s\) are leftovers of an earlier failure/);
    } finally {
      for (const name of names) await rm(join(dir, name), { force: true });
      await utimes(zone.path, atime, mtime);
    }
    expect((await diagnose(root, 'dyn.test')).findings).toEqual([]);
  });

  it('restart(): new pid, same ports and keys, the journal is rolled forward', async () => {
    (await add(nobody, 'dyn.test')).unwrap();
    const serial = await served(nobody, 'dyn.test');
    const oldPid = nobody.named.pid;
    const oldExited = nobody.named.exited;
    const since = nobody.named.logOffset();
    await nobody.named.restart();
    expect(await oldExited).toMatchObject({ signal: null });
    expect(nobody.named.pid).not.toBe(oldPid);
    expect(nobody.named.isRunning()).toBe(true);
    await nobody.named.waitForLog(/zone dyn\.test\/IN: loaded serial/, { since });
    expect(await served(nobody, 'dyn.test')).toBe(serial);
    (await add(nobody, 'dyn.test')).unwrap();
    const d = await diagnose(nobody, 'dyn.test');
    expect(d.facts.pid).toBe(nobody.named.pid);
    expect(d.findings).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------

describe('zone directory not writable (pattern 2)', () => {
  it('chmod 555 on the zones directory, named -u nobody → zone-dir-not-writable', async () => {
    const lab = await start(readOnlyZonesDir());
    const journalFile = join(lab.named.dir, 'jnl/dyn.test.db.jnl');
    expect(codes(await diagnose(lab, 'dyn.test', { journalFile }))).toEqual([
      'zone-dir-not-writable',
    ]);
    (await add(lab, 'dyn.test')).unwrap();
    const line = await syncFailsInLog(
      lab,
      'dyn.test',
      /dumping master file: zones\/tmp-[A-Za-z0-9]{10}: open: permission denied/,
    );
    expect(line).toMatch(/error: /);
    const d = await diagnose(lab, 'dyn.test', { journalFile });
    expect(codes(d)).toEqual(['zone-dir-not-writable']);
    const f = finding(d, 'zone-dir-not-writable');
    expect(f.pattern).toBe(2);
    expect(f.evidence.join('\n')).toContain('mode 0555');
    expect(f.remedy).toContain('chown 65534:65534');
    await stop(lab);
  });

  it('ownership "leave": root-owned zones dir and zone file, named -u nobody → zone-dir-not-writable; updates without a separate journal get SERVFAIL', async () => {
    const lab = await start({
      user: 'nobody',
      ownership: 'leave',
      zones: [
        { name: 'dyn.test', kind: 'dynamic', options: JOURNAL_ELSEWHERE },
        { name: 'plain.test', kind: 'dynamic' },
      ],
      beforeStart: async ({ dir, zones }) => {
        await mkdir(join(dir, 'jnl'));
        await chown(join(dir, 'jnl'), NOBODY, NOBODY);
        for (const zone of zones) await chown(zone.path, 0, 0);
      },
    });
    const journalFile = join(lab.named.dir, 'jnl/dyn.test.db.jnl');
    const d = await diagnose(lab, 'dyn.test', { journalFile });
    expect(codes(d)).toEqual(['zone-dir-not-writable']);
    expect(d.facts.zoneFileStat.uid).toBe(0);
    expect(d.facts.zoneDirStat).toMatchObject({ uid: 0, mode: 0o755 });
    expect(codes(await diagnose(lab, 'plain.test'))).toEqual(['zone-dir-not-writable']);

    (await add(lab, 'dyn.test')).unwrap();
    await syncFailsInLog(
      lab,
      'dyn.test',
      /dumping master file: zones\/tmp-[A-Za-z0-9]{10}: open: permission denied/,
    );
    // pattern 3: the journal cannot be created next to the zone file
    const since = lab.named.logOffset();
    const update = await add(lab, 'plain.test');
    expect(update.isErr() && update.error.kind).toBe('SERVFAIL');
    await lab.named.waitForLog(/plain\.test\.db\.jnl: create: permission denied/, { since });
    await stop(lab);
  });

  it('root-owned zone file in a directory named owns (not sticky): no finding, and the dump really works', async () => {
    const lab = await start({
      user: 'nobody',
      zones: [{ name: 'dyn.test', kind: 'dynamic' }],
      beforeStart: async ({ zones }) => {
        for (const zone of zones) await chown(zone.path, 0, 0);
      },
    });
    const d = await diagnose(lab, 'dyn.test');
    expect(d.facts.zoneFileStat.uid).toBe(0);
    expect(d.findings).toEqual([]);
    (await add(lab, 'dyn.test')).unwrap();
    (await lab.rndc.sync('dyn.test', { verify: true })).unwrap();
    const file = (
      await readZoneFileSerial(zoneOf(lab, 'dyn.test').path, { origin: 'dyn.test' })
    ).unwrap();
    expect(file.serial).toBe(await served(lab, 'dyn.test'));
    // rename() replaced the root-owned file with named's own
    expect((await diagnose(lab, 'dyn.test')).facts.zoneFileStat.uid).toBe(NOBODY);
    await stop(lab);
  });

  it('a POSIX ACL granting nobody rwx on a root-owned 0755 dir: the kernel re-check clears it, no finding, the dump works', async () => {
    const lab = await start({
      user: 'nobody',
      zones: [{ name: 'dyn.test', kind: 'dynamic' }],
      beforeStart: async ({ dir }) => {
        const zones = join(dir, 'zones');
        await chown(zones, 0, 0);
        await chmod(zones, 0o755);
        await setAclUserRwx(zones, NOBODY);
      },
      // In a mount namespace of its own (when possible), so the re-check runs through nsenter.
      ...(mountNamespace.ok
        ? { mountNamespace: { bindMounts: [{ source: 'keys', target: 'keys' }] } }
        : {}),
    });
    const d = await diagnose(lab, 'dyn.test');
    expect(d.findings).toEqual([]);
    expect(
      d.facts.access.find((a) => a.subject === 'zone-directory' && a.want === 'write'),
    ).toMatchObject({
      allowed: true,
      method: 'kernel',
    });
    (await add(lab, 'dyn.test')).unwrap();
    (await lab.rndc.sync('dyn.test', { verify: true })).unwrap();
    await stop(lab);
  });

  it('root-run named (CapEff without CAP_DAC_OVERRIDE) and a zones dir owned by nobody → zone-dir-not-writable, pattern 5', async () => {
    const lab = await start({
      zones: [{ name: 'dyn.test', kind: 'dynamic', options: JOURNAL_ELSEWHERE }],
      beforeStart: async ({ dir }) => {
        await mkdir(join(dir, 'jnl'));
        await chown(join(dir, 'zones'), NOBODY, NOBODY);
        await chmod(join(dir, 'zones'), 0o755);
      },
    });
    const journalFile = join(lab.named.dir, 'jnl/dyn.test.db.jnl');
    const d = await diagnose(lab, 'dyn.test', { journalFile });
    expect(codes(d)).toEqual(['zone-dir-not-writable']);
    const f = finding(d, 'zone-dir-not-writable');
    expect(f.pattern).toBe(5);
    expect(f.evidence.join('\n')).toMatch(/CapEff [0-9a-f]{16} \(no CAP_DAC_OVERRIDE/);
    expect(f.remedy).toContain('drops CAP_DAC_OVERRIDE');
    expect(d.facts.access.find((a) => !a.allowed)?.method).toBe('kernel');
    (await add(lab, 'dyn.test')).unwrap();
    await syncFailsInLog(
      lab,
      'dyn.test',
      /dumping master file: zones\/tmp-[A-Za-z0-9]{10}: open: permission denied/,
    );
    await stop(lab);
  });
});

describe('read-only mount of the zones directory (pattern 2)', () => {
  it("read-only bind mount in named's mount namespace → zone-dir-read-only-mount", async () => {
    if (skipWithoutMountNamespace()) return;
    const lab = await start({
      user: 'nobody',
      zones: [{ name: 'dyn.test', kind: 'dynamic', options: JOURNAL_ELSEWHERE }],
      beforeStart: async ({ dir }) => {
        await mkdir(join(dir, 'jnl'));
        await chown(join(dir, 'jnl'), NOBODY, NOBODY);
      },
      mountNamespace: { bindMounts: [{ source: 'zones', target: 'zones', readOnly: true }] },
    });
    const journalFile = join(lab.named.dir, 'jnl/dyn.test.db.jnl');
    const d = await diagnose(lab, 'dyn.test', { journalFile });
    expect(codes(d)).toEqual(['zone-dir-read-only-mount']);
    expect(d.facts.mount).toMatchObject({
      mountPoint: join(lab.named.dir, 'zones'),
      readOnly: true,
    });
    // the host itself sees no such mount: the diagnosis is from named's view
    const hostView = (
      await diagnoseZoneStorage({
        zoneFile: zoneOf(lab, 'dyn.test').path,
        namedUser: 'nobody',
        journalFile,
      })
    ).unwrap();
    expect(hostView.findings).toEqual([]);

    (await add(lab, 'dyn.test')).unwrap();
    // EROFS: `permission denied` from 9.18.17 on, `unexpected error` (with the errno) on 9.16.
    const result = dumpBehaviour(lab.named.bindVersion).readOnlyMountOpenResult;
    await syncFailsInLog(
      lab,
      'dyn.test',
      new RegExp(`dumping master file: zones/tmp-[A-Za-z0-9]{10}: open: ${result}`),
    );
    expect(codes(await diagnose(lab, 'dyn.test', { journalFile }))).toEqual([
      'zone-dir-read-only-mount',
    ]);
    await stop(lab);
  });
});

describe('sticky directory (pattern 4)', () => {
  it('1777 zones dir with a root-owned zone file, named -u nobody → sticky-dir-foreign-file; after the failure also the tmp file and the journal', async () => {
    const lab = await start({
      user: 'nobody',
      zones: [{ name: 'dyn.test', kind: 'dynamic' }],
      beforeStart: async ({ dir, zones }) => {
        await chown(join(dir, 'zones'), 0, 0);
        await chmod(join(dir, 'zones'), 0o1777);
        for (const zone of zones) await chown(zone.path, 0, 0);
      },
    });
    expect(codes(await diagnose(lab, 'dyn.test'))).toEqual(['sticky-dir-foreign-file']);

    (await add(lab, 'dyn.test')).unwrap();
    await syncFailsInLog(
      lab,
      'dyn.test',
      /dumping master file: rename: zones\/dyn\.test\.db: permission denied/,
    );
    const serial = await served(lab, 'dyn.test');

    // 20 minutes later (as far as ages go): the tmp file is stale, the journal overdue
    const later = await diagnose(lab, 'dyn.test', { now: new Date(Date.now() + 20 * 60_000) });
    expect(codes(later)).toEqual(['dump-overdue', 'stale-tmp-files', 'sticky-dir-foreign-file']);
    expect(later.facts.tmpFiles).toHaveLength(1);
    expect(later.facts.tmpFiles[0]?.serial).toBe(serial);
    expect(later.facts.tmpFiles[0]?.uid).toBe(NOBODY);
    expect(later.facts.fileSerial).toBeLessThan(serial);
    expect(finding(later, 'dump-overdue')).toMatchObject({ severity: 'error', pattern: 12 });
    expect(finding(later, 'sticky-dir-foreign-file').remedy).toContain('chmod o-t');
    await stop(lab);
  });
});

describe('journal not writable (pattern 3)', () => {
  it('a journal chowned to root 0644 under named -u nobody → journal-not-writable, UPDATE SERVFAIL', async () => {
    const lab = await start({ user: 'nobody', zones: [{ name: 'dyn.test', kind: 'dynamic' }] });
    (await add(lab, 'dyn.test')).unwrap();
    const journal = `${zoneOf(lab, 'dyn.test').path}.jnl`;
    await chown(journal, 0, 0);
    await chmod(journal, 0o644);
    const d = await diagnose(lab, 'dyn.test');
    expect(codes(d)).toEqual(['journal-not-writable']);
    expect(finding(d, 'journal-not-writable').pattern).toBe(3);
    const since = lab.named.logOffset();
    const update = await add(lab, 'dyn.test');
    expect(update.isErr() && update.error.kind).toBe('SERVFAIL');
    await lab.named.waitForLog(/journal open failed/, { since });
    await stop(lab);
  });
});

describe('zone file is a mount point (pattern 1, Kubernetes subPath)', () => {
  it('bind-mounted zone files → zone-file-mount-point (+ configmap-origin for a kubelet path); rename fails with EBUSY', async () => {
    if (skipWithoutMountNamespace()) return;
    const kubelet =
      'kubelet/pods/p1/volumes/kubernetes.io~configmap/zones/..2026_11_24_17_54_00.000000001';
    const lab = await start({
      user: 'nobody',
      zones: [
        { name: 'dyn.test', kind: 'dynamic' },
        { name: 'cm.test', kind: 'dynamic' },
      ],
      beforeStart: async ({ dir, zones }) => {
        await mkdir(join(dir, 'cm'));
        await copyFile(zones[0]!.path, join(dir, 'cm/dyn.test.db'));
        await mkdir(join(dir, kubelet), { recursive: true });
        await copyFile(zones[1]!.path, join(dir, kubelet, 'cm.test.db'));
      },
      mountNamespace: {
        bindMounts: [
          { source: 'cm/dyn.test.db', target: 'zones/dyn.test.db', readOnly: true },
          { source: `${kubelet}/cm.test.db`, target: 'zones/cm.test.db', readOnly: true },
        ],
      },
    });
    const d = await diagnose(lab, 'dyn.test');
    // named's own mount namespace: the host sees the file under the mount, not named's
    expect(codes(d)).toEqual(['different-file-than-named', 'zone-file-mount-point']);
    expect(finding(d, 'different-file-than-named').severity).toBe('warning');
    expect(d.facts.zoneFileMount).toMatchObject({
      mountPoint: zoneOf(lab, 'dyn.test').path,
      root: join(lab.named.dir, 'cm/dyn.test.db'),
      readOnly: true,
    });
    const f = finding(d, 'zone-file-mount-point');
    expect(f).toMatchObject({ severity: 'error', pattern: 1 });
    expect(f.remedy).toMatch(/initContainer.*only if it is absent/);
    expect(f.remedy).toContain('never `subPath` the zone file');
    const cm = await diagnose(lab, 'cm.test');
    expect(codes(cm)).toEqual([
      'configmap-origin',
      'different-file-than-named',
      'zone-file-mount-point',
    ]);
    expect(finding(cm, 'configmap-origin').evidence.join('\n')).toContain(
      'kubernetes.io~configmap',
    );

    (await add(lab, 'dyn.test')).unwrap();
    await syncFailsInLog(
      lab,
      'dyn.test',
      /dumping master file: rename: zones\/dyn\.test\.db: unexpected error/,
    );
    // The unmapped errno (EBUSY) is reported as the version does it (file.c:<line> with the
    // errno on 9.16, errno2result.c:<line> without it later), joined into the failure.
    const failed = parseNamedLog(lab.named.readLog()).filter((e) => e.kind === 'dump-failed');
    expect(failed.at(-1)?.unexpectedErrorAt).toMatch(
      dumpBehaviour(lab.named.bindVersion).unexpectedErrorAt,
    );
    const serial = await served(lab, 'dyn.test');
    const later = await diagnose(lab, 'dyn.test', { now: new Date(Date.now() + 2 * 60_000) });
    expect(codes(later)).toEqual([
      'different-file-than-named',
      'stale-tmp-files',
      'zone-file-mount-point',
    ]);
    expect(later.facts.tmpFiles[0]?.serial).toBe(serial);
    await stop(lab);
  });
});

describe('the host mount table', () => {
  it('never sees the bind mounts made for named (private mount namespaces)', async () => {
    const mountinfo = await readFile('/proc/self/mountinfo', 'utf8');
    expect(mountinfo).not.toContain('rndc-named-');
  });
});

describe('errors', () => {
  it('unknown pid, missing zone file, bad arguments are DiagnoseErrors', async () => {
    const noPid = await diagnoseZoneStorage({
      zoneFile: '/etc/hostname',
      namedPid: 2 ** 22 + 12345,
    });
    expect(noPid.isErr() && noPid.error.kind).toBe('pid-not-found');
    const missing = await diagnoseZoneStorage({
      zoneFile: '/nonexistent/z.db',
      namedUser: 'nobody',
    });
    expect(missing.isErr() && missing.error.kind).toBe('zone-file-not-found');
    const noUser = await diagnoseZoneStorage({
      zoneFile: '/etc/hostname',
      namedUser: 'no-such-user-x',
    });
    expect(noUser.isErr() && noUser.error.kind).toBe('user-not-found');
    const bad = await diagnoseZoneStorage({ zoneFile: '', namedUser: 'nobody' });
    expect(bad.isErr() && bad.error.kind).toBe('invalid-argument');
  });
});
