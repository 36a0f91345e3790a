/**
 * The control-channel client of a run, configured exactly like rndc (`resolveRndcTarget`: -c, -k,
 * -s, -p, -y, -b), with -t as the deadline. `-V` prints what was chosen — file names, server,
 * addresses, key name and algorithm, never the secret.
 */

import { RndcClient } from '../control/client.js';
import type { ConfigError } from '../errors.js';
import { resolveRndcTarget } from '../keys/resolve.js';
import { Err, Ok, type Result } from '../result.js';
import type { GlobalSettings } from './args.js';
import { type CliIo, PROGRAM } from './io.js';

/** A connected (lazily) client and where it points. */
export interface Connection {
  readonly client: RndcClient;
  /** `host#port` of the first address. */
  readonly server: string;
}

/** Prints a `-V` line on stderr. */
export function verbose(io: CliIo, settings: GlobalSettings, line: string): void {
  if (settings.verbose) io.stderr.write(`${PROGRAM}: ${line}\n`);
}

/** Resolves rndc's configuration and creates the client; configuration problems are errors. */
export async function connectFromSettings(
  settings: GlobalSettings,
  io: CliIo,
): Promise<Result<Connection, ConfigError>> {
  // The rest are rndc's -c -k -s -p -y -b, given or absent, as resolveRndcTarget takes them.
  const { timeoutMs, quiet, showResult, verbose: _verbose, json, ...choices } = settings;
  const target = await resolveRndcTarget({ ...choices, baseDir: io.cwd });
  if (target.isErr()) return Err(target.error);
  const t = target.value;
  for (const warning of t.warnings) io.stderr.write(`${PROGRAM}: warning: ${warning}\n`);
  verbose(
    io,
    settings,
    t.mode === 'config'
      ? `using configuration file ${t.configFile}`
      : `using key file ${t.keyFile} (no rndc.conf)`,
  );
  verbose(
    io,
    settings,
    `using server ${t.server} (${t.addresses.map((a) => `${a.host}#${a.port}`).join(', ')})`,
  );
  verbose(io, settings, `using key "${t.key.name}" (${t.key.algorithm})`);
  if (t.sourceAddress) verbose(io, settings, `using source address ${t.sourceAddress}`);
  if (t.sourceAddressV6) verbose(io, settings, `using source address ${t.sourceAddressV6}`);
  const first = t.addresses[0];
  const client = RndcClient.connect({
    key: t.key,
    addresses: t.addresses,
    ...(first ? { host: first.host, port: first.port } : {}),
    ...(t.sourceAddress ? { sourceAddress: t.sourceAddress } : {}),
    ...(t.sourceAddressV6 ? { sourceAddressV6: t.sourceAddressV6 } : {}),
    timeoutMs: settings.timeoutMs,
    maxConnections: 1,
  });
  return Ok({ client, server: client.server });
}
