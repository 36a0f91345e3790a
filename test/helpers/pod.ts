// A Kubernetes pod emulated with Linux namespaces, for running a manifest's containers for real:
//
// - a "pause" process owns the pod's network namespace (loopback only, brought up) and a mount
//   namespace holding the volumes, laid out as the kubelet does: ConfigMap and Secret volumes are
//   read-only tmpfs directories with the atomic-writer layout (`..2025_…/` holding the files,
//   `..data` → it, each key → `..data/<key>`), emptyDirs are writable tmpfs directories, and the
//   PersistentVolumeClaim is a host directory. fsGroup is applied as the kubelet does: group
//   ownership, group rw, setgid directories, and the group in every container's groups;
// - each container is a process in the pod's network namespace with its own mount namespace
//   (copied from the pause's), where its volumeMounts are bind mounts (read-only where the
//   manifest says so, or for ConfigMaps and Secrets, which are always read-only), subPath included;
// - it runs as the pod's runAsUser/runAsGroup with no capabilities at all and no_new_privs
//   (`setpriv`), the way `capabilities: { drop: [ALL] }` and `allowPrivilegeEscalation: false`
//   leave a non-root container.
//
// Container paths are prefixed with the emulation's root directory (`/etc/bind/config` →
// `<dir>/root/etc/bind/config`), in mount targets, commands, and the ConfigMap and Secret data;
// nothing else of the manifest changes. The host's mount table never sees a mount: they all live
// in namespaces that vanish with their last process.

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { type BinaryResult, findBinary, runBinary } from '../../src/testing/index.js';
import { CLI_BUNDLE } from './cli-io.js';
import { until } from './until.js';

/** The parts of a container spec the emulation uses. */
export interface ContainerSpec {
  readonly name: string;
  readonly command: readonly string[];
  readonly volumeMounts: readonly VolumeMount[];
  readonly env?: readonly { readonly name: string; readonly value: string }[];
  readonly lifecycle?: { readonly preStop?: { readonly exec?: { readonly command: string[] } } };
}

export interface VolumeMount {
  readonly name: string;
  readonly mountPath: string;
  readonly subPath?: string;
  readonly readOnly?: boolean;
}

interface Volume {
  readonly name: string;
  readonly configMap?: { readonly name: string; readonly defaultMode?: number };
  readonly secret?: { readonly secretName: string; readonly defaultMode?: number };
  readonly emptyDir?: object;
  readonly persistentVolumeClaim?: { readonly claimName: string };
}

/** The pod template of the manifest's StatefulSet, and the data of its ConfigMaps and Secrets. */
export interface PodManifest {
  readonly securityContext: {
    readonly runAsUser: number;
    readonly runAsGroup: number;
    readonly fsGroup: number;
    /** Namespaced sysctls, set in the pod's network namespace. */
    readonly sysctls?: readonly { readonly name: string; readonly value: string }[];
  };
  readonly shareProcessNamespace: boolean;
  readonly initContainers: readonly ContainerSpec[];
  readonly containers: readonly ContainerSpec[];
  readonly volumes: readonly Volume[];
  /** ConfigMap name → key → content. */
  readonly configMaps: ReadonlyMap<string, Readonly<Record<string, string>>>;
  /** Secret name → key → content (`stringData`). */
  readonly secrets: ReadonlyMap<string, Readonly<Record<string, string>>>;
}

