/**
 * IXFR over TCP (RFC 1995): asks for the differences since `serial` and reads the answer with
 * {@link XfrReader} — incremental differences, "up to date", or the whole zone when the server
 * falls back to an AXFR-style answer. One connection, one query; every read bounded in bytes,
 * records and time; TSIG over every message as for AXFR. Never throws.
 */
import { isIP } from 'node:net';
import { Err, type Result } from '../result.js';
import { CLASS_IN, TYPE_SOA } from '../update/message.js';
import { Name, parseName } from '../update/names.js';
import { keyName, signRequest } from '../update/tsig.js';
import { AxfrError, type AxfrErrorKind } from './axfr.js';
import { runTransferConnection } from './connection.js';
import { type IxfrResult, TYPE_IXFR, XfrReader } from './reader.js';
import type { TransferOptions } from './transfer.js';

/** Options of {@link transferIncremental}. */
export interface IncrementalTransferOptions extends TransferOptions {
  /** The serial we have: the server sends what changed after it. */
  readonly serial: number;
  /** The clock, seconds since the epoch (tests). */
  readonly now?: (() => number) | undefined;
}

/**
 * The IXFR query: question `zone IXFR IN`, and in the authority section our SOA — only its serial
 * matters to the server (RFC 1995 §3), so the other fields are left empty.
 */
export function encodeIxfrQuery(id: number, zone: Name, serial: number): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(1, 4); // QDCOUNT
  header.writeUInt16BE(1, 8); // NSCOUNT
  const question = Buffer.alloc(4);
  question.writeUInt16BE(TYPE_IXFR, 0);
  question.writeUInt16BE(CLASS_IN, 2);
  const rdata = Buffer.alloc(2 + 20); // root MNAME, root RNAME, five u32
  rdata.writeUInt32BE(serial >>> 0, 2);
  const fixed = Buffer.alloc(10);
  fixed.writeUInt16BE(TYPE_SOA, 0);
  fixed.writeUInt16BE(CLASS_IN, 2);
  fixed.writeUInt16BE(rdata.length, 8);
  // The SOA owner is the zone: a pointer to the question name at offset 12.
  return Buffer.concat([header, zone.toWire(), question, Buffer.from([0xc0, 0x0c]), fixed, rdata]);
}

/**
 * Asks `options.server` for the changes to `zone` since `options.serial` (IXFR over TCP).
 *
 * @returns `incremental` with the differences in order, `up-to-date` when the server has nothing
 * newer, or `full` with the whole zone when it answered AXFR-style; an {@link AxfrError} otherwise
 * (refused, notauth, tsig with the message number, framing for a broken difference sequence,
 * incomplete, too-large, timeout, aborted, network).
 *
 * @example
 * const r = await transferIncremental('example.com', { server: '127.0.0.1', serial: 41, key });
 * if (r.isOk() && r.value.kind === 'incremental')
 *   for (const d of r.value.deltas) console.log(d.fromSerial, '→', d.toSerial, d.added.length);
 */
export async function transferIncremental(
  zone: string,
  options: IncrementalTransferOptions,
): Promise<Result<IxfrResult, AxfrError>> {
  const port = options.port ?? 53;
  const server = `${options.server}#${port}`;
  const fail = (kind: AxfrErrorKind, message: string, extra: { cause?: unknown } = {}) =>
    Err(new AxfrError({ kind, message, ...extra }, { server, zone }));
  const name = parseName(zone.endsWith('.') ? zone : `${zone}.`, Name.root);
  if (name.isErr())
    return fail('invalid-argument', `zone ${JSON.stringify(zone)}: ${name.error.message}`);
  if (isIP(options.server) === 0)
    return fail('invalid-argument', `${JSON.stringify(options.server)} is not an IP address`);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    return fail('invalid-argument', `port ${port} is not a TCP port number`);
  if (!Number.isInteger(options.serial) || options.serial < 0 || options.serial > 0xffffffff)
    return fail('invalid-argument', `serial ${options.serial} is not a 32-bit unsigned integer`);
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const id = Math.floor(Math.random() * 0x10000);
  let query = encodeIxfrQuery(id, name.value, options.serial);
  let queryMac: Buffer | undefined;
  if (options.key) {
    if (!keyName(options.key))
      return fail('invalid-argument', `the key name ${options.key.name} is not a domain name`);
    const signed = signRequest(query, options.key, { time: now() })!;
    query = signed.message;
    queryMac = signed.mac;
  }
  const reader = new XfrReader({
    zone: name.value,
    server,
    id,
    mode: { kind: 'ixfr', serial: options.serial },
    key: options.key,
    queryMac,
    now,
    ...(options.maxRecords !== undefined ? { maxRecords: options.maxRecords } : {}),
  });
  const outcome = await runTransferConnection({
    type: 'IXFR',
    host: options.server,
    port,
    server,
    zone,
    zoneName: name.value.toString(),
    query,
    reader,
    timeoutMs: options.timeoutMs,
    messageTimeoutMs: options.messageTimeoutMs,
    maxBytes: options.maxBytes,
    signal: options.signal,
  });
  return outcome.map((done) => done.result);
}
