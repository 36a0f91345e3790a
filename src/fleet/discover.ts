/**
 * Finds the servers of a zone from the DNS itself: the zone's NS set and the SOA MNAME, each
 * name resolved to its A and AAAA addresses, all asked of one server — the primary (RD=0,
 * authoritative for in-zone names) or a resolver the caller names (RD=1). Hidden secondaries
 * (not in the NS set, e.g. only in the primary's also-notify) cannot be found this way: the
 * caller lists them explicitly.
 */
import type { Key } from '../keys/key.js';
import { TYPE_SOA } from '../update/message.js';
import { decodeName, type Name } from '../update/names.js';
import { queryServer } from './query.js';

const TYPE_A = 1;
const TYPE_NS = 2;
const TYPE_AAAA = 28;

/** Default bound on the server names a discovery follows. */
export const DEFAULT_MAX_DISCOVERED = 32;

/** A server found by discovery. */
export interface DiscoveredServer {
  /** Its name, absolute (`ns1.example.com.`). */
  readonly name: string;
  /** One of its addresses (a name with several gives one entry per address). */
  readonly address: string;
  /** In the NS set, the SOA MNAME, or both. */
  readonly roles: readonly ('ns' | 'mname')[];
}

/** Where and how discovery asks. */
export interface DiscoveryQuery {
  /** The server asked: an address (or a host name). */
  readonly host: string;
  /** Its DNS port. */
  readonly port: number;
  /** Sign the queries; only verified answers are used. */
  readonly key?: Key | undefined;
  /** RD=1: the server is a resolver. */
  readonly recursive: boolean;
  /** Absolute deadline, `Date.now()` ms. */
  readonly deadline: number;
  /** Ends the discovery early. */
  readonly signal?: AbortSignal | undefined;
  /** Most server names followed. Default 32. */
  readonly maxServers?: number | undefined;
}

/** What discovery found, and what it could not resolve. */
export interface Discovery {
  /** Every address of every name found, sorted by name. */
  readonly servers: readonly DiscoveredServer[];
  /** Names whose addresses could not be found, with why. */
  readonly unresolved: readonly UnresolvedName[];
}

/** A name discovery could not resolve. */
export interface UnresolvedName {
  /** The name (or the zone, when its NS or SOA query failed). */
  readonly name: string;
  /** Why. */
  readonly reason: string;
}

/** Discovers the servers of `zone`. Never throws; bounded by the deadline. */
export async function discoverServers(zone: Name, via: DiscoveryQuery): Promise<Discovery> {
  const ask = (name: Name, type: number) =>
    queryServer(name, type, {
      host: via.host,
      port: via.port,
      key: via.key,
      recursionDesired: via.recursive,
      deadline: via.deadline,
      signal: via.signal,
    });
  const [ns, soa] = await Promise.all([ask(zone, TYPE_NS), ask(zone, TYPE_SOA)]);
  const names = new Map<string, { name: Name; roles: Set<'ns' | 'mname'> }>();
  const unresolved: { name: string; reason: string }[] = [];
  const note = (name: Name, role: 'ns' | 'mname') => {
    const key = name.toCanonical().toString();
    const entry = names.get(key) ?? { name, roles: new Set() };
    entry.roles.add(role);
    names.set(key, entry);
  };
  for (const [outcome, type, role] of [
    [ns, TYPE_NS, 'ns'],
    [soa, TYPE_SOA, 'mname'],
  ] as const) {
    if (outcome.kind !== 'reply') {
      unresolved.push({
        name: zone.toString(),
        reason: `${role === 'ns' ? 'NS' : 'SOA'} query: ${outcome.failure.message}`,
      });
      continue;
    }
    for (const record of outcome.reply.sections[0]) {
      if (record.type !== type || !record.name.equals(zone)) continue;
      const target = decodeName(outcome.raw, record.rdataOffset);
      if (target.isOk()) note(target.value.name, role);
    }
  }
  const max = via.maxServers ?? DEFAULT_MAX_DISCOVERED;
  const entries = [...names.values()].slice(0, max);
  const servers: DiscoveredServer[] = [];
  await Promise.all(
    entries.map(async ({ name, roles }) => {
      const found: string[] = [];
      const reasons: string[] = [];
      for (const type of [TYPE_A, TYPE_AAAA]) {
        const outcome = await ask(name, type);
        if (outcome.kind !== 'reply') {
          reasons.push(outcome.failure.message);
          continue;
        }
        for (const record of outcome.reply.sections[0]) {
          if (record.type !== type || !record.name.equals(name)) continue;
          const address = addressText(record.rdata, type);
          if (address && !found.includes(address)) found.push(address);
        }
      }
      if (found.length === 0)
        unresolved.push({
          name: name.toString(),
          reason: reasons.join('; ') || 'no A or AAAA record',
        });
      for (const address of found)
        servers.push({ name: name.toString(), address, roles: [...roles].sort() });
    }),
  );
  servers.sort((a, b) =>
    a.name === b.name ? a.address.localeCompare(b.address) : a.name.localeCompare(b.name),
  );
  return { servers, unresolved };
}

function addressText(rdata: Buffer, type: number): string | undefined {
  if (type === TYPE_A && rdata.length === 4) return [...rdata].join('.');
  if (type === TYPE_AAAA && rdata.length === 16) {
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2) groups.push(rdata.readUInt16BE(i).toString(16));
    // Compress the longest run of zero groups (RFC 5952 §4.2) via URL parsing of the full form.
    return new URL(`http://[${groups.join(':')}]`).hostname.slice(1, -1);
  }
  return undefined;
}
