/**
 * Running the test named in a private mount namespace with bind mounts, to reproduce storage
 * layouts such as a Kubernetes `subPath` (a single zone file bind-mounted over the file named
 * wants to replace) or a read-only volume, without touching the host's mount table.
 *
 * `unshare -m --propagation private sh -c 'mount --bind …; exec named …'`: `unshare` (without
 * `--fork`) and `sh` both exec, so the pid spawned is named's pid. The namespace disappears with
 * named. Needs root (CAP_SYS_ADMIN) and util-linux `unshare` and `mount`.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { findBinary } from './rndc-binary.js';

/** One bind mount made in named's private mount namespace before named starts. */
export interface BindMount {
  /** What to mount: a file or directory. Relative paths are relative to the instance directory. */
  readonly source: string;
  /**
   * Where: an existing file (for a file source) or directory. Relative paths are relative to the
   * instance directory. Create it in `beforeStart` when it is not one of the generated files.
   */
  readonly target: string;
  /** Remount the bind mount read-only (`mount -o remount,bind,ro`). Default false. */
  readonly readOnly?: boolean;
}

/** Option `mountNamespace` of `startNamed()`. */
export interface MountNamespaceOptions {
  /** Bind mounts, made in this order. */
  readonly bindMounts: readonly BindMount[];
}

/** Outcome of {@link canUseMountNamespace}. */
export type MountNamespaceSupport =
  | {
      /** Mount namespaces work here. */
      readonly ok: true;
    }
  | {
      /** Mount namespaces do not work here. */
      readonly ok: false;
      /** Why not, for a skip message. */
      readonly reason: string;
    };

/**
 * Whether `startNamed({ mountNamespace })` can work here: tries `unshare -m --propagation private`
 * with a bind mount of one temporary file over another and reads the mounted file back. Never
 * throws; when it cannot, `reason` says why (not root, no `unshare`, a seccomp/container policy
 * refusing `unshare`/`mount`, …).
 */
export async function canUseMountNamespace(): Promise<MountNamespaceSupport> {
  if (process.platform !== 'linux') {
    return { ok: false, reason: `mount namespaces need Linux (this is ${process.platform})` };
  }
  const unshare = findBinary('unshare');
  if (unshare === undefined) {
    return {
      ok: false,
      reason: 'util-linux `unshare` was not found in $PATH or the sbin directories',
    };
  }
  let dir: string | undefined;
  try {
    dir = await mkdtemp(join(tmpdir(), 'rndc-mntns-'));
    const source = join(dir, 'source');
    const target = join(dir, 'target');
    const marker = `bind-mounted ${process.pid}`;
    await writeFile(source, marker);
    await writeFile(target, 'not mounted');
    const result = await runQuiet(unshare, [
      '-m',
      '--propagation',
      'private',
      '/bin/sh',
      '-c',
      'mount --bind "$1" "$2" && cat "$2"',
      'sh',
      source,
      target,
    ]);
    if (result.error !== undefined) {
      return { ok: false, reason: `could not run ${unshare}: ${result.error}` };
    }
    if (result.code !== 0 || result.stdout !== marker) {
      const detail =
        result.stderr.trim() || `output ${JSON.stringify(result.stdout.slice(0, 200))}`;
      return {
        ok: false,
        reason: `\`unshare -m --propagation private\` + \`mount --bind\` failed (exit ${result.code}${process.getuid?.() === 0 ? '' : ', not running as root'}): ${detail}`,
      };
    }
    // The host must not see the mount.
    if ((await readFile(target, 'utf8')) !== 'not mounted') {
      return { ok: false, reason: 'the bind mount leaked out of the private mount namespace' };
    }
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: `could not test mount namespaces: ${String(error)}` };
  } finally {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The command line that runs `command` in a private mount namespace after making `mounts`
 * (relative paths resolved against `dir`). `unshare` is the path of util-linux `unshare`.
 */
export function mountNamespaceCommand(
  unshare: string,
  mounts: readonly BindMount[],
  dir: string,
  command: readonly string[],
): string[] {
  const lines = ['set -e'];
  const args: string[] = [];
  mounts.forEach((mount, i) => {
    const source = `"\${${2 * i + 1}}"`;
    const target = `"\${${2 * i + 2}}"`;
    lines.push(`mount --bind ${source} ${target}`);
    if (mount.readOnly) lines.push(`mount -o remount,bind,ro ${target}`);
    args.push(absolute(mount.source, dir), absolute(mount.target, dir));
  });
  lines.push(`shift ${args.length}`, 'exec "$@"');
  return [
    unshare,
    '-m',
    '--propagation',
    'private',
    '/bin/sh',
    '-c',
    lines.join('\n'),
    'rndc-named-mntns',
    ...args,
    ...command,
  ];
}

function absolute(path: string, dir: string): string {
  return isAbsolute(path) ? path : resolve(dir, path);
}

interface QuietResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly error?: string;
}

function runQuiet(file: string, args: readonly string[]): Promise<QuietResult> {
  return new Promise((resolvePromise) => {
    const child = spawn(file, [...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      resolvePromise({ code: null, stdout, stderr, error: error.message });
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}
