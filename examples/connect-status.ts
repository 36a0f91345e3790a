/**
 * Connect to named's control channel, ask for `status` and `zonestatus`, show what a failure
 * looks like, and close the connection.
 * Run: `node --import tsx examples/connect-status.ts`.
 */
import { RndcClient } from '../src/index.js';
import { startNamed } from '../src/testing/index.js';

const named = await startNamed();
// connect() opens no socket yet: the first command does (after named's `null` handshake).
const rndc = RndcClient.connect({
  host: '127.0.0.1',
  port: named.controlPort,
  key: named.keys['hmac-sha256'], // a Key, or { name, algorithm, secret } with a base64 secret
});
try {
  const status = await rndc.status();
  if (status.isErr()) throw new Error(status.error.describe());
  console.log(`status: ${status.value.version}`);
  console.log(`  zones ${status.value.numberOfZones}, running ${status.value.running}`);
  // The connection learnt the version from that status: this sends nothing.
  const version = await rndc.serverVersion();
  if (version.isErr()) throw new Error(version.error.describe());
  console.log(`server version: ${version.value.series} (${version.value.number})`);

  for (const name of ['dyn.test', 'static.test']) {
    const zone = await rndc.zonestatus(name);
    if (zone.isErr()) throw new Error(zone.error.describe());
    const z = zone.value;
    console.log(
      `zonestatus ${name}: type ${z.type}, serial ${z.serial}, dynamic ${z.dynamic}, file ${z.files.join(', ')}`,
    );
  }

  // Failures are values with a kind to switch on; nothing here throws.
  const missing = await rndc.zonestatus('nowhere.test');
  if (missing.isErr()) {
    console.log(`zonestatus nowhere.test: error kind '${missing.error.kind}'`);
    console.log(`  remedy: ${missing.error.remedy}`);
  }

  // A key named does not know: named closes the connection without a word.
  const stranger = RndcClient.connect({
    port: named.controlPort,
    key: {
      name: 'rndc-key',
      algorithm: 'hmac-sha256',
      secret: Buffer.alloc(32, 7).toString('base64'),
    },
  });
  const refused = await stranger.status();
  if (refused.isErr()) {
    console.log(`status with a wrong secret: error kind '${refused.error.kind}'`);
    console.log(`  first likely cause: ${refused.error.causes[0]}`);
  }
  await stranger.close();
} finally {
  await rndc.close();
  await named.stop();
}
console.log('closed');
