// evaluateStorage(): the pure judgement of gathered facts, for set-ups this machine cannot build
// (NFS, an enforcing AppArmor profile, a kubelet ConfigMap volume) and for the edge cases.
import { describe, expect, it } from 'vitest';
import { evaluateStorage, namedAccessChecked, type StorageFacts } from '../../src/dump/diagnose.js';
import { parseMountInfoLine } from '../../src/dump/mountinfo.js';

const NOW = new Date('2026-11-24T18:30:00Z');
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000);

const mount = (line: string) => parseMountInfoLine(line)!;

/** named -u bind (uid 100) in /var/lib/bind/dyn, owned by it: healthy. */
function healthy(): StorageFacts {
  return {
    identity: 'pid',
    pid: 4242,
    command: 'named',
    identityChecks: [],
    identityNotes: [],
    uid: 100,
    gid: 101,
    groups: [101],
    capEff: '0000000000000000',
    capabilities: [],
    zoneFile: '/var/lib/bind/dyn/dyn.example.com.zone',
    zoneDir: '/var/lib/bind/dyn',
    zoneDirStat: {
      path: '/var/lib/bind/dyn',
      type: 'directory',
      uid: 100,
      gid: 101,
      mode: 0o775,
      size: 4096,
      mtime: minutesAgo(5),
    },
    zoneFileStat: {
      path: '/var/lib/bind/dyn/dyn.example.com.zone',
      type: 'file',
      uid: 100,
      gid: 101,
      mode: 0o644,
      size: 2000,
      mtime: minutesAgo(5),
    },
    symlinks: [],
    notRegular: [],
    space: [
      {
        path: '/var/lib/bind/dyn',
        availableBytes: 10_000_000,
        totalBytes: 20_000_000,
        freeInodes: 1000,
        totalInodes: 5000,
        neededBytes: 2 * (2000 + 3000) + 4 * 4096,
      },
    ],
    mount: mount('27 1 254:0 / / rw,relatime - ext4 /dev/vda rw'),
    journalFile: '/var/lib/bind/dyn/dyn.example.com.zone.jnl',
    journal: {
      path: '/var/lib/bind/dyn/dyn.example.com.zone.jnl',
      uid: 100,
      size: 3000,
      mtime: minutesAgo(5),
      startSerial: 10,
      endSerial: 12,
      empty: false,
    },
    access: [
      {
        subject: 'zone-directory',
        path: '/var/lib/bind/dyn',
        want: 'write',
        allowed: true,
        method: 'mode',
      },
      {
        subject: 'zone-file',
        path: '/var/lib/bind/dyn/dyn.example.com.zone',
        want: 'read',
        allowed: true,
        method: 'mode',
      },
    ],
    dataLinkInZoneDir: false,
    fileSerial: 12,
    servedSerial: 12,
    tmpFiles: [],
    apparmor: {
      enabled: true,
      profileFile: true,
      confinement: 'named (enforce)',
      localWritable: [],
    },
    now: NOW,
  };
}

function withoutFileSerial(): StorageFacts {
  const { fileSerial: _unread, ...facts } = healthy();
  return facts;
}

const codes = (facts: StorageFacts) =>
  evaluateStorage(facts)
    .map((f) => f.code)
    .sort();

