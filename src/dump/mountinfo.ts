/**
 * `/proc/<pid>/mountinfo`: which mount a path of a process lives on. Pure: no I/O here; read the
 * file (from the process whose view matters, e.g. named's) and pass its text.
 *
 * Line format (proc(5)):
 *
 * ```
 * 36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
 * (1)(2)(3)   (4)   (5)      (6)       (7)   (8) (9)    (10)        (11)
 * ```
 *
 * 1 mount id, 2 parent id, 3 `major:minor`, 4 root of the mount inside its filesystem (for a bind
 * mount: the bound directory or file), 5 mount point, 6 per-mount options, 7 zero or more
 * optional fields (`shared:N`, `master:N`, …) ended by 8 a lone `-`, 9 filesystem type,
 * 10 source, 11 per-superblock options. Fields 4, 5, 10 escape space, tab, newline and
 * backslash as `\040`, `\011`, `\012`, `\134` (any `\ooo` octal escape is decoded).
 */
import { posix } from 'node:path';
import { RndcLibraryError } from '../errors.js';
import { Err, Ok, type Result } from '../result.js';

/** One mount, as a line of `/proc/<pid>/mountinfo` describes it. Paths are unescaped. */
export interface MountInfoEntry {
  /** Unique id of the mount (field 1). */
  readonly mountId: number;
  /** Id of the parent mount (field 2); the root mount's parent is usually not listed. */
  readonly parentId: number;
  /** Device major number (field 3). */
  readonly major: number;
  /** Device minor number (field 3). */
  readonly minor: number;
  /**
   * Path inside the filesystem that is mounted here (field 4): `/` for a whole filesystem, the
   * bound directory or file for a bind mount (Kubernetes `subPath`: `…/..2026_…/zone.db`).
   */
  readonly root: string;
  /** Where it is mounted, relative to the process's root directory (field 5). */
  readonly mountPoint: string;
  /** Per-mount options (field 6): `rw`/`ro`, `nosuid`, `relatime`, … */
  readonly mountOptions: readonly string[];
  /** Optional fields (field 7): `shared:N`, `master:N`, `propagate_from:N`, `unbindable`. */
  readonly optionalFields: readonly string[];
  /** Filesystem type (field 9): `ext4`, `tmpfs`, `nfs4`, `overlay`, … */
  readonly fsType: string;
  /** Filesystem-specific source (field 10): `/dev/vda`, `server:/export`, `none`, … */
  readonly source: string;
  /** Per-superblock options (field 11). */
  readonly superOptions: readonly string[];
  /** True when writes are refused: `ro` in the per-mount or the per-superblock options. */
  readonly readOnly: boolean;
}

/** Why mountinfo text could not be parsed. */
export type MountInfoErrorKind = 'syntax';

/** A mountinfo line that does not have the documented shape. */
export class MountInfoError extends RndcLibraryError<MountInfoErrorKind> {
  /** 1-based line number of the bad line. */
  readonly line: number;

  constructor(details: { message: string; line: number }) {
    super({
      kind: 'syntax',
      message: details.message,
      causes: ['the text is not /proc/<pid>/mountinfo (perhaps /proc/mounts was read instead)'],
      remedy: 'pass the contents of /proc/<pid>/mountinfo',
    });
    this.line = details.line;
  }
}

/**
 * Decodes the octal escapes (`\040` space, `\011` tab, `\012` newline, `\134` backslash) the
 * kernel uses in mountinfo path fields. A backslash not followed by three octal digits is kept.
 */
