// /proc/<pid>/mountinfo parsing and path → mount resolution (pure).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  isMountPoint,
  type MountInfoEntry,
  MountInfoError,
  mountFor,
  parseMountInfo,
  parseMountInfoLine,
  unescapeMountInfoField,
} from '../../src/dump/mountinfo.js';

const parse = (text: string): MountInfoEntry[] => parseMountInfo(text).unwrap();

// A container-like table: the root's parent (1) is not listed.
const TABLE = [
  '27 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw,discard',
  '22 27 0:21 / /proc rw,relatime - proc proc rw',
  '40 27 0:40 / /var/lib rw,relatime - tmpfs tmpfs rw,size=1024k',
  '41 40 0:41 / /var/lib/bind rw,nosuid master:7 propagate_from:3 - nfs4 srv:/export/bind rw,vers=4.2,sec=sys',
  // subPath-style single-file bind mount over the zone file, read-only
  '63 41 254:0 /var/lib/kubelet/pods/p1/volumes/kubernetes.io~configmap/zones/..2026_11_24_17_54_00.000000001/dyn.example.com.zone /var/lib/bind/dyn/dyn.example.com.zone ro,relatime - ext4 /dev/vda rw,discard',
  '70 27 0:50 / /srv/with\\040space rw - tmpfs my\\011src rw',
  '80 27 0:51 / /ro-super rw - ext4 /dev/vdb ro,errors=remount-ro',
].join('\n');

describe('parseMountInfoLine / parseMountInfo', () => {
  it('parses every field of the proc(5) example, optional fields up to the "-"', () => {
    const entry = parseMountInfoLine(
      '36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue',
    );
    expect(entry).toEqual({
      mountId: 36,
      parentId: 35,
      major: 98,
      minor: 0,
      root: '/mnt1',
      mountPoint: '/mnt2',
      mountOptions: ['rw', 'noatime'],
      optionalFields: ['master:1'],
      fsType: 'ext3',
      source: '/dev/root',
      superOptions: ['rw', 'errors=continue'],
      readOnly: false,
    });
  });

  it('handles zero and several optional fields', () => {
    const [root, , , nfs] = parse(TABLE);
    expect(root?.optionalFields).toEqual(['shared:1']);
    expect(nfs?.optionalFields).toEqual(['master:7', 'propagate_from:3']);
    expect(nfs?.fsType).toBe('nfs4');
    expect(nfs?.source).toBe('srv:/export/bind');
    expect(parse(TABLE)[1]?.optionalFields).toEqual([]);
  });

  it('decodes \\040, \\011, \\012 and \\134 in root, mount point and source', () => {
    const spaced = parse(TABLE).find((e) => e.mountId === 70)!;
    expect(spaced.mountPoint).toBe('/srv/with space');
    expect(spaced.source).toBe('my\tsrc');
    expect(unescapeMountInfoField('a\\012b\\134c')).toBe('a\nb\\c');
    // not an escape: kept
    expect(unescapeMountInfoField('a\\9b\\')).toBe('a\\9b\\');
    expect(unescapeMountInfoField('caf\\303\\251')).toBe('café');
  });

  it('readOnly comes from the per-mount or the superblock options', () => {
    const entries = parse(TABLE);
    expect(entries.find((e) => e.mountId === 63)?.readOnly).toBe(true);
    expect(entries.find((e) => e.mountId === 80)?.readOnly).toBe(true);
    expect(entries.find((e) => e.mountId === 41)?.readOnly).toBe(false);
  });

  it('parses the subPath line of the research lab (§6.2, instance B)', () => {
    const entry = parseMountInfoLine(
      '63 43 254:0 /lab/bindlab/B/cm/dyn.example.com.zone /lab/bindlab/B/work/dyn/dyn.example.com.zone ro,relatime - ext4 /dev/vda rw,discard',
    );
    expect(entry?.root).toBe('/lab/bindlab/B/cm/dyn.example.com.zone');
    expect(entry?.mountPoint).toBe('/lab/bindlab/B/work/dyn/dyn.example.com.zone');
    expect(entry?.readOnly).toBe(true);
  });

  it('rejects malformed lines with their number; ignores blank lines', () => {
    expect(
      parseMountInfoLine('36 35 98:0 /mnt1 /mnt2 rw,noatime ext3 /dev/root rw'),
    ).toBeUndefined();
    expect(parseMountInfoLine('x 35 98:0 /a /b rw - ext4 /dev/x rw')).toBeUndefined();
    expect(parseMountInfoLine('1 2 98 /a /b rw - ext4 /dev/x rw')).toBeUndefined();
    expect(parseMountInfoLine('1 2 8:1 /a /b rw -')).toBeUndefined();
    const bad = parseMountInfo(`${TABLE}\n\ngarbage line\n`);
    expect(bad.isErr()).toBe(true);
    const error = bad.unwrapErr();
    expect(error).toBeInstanceOf(MountInfoError);
    expect(error.kind).toBe('syntax');
    expect(error.line).toBe(9);
    expect(parseMountInfo('\n\n').unwrap()).toEqual([]);
  });

  it("parses this machine's own /proc/self/mountinfo", () => {
    const text = readFileSync('/proc/self/mountinfo', 'utf8');
    const entries = parse(text);
    expect(entries.length).toBeGreaterThan(0);
    expect(mountFor(entries, '/proc/self')?.fsType).toBe('proc');
    expect(mountFor(entries, '/')?.mountPoint).toBe('/');
  });
});

