/**
 * Which datagram or TCP message with our ID answers a request: one rule for the UPDATE client
 * and the propagation queries. Not a response, another opcode, another question, a TSIG that is
 * not the last record, or — for a signed request — a reply whose TSIG does not verify (RFC 8945
 * §5.4): ignored with the reason, and the exchange waits on for the real answer (a forger racing
 * the server must not end it). The server's own unsigned BADSIG/BADKEY (§5.3.2) cannot be
 * authenticated but says the key was refused: it is held as a provisional answer.
 */
import { DIGEST_BYTES, type Key } from '../keys/key.js';
import type { TsigVerification } from './client.js';
import { type DecodedReply, decodeReply, RCODES } from './message.js';
import { type Name, NameDecoder } from './names.js';
import type { ReplyCheck } from './transport.js';
import { TSIG_ERRORS, verifyResponse } from './tsig.js';

/** A reply that answers the request. */
export interface CheckedReply {
  readonly reply: DecodedReply;
  /** The reply as received. */
  readonly raw: Buffer;
  /** True when its TSIG verified against the request. */
  readonly authenticated: boolean;
  /** What the verified TSIG proved (signed requests only). */
  readonly tsig?: TsigVerification;
}

/** What the reply must match. */
export interface ReplyExpectation {
  /** The request's opcode. */
  readonly opcode: number;
  /** The request's ID (the TSIG Original ID must be it). */
  readonly id: number;
  /** The key the request was signed with, and its MAC: the reply must verify against them. */
  readonly key?: Key | undefined;
  readonly requestMac?: Buffer | undefined;
  /** Our clock, seconds since the epoch (the fudge check). */
  readonly nowSeconds: number;
  /** The question the reply must repeat when it has one (RFC 1035 §7.3). */
  readonly question?: { readonly name: Name; readonly type: number } | undefined;
  /** A decoder to reuse (the UPDATE hot path); a new one otherwise. */
  readonly names?: NameDecoder | undefined;
  /** How the reasons name what was sent: `request` (UPDATE) or `query`. */
  readonly sent?: 'request' | 'query' | undefined;
}

/** Decides whether `bytes` answers the request described by `expect`. */
export function checkReply(bytes: Buffer, expect: ReplyExpectation): ReplyCheck<CheckedReply> {
  const names = expect.names ?? new NameDecoder(bytes);
  names.reset(bytes);
  const decoded = decodeReply(bytes, undefined, names);
  if (decoded.isErr())
    return { verdict: 'ignore', reason: `a malformed reply (${decoded.error.message})` };
  const reply = decoded.value;
  if (!reply.header.isResponse)
    return { verdict: 'ignore', reason: 'a message that is not a response' };
  if (reply.header.opcode !== expect.opcode)
    return { verdict: 'ignore', reason: `a reply with opcode ${reply.header.opcode}` };
  if (reply.misplacedTsig)
    return { verdict: 'ignore', reason: 'a reply with a misplaced TSIG record' };
  const asked = expect.question;
  const question = reply.question;
  if (asked && question && (!question.name.equals(asked.name) || question.type !== asked.type))
    return { verdict: 'ignore', reason: 'a reply to another question' };
  const { key, requestMac } = expect;
  if (!key || !requestMac) {
    if (reply.header.truncated) return { verdict: 'truncated' };
    return { verdict: 'accept', value: { reply, raw: bytes, authenticated: false } };
  }
  const sent = expect.sent ?? 'request';
  const verdict = verifyResponse(bytes, reply.tsig, key, requestMac, expect.nowSeconds, expect.id);
  const rcode = RCODES[reply.header.rcode] ?? `RCODE ${reply.header.rcode}`;
  switch (verdict.kind) {
    case 'verified': {
      // A verified TC reply is the server's own request to use TCP.
      if (reply.header.truncated) return { verdict: 'truncated' };
      const { record } = verdict;
      const tsig: TsigVerification = {
        verified: true,
        keyName: record.keyName.toString(),
        algorithm: record.algorithm.toString(),
        macBytes: record.mac.length,
        timeSigned: record.timeSigned,
        checks: verdict.checks,
      };
      return { verdict: 'accept', value: { reply, raw: bytes, authenticated: true, tsig } };
    }
    case 'unsigned-error':
      return {
        verdict: 'provisional',
        value: { reply, raw: bytes, authenticated: false },
        reason: `an unsigned ${rcode}(${TSIG_ERRORS[verdict.record.error]}) reply (RFC 8945 §5.3.2; it cannot be authenticated)`,
      };
    case 'missing':
      return {
        verdict: 'ignore',
        reason: `an unsigned reply to a signed ${sent} (${rcode}${reply.header.truncated ? ', TC set' : ''})`,
      };
    case 'empty-mac':
      return {
        verdict: 'ignore',
        reason: `a reply with an empty MAC and TSIG error ${TSIG_ERRORS[verdict.record.error] ?? verdict.record.error} (${rcode}): only BADSIG and BADKEY may be unsigned`,
      };
    case 'bad-time':
      return {
        verdict: 'ignore',
        reason: `a reply signed ${Math.abs(verdict.skew)} s ${verdict.skew > 0 ? 'before' : 'after'} our clock, outside the fudge of ${verdict.record.fudge} s`,
      };
    case 'wrong-original-id':
      return {
        verdict: 'ignore',
        reason: `a reply whose TSIG Original ID ${verdict.record.originalId} is not the ${sent}'s`,
      };
    case 'wrong-key':
      return {
        verdict: 'ignore',
        reason: `a reply signed with another key (${verdict.record.keyName.toString()} ${verdict.record.algorithm.toString()})`,
      };
    case 'bad-truncation':
      return {
        verdict: 'ignore',
        reason: `a reply whose MAC is ${verdict.record.mac.length} bytes, outside ${verdict.minimum}–${DIGEST_BYTES[key.algorithm]} for this key (BADTRUNC)`,
      };
    case 'bad-mac':
      return { verdict: 'ignore', reason: 'a reply whose TSIG MAC does not verify' };
  }
}