export function unescapeMountInfoField(field: string): string {
  if (!field.includes('\\')) return field;
  const bytes: number[] = [];
  const raw = Buffer.from(field, 'utf8');
  for (let i = 0; i < raw.length; i++) {
    const byte = raw[i]!;
    if (byte === 0x5c && isOctalRun(raw, i + 1)) {
      bytes.push(parseInt(raw.subarray(i + 1, i + 4).toString('latin1'), 8) & 0xff);
      i += 3;
    } else {
      bytes.push(byte);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function isOctalRun(raw: Buffer, start: number): boolean {
  if (start + 3 > raw.length) return false;
  for (let i = start; i < start + 3; i++) {
    const byte = raw[i]!;
    if (byte < 0x30 || byte > 0x37) return false;
  }
  return true;
}

/**
 * Parses one mountinfo line. Returns `undefined` for a line that does not have the documented
 * shape (see the module comment).
 */
export function parseMountInfoLine(line: string): MountInfoEntry | undefined {
  const fields = line.trim().split(' ');
  const separator = fields.indexOf('-', 6);
  if (fields.length < 10 || separator < 0 || fields.length < separator + 3) return undefined;
  const [id, parent, device, root, mountPoint, options] = fields;
  const mountId = toInt(id);
  const parentId = toInt(parent);
  const deviceMatch = /^(\d+):(\d+)$/.exec(device ?? '');
  if (
    mountId === undefined ||
    parentId === undefined ||
    !deviceMatch ||
    root === undefined ||
    mountPoint === undefined ||
    options === undefined
  ) {
    return undefined;
  }
  const mountOptions = splitOptions(options);
  const superOptions = splitOptions(fields.slice(separator + 3).join(' '));
  return {
    mountId,
    parentId,
    major: Number(deviceMatch[1]),
    minor: Number(deviceMatch[2]),
    root: unescapeMountInfoField(root),
    mountPoint: unescapeMountInfoField(mountPoint),
    mountOptions,
    optionalFields: fields.slice(6, separator),
    fsType: fields[separator + 1]!,
    source: unescapeMountInfoField(fields[separator + 2]!),
    superOptions,
    readOnly: mountOptions.includes('ro') || superOptions.includes('ro'),
  };
}

/**
 * Parses the whole text of `/proc/<pid>/mountinfo`, in order (the kernel lists mounts in the
 * order they were made, so a later entry at the same mount point is stacked on top).
 * Blank lines are ignored; any other line that does not parse is an error naming it.
 */
export function parseMountInfo(text: string): Result<MountInfoEntry[], MountInfoError> {
  const entries: MountInfoEntry[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const entry = parseMountInfoLine(line);
    if (!entry) {
      return Err(
        new MountInfoError({
          message: `mountinfo line ${i + 1} is malformed: ${JSON.stringify(line.slice(0, 200))}`,
          line: i + 1,
        }),
      );
    }
    entries.push(entry);
  }
  return Ok(entries);
}

/**
 * The mount that `path` (absolute, in the same process's view as the mountinfo) lives on: the
 * visible mount with the longest mount point that is `path` or one of its ancestors, component
 * by component (`/var/lib` is not an ancestor of `/var/library`). Mounts hidden by a later
 * mount over the same point or over one of their ancestors are skipped, so stacked mounts
 * resolve to the topmost one. Symlinks are not resolved: pass a real path (a symlink is only
 * correct as the last component, for "is this name itself a mount point").
 *
 * @returns `undefined` when no mount covers the path (no `/` entry, or a relative path).
 */
export function mountFor(
  entries: readonly MountInfoEntry[],
  path: string,
): MountInfoEntry | undefined {
  if (!posix.isAbsolute(path)) return undefined;
  const target = normalizeMountPath(path);
  const byTree = walkMountTree(entries, target);
  if (byTree) return byTree;
  // No usable tree (entries from several processes, a filtered list…): longest prefix, and the
  // last entry among equally long ones (stacked on top).
  let best: MountInfoEntry | undefined;
  for (const entry of entries) {
    if (!isPathPrefix(normalizeMountPath(entry.mountPoint), target)) continue;
    if (!best || entry.mountPoint.length >= best.mountPoint.length) best = entry;
  }
  return best;
}

/**
 * Whether `path` itself is a mount point: a file or directory something is mounted on (a bind
 * mount, a Kubernetes `subPath`, a volume). For a single file this means `rename()` onto it
 * fails with EBUSY. The last component is taken literally (a symlink there is not followed).
 */
export function isMountPoint(entries: readonly MountInfoEntry[], path: string): boolean {
  if (!posix.isAbsolute(path)) return false;
  const mount = mountFor(entries, path);
  return mount !== undefined && normalizeMountPath(mount.mountPoint) === normalizeMountPath(path);
}

function walkMountTree(
  entries: readonly MountInfoEntry[],
  target: string,
): MountInfoEntry | undefined {
  const atRoot = entries.filter((entry) => normalizeMountPath(entry.mountPoint) === '/');
  // The bottom of the stack at `/`: its parent is not itself mounted at `/`.
  const rootIds = new Set(atRoot.map((entry) => entry.mountId));
  const base = atRoot.find(
    (entry) => !rootIds.has(entry.parentId) || entry.parentId === entry.mountId,
  );
  if (!base) return undefined;
  let current = topOfStack(entries, base, '/');
  if (target === '/') return current;
  let prefix = '';
  for (const component of target.split('/').slice(1)) {
    prefix = `${prefix}/${component}`;
    const child = entries.find(
      (entry) =>
        entry.parentId === current.mountId && normalizeMountPath(entry.mountPoint) === prefix,
    );
    if (child) current = topOfStack(entries, child, prefix);
  }
  return current;
}

/** Follows mounts stacked on `entry` at the same mount point, up to the topmost one. */
function topOfStack(
  entries: readonly MountInfoEntry[],
  entry: MountInfoEntry,
  point: string,
): MountInfoEntry {
  let current = entry;
  for (let guard = 0; guard < entries.length; guard++) {
    const above = entries.find(
      (candidate) =>
        candidate !== current &&
        candidate.parentId === current.mountId &&
        normalizeMountPath(candidate.mountPoint) === point,
    );
    if (!above) break;
    current = above;
  }
  return current;
}

function normalizeMountPath(path: string): string {
  const normal = posix.normalize(path);
  return normal.length > 1 && normal.endsWith('/') ? normal.slice(0, -1) : normal;
}

function isPathPrefix(prefix: string, path: string): boolean {
  if (prefix === '/') return true;
  return path === prefix || path.startsWith(`${prefix}/`);
}

function splitOptions(text: string): string[] {
  return text === '' ? [] : text.split(',');
}

function toInt(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d+$/.test(text)) return undefined;
  return Number(text);
}
