/**
 * Verified sync: after a dynamic update the change is in named's journal, and the zone file is
 * rewritten only 676–900 s later. `rndc sync` makes named start the dump now — and answers
 * "success" before the dump has run. `sync(zone, { verify: true })` waits for proof that the
 * file on disk holds the serial named serves, and prints the evidence.
 * Run: `node --import tsx examples/verified-sync.ts`.
 */
import { RndcClient, readZoneFileSerial, Update, UpdateClient } from '../src/index.js';
import { startNamed } from '../src/testing/index.js';

const named = await startNamed();
const zone = named.zones.find((z) => z.kind === 'dynamic');
if (!zone) throw new Error('startNamed() serves a dynamic zone by default');
const rndc = RndcClient.connect({
  port: named.controlPort,
  key: named.keys['hmac-sha256'],
  // named's log shows a failed dump; its pid lets a failure be diagnosed from named's view.
  named: { log: named.logFile, pid: named.pid },
});
const updates = new UpdateClient({
  server: '127.0.0.1',
  port: named.dnsPort,
  key: named.keys['hmac-sha256'],
});
try {
  const fileSerial = async () => {
    const read = await readZoneFileSerial(zone.path, { origin: zone.name });
    return read.isOk() ? read.value.serial : `unreadable (${read.error.message})`;
  };
  console.log(`zone file ${zone.path}`);
  console.log(`serial in the file before:   ${await fileSerial()}`);

  const sent = (await updates.send(new Update(zone.name).add('api 300 A 192.0.2.10'))).unwrap();
  const served = (await rndc.zonestatus(zone.name)).unwrap().serial;
  console.log(`update → ${sent.diskEffect.summary}`);
  console.log(`serial named serves now:     ${served}`);
  console.log(
    `serial in the file now:      ${await fileSerial()} (the change is only in the journal)`,
  );

  const synced = await rndc.sync(zone.name, { verify: true });
  if (synced.isErr()) {
    console.log(`sync failed: ${synced.error.describe()}`);
    process.exitCode = 1;
  } else {
    const dump = synced.value.dump;
    console.log(`sync(verify) → ${dump?.verdict}`);
    console.log(`  ${dump?.summary}`);
    console.log(
      `  file serial ${dump?.fileSerialBefore} → ${dump?.fileSerialAfter}, served ${dump?.servedSerial}`,
    );
    console.log(`  mtime changed: ${dump?.mtimeBefore?.getTime() !== dump?.mtimeAfter?.getTime()}`);
    console.log(`  new tmp files: ${dump?.newTmpFiles.length}, named's log read: ${dump?.logRead}`);
    console.log(`serial in the file after:    ${await fileSerial()}`);
  }

  // Nothing changed since: a second verified sync has nothing to write, and says so.
  const again = await rndc.sync(zone.name, { verify: true });
  console.log(
    `sync(verify) again → ${again.isOk() ? again.value.dump?.verdict : again.error.message}`,
  );
} finally {
  updates.close();
  await rndc.close();
  await named.stop();
}
