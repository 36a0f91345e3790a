// Propagation verdicts against real named (the version under test): one primary, two healthy
// secondaries and one secondary broken each way (transfers refused, stopped with SIGSTOP,
// stale because its primaries point elsewhere, diverged: the primary's serial with other data),
// plus a parent zone's server that only refers (not authoritative). One topology for the file.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RndcClient } from '../../src/control/client.js';
import {
  checkPropagation,
  type PropagationServer,
  type ServerVerdict,
  waitForPropagation,
} from '../../src/fleet/propagation.js';
import { Key } from '../../src/keys/key.js';
import { type NamedInstance, runBinary, startNamed } from '../../src/testing/index.js';
import { UpdateClient } from '../../src/update/client.js';
import { Update } from '../../src/update/update.js';
import { CLI_FROM_SOURCE } from '../helpers/cli-io.js';
import { silentPort, startTopology, type Topology } from '../helpers/topology.js';

const START_SERIAL = 2024010101;

/** `rndc retransfer -force` works (BIND 9.20.1+; the versions tested have 9.20.23). */
const RETRANSFER_FORCE: Record<string, boolean> = { '9.16': false, '9.18': false, '9.20': true };
const STALE_SERIAL = 2023120101;

let topology: Topology;
let referral: NamedInstance;
const rndcClients: RndcClient[] = [];

beforeAll(async () => {
  const silent = await silentPort();
  [topology, referral] = await Promise.all([
    startTopology({
      serial: START_SERIAL,
      records: [
        'extra 300 TXT "only on the primary"',
        '@ NS ns-a',
        'ns-a A 127.0.0.1',
        '@ NS ns-b',
        'ns-b A 127.0.0.1',
      ],
      secondaries: [
        { label: 'a' },
        { label: 'b' },
        // Not in the primary's also-notify: only an rndc nudge makes it look for a change soon
        // (its SOA refresh is 3600 s).
        { label: 'quiet', notified: false },
        { label: 'refused', transferKey: 'none' },
        { label: 'stopped' },
        { label: 'stale', primaryPort: silent, staleSerial: STALE_SERIAL },
        { label: 'diverged', primaryPort: silent, staleSerial: START_SERIAL, notified: false },
      ],
    }),
    // The parent zone `test`, delegating prop.test: it answers with a referral (no AA).
    startNamed({
      zones: [
        { name: 'test', kind: 'static', records: ['prop NS ns.prop', 'ns.prop A 127.0.0.1'] },
      ],
    }),
  ]);
}, 120_000);

afterAll(async () => {
  for (const rndc of rndcClients) await rndc.close();
  try {
    process.kill(topology?.secondary('stopped').pid, 'SIGCONT');
  } catch {
    // already running or gone
  }
  await Promise.all([topology?.stop(), referral?.stop()]);
  if (keyDir) await rm(keyDir, { recursive: true, force: true });
});

let keyDir: string | undefined;
const ROOT = resolve('.');

/** `rndc-js propagation ARGS…`, spawned as a user runs it, with the transfer key as -k FILE. */
async function rndcJs(args: readonly string[], before: readonly string[] = []) {
  if (!keyDir) {
    keyDir = await mkdtemp(join(tmpdir(), 'rndc-prop-cli-'));
    const k = topology.transferKey;
    await writeFile(
      join(keyDir, 'xfr.key'),
      `key "${k.name}" {\n\talgorithm hmac-sha256;\n\tsecret "${k.secretBytes().toString('base64')}";\n};\n`,
      { mode: 0o600 },
    );
  }
  return runBinary(
    process.execPath,
    [...CLI_FROM_SOURCE, ...before, 'propagation', ...args, '-k', join(keyDir, 'xfr.key')],
    { cwd: ROOT, timeoutMs: 60_000 },
  );
}

function rndcOf(named: NamedInstance): RndcClient {
  const rndc = RndcClient.connect({
    host: '127.0.0.1',
    port: named.controlPort,
    key: named.keys['hmac-sha256'],
  });
  rndcClients.push(rndc);
  return rndc;
}

function server(label: string, extra: Partial<PropagationServer> = {}): PropagationServer {
  const named = topology.secondary(label);
  return { host: '127.0.0.1', port: named.dnsPort, label, ...extra };
}