describe('mountFor / isMountPoint', () => {
  const entries = parse(TABLE);

  it('takes the longest mount point that is an ancestor, component by component', () => {
    expect(mountFor(entries, '/var/lib/bind/dyn')?.mountId).toBe(41);
    expect(mountFor(entries, '/var/lib/bind')?.mountId).toBe(41);
    expect(mountFor(entries, '/var/lib/bind/')?.mountId).toBe(41);
    expect(mountFor(entries, '/var/lib/bindings/x')?.mountId).toBe(40);
    expect(mountFor(entries, '/var/library')?.mountId).toBe(27);
    expect(mountFor(entries, '/etc/bind')?.mountId).toBe(27);
    expect(mountFor(entries, '/')?.mountId).toBe(27);
    expect(mountFor(entries, '/srv/with space/z')?.mountId).toBe(70);
    expect(mountFor(entries, '/var/lib/./bind/../bind/x')?.mountId).toBe(41);
  });

  it('a single-file bind mount makes the file a mount point, not its directory', () => {
    const file = '/var/lib/bind/dyn/dyn.example.com.zone';
    expect(isMountPoint(entries, file)).toBe(true);
    expect(mountFor(entries, file)?.mountId).toBe(63);
    expect(isMountPoint(entries, '/var/lib/bind/dyn')).toBe(false);
    expect(isMountPoint(entries, '/var/lib/bind/dyn/other.zone')).toBe(false);
    expect(isMountPoint(entries, '/var/lib/bind')).toBe(true);
    expect(isMountPoint(entries, '/')).toBe(true);
  });

  it('relative paths match nothing', () => {
    expect(mountFor(entries, 'var/lib')).toBeUndefined();
    expect(isMountPoint(entries, 'var/lib/bind')).toBe(false);
  });

  it('stacked mounts at one point resolve to the topmost', () => {
    const stacked = parse(
      [
        '1 0 8:1 / / rw - ext4 /dev/a rw',
        '2 1 0:2 / /data rw - tmpfs first rw',
        '3 2 0:3 / /data ro - tmpfs second rw',
      ].join('\n'),
    );
    expect(mountFor(stacked, '/data/x')?.mountId).toBe(3);
    expect(mountFor(stacked, '/data/x')?.readOnly).toBe(true);
  });

  it('a mount hidden by a later mount over its parent directory is not visible', () => {
    const shadowed = parse(
      [
        '1 0 8:1 / / rw - ext4 /dev/a rw',
        '2 1 0:2 / /a/b rw - tmpfs early rw',
        '3 1 0:3 / /a ro - tmpfs later rw',
      ].join('\n'),
    );
    expect(mountFor(shadowed, '/a/b/c')?.mountId).toBe(3);
    expect(isMountPoint(shadowed, '/a/b')).toBe(false);
  });

  it('without a usable tree (no / entry) falls back to the longest prefix', () => {
    const partial = parse(
      ['5 4 0:2 / /x rw - tmpfs a rw', '6 5 0:3 / /x/y ro - tmpfs b rw'].join('\n'),
    );
    expect(mountFor(partial, '/x/y/z')?.mountId).toBe(6);
    expect(mountFor(partial, '/x/q')?.mountId).toBe(5);
    expect(mountFor(partial, '/other')).toBeUndefined();
  });
});
