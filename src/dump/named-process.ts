/**
 * Finding named's process, and proving that a process really is the host's named.
 *
 * The storage doctor runs as root and looks at the zone through named's eyes (its uid, its
 * mounts), so the process it takes for named must be one an unprivileged local user cannot
 * impersonate. A process's name (`comm`), command line and working directory are all chosen by
 * whoever starts it, and a user can start anything — even the real `/usr/sbin/named` — inside a
 * user + mount namespace of its own, where it "is root" and mounts what it likes. So a process
 * is accepted as named only on facts such a user cannot forge:
 *
 * - **exe**: `/proc/<pid>/exe` is the host's named binary (same device and inode as
 *   `/usr/sbin/named`, or the `namedBinary` the caller names, seen from this process: `stat()` of
 *   the magic link reaches the executable itself, whatever the process's mount namespace shows).
 *   That binary must be one only root can change (named-binary.ts), or the check cannot pass;
 * - **user namespace**: the process is in the host's initial user namespace
 *   (`/proc/<pid>/ns/user` equals `/proc/1/ns/user`): in a child namespace "root" is any user;
 * - **owner**: it runs as root, or as the user of its `-u` option while still holding
 *   `CAP_NET_BIND_SERVICE` in the initial user namespace — named started as root keeps exactly
 *   that capability after switching user (BIND 9.18 on Linux: `CapPrm 0000000000000400`), and
 *   an unprivileged user cannot obtain it there;
 * - **boot time** (when the caller has `rndc status`, an authenticated answer): named's boot
 *   time matches the process's start time, which ties the process to the server the control
 *   channel talks to (9.18's `status` names no pid);
 * - **pid file** (when the pid comes from one): the file named.conf's `pid-file` names, owned by
 *   root or by the process's user, writable by no one else, in a directory no one else can write.
 *
 * Nothing is executed here; only `/proc` and the host's own files are read.
 */
import type { Stats } from 'node:fs';
import { lstat, readdir, readFile, readlink, stat } from 'node:fs/promises';
import { isAbsolute, posix } from 'node:path';
import { readRegularFile } from '../files/regular-file.js';
import { loadConfigFile } from '../keys/load.js';
import { keyword } from '../keys/tree.js';
import { type NamedBinary, trustedNamedBinary } from './named-binary.js';

/** Where a candidate pid came from. */
export type NamedPidSource = 'option' | 'pid-file' | 'scan';

/** One identity check and its outcome. */
export interface IdentityCheck {
  /** Which fact was checked (see the module documentation of `named-process.ts`). */
  readonly check: 'pid-file' | 'exe' | 'user-namespace' | 'owner' | 'boot-time';
  /** `true` passed, `false` failed, `undefined` could not be checked. */
  readonly passed: boolean | undefined;
  /** What was seen. */
  readonly detail: string;
}

/** named's credentials as the kernel uses them for file access. */
export interface NamedCredentials {
  /** File-system uid (`Uid:` fourth field). */
  readonly uid: number;
  /** File-system gid. */
  readonly gid: number;
  /** Supplementary groups. */
  readonly groups: readonly number[];
  /** `CapEff`, hex as in `/proc/<pid>/status`. */
  readonly capEff?: string;
  /** `CapPrm`, hex. */
  readonly capPrm?: string;
  /** The `-u USER` of named's command line, if any. */
  readonly user?: string;
}

/** A process examined as a candidate for named. */
export interface NamedProcess {
  readonly pid: number;
  /** How the pid was found. */
  readonly source: NamedPidSource;
  /** Every identity check passed (the ones that apply: `boot-time` only with a boot time). */
  readonly verified: boolean;
  /** Each check, in order. */
  readonly checks: readonly IdentityCheck[];
  /** Its credentials (read even when not verified, for the report only). */
  readonly credentials?: NamedCredentials;
  /** `/proc/<pid>/comm` (for display only: anyone can choose it). */
  readonly command?: string;
  /**
   * When the process started (ms since the epoch, from `/proc/<pid>/stat`), read before any
   * other fact: {@link isSameProcess} compares it later to prove the pid was not reused.
   */
  readonly startTime?: number;
}

