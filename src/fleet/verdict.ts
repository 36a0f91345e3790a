/**
 * What one server's answer to `zone SOA` (asked directly, RD=0) means for propagation: a pure
 * mapping from the query's outcome to a {@link Verdict}. The table (first matching row wins):
 *
 * | What came back                                                          | Verdict             |
 * |-------------------------------------------------------------------------|---------------------|
 * | nothing verified, but replies were ignored for their TSIG (key in use)  | `tsig-error`        |
 * | nothing at all by the deadline, ICMP unreachable, TCP refused/reset     | `unreachable`       |
 * | a TSIG error: unsigned BADSIG/BADKEY, signed BADTIME/BADTRUNC           | `tsig-error`        |
 * | REFUSED                                                                 | `refused`           |
 * | SERVFAIL, NOTAUTH, FORMERR, NOTIMP or another error RCODE               | `lame`              |
 * | NOERROR or NXDOMAIN without the AA bit (a referral, a cache)            | `not-authoritative` |
 * | AA, but no SOA owned by the zone's apex in the answer (a parent's NXDOMAIN…) | `lame`         |
 * | AA and the SOA, but its RDATA is malformed                              | `lame`              |
 * | AA and the SOA, serial equal to or after the target (RFC 1982)          | `served`            |
 * | AA and the SOA, serial before the target (or exactly 2^31 away)         | `stale`             |
 *
 * named answers SERVFAIL for a zone it is configured for but cannot serve: a secondary that
 * never completed a transfer (transfers refused, TSIG failing) or whose copy expired. It answers
 * REFUSED for a zone it has no configuration for when recursion is off (and for a client outside
 * `allow-query`). Both are "answers, but does not serve the zone"; REFUSED keeps its own verdict
 * because its remedy differs (configuration or ACL, not transfers).
 *
 * `diverged` (same serial, different content) is decided later, by comparing transfers.
 */

import { serialDistance, serialOrder } from '../serial.js';
import type { DecodedReply } from '../update/message.js';
import { RCODES, TYPE_SOA } from '../update/message.js';
import type { Name } from '../update/names.js';
import { TSIG_ERRORS } from '../update/tsig.js';
import type { QueryOutcome } from './query.js';

/** Every verdict kind, for tables and exhaustive switches. */
export const VERDICT_KINDS = [
  'served',
  'stale',
  'diverged',
  'unreachable',
  'refused',
  'tsig-error',
  'not-authoritative',
  'lame',
] as const;

/** One verdict kind. */
export type VerdictKind = (typeof VERDICT_KINDS)[number];

/** How a content comparison came out (only when asked). */
export interface ContentCheck {
  /** `equal`: same digest as the reference; `unavailable`: the transfer failed (see `reason`). */
  readonly status: 'equal' | 'unavailable';
  /** SHA-256 hex of the zone's canonical content, when transferred. */
  readonly digest?: string;
  /** Why the content could not be compared (`unavailable`). */
  readonly reason?: string;
}

/** Fields of every verdict. */
interface VerdictBase {
  /** Which verdict: switch on it. */
  readonly kind: VerdictKind;
  /** One line for people: what the server answered and what it likely means. */
  readonly detail: string;
}

/** The server serves the target serial, or one after it. */
export interface ServedVerdict extends VerdictBase {
  readonly kind: 'served';
  /** The serial it serves. */
  readonly serial: number;
  /** Present when content comparison was asked. */
  readonly content?: ContentCheck;
}

/** The server serves the zone at a serial before the target. */
export interface StaleVerdict extends VerdictBase {
  readonly kind: 'stale';
  /** The serial it serves. */
  readonly serial: number;
  /** Serial steps behind the target; undefined when not comparable (exactly 2^31 apart). */
  readonly lag: number | undefined;
  /** Seconds since the reference got the target serial, when that time is known. */
  readonly lagSeconds?: number;
}

/** The server serves the primary's serial with other content (compared by AXFR digests). */
export interface DivergedVerdict extends VerdictBase {
  readonly kind: 'diverged';
  /** The serial it serves (the primary's). */
  readonly serial: number;
  /** Its content digest (SHA-256 hex). */
  readonly digest: string;
  /** The primary's content digest. */
  readonly referenceDigest: string;
}

/** No answer by the deadline (silence, ICMP unreachable, TCP refused or reset). */
export interface UnreachableVerdict extends VerdictBase {
  readonly kind: 'unreachable';
}

/** REFUSED: no such zone here (recursion off), or this client may not query. */
export interface RefusedVerdict extends VerdictBase {
  readonly kind: 'refused';
}

/** The key was not accepted, or no answer verified with it. */
export interface TsigErrorVerdict extends VerdictBase {
  readonly kind: 'tsig-error';
  /** The TSIG error came in a reply that verified (false: unsigned, possibly forged). */
  readonly authenticated: boolean;
}

/** An answer without the AA bit: a referral or a cache, not the zone's server. */
export interface NotAuthoritativeVerdict extends VerdictBase {
  readonly kind: 'not-authoritative';
  /** The answer's RCODE (`NOERROR`, `NXDOMAIN`). */
  readonly rcode: string;
}

/** The server answers but does not serve the zone (SERVFAIL, NOTAUTH, no SOA…). */
export interface LameVerdict extends VerdictBase {
  readonly kind: 'lame';
  /** The answer's RCODE. */
  readonly rcode: string;
}

