/**
 * `startNamed()`: a real, throwaway BIND named for integration tests.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  readFileSync,
  readlinkSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { chown, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { asyncDispose } from '../dispose.js';
import { RndcLibraryError } from '../errors.js';
import {
  DIGEST_BYTES,
  decodeBase64Strict,
  HMAC_ALGORITHMS,
  type HmacAlgorithm,
  Key,
} from '../keys/key.js';
import {
  type BindVersion,
  bindVersionBinDir,
  isBindVersion,
  SUPPORTED_BIND_VERSIONS,
  selectedBindVersion,
} from './bind-versions.js';
import { type Registered, register, startWatchdog, type Watchdog } from './cleanup.js';
import {
  controlKeyName,
  type KeyText,
  type LogPrintTime,
  type LogSeverity,
  type ResolvedZone,
  renderKeysFile,
  renderNamedConf,
  renderRndcConf,
  renderZoneFile,
  type ZoneKind,
} from './config.js';
import { type MountNamespaceOptions, mountNamespaceCommand } from './mount-namespace.js';
import { namedVersion } from './named-version.js';
import { freePorts, portsSharedWithOthers } from './ports.js';
import { findBinary, runBinary, runRndcBinary } from './rndc-binary.js';

export type { LogPrintTime, LogSeverity, ZoneKind } from './config.js';

/** A zone the test server serves as primary. */
export interface ZoneSpec {
  /** Zone name, without or with the trailing dot (`dyn.test`). */
  readonly name: string;
  /**
   * - `dynamic`: `allow-update` for every key of the instance (the six HMAC keys and the
   *   truncated `update-sha256-128`);
   * - `static`: no updates;
   * - `inline-signing`: `inline-signing yes; dnssec-policy default;` (named creates the DNSSEC
   *   keys itself in `keys/`), and updatable like `dynamic`.
   */
  readonly kind: ZoneKind;
  /** Extra RR lines in presentation format, relative to the zone origin (`host1 300 A 192.0.2.9`). */
  readonly records?: readonly string[] | undefined;
  /** SOA serial of the zone file. Default 2024010101. */
  readonly serial?: number | undefined;
  /**
   * The zone's `file` as written in named.conf, relative to named's `directory` (the instance
   * directory; no `..`, not absolute). Subdirectories are created. Default `zones/<name>.db`.
   */
  readonly fileName?: string | undefined;
  /** Overrides whether `allow-update` is written. Default: true except for `static`. */
  readonly allowUpdate?: boolean | undefined;
  /** Extra statements inside the zone block, e.g. `masterfile-format raw;`. */
  readonly options?: string | undefined;
  /**
   * For `kind: 'secondary'`: the servers the zone is transferred from (the `primaries`
   * statement), e.g. another instance's `{ port: primary.dnsPort, keyName: 'xfr-key' }`. The
   * key must be one named knows: one of {@link StartNamedOptions.sharedKeys}. A secondary's zone
   * file is only written beforehand when `records` or `serial` is given (a stale copy to start
   * from, written as text, so the zone gets `masterfile-format text;` unless `options` set a
   * format: a secondary's default is raw); otherwise named creates it after the first transfer.
   */
  readonly primaries?: readonly ZonePrimary[] | undefined;
}

/** One server a secondary zone transfers from. */
export interface ZonePrimary {
  /** IPv4 address. Default 127.0.0.1. */
  readonly host?: string | undefined;
  /** Its DNS port. */
  readonly port: number;
  /** The TSIG key that signs the transfer (a {@link StartNamedOptions.sharedKeys} entry's name). */
  readonly keyName?: string | undefined;
}

/** A zone of a started instance. */
export interface NamedZone {
  /** Zone name without the trailing dot (`dyn.test`). */
  readonly name: string;
  /** How the zone is configured (primary, dynamic, …). */
  readonly kind: ZoneKind;
  /**
   * The `file` value as written in named.conf: relative to the instance directory, or absolute
   * when {@link StartNamedOptions.directory} is set.
   */
  readonly file: string;
  /** Absolute path of the zone file. */
  readonly path: string;
}

/** What a {@link StartNamedOptions.beforeStart} hook gets to see. */
export interface BeforeStartContext {
  /** The instance directory (named's `directory`). */
  readonly dir: string;
  /** Absolute path of the named.conf just written. */
  readonly configFile: string;
  /** The zones as configured, files already written. */
  readonly zones: readonly NamedZone[];
  /** uid/gid of `user`, when one was given. */
  readonly uid: number | undefined;
  /** The group named will run as, when it runs as another user. */
  readonly gid: number | undefined;
}