/** Reads a multi-document manifest the way Kubernetes does (YAML 1.1: `0440` is octal). */
export function readPodManifest(text: string): PodManifest {
  const docs = parseAllDocuments(text, { version: '1.1' }).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`manifest: ${doc.errors[0]?.message}`);
    return doc.toJS() as { kind: string; metadata: { name: string }; [key: string]: unknown };
  });
  const configMaps = new Map<string, Record<string, string>>();
  const secrets = new Map<string, Record<string, string>>();
  let template: Record<string, unknown> | undefined;
  for (const doc of docs) {
    if (doc.kind === 'ConfigMap') configMaps.set(doc.metadata.name, doc.data as never);
    if (doc.kind === 'Secret') secrets.set(doc.metadata.name, doc.stringData as never);
    if (doc.kind === 'StatefulSet' || doc.kind === 'Deployment') {
      template = (doc.spec as { template: { spec: Record<string, unknown> } }).template.spec;
    }
  }
  if (template === undefined) throw new Error('manifest: no StatefulSet or Deployment');
  return {
    securityContext: template.securityContext as PodManifest['securityContext'],
    shareProcessNamespace: template.shareProcessNamespace === true,
    initContainers: (template.initContainers ?? []) as ContainerSpec[],
    containers: template.containers as ContainerSpec[],
    volumes: template.volumes as Volume[],
    configMaps,
    secrets,
  };
}

/** Why a pod cannot be emulated here, or undefined when it can. */
export async function podEmulationUnavailable(): Promise<string | undefined> {
  if (process.platform !== 'linux')
    return `pods need Linux namespaces (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'emulating a pod needs root (mount and network namespaces)';
  for (const tool of ['unshare', 'nsenter', 'setpriv', 'ip', 'mount']) {
    if (findBinary(tool) === undefined) return `util-linux/iproute2 \`${tool}\` is not installed`;
  }
  const probe = await runBinary(
    'unshare',
    [
      '-m',
      '-n',
      '--propagation',
      'private',
      '/bin/sh',
      '-c',
      'ip link set lo up && mount -t tmpfs probe /mnt && setpriv --reuid 65534 --regid 65534 --clear-groups --inh-caps=-all --bounding-set=-all --no-new-privs id -u',
    ],
    { timeoutMs: 10_000 },
  ).catch((error: unknown) => ({ exitCode: -1, stdout: '', stderr: String(error) }));
  if (probe.exitCode !== 0 || probe.stdout.trim() !== '65534') {
    return `\`unshare -m -n\` + \`ip link set lo up\` + tmpfs + \`setpriv\` failed (exit ${probe.exitCode}): ${probe.stderr.trim()}`;
  }
  return undefined;
}

/** A started container process. */
export interface RunningContainer {
  readonly name: string;
  readonly pid: number;
  /** stdout + stderr so far: what `kubectl logs` shows. */
  logs(): string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  isRunning(): boolean;
}

/** Options of {@link EmulatedPod.run} and {@link EmulatedPod.exec}. */
export interface RunOptions {
  /** Replaces the container's command (already in container paths; rewritten here). */
  readonly command?: readonly string[];
  /** Written to stdin. */
  readonly input?: string;
  readonly timeoutMs?: number;
  /** Extra environment, over the container's `env`. */
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * Program names in container commands → programs on this machine: `named`, `rndc` and the other
 * BIND tools of the version under test (findBinary honours RNDC_BIND_VERSION), `rndc-js` from
 * this project's source.
 */
function hostProgram(word: string, binDir: string): string {
  if (word === 'rndc-js') return join(binDir, 'rndc-js');
  if (word.includes('/')) return word;
  return findBinary(word) ?? word;
}

export class EmulatedPod {
  readonly root: string;
  readonly pvc: string;
  private pause: ChildProcess | undefined;
  private readonly binDir: string;
  private readonly running: RunningContainer[] = [];
  private readonly mountPaths: string[];

  private constructor(
    readonly dir: string,
    readonly manifest: PodManifest,
  ) {
    this.root = join(dir, 'root');
    this.pvc = join(dir, 'pvc');
    this.binDir = join(dir, 'bin');
    const all = [...manifest.initContainers, ...manifest.containers].flatMap((c) =>
      c.volumeMounts.map((m) => m.mountPath),
    );
    // Longest first, so /var/lib/bind/zones/x is rewritten before /var/lib/bind.
    this.mountPaths = [...new Set(all)].sort((a, b) => b.length - a.length);
  }

  /** The pause process's pid: the pod's namespaces. */
  get pausePid(): number {
    const pid = this.pause?.pid;
    if (pid === undefined) throw new Error('pod not started');
    return pid;
  }