/** The outcome of {@link findNamedProcess}. */
export interface NamedProcessSearch {
  /** The process taken as named: verified, or the caller's pid when it failed its checks. */
  readonly process?: NamedProcess;
  /** Why no verified named was found (each place looked at), for "not checked: …" messages. */
  readonly notes: readonly string[];
}

/** Options of {@link findNamedProcess}. */
export interface FindNamedOptions {
  /** A pid given by the operator: checked, never trusted blindly. */
  readonly pid?: number | undefined;
  /** named's pid file. Default: named.conf's `pid-file`, else `/run/named/named.pid`. */
  readonly pidFile?: string | undefined;
  /** named.conf, to read `pid-file` (and `directory` for a relative one). */
  readonly configFile?: string | undefined;
  /**
   * The host's named executable (not a wrapper script): the `exe` check compares with it. It
   * must be a root-owned regular file that no one else can write, reached through root-owned
   * directories and links (see `named-binary.ts`); otherwise the `exe` check cannot pass.
   * Default: the first of `/usr/sbin/named`, `/usr/local/sbin/named`.
   */
  readonly namedBinary?: string | undefined;
  /** named's boot time from `rndc status`: the process must have started then. */
  readonly bootTime?: Date | undefined;
  /** Prefer, among several verified nameds, the one whose directory holds this path. */
  readonly zoneFile?: string | undefined;
  /** Absolute deadline (`Date.now()` ms) for the /proc scan. */
  readonly deadline?: number | undefined;
  readonly signal?: AbortSignal | undefined;
}

/** Debian's and Fedora's compiled-in default `pid-file`. */
const DEFAULT_PID_FILES = ['/run/named/named.pid', '/var/run/named/named.pid'];
const CAP_NET_BIND_SERVICE = 10n;
/** Most /proc entries looked at in a scan. */
const MAX_SCAN = 1 << 17;
/** named sets its boot time while starting; allow for a loaded machine. */
const BOOT_TIME_BEFORE_MS = 2000;
const BOOT_TIME_AFTER_MS = 60_000;
const USER_HZ = 100;

/**
 * Finds named's process and checks its identity (see the module documentation). With `pid`,
 * that process is checked and returned verified or not. Without, the pid file is tried, then
 * `/proc` is scanned for processes running the host's named binary; only verified ones are
 * returned. Never throws.
 */
export async function findNamedProcess(options: FindNamedOptions): Promise<NamedProcessSearch> {
  const notes: string[] = [];
  const binary = await trustedNamedBinary(options.namedBinary);
  if (binary.stats === undefined) notes.push(binary.note);
  const context: CheckContext = {
    binary,
    userNamespaces: await referenceUserNamespaces(),
    ...(options.bootTime ? { bootTime: options.bootTime } : {}),
  };
  if (options.pid !== undefined) {
    return { process: await examine(options.pid, 'option', context), notes };
  }

  // The pid file.
  const pidFiles = await pidFileCandidates(options, notes);
  for (const path of pidFiles) {
    const read = await readPidFile(path, options);
    if (read.pid === undefined) {
      notes.push(read.note);
      continue;
    }
    const candidate = await examine(read.pid, 'pid-file', context, read.check);
    if (candidate.verified) return { process: candidate, notes };
    notes.push(`pid ${read.pid} from ${path} failed: ${failedChecks(candidate)}`);
  }

  // The /proc scan: by executable identity, never by name.
  if (binary.stats === undefined) return { notes };
  const scanned = await scan(context, options);
  // A named started with another configuration file is another server, even when it is the only
  // verified one: taking it would judge this zone by the wrong process's uid and mounts.
  const wanted =
    options.configFile !== undefined && isAbsolute(options.configFile)
      ? posix.normalize(options.configFile)
      : undefined;
  const verified = scanned.filter((hit) => {
    if (wanted === undefined || hit.configFile === undefined || hit.configFile === wanted) {
      return true;
    }
    notes.push(`pid ${hit.process.pid} runs with ${hit.configFile}, not ${wanted}: another named`);
    return false;
  });
  if (verified.length === 0) {
    notes.push(`no process runs the host's named binary ${binary.path} with a verified identity`);
    return { notes };
  }
  if (verified.length === 1) return { process: verified[0]!.process, notes };
  const chosen = await singleOut(verified, options);
  if (chosen !== undefined) return { process: chosen, notes };
  notes.push(
    `${verified.length} verified named processes (pids ${verified.map((v) => v.process.pid).join(', ')}) and none is singled out by its configuration file, its directory or the zone file's place: pass named's pid`,
  );
  return { notes };
}