/** Options of {@link startNamed}. Every field is optional. */
export interface StartNamedOptions {
  /** Zones to serve. Default: `dyn.test` (dynamic) and `static.test` (static). */
  readonly zones?: readonly ZoneSpec[] | undefined;
  /** Also open a second control listener with `read-only yes;` (same keys). Default false. */
  readonly readOnlyControl?: boolean | undefined;
  /** Run named as this user (`named -u user`). Requires running as root. */
  readonly user?: string | undefined;
  /**
   * With `user`: `'user'` (default) chowns the whole instance directory to that user so named
   * can write zone files, journals and keys; `'leave'` chowns only what named needs to start at
   * all (the directory itself, named.conf, the keys file and the log files) and leaves `zones/`,
   * `keys/` and the zone files owned by the caller, for permission-failure scenarios.
   */
  readonly ownership?: 'user' | 'leave' | undefined;
  /**
   * Which BIND to run: that version's `named` from `/opt/bind/<version>/bin` (unpacked by
   * `scripts/bind-versions.sh`). Default: `RNDC_BIND_VERSION` when set, else `named` from
   * `$PATH` or `/usr/sbin`. Ignored when `namedPath` is given. The started named must report
   * this version (`named -v`), or the start fails with kind `wrong-version`.
   */
  readonly version?: BindVersion | undefined;
  /** Path of the named binary. Default: see `version`. */
  readonly namedPath?: string | undefined;
  /**
   * named's `directory` (its working directory), relative to the instance directory, when it is
   * not the instance directory itself: Debian's layout, where named runs in `/var/cache/bind`
   * and the zones live elsewhere (`/var/lib/bind`, `/etc/bind`). The directory is created; zone
   * `fileName`s stay relative to the instance directory but are written into named.conf as
   * absolute paths, and `key-directory "keys"` is created below it. Default: the instance
   * directory. No `..`, not absolute.
   */
  readonly directory?: string | undefined;
  /** Statements inserted into `options { }`. Must not repeat options the helper sets. */
  readonly extraOptions?: string | undefined;
  /** Text appended to named.conf. */
  readonly extraConfig?: string | undefined;
  /** Severity of the log channel writing `named.log`. Default `info`. */
  readonly logSeverity?: LogSeverity | undefined;
  /** `print-time` of the log channel. Default `yes` (`24-Nov-2026 18:00:03.204`). */
  readonly printTime?: LogPrintTime | undefined;
  /** How long to wait for named to be ready. Default 15 000 ms. */
  readonly startTimeoutMs?: number | undefined;
  /** How long `stop()` waits after SIGTERM before SIGKILL. Default 10 000 ms. */
  readonly stopTimeoutMs?: number | undefined;
  /** Extra environment variables for named, merged over `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Extra named command-line arguments (`['-n', '1']`, `['-d', '3']`). */
  readonly extraArgs?: readonly string[] | undefined;
  /** Keep the directory after `stop()` (or a failed start). Also `RNDC_TESTING_KEEP_DIR=1`. */
  readonly keepDir?: boolean | undefined;
  /** Parent of the instance directory. Default `os.tmpdir()`. */
  readonly baseDir?: string | undefined;
  /** How many times to start over with new ports when a port is taken. Default 4. */
  readonly attempts?: number | undefined;
  /** Called after every file is written and before named starts (set up ownership, mounts…). */
  readonly beforeStart?: ((context: BeforeStartContext) => void | Promise<void>) | undefined;
  /**
   * Run named in a private mount namespace, after bind-mounting `bindMounts` there (relative
   * paths are relative to the instance directory; mounts are made after `beforeStart`). The host
   * does not see the mounts, and they vanish with named. Reproduces e.g. a Kubernetes `subPath`
   * (a file mounted over the zone file) or a read-only volume. Needs root and util-linux
   * `unshare`; check with `canUseMountNamespace()`. `pid` is still named's pid.
   */
  readonly mountNamespace?: MountNamespaceOptions | undefined;
  /**
   * Bytes (base64, at most 56) every key's secret starts with, instead of being wholly random:
   * each secret is these bytes followed by 8 random ones. The keys still differ from each other
   * (named's control channel tries every key of the channel, whatever the name, so equal secrets
   * would let a mislabelled key in) and from those of other instances (a stray client of another
   * test is still rejected); 64 bytes at most, because BIND's tools refuse K* key pairs whose
   * HMAC secret is longer than the hash's block size. Default: `$RNDC_TESTING_KEY_SECRET` when
   * set (this project's test suite puts a canary there and checks that it never leaks).
   */
  readonly keySecretPrefix?: string | undefined;
  /**
   * More TSIG keys written into named's keys file, beside the instance's own: keys several
   * instances share, e.g. the one a secondary's transfers from a primary are signed with. Their
   * names must differ from the instance's own (`rndc-*`, `update-sha256-128`).
   */
  readonly sharedKeys?: readonly Key[] | undefined;
}

/** How named ended. */
export interface NamedExit {
  /** Exit status, or `null` when named was ended by a signal. */
  readonly code: number | null;
  /** The signal that ended named, if any. */
  readonly signal: NodeJS.Signals | null;
}

/** Options of {@link NamedInstance.waitForLog}. */
export interface WaitForLogOptions {
  /** Byte offset in named.log to search from (see {@link NamedInstance.logOffset}). Default 0. */
  readonly since?: number | undefined;
  /** Default 10 000 ms. */
  readonly timeoutMs?: number | undefined;
}