function primary(): PropagationServer {
  return {
    host: '127.0.0.1',
    port: topology.primary.dnsPort,
    label: 'primary',
    rndc: rndcOf(topology.primary),
  };
}

function byLabel(servers: readonly ServerVerdict[]): Record<string, ServerVerdict> {
  return Object.fromEntries(servers.map((s) => [s.label ?? s.server, s]));
}

/** dig's serial for the zone at one port (the differential check). */
async function digSerial(port: number): Promise<number | undefined> {
  const run = await runBinary('dig', [
    '@127.0.0.1',
    '-p',
    String(port),
    'prop.test',
    'SOA',
    '+norecurse',
    '+short',
    '+tries=1',
    '+time=2',
  ]);
  const serial = run.stdout.trim().split(/\s+/)[2];
  return serial === undefined ? undefined : Number(serial);
}

describe('checkPropagation', () => {
  it('with content comparison: the healthy secondaries equal the primary, the stale copy at the same serial is diverged', async () => {
    const result = await checkPropagation({
      zone: 'prop.test',
      primary: primary(),
      servers: [server('a'), server('b'), server('diverged')],
      key: topology.transferKey,
      compareContent: true,
      timeoutMs: 15_000,
    });
    const report = result.unwrap();
    expect(report.target).toBe(START_SERIAL);
    const v = byLabel(report.servers);
    expect(v.a?.verdict).toMatchObject({
      kind: 'served',
      serial: START_SERIAL,
      content: { status: 'equal' },
    });
    expect(v.b?.verdict).toMatchObject({
      kind: 'served',
      serial: START_SERIAL,
      content: { status: 'equal' },
    });
    expect(v.a?.authenticated).toBe(true);
    // The diverged copy has the primary's serial (dig agrees) but not its records.
    expect(await digSerial(topology.secondary('diverged').dnsPort)).toBe(START_SERIAL);
    expect(v.diverged?.verdict.kind).toBe('diverged');
    expect(report.served).toBe(2);
    expect(report.primaryDigest).toMatch(/^[0-9a-f]{64}$/);
  });

  it('a checker holding a wrong key for a server gets tsig-error, not a serial', async () => {
    const report = (
      await checkPropagation({
        zone: 'prop.test',
        serial: START_SERIAL,
        servers: [
          server('a', { key: topology.wrongKey }),
          server('b', {
            key: Key.from({
              name: 'no-such-key',
              algorithm: 'hmac-sha256',
              secret: 'c2VjcmV0LW9mLW5vLWtleQ==',
            }).unwrap(),
          }),
          // The refused secondary has no copy of the transfer key at all.
          server('refused', { key: topology.transferKey }),
        ],
        timeoutMs: 5_000,
      })
    ).unwrap();
    const v = byLabel(report.servers);
    expect(v.a?.verdict).toMatchObject({ kind: 'tsig-error', authenticated: false });
    expect(v.a?.verdict.detail).toContain('BADSIG');
    expect(v.b?.verdict).toMatchObject({ kind: 'tsig-error', authenticated: false });
    expect(v.b?.verdict.detail).toContain('BADKEY');
    expect(v.refused?.verdict).toMatchObject({ kind: 'tsig-error', authenticated: false });
    expect(v.refused?.verdict.detail).toContain('BADKEY');
  });

  it('discovers the NS set and MNAME through the primary', async () => {
    const ports: Record<string, number> = {
      'ns.prop.test.': topology.primary.dnsPort,
      'ns-a.prop.test.': topology.secondary('a').dnsPort,
      'ns-b.prop.test.': topology.secondary('b').dnsPort,
    };
    const found: string[] = [];
    const report = (
      await checkPropagation({
        zone: 'prop.test',
        primary: primary(),
        key: topology.transferKey,
        discover: {
          map: (s) => {
            found.push(`${s.name} ${s.address} ${s.roles.join('+')}`);
            const port = ports[s.name];
            return port === undefined ? undefined : { host: s.address, port, label: s.name };
          },
        },
        timeoutMs: 10_000,
      })
    ).unwrap();
    expect(found.sort()).toEqual([
      'ns-a.prop.test. 127.0.0.1 ns',
      'ns-b.prop.test. 127.0.0.1 ns',
      'ns.prop.test. 127.0.0.1 mname+ns',
    ]);
    expect(report.servers.map((s) => [s.label, s.verdict.kind])).toEqual([
      ['ns-a.prop.test.', 'served'],
      ['ns-b.prop.test.', 'served'],
      ['ns.prop.test.', 'served'],
    ]);
  });
});

