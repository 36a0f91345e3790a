/**
 * The quick-start demo: start a throwaway named, then drive it through the control channel —
 * status, zonestatus, freeze (with proof that the zone file was written) and thaw a dynamic
 * zone — and print what came back.
 * Run: `npm run demo` (after `bash scripts/setup.sh`).
 */
import { RndcClient, Update, UpdateClient } from '../src/index.js';
import { startNamed } from '../src/testing/index.js';

const named = await startNamed();
const rndc = RndcClient.connect({
  host: '127.0.0.1',
  port: named.controlPort,
  key: named.keys['hmac-sha256'],
  // Where named logs and its pid: dump verification reads the log and diagnoses from named's view.
  named: { log: named.logFile, pid: named.pid, binary: named.namedBinary },
});

try {
  console.log(`Started a throwaway named (pid ${named.pid}) in ${named.dir}`);
  console.log(`Control channel on 127.0.0.1#${named.controlPort}\n`);

  const status = (await rndc.status()).unwrap();
  console.log('status:');
  console.log(`  version        ${status.version}`);
  console.log(`  zones          ${status.numberOfZones}`);
  console.log(`  running        ${status.running}`);

  const zone = (await rndc.zonestatus('dyn.test')).unwrap();
  console.log('\nzonestatus dyn.test:');
  console.log(`  type           ${zone.type}`);
  console.log(`  files          ${zone.files.join(', ')}`);
  console.log(`  serial         ${zone.serial}`);
  console.log(`  dynamic        ${zone.dynamic}`);
  console.log(`  frozen         ${zone.frozen}`);

  // A signed dynamic update: named writes its journal now, the zone file only later.
  const updates = new UpdateClient({
    server: '127.0.0.1',
    port: named.dnsPort,
    key: named.keys['hmac-sha256'],
  });
  const sent = await updates.send(new Update('dyn.test').add('demo 300 A 192.0.2.1'));
  updates.close();
  console.log(
    `\nupdate demo.dyn.test → ${sent.isOk() ? sent.value.diskEffect.summary : sent.error.message}`,
  );

  // named answers freeze when the dump is merely scheduled; verify waits for proof on disk.
  const freeze = await rndc.freeze('dyn.test', { verify: true });
  console.log(
    `freeze dyn.test → ${freeze.isOk() ? `${freeze.value.dump?.verdict}: ${freeze.value.dump?.summary}` : freeze.error.message}`,
  );
  console.log(`  frozen now     ${(await rndc.zonestatus('dyn.test')).unwrap().frozen}`);

  const again = await rndc.freeze('dyn.test');
  if (again.isErr()) {
    console.log(`freeze again  → error kind '${again.error.kind}': ${again.error.message}`);
  }

  // named 9.18 thaws asynchronously ("reload and thaw was started"); `wait` resolves once
  // zonestatus no longer says frozen, so an update sent next is not REFUSED.
  const thaw = (await rndc.thaw('dyn.test', { wait: true })).unwrap();
  console.log(`thaw dyn.test  → ${thaw.text || 'ok'}`);
  console.log(`  frozen now     ${(await rndc.zonestatus('dyn.test')).unwrap().frozen}`);

  const missing = await rndc.zonestatus('no-such.zone');
  if (missing.isErr())
    console.log(
      `\nzonestatus no-such.zone → '${missing.error.kind}': ${missing.error.response?.text}`,
    );
} finally {
  await rndc.close();
  await named.stop();
  console.log('\nnamed stopped; temporary directory removed.');
}
