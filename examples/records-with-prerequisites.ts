/**
 * Add and remove records under prerequisites (RFC 2136 §2.4): each update is applied only if its
 * conditions hold on the server, atomically. A failing prerequisite comes back as an error whose
 * kind is the RCODE named answered, and nothing is changed.
 * Run: `node --import tsx examples/records-with-prerequisites.ts`.
 */
import type { Result } from 'ts-results-es';
import { Update, UpdateClient, type UpdateError, type UpdateResponse } from '../src/index.js';
import { runBinary, startNamed } from '../src/testing/index.js';

const named = await startNamed();
const updates = new UpdateClient({
  server: '127.0.0.1',
  port: named.dnsPort,
  key: named.keys['hmac-sha256'],
});

function report(step: string, result: Result<UpdateResponse, UpdateError>): void {
  if (result.isOk()) console.log(`${step.padEnd(46)} → ok`);
  else console.log(`${step.padEnd(46)} → '${result.error.kind}': ${result.error.message}`);
}

/** What named serves now (dig against the throwaway named). */
async function lookup(name: string, type: string): Promise<string> {
  const dig = await runBinary('dig', [
    '+short',
    '-p',
    String(named.dnsPort),
    '@127.0.0.1',
    name,
    type,
  ]);
  return dig.stdout.trim().split('\n').filter(Boolean).join(' ') || '(none)';
}

try {
  // Names are relative to the zone: `shop` is shop.dyn.test.
  report(
    'absent(shop) + add shop A',
    await updates.send(new Update('dyn.test').absent('shop').add('shop 300 A 192.0.2.1')),
  );
  report(
    'absent(shop) + add shop A, again',
    await updates.send(new Update('dyn.test').absent('shop').add('shop 300 A 192.0.2.2')),
  );
  report(
    'absent(shop, AAAA) + add shop AAAA',
    await updates.send(
      new Update('dyn.test').absent('shop', 'AAAA').add('shop 300 AAAA 2001:db8::1'),
    ),
  );
  report(
    'absent(shop, AAAA) + add shop AAAA, again',
    await updates.send(
      new Update('dyn.test').absent('shop', 'AAAA').add('shop 300 AAAA 2001:db8::2'),
    ),
  );
  report(
    'present(mail) + add mail A',
    await updates.send(new Update('dyn.test').present('mail').add('mail 300 A 192.0.2.25')),
  );
  report(
    'present(shop, MX) + delete shop MX',
    await updates.send(new Update('dyn.test').present('shop', 'MX').deleteRRset('shop', 'MX')),
  );
  // Compare-and-swap: replace the A record only if it is still exactly 192.0.2.1.
  report(
    'present([shop A 192.0.2.1]) + replace with .10',
    await updates.send(
      new Update('dyn.test').present(['shop 300 A 192.0.2.1']).replace('shop 300 A 192.0.2.10'),
    ),
  );
  report(
    'present([shop A 192.0.2.1]) + replace, again',
    await updates.send(
      new Update('dyn.test').present(['shop 300 A 192.0.2.1']).replace('shop 300 A 192.0.2.11'),
    ),
  );
  console.log(`shop A now    ${await lookup('shop.dyn.test', 'A')}`);
  console.log(`shop AAAA now ${await lookup('shop.dyn.test', 'AAAA')}`);
  console.log(`mail A now    ${await lookup('mail.dyn.test', 'A')}`);

  // Removing: one record, a whole RRset, or every record of a name.
  report(
    'present(shop, AAAA) + delete that record',
    await updates.send(
      new Update('dyn.test').present('shop', 'AAAA').deleteRecord('shop AAAA 2001:db8::1'),
    ),
  );
  report('deleteName(shop)', await updates.send(new Update('dyn.test').deleteName('shop')));
  console.log(`shop A now    ${await lookup('shop.dyn.test', 'A')}`);
} finally {
  updates.close();
  await named.stop();
}