/** A running throwaway named, as returned by {@link startNamed}. */
export interface NamedInstance {
  /** named's process id. */
  readonly pid: number;
  /** The instance directory: named's `directory`. */
  readonly dir: string;
  /** Absolute path of named.conf. */
  readonly configFile: string;
  /** Absolute path of the file with the `key` statements named.conf includes. */
  readonly keysFile: string;
  /** Absolute path of named.log (all categories, the configured severity). */
  readonly logFile: string;
  /** Always 127.0.0.1. */
  readonly host: '127.0.0.1';
  /** DNS port (UDP and TCP). */
  readonly dnsPort: number;
  /** Read-write control channel port. */
  readonly controlPort: number;
  /** Read-only control channel port, when `readOnlyControl` was set. */
  readonly readOnlyControlPort: number | undefined;
  /** Control-channel and TSIG keys, one per algorithm, named `rndc-md5`, `rndc-sha1`, … */
  readonly keys: Readonly<Record<HmacAlgorithm, Key>>;
  /** TSIG-only key `update-sha256-128` (`hmac-sha256-128`), allowed to update dynamic zones. */
  readonly truncatedKey: Key;
  /** The zones served, in configuration order. */
  readonly zones: readonly NamedZone[];
  /** The user named runs as (`-u`), if one was given. */
  readonly user: string | undefined;
  /** named's version as it logged it at startup (`9.18.49-1~deb12u3-Debian`), if found. */
  readonly version: string | undefined;
  /** The release line of that named (`'9.20'`), when it is one this project supports. */
  readonly bindVersion: BindVersion | undefined;
  /** The exact command line named was started with. */
  readonly command: readonly string[];
  /**
   * The executable the running named really is: `/proc/<pid>/exe` read once named is ready
   * (after {@link NamedInstance.restart}, of the new process). It is not the program started
   * when that is a wrapper script (`/opt/bind/9.20/bin/named` execs
   * `/opt/bind/9.20/root/usr/sbin/named`), and it is what the storage doctor's `exe` identity
   * check compares with: pass it as `namedBinary` to `diagnoseZoneStorage()`, as
   * `named.binary` / `verify.namedBinary` to the client's verified sync and freeze, and as
   * `--named-binary` to `rndc-js doctor` or `sync --verify`. For the machine's own BIND it is
   * `/usr/sbin/named`. (When `/proc` cannot be read, the program started.)
   */
  readonly namedBinary: string;
  /**
   * Settles when named has exited (for whatever reason). Never rejects. After
   * {@link NamedInstance.restart}, the exit of the new process.
   */
  readonly exited: Promise<NamedExit>;
  /** True until named has exited. */
  isRunning(): boolean;
  /**
   * Path of an rndc.conf for BIND's own rndc (`rndc -c <file> status`): the key of
   * `algorithm` (default `hmac-sha256`), server 127.0.0.1, `port` (default `controlPort`).
   * Written on first use.
   */
  rndcConfFile(algorithm?: HmacAlgorithm, port?: number): string;
  /** The whole of named.log ('' if it does not exist). */
  readLog(): string;
  /** What named printed on stdout/stderr (last 64 KiB). */
  readOutput(): string;
  /** Current byte length of named.log: pass it as `since` to wait only for later lines. */
  logOffset(): number;
  /**
   * Resolves with the first complete line of named.log at or after byte `since` that matches
   * `pattern`. Rejects on timeout, or when named has exited without writing such a line.
   */
  waitForLog(pattern: RegExp, options?: WaitForLogOptions): Promise<string>;
  /** Sends a signal to named (default SIGTERM). False when named is no longer running. */
  kill(signal?: NodeJS.Signals | number): boolean;
  /**
   * SIGTERM, wait for the exit (SIGKILL after `stopTimeoutMs`), then remove the directory
   * unless `keepDir`. Idempotent; also fine after named exited by itself (`rndc stop`).
   */
  stop(): Promise<void>;
  /** `await using named = await startNamed(…)`: {@link NamedInstance.stop} at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void>;
  /**
   * Stops named (SIGTERM, like a pod or systemd stop: no flush of pending zone changes; SIGKILL
   * after `stopTimeoutMs`) and starts it again with the same command line: same directory,
   * configuration, ports, keys and mount namespace setup. Resolves when the new named is ready,
   * like {@link startNamed}. `pid` changes; named.log is appended to (pass
   * {@link NamedInstance.logOffset} taken before the restart to `waitForLog`).
   *
   * @throws NamedStartError (the promise rejects) when the new named does not come up (it is then
   * not running; `stop()` still cleans up), or Error after `stop()`.
   */
  restart(): Promise<void>;
}

/** Why {@link startNamed} failed. */
export type NamedStartErrorKind =
  | 'not-found'
  | 'bad-option'
  | 'spawn-failed'
  | 'exited'
  | 'timeout'
  | 'address-in-use'
  | 'wrong-version';

/**
 * {@link startNamed} could not bring named up. The message carries the command line, named's
 * output and the tail of named.log.
 */
export class NamedStartError extends RndcLibraryError<NamedStartErrorKind> {
  /** The named command line, joined by spaces ('' when named was not started). */
  readonly command: string;
  /** Last lines of named.log. */
  readonly logTail: string;
  /** named's stdout/stderr. */
  readonly output: string;

  constructor(
    kind: NamedStartErrorKind,
    summary: string,
    context: {
      command?: string;
      logTail?: string;
      output?: string;
      remedy?: string;
      cause?: unknown;
    } = {},
  ) {
    const command = context.command ?? '';
    const logTail = context.logTail ?? '';
    const output = context.output ?? '';
    const parts = [`startNamed: ${summary}`];
    if (command) parts.push(`command: ${command}`);
    if (output.trim()) parts.push(`named output:\n${indentBlock(output.trim())}`);
    if (logTail.trim()) parts.push(`last lines of named.log:\n${indentBlock(logTail.trim())}`);
    super({
      kind,
      message: parts.join('\n'),
      ...(context.remedy === undefined ? {} : { remedy: context.remedy }),
      ...(context.cause === undefined ? {} : { cause: context.cause }),
    });
    this.command = command;
    this.logTail = logTail;
    this.output = output;
  }
}

const DEFAULT_ZONES: readonly ZoneSpec[] = [
  { name: 'dyn.test', kind: 'dynamic' },
  { name: 'static.test', kind: 'static' },
];
const TRUNCATED_KEY_NAME = 'update-sha256-128';
const OUTPUT_LIMIT = 64 * 1024;
const READY_POLL_MS = 20;
const LOG_POLL_MS = 25;

/**
 * Starts a real named (BIND 9.18) for a test: a fresh directory under `os.tmpdir()`
 * (`rndc-named-*`), listening only on 127.0.0.1 with free ports for DNS (UDP+TCP) and the
 * control channel(s), keys for all six HMAC algorithms, the requested zones and a log file.
 * Resolves once named logged `running`, its listeners are up and the DNS TCP port accepts
 * connections. Always `stop()` it (e.g. in `afterAll`); an exit handler and a watchdog kill
 * forgotten instances when the test process ends. The instance does not keep the event loop
 * alive.
 *
 * @throws NamedStartError (the promise rejects) when named is missing, exits early, does not
 * become ready in time, or keeps finding its ports taken.
 *
 * @example
 * const named = await startNamed({ readOnlyControl: true });
 * try {
 *   const r = await runRndcBinary(named, ['status']);
 * } finally {
 *   await named.stop();
 * }
 */
