/**
 * Running BIND's own tools (`rndc`, `dig`, `nsupdate`, …) from tests, for differential testing
 * against this library.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import type { HmacAlgorithm } from '../keys/key.js';
import { type BindVersion, bindVersionBinDir, selectedBindVersion } from './bind-versions.js';

/** Directories searched after `$PATH`: BIND installs its daemons and rndc in sbin. */
const EXTRA_BIN_DIRS = ['/usr/sbin', '/usr/local/sbin', '/sbin', '/usr/bin', '/usr/local/bin'];

/** Options of {@link findBinary}. */
export interface FindBinaryOptions {
  /**
   * Look first among this BIND version's tools (`/opt/bind/<version>/bin`, see
   * `scripts/bind-versions.sh`). Default: `RNDC_BIND_VERSION` when set.
   */
  readonly version?: BindVersion | undefined;
}

/**
 * Finds an executable by name: first among the tools of the selected BIND version (option
 * `version`, else `RNDC_BIND_VERSION`), then in `$PATH`, then in the sbin directories
 * (`/usr/sbin`, …) that non-root `$PATH`s often lack. A name containing `/` is returned as is.
 *
 * @returns the path, or `undefined` when no executable of that name exists.
 */
export function findBinary(name: string, options: FindBinaryOptions = {}): string | undefined {
  if (name.includes('/')) return name;
  const version = options.version ?? selectedBindVersion();
  const dirs = [
    ...(version === undefined ? [] : [bindVersionBinDir(version)]),
    ...(process.env.PATH ?? '').split(delimiter).filter(isAbsolute),
    ...EXTRA_BIN_DIRS,
  ];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Options of {@link runBinary}. */
export interface RunBinaryOptions {
  /** Kill the process (SIGKILL) after this many milliseconds. Default 30 000. */
  readonly timeoutMs?: number | undefined;
  /** Extra environment variables, merged over `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Working directory. */
  readonly cwd?: string | undefined;
  /** Written to the process's stdin, which is then closed. Default: stdin is closed at once. */
  readonly input?: string | Uint8Array | undefined;
}

/** Outcome of {@link runBinary}. */
export interface BinaryResult {
  /** Everything the program wrote on standard output. */
  readonly stdout: string;
  /** Everything the program wrote on standard error. */
  readonly stderr: string;
  /** Exit status, or `null` when the process was ended by a signal (see `signal`). */
  readonly exitCode: number | null;
  /** The signal that ended the process, if any. */
  readonly signal: NodeJS.Signals | null;
  /** True when the process was killed because it exceeded `timeoutMs`. */
  readonly timedOut: boolean;
  /** The command line that was run, for messages (arguments joined by spaces). */
  readonly command: string;
}

/**
 * Runs a program to completion and collects its output. `cmd` is looked up with
 * {@link findBinary}. A non-zero exit status is not an error: it is reported in `exitCode`.
 *
 * @throws Error (the promise rejects) only when the program cannot be started at all, e.g. it
 * does not exist; the message names the command.
 */
export function runBinary(
  cmd: string,
  args: readonly string[],
  options: RunBinaryOptions = {},
): Promise<BinaryResult> {
  const path = findBinary(cmd) ?? cmd;
  const command = [path, ...args].join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn(path, [...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, ...options.env },
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 30_000);
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    // A program that exits without reading its input makes the write fail with EPIPE: harmless.
    child.stdin.on('error', () => {});
    child.stdin.end(options.input);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${command}: ${error.message}`, { cause: error }));
    });
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      resolve({
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        exitCode,
        signal,
        timedOut,
        command,
      });
    });
  });
}

/** The part of a running test server {@link runRndcBinary} needs. */
export interface RndcBinaryTarget {
  /** Path of an rndc.conf for the given key algorithm and control port. */
  rndcConfFile(algorithm?: HmacAlgorithm, port?: number): string;
  /** The BIND version the server was started from; its own `rndc` is used. */
  readonly bindVersion?: BindVersion | undefined;
}

/** Options of {@link runRndcBinary}. */
export interface RunRndcBinaryOptions {
  /** Key used to sign: the instance's key of this algorithm. Default `hmac-sha256`. */
  readonly algorithm?: HmacAlgorithm | undefined;
  /** Control port. Default: the instance's read-write control port. */
  readonly port?: number | undefined;
  /** rndc options placed before the command (`-q`, `-r`, `-V`, …). */
  readonly extraArgs?: readonly string[] | undefined;
  /** Path of the rndc binary. Default: the server's own version's `rndc` (see {@link findBinary}). */
  readonly rndcPath?: string | undefined;
  /** Default 30 000 ms. */
  readonly timeoutMs?: number | undefined;
}

/**
 * Runs BIND's own `rndc -c <generated rndc.conf> [extraArgs…] <args…>` against a server from
 * `startNamed()`: the reference behaviour for differential tests.
 *
 * @example
 * const r = await runRndcBinary(named, ['zonestatus', 'dyn.test'], { algorithm: 'hmac-md5' });
 * expect(r.exitCode).toBe(0);
 */
export function runRndcBinary(
  instance: RndcBinaryTarget,
  args: readonly string[],
  options: RunRndcBinaryOptions = {},
): Promise<BinaryResult> {
  const conf = instance.rndcConfFile(options.algorithm, options.port);
  return runBinary(
    options.rndcPath ??
      findBinary(
        'rndc',
        instance.bindVersion === undefined ? {} : { version: instance.bindVersion },
      ) ??
      'rndc',
    ['-c', conf, ...(options.extraArgs ?? []), ...args],
    options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs },
  );
}
