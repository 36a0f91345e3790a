/**
 * Dynamic update with TSIG: add records with a prerequisite, see a failing prerequisite come back
 * as a typed error, then run the same kind of change as an nsupdate script.
 * Run: `node --import tsx examples/update.ts`.
 */
import { runNsupdateScript, Update, UpdateClient } from '../src/index.js';
import { startNamed } from '../src/testing/index.js';

const named = await startNamed();
const updates = new UpdateClient({
  server: '127.0.0.1',
  port: named.dnsPort,
  key: named.keys['hmac-sha256'],
});
try {
  // Relative names are relative to the zone: `api` is api.dyn.test.
  const added = await updates.send(
    new Update('dyn.test').absent('api').add('api 300 A 192.0.2.10', 'api 300 AAAA 2001:db8::10'),
  );
  console.log(
    `add api        → ${added.isOk() ? `ok over ${added.value.transport}, reply signed: ${added.value.signed}` : added.error.message}`,
  );

  const again = await updates.send(
    new Update('dyn.test').absent('api').add('api 300 A 192.0.2.11'),
  );
  if (again.isErr()) console.log(`add api again  → '${again.error.kind}': ${again.error.message}`);

  // The same through nsupdate's language (names are relative to the root there: write them absolute).
  const script = `server 127.0.0.1 ${named.dnsPort}
zone dyn.test
update delete api.dyn.test. AAAA
update add mail.dyn.test. 300 A 192.0.2.25
update add dyn.test. 300 MX 10 mail.dyn.test.
send
update add forgotten.dyn.test. 300 A 192.0.2.99
`;
  const run = (await runNsupdateScript(script, { key: named.keys['hmac-sha256'] })).unwrap();
  console.log(`nsupdate script → exit ${run.exitCode}, ${run.sends.length} update(s) sent`);
  for (const warning of run.warnings) console.log(`  warning: ${warning.message}`);
} finally {
  updates.close();
  await named.stop();
}
