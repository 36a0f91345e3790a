/**
 * TSIG (RFC 8945) for one request/response exchange: signing requests and verifying replies,
 * the way BIND 9.18 does it (research/update-tsig.md §2). Pure: the caller supplies the clock.
 *
 *   request MAC  = HMAC(key, message-without-TSIG ‖ variables)
 *   response MAC = HMAC(key, u16 len(requestMAC) ‖ requestMAC ‖ reply-without-TSIG ‖ variables)
 *   variables    = canon(keyname) ‖ u16 ANY ‖ u32 0 ‖ canon(algorithm) ‖ u48 time ‖ u16 fudge
 *                  ‖ u16 error ‖ u16 other-len ‖ other
 *
 * "Without TSIG" means ARCOUNT decremented and the ID replaced by the TSIG's Original ID (§4.3).
 * Truncation is BIND's: the algorithm keeps its plain name and the MAC is shortened
 * (`hmac-sha256-128` in named.conf → `hmac-sha256.` with a 16-byte MAC, RFC 4635 §3.1).
 */
import { timingSafeEqual } from 'node:crypto';
import { DIGEST_BYTES, type HmacAlgorithm, type Key } from '../keys/key.js';
import { Name, parseName } from './names.js';

/** RR type of TSIG (RFC 8945 §4.2). */
export const TYPE_TSIG = 250;
/** CLASS ANY. */
export const CLASS_ANY = 255;
/** Fudge used by BIND, nsupdate, dnspython and miekg/dns alike. */
export const DEFAULT_FUDGE = 300;

/** TSIG error codes (RFC 8945 §3, RFC 2845). */
export const TSIG_ERRORS: Readonly<Record<number, string>> = {
  16: 'BADSIG',
  17: 'BADKEY',
  18: 'BADTIME',
  22: 'BADTRUNC',
};

/** Wire names of the algorithms, as BIND sends and expects them. */
const ALGORITHM_NAMES: Readonly<Record<HmacAlgorithm, string>> = {
  'hmac-md5': 'hmac-md5.sig-alg.reg.int.',
  'hmac-sha1': 'hmac-sha1.',
  'hmac-sha224': 'hmac-sha224.',
  'hmac-sha256': 'hmac-sha256.',
  'hmac-sha384': 'hmac-sha384.',
  'hmac-sha512': 'hmac-sha512.',
};

/** The algorithm's name on the wire, as a Name. */
export function algorithmName(algorithm: HmacAlgorithm): Name {
  return parseName(ALGORITHM_NAMES[algorithm], Name.root).unwrap();
}

/** The key's name as a Name (absolute; key names in BIND are always absolute). */
export function keyName(key: Key): Name | undefined {
  const parsed = parseName(key.name.endsWith('.') ? key.name : `${key.name}.`, Name.root);
  return parsed.isOk() ? parsed.value : undefined;
}

/** The MAC length this key sends: the full digest, or BIND's truncated length. */
export function macLength(key: Key): number {
  return key.truncatedBits === undefined ? DIGEST_BYTES[key.algorithm] : key.truncatedBits / 8;
}

/** The fields of a TSIG RR's RDATA. */
export interface TsigRecord {
  /** Owner name: the key name. */
  readonly keyName: Name;
  readonly algorithm: Name;
  /** Seconds since the epoch (u48). */
  readonly timeSigned: number;
  readonly fudge: number;
  readonly mac: Buffer;
  readonly originalId: number;
  readonly error: number;
  readonly otherData: Buffer;
}

/** Options of {@link signRequest}. */
export interface SignOptions {
  /** Unix time in seconds. */
  readonly time: number;
  readonly fudge?: number;
}

/** A signed request. */
export interface SignedRequest {
  /** The message with the TSIG RR appended and ARCOUNT incremented. */
  readonly message: Buffer;
  /** The MAC as sent (truncated when the key asks for it): needed to verify the reply. */
  readonly mac: Buffer;
}

