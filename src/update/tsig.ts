/**
 * TSIG (RFC 8945) for one request/response exchange: signing requests and verifying replies,
 * the way BIND 9.18 does it (lib/dns/tsig.c in BIND's source). Pure: the caller supplies the clock.
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
  let name = ALGORITHM_WIRE_NAMES.get(algorithm);
  if (!name) {
    name = parseName(ALGORITHM_NAMES[algorithm], Name.root).unwrap();
    ALGORITHM_WIRE_NAMES.set(algorithm, name);
  }
  return name;
}

const ALGORITHM_WIRE_NAMES = new Map<HmacAlgorithm, Name>();

/** The key's name as a Name (absolute; key names in BIND are always absolute). */
export function keyName(key: Key): Name | undefined {
  return keyWire(key)?.name;
}

/**
 * What signing and verifying with a key needs besides the secret, made once per key (a `Key`
 * never changes): its name, the wire forms, and the start of the TSIG variables (§4.3.3).
 */
interface KeyWire {
  readonly name: Name;
  readonly algorithm: Name;
  /** The TSIG RR's owner as sent (the key name, case kept). */
  readonly owner: Buffer;
  /** The algorithm name on the wire (already lower case). */
  readonly algorithmWire: Buffer;
  /** canon(key name) ‖ u16 ANY ‖ u32 0 ‖ canon(algorithm): the variables up to Time Signed. */
  readonly variablesHead: Buffer;
}

/** Per key; `null` when the key's name is not a valid DNS name. */
const KEY_WIRES = new WeakMap<Key, KeyWire | null>();