export async function startNamed(options: StartNamedOptions = {}): Promise<NamedInstance> {
  const requested = options.namedPath === undefined ? requestedVersion(options) : undefined;
  const namedPath =
    options.namedPath ?? findBinary('named', requested === undefined ? {} : { version: requested });
  if (namedPath === undefined || !existsSync(namedPath)) {
    throw new NamedStartError('not-found', `named not found (${options.namedPath ?? '$PATH'})`, {
      remedy: 'install BIND 9.18 (Debian: apt-get install bind9) or pass namedPath',
    });
  }
  const reported = await namedVersion(namedPath);
  if (requested !== undefined && reported.line !== requested) {
    throw new NamedStartError(
      'wrong-version',
      `BIND ${requested} was asked for, but ${namedPath} -v says ${JSON.stringify(reported.text)}`,
      {
        remedy: `run scripts/bind-versions.sh to unpack BIND ${requested} under ${bindVersionBinDir(requested)}`,
      },
    );
  }
  const owner = options.user === undefined ? undefined : await lookupUser(options.user);
  const attempts = Math.max(1, options.attempts ?? 4);
  for (let attempt = 1; ; attempt++) {
    try {
      return await attemptStart(namedPath, reported.line, owner, options);
    } catch (error) {
      if (
        error instanceof NamedStartError &&
        error.kind === 'address-in-use' &&
        attempt < attempts
      ) {
        continue;
      }
      throw error;
    }
  }
}

/** The version asked for by the option or `RNDC_BIND_VERSION`, checked (a typo is not "any"). */
function requestedVersion(options: StartNamedOptions): BindVersion | undefined {
  const asked: unknown = options.version;
  if (asked !== undefined) {
    if (typeof asked === 'string' && isBindVersion(asked)) return asked;
    throw new NamedStartError(
      'bad-option',
      `version ${JSON.stringify(asked)} is not a supported BIND version`,
      { remedy: `pass one of ${SUPPORTED_BIND_VERSIONS.join(', ')}` },
    );
  }
  try {
    return selectedBindVersion();
  } catch (error) {
    throw new NamedStartError('bad-option', (error as Error).message, {
      remedy: `set RNDC_BIND_VERSION to one of ${SUPPORTED_BIND_VERSIONS.join(', ')}, or unset it`,
    });
  }
}

/** Current byte length of an instance's named.log (0 when it does not exist yet). */
export function logOffset(instance: Pick<NamedInstance, 'logFile'>): number {
  try {
    return statSync(instance.logFile).size;
  } catch {
    return 0;
  }
}

interface Owner {
  readonly user: string;
  readonly uid: number;
  readonly gid: number;
}

async function lookupUser(user: string): Promise<Owner> {
  const [uid, gid] = await Promise.all([
    runBinary('id', ['-u', user], { timeoutMs: 5000 }),
    runBinary('id', ['-g', user], { timeoutMs: 5000 }),
  ]);
  const u = Number(uid.stdout.trim());
  const g = Number(gid.stdout.trim());
  if (uid.exitCode !== 0 || gid.exitCode !== 0 || !Number.isInteger(u) || !Number.isInteger(g)) {
    throw new NamedStartError('bad-option', `user "${user}" does not exist (id -u ${user} failed)`);
  }
  return { user, uid: u, gid: g };
}

/** The absolute `directory` named runs in (see {@link StartNamedOptions.directory}). */
function namedWorkingDirectory(directory: string | undefined, dir: string): string {
  if (directory === undefined) return dir;
  if (directory === '' || isAbsolute(directory) || directory.split('/').includes('..')) {
    throw new NamedStartError(
      'bad-option',
      `directory "${directory}" must be a relative path inside ${dir}`,
    );
  }
  return join(dir, directory);
}

/** A secondary zone starts from a file written beforehand (a stale copy). */
function staleCopy(spec: ZoneSpec): boolean {
  return spec.records !== undefined || spec.serial !== undefined;
}

function resolveZones(specs: readonly ZoneSpec[], dir: string): ResolvedZone[] {
  const seen = new Set<string>();
  return specs.map((spec) => {
    const name = spec.name.replace(/\.$/, '');
    if (!/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(name)) {
      throw new NamedStartError('bad-option', `invalid zone name "${spec.name}"`);
    }
    if (seen.has(name.toLowerCase())) {
      throw new NamedStartError('bad-option', `zone "${name}" is listed twice`);
    }
    seen.add(name.toLowerCase());
    const file = spec.fileName ?? `zones/${name}.db`;
    if (isAbsolute(file) || file.split('/').includes('..')) {
      throw new NamedStartError(
        'bad-option',
        `zone "${name}": fileName "${file}" must be a relative path inside ${dir}`,
      );
    }
    const secondary = spec.kind === 'secondary';
    if (secondary !== (spec.primaries !== undefined && spec.primaries.length > 0)) {
      throw new NamedStartError(
        'bad-option',
        secondary
          ? `zone "${name}" is a secondary: it needs primaries`
          : `zone "${name}": primaries are only for kind "secondary"`,
      );
    }
    return {
      name,
      kind: spec.kind,
      file,
      serial: spec.serial ?? 2024010101,
      records: spec.records ?? [],
      allowUpdate: !secondary && (spec.allowUpdate ?? spec.kind !== 'static'),
      zoneOptions:
        secondary && staleCopy(spec) && !/masterfile-format/.test(spec.options ?? '')
          ? `masterfile-format text;\n${spec.options ?? ''}`
          : (spec.options ?? ''),
      primaries: (spec.primaries ?? []).map((p) => ({
        host: p.host ?? '127.0.0.1',
        port: p.port,
        keyName: p.keyName,
      })),
    };
  });
}

function makeKey(
  name: string,
  algorithm: string,
  bytes: number,
  secretPrefix: Buffer | undefined,
): { key: Key; text: KeyText } {
  const secret = secretPrefix
    ? Buffer.concat([secretPrefix, randomBytes(KEY_SECRET_RANDOM_BYTES)])
    : randomBytes(bytes);
  const text = { name, algorithm, secret: secret.toString('base64') };
  const key = Key.from(text);
  if (key.isErr()) throw key.error;
  return { key: key.value, text };
}