describe('evaluateStorage', () => {
  it('healthy facts (even under an enforcing AppArmor profile in /var/lib/bind) → no findings', () => {
    expect(evaluateStorage(healthy())).toEqual([]);
  });

  it('pending changes younger than the dump delay are not a problem', () => {
    const facts = {
      ...healthy(),
      servedSerial: 14,
      journal: { ...healthy().journal!, endSerial: 14, mtime: minutesAgo(10) },
    };
    expect(evaluateStorage(facts)).toEqual([]);
  });

  it('pending changes older than 16 minutes → dump-overdue (error); a huge journal → journal-growing warning', () => {
    const overdue = {
      ...healthy(),
      servedSerial: 14,
      journal: { ...healthy().journal!, endSerial: 14, mtime: minutesAgo(17) },
    };
    const [f] = evaluateStorage(overdue);
    expect(f).toMatchObject({ code: 'dump-overdue', severity: 'error', pattern: 12 });
    expect(codes(overdue)).toEqual(['dump-overdue']);
    // without a served serial to compare with, the journal's own end serial says it
    const { servedSerial: _, ...noServed } = overdue;
    expect(evaluateStorage(noServed)).toMatchObject([
      { code: 'journal-growing', severity: 'error' },
    ]);
    const huge = {
      ...healthy(),
      servedSerial: 400,
      journal: {
        ...healthy().journal!,
        startSerial: 12,
        endSerial: 400,
        size: 200_000,
        mtime: minutesAgo(1),
      },
    };
    expect(evaluateStorage(huge)).toMatchObject([{ code: 'journal-growing', severity: 'warning' }]);
    // serial arithmetic wraps (RFC 1982)
    const wrapped = {
      ...healthy(),
      fileSerial: 4294967290,
      servedSerial: 5,
      journal: { ...healthy().journal!, endSerial: 5, mtime: minutesAgo(30) },
    };
    expect(codes(wrapped)).toEqual(['dump-overdue']);
  });

  it('AppArmor: zone directory outside /var/lib/bind under an enforcing profile → apparmor-denied-path', () => {
    const base = healthy();
    const facts: StorageFacts = {
      ...base,
      zoneFile: '/etc/bind/dyn/dyn.example.com.zone',
      zoneDir: '/etc/bind/dyn',
    };
    const [f] = evaluateStorage(facts);
    expect(f).toMatchObject({ code: 'apparmor-denied-path', severity: 'error', pattern: 4 });
    expect(f?.remedy).toContain('/etc/apparmor.d/local/usr.sbin.named');
    // complain mode, unconfined, disabled, or a local rule allowing it → nothing
    expect(
      evaluateStorage({
        ...facts,
        apparmor: { ...base.apparmor, confinement: 'named (complain)' },
      }),
    ).toEqual([]);
    expect(
      evaluateStorage({ ...facts, apparmor: { ...base.apparmor, confinement: 'unconfined' } }),
    ).toEqual([]);
    expect(
      evaluateStorage({
        ...facts,
        apparmor: { enabled: false, profileFile: true, localWritable: [] },
      }),
    ).toEqual([]);
    expect(
      evaluateStorage({
        ...facts,
        apparmor: { ...base.apparmor, localWritable: ['/etc/bind/dyn/**'] },
      }),
    ).toEqual([]);
    // without a pid (loaded profile only): a warning
    expect(evaluateStorage({ ...facts, identity: 'user' })[0]?.severity).toBe('warning');
  });

  it('NFS: named-created files owned by nobody → nfs-squashed-owner; root on NFS without proof of no_root_squash too', () => {
    const nfs = mount('50 27 0:60 / /var/lib/bind rw,relatime - nfs4 srv:/export/bind rw,vers=4.2');
    const squashed = { ...healthy(), mount: nfs, journal: { ...healthy().journal!, uid: 65534 } };
    expect(evaluateStorage(squashed)).toMatchObject([
      { code: 'nfs-squashed-owner', severity: 'warning', pattern: 6 },
    ]);
    // named's files are its own: no squash
    expect(evaluateStorage({ ...healthy(), mount: nfs })).toEqual([]);
    // root-run named, nothing written yet
    const root = {
      ...healthy(),
      uid: 0,
      gid: 0,
      groups: [0],
      mount: nfs,
      zoneDirStat: { ...healthy().zoneDirStat, uid: 0, gid: 0 },
    };
    const { journal: _unused, ...rootNoJournal } = root;
    expect(codes(rootNoJournal)).toEqual(['nfs-squashed-owner']);
    // root-run named whose journal is owned by root: no_root_squash
    expect(codes({ ...root, journal: { ...healthy().journal!, uid: 0 } })).toEqual([]);
  });

  it('ConfigMap: a zone file that is a symlink into ..data → configmap-origin (warning)', () => {
    const facts: StorageFacts = {
      ...healthy(),
      zoneFileStat: { ...healthy().zoneFileStat, type: 'symlink' },
      zoneFileTarget: '/var/lib/bind/dyn/..2026_11_24_17_54_00.000000001/dyn.example.com.zone',
      symlinks: [
        { path: '/var/lib/bind/dyn/dyn.example.com.zone', target: '..data/dyn.example.com.zone' },
        { path: '/var/lib/bind/dyn/..data', target: '..2026_11_24_17_54_00.000000001' },
      ],
      dataLinkInZoneDir: true,
    };
    const [f] = evaluateStorage(facts);
    expect(f).toMatchObject({ code: 'configmap-origin', severity: 'warning' });
    expect(f?.evidence[0]).toContain('..data/dyn.example.com.zone');
    // a whole ConfigMap volume as the zone directory: read-only as well
    const volume = mount(
      '70 27 254:0 /var/lib/kubelet/pods/p/volumes/kubernetes.io~configmap/zones /var/lib/bind/dyn ro,relatime - ext4 /dev/vda rw',
    );
    expect(codes({ ...healthy(), mount: volume })).toEqual([
      'configmap-origin',
      'zone-dir-read-only-mount',
    ]);
  });

  it('sticky directory: only a file owned by neither named nor the directory owner, and no CAP_FOWNER', () => {
    const sticky = (fileUid: number, dirUid: number, caps: string[] = []) =>
      codes({
        ...healthy(),
        capabilities: caps,
        zoneDirStat: { ...healthy().zoneDirStat, mode: 0o1777, uid: dirUid },
        zoneFileStat: { ...healthy().zoneFileStat, uid: fileUid },
      });
    expect(sticky(0, 0)).toEqual(['sticky-dir-foreign-file']);
    expect(sticky(100, 0)).toEqual([]);
    expect(sticky(0, 100)).toEqual([]);
    expect(sticky(0, 0, ['CAP_FOWNER'])).toEqual([]);
  });

  it('identity unknown: identity-dependent checks are skipped, the others still run', () => {
    const { uid: _u, gid: _g, groups: _gr, pid: _p, ...rest } = healthy();
    const unknown: StorageFacts = {
      ...rest,
      identity: 'unknown',
      access: [],
      zoneDirStat: { ...healthy().zoneDirStat, mode: 0o1777, uid: 0 },
      zoneFileStat: { ...healthy().zoneFileStat, uid: 0 },
      zoneFileMount: mount(
        '63 27 254:0 /cm/z /var/lib/bind/dyn/dyn.example.com.zone ro - ext4 /dev/vda rw',
      ),
    };
    expect(codes(unknown)).toEqual(['named-identity-unknown', 'zone-file-mount-point']);
  });

  it('stale tmp files: one old file is a warning; a 13-minute series still going is an error; in-flight files are ignored', () => {
    const tmp = (name: string, age: number) => ({
      name,
      size: 2000,
      mtime: minutesAgo(age),
      uid: 100,
    });
    const old = evaluateStorage({ ...healthy(), tmpFiles: [tmp('tmp-aaaaaaaaaa', 300)] });
    expect(old).toMatchObject([{ code: 'stale-tmp-files', severity: 'warning' }]);
    // The zone file is behind what named serves: the dumps that left the files are still failing.
    const loop = evaluateStorage({
      ...healthy(),
      fileSerial: 11,
      tmpFiles: [
        tmp('tmp-aaaaaaaaaa', 53),
        tmp('tmp-bbbbbbbbbb', 39),
        tmp('tmp-cccccccccc', 26),
        tmp('tmp-dddddddddd', 13),
      ],
    });
    expect(loop[0]).toMatchObject({ code: 'stale-tmp-files', severity: 'error' });
    expect(loop[0]?.title).toContain('dump retry loop');
    expect(evaluateStorage({ ...healthy(), tmpFiles: [tmp('tmp-eeeeeeeeee', 0.2)] })).toEqual([]);
  });

  it('stale tmp files after a proven dump (file serial == served serial, zone file newer): a warning with the way to remove them, not a failing loop', () => {
    const tmp = (name: string, age: number) => ({
      name,
      size: 2000,
      mtime: minutesAgo(age),
      uid: 100,
    });
    const series = [
      tmp('tmp-aaaaaaaaaa', 53),
      tmp('tmp-bbbbbbbbbb', 39),
      tmp('tmp-cccccccccc', 26),
      tmp('tmp-dddddddddd', 13),
    ];
    // healthy(): serial 12 served and on disk, zone file written 5 minutes ago.
    const repaired = evaluateStorage({ ...healthy(), origin: 'dyn.example.com', tmpFiles: series });
    expect(repaired).toHaveLength(1);
    expect(repaired[0]).toMatchObject({ code: 'stale-tmp-files', severity: 'warning' });
    expect(repaired[0]?.title).toMatch(
      /^4 tmp file\(s\) are leftovers of an earlier failure, safe to remove: /,
    );
    expect(repaired[0]?.title).not.toContain('retry loop');
    expect(repaired[0]?.remedy).toContain('`rndc-js clean-tmp dyn.example.com`');
    expect(repaired[0]?.remedy).toContain('rm -- /var/lib/bind/dyn/tmp-aaaaaaaaaa');
    // One left after the last good dump: that one is a failure since, still judged as before.
    const since = evaluateStorage({
      ...healthy(),
      tmpFiles: [...series, tmp('tmp-eeeeeeeeee', 2)],
    });
    expect(since.map((f) => f.severity)).toEqual(['error', 'warning']);
    expect(since[0]?.evidence[0]).toContain('tmp-eeeeeeeeee');
    expect(since[1]?.title).toMatch(/^4 tmp file/);
    // Not proven: the served serial is ahead, or the zone file is a mount point.
    expect(evaluateStorage({ ...healthy(), servedSerial: 13, tmpFiles: series })[0]).toMatchObject({
      severity: 'error',
    });
    expect(evaluateStorage({ ...withoutFileSerial(), tmpFiles: series })[0]).toMatchObject({
      severity: 'error',
    });
  });

  it('errors come before warnings', () => {
    const facts: StorageFacts = {
      ...healthy(),
      tmpFiles: [{ name: 'tmp-aaaaaaaaaa', size: 1, mtime: minutesAgo(300), uid: 100 }],
      zoneFileMount: mount(
        '63 27 254:0 /cm/z /var/lib/bind/dyn/dyn.example.com.zone ro - ext4 /dev/vda rw',
      ),
    };
    expect(evaluateStorage(facts).map((f) => f.severity)).toEqual(['error', 'warning']);
  });

  it('free space: below twice zone file + journal → filesystem-full; no free inode → filesystem-no-inodes; a file system without inode counts → nothing', () => {
    const base = healthy();
    const space = base.space[0]!;
    const full = { ...base, space: [{ ...space, availableBytes: space.neededBytes - 1 }] };
    expect(codes(full)).toEqual(['filesystem-full']);
    expect(evaluateStorage(full)[0]?.remedy).toMatch(/Free space/);
    expect(codes({ ...base, space: [{ ...space, availableBytes: space.neededBytes }] })).toEqual(
      [],
    );
    expect(codes({ ...base, space: [{ ...space, freeInodes: 1 }] })).toEqual([
      'filesystem-no-inodes',
    ]);
    const { freeInodes: _f, totalInodes: _t, ...uncounted } = space;
    expect(codes({ ...base, space: [uncounted] })).toEqual([]);
  });

  it('a FIFO as journal or zone file → not-a-regular-file (error) per file', () => {
    const base = healthy();
    const facts: StorageFacts = {
      ...base,
      notRegular: [
        { subject: 'journal', path: base.journalFile, type: 'FIFO' },
        { subject: 'zone-file', path: base.zoneFile, type: 'socket' },
      ],
    };
    const found = evaluateStorage(facts);
    expect(found.map((f) => [f.code, f.severity])).toEqual([
      ['not-a-regular-file', 'error'],
      ['not-a-regular-file', 'error'],
    ]);
    expect(found[0]?.title).toMatch(/journal .* is a FIFO/);
    expect(found[1]?.title).toMatch(/zone file .* is a socket/);
  });

  it('an unverified pid: a warning listing the failed checks, and no access judgement or chown advice', () => {
    const base = healthy();
    const { pid: _pid, uid: _uid, gid: _gid, groups: _groups, capEff: _capEff, ...rest } = base;
    const facts: StorageFacts = {
      ...rest,
      identity: 'unverified',
      access: [],
      zoneDirStat: { ...base.zoneDirStat, uid: 0, gid: 0, mode: 0o755 },
      identityChecks: [
        { check: 'exe', passed: false, detail: 'runs /tmp/x/named, not /usr/sbin/named' },
        { check: 'user-namespace', passed: false, detail: 'in user namespace user:[1]' },
        { check: 'owner', passed: true, detail: 'runs as root' },
      ],
      identityNotes: [],
    };
    const found = evaluateStorage(facts);
    expect(found.map((f) => f.code)).toEqual(['named-identity-not-verified']);
    expect(found[0]?.evidence.join('\n')).toMatch(/exe: failed: .*\n.*user-namespace: failed/);
    expect(found[0]?.evidence.join('\n')).not.toMatch(/owner/);
    for (const f of found) expect(f.remedy).not.toMatch(/chown/);
  });
});