/**
 * Among several verified nameds (all started by root from the host's binary), the one this
 * diagnosis is about: the one started with named.conf (`-c`), else the one running in
 * named.conf's `directory`, else the one whose working directory holds the zone file. The zone
 * file alone is not enough: Debian's named runs in /var/cache/bind while its zones live in
 * /var/lib/bind or /etc/bind, outside its working directory.
 */
async function singleOut(
  verified: ReadonlyArray<ScanHit>,
  options: FindNamedOptions,
): Promise<NamedProcess | undefined> {
  let left = [...verified];
  const narrow = (keep: (hit: ScanHit) => boolean): NamedProcess | undefined => {
    const kept = left.filter(keep);
    if (kept.length > 0) left = kept;
    return left.length === 1 ? left[0]!.process : undefined;
  };
  const configFile = options.configFile;
  if (configFile !== undefined && isAbsolute(configFile)) {
    const wanted = posix.normalize(configFile);
    const found = narrow((hit) => hit.configFile === wanted);
    if (found) return found;
    const directory = await configuredDirectory(configFile);
    if (directory !== undefined) {
      const inDir = narrow((hit) => hit.cwd === directory);
      if (inDir) return inDir;
    }
  }
  const zoneFile = options.zoneFile;
  if (zoneFile !== undefined) {
    const holding = left.filter((v) => v.cwd !== undefined && isUnder(zoneFile, v.cwd));
    const deepest = Math.max(...holding.map((v) => v.cwd!.length));
    const best = holding.filter((v) => v.cwd!.length === deepest);
    if (best.length === 1) return best[0]!.process;
  }
  return undefined;
}

/** The checks that failed or could not be made, as one line. */
export function failedChecks(process: NamedProcess): string {
  return process.checks
    .filter((c) => c.passed !== true)
    .map((c) => `${c.check} ${c.passed === false ? 'failed' : 'not checked'}: ${c.detail}`)
    .join('; ');
}

// ---------------------------------------------------------------------------------------------

interface CheckContext {
  readonly binary: NamedBinary;
  /** The host's initial user namespace and ours (the same unless we run in a container). */
  readonly userNamespaces: readonly string[];
  readonly bootTime?: Date;
}

/**
 * `/proc/1/ns/user` (the initial user namespace, when this pid namespace's init is readable) and
 * `/proc/self/ns/user`: a process in either runs under the same uid rules as this process, where
 * an ordinary user is not root. A user's own namespace is neither.
 */
async function referenceUserNamespaces(): Promise<string[]> {
  const found = await Promise.all([
    readlinkSafe('/proc/1/ns/user'),
    readlinkSafe('/proc/self/ns/user'),
  ]);
  return [...new Set(found.filter((ns): ns is string => ns !== undefined))];
}

/** Runs every identity check on `pid`. */
async function examine(
  pid: number,
  source: NamedPidSource,
  context: CheckContext,
  pidFileCheck?: IdentityCheck,
): Promise<NamedProcess> {
  const checks: IdentityCheck[] = pidFileCheck ? [pidFileCheck] : [];
  // First: every fact read after this is of this process if it is still alive with the same
  // start time afterwards (a pid is reused only once its process is gone).
  const startTime = await processStartTime(pid);
  const status = await readText(`/proc/${pid}/status`);
  const command = (await readText(`/proc/${pid}/comm`))?.trim();
  if (status === undefined) {
    checks.push({ check: 'exe', passed: false, detail: `no process ${pid} (or /proc unreadable)` });
    return { pid, source, verified: false, checks };
  }
  checks.push(await exeCheck(pid, context.binary));
  checks.push(await userNamespaceCheck(pid, context.userNamespaces));
  const parsed = parseStatus(status, await commandLineUser(pid));
  const credentials = parsed?.credentials;
  checks.push(await ownerCheck(parsed));
  if (context.bootTime) checks.push(await bootTimeCheck(pid, context.bootTime));
  return {
    pid,
    source,
    verified: checks.every((c) => c.passed === true),
    checks,
    ...(credentials ? { credentials } : {}),
    ...(command !== undefined ? { command } : {}),
    ...(startTime !== undefined ? { startTime } : {}),
  };
}

