// Zone layouts several integration files start named in.
import { chmod, chown, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { StartNamedOptions } from '../../src/testing/index.js';

/** uid/gid of `nobody`, the unprivileged user named runs as with `-u nobody`. */
export const NOBODY = 65534;

/** dyn.test's journal in a writable `jnl/` directory: UPDATEs work whatever the zone directory. */
export const JOURNAL_ELSEWHERE = 'journal "jnl/dyn.test.db.jnl";';

/**
 * named -u nobody with a zones directory it cannot write (chmod 555) and dyn.test's journal in a
 * writable directory: updates are accepted, every dump of the zone file fails at open().
 */
export function readOnlyZonesDir(): StartNamedOptions {
  return {
    user: 'nobody',
    zones: [{ name: 'dyn.test', kind: 'dynamic', options: JOURNAL_ELSEWHERE }],
    beforeStart: async ({ dir }) => {
      await mkdir(join(dir, 'jnl'));
      await chown(join(dir, 'jnl'), NOBODY, NOBODY);
      await chmod(join(dir, 'zones'), 0o555);
    },
  };
}