describe('UpdateClient.send with waitForPropagation', () => {
  it('says when the primary applied the change and when each server served it; each broken server gets its verdict', async () => {
    const stopped = topology.secondary('stopped');
    process.kill(stopped.pid, 'SIGSTOP');
    try {
      const client = new UpdateClient({
        server: '127.0.0.1',
        port: topology.primary.dnsPort,
        key: topology.primary.keys['hmac-sha256'],
      });
      const started = Date.now();
      const sent = await client.send(new Update('prop.test').add('fresh 300 A 192.0.2.44'), {
        waitForPropagation: {
          // The primary's own queries use the transfer key (the update key is the client's).
          primary: { ...primary(), key: topology.transferKey },
          key: topology.transferKey,
          servers: [
            server('a', { rndc: rndcOf(topology.secondary('a')) }),
            server('b', { rndc: rndcOf(topology.secondary('b')) }),
            server('quiet', { rndc: rndcOf(topology.secondary('quiet')) }),
            // It has no copy of the transfer key: asked unsigned (with the key: BADKEY, below).
            server('refused', { key: null }),
            server('stopped'),
            server('stale'),
            { host: '127.0.0.1', port: referral.dnsPort, label: 'referral', key: null },
          ],
          quorum: 3,
          nudge: true,
          attemptTimeoutMs: 1_500,
          timeoutMs: 20_000,
        },
      });
      client.close();
      const response = sent.unwrap();
      const wait = response.propagation?.unwrap();
      expect(wait).toBeDefined();
      if (!wait) return;
      const target = START_SERIAL + 1;
      expect(wait.target).toBe(target);
      expect(wait.met).toBe(true);
      // The quiet secondary got no NOTIFY: it serves the change because of the nudge.
      expect(wait.nudges.map((n) => [n.server, n.command, n.ok])).toContainEqual([
        `127.0.0.1#${topology.secondary('quiet').dnsPort}`,
        'refresh prop.test.',
        true,
      ]);
      expect(wait.nudges.map((n) => n.command)).toContain('notify prop.test.');
      for (const n of wait.nudges) expect(n.ok, n.error).toBe(true);
      const v = byLabel(wait.servers);
      for (const label of ['a', 'b', 'quiet']) {
        expect(v[label]?.verdict).toMatchObject({ kind: 'served', serial: target });
        expect(v[label]?.servedAt?.getTime()).toBeGreaterThanOrEqual(response.appliedAt.getTime());
        expect(await digSerial(topology.secondary(label).dnsPort)).toBe(target);
      }
      expect(v.refused?.verdict).toMatchObject({ kind: 'lame', rcode: 'SERVFAIL' });
      expect(v.stopped?.verdict.kind).toBe('unreachable');
      expect(v.stale?.verdict).toMatchObject({
        kind: 'stale',
        serial: STALE_SERIAL,
        lag: target - STALE_SERIAL,
      });
      expect(v.stale?.verdict).toHaveProperty('lagSeconds');
      expect(v.referral?.verdict).toMatchObject({ kind: 'not-authoritative', rcode: 'NOERROR' });
      expect(wait.served).toBe(3);
      // Settled well within its deadline even with a stopped server among those checked.
      expect(Date.now() - started).toBeLessThan(20_000);
    } finally {
      process.kill(stopped.pid, 'SIGCONT');
    }
  });

  it('nudge with retransfer -force: BIND 9.20.1+ only (the version table)', async () => {
    const version = topology.primary.bindVersion ?? '9.18';
    const forceWorks = RETRANSFER_FORCE[version];
    const client = new UpdateClient({
      server: '127.0.0.1',
      port: topology.primary.dnsPort,
      key: topology.primary.keys['hmac-sha256'],
    });
    const sent = await client.send(new Update('prop.test').add('forced 300 A 192.0.2.45'));
    client.close();
    sent.unwrap();
    const wait = (
      await waitForPropagation({
        zone: 'prop.test',
        primary: { ...primary(), key: topology.transferKey },
        key: topology.transferKey,
        servers: [server('quiet', { rndc: rndcOf(topology.secondary('quiet')) })],
        nudge: { retransfer: 'force' },
        attemptTimeoutMs: 1_000,
        timeoutMs: forceWorks ? 15_000 : 2_500,
      })
    ).unwrap();
    const forced = wait.nudges.find((n) => n.command.startsWith('retransfer'));
    expect(forced?.command).toBe('retransfer -force prop.test.');
    expect(forced?.ok).toBe(forceWorks);
    if (!forceWorks) expect(forced?.error).toMatch(/^not-in-this-version/);
    // Without the transfer nothing tells the quiet secondary (no NOTIFY, refresh 3600 s).
    expect(wait.met).toBe(forceWorks);
    expect(byLabel(wait.servers).quiet?.verdict.kind).toBe(forceWorks ? 'served' : 'stale');
  });

  it('waitForPropagation without a quorum returns at its deadline, goal not met, verdicts kept', async () => {
    const wait = (
      await waitForPropagation({
        zone: 'prop.test',
        // A serial the healthy one has passed (served), no primary asked.
        serial: START_SERIAL + 1,
        key: topology.transferKey,
        servers: [server('a'), server('stale')],
        attemptTimeoutMs: 500,
        timeoutMs: 1_500,
      })
    ).unwrap();
    expect(wait.met).toBe(false);
    expect(wait.elapsedMs).toBeLessThan(3_500);
    expect(wait.rounds).toBeGreaterThan(1);
    const v = byLabel(wait.servers);
    expect(v.a?.verdict.kind).toBe('served');
    expect(v.stale?.verdict).toMatchObject({ kind: 'stale', lag: START_SERIAL + 1 - STALE_SERIAL });
    // No change time known: no lag in seconds.
    expect(v.stale?.verdict).not.toHaveProperty('lagSeconds');
  });
});