/**
 * Whether `process.pid` still names the process examined: alive, with the start time read
 * before its facts. Facts read between the examination and a `true` here are that process's
 * (its pid cannot have been reused while it lived); after `false` they may be another's.
 */
export async function isSameProcess(process: NamedProcess): Promise<boolean> {
  if (process.startTime === undefined) return false;
  return (await processStartTime(process.pid)) === process.startTime;
}

async function exeCheck(pid: number, binary: NamedBinary): Promise<IdentityCheck> {
  if (binary.stats === undefined) return { check: 'exe', passed: undefined, detail: binary.note };
  let exe: Stats;
  try {
    exe = await stat(`/proc/${pid}/exe`);
  } catch (error) {
    return {
      check: 'exe',
      passed: false,
      detail: `/proc/${pid}/exe cannot be read (${(error as NodeJS.ErrnoException).code})`,
    };
  }
  const link = (await readlinkSafe(`/proc/${pid}/exe`)) ?? '?';
  if (exe.dev === binary.stats.dev && exe.ino === binary.stats.ino) {
    return { check: 'exe', passed: true, detail: `runs the host's ${binary.path}` };
  }
  return {
    check: 'exe',
    passed: false,
    detail: `runs ${link} (device ${exe.dev}, inode ${exe.ino}), not the host's ${binary.path} (device ${binary.stats.dev}, inode ${binary.stats.ino})${exeHint(link)}`,
  };
}

/** What to do when the process runs another executable than the one compared with. */
function exeHint(link: string): string {
  if (link.endsWith(' (deleted)')) return ': named was upgraded since it started, restart it';
  // Another installation (BIND in /opt, /usr/local…): the operator may name it, if it is named.
  return isAbsolute(link)
    ? `: if ${link} is the named you run, pass it as namedBinary (rndc-js --named-binary ${link})`
    : '';
}

async function userNamespaceCheck(
  pid: number,
  references: readonly string[],
): Promise<IdentityCheck> {
  const theirs = await readlinkSafe(`/proc/${pid}/ns/user`);
  if (references.length === 0 || theirs === undefined) {
    return {
      check: 'user-namespace',
      passed: undefined,
      detail:
        'user namespaces cannot be compared (/proc/1/ns/user or /proc/<pid>/ns/user unreadable: run as root)',
    };
  }
  return references.includes(theirs)
    ? { check: 'user-namespace', passed: true, detail: `in the host's user namespace ${theirs}` }
    : {
        check: 'user-namespace',
        passed: false,
        detail: `in user namespace ${theirs}, not the host's (${references.join(', ')}): its "root" may be an ordinary user`,
      };
}

interface ParsedStatus {
  readonly credentials: NamedCredentials;
  /** Real, effective, saved and file-system uids. */
  readonly uids: readonly number[];
}

function parseStatus(text: string, user: string | undefined): ParsedStatus | undefined {
  const field = (name: string): string[] =>
    text
      .split('\n')
      .find((l) => l.startsWith(`${name}:`))
      ?.slice(name.length + 1)
      .trim()
      .split(/\s+/)
      .filter((s) => s !== '') ?? [];
  const uids = field('Uid').map(Number);
  const gids = field('Gid').map(Number);
  if (uids.length !== 4 || gids.length !== 4) return undefined;
  if (![...uids, ...gids].every(Number.isInteger)) return undefined;
  const capEff = field('CapEff')[0];
  const capPrm = field('CapPrm')[0];
  const credentials: NamedCredentials = {
    uid: uids[3]!,
    gid: gids[3]!,
    groups: field('Groups').map(Number).filter(Number.isInteger),
    ...(capEff !== undefined ? { capEff } : {}),
    ...(capPrm !== undefined ? { capPrm } : {}),
    ...(user !== undefined ? { user } : {}),
  };
  return { credentials, uids };
}

