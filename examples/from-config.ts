/**
 * Configure the client from an rndc.conf, exactly as the `rndc` tool would, and compare the two.
 * Run: `node --import tsx examples/from-config.ts`.
 */
import { RndcClient } from '../src/index.js';
import { runRndcBinary, startNamed } from '../src/testing/index.js';

const named = await startNamed();
try {
  // startNamed writes an rndc.conf (key, default-server, default-port) for the rndc binary.
  const configFile = named.rndcConfFile('hmac-sha512');
  const client = await RndcClient.fromConfig({ configFile });
  if (client.isErr()) throw new Error(client.error.describe());
  const rndc = client.value;

  const ours = await rndc.zonestatus('static.test');
  const theirs = await runRndcBinary(named, ['zonestatus', 'static.test'], {
    algorithm: 'hmac-sha512',
  });
  console.log(`config file      ${configFile}`);
  console.log(`RndcClient serial ${ours.isOk() ? ours.value.serial : ours.error.message}`);
  console.log(`rndc serial      ${/^serial: (\d+)$/m.exec(theirs.stdout)?.[1]}`);
  await rndc.close();
} finally {
  await named.stop();
}
