/**
 * The host's named executable, the reference of the `exe` identity check (named-process.ts).
 *
 * A process is taken for named only if `/proc/<pid>/exe` is this file (same device and inode).
 * That proves something only if no one but root could have put that file at that path: a user
 * who can write the file, or any directory on the way to it (or a symbolic link on the way),
 * could make the path name a program of their choosing — a copy they control, or another
 * root-run program — and have that process adopted as named. So the path is walked component
 * by component (`lstat`, links followed by hand, at most {@link MAX_LINKS}), and accepted only
 * when:
 *
 * - every directory on the way is owned by root and writable by no one else, or sticky (in a
 *   sticky directory such as `/tmp` only an entry's owner can rename or remove it, and every
 *   entry used here must be root's);
 * - every symbolic link on the way is owned by root;
 * - the file itself is a regular file owned by root, writable by neither group nor others;
 * - it is not a script: the kernel runs a `#!` script's interpreter, so a wrapper (such as
 *   `exec -a named /opt/bind/9.20/usr/sbin/named "$@"`) is never any process's executable.
 *
 * Nothing is executed; only `lstat`, `readlink` and the file's first bytes are read.
 */
import { constants, type Stats } from 'node:fs';
import { lstat, open, readlink } from 'node:fs/promises';
import { isAbsolute, posix } from 'node:path';

/** The default places of named, tried in order when the caller names none. */
export const DEFAULT_NAMED_BINARIES: readonly string[] = [
  '/usr/sbin/named',
  '/usr/local/sbin/named',
];

/** Most symbolic links followed (Linux's own limit is 40). */
const MAX_LINKS = 40;

/** The outcome of {@link trustedNamedBinary}. */
export interface NamedBinary {
  /** The path as given (or the default that was found). */
  readonly path: string;
  /** The executable's `lstat`, when it was found and trusted. */
  readonly stats?: Stats;
  /** Why it is not usable (empty when it is). */
  readonly note: string;
}

/**
 * The first trusted executable among `given` (or {@link DEFAULT_NAMED_BINARIES}). Never throws;
 * when none is usable, `note` says why for each path tried.
 */
export async function trustedNamedBinary(given: string | undefined): Promise<NamedBinary> {
  const candidates = given !== undefined ? [given] : DEFAULT_NAMED_BINARIES;
  const problems: string[] = [];
  for (const path of candidates) {
    const checked = await checkBinary(path);
    if (checked.stats !== undefined) return { path, stats: checked.stats, note: '' };
    if (given !== undefined || !checked.absent) problems.push(checked.problem);
  }
  if (problems.length === 0) {
    return {
      path: candidates.join(' or '),
      note: `the host's named binary (${candidates.join(', ')}) was not found: named's identity cannot be verified (pass named's executable as namedBinary / --named-binary)`,
    };
  }
  return {
    path: candidates.join(' or '),
    note: `${problems.join('; ')}: named's identity cannot be verified against it`,
  };
}

type Checked =
  | { readonly stats: Stats }
  | { readonly stats?: undefined; readonly problem: string; readonly absent?: boolean };

async function checkBinary(path: string): Promise<Checked> {
  if (!isAbsolute(path) || path.includes('\0')) {
    return { problem: `named binary ${JSON.stringify(path)} is not an absolute path` };
  }
  const walked = await walk(path);
  if (walked.stats === undefined) return walked;
  const magic = await firstBytes(walked.real);
  if (magic.startsWith('#!')) {
    return {
      problem: `named binary ${path} is a script, not named's executable (the kernel runs its interpreter): pass the program it starts, e.g. what \`readlink /proc/<named's pid>/exe\` shows`,
    };
  }
  return { stats: walked.stats };
}

/** Resolves `path` by hand, checking every directory, link and the file (module comment). */
async function walk(
  path: string,
  label = 'named binary',
): Promise<
  | { readonly stats: Stats; readonly real: string }
  | { readonly stats?: undefined; readonly problem: string; readonly absent?: boolean }
