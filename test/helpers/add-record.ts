// One signed UPDATE that adds a record to dyn.test: what many integration files do to give named
// a pending change.
import type { NamedInstance } from '../../src/testing/index.js';
import { UpdateClient } from '../../src/update/client.js';
import { Update } from '../../src/update/update.js';

let added = 0;

/**
 * Adds one A record to dyn.test through a TSIG-signed UPDATE (hmac-sha256 key of `named`) and
 * returns its owner name (`<prefix>N.dyn.test`, N counting up per test file). Throws when named
 * refuses it.
 */
export async function addRecord(
  named: Pick<NamedInstance, 'dnsPort' | 'keys'>,
  prefix = 'r',
): Promise<string> {
  added++;
  const updates = new UpdateClient({
    server: '127.0.0.1',
    port: named.dnsPort,
    key: named.keys['hmac-sha256'],
  });
  try {
    const owner = `${prefix}${added}`;
    (
      await updates.send(new Update('dyn.test').add(`${owner} 300 A 192.0.2.${added % 250}`))
    ).unwrap();
    return `${owner}.dyn.test`;
  } finally {
    updates.close();
  }
}