/** Random bytes after a `keySecretPrefix`: keys of different instances differ. */
const KEY_SECRET_RANDOM_BYTES = 8;

/** `keySecretPrefix`, else `$RNDC_TESTING_KEY_SECRET`, decoded; never echoed in errors. */
function keySecretPrefix(options: StartNamedOptions): Buffer | undefined {
  // An empty variable counts as unset; an empty option is an error.
  const [text, source] =
    options.keySecretPrefix !== undefined
      ? [options.keySecretPrefix, 'keySecretPrefix']
      : [process.env.RNDC_TESTING_KEY_SECRET || undefined, '$RNDC_TESTING_KEY_SECRET'];
  if (text === undefined) return undefined;
  const secret = decodeBase64Strict(text);
  if (!secret || secret.length === 0) {
    throw new NamedStartError('bad-option', `${source} is not valid base64`);
  }
  if (secret.length > 64 - KEY_SECRET_RANDOM_BYTES) {
    throw new NamedStartError(
      'bad-option',
      `${source} is ${secret.length} bytes; at most ${64 - KEY_SECRET_RANDOM_BYTES} (secrets longer than 64 bytes break K* key pairs in BIND's tools)`,
    );
  }
  return secret;
}

async function attemptStart(
  namedPath: string,
  bindVersion: BindVersion | undefined,
  owner: Owner | undefined,
  options: StartNamedOptions,
): Promise<NamedInstance> {
  const keepDir = options.keepDir ?? process.env.RNDC_TESTING_KEEP_DIR === '1';
  const dir = await mkdtemp(join(options.baseDir ?? tmpdir(), 'rndc-named-'));
  let server: NamedServer | undefined;
  try {
    const configFile = join(dir, 'named.conf');
    const keysFile = join(dir, 'keys.conf');
    const logFile = join(dir, 'named.log');
    const startupLogFile = join(dir, 'startup.log');

    const workDir = namedWorkingDirectory(options.directory, dir);
    const zones = resolveZones(options.zones ?? DEFAULT_ZONES, dir).map((zone) =>
      workDir === dir ? zone : { ...zone, file: join(dir, zone.file) },
    );
    const [dnsPort, controlPort, readOnlyControlPort] = await freePorts(
      options.readOnlyControl ? 3 : 2,
    );
    if (dnsPort === undefined || controlPort === undefined) throw new Error('no free ports');

    const keys = {} as Record<HmacAlgorithm, Key>;
    const keyTexts = new Map<HmacAlgorithm, KeyText>();
    const secretPrefix = keySecretPrefix(options);
    for (const algorithm of HMAC_ALGORITHMS) {
      const made = makeKey(
        controlKeyName(algorithm),
        algorithm,
        DIGEST_BYTES[algorithm],
        secretPrefix,
      );
      keys[algorithm] = made.key;
      keyTexts.set(algorithm, made.text);
    }
    const truncated = makeKey(TRUNCATED_KEY_NAME, 'hmac-sha256-128', 32, secretPrefix);
    const controlKeyNames = HMAC_ALGORITHMS.map(controlKeyName);

    await mkdir(join(dir, 'zones'));
    await mkdir(join(dir, 'keys'));
    if (workDir !== dir) await mkdir(join(workDir, 'keys'), { recursive: true });
    const namedZones: NamedZone[] = [];
    for (const zone of zones) {
      const path = resolve(dir, zone.file);
      await mkdir(dirname(path), { recursive: true });
      const spec = options.zones?.find((z) => z.name.replace(/\.$/, '') === zone.name);
      if (zone.kind !== 'secondary' || (spec && staleCopy(spec))) {
        await writeFile(path, renderZoneFile(zone));
      }
      namedZones.push({ name: zone.name, kind: zone.kind, file: zone.file, path });
    }
    const shared = (options.sharedKeys ?? []).map((key) => ({
      name: key.name.replace(/\.$/, ''),
      algorithm: key.algorithmName,
      secret: key.secretBytes().toString('base64'),
    }));
    const ownNames = new Set([...keyTexts.values(), truncated.text].map((k) => k.name));
    const clash = shared.find((k) => ownNames.has(k.name));
    if (clash) {
      throw new NamedStartError(
        'bad-option',
        `sharedKeys: "${clash.name}" is an instance key name`,
      );
    }
    await writeFile(keysFile, renderKeysFile([...keyTexts.values(), truncated.text, ...shared]), {
      mode: 0o600,
    });
    await writeFile(
      configFile,
      renderNamedConf({
        dir,
        ...(workDir !== dir ? { directory: workDir } : {}),
        keysFile,
        logFile,
        startupLogFile,
        dnsPort,
        controlPort,
        readOnlyControlPort,
        controlKeyNames,
        updateKeyNames: [...controlKeyNames, TRUNCATED_KEY_NAME],
        zones,
        bindVersion,
        logSeverity: options.logSeverity ?? 'info',
        printTime: options.printTime ?? 'yes',
        extraOptions: options.extraOptions ?? '',
        extraConfig: options.extraConfig ?? '',
      }),
    );
    // named opens its log files after switching to `user`; create them first.
    await writeFile(logFile, '');
    await writeFile(startupLogFile, '');

    if (owner) {
      chmodSync(dir, 0o755);
      if ((options.ownership ?? 'user') === 'user') {
        await chownTree(dir, owner);
      } else {
        for (const path of [dir, configFile, keysFile, logFile, startupLogFile]) {
          await chown(path, owner.uid, owner.gid);
        }
      }
    }

    await options.beforeStart?.({
      dir,
      configFile,
      zones: namedZones,
      uid: owner?.uid,
      gid: owner?.gid,
    });

    const namedCommand = [
      namedPath,
      '-f',
      '-4',
      '-c',
      configFile,
      '-L',
      logFile,
      ...(owner ? ['-u', owner.user] : []),
      ...(options.extraArgs ?? []),
    ];
    let command = namedCommand;
    if (options.mountNamespace) {
      const unshare = findBinary('unshare');
      if (unshare === undefined) {
        throw new NamedStartError('not-found', 'mountNamespace needs util-linux `unshare`', {
          remedy: 'install util-linux, or check canUseMountNamespace() first',
        });
      }
      command = mountNamespaceCommand(
        unshare,
        options.mountNamespace.bindMounts,
        dir,
        namedCommand,
      );
    }
    server = new NamedServer({
      command,
      namedPath,
      env: { ...process.env, ...options.env },
      dir,
      keepDir,
      configFile,
      keysFile,
      logFile,
      startupLogFile,
      dnsPort,
      controlPort,
      readOnlyControlPort,
      keys,
      keyTexts,
      truncatedKey: truncated.key,
      zones: namedZones,
      user: owner?.user,
      bindVersion,
      stopTimeoutMs: options.stopTimeoutMs ?? 10_000,
      startTimeoutMs: options.startTimeoutMs ?? 15_000,
    });
    await server.waitUntilReady(server.startTimeoutMs);
    await server.waitUntilSigned(server.startTimeoutMs);
    return server;
  } catch (error) {
    if (server) {
      await server.abort();
    } else if (!keepDir) {
      await rm(dir, { recursive: true, force: true, maxRetries: 3 });
    }
    if (error instanceof NamedStartError) throw error;
    throw new NamedStartError(
      'spawn-failed',
      `could not prepare or start named in ${dir}: ${String(error instanceof Error ? error.message : error)}`,
      { cause: error },
    );
  }
}