async function ownerCheck(parsed: ParsedStatus | undefined): Promise<IdentityCheck> {
  if (parsed === undefined) {
    return { check: 'owner', passed: false, detail: 'its /proc status has no usable Uid:/Gid:' };
  }
  const { credentials, uids } = parsed;
  if (new Set(uids).size !== 1) {
    return { check: 'owner', passed: false, detail: `mixed uids ${uids.join('/')}` };
  }
  const uid = credentials.uid;
  if (uid === 0) return { check: 'owner', passed: true, detail: 'runs as root' };
  const user = credentials.user;
  if (user === undefined) {
    return {
      check: 'owner',
      passed: false,
      detail: `runs as uid ${uid} without a -u option: named started by root is root or its -u user`,
    };
  }
  const userUid = await uidOf(user);
  if (userUid !== uid) {
    return {
      check: 'owner',
      passed: false,
      detail: `runs as uid ${uid} but its -u option names ${user} (uid ${userUid ?? 'unknown'})`,
    };
  }
  if (!hasCapability(credentials.capPrm, CAP_NET_BIND_SERVICE)) {
    return {
      check: 'owner',
      passed: false,
      detail: `runs as ${user} (uid ${uid}) without CAP_NET_BIND_SERVICE (CapPrm ${credentials.capPrm ?? '?'}): it was not started by root`,
    };
  }
  return {
    check: 'owner',
    passed: true,
    detail: `runs as its -u user ${user} (uid ${uid}), started by root (keeps CAP_NET_BIND_SERVICE)`,
  };
}

async function bootTimeCheck(pid: number, bootTime: Date): Promise<IdentityCheck> {
  const started = await processStartTime(pid);
  if (started === undefined) {
    return { check: 'boot-time', passed: undefined, detail: 'start time unreadable' };
  }
  const delta = bootTime.getTime() - started;
  const passed = delta >= -BOOT_TIME_BEFORE_MS && delta <= BOOT_TIME_AFTER_MS;
  return {
    check: 'boot-time',
    passed,
    detail: `started ${new Date(started).toISOString()}; rndc status boot time ${bootTime.toISOString()}${passed ? '' : ': not the named the control channel talks to'}`,
  };
}

async function processStartTime(pid: number): Promise<number | undefined> {
  const [statText, procStat] = await Promise.all([
    readText(`/proc/${pid}/stat`),
    readText('/proc/stat'),
  ]);
  if (statText === undefined || procStat === undefined) return undefined;
  // Fields after the last ')' (comm may hold spaces and parentheses); starttime is field 22.
  const rest = statText
    .slice(statText.lastIndexOf(')') + 2)
    .trim()
    .split(' ');
  const ticks = Number(rest[19]);
  const btime = Number(/^btime (\d+)$/m.exec(procStat)?.[1]);
  if (!Number.isFinite(ticks) || !Number.isFinite(btime)) return undefined;
  return btime * 1000 + (ticks * 1000) / USER_HZ;
}

/** `-u USER` (or `-uUSER`) from named's command line. */
async function commandLineUser(pid: number): Promise<string | undefined> {
  const text = await readText(`/proc/${pid}/cmdline`);
  if (text === undefined) return undefined;
  const argv = text.split('\0');
  let user: string | undefined;
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-u' && i + 1 < argv.length) user = argv[++i];
    else if (/^-u./.test(arg)) user = arg.slice(2);
  }
  return user;
}

/** The absolute `-c FILE` (or `-cFILE`) of named's command line, normalised. */
async function commandLineConfig(pid: number): Promise<string | undefined> {
  const text = await readText(`/proc/${pid}/cmdline`);
  if (text === undefined) return undefined;
  const argv = text.split('\0');
  let config: string | undefined;
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-c' && i + 1 < argv.length) config = argv[++i];
    else if (/^-c./.test(arg)) config = arg.slice(2);
  }
  return config !== undefined && isAbsolute(config) ? posix.normalize(config) : undefined;
}

