// The Kubernetes example, checked twice: statically with BIND's own tools (its named.conf and zone
// are valid, no subPath onto the zone file, the seed copy keeps an existing file), and for real as
// an emulated pod (test/helpers/pod.ts): own network and mount namespaces, uid/gid 53 without any
// capability, ConfigMap and Secret volumes as read-only tmpfs with the kubelet's `..data` layout,
// the PVC group-owned by fsGroup. The manifest's own init container, named command, named.conf,
// sidecar script and preStop hook run there against the BIND version under test; only container
// paths are prefixed with the emulation's directory. Then the pod is broken the way the seed
// was (a ConfigMap file subPath-mounted onto the zone file) and the tool's verdict is shown.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type BinaryResult, runBinary } from '../../src/testing/index.js';
import {
  EmulatedPod,
  type PodManifest,
  podEmulationUnavailable,
  type RunningContainer,
  readPodManifest,
} from '../helpers/pod.js';
import { until } from '../helpers/until.js';

const MANIFEST = 'examples/kubernetes/bind-dynamic-zone.yaml';
const manifestText = readFileSync(MANIFEST, 'utf8');
const manifest = readPodManifest(manifestText);
const ZONE = 'dyn.example.com';
const ZONE_FILE = '/var/lib/bind/zones/dyn.example.com.zone';
const dir = mkdtempSync(join(tmpdir(), 'rndc-k8s-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const config = manifest.configMaps.get('bind-config') ?? {};
const keys = manifest.secrets.get('bind-keys') ?? {};
const named = manifest.containers.find((c) => c.name === 'named');
const sidecar = manifest.containers.find((c) => c.name === 'zone-check');
const watchSidecar = manifest.containers.find((c) => c.name === 'zone-watch');

describe('the manifest, statically', () => {
  it('named.conf and the seed zone pass named-checkconf and named-checkzone', async () => {
    const keyDir = join(dir, 'keys');
    mkdirSync(keyDir, { recursive: true });
    for (const name of ['rndc.key', 'ddns.key', 'rndc.conf'])
      writeFileSync(join(keyDir, name), (keys[name] ?? '').replaceAll('/etc/bind/keys', keyDir));
    const conf = join(dir, 'named.conf');
    writeFileSync(conf, (config['named.conf'] ?? '').replaceAll('/etc/bind/keys', keyDir));
    const checkconf = await runBinary('named-checkconf', [conf]);
    expect(checkconf.stderr + checkconf.stdout).toBe('');
    expect(checkconf.exitCode).toBe(0);
    const zone = join(dir, 'dyn.example.com.zone');
    writeFileSync(zone, config['dyn.example.com.zone'] ?? '');
    const checkzone = await runBinary('named-checkzone', [ZONE, zone]);
    expect(checkzone.stdout).toContain('loaded serial 2024010101');
    expect(checkzone.exitCode).toBe(0);
  });

  it('mounts whole directories only: nothing is mounted onto the zone file', () => {
    expect(manifestText).not.toMatch(/subPath\s*:/);
    const zones = manifest.volumes.find((v) => v.name === 'zones');
    expect(zones?.persistentVolumeClaim?.claimName).toBe('bind-zones');
    for (const c of [named, sidecar]) {
      expect(c?.volumeMounts).toContainEqual({ name: 'zones', mountPath: '/var/lib/bind' });
    }
  });

  it('the seed step copies the zone only when it is absent', async () => {
    const seed = manifest.initContainers.find((c) => c.name === 'seed-zones');
    const script = seed?.command[2] ?? '';
    expect(seed?.command.slice(0, 2)).toEqual(['sh', '-c']);
    const local = script.replaceAll('/var/lib/bind', `${dir}/lib`).replaceAll('/seed', dir);
    await runBinary('sh', ['-c', local]);
    const seeded = join(dir, 'lib/zones/dyn.example.com.zone');
    expect(readFileSync(seeded, 'utf8')).toContain('2024010101');
    writeFileSync(seeded, 'changed by named\n');
    await runBinary('sh', ['-c', local]);
    expect(readFileSync(seeded, 'utf8')).toBe('changed by named\n');
  });

  it('non-root without capabilities: ports above 1024, stderr logging, no session key, rndc stop in preStop', () => {
    expect(manifest.securityContext).toMatchObject({ runAsUser: 53, runAsGroup: 53, fsGroup: 53 });
    const conf = config['named.conf'] ?? '';
    const control = /inet 127\.0\.0\.1 port (\d+)/.exec(conf)?.[1];
    expect(Number(control)).toBeGreaterThan(1023);
    expect(keys['rndc.conf']).toContain(`default-port ${control};`);
    expect(conf).toMatch(/listen-on port 5353/);
    expect(conf).toMatch(/channel to_stderr \{\s*stderr;/);
    expect(conf).toMatch(/session-keyfile none;/);
    // -g would make named ignore the logging statement (server.c: "not using config file
    // logging statement for logging due to -g option"), and the sidecar's log file with it.
    expect(named?.command).toEqual(['named', '-f', '-c', '/etc/bind/config/named.conf']);
    expect(named?.lifecycle?.preStop?.exec?.command).toEqual([
      'rndc',
      '-c',
      '/etc/bind/keys/rndc.conf',
      'stop',
    ]);
    expect(manifest.shareProcessNamespace).toBe(true);
  });

  it('the zone-watch sidecar only reads, and probes /healthz (not /readyz: DNS stays in the Service)', () => {
    const spec = watchSidecar as unknown as {
      command: string[];
      volumeMounts: { name: string; readOnly?: boolean }[];
      livenessProbe: { httpGet: { path: string } };
      readinessProbe: { httpGet: { path: string } };
    };
    expect(spec.command.slice(0, 4)).toEqual([
      'rndc-js',
      '-c',
      '/etc/bind/keys/rndc.conf',
      'watch',
    ]);
    expect(spec.volumeMounts.map((m) => [m.name, m.readOnly])).toEqual([
      ['zones', true],
      ['config', true],
      ['keys', true],
      ['log', true],
    ]);
    expect(spec.livenessProbe.httpGet.path).toBe('/healthz');
    expect(spec.readinessProbe.httpGet.path).toBe('/healthz');
  });
});

// ---- the pod, for real ----

const unavailable = await podEmulationUnavailable();
const pods: EmulatedPod[] = [];
afterAll(async () => {
  for (const pod of pods) await pod.destroy();
});

function skipWithoutPods(): boolean {
  if (unavailable === undefined) return false;
  console.log(`Kubernetes pod emulation not run: ${unavailable}`);
  expect(unavailable).not.toBe('');
  return true;
}

/** Starts the pod: the seed init container to completion, then named until it is running. */
async function startPod(podManifest: PodManifest): Promise<{
  pod: EmulatedPod;
  named: RunningContainer;
}> {
  const pod = await EmulatedPod.create(podManifest);
  pods.push(pod);
  const seeded = await pod.run('seed-zones');
  expect(seeded.stderr).toBe('');
  expect(seeded.exitCode).toBe(0);
  const container = pod.start('named');
  // "running": logged as `general: notice: running` by the stderr channel, bare with -g.
  await until(
    () => /\brunning$/m.test(container.logs()) || !container.isRunning(),
    30_000,
    'named to log "running" in the pod',
  );
  expect(container.isRunning(), container.logs()).toBe(true);
  return { pod, named: container };
}

/** `kubectl exec zone-check -- rndc-js …`: this project's CLI in the sidecar container. */
function rndcJs(pod: EmulatedPod, args: readonly string[], input?: string) {
  return pod.run('zone-check', {
    command: ['rndc-js', ...args],
    timeoutMs: 90_000,
    ...(input === undefined ? {} : { input }),
  });
}

function update(pod: EmulatedPod, name: string, address: string) {
  return rndcJs(
    pod,
    ['update', '-k', '/etc/bind/keys/ddns.key'],
    `server 127.0.0.1 5353\nzone ${ZONE}\nupdate add ${name}.${ZONE}. 300 A ${address}\nsend\n`,
  );
}

function syncVerify(pod: EmulatedPod, pid: number, json: boolean) {
  return rndcJs(pod, [
    '-c',
    '/etc/bind/keys/rndc.conf',
    ...(json ? ['--json'] : []),
    'sync',
    ZONE,
    '--verify',
    '--named-log',
    '/var/log/named/named.log',
    '--named-pid',
    String(pid),
    // The sidecar has no named binary to verify the pid against: the operator vouches for it.
    '--trust-named-pid',
    '--wait',
    '20',
  ]);
}

function doctor(pod: EmulatedPod, pid: number, json: boolean) {
  return rndcJs(pod, [
    '-c',
    '/etc/bind/keys/rndc.conf',
    ...(json ? ['--json'] : []),
    'doctor',
    ZONE,
    '--named-pid',
    String(pid),
    '--trust-named-pid',
  ]);
}

/** Prints one response of the watcher: status line, then the body. */
const FETCH =
  "fetch(process.argv[1]).then(async (r) => process.stdout.write(r.status + '\\n' + (await r.text())), (e) => { console.error(String(e)); process.exit(1); })";

/** GET on the zone-watch sidecar, from inside the pod's network namespace (as the kubelet probes). */
async function watchGet(
  pod: EmulatedPod,
  watcher: RunningContainer,
  path: string,
): Promise<{ status: number; body: string }> {
  const got = await pod.exec(
    watcher,
    [process.execPath, '-e', FETCH, `http://127.0.0.1:9119${path}`],
    {
      timeoutMs: 30_000,
    },
  );
  if (got.exitCode !== 0) return { status: 0, body: got.stderr };
  const newline = got.stdout.indexOf('\n');
  return { status: Number(got.stdout.slice(0, newline)), body: got.stdout.slice(newline + 1) };
}

/** Starts the zone-watch sidecar and waits for its /healthz to answer 200. */
async function startWatcher(pod: EmulatedPod): Promise<RunningContainer> {
  const watcher = pod.start('zone-watch');
  await until(
    async () => !watcher.isRunning() || (await watchGet(pod, watcher, '/healthz')).status === 200,
    60_000,
    'the zone-watch sidecar to answer /healthz with 200',
    250,
  );
  expect(watcher.isRunning(), watcher.logs()).toBe(true);
  return watcher;
}

/** One sample of a per-zone series of dyn.example.com in the watcher's /metrics, or undefined. */
function zoneSample(metrics: string, name: string, extra = ''): number | undefined {
  for (const line of metrics.split('\n')) {
    if (!line.startsWith(`${name}{`) || !line.includes('zone="dyn.example.com"')) continue;
    if (extra && !line.includes(extra)) continue;
    return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

function show(label: string, result: BinaryResult): void {
  console.log(`${label} (exit ${result.exitCode}):\n${result.stdout}${result.stderr}`);
}

/** The SOA serial of the zone file on the PVC, as named wrote it. */
async function fileSerial(pod: EmulatedPod): Promise<number> {
  const text = await readFile(join(pod.pvc, 'zones/dyn.example.com.zone'), 'utf8');
  const serial = /SOA\s+\S+\s+\S+\s+\(?\s*(\d+)/.exec(text)?.[1];
  return Number(serial);
}

describe('the example as a pod: non-root, no capabilities, ConfigMap/Secret/PVC volumes', () => {
  it('named serves, logs to kubectl logs; updates, a verified sync and the doctor are clean; preStop flushes', async () => {
    if (skipWithoutPods()) return;
    const { pod, named: container } = await startPod(manifest);
    const pid = container.pid;

    // What the container really is: uid/gid 53, fsGroup, no capabilities at all.
    const proc = await readFile(`/proc/${pid}/status`, 'utf8');
    expect(proc).toMatch(/^Uid:\t53\t53\t53\t53$/m);
    expect(proc).toMatch(/^Groups:\t53 ?$/m);
    expect(proc).toMatch(/^CapEff:\t0{16}$/m);
    expect(proc).toMatch(/^CapBnd:\t0{16}$/m);
    // kubectl logs: named's stderr channel (from the moment named.conf's logging statement takes
    // effect; what named logs before that, such as its listeners, goes to syslog with -f).
    const logs = container.logs();
    expect(logs).toMatch(/zone dyn\.example\.com\/IN: loaded serial 2024010101/);
    expect(logs).not.toMatch(/permission denied|session\.key|error/i);
    // The control channel answers, from named's container as from the sidecar.
    const status = await pod.exec(container, ['rndc', '-c', '/etc/bind/keys/rndc.conf', 'status']);
    expect(status.stdout).toMatch(/server is up and running/);
    expect(status.exitCode).toBe(0);
    // The sidecar's view of named's log file: the same lines.
    expect(await pod.readInContainer(container, '/var/log/named/named.log')).toMatch(/running/);
    // The seeded zone file is named's user's, on the fsGroup volume.
    const seeded = await stat(join(pod.pvc, 'zones/dyn.example.com.zone'));
    expect([seeded.uid, seeded.gid]).toEqual([53, 53]);

    const added = await update(pod, 'host1', '192.0.2.10');
    expect(added.stderr).toBe('');
    expect(added.exitCode).toBe(0);

    const synced = await syncVerify(pod, pid, false);
    show('rndc-js sync dyn.example.com --verify (healthy pod)', synced);
    expect(synced.stdout).toMatch(/^dyn\.example\.com: WRITTEN \(proven\)$/m);
    expect(synced.stdout).toMatch(
      /serial:\s+served 2024010102, file 2024010101 before → 2024010102 now/,
    );
    expect(synced.exitCode).toBe(0);
    expect(await fileSerial(pod)).toBe(2024010102);

    const checked = await doctor(pod, pid, true);
    const { diagnosis } = JSON.parse(checked.stdout) as {
      diagnosis: {
        findings: { code: string; severity: string; title: string }[];
        servedSerial: number | null;
        fileSerial: number | null;
        identity: { uid: number | null };
      };
    };
    if (diagnosis.findings.length > 0)
      show('rndc-js doctor (healthy pod): false findings', checked);
    expect(diagnosis.findings.map((f) => `${f.severity} ${f.code}: ${f.title}`)).toEqual([]);
    expect(diagnosis).toMatchObject({
      servedSerial: 2024010102,
      fileSerial: 2024010102,
      identity: { uid: 53 },
    });
    expect(checked.exitCode).toBe(0);

    // The zone-watch sidecar, as the kubelet and Prometheus see it: healthy, the zone durable.
    const watcher = await startWatcher(pod);
    await until(
      async () => (await watchGet(pod, watcher, '/readyz')).status === 200,
      60_000,
      'the zone-watch sidecar to answer /readyz with 200 for the healthy pod',
      250,
    );
    const metrics = (await watchGet(pod, watcher, '/metrics')).body;
    console.log(
      `zone-watch /metrics (healthy pod): ${metrics.split('\n').filter((l) => l.startsWith('bind_zone_') && l.includes('dyn.example.com')).length} series for dyn.example.com`,
    );
    expect(zoneSample(metrics, 'bind_zone_served_serial')).toBe(2024010102);
    expect(zoneSample(metrics, 'bind_zone_file_serial')).toBe(2024010102);
    expect(zoneSample(metrics, 'bind_zone_durable')).toBe(1);
    expect(zoneSample(metrics, 'bind_zone_tmp_files')).toBe(0);
    expect(metrics).toMatch(/^bind_watch_named_up 1$/m);
    expect(metrics).toMatch(/^bind_watch_log_readable 1$/m);

    // The sidecar's own script, one round: both checks pass.
    const round = await pod.run('zone-check', {
      command: ['sh', '/etc/bind/config/zone-check.sh', 'once'],
      timeoutMs: 120_000,
    });
    show('zone-check.sh once (healthy pod)', round);
    expect(round.stdout).toMatch(/NOTHING PENDING|WRITTEN/);
    expect(round.stdout).toMatch(/no problems found/);
    expect(round.exitCode).toBe(0);

    // preStop: another change, then the hook's `rndc stop` in named's container. named flushes
    // the zone while exiting; the file on the volume has the new serial once named is gone.
    expect((await update(pod, 'host2', '192.0.2.11')).exitCode).toBe(0);
    expect(await fileSerial(pod)).toBe(2024010102);
    const preStop = named?.lifecycle?.preStop?.exec?.command ?? [];
    const stopped = await pod.exec(container, preStop);
    expect(stopped.stderr).toBe('');
    expect(stopped.exitCode).toBe(0);
    const exit = await Promise.race([
      container.exited,
      new Promise((resolve) => setTimeout(resolve, 30_000, 'still running')),
    ]);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(container.logs()).toMatch(/shutting down: flushing changes/);
    expect(await fileSerial(pod)).toBe(2024010103);
    expect(await readFile(join(pod.pvc, 'zones/dyn.example.com.zone'), 'utf8')).toMatch(
      /^host2(\.dyn\.example\.com\.)?\s+A\s+192\.0\.2\.11$/m,
    );
  }, 400_000);

  it('the emulation is honest: with the old control port 953, named cannot open its control channel', async () => {
    if (skipWithoutPods()) return;
    const conf = (config['named.conf'] ?? '').replace(/port 9953/, 'port 953');
    const old: PodManifest = {
      ...manifest,
      configMaps: new Map([['bind-config', { ...config, 'named.conf': conf }]]),
      // -g: named logs the failure before named.conf's logging statement applies (with -f it
      // would go to syslog, which the container does not have).
      containers: manifest.containers.map((c) =>
        c.name === 'named' ? { ...c, command: ['named', '-g', ...c.command.slice(2)] } : c,
      ),
    };
    const { pod, named: container } = await startPod(old);
    expect(container.logs()).toMatch(
      /couldn't add command channel 127\.0\.0\.1#953: permission denied/,
    );
    const status = await pod.exec(container, [
      'rndc',
      '-c',
      '/etc/bind/keys/rndc.conf',
      '-p',
      '953',
      'status',
    ]);
    expect(status.stderr).toMatch(/connection refused/);
    expect(status.exitCode).toBe(1);
  }, 120_000);
});

describe('the documented alternative: privileged ports through the pod sysctl', () => {
  it('with net.ipv4.ip_unprivileged_port_start=53, named binds 53 and the control channel 953 without capabilities', async () => {
    if (skipWithoutPods()) return;
    const conf = (config['named.conf'] ?? '')
      .replace(/port 9953/, 'port 953')
      .replace(/listen-on port 5353/, 'listen-on port 53');
    const withSysctl: PodManifest = {
      ...manifest,
      securityContext: {
        ...manifest.securityContext,
        sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '53' }],
      },
      configMaps: new Map([['bind-config', { ...config, 'named.conf': conf }]]),
    };
    const { pod, named: container } = await startPod(withSysctl);
    const status = await pod.exec(container, [
      'rndc',
      '-c',
      '/etc/bind/keys/rndc.conf',
      '-p',
      '953',
      'status',
    ]);
    expect(status.stdout).toMatch(/server is up and running/);
    expect(status.exitCode).toBe(0);
    const added = await rndcJs(
      pod,
      ['update', '-k', '/etc/bind/keys/ddns.key'],
      `server 127.0.0.1 53\nzone ${ZONE}\nupdate add host1.${ZONE}. 300 A 192.0.2.10\nsend\n`,
    );
    expect(added.exitCode).toBe(0);
  }, 180_000);
});

describe("the example broken the seed's way: a ConfigMap file subPath-mounted onto the zone file", () => {
  it('updates work, the verified sync fails at rename (EBUSY), the doctor finds zone-file-mount-point', async () => {
    if (skipWithoutPods()) return;
    const subPath = {
      name: 'config',
      mountPath: ZONE_FILE,
      subPath: 'dyn.example.com.zone',
      readOnly: true,
    };
    const broken: PodManifest = {
      ...manifest,
      containers: manifest.containers.map((c) =>
        c.name === 'named' ? { ...c, volumeMounts: [...c.volumeMounts, subPath] } : c,
      ),
    };
    const { pod, named: container } = await startPod(broken);
    const pid = container.pid;
    const mountinfo = await readFile(`/proc/${pid}/mountinfo`, 'utf8');
    expect(mountinfo).toContain(pod.path(ZONE_FILE));

    const added = await update(pod, 'host1', '192.0.2.10');
    expect(added.exitCode).toBe(0);

    const synced = await syncVerify(pod, pid, true);
    const report = JSON.parse(synced.stdout) as {
      evidence: {
        verdict: string;
        failedStep: string | null;
        summary: string;
        diagnosis: { findings: { code: string }[] } | null;
      };
    };
    console.log(
      `rndc-js sync dyn.example.com --verify (subPath pod) (exit ${synced.exitCode}): ${report.evidence.verdict}, step ${report.evidence.failedStep}: ${report.evidence.summary}`,
    );
    expect(report.evidence).toMatchObject({ verdict: 'failed', failedStep: 'rename' });
    // The verified sync's own diagnosis, from named's view (the pid vouched for): the cause.
    console.log(
      `  its diagnosis: ${report.evidence.diagnosis?.findings.map((f) => f.code).join(', ')}`,
    );
    expect(report.evidence.diagnosis?.findings.map((f) => f.code)).toContain(
      'zone-file-mount-point',
    );
    expect(synced.exitCode).toBe(1);
    // named's own words, in kubectl logs.
    expect(container.logs()).toMatch(
      /dumping master file: rename: zones\/dyn\.example\.com\.zone: unexpected error/,
    );

    const checked = await doctor(pod, pid, false);
    show('rndc-js doctor dyn.example.com (subPath pod)', checked);
    expect(checked.stdout).toMatch(/ERROR zone-file-mount-point/);
    expect(checked.exitCode).toBe(1);

    const round = await pod.run('zone-check', {
      command: ['sh', '/etc/bind/config/zone-check.sh', 'once'],
      timeoutMs: 120_000,
    });
    expect(round.stdout).toMatch(/FAILED/);
    expect(round.exitCode).toBe(1);

    // The zone-watch sidecar: alive (/healthz 200, so DNS stays in the Service), but /readyz and
    // the metrics say the zone is not on disk and why.
    const watcher = await startWatcher(pod);
    let readyz = { status: 0, body: '' };
    await until(
      async () => {
        readyz = await watchGet(pod, watcher, '/readyz');
        return readyz.status === 503;
      },
      60_000,
      'the zone-watch sidecar to answer /readyz with 503 for the subPath pod',
      250,
    );
    console.log(`zone-watch /readyz (subPath pod): 503 ${readyz.body.trim()}`);
    const failing = (JSON.parse(readyz.body) as { failing: { zone: string; reasons: string[] }[] })
      .failing;
    expect(failing.map((f) => f.zone)).toEqual([ZONE]);
    expect(failing[0]?.reasons.join(' ')).toMatch(/rename/);
    expect((await watchGet(pod, watcher, '/healthz')).status).toBe(200);
    const metrics = (await watchGet(pod, watcher, '/metrics')).body;
    expect(zoneSample(metrics, 'bind_zone_durable')).toBe(0);
    expect(zoneSample(metrics, 'bind_zone_file_serial')).toBe(2024010101);
    expect(zoneSample(metrics, 'bind_zone_served_serial')).toBe(2024010102);
    expect(zoneSample(metrics, 'bind_zone_dump_failures_total', 'step="rename"')).toBeGreaterThan(
      0,
    );
    expect(zoneSample(metrics, 'bind_zone_tmp_files')).toBeGreaterThan(0);
  }, 400_000);
});