describe('rndc-js propagation', () => {
  const at = (label: string) => `127.0.0.1:${topology.secondary(label).dnsPort}`;

  it('--json: one verdict per server; exit 1 when not every server serves the serial', async () => {
    const run = await rndcJs([
      'prop.test',
      '--serial',
      String(START_SERIAL + 1),
      '--server',
      at('a'),
      '--server',
      at('stale'),
      '--json',
    ]);
    expect(run.exitCode, run.stderr).toBe(1);
    const doc = JSON.parse(run.stdout);
    expect(doc).toMatchObject({
      ok: false,
      command: 'propagation',
      zone: 'prop.test.',
      target: START_SERIAL + 1,
      met: false,
      served: 1,
    });
    expect(
      doc.servers.map((s: { label: string; verdict: string }) => [s.label, s.verdict]),
    ).toEqual([
      [at('a'), 'served'],
      [at('stale'), 'stale'],
    ]);
    expect(doc.servers[1]).toMatchObject({
      serial: STALE_SERIAL,
      lag: START_SERIAL + 1 - STALE_SERIAL,
      authenticated: true,
    });
    expect(run.stdout).not.toContain(topology.transferKey.secretBytes().toString('base64'));
  });

  it('--wait: exit 0 once both healthy secondaries serve the primary serial', async () => {
    const primaryAt = `127.0.0.1:${topology.primary.dnsPort}`;
    const run = await rndcJs([
      'prop.test',
      '--primary',
      primaryAt,
      '--server',
      at('a'),
      '--server',
      at('b'),
      '--wait',
      '20',
    ]);
    expect(run.exitCode, `${run.stdout}${run.stderr}`).toBe(0);
    expect(run.stdout).toMatch(/^prop\.test\. serial \d+: 2 of 2 server\(s\) serve it/);
    expect(run.stdout).toContain(
      `${at('a')} (127.0.0.1#${topology.secondary('a').dnsPort}): served`,
    );
    expect(run.stdout.trim().split('\n').at(-1)).toBe('propagated');
  });

  it('--nudge: a server behind gets the primary an rndc notify (through -c), listed in the report', async () => {
    const primaryAt = `127.0.0.1:${topology.primary.dnsPort}`;
    const run = await rndcJs(
      [
        'prop.test',
        '--primary',
        primaryAt,
        '--server',
        at('stale'),
        '--wait',
        '1',
        '--nudge',
        '--json',
      ],
      ['-c', topology.primary.rndcConfFile()],
    );
    expect(run.exitCode, `${run.stdout}${run.stderr}`).toBe(1);
    const doc = JSON.parse(run.stdout);
    expect(doc).toMatchObject({ met: false, servers: [{ verdict: 'stale' }] });
    expect(doc.nudges).toEqual([
      {
        server: `127.0.0.1#${topology.primary.dnsPort}`,
        command: 'notify prop.test.',
        ok: true,
        error: null,
      },
    ]);
    const text = await rndcJs(
      ['prop.test', '--primary', primaryAt, '--server', at('stale'), '--wait', '1', '--nudge'],
      ['-c', topology.primary.rndcConfFile()],
    );
    expect(text.stdout).toContain(
      `nudged 127.0.0.1#${topology.primary.dnsPort}: rndc notify prop.test.: ok`,
    );
  });

  it('--server HOST:PORT,key=FILE and ,unsigned: a key per server (a wrong one is tsig-error), or none', async () => {
    const wrongKey = join(keyDir ?? tmpdir(), 'wrong.key');
    await writeFile(
      wrongKey,
      `key "not-known-here" {\n\talgorithm hmac-sha256;\n\tsecret "${Buffer.alloc(32, 7).toString('base64')}";\n};\n`,
      { mode: 0o600 },
    );
    const run = await rndcJs([
      'prop.test',
      '--serial',
      String(START_SERIAL + 1),
      '--server',
      `${at('a')},unsigned`,
      '--server',
      `${at('b')},key=${wrongKey}`,
      '--server',
      at('stale'),
      '--json',
    ]);
    const doc = JSON.parse(run.stdout);
    expect(
      doc.servers.map((s: { label: string; verdict: string; authenticated: boolean }) => [
        s.label,
        s.verdict,
        s.authenticated,
      ]),
    ).toEqual([
      [at('a'), 'served', false],
      [at('b'), 'tsig-error', false],
      [at('stale'), 'stale', true],
    ]);
    expect(run.stdout).not.toContain(Buffer.alloc(32, 7).toString('base64'));
    const bad = await rndcJs(['prop.test', '--server', `${at('a')},bogus`]);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toContain("'bogus' is not key=FILE or unsigned");
    const missing = await rndcJs(['prop.test', '--server', `${at('a')},key=/nonexistent/k.key`]);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain('/nonexistent/k.key');
    // The first server as the reference (no --primary, no --serial) is asked with its own key,
    // not the default: a key it does not know leaves no target serial (exit 2).
    const reference = await rndcJs([
      'prop.test',
      '--server',
      `${at('a')},key=${wrongKey}`,
      '--server',
      at('b'),
      '--json',
    ]);
    expect(reference.exitCode).toBe(2);
    const refDoc = JSON.parse(reference.stdout);
    expect(refDoc.primary).toMatchObject({ verdict: 'tsig-error' });
    expect(refDoc.target).toBeNull();
  });

  it('--nudge: usage errors without --wait, and a control channel that cannot be set up fails before any check', async () => {
    const primaryAt = `127.0.0.1:${topology.primary.dnsPort}`;
    const noWait = await rndcJs([
      'prop.test',
      '--primary',
      primaryAt,
      '--server',
      at('a'),
      '--nudge',
    ]);
    expect(noWait.exitCode).toBe(1);
    expect(noWait.stderr).toContain('--nudge goes with --wait');
    const noConf = await rndcJs(
      [
        'prop.test',
        '--primary',
        primaryAt,
        '--server',
        at('a'),
        '--wait',
        '5',
        '--nudge',
        '--json',
      ],
      ['-c', join(tmpdir(), 'no-such-dir', 'rndc.conf')],
    );
    expect(noConf.exitCode).toBe(1);
    const doc = JSON.parse(noConf.stdout);
    expect(doc).toMatchObject({ ok: false, servers: [] });
    expect(doc.error.message).toMatch(/rndc\.conf/);
  });
});