  /** Creates the pod's directories and volumes and starts its pause process. */
  static async create(manifest: PodManifest): Promise<EmulatedPod> {
    const pod = new EmulatedPod(await mkdtemp(join(tmpdir(), 'rndc-k8s-pod-')), manifest);
    try {
      await pod.setUp();
    } catch (error) {
      await pod.destroy();
      throw error;
    }
    return pod;
  }

  /** A container path as the emulation's host path (`/etc/bind/x` → `<root>/etc/bind/x`). */
  path(containerPath: string): string {
    return this.rewrite(containerPath);
  }

  /** Rewrites every container mount path in `text` to the emulation's paths. */
  rewrite(text: string): string {
    if (this.mountPaths.length === 0) return text;
    const alternatives = this.mountPaths.map((p) => p.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
    const pattern = new RegExp(`(?<![\\w./-])(${alternatives.join('|')})(?=[/"';\\s}]|$)`, 'g');
    return text.replace(pattern, (path) => `${this.root}${path}`);
  }

  /** Where a volume lives in the pause's mount namespace (or on the host for the PVC). */
  private volumeDir(volume: Volume): string {
    if (volume.persistentVolumeClaim) return this.pvc;
    const kind = volume.configMap
      ? 'kubernetes.io~configmap'
      : volume.secret
        ? 'kubernetes.io~secret'
        : 'kubernetes.io~empty-dir';
    const base = volume.emptyDir ? 'emptydir' : 'kubelet';
    return join(this.dir, base, 'pods/pod-1/volumes', kind, volume.name);
  }

  private async setUp(): Promise<void> {
    const { fsGroup } = this.manifest.securityContext;
    await chmod(this.dir, 0o755);
    // The PVC: a fresh volume is root's; the kubelet gives it to fsGroup (group rw, setgid).
    await mkdir(this.pvc);
    await chown(this.pvc, 0, fsGroup);
    await chmod(this.pvc, 0o2775);
    await mkdir(join(this.dir, 'kubelet'));
    await mkdir(join(this.dir, 'emptydir'));
    // Mount points of every container path (empty host directories).
    for (const path of this.mountPaths) await mkdir(this.path(path), { recursive: true });
    // rndc-js from this project's source, for containers running this project's checks.
    await mkdir(this.binDir);
    await writeFile(
      join(this.binDir, 'rndc-js'),
      `#!/bin/sh\ncd ${JSON.stringify(process.cwd())} && exec ${JSON.stringify(process.execPath)} ${JSON.stringify(CLI_BUNDLE)} "$@"\n`,
      { mode: 0o755 },
    );
    // Volume contents, staged on the host and copied into the pause's tmpfs volumes.
    const stage = join(this.dir, 'stage');
    const script = [
      'set -e',
      'ip link set lo up',
      // Pod sysctls (net.*): /proc/sys/net shows the writer's network namespace.
      ...(this.manifest.securityContext.sysctls ?? []).map(
        ({ name, value }) => `echo ${q(value)} > ${q(`/proc/sys/${name.replaceAll('.', '/')}`)}`,
      ),
      `mount -t tmpfs -o mode=0755 kubelet ${q(join(this.dir, 'kubelet'))}`,
      `mount -t tmpfs -o mode=0755 emptydir ${q(join(this.dir, 'emptydir'))}`,
    ];
    const generation = '..2025_11_24_17_54_00.000000001';
    for (const volume of this.manifest.volumes) {
      const target = this.volumeDir(volume);
      if (volume.persistentVolumeClaim) continue;
      if (volume.emptyDir) {
        // emptyDir: mode 0777, and fsGroup's group with the setgid bit.
        script.push(`mkdir -p ${q(target)}`, `chgrp ${fsGroup} ${q(target)}`);
        script.push(`chmod 2777 ${q(target)}`);
        continue;
      }
      const data = volume.configMap
        ? this.manifest.configMaps.get(volume.configMap.name)
        : this.manifest.secrets.get(volume.secret?.secretName ?? '');
      if (data === undefined) throw new Error(`volume ${volume.name}: no data in the manifest`);
      const mode = (volume.configMap?.defaultMode ?? volume.secret?.defaultMode ?? 0o644) & 0o777;
      const staged = join(stage, volume.name);
      await mkdir(staged, { recursive: true });
      for (const [key, value] of Object.entries(data)) {
        await writeFile(join(staged, key), this.rewrite(value));
      }
      script.push(
        `mkdir -p ${q(join(target, generation))}`,
        `cp ${q(staged)}/. ${q(join(target, generation))} -R`,
        `chmod ${mode.toString(8)} ${q(join(target, generation))}/*`,
        `ln -s ${generation} ${q(join(target, '..data'))}`,
        ...Object.keys(data).map((key) => `ln -s ..data/${key} ${q(join(target, key))}`),
        `chgrp -R -h ${fsGroup} ${q(target)}`,
      );
    }
    // ConfigMap and Secret volumes are read-only; emptyDirs are not.
    script.push(
      `mount -o remount,ro ${q(join(this.dir, 'kubelet'))}`,
      'echo ready',
      'exec cat >/dev/null',
    );
    const pause = spawn(
      findBinary('unshare') ?? 'unshare',
      ['-m', '-n', '--propagation', 'private', '/bin/sh', '-c', script.join('\n')],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    this.pause = pause;
    let output = '';
    pause.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    pause.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    pause.unref();
    await until(
      () => output.includes('ready') || pause.exitCode !== null,
      15_000,
      'the pod sandbox',
    );
    if (!output.includes('ready')) throw new Error(`pod sandbox failed: ${output}`);
  }

  private find(name: string): ContainerSpec {
    const spec = [...this.manifest.initContainers, ...this.manifest.containers].find(
      (c) => c.name === name,
    );
    if (spec === undefined) throw new Error(`no container ${name}`);
    return spec;
  }

  /**
   * The command line that enters the pod's network namespace and, in a new mount namespace made
   * from the pod's, mounts the container's volumes and runs `command` as the pod's user.
   */
  private containerCommand(spec: ContainerSpec, command: readonly string[]): string[] {
    const { runAsUser, runAsGroup, fsGroup } = this.manifest.securityContext;
    const lines = ['set -e'];
    // The kubelet mounts parents before children.
    const mounts = [...spec.volumeMounts].sort((a, b) => a.mountPath.length - b.mountPath.length);
    for (const mount of mounts) {
      const volume = this.manifest.volumes.find((v) => v.name === mount.name);
      if (volume === undefined) throw new Error(`${spec.name}: no volume ${mount.name}`);
      const source =
        mount.subPath === undefined
          ? this.volumeDir(volume)
          : join(this.volumeDir(volume), mount.subPath);
      const target = this.path(mount.mountPath);
      // A subPath file is mounted onto a file the kubelet creates when it is missing.
      if (mount.subPath !== undefined) lines.push(`[ -e ${q(target)} ] || : > ${q(target)}`);
      lines.push(`mount --bind ${q(source)} ${q(target)}`);
      if (mount.readOnly || volume.configMap || volume.secret) {
        lines.push(`mount -o remount,bind,ro ${q(target)}`);
      }
    }
    const groups = [...new Set([runAsGroup, fsGroup])].join(',');
    lines.push(
      `exec setpriv --reuid ${runAsUser} --regid ${runAsGroup} --groups ${groups} --inh-caps=-all --bounding-set=-all --no-new-privs "$@"`,
    );
    const env = [
      `PATH=${this.binDir}:/usr/local/bin:/usr/bin:/bin`,
      'HOME=/tmp',
      ...(spec.env ?? []).map((e) => `${e.name}=${e.value}`),
    ];
    const [program = '', ...args] = command;
    return [
      findBinary('nsenter') ?? 'nsenter',
      '-t',
      String(this.pausePid),
      '-m',
      '-n',
      '--',
      findBinary('unshare') ?? 'unshare',
      '-m',
      '--propagation',
      'private',
      '/bin/sh',
      '-c',
      lines.join('\n'),
      `container-${spec.name}`,
      '/usr/bin/env',
      '-i',
      ...env,
      hostProgram(program, this.binDir),
      ...args.map((arg) => this.rewrite(arg)),
    ];
  }

  /** Runs a container (or an init container) to completion. */
  async run(name: string, options: RunOptions = {}): Promise<BinaryResult> {
    const spec = this.find(name);
    const [file = '', ...args] = this.containerCommand(
      this.withEnv(spec, options),
      options.command ?? spec.command,
    );
    return runBinary(file, args, {
      timeoutMs: options.timeoutMs ?? 60_000,
      ...(options.input === undefined ? {} : { input: options.input }),
    });
  }

  /** Starts a long-running container; its pid is the program's (nsenter, unshare, sh exec). */
  start(name: string): RunningContainer {
    const spec = this.find(name);
    const [file = '', ...args] = this.containerCommand(spec, spec.command);
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let logs = '';
    const append = (chunk: Buffer) => {
      logs = (logs + chunk.toString()).slice(-256 * 1024);
    };
    child.stdout?.on('data', append);
    child.stderr?.on('data', append);
    let running = true;
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(
      (resolve) => {
        child.once('exit', (code, signal) => {
          running = false;
          resolve({ code, signal });
        });
        child.once('error', () => {
          running = false;
          resolve({ code: null, signal: null });
        });
      },
    );
    child.unref();
    if (child.pid === undefined) throw new Error(`${name}: could not start`);
    const container: RunningContainer = {
      name,
      pid: child.pid,
      logs: () => logs,
      exited,
      isRunning: () => running,
    };
    this.running.push(container);
    return container;
  }

  /**
   * `kubectl exec` (or a preStop hook): runs `command` in a running container's network and mount
   * namespaces, as the pod's user, with no capabilities.
   */
  async exec(
    container: RunningContainer,
    command: readonly string[],
    options: RunOptions = {},
  ): Promise<BinaryResult> {
    const { runAsUser, runAsGroup, fsGroup } = this.manifest.securityContext;
    const groups = [...new Set([runAsGroup, fsGroup])].join(',');
    const [program = '', ...args] = command;
    return runBinary(
      findBinary('nsenter') ?? 'nsenter',
      [
        '-t',
        String(container.pid),
        '-m',
        '-n',
        '--',
        findBinary('setpriv') ?? 'setpriv',
        '--reuid',
        String(runAsUser),
        '--regid',
        String(runAsGroup),
        '--groups',
        groups,
        '--inh-caps=-all',
        '--bounding-set=-all',
        '--no-new-privs',
        hostProgram(program, this.binDir),
        ...args.map((arg) => this.rewrite(arg)),
      ],
      { timeoutMs: options.timeoutMs ?? 60_000 },
    );
  }

  /** Reads a file as a container sees it (through the container process's root). */
  async readInContainer(container: RunningContainer, containerPath: string): Promise<string> {
    return readFile(join(`/proc/${container.pid}/root`, this.path(containerPath)), 'utf8');
  }

  private withEnv(spec: ContainerSpec, options: RunOptions): ContainerSpec {
    if (options.env === undefined) return spec;
    return {
      ...spec,
      env: [
        ...(spec.env ?? []),
        ...Object.entries(options.env).map(([name, value]) => ({ name, value })),
      ],
    };
  }

  /** Stops every container still running (SIGKILL, by pid), the pause, and removes the files. */
  async destroy(): Promise<void> {
    for (const container of this.running) {
      if (container.isRunning()) {
        try {
          process.kill(container.pid, 'SIGKILL');
        } catch {
          // already gone
        }
        await container.exited;
      }
    }
    const pause = this.pause;
    if (pause && pause.exitCode === null && pause.signalCode === null) {
      const gone = new Promise((resolve) => pause.once('exit', resolve));
      pause.stdin?.end();
      pause.kill('SIGKILL');
      await gone;
    }
    if (existsSync(this.dir)) await rm(this.dir, { recursive: true, force: true });
  }
}

/** Single-quoted for sh. */
function q(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}