async function chownTree(path: string, owner: Owner): Promise<void> {
  await chown(path, owner.uid, owner.gid);
  const entries = await readdir(path, { withFileTypes: true });
  for (const entry of entries) {
    const child = join(path, entry.name);
    if (entry.isDirectory()) await chownTree(child, owner);
    else await chown(child, owner.uid, owner.gid);
  }
}

interface ServerInit {
  readonly command: readonly string[];
  /** The named program started (maybe a wrapper script), at the end of `command`'s prefix. */
  readonly namedPath: string;
  readonly env: NodeJS.ProcessEnv;
  readonly dir: string;
  readonly keepDir: boolean;
  readonly configFile: string;
  readonly keysFile: string;
  readonly logFile: string;
  readonly startupLogFile: string;
  readonly dnsPort: number;
  readonly controlPort: number;
  readonly readOnlyControlPort: number | undefined;
  readonly keys: Record<HmacAlgorithm, Key>;
  readonly keyTexts: ReadonlyMap<HmacAlgorithm, KeyText>;
  readonly truncatedKey: Key;
  readonly zones: readonly NamedZone[];
  readonly user: string | undefined;
  readonly bindVersion: BindVersion | undefined;
  readonly stopTimeoutMs: number;
  readonly startTimeoutMs: number;
}

/** Where readiness detection starts reading the two log files (bytes). */
interface LogStart {
  readonly log: number;
  readonly startup: number;
}

class NamedServer implements NamedInstance {
  readonly dir: string;
  readonly configFile: string;
  readonly keysFile: string;
  readonly logFile: string;
  readonly host = '127.0.0.1' as const;
  readonly dnsPort: number;
  readonly controlPort: number;
  readonly readOnlyControlPort: number | undefined;
  readonly keys: Readonly<Record<HmacAlgorithm, Key>>;
  readonly truncatedKey: Key;
  readonly zones: readonly NamedZone[];
  readonly user: string | undefined;
  readonly bindVersion: BindVersion | undefined;
  version: string | undefined;
  readonly command: readonly string[];
  namedBinary: string;

  readonly #init: ServerInit;
  readonly #registration: Registered;
  readonly #unregister: () => void;
  #watchdog: Watchdog = { detach: () => {} };
  readonly #rndcConfs = new Map<string, string>();
  #pid = -1;
  #exited: Promise<NamedExit> = Promise.resolve({ code: null, signal: null });
  #output = '';
  #exit: NamedExit | undefined;
  #spawnError: Error | undefined;
  #stopping: Promise<void> | undefined;
  #restarting: Promise<void> | undefined;

