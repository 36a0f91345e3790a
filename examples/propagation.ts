/**
 * Beyond one server: a primary and two secondaries (throwaway nameds on loopback), an update
 * that waits until every secondary serves it, the zone read back by a TSIG-signed transfer, and
 * one rndc command sent to the whole fleet.
 * Run: `node --import tsx examples/propagation.ts`.
 */
import { randomBytes } from 'node:crypto';
import { Key, RndcClient, RndcFleet, transfer, Update, UpdateClient } from '../src/index.js';
import { type NamedInstance, startNamed } from '../src/testing/index.js';

// The key the secondaries' transfers (and our checks) are signed with, known to all three.
const xfrKey = Key.from({
  name: 'xfr-key',
  algorithm: 'hmac-sha256',
  secret: randomBytes(32).toString('base64'),
}).unwrap();
const zone = 'example.test';

const primary = await startNamed({
  zones: [{ name: zone, kind: 'dynamic', options: 'allow-transfer { key "xfr-key"; };' }],
  sharedKeys: [xfrKey],
});
const secondaries: NamedInstance[] = [];
const control = (named: NamedInstance) =>
  RndcClient.connect({
    host: '127.0.0.1',
    port: named.controlPort,
    key: named.keys['hmac-sha256'],
  });
try {
  for (let i = 0; i < 2; i++) {
    secondaries.push(
      await startNamed({
        zones: [
          {
            name: zone,
            kind: 'secondary',
            primaries: [{ port: primary.dnsPort, keyName: 'xfr-key' }],
          },
        ],
        sharedKeys: [xfrKey],
      }),
    );
  }
  // The primary notifies no one here (the test servers have `notify no`): `nudge` asks each
  // secondary that is behind to refresh over its control channel instead.
  const rndcs = secondaries.map(control);
  const updates = new UpdateClient({
    server: '127.0.0.1',
    port: primary.dnsPort,
    key: primary.keys['hmac-sha256'],
  });
  const sent = await updates.send(new Update(zone).add('www 300 A 192.0.2.80'), {
    waitForPropagation: {
      key: xfrKey,
      servers: rndcs.map((rndc, i) => ({
        host: '127.0.0.1',
        port: secondaries[i]!.dnsPort,
        label: `ns${i + 2}`,
        rndc,
      })),
      nudge: true,
      timeoutMs: 30_000,
    },
  });
  updates.close();
  if (sent.isErr()) throw sent.error;
  const wait = sent.value.propagation?.unwrap();
  console.log(`update applied, serial ${wait?.target}; every secondary serves it: ${wait?.met}`);
  for (const server of wait?.servers ?? []) {
    console.log(`  ${server.label} ${server.verdict.kind}: ${server.verdict.detail}`);
  }

  // The zone as a secondary serves it, streamed record by record; every message verified.
  const copy = transfer(zone, { server: '127.0.0.1', port: secondaries[0]!.dnsPort, key: xfrKey });
  let www = 0;
  for await (const record of copy) if (record.text.startsWith(`www.${zone}.`)) www++;
  const done = (await copy.done).unwrap();
  console.log(`transfer from ns2: ${done.records} records, serial ${done.serial}, www: ${www}`);

  // One command, three servers: one result per server and a summary.
  const fleet = RndcFleet.connect({
    servers: [
      { name: 'primary', client: control(primary) },
      ...rndcs.map((client, i) => ({ name: `ns${i + 2}`, client })),
    ],
  });
  const statuses = await fleet.zonestatus(zone);
  for (const result of statuses.results) {
    console.log(
      `  ${result.name}: ${result.result.isOk() ? `serial ${result.result.value.serial}` : result.result.error.message}`,
    );
  }
  console.log(`fleet zonestatus: ${statuses.summary}`);
  await fleet.close();
} finally {
  await Promise.all([primary, ...secondaries].map((named) => named.stop()));
}
