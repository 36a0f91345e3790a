/**
 * An order-independent digest of a zone's content, read with AXFR: each record in canonical form
 * (owner name lower-cased, type, class, TTL, RDATA with names expanded) is hashed, the hashes
 * are sorted and hashed again. Two servers with the same records have the same digest whatever
 * order their transfers come in. Memory: 32 bytes per record, bounded by `maxRecords`.
 */
import { createHash } from 'node:crypto';
import type { Key } from '../keys/key.js';
import type { Result } from '../result.js';
import { Err, Ok } from '../result.js';
import { encodeRecord } from '../update/message.js';
import { type AxfrError, type AxfrRecord, receiveAxfr } from '../xfr/axfr.js';

/** Default bound on the records of a compared zone. */
export const DEFAULT_DIGEST_MAX_RECORDS = 1_000_000;

/** A zone's digest. */
export interface ZoneDigest {
  /** SHA-256, hex. */
  readonly digest: string;
  /** The serial of the transfer. */
  readonly serial: number;
  /** Records digested (the closing SOA not counted). */
  readonly records: number;
}

/** The canonical bytes of one record. */
export function canonicalRecord(record: AxfrRecord): Buffer {
  return encodeRecord(record, record.name.toCanonicalWire());
}

/** Digest of a set of records, order-independent. */
export function digestRecords(records: Iterable<AxfrRecord>): string {
  const hashes: Buffer[] = [];
  for (const record of records)
    hashes.push(createHash('sha256').update(canonicalRecord(record)).digest());
  return combine(hashes);
}

function combine(hashes: Buffer[]): string {
  hashes.sort(Buffer.compare);
  const outer = createHash('sha256');
  for (const hash of hashes) outer.update(hash);
  return outer.digest('hex');
}

/** Transfers `zone` from one server and digests it. Never throws; settles by the deadline. */
export async function zoneDigest(options: {
  readonly host: string;
  readonly port: number;
  readonly zone: string;
  readonly key?: Key | undefined;
  readonly deadline: number;
  readonly signal?: AbortSignal | undefined;
  readonly maxRecords?: number;
}): Promise<Result<ZoneDigest, AxfrError>> {
  const hashes: Buffer[] = [];
  const result = await receiveAxfr({
    host: options.host,
    port: options.port,
    zone: options.zone,
    key: options.key,
    timeoutMs: Math.max(1, options.deadline - Date.now()),
    messageTimeoutMs: Math.max(1, options.deadline - Date.now()),
    maxRecords: options.maxRecords ?? DEFAULT_DIGEST_MAX_RECORDS,
    signal: options.signal,
    onRecords: (records) => {
      for (const record of records)
        hashes.push(createHash('sha256').update(canonicalRecord(record)).digest());
    },
  });
  if (result.isErr()) return Err(result.error);
  return Ok({ digest: combine(hashes), serial: result.value.serial, records: hashes.length });
}