function keyWire(key: Key): KeyWire | undefined {
  let wire = KEY_WIRES.get(key);
  if (wire === undefined) {
    const parsed = parseName(key.name.endsWith('.') ? key.name : `${key.name}.`, Name.root);
    if (parsed.isOk()) {
      const name = parsed.value;
      const algorithm = algorithmName(key.algorithm);
      const head = Buffer.alloc(name.wireLength + 6 + algorithm.wireLength);
      algorithm.writeCanonicalWire(head, name.writeCanonicalWire(head, 0) + 6);
      head.writeUInt16BE(CLASS_ANY, name.wireLength);
      wire = {
        name,
        algorithm,
        owner: name.toWire(),
        algorithmWire: algorithm.toCanonicalWire(),
        variablesHead: head,
      };
    } else {
      wire = null;
    }
    KEY_WIRES.set(key, wire);
  }
  return wire ?? undefined;
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
  readonly fudge?: number | undefined;
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
  const wire = keyWire(key);
  if (!wire) return undefined;
  const fudge = options.fudge ?? DEFAULT_FUDGE;
  const timers = Buffer.allocUnsafe(12);
  timers.writeUIntBE(options.time, 0, 6);
  timers.writeUInt16BE(fudge, 6);
  timers.writeUInt32BE(0, 8); // error 0, no other data
  const mac = key.hmac(message, wire.variablesHead, timers).subarray(0, macLength(key));
  // The message, then the TSIG RR: owner, TYPE, CLASS, TTL, RDLENGTH, then the RDATA —
  // algorithm, Time Signed and Fudge (= the timers' first 8 bytes), MAC size, MAC, Original ID,
  // Error, Other Len (§4.2). Every byte is written: one buffer from the pool.
  const { owner, algorithmWire } = wire;
  const rdlength = algorithmWire.length + 10 + mac.length + 6;
  const signed = Buffer.allocUnsafe(message.length + owner.length + 10 + rdlength);
  message.copy(signed, 0);
  let at = message.length;
  signed.set(owner, at);
  at += owner.length;
  at = signed.writeUInt16BE(TYPE_TSIG, at);
  at = signed.writeUInt16BE(CLASS_ANY, at);
  at = signed.writeUInt32BE(0, at);
  at = signed.writeUInt16BE(rdlength, at);
  signed.set(algorithmWire, at);
  at += algorithmWire.length;
  timers.copy(signed, at, 0, 8);
  at = signed.writeUInt16BE(mac.length, at + 8);
  signed.set(mac, at);
  at += mac.length;
  at = signed.writeUInt16BE(message.readUInt16BE(0), at);
  signed.writeUInt32BE(0, at);
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

/**
 * One check a reply's TSIG passed (RFC 8945 §5.4 → §5.2):
 * - `key`: the owner is our key's name and the algorithm our key's (§5.2.1; BIND's client rule);
 * - `mac-length`: the MAC is not longer than the digest, not below max(10, half the digest)
 *   (§5.2.2.1) and not shorter than the MAC we sent — BIND's rule for its truncated keys: a
 *   `hmac-sha256-128` key accepts 16 bytes or more, a plain key only the full digest (§5.2.4);
 * - `mac`: the MAC verifies over our request MAC and the reply (§4.3.1);
 * - `time`: Time Signed is within Fudge of our clock (§5.2.3);
 * - `original-id`: the Original ID is our request's ID (§4.2, covered by the MAC).
 */
export type TsigCheck = 'key' | 'mac-length' | 'mac' | 'time' | 'original-id';

/** Every check of a verified reply, in the order they are made. */
export const TSIG_CHECKS: readonly TsigCheck[] = [
  'key',
  'mac-length',
  'mac',
  'time',
  'original-id',
];

/** TSIG error codes a server may send unsigned (MAC size 0): RFC 8945 §5.3.2. */
const UNSIGNED_ERRORS: ReadonlySet<number> = new Set([16, 17]);

/** Result of checking a reply's TSIG. */
export type TsigVerdict =
  /**
   * Every check passed: the reply is the server's. `record.error` is the TSIG error the server
   * set (0, or a signed BADTIME/BADTRUNC).
   */
  | {
      readonly kind: 'verified';
      readonly record: TsigRecord;
      readonly checks: readonly TsigCheck[];
      readonly serverTime: number | undefined;
    }
  /**
   * The server's own BADSIG or BADKEY error, which RFC 8945 §5.3.2 sends without a MAC (MAC size
   * 0) because it could not check our MAC. Anyone can forge it: it is never authenticated.
   */
  | { readonly kind: 'unsigned-error'; readonly record: TsigRecord }
  /** The reply has no TSIG at all (§5.4: a format error, discarded). */
  | { readonly kind: 'missing' }
  /** Another key or algorithm answered. */
  | { readonly kind: 'wrong-key'; readonly record: TsigRecord }
  /** MAC size 0 with a TSIG error other than BADSIG/BADKEY (or none): only §5.3.2 may omit the MAC. */
  | { readonly kind: 'empty-mac'; readonly record: TsigRecord }
  /**
   * The MAC is longer than the digest, shorter than max(10, half the digest) (§5.2.2.1), or
   * shorter than the `minimum` this key accepts (BIND's BADTRUNC rule, §5.2.4).
   */
  | { readonly kind: 'bad-truncation'; readonly record: TsigRecord; readonly minimum: number }
  /** The MAC does not verify. */
  | { readonly kind: 'bad-mac'; readonly record: TsigRecord }
  /** MAC fine but the reply was signed outside our clock ± fudge (§5.2.3). */
  | { readonly kind: 'bad-time'; readonly record: TsigRecord; readonly skew: number }
  /** MAC fine but the Original ID is not our request's ID. */
  | { readonly kind: 'wrong-original-id'; readonly record: TsigRecord };

/**
 * The shortest reply MAC `key` accepts: the whole digest, or the truncated length of a BIND-style
 * truncated key — never below RFC 8945 §5.2.2.1's max(10, half the digest). BIND 9.18
 * (lib/dns/tsig.c, dns_tsig_verify) applies the same rule to replies: a MAC shorter than the key's
 * bits (or than the digest, for a key without bits) is BADTRUNC.
 */
export function minimumMacLength(key: Key): number {
  const full = DIGEST_BYTES[key.algorithm];
  return Math.max(10, Math.ceil(full / 2), macLength(key));
}

/**
 * Verifies a reply's TSIG against the request MAC as sent (RFC 8945 §5.4, checks of §5.2 in its
 * order: key, MAC length, MAC, time, then truncation policy). `reply` is the whole reply, `tsig`
 * the offset and parsed fields of its TSIG RR (the last RR). `requestId`, when given, must equal
 * the TSIG's Original ID.
 */
export function verifyResponse(
  reply: Buffer,
  tsig: { readonly start: number; readonly record: TsigRecord } | undefined,
  key: Key,
  requestMac: Buffer,
  now: number,
  requestId?: number,
): TsigVerdict {
  if (!tsig) return { kind: 'missing' };
  const { record, start } = tsig;
  const wire = keyWire(key);
  if (!wire || !record.keyName.equals(wire.name) || !record.algorithm.equals(wire.algorithm)) {
    return { kind: 'wrong-key', record };
  }
  if (record.mac.length === 0) {
    // §5.3.2: a server that could not check our MAC (unknown key, bad MAC) answers unsigned.
    // Any other empty MAC is a forgery: a BADTIME or BADTRUNC answer MUST be signed (§5.2.3,
    // §5.3.2), and so must every other reply. BIND's client: "signature was empty".
    return UNSIGNED_ERRORS.has(record.error)
      ? { kind: 'unsigned-error', record }
      : { kind: 'empty-mac', record };
  }
  const full = DIGEST_BYTES[key.algorithm];
  const minimum = Math.max(minimumMacLength(key), requestMac.length);
  if (record.mac.length > full || record.mac.length < minimum) {
    return { kind: 'bad-truncation', record, minimum };
  }
  // MAC input (§4.3.1): u16 len(request MAC) ‖ request MAC ‖ the reply without its TSIG (the
  // header with ARCOUNT − 1 and the Original ID) ‖ variables. The names in the variables are
  // canonical, so ours (equal, checked above) serve. The reply itself is not copied.
  const head = Buffer.allocUnsafe(14);
  head.writeUInt16BE(requestMac.length, 0);
  reply.copy(head, 2, 0, 12);
  head.writeUInt16BE(record.originalId, 2);
  head.writeUInt16BE(reply.readUInt16BE(10) - 1, 12);
  const timers = Buffer.allocUnsafe(12);
  timers.writeUIntBE(record.timeSigned, 0, 6);
  timers.writeUInt16BE(record.fudge, 6);
  timers.writeUInt16BE(record.error, 8);
  timers.writeUInt16BE(record.otherData.length, 10);
  const expected = key
    .hmac(
      head.subarray(0, 2),
      requestMac,
      head.subarray(2),
      reply.subarray(12, start),
      wire.variablesHead,
      timers,
      record.otherData,
    )
    .subarray(0, record.mac.length);
  if (!timingSafeEqual(expected, record.mac)) return { kind: 'bad-mac', record };
  // A BADTIME reply echoes our Time Signed (RFC 8945 §5.2.3), so this check passes for it too;
  // the server's clock is in Other Data.
  const skew = now - record.timeSigned;
  if (Math.abs(skew) > record.fudge) return { kind: 'bad-time', record, skew };
  if (requestId !== undefined && record.originalId !== requestId)
    return { kind: 'wrong-original-id', record };
  const serverTime = record.otherData.length === 6 ? record.otherData.readUIntBE(0, 6) : undefined;
  return { kind: 'verified', record, checks: TSIG_CHECKS, serverTime };
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
