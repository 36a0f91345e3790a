// sync({ verify: true, clean: true }) with a concurrent updater and a failing second dump (issue 10
// item 3). The old sequence was: sync, prove the dump, send `sync -clean`. named deletes the
// journal as soon as `-clean`'s dump is *scheduled*; an update acknowledged between the proof and
// `-clean` made that dump necessary, and when it failed (here: the zone file became a mount
// point, as with a Kubernetes subPath, so rename() fails with EBUSY) the update was gone — while
// the call reported success.
//
// To make the window reliable instead of a matter of luck, the client talks to named through a
// proxy that holds the `sync -clean` request until (a) the updater has had an update acknowledged
// since the hold began — or, when named refuses updates (the zone is frozen), it has been refused
// 20 times — and (b) a copy of the zone file has been bind-mounted over the zone file in named's
// mount namespace. Then `-clean` goes on. Afterwards named is restarted and every acknowledged
// update must be served.
import { existsSync } from 'node:fs';
import { chmod, chown, copyFile } from 'node:fs/promises';
import { connect, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { RndcClient } from '../../src/control/client.js';
import {
  canUseMountNamespace,
  type NamedInstance,
  runBinary,
  startNamed,
} from '../../src/testing/index.js';
import { UpdateClient } from '../../src/update/client.js';
import { Update } from '../../src/update/update.js';
import { requestCommand, startFaultProxy } from '../helpers/fault-proxy.js';
import { frameSplitter } from '../helpers/frames.js';
import { until } from '../helpers/until.js';

const mountNamespace = await canUseMountNamespace();
let named: NamedInstance | undefined;

afterAll(async () => {
  await named?.stop();
});

/** A control-channel proxy that awaits `gate` before forwarding a request matching `match`. */
async function gatingProxy(target: number, match: RegExp, gate: () => Promise<void>) {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect({ host: '127.0.0.1', port: target });
    sockets.add(client);
    sockets.add(upstream);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    let queue = Promise.resolve();
    client.on(
      'data',
      frameSplitter((frame, index) => {
        const held = index > 0 && match.test(requestCommand(frame));
        queue = queue.then(async () => {
          if (held) await gate();
          upstream.write(frame);
        });
      }),
    );
    upstream.on('data', (chunk) => client.write(chunk));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

it('a concurrent updater and a failing second dump: every acknowledged update survives a restart', {
  timeout: 180_000,
}, async () => {
  if (!mountNamespace.ok) {
    console.log(`sync-clean race not run: ${mountNamespace.reason}`);
    expect(mountNamespace.reason).not.toBe('');
    return;
  }
  // An empty list of bind mounts still runs named in a private mount namespace, where the test
  // adds its mount later.
  named = await startNamed({
    zones: [{ name: 'dyn.test', kind: 'dynamic' }],
    mountNamespace: { bindMounts: [] },
  });
  const zoneFile = named.zones[0]!.path;
  const key = named.keys['hmac-sha256'];
  const updates = new UpdateClient({ server: '127.0.0.1', port: named.dnsPort, key });
  const acknowledged: string[] = [];
  let refused = 0;
  let running = true;
  const updater = (async () => {
    for (let i = 0; running; i++) {
      const name = `race${i}.dyn.test`;
      const sent = await updates.send(
        new Update('dyn.test').add(`${name}. 300 A 192.0.2.${i % 250}`),
        { timeoutMs: 5000 },
      );
      if (sent.isOk()) acknowledged.push(name);
      else {
        refused++;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }
  })();

  let mounted = false;
  const proxy = await gatingProxy(named.controlPort, /^sync\s+-clean\b/, async () => {
    const acked = acknowledged.length;
    const refusedBefore = refused;
    await until(
      () => acknowledged.length > acked || refused >= refusedBefore + 20,
      30_000,
      'an acknowledged update, or 20 refused ones, during the hold',
    );
    // The zone file becomes a mount point: named's next dump fails at rename() (EBUSY).
    const copy = `${zoneFile}.seed`;
    await copyFile(zoneFile, copy);
    const mount = await runBinary('nsenter', [
      `--target=${named!.pid}`,
      '--mount',
      '--',
      'mount',
      '--bind',
      copy,
      zoneFile,
    ]);
    expect(mount.exitCode, mount.stderr).toBe(0);
    mounted = true;
  });

  const rndc = RndcClient.connect({
    port: proxy.port,
    key,
    named: { log: named.logFile, pid: named.pid },
  });
  try {
    await until(() => acknowledged.length >= 5, 30_000, 'some acknowledged updates');
    const result = await rndc.sync('dyn.test', { verify: { timeoutMs: 20_000 }, clean: true });
    const outcome = result.isOk() ? 'ok' : `${result.error.kind}: ${result.error.message}`;
    expect(mounted).toBe(true);
    // Updates go on after the call: the zone must accept them again (thawed).
    const count = acknowledged.length;
    await until(() => acknowledged.length >= count + 3, 30_000, 'updates after the call');
    expect((await rndc.zonestatus('dyn.test')).unwrap().frozen).toBe(false);
    running = false;
    await updater;
    console.log(
      `sync-clean race: sync → ${outcome}; ${acknowledged.length} updates acknowledged, ${refused} refused`,
    );
    expect(result.isOk(), outcome).toBe(true);
  } finally {
    running = false;
    await updater;
    updates.close();
    await rndc.close();
    await proxy.close();
  }

  // The restart drops the namespace (and the mount): named loads the zone file it last wrote
  // successfully plus its journal.
  await named.restart();
  const axfr = await runBinary('dig', [
    '@127.0.0.1',
    '-p',
    String(named.dnsPort),
    'dyn.test',
    'AXFR',
    '+nocmd',
    '+nostats',
  ]);
  const served = new Set(
    axfr.stdout
      .split('\n')
      .filter((line) => /\sA\s/.test(line))
      .map((line) => line.split(/\s+/)[0]!.replace(/\.$/, '')),
  );
  const lost = acknowledged.filter((name) => !served.has(name));
  expect(lost, `lost after restart: ${lost.join(' ')}\n${axfr.stdout.slice(0, 500)}`).toEqual([]);
  expect(acknowledged.length).toBeGreaterThanOrEqual(8);
});

it('a dump that fails → clean-refused, the zone thawed again, journal kept; a static zone is cleaned after its proof', {
  timeout: 120_000,
}, async () => {
  const lab = await startNamed({
    user: 'nobody',
    zones: [
      { name: 'dyn.test', kind: 'dynamic' },
      { name: 'static.test', kind: 'static' },
    ],
    beforeStart: async ({ dir, zones }) => {
      // Sticky zone directory, zone files owned by root: named (nobody) cannot rename over them.
      await chown(join(dir, 'zones'), 0, 0);
      await chmod(join(dir, 'zones'), 0o1777);
      for (const zone of zones) await chown(zone.path, 0, 0);
    },
  });
  const key = lab.keys['hmac-sha256'];
  const rndc = RndcClient.connect({
    port: lab.controlPort,
    key,
    named: { log: lab.logFile, pid: lab.pid },
  });
  const updates = new UpdateClient({ server: '127.0.0.1', port: lab.dnsPort, key });
  try {
    (await updates.send(new Update('dyn.test').add('one.dyn.test. 300 A 192.0.2.1'))).unwrap();
    const journal = `${lab.zones[0]!.path}.jnl`;
    const refused = (
      await rndc.sync('dyn.test', { verify: { timeoutMs: 10_000, diagnose: false }, clean: true })
    ).unwrapErr();
    expect(refused.kind).toBe('clean-refused');
    expect(existsSync(journal)).toBe(true);
    // The call froze the zone for the proof and thawed it after the failure.
    expect((await rndc.zonestatus('dyn.test')).unwrap().frozen).toBe(false);
    (await updates.send(new Update('dyn.test').add('two.dyn.test. 300 A 192.0.2.2'))).unwrap();

    // Static zone: nothing to freeze, nothing pending; -clean is sent after the proof.
    const staticZone = await rndc.sync('static.test', { clean: true });
    expect(staticZone.isOk(), staticZone.isErr() ? staticZone.error.message : '').toBe(true);
  } finally {
    updates.close();
    await rndc.close();
    await lab.stop();
  }
});

it('a zone the operator froze is proven with sync, cleaned, and left frozen', {
  timeout: 120_000,
}, async () => {
  const lab = await startNamed({ zones: [{ name: 'dyn.test', kind: 'dynamic' }] });
  const key = lab.keys['hmac-sha256'];
  const rndc = RndcClient.connect({ port: lab.controlPort, key, named: { log: lab.logFile } });
  const updates = new UpdateClient({ server: '127.0.0.1', port: lab.dnsPort, key });
  try {
    (await updates.send(new Update('dyn.test').add('one.dyn.test. 300 A 192.0.2.1'))).unwrap();
    (await rndc.freeze('dyn.test', { verify: true })).unwrap();
    const cleaned = await rndc.sync('dyn.test', { clean: true });
    expect(cleaned.isOk(), cleaned.isErr() ? cleaned.error.message : '').toBe(true);
    expect(existsSync(`${lab.zones[0]!.path}.jnl`)).toBe(false);
    expect((await rndc.zonestatus('dyn.test')).unwrap().frozen).toBe(true);
    (await rndc.thaw('dyn.test', { wait: true })).unwrap();
    await lab.restart();
    const after = await runBinary('dig', [
      '@127.0.0.1',
      '-p',
      String(lab.dnsPort),
      'one.dyn.test',
      'A',
      '+short',
    ]);
    expect(after.stdout.trim()).toBe('192.0.2.1');
  } finally {
    updates.close();
    await rndc.close();
    await lab.stop();
  }
});

it('aborted after the freeze, or the reply to -clean never comes: an error, and the zone is thawed again', {
  timeout: 120_000,
}, async () => {
  const lab = await startNamed({ zones: [{ name: 'dyn.test', kind: 'dynamic' }] });
  const key = lab.keys['hmac-sha256'];
  const proxy = await startFaultProxy(lab.controlPort);
  const rndc = RndcClient.connect({ port: proxy.port, key, named: { log: lab.logFile } });
  const direct = RndcClient.connect({ port: lab.controlPort, key });
  const updates = new UpdateClient({ server: '127.0.0.1', port: lab.dnsPort, key });
  try {
    (await updates.send(new Update('dyn.test').add('one.dyn.test. 300 A 192.0.2.1'))).unwrap();
    // Abort as soon as named has the freeze.
    const controller = new AbortController();
    const sawFreeze = proxy.waitForRequest('freeze', 30_000).then(() => controller.abort());
    const aborted = await rndc.sync('dyn.test', { clean: true, signal: controller.signal });
    await sawFreeze;
    expect(aborted.isErr()).toBe(true);
    expect(proxy.count('thaw')).toBe(1);
    expect((await direct.zonestatus('dyn.test')).unwrap().frozen).toBe(false);
    expect(proxy.count('sync')).toBe(0);

    // The reply to `sync -clean` never comes back (held until the deadline): thawed all the same.
    (await updates.send(new Update('dyn.test').add('two.dyn.test. 300 A 192.0.2.2'))).unwrap();
    const cut = proxy
      .waitForRequest(/^sync\s+-clean/, 30_000)
      .then(() => proxy.setMode({ type: 'stall', bytes: 0, times: 1 }));
    const lost = await rndc.sync('dyn.test', { clean: true, timeoutMs: 3000 });
    await cut;
    expect(lost.isErr()).toBe(true);
    if (lost.isErr()) expect(lost.error.kind).toBe('timeout');
    expect((await direct.zonestatus('dyn.test')).unwrap().frozen).toBe(false);
  } finally {
    updates.close();
    await rndc.close();
    await direct.close();
    await proxy.close();
    await lab.stop();
  }
});