  constructor(init: ServerInit) {
    this.#init = init;
    this.dir = init.dir;
    this.configFile = init.configFile;
    this.keysFile = init.keysFile;
    this.logFile = init.logFile;
    this.dnsPort = init.dnsPort;
    this.controlPort = init.controlPort;
    this.readOnlyControlPort = init.readOnlyControlPort;
    this.keys = init.keys;
    this.truncatedKey = init.truncatedKey;
    this.zones = init.zones;
    this.user = init.user;
    this.bindVersion = init.bindVersion;
    this.command = init.command;
    this.namedBinary = init.namedPath;
    this.#registration = {
      pid: undefined,
      removeDir: init.keepDir ? undefined : init.dir,
    };
    this.#unregister = register(this.#registration);
    this.#spawn();
  }

  get pid(): number {
    return this.#pid;
  }

  get exited(): Promise<NamedExit> {
    return this.#exited;
  }

  get startTimeoutMs(): number {
    return this.#init.startTimeoutMs;
  }

  /** Starts the named process (first start and restarts). */
  #spawn(): void {
    const init = this.#init;
    this.#exit = undefined;
    this.#spawnError = undefined;
    const [file, ...args] = init.command;
    const child = spawn(file ?? 'named', args, {
      cwd: init.dir,
      env: init.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const collect = (chunk: Buffer): void => {
      this.#output = (this.#output + chunk.toString('utf8')).slice(-OUTPUT_LIMIT);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    const watchdog =
      child.pid === undefined
        ? { detach: () => {} }
        : startWatchdog(child.pid, init.keepDir ? undefined : init.dir);
    // After a restart, a late event of an earlier process must not touch the current state.
    const current = (): boolean => this.#pid === (child.pid ?? -1);
    // Awaiting `exited` must keep the process alive until named is gone: the child is unref'ed
    // (a forgotten instance must not hold the test process open), so the promise refs it the
    // moment anyone waits on it — and only then.
    this.#exited = new ExitPromise(
      () => child.ref(),
      (resolve) => {
        child.once('exit', (code, signal) => {
          const exit = { code, signal };
          watchdog.detach();
          if (current()) {
            this.#exit = exit;
            this.#registration.pid = undefined;
          }
          resolve(exit);
        });
        child.once('error', (error) => {
          // spawn failure: no 'exit' event follows.
          const exit = { code: null, signal: null };
          if (current()) {
            this.#spawnError = error;
            this.#exit = exit;
            this.#registration.pid = undefined;
          }
          resolve(exit);
        });
      },
    );
    this.#pid = child.pid ?? -1;
    this.#registration.pid = child.pid;
    this.#watchdog = watchdog;
    // Forgotten instances must not keep the test process alive; the exit handler reaps them.
    child.unref();
    for (const stream of [child.stdout, child.stderr]) {
      (stream as unknown as { unref?: () => void } | null)?.unref?.();
    }
  }

  isRunning(): boolean {
    return this.#exit === undefined;
  }

  rndcConfFile(algorithm: HmacAlgorithm = 'hmac-sha256', port: number = this.controlPort): string {
    const id = `${algorithm}-${port}`;
    const existing = this.#rndcConfs.get(id);
    if (existing !== undefined && existsSync(existing)) return existing;
    const key = this.#init.keyTexts.get(algorithm);
    if (!key) throw new Error(`no key for algorithm ${String(algorithm)}`);
    const path = join(this.dir, `rndc-${algorithm.slice('hmac-'.length)}-${port}.conf`);
    writeFileSync(path, renderRndcConf(key, port), { mode: 0o600 });
    this.#rndcConfs.set(id, path);
    return path;
  }

  readLog(): string {
    return readText(this.logFile);
  }

  readOutput(): string {
    return this.#output;
  }

  logOffset(): number {
    return logOffset(this);
  }

  async waitForLog(pattern: RegExp, options: WaitForLogOptions = {}): Promise<string> {
    const regex = new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''));
    const timeoutMs = options.timeoutMs ?? 10_000;
    const deadline = Date.now() + timeoutMs;
    let offset = options.since ?? 0;
    for (;;) {
      // Read the exit state before the file, so a line written just before exiting is seen.
      const exitedBefore = !this.isRunning();
      const data = readBytes(this.logFile, offset);
      const end = data.lastIndexOf(0x0a);
      if (end >= 0) {
        for (const line of data.subarray(0, end).toString('utf8').split('\n')) {
          if (regex.test(line)) return line;
        }
        offset += end + 1;
      }
      if (exitedBefore) {
        throw new Error(
          `named exited (${describeExit(this.#exit)}) without logging a line matching ${String(pattern)}\n${tailLines(this.readLog(), 20)}`,
        );
      }
      if (Date.now() >= deadline) {
        throw new Error(
          `timed out after ${timeoutMs} ms waiting for a line matching ${String(pattern)} in ${this.logFile}; last lines:\n${tailLines(this.readLog(), 20)}`,
        );
      }
      await sleep(LOG_POLL_MS);
    }
  }

  kill(signal: NodeJS.Signals | number = 'SIGTERM'): boolean {
    // pid <= 0 would signal a whole process group (or every process): never.
    if (!this.isRunning() || this.pid <= 0) return false;
    try {
      process.kill(this.pid, signal);
      return true;
    } catch {
      return false;
    }
  }

  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      // Let a restart in progress finish spawning, so its process is the one stopped.
      await this.#restarting?.catch(() => undefined);
      await this.#shutdown(this.#init.stopTimeoutMs, this.#init.keepDir);
    })();
    return this.#stopping;
  }

  [asyncDispose](): Promise<void> {
    return this.stop();
  }

  restart(): Promise<void> {
    if (this.#stopping) return Promise.reject(new Error('restart(): the instance was stopped'));
    if (this.#restarting) return this.#restarting;
    this.#restarting = (async () => {
      await this.#terminate(this.#init.stopTimeoutMs);
      this.#watchdog.detach();
      const since = { log: fileSize(this.logFile), startup: fileSize(this.#init.startupLogFile) };
      this.#spawn();
      try {
        await this.waitUntilReady(this.#init.startTimeoutMs, since);
        await this.waitUntilSigned(this.#init.startTimeoutMs);
      } catch (error) {
        await this.#terminate(0);
        throw error;
      }
    })().finally(() => {
      this.#restarting = undefined;
    });
    return this.#restarting;
  }

  /** SIGTERM and wait `graceMs` (skipped when 0), then SIGKILL. */
  async #terminate(graceMs: number): Promise<void> {
    if (!this.isRunning()) return;
    if (graceMs > 0) {
      this.kill('SIGTERM');
      await waitAtMost(this.exited, graceMs);
    }
    if (this.isRunning()) {
      this.kill('SIGKILL');
      await waitAtMost(this.exited, 5000);
    }
  }

  /** Failed start: kill hard, remove the directory unless keepDir. */
  async abort(): Promise<void> {
    this.#stopping ??= this.#shutdown(0, this.#init.keepDir);
    await this.#stopping;
  }

  async #shutdown(graceMs: number, keepDir: boolean): Promise<void> {
    await this.#terminate(graceMs);
    this.#watchdog.detach();
    this.#unregister();
    if (!keepDir) await rm(this.dir, { recursive: true, force: true, maxRetries: 3 });
  }

  /**
   * named serves an inline-signing zone signed only once it has signed it, some time after
   * "running": ready means `zonestatus` says `secure: yes` for every such zone.
   */
  async waitUntilSigned(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (const zone of this.zones.filter((z) => z.kind === 'inline-signing')) {
      for (;;) {
        const status = await runRndcBinary(this, ['zonestatus', zone.name]);
        if (/^secure: yes$/m.test(status.stdout)) break;
        if (Date.now() > deadline) {
          throw new NamedStartError(
            'timeout',
            `zone ${zone.name} was not signed within ${timeoutMs} ms`,
            {
              command: this.command.join(' '),
              logTail: tailLines(this.readLog(), 30),
              output: status.stdout + status.stderr,
            },
          );
        }
        await sleep(100);
      }
    }
  }

  async waitUntilReady(timeoutMs: number, since: LogStart = { log: 0, startup: 0 }): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const commandLine = this.command.join(' ');
    const dnsListening = new RegExp(
      `listening on IPv4 interface \\S+, 127\\.0\\.0\\.1#${this.dnsPort}$`,
      'm',
    );
    const controlPorts = [this.controlPort, this.readOnlyControlPort].filter(
      (port): port is number => port !== undefined,
    );
    const controlListening = controlPorts.map(
      (port) => new RegExp(`command channel listening on 127\\.0\\.0\\.1#${port}$`, 'm'),
    );
    const running = /(?:^|\s)general: \w+: running$/m;
    const context = (): { command: string; logTail: string; output: string } => ({
      command: commandLine,
      logTail: tailLines(readText(this.logFile, since.log), 30),
      output: this.#output,
    });

    for (;;) {
      const exit = this.#exit;
      if (this.#spawnError) {
        throw new NamedStartError(
          'spawn-failed',
          `could not start named: ${this.#spawnError.message}`,
          context(),
        );
      }
      const text = `${readText(this.logFile, since.log)}\n${readText(this.#init.startupLogFile, since.startup)}`;
      if (/address in use/i.test(text)) {
        throw new NamedStartError(
          'address-in-use',
          'a port picked for named was taken by another process before named bound it',
          context(),
        );
      }
      if (exit) {
        const hint =
          this.user === undefined
            ? ''
            : ` (named runs as "${this.user}": it must be able to write ${this.dir} and ${this.logFile})`;
        throw new NamedStartError(
          'exited',
          `named exited (${describeExit(exit)}) before it was ready${hint}`,
          context(),
        );
      }
      if (
        running.test(text) &&
        dnsListening.test(text) &&
        controlListening.every((re) => re.test(text)) &&
        (await tcpAccepts(this.dnsPort, 500))
      ) {
        const shared = portsSharedWithOthers(this.pid, [
          { port: this.dnsPort, tcp: true, udp: true },
          ...controlPorts.map((port) => ({ port, tcp: true, udp: false })),
        ]);
        this.version = /starting BIND (\S+)/.exec(text)?.[1];
        // Read now that the program started (a wrapper, unshare, sh) has exec'ed named.
        this.namedBinary = runningExecutable(this.pid) ?? this.#init.namedPath;
        if (shared && shared.length > 0) {
          throw new NamedStartError(
            'address-in-use',
            `another process also listens on port ${shared.join(', ')} (named shares ports through SO_REUSEPORT without an error)`,
            context(),
          );
        }
        return;
      }
      if (Date.now() >= deadline) {
        const missing = [
          running.test(text) ? undefined : '"running"',
          dnsListening.test(text) ? undefined : `"listening on … 127.0.0.1#${this.dnsPort}"`,
          ...controlListening.map((re, i) =>
            re.test(text)
              ? undefined
              : `"command channel listening on 127.0.0.1#${controlPorts[i]}"`,
          ),
        ].filter((m) => m !== undefined);
        throw new NamedStartError(
          'timeout',
          `named was not ready after ${timeoutMs} ms${missing.length ? ` (not logged yet: ${missing.join(', ')})` : ' (DNS TCP port not accepting connections)'}`,
          context(),
        );
      }
      await sleep(READY_POLL_MS);
    }
  }
}