/**
 * Signs `message` (a complete DNS message without TSIG) with `key`. The Original ID is the
 * message's ID. Returns undefined only when the key name is not a valid DNS name.
 */
export function signRequest(
  message: Buffer,
  key: Key,
  options: SignOptions,
): SignedRequest | undefined {
  const name = keyName(key);
  if (!name) return undefined;
  const algorithm = algorithmName(key.algorithm);
  const fudge = options.fudge ?? DEFAULT_FUDGE;
  const variables = tsigVariables(name, algorithm, options.time, fudge, 0, Buffer.alloc(0));
  const mac = key.hmac(Buffer.concat([message, variables])).subarray(0, macLength(key));
  const originalId = message.readUInt16BE(0);
  const rr = encodeTsigRecord({
    keyName: name,
    algorithm,
    timeSigned: options.time,
    fudge,
    mac,
    originalId,
    error: 0,
    otherData: Buffer.alloc(0),
  });
  const signed = Buffer.concat([message, rr]);
  signed.writeUInt16BE(signed.readUInt16BE(10) + 1, 10);
  return { message: signed, mac };
}

/** The TSIG RR (owner, type, class, ttl, rdlength, rdata); names are never compressed. */
export function encodeTsigRecord(record: TsigRecord): Buffer {
  const time = Buffer.alloc(8);
  time.writeUIntBE(record.timeSigned, 0, 6);
  time.writeUInt16BE(record.fudge, 6);
  const macSize = Buffer.alloc(2);
  macSize.writeUInt16BE(record.mac.length);
  const tail = Buffer.alloc(6);
  tail.writeUInt16BE(record.originalId, 0);
  tail.writeUInt16BE(record.error, 2);
  tail.writeUInt16BE(record.otherData.length, 4);
  const rdata = Buffer.concat([
    record.algorithm.toWire(),
    time,
    macSize,
    record.mac,
    tail,
    record.otherData,
  ]);
  const header = Buffer.alloc(10);
  header.writeUInt16BE(TYPE_TSIG, 0);
  header.writeUInt16BE(CLASS_ANY, 2);
  header.writeUInt32BE(0, 4);
  header.writeUInt16BE(rdata.length, 8);
  return Buffer.concat([record.keyName.toWire(), header, rdata]);
}

/** The TSIG variables that follow the message in the MAC input (RFC 8945 §4.3.3). */
export function tsigVariables(
  name: Name,
  algorithm: Name,
  time: number,
  fudge: number,
  error: number,
  otherData: Buffer,
): Buffer {
  const middle = Buffer.alloc(6);
  middle.writeUInt16BE(CLASS_ANY, 0);
  middle.writeUInt32BE(0, 2);
  const timers = Buffer.alloc(12);
  timers.writeUIntBE(time, 0, 6);
  timers.writeUInt16BE(fudge, 6);
  timers.writeUInt16BE(error, 8);
  timers.writeUInt16BE(otherData.length, 10);
  return Buffer.concat([
    name.toCanonicalWire(),
    middle,
    algorithm.toCanonicalWire(),
    timers,
    otherData,
  ]);
}

/** Result of checking a reply's TSIG. */
export type TsigVerdict =
  /** MAC verified and time within the fudge. `error` is the TSIG error the server set (0, BADTIME…). */
  | {
      readonly kind: 'verified';
      readonly record: TsigRecord;
      readonly serverTime: number | undefined;
    }
  /** The server's error reply carries no MAC (BADSIG, BADKEY): it cannot be authenticated. */
  | { readonly kind: 'unsigned-error'; readonly record: TsigRecord }
  /** The reply has no TSIG at all. */
  | { readonly kind: 'missing' }
  /** Another key or algorithm answered. */
  | { readonly kind: 'wrong-key'; readonly record: TsigRecord }
  /** The MAC is shorter than the rules allow, longer than the digest, or shorter than ours. */
  | { readonly kind: 'bad-truncation'; readonly record: TsigRecord }
  /** The MAC does not verify. */
  | { readonly kind: 'bad-mac'; readonly record: TsigRecord }
  /** MAC fine but the reply was signed outside our clock ± fudge. */
  | { readonly kind: 'bad-time'; readonly record: TsigRecord; readonly skew: number };