describe('evaluateStorage: served serial ahead of the file (dump-overdue)', () => {
  const pending = (journalMinutes: number, extra: Partial<StorageFacts> = {}): StorageFacts => ({
    ...healthy(),
    servedSerial: 14,
    journal: { ...healthy().journal!, endSerial: 14, mtime: minutesAgo(journalMinutes) },
    ...extra,
  });

  it('the newest change older than the 900 s dump delay (+60 s) → error with the serials and times', () => {
    const [f] = evaluateStorage(pending(16.5));
    expect(f).toMatchObject({ code: 'dump-overdue', severity: 'error' });
    expect(f?.title).toContain('named serves serial 14 but the zone file still has 12');
    expect(f?.evidence.join('\n')).toContain(`last written ${minutesAgo(16.5).toISOString()}`);
    expect(f?.remedy).toContain('rndc-js sync --verify');
  });

  it('younger than the dump delay, file current, or file ahead → no dump-overdue', () => {
    expect(codes(pending(15.5))).toEqual([]);
    expect(codes(pending(30, { servedSerial: 12 }))).toEqual([]);
    expect(codes(pending(30, { fileSerial: 14 }))).toEqual([]);
  });

  it("a change cannot predate named's start: an old journal with named started 5 minutes ago is not overdue", () => {
    expect(codes(pending(60, { namedStartTime: minutesAgo(5) }))).toEqual([]);
    expect(codes(pending(60, { namedStartTime: minutesAgo(20) }))).toEqual(['dump-overdue']);
  });

  it('no journal seen: nothing to time the pending change by → no dump-overdue', () => {
    const { journal: _, ...noJournal } = pending(60);
    expect(codes(noJournal)).toEqual([]);
  });

  it('also when named was not found (identity unknown): the serials and the journal say it', () => {
    const unknown = pending(20, {
      identity: 'unknown',
      identityNotes: ['no process runs the host named binary'],
      access: [],
    });
    const { uid: _u, gid: _g, groups: _gr, pid: _p, ...facts } = unknown;
    expect(codes(facts)).toEqual(['dump-overdue', 'named-identity-unknown']);
  });
});