/** `/proc/<pid>/exe` of a running process, as a path; undefined when it cannot be read. */
function runningExecutable(pid: number): string | undefined {
  try {
    const link = readlinkSync(`/proc/${pid}/exe`);
    return isAbsolute(link) && !link.endsWith(' (deleted)') ? link : undefined;
  } catch {
    return undefined;
  }
}

function tcpAccepts(port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function readText(path: string, offset = 0): string {
  try {
    const data = readFileSync(path);
    return (offset > 0 ? data.subarray(offset) : data).toString('utf8');
  } catch {
    return '';
  }
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

function readBytes(path: string, offset: number): Buffer {
  try {
    const data = readFileSync(path);
    return offset > 0 ? data.subarray(offset) : data;
  } catch {
    return Buffer.alloc(0);
  }
}

function tailLines(text: string, count: number): string {
  return text
    .trimEnd()
    .split('\n')
    .slice(-count)
    .map((line) => (line.length > 300 ? `${line.slice(0, 300)}…` : line))
    .join('\n');
}

function indentBlock(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}

function describeExit(exit: NamedExit | undefined): string {
  if (!exit) return 'still running';
  if (exit.signal) return `signal ${exit.signal}`;
  return `exit code ${exit.code}`;
}

/** Waits for `promise`, or `ms`; the timer never outlives the wait (it would hold the process). */
async function waitAtMost(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([promise, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The promise of {@link NamedInstance.exited}: calls `hold` whenever someone waits on it (`then`,
 * `await`, `catch`, `finally`, `Promise.race`…). `await` calls `then` only on promises that are
 * not plain `Promise` instances, hence the subclass; `Symbol.species` keeps derived promises plain.
 */
class ExitPromise extends Promise<NamedExit> {
  static override get [Symbol.species](): PromiseConstructor {
    return Promise;
  }

  readonly #hold: () => void;

  constructor(
    hold: () => void,
    executor: (resolve: (exit: NamedExit) => void, reject: (reason?: unknown) => void) => void,
  ) {
    super(executor);
    this.#hold = hold;
  }

  // biome-ignore lint/suspicious/noThenProperty: this is the promise's own then, extended
  override then<A = NamedExit, B = never>(
    onFulfilled?: ((exit: NamedExit) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    this.#hold();
    return super.then(onFulfilled, onRejected);
  }
}