/**
 * Verifies a reply's TSIG against the request MAC as sent. `reply` is the whole reply,
 * `tsigStart` the offset of its TSIG RR (the last RR), `record` the parsed RR.
 */
export function verifyResponse(
  reply: Buffer,
  tsig: { readonly start: number; readonly record: TsigRecord } | undefined,
  key: Key,
  requestMac: Buffer,
  now: number,
): TsigVerdict {
  if (!tsig) return { kind: 'missing' };
  const { record, start } = tsig;
  const name = keyName(key);
  if (
    !name ||
    !record.keyName.equals(name) ||
    !record.algorithm.equals(algorithmName(key.algorithm))
  ) {
    return { kind: 'wrong-key', record };
  }
  if (record.mac.length === 0) return { kind: 'unsigned-error', record };
  const full = DIGEST_BYTES[key.algorithm];
  // RFC 8945 §5.2.2.1: longer than the digest, or shorter than max(10, half) is malformed; a
  // reply MAC shorter than the one we sent is weaker than we asked for (BIND echoes our length).
  const minimum = Math.max(10, Math.ceil(full / 2));
  if (
    record.mac.length > full ||
    record.mac.length < minimum ||
    record.mac.length < requestMac.length
  ) {
    return { kind: 'bad-truncation', record };
  }
  const unsigned = Buffer.from(reply.subarray(0, start));
  unsigned.writeUInt16BE(record.originalId, 0);
  unsigned.writeUInt16BE(unsigned.readUInt16BE(10) - 1, 10);
  const requestMacLength = Buffer.alloc(2);
  requestMacLength.writeUInt16BE(requestMac.length);
  const variables = tsigVariables(
    record.keyName,
    record.algorithm,
    record.timeSigned,
    record.fudge,
    record.error,
    record.otherData,
  );
  const expected = key
    .hmac(Buffer.concat([requestMacLength, requestMac, unsigned, variables]))
    .subarray(0, record.mac.length);
  if (!timingSafeEqual(expected, record.mac)) return { kind: 'bad-mac', record };
  const serverTime = record.otherData.length === 6 ? record.otherData.readUIntBE(0, 6) : undefined;
  // BADTIME replies echo our time and carry the server's clock in Other Data; report, don't judge.
  const skew = now - record.timeSigned;
  if (record.error === 0 && Math.abs(skew) > record.fudge)
    return { kind: 'bad-time', record, skew };
  return { kind: 'verified', record, serverTime };
}

/** Decodes TSIG RDATA; undefined when malformed. `owner` is the RR's owner name. */
export function decodeTsigRdata(
  owner: Name,
  rdata: Buffer,
  decodeNameAt: (buf: Buffer, offset: number) => { name: Name; end: number } | undefined,
): TsigRecord | undefined {
  const algorithm = decodeNameAt(rdata, 0);
  if (!algorithm) return undefined;
  let offset = algorithm.end;
  if (offset + 10 > rdata.length) return undefined;
  const timeSigned = rdata.readUIntBE(offset, 6);
  const fudge = rdata.readUInt16BE(offset + 6);
  const macSize = rdata.readUInt16BE(offset + 8);
  offset += 10;
  if (offset + macSize + 6 > rdata.length) return undefined;
  const mac = Buffer.from(rdata.subarray(offset, offset + macSize));
  offset += macSize;
  const originalId = rdata.readUInt16BE(offset);
  const error = rdata.readUInt16BE(offset + 2);
  const otherLength = rdata.readUInt16BE(offset + 4);
  offset += 6;
  if (offset + otherLength !== rdata.length) return undefined;
  const otherData = Buffer.from(rdata.subarray(offset));
  return {
    keyName: owner,
    algorithm: algorithm.name,
    timeSigned,
    fudge,
    mac,
    originalId,
    error,
    otherData,
  };
}