> {
  const untrusted = (what: string) => ({
    problem: `${label} ${path} is not trusted: ${what}, so someone other than root could change what it names`,
  });
  const root = await lstatSafe('/');
  if (root === undefined || !trustedDirectory(root))
    return untrusted('/ is not a root-owned directory');
  let current = '/';
  let pending = path.split('/');
  let links = 0;
  while (pending.length > 0) {
    const name = pending.shift()!;
    if (name === '' || name === '.') continue;
    if (name === '..') {
      current = posix.dirname(current);
      continue;
    }
    const next = posix.join(current, name);
    const st = await lstatSafe(next);
    if (st === undefined) {
      return {
        problem: `${label} ${path} was not found (${next} does not exist)`,
        absent: true,
      };
    }
    if (st.isSymbolicLink()) {
      if (st.uid !== 0) return untrusted(`the symbolic link ${next} is owned by uid ${st.uid}`);
      const target = await readlink(next).catch(() => undefined);
      if (target === undefined || ++links > MAX_LINKS) {
        return untrusted(`the symbolic link ${next} cannot be followed`);
      }
      if (isAbsolute(target)) current = '/';
      pending = [...target.split('/'), ...pending];
      continue;
    }
    const last = pending.every((rest) => rest === '' || rest === '.');
    if (!last) {
      if (!st.isDirectory()) {
        return { problem: `${label} ${path} was not found (${next} is not a directory)` };
      }
      if (!trustedDirectory(st)) {
        return untrusted(`the directory ${next} is ${describeOwnership(st)}`);
      }
      current = next;
      continue;
    }
    if (!st.isFile()) return { problem: `${label} ${path} is not a regular file (${next})` };
    if (st.uid !== 0 || (st.mode & 0o022) !== 0) {
      return untrusted(`${next} is ${describeOwnership(st)}`);
    }
    return { stats: st, real: next };
  }
  return { problem: `${label} ${path} names a directory, not a file` };
}

/** Owned by root, and writable by no one else unless sticky. */
function trustedDirectory(st: Stats): boolean {
  return st.isDirectory() && st.uid === 0 && ((st.mode & 0o022) === 0 || (st.mode & 0o1000) !== 0);
}

function describeOwnership(st: Stats): string {
  const mode = (st.mode & 0o7777).toString(8);
  return st.uid !== 0
    ? `owned by uid ${st.uid} (mode ${mode})`
    : `writable by ${(st.mode & 0o002) !== 0 ? 'others' : `group ${st.gid}`} (mode ${mode})`;
}

/** Up to 4 bytes of a regular root-owned file (opened without blocking or following links). */
async function firstBytes(path: string): Promise<string> {
  try {
    const handle = await open(
      path,
      constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY | constants.O_NOFOLLOW,
    );
    try {
      const buffer = Buffer.alloc(4);
      const { bytesRead } = await handle.read(buffer, 0, 4, 0);
      return buffer.subarray(0, bytesRead).toString('latin1');
    } finally {
      await handle.close().catch(() => {});
    }
  } catch {
    return '';
  }
}

function lstatSafe(path: string): Promise<Stats | undefined> {
  return lstat(path).catch(() => undefined);
}

/**
 * Whether only root controls the program at `path` (the same walk as for named: root-owned
 * directories, links and file, nothing group- or world-writable). Scripts are accepted: this is
 * for programs to run (named-checkzone, possibly a wrapper), not for identity checks.
 * `label` starts the problem sentence (`named-checkzone /usr/bin/named-checkzone is not trusted…`).
 */
export async function trustedProgram(
  path: string,
  label: string,
): Promise<
  { readonly ok: true } | { readonly ok: false; readonly problem: string; readonly absent: boolean }
> {
  if (!isAbsolute(path) || path.includes('\0')) {
    return {
      ok: false,
      problem: `${label} ${JSON.stringify(path)} is not an absolute path`,
      absent: false,
    };
  }
  const walked = await walk(path, label);
  if (walked.stats !== undefined) return { ok: true };
  return { ok: false, problem: walked.problem, absent: walked.absent === true };
}