/** uid of a user from the host's /etc/passwd (name or number). */
async function uidOf(user: string): Promise<number | undefined> {
  if (/^\d+$/.test(user)) return Number(user);
  const passwd = await readRegularFile('/etc/passwd', { maxBytes: 16 * 1024 * 1024 });
  if (passwd.isErr()) return undefined;
  for (const line of passwd.value.bytes.toString('utf8').split('\n')) {
    const f = line.split(':');
    if (f[0] === user && f[2] !== undefined && /^\d+$/.test(f[2])) return Number(f[2]);
  }
  return undefined;
}

function hasCapability(hex: string | undefined, bit: bigint): boolean {
  if (hex === undefined || !/^[0-9a-f]{1,32}$/i.test(hex)) return false;
  return ((BigInt(`0x${hex}`) >> bit) & 1n) === 1n;
}

// ---------------------------------------------------------------------------------------------
// The pid file

async function pidFileCandidates(options: FindNamedOptions, notes: string[]): Promise<string[]> {
  if (options.pidFile !== undefined) return [options.pidFile];
  if (options.configFile !== undefined) {
    const configured = await configuredPidFile(options.configFile);
    if (configured.path !== undefined) return [configured.path];
    notes.push(configured.note);
    if (configured.none) return [];
  }
  return DEFAULT_PID_FILES;
}

/** `options { directory; pid-file }` of named.conf, or why it cannot be read. */
async function readOptions(
  configFile: string,
): Promise<{ directory?: string; pidFile?: string } | { error: string }> {
  const loaded = await loadConfigFile(configFile, { baseDir: posix.dirname(configFile) });
  if (loaded.isErr()) return { error: `cannot read ${configFile}: ${loaded.error.message}` };
  let directory: string | undefined;
  let pidFile: string | undefined;
  for (const statement of loaded.value.statements) {
    if (keyword(statement) !== 'options' || !statement.block) continue;
    for (const option of statement.block) {
      const value = option.words[1]?.text;
      if (keyword(option) === 'directory' && value) directory = value;
      if (keyword(option) === 'pid-file' && value) pidFile = value;
    }
  }
  return {
    ...(directory !== undefined ? { directory } : {}),
    ...(pidFile !== undefined ? { pidFile } : {}),
  };
}

/** named.conf's absolute `directory`, normalised; undefined when unset, relative or unreadable. */
async function configuredDirectory(configFile: string): Promise<string | undefined> {
  const read = await readOptions(configFile);
  if ('error' in read || read.directory === undefined || !isAbsolute(read.directory)) {
    return undefined;
  }
  return posix.normalize(read.directory).replace(/(.)\/$/, '$1');
}

/** `options { pid-file … }` of named.conf; `none` disables it. */
async function configuredPidFile(
  configFile: string,
): Promise<{ path?: string; none?: boolean; note: string }> {
  if (!isAbsolute(configFile)) {
    return { note: `named.conf path ${configFile} is relative: its pid-file was not read` };
  }
  const read = await readOptions(configFile);
  if ('error' in read) return { note: read.error };
  const { directory, pidFile } = read;
  if (pidFile === undefined) return { note: `${configFile} sets no pid-file: the default is used` };
  if (pidFile === 'none') return { none: true, note: `${configFile} sets pid-file none` };
  if (isAbsolute(pidFile)) return { path: pidFile, note: '' };
  if (directory !== undefined && isAbsolute(directory)) {
    return { path: posix.join(directory, pidFile), note: '' };
  }
  return { note: `pid-file ${pidFile} is relative to an unknown directory` };
}

/**
 * Reads a pid file that is trusted only if no one but root or its owner could have written it:
 * the file owned by root or by the uid of the process it names (named writes it after switching
 * user), not group/other-writable, in a directory others cannot write to (or sticky).
 */