/** What one server does with the zone (the table in the module comment). */
export type Verdict =
  | ServedVerdict
  | StaleVerdict
  | DivergedVerdict
  | UnreachableVerdict
  | RefusedVerdict
  | TsigErrorVerdict
  | NotAuthoritativeVerdict
  | LameVerdict;

const AA = 0x0400;

/** What an SOA answer says: the serial, or why there is none. */
export type SoaAnswer =
  | { readonly kind: 'serial'; readonly serial: number }
  | { readonly kind: 'verdict'; readonly verdict: Verdict };

/**
 * Maps the outcome of `zone SOA` to either the served serial or a final verdict (the table in
 * the module comment, every row but the last two).
 */
export function classifySoa(outcome: QueryOutcome, zone: Name): SoaAnswer {
  const verdict = (v: Verdict): SoaAnswer => ({ kind: 'verdict', verdict: v });
  if (outcome.kind === 'no-reply') {
    const { failure } = outcome;
    if (outcome.signed && failure.ignoredCount > 0) {
      return verdict({
        kind: 'tsig-error',
        authenticated: false,
        detail: `no reply verified with the key; ${failure.ignoredCount} ignored: ${failure.ignored.join('; ')} (a forger, a middlebox stripping TSIG, or the server signs with another key)`,
      });
    }
    return verdict({ kind: 'unreachable', detail: failure.message });
  }
  const { reply } = outcome;
  const rcode = rcodeName(reply);
  if (outcome.tsigError !== 0) {
    const name = TSIG_ERRORS[outcome.tsigError] ?? `TSIG error ${outcome.tsigError}`;
    return verdict({
      kind: 'tsig-error',
      authenticated: outcome.authenticated,
      detail: `${rcode}(${name})${outcome.authenticated ? '' : ', unsigned (RFC 8945 §5.3.2; cannot be authenticated)'}: ${TSIG_REMEDY[name] ?? 'the server did not accept the key'}`,
    });
  }
  if (reply.header.rcode === 5) {
    return verdict({
      kind: 'refused',
      detail:
        'REFUSED: the server has no such zone (recursion off) or does not answer this client (allow-query)',
    });
  }
  if (reply.header.rcode !== 0 && reply.header.rcode !== 3) {
    return verdict({
      kind: 'lame',
      rcode,
      detail:
        reply.header.rcode === 2
          ? 'SERVFAIL: the zone is configured but not loaded (a secondary whose transfers fail or whose copy expired, or a load error)'
          : `${rcode}: the server does not serve the zone`,
    });
  }
  if ((reply.header.flags & AA) === 0) {
    return verdict({
      kind: 'not-authoritative',
      rcode,
      detail: `${rcode} without the AA bit: the server is not authoritative for the zone (a referral, or an answer from cache)`,
    });
  }
  const soa = reply.sections[0].find((r) => r.type === TYPE_SOA && r.name.equals(zone));
  if (!soa) {
    return verdict({
      kind: 'lame',
      rcode,
      detail: `${rcode} with AA but no SOA for ${zone.toString()} in the answer: the server is authoritative for another zone`,
    });
  }
  const serial = serialOf(outcome.raw, soa.rdataOffset, soa.rdata.length);
  if (serial === undefined) {
    return verdict({ kind: 'lame', rcode, detail: 'the SOA record in the answer is malformed' });
  }
  return { kind: 'serial', serial };
}

/** `served` or `stale` for a served serial against the target (the last two table rows). */
export function compareToTarget(
  serial: number,
  target: number,
  targetSince?: number,
  now = Date.now(),
): Verdict {
  const order = serialOrder(serial, target);
  if (order === 'equal' || order === 'after') {
    return {
      kind: 'served',
      serial,
      detail:
        order === 'equal'
          ? `serves serial ${serial}`
          : `serves serial ${serial}, after the target ${target}`,
    };
  }
  const lag = serialDistance(serial, target);
  const lagSeconds =
    targetSince === undefined ? undefined : Math.max(0, Math.round((now - targetSince) / 1000));
  return {
    kind: 'stale',
    serial,
    lag,
    ...(lagSeconds !== undefined ? { lagSeconds } : {}),
    detail: `serves serial ${serial}, ${lag === undefined ? 'not comparable with' : `${lag} step${lag === 1 ? '' : 's'} behind`} ${target}${lagSeconds !== undefined ? ` (the target is ${lagSeconds} s old)` : ''}`,
  };
}

const TSIG_REMEDY: Readonly<Record<string, string>> = {
  BADKEY: 'the server has no key of this name and algorithm',
  BADSIG: "the server's key of this name has another secret",
  BADTIME: 'the clocks differ by more than the fudge',
  BADTRUNC: 'the MAC truncation is not accepted',
};

function rcodeName(reply: DecodedReply): string {
  return RCODES[reply.header.rcode] ?? `RCODE ${reply.header.rcode}`;
}

/** The serial of SOA RDATA inside a message (MNAME and RNAME may be compressed). */
function serialOf(raw: Buffer, offset: number, length: number): number | undefined {
  let pos = offset;
  const end = offset + length;
  for (let name = 0; name < 2; name++) {
    // Walk one name's labels to its end (a pointer ends it in 2 bytes); no need to decode it.
    for (;;) {
      if (pos >= end) return undefined;
      const len = raw[pos]!;
      if (len === 0) {
        pos += 1;
        break;
      }
      if ((len & 0xc0) === 0xc0) {
        pos += 2;
        break;
      }
      if ((len & 0xc0) !== 0) return undefined;
      pos += 1 + len;
    }
  }
  if (pos + 20 !== end) return undefined;
  return raw.readUInt32BE(pos);
}