describe('evaluateStorage: named not found (named-identity-unknown)', () => {
  const unknown = (): StorageFacts => {
    const { uid: _u, gid: _g, groups: _gr, pid: _p, capEff: _c, ...rest } = healthy();
    return {
      ...rest,
      identity: 'unknown',
      identityNotes: ['pid file /run/named/named.pid: absent', '2 verified named processes'],
      access: [],
    };
  };

  it('a warning naming why, and namedAccessChecked() false: never a silent "healthy"', () => {
    const facts = unknown();
    const findings = evaluateStorage(facts);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ code: 'named-identity-unknown', severity: 'warning' });
    expect(findings[0]?.title).toContain('NOT checked');
    expect(findings[0]?.evidence).toContain('pid file /run/named/named.pid: absent');
    expect(findings[0]?.remedy).toContain('--named-pid');
    expect(namedAccessChecked(facts)).toBe(false);
    expect(namedAccessChecked(healthy())).toBe(true);
    expect(namedAccessChecked({ ...healthy(), identity: 'unverified' })).toBe(false);
  });
});

describe("evaluateStorage: the file seen is not named's (different-file-than-named)", () => {
  const ns = { ourNamespace: 'mnt:[2]', namedNamespace: 'mnt:[1]' };
  const path = '/var/lib/bind/dyn/dyn.example.com.zone';

  it("another mount namespace, another inode here → warning; the diagnosis itself stays named's", () => {
    const facts: StorageFacts = {
      ...healthy(),
      localZoneFile: {
        path,
        ...ns,
        device: 39,
        inode: 2,
        size: 0,
        namedDevice: 254,
        namedInode: 77,
      },
    };
    const findings = evaluateStorage(facts);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ code: 'different-file-than-named', severity: 'warning' });
    expect(findings[0]?.evidence.join('\n')).toContain('device 39, inode 2, 0 bytes');
    expect(findings[0]?.remedy).toContain("named's container");
    // absent here: the same finding
    const absent = evaluateStorage({
      ...facts,
      localZoneFile: {
        path,
        ...ns,
        error: 'does not exist in this mount namespace',
        namedDevice: 254,
        namedInode: 77,
      },
    });
    expect(absent.map((f) => [f.code, f.severity])).toEqual([
      ['different-file-than-named', 'info'],
    ]);
    // the same inode seen from both (a shared volume) → nothing
    expect(
      evaluateStorage({
        ...facts,
        localZoneFile: {
          path,
          ...ns,
          device: 254,
          inode: 77,
          size: 2000,
          namedDevice: 254,
          namedInode: 77,
        },
      }),
    ).toEqual([]);
  });

  /** named's view unavailable (namedUser in a sidecar): our file judged alone. */
  const ownView = (extra: Partial<StorageFacts>): StorageFacts => {
    const { pid: _p, ...rest } = healthy();
    return { ...rest, identity: 'user', user: 'bind', ...extra };
  };

  it('own view, an empty placeholder where named serves the zone → error, access findings withheld', () => {
    const facts = ownView({
      zoneFileStat: { ...healthy().zoneFileStat, size: 0, uid: 0 },
      fileSerialError: 'no SOA record',
      access: [
        {
          subject: 'zone-directory',
          path: '/var/lib/bind/dyn',
          want: 'write',
          allowed: false,
          method: 'kernel',
        },
      ],
    });
    const { fileSerial: _, ...noSerial } = facts;
    const findings = evaluateStorage(noSerial);
    expect(findings.map((f) => f.code)).toEqual(['different-file-than-named']);
    expect(findings[0]).toMatchObject({ severity: 'error' });
    expect(findings[0]?.evidence[0]).toContain('is empty (0 bytes)');
  });

  it('own view, serial unreadable or ahead of the served one → error; behind it (a pending dump) → not this finding', () => {
    const { fileSerial: _, ...unreadable } = ownView({ fileSerialError: 'no SOA record' });
    expect(codes(unreadable)).toEqual(['different-file-than-named']);
    expect(codes(ownView({ fileSerial: 20, servedSerial: 12 }))).toEqual([
      'different-file-than-named',
    ]);
    expect(codes(ownView({ fileSerial: 11, servedSerial: 12 }))).toEqual([]);
    // no served serial known: nothing to compare with
    const { servedSerial: _s, ...noServed } = unreadable;
    expect(codes(noServed)).toEqual([]);
  });
});
