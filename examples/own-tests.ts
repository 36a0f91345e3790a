/**
 * Using `startNamed()` in your own tests: a real, throwaway named per test file, with plain
 * `node:test` (any runner works the same way: start in a before hook, stop in an after hook).
 * In your project: `import { startNamed } from 'rndc/testing'` and `from 'rndc'`.
 * Run: `node --import tsx examples/own-tests.ts` — runs the tests, exits non-zero on a failure.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { RndcClient, Update, UpdateClient } from '../src/index.js';
import { type NamedInstance, startNamed } from '../src/testing/index.js';

// The code under test: something of yours that registers a host in DNS.
async function registerHost(
  updates: UpdateClient,
  zone: string,
  host: string,
  address: string,
): Promise<string> {
  const result = await updates.send(new Update(zone).absent(host).add(`${host} 300 A ${address}`));
  return result.isOk() ? 'registered' : result.error.kind;
}

let named: NamedInstance;
let rndc: RndcClient;
let updates: UpdateClient;

before(async () => {
  // 127.0.0.1, free ports, keys for all six HMAC algorithms; by default the zones dyn.test
  // (dynamic) and static.test, here a zone of our own. Ready to serve when the promise resolves.
  named = await startNamed({
    zones: [{ name: 'app.test', kind: 'dynamic', records: ['taken 300 A 192.0.2.99'] }],
  });
  rndc = RndcClient.connect({ port: named.controlPort, key: named.keys['hmac-sha256'] });
  updates = new UpdateClient({
    server: named.host,
    port: named.dnsPort,
    key: named.keys['hmac-sha512'],
  });
});

after(async () => {
  updates.close();
  await rndc.close();
  await named.stop(); // SIGTERM by pid, then the temporary directory is removed
});

test('a new host is registered and served', async () => {
  assert.equal(await registerHost(updates, 'app.test', 'web1', '192.0.2.10'), 'registered');
  const zone = (await rndc.zonestatus('app.test')).unwrap();
  assert.equal(zone.serial, 2024010102); // one update after the default serial 2024010101
});

test('a name already in use is refused by the prerequisite', async () => {
  assert.equal(await registerHost(updates, 'app.test', 'taken', '192.0.2.11'), 'YXDOMAIN');
});

test("named's log is there to assert on", async () => {
  await named.waitForLog(/updating zone 'app\.test\/IN': adding an RR at 'web1\.app\.test' A/);
});
