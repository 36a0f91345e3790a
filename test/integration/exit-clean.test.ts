// Scripts and the REPL must exit on their own: spawned node scripts use RndcClient and
// UpdateClient against a real named and must end by themselves, close() must leave no socket or
// timer behind, and a script that forgets close() must still exit (idle connections and their
// timers are unref()ed) long before named's 30 s idle close would have ended the connection.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type NamedInstance, runBinary, startNamed } from '../../src/testing/index.js';

const INDEX = fileURLToPath(new URL('../../src/index.ts', import.meta.url));

/** Resources that would keep a process alive (or show a leak) if the library left them. */
const LEAKS = ['TCPSocketWrap', 'TCPWRAP', 'UDPWrap', 'UDPWRAP', 'Timeout', 'TCPServerWrap'];

let named: NamedInstance;
let dir: string;

beforeAll(async () => {
  named = await startNamed();
  dir = mkdtempSync(join(tmpdir(), 'rndc-exit-clean-'));
});

afterAll(async () => {
  await named?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Runs `body` (top-level-await module code) in a fresh node process with the library imported. */
async function runScript(name: string, body: string) {
  const key = named.keys['hmac-sha256'];
  const file = join(dir, `${name}.mts`);
  writeFileSync(
    file,
    `import { RndcClient, UpdateClient, Update } from ${JSON.stringify(INDEX)};
const key = JSON.parse(process.env.RNDC_TEST_KEY!);
const controlPort = Number(process.env.RNDC_TEST_CONTROL_PORT);
const dnsPort = Number(process.env.RNDC_TEST_DNS_PORT);
/** Resources left once pending closes had a chance to complete. */
async function leftovers(): Promise<string[]> {
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
  return process.getActiveResourcesInfo();
}
void RndcClient; void UpdateClient; void Update; void controlPort; void dnsPort; void leftovers;
${body}
`,
  );
  const started = performance.now();
  const run = await runBinary(process.execPath, ['--import', 'tsx', file], {
    // named closes an idle control connection after 30 s: a script that only ends because of
    // that would take longer than this.
    timeoutMs: 20_000,
    env: {
      RNDC_TEST_KEY: JSON.stringify({
        name: key.name,
        algorithm: key.algorithm,
        secret: key.secretBytes().toString('base64'),
      }),
      RNDC_TEST_CONTROL_PORT: String(named.controlPort),
      RNDC_TEST_DNS_PORT: String(named.dnsPort),
    },
  });
  return { ...run, ms: performance.now() - started };
}

function lastJson(stdout: string): { resources?: string[] } & Record<string, unknown> {
  const line = stdout.trim().split('\n').at(-1) ?? '{}';
  return JSON.parse(line);
}

it('connect + status + close: exits on its own, nothing of ours left after close()', async () => {
  const run = await runScript(
    'status-close',
    `const rndc = RndcClient.connect({ port: controlPort, key });
const status = await rndc.status();
await Promise.all([rndc.ping(), rndc.ping(), rndc.ping()]);
await rndc.close();
console.log(JSON.stringify({ ok: status.isOk(), resources: await leftovers() }));`,
  );
  expect(run.timedOut).toBe(false);
  expect(run.stderr).toBe('');
  expect(run.exitCode).toBe(0);
  const report = lastJson(run.stdout);
  expect(report.ok).toBe(true);
  expect(report.resources?.filter((r) => LEAKS.includes(r))).toEqual([]);
});

it('a script that forgets close() still exits on its own (idle connections are unref()ed)', async () => {
  const run = await runScript(
    'status-no-close',
    `const rndc = RndcClient.connect({ port: controlPort, key });
const status = await rndc.status();
await Promise.all([rndc.ping(), rndc.ping()]);
console.log(JSON.stringify({ ok: status.isOk() }));`,
  );
  expect(run.timedOut).toBe(false);
  expect(run.stderr).toBe('');
  expect(run.exitCode).toBe(0);
  expect(lastJson(run.stdout).ok).toBe(true);
});

it('a failed call (connection refused) leaves nothing behind either', async () => {
  const run = await runScript(
    'refused',
    `import { createServer } from 'node:net';
const server = createServer();
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
const port = (server.address() as { port: number }).port;
await new Promise<void>((resolve) => server.close(() => resolve()));
const rndc = RndcClient.connect({ port, key });
const result = await rndc.status({ timeoutMs: 5000 });
const kind = result.isErr() ? result.error.kind : 'ok';
await rndc.close();
console.log(JSON.stringify({ kind, resources: await leftovers() }));`,
  );
  expect(run.exitCode).toBe(0);
  const report = lastJson(run.stdout);
  expect(report.kind).toBe('connect-failed');
  expect(report.resources?.filter((r) => LEAKS.includes(r))).toEqual([]);
});

it('UpdateClient: send + close exits on its own with nothing left; without close() too', async () => {
  const closed = await runScript(
    'update-close',
    `const updates = new UpdateClient({ server: '127.0.0.1', port: dnsPort, key });
const udp = await updates.send(new Update('dyn.test').add('exit1 300 A 192.0.2.1'));
const tcp = await updates.send(new Update('dyn.test').add('exit2 300 A 192.0.2.2'), {});
updates.close();
console.log(JSON.stringify({ ok: udp.isOk() && tcp.isOk(), resources: await leftovers() }));`,
  );
  expect(closed.timedOut).toBe(false);
  expect(closed.stderr).toBe('');
  expect(closed.exitCode).toBe(0);
  const report = lastJson(closed.stdout);
  expect(report.ok).toBe(true);
  expect(report.resources?.filter((r) => LEAKS.includes(r))).toEqual([]);

  const forgotten = await runScript(
    'update-no-close',
    `const updates = new UpdateClient({ server: '127.0.0.1', port: dnsPort, key });
const result = await updates.send(new Update('dyn.test').add('exit3 300 A 192.0.2.3'));
const overTcp = await new UpdateClient({ server: '127.0.0.1', port: dnsPort, key, tcp: true })
  .send(new Update('dyn.test').add('exit4 300 A 192.0.2.4'));
console.log(JSON.stringify({ ok: result.isOk() && overTcp.isOk() }));`,
  );
  expect(forgotten.timedOut).toBe(false);
  expect(forgotten.stderr).toBe('');
  expect(forgotten.exitCode).toBe(0);
  expect(lastJson(forgotten.stdout).ok).toBe(true);
});
