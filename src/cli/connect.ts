/**
 * The control-channel client of a run, configured exactly like rndc (`resolveRndcTarget`: -c, -k,
 * -s, -p, -y, -b), with -t as the deadline. `-V` prints what was chosen — file names, server,
 * addresses, key name and algorithm, never the secret.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { RndcClient } from '../control/client.js';
import { ConfigError } from '../errors.js';
import {
  MAX_SERVER_ADDRESSES,
  type RndcTargetAddress,
  resolveRndcTarget,
} from '../keys/resolve.js';
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
  const { timeoutMs, quiet, showResult, verbose: _verbose, json, family, ...choices } = settings;
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
  const resolved = await serverAddresses(t.addresses, family);
  if (resolved.isErr()) return resolved;
  const addresses = resolved.value;
  verbose(
    io,
    settings,
    `using server ${t.server} (${addresses.map((a) => `${a.host}#${a.port}`).join(', ')})`,
  );
  verbose(io, settings, `using key "${t.key.name}" (${t.key.algorithm})`);
  if (t.sourceAddress) verbose(io, settings, `using source address ${t.sourceAddress}`);
  if (t.sourceAddressV6) verbose(io, settings, `using source address ${t.sourceAddressV6}`);
  const first = addresses[0];
  const client = RndcClient.connect({
    key: t.key,
    addresses,
    ...(first ? { host: first.host, port: first.port } : {}),
    ...(t.sourceAddress ? { sourceAddress: t.sourceAddress } : {}),
    ...(t.sourceAddressV6 ? { sourceAddressV6: t.sourceAddressV6 } : {}),
    timeoutMs: settings.timeoutMs,
    maxConnections: 1,
  });
  return Ok({ client, server: client.server });
}

/**
 * The server's addresses as rndc finds them: names looked up (every address, in the resolver's
 * order), only the family of -4/-6 kept, at most rndc's ten. A name without an address of that
 * family is rndc's "couldn't get address for 'NAME': …": nothing was sent, nothing to refuse.
 */
async function serverAddresses(
  addresses: readonly RndcTargetAddress[],
  family: 4 | 6 | undefined,
): Promise<Result<RndcTargetAddress[], ConfigError>> {
  const found: RndcTargetAddress[] = [];
  for (const { host, port } of addresses) {
    let hosts: string[];
    // Only a colon can make an IPv6 literal (net.isIPv6's first call costs startup time).
    const literal = isIPv4(host) ? 4 : host.includes(':') && isIPv6(host) ? 6 : 0;
    if (literal !== 0) {
      if (family === 4 && literal === 6) {
        return Err(noAddress(host, 'address family not supported'));
      }
      // rndc -6 reaches an IPv4 address as its IPv4-mapped IPv6 address.
      hosts = [family === 6 && literal === 4 ? `::ffff:${host}` : host];
    } else {
      try {
        // Loaded for names only: an address needs no resolver (startup cost).
        const { lookup } = await import('node:dns/promises');
        const all = await lookup(host, { all: true, family: family ?? 0, verbatim: true });
        hosts = all.map((entry) => entry.address);
      } catch {
        return Err(noAddress(host, 'not found'));
      }
      if (hosts.length === 0) return Err(noAddress(host, 'not found'));
    }
    for (const address of hosts) {
      if (found.length < MAX_SERVER_ADDRESSES) found.push({ host: address, port });
    }
  }
  return Ok(found);
}

const noAddress = (host: string, why: string) =>
  new ConfigError({ kind: 'no-server', message: `couldn't get address for '${host}': ${why}` });