async function readPidFile(
  path: string,
  options: FindNamedOptions,
): Promise<{ pid?: number; check?: IdentityCheck; note: string }> {
  const read = await readRegularFile(path, {
    maxBytes: 64,
    followSymlinks: false,
    ...(options.deadline !== undefined ? { deadline: options.deadline } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (read.isErr()) {
    return {
      note: `pid file ${path}: ${read.error.kind === 'not-found' ? 'absent' : read.error.kind}`,
    };
  }
  const text = read.value.bytes.toString('latin1').trim();
  if (!/^\d{1,10}$/.test(text) || Number(text) <= 0) {
    return { note: `pid file ${path} holds no pid` };
  }
  const pid = Number(text);
  const file = read.value.stats;
  let dir: Stats;
  try {
    dir = await lstat(posix.dirname(path));
  } catch {
    return { note: `pid file ${path}: its directory cannot be examined` };
  }
  const status = (await readText(`/proc/${pid}/status`))?.split('\n') ?? [];
  const idOf = (name: string) =>
    status
      .find((l) => l.startsWith(`${name}:`))
      ?.trim()
      .split(/\s+/)[4];
  const owner = idOf('Uid');
  const group = idOf('Gid');
  const trusted = new Set([0, ...(owner !== undefined ? [Number(owner)] : [])]);
  const trustedGroups = new Set([0, ...(group !== undefined ? [Number(group)] : [])]);
  const problems: string[] = [];
  if (!trusted.has(file.uid)) problems.push(`owned by uid ${file.uid}`);
  if ((file.mode & 0o022) !== 0) problems.push(`mode ${(file.mode & 0o777).toString(8)}`);
  if (!trusted.has(dir.uid)) problems.push(`directory owned by uid ${dir.uid}`);
  if ((dir.mode & 0o002) !== 0 && (dir.mode & 0o1000) === 0) {
    problems.push('directory writable by others');
  }
  if ((dir.mode & 0o020) !== 0 && !trustedGroups.has(dir.gid) && (dir.mode & 0o1000) === 0) {
    problems.push(`directory writable by group ${dir.gid}`);
  }
  if (problems.length > 0) {
    return {
      note: `pid file ${path} is not trusted (${problems.join(', ')}): anyone could have written it`,
    };
  }
  return {
    pid,
    check: { check: 'pid-file', passed: true, detail: `pid ${pid} from ${path}` },
    note: '',
  };
}

// ---------------------------------------------------------------------------------------------
// The /proc scan

/** A verified named found by the scan, with what tells several apart. */
interface ScanHit {
  readonly process: NamedProcess;
  /** `/proc/<pid>/cwd`: named's `directory`. */
  readonly cwd: string | undefined;
  /** The absolute `-c FILE` of its command line, normalised (none: the compiled-in default). */
  readonly configFile: string | undefined;
}

async function scan(context: CheckContext, options: FindNamedOptions): Promise<ScanHit[]> {
  const binary = context.binary.stats!;
  let names: string[];
  try {
    names = await readdir('/proc');
  } catch {
    return [];
  }
  const found: ScanHit[] = [];
  for (const name of names.slice(0, MAX_SCAN)) {
    if (!/^\d+$/.test(name)) continue;
    if (options.signal?.aborted) break;
    if (options.deadline !== undefined && Date.now() >= options.deadline) break;
    let exe: Stats;
    try {
      exe = await stat(`/proc/${name}/exe`);
    } catch {
      continue;
    }
    if (exe.dev !== binary.dev || exe.ino !== binary.ino) continue;
    const candidate = await examine(Number(name), 'scan', context);
    if (!candidate.verified) continue;
    // Read after the identity checks; a verified process is root's, so its command line and
    // working directory are facts about how root started it (still only used to choose).
    found.push({
      process: candidate,
      cwd: await readlinkSafe(`/proc/${name}/cwd`),
      configFile: await commandLineConfig(Number(name)),
    });
  }
  return found;
}

// ---------------------------------------------------------------------------------------------

/**
 * Reads a small file of the kernel's or root's (`/proc`, `/sys`, `/etc/passwd`): no one else can
 * plant a FIFO there. `undefined` when it cannot be read.
 */
export async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** `readlink`, `undefined` when it fails. */
export async function readlinkSafe(path: string): Promise<string | undefined> {
  try {
    return await readlink(path);
  } catch {
    return undefined;
  }
}

function isUnder(path: string, dir: string): boolean {
  const base = dir.endsWith('/') ? dir : `${dir}/`;
  return path === dir || path.startsWith(base);
}
