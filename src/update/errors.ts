/**
 * Error values of dynamic update. Every RCODE and every TSIG error is its own kind, with a
 * message a person can act on (RCODEs: RFC 2136 §2.2; TSIG errors: RFC 8945 §5.2).
 */
import { RndcLibraryError } from '../errors.js';

/** Every way sending an update can fail. */
export type UpdateErrorKind =
  | 'invalid-update'
  | 'invalid-argument'
  | 'zone-not-found'
  | 'network'
  | 'timeout'
  | 'aborted'
  /** The update does not fit in one DNS message (65,535 bytes, 65,535 records per section). */
  | 'too-large'
  // RCODEs (RFC 1035, RFC 2136 §2.2)
  | 'FORMERR'
  | 'SERVFAIL'
  | 'NXDOMAIN'
  | 'NOTIMP'
  | 'REFUSED'
  | 'YXDOMAIN'
  | 'YXRRSET'
  | 'NXRRSET'
  | 'NOTAUTH'
  | 'NOTZONE'
  | 'RCODE'
  // TSIG errors (RFC 8945 §3)
  | 'BADSIG'
  | 'BADKEY'
  | 'BADTIME'
  | 'BADTRUNC';

/**
 * The header facts of the reply an {@link UpdateError} (or a success) comes from: what nsupdate's
 * `answer` prints, its TSIG record included (the reply's MAC is public, it went over the wire;
 * the key's secret is never part of it).
 */
export interface UpdateReplyHeader {
  /** The reply's message ID (the update's). */
  readonly id: number;
  /** OPCODE (5 for UPDATE). */
  readonly opcode: number;
  /** RCODE from the header. */
  readonly rcode: number;
  /** The header's second 16-bit word as received (QR, OPCODE, AA, TC, RD, RA, Z, AD, CD, RCODE). */
  readonly flags: number;
  /** ZOCOUNT, PRCOUNT, UPCOUNT and ARCOUNT as received (ARCOUNT counts a TSIG record). */
  readonly counts: readonly [number, number, number, number];
  /** The reply's zone section, when it has one. */
  readonly zone?: {
    /** The zone name, absolute, as BIND prints it. */
    readonly name: string;
    /** Its class (1 IN). */
    readonly class: number;
    /** Its type (6 SOA). */
    readonly type: number;
  };
  /** The reply's TSIG record (RFC 8945 §4.2), when it has one. */
  readonly tsig?: {
    /** The key name, absolute. */
    readonly keyName: string;
    /** The algorithm name, absolute (`hmac-sha256.`). */
    readonly algorithm: string;
    /** Time signed, seconds since the epoch. */
    readonly timeSigned: number;
    /** Seconds of clock difference the signer allows. */
    readonly fudge: number;
    /** The reply's MAC (empty in an unsigned error reply such as BADKEY). */
    readonly mac: Buffer;
    /** The message ID the MAC was computed over. */
    readonly originalId: number;
    /** TSIG error (0, or 16 BADSIG, 17 BADKEY, 18 BADTIME, 22 BADTRUNC…). */
    readonly error: number;
    /** Other data (the server's time in a BADTIME reply), usually empty. */
    readonly otherData: Buffer;
  };
}

/** Construction details of an {@link UpdateError}. */
export interface UpdateErrorDetails {
  /** See {@link UpdateError.kind}. */
  readonly kind: UpdateErrorKind;
  /** What went wrong and where. */
  readonly message: string;
  /** The likely causes, most likely first. */
  readonly causes?: readonly string[];
  /** What to do about it. */
  readonly remedy?: string;
  /** The underlying error, if any. */
  readonly cause?: unknown;
  /** `host#port` of the server. */
  readonly server?: string;
  /** The zone of the update. */
  readonly zone?: string;
  /** RCODE of the reply. */
  readonly rcode?: number;
  /** TSIG error field of the reply. */
  readonly tsigError?: number;
  /** Whether the reply was authenticated by a valid TSIG. */
  readonly authenticated?: boolean;
  /** For BADTIME: our clock minus the server's, in seconds. */
  readonly skewSeconds?: number;
  /** True when the update may have been applied although no verified reply says so. */
  readonly mayHaveApplied?: boolean;
  /** Header facts of the reply, when the error comes from one. */
  readonly reply?: UpdateReplyHeader;
  /** Replies received and ignored (forged, unsigned, for another request…). */
  readonly ignoredReplies?: number;
  /** For `too-large`: the message's size in bytes. */
  readonly size?: number;
  /** For `too-large`: the limit it exceeds. */
  readonly limit?: number;
}

/** A failed update: invalid input, transport, a server RCODE or a TSIG error. */
export class UpdateError extends RndcLibraryError<UpdateErrorKind> {
  /** `host#port` of the server. */
  readonly server: string | undefined;
  /** The zone of the update. */
  readonly zone: string | undefined;
  /** RCODE of the reply, when there was one. */
  readonly rcode: number | undefined;
  /** TSIG error field of the reply (16 BADSIG, 17 BADKEY, 18 BADTIME, 22 BADTRUNC), when set. */
  readonly tsigError: number | undefined;
  /**
   * Whether the reply this error comes from was authenticated by a valid TSIG. BADSIG and BADKEY
   * replies carry no MAC (RFC 8945 §5.3.2), so they are reported with `authenticated: false` —
   * and with `mayHaveApplied: true`, since anyone who saw the request could have sent them.
   */
  readonly authenticated: boolean;
  /** For BADTIME: our clock minus the server's, in seconds (from the reply's Other Data). */
  readonly skewSeconds: number | undefined;
  /** True when the update may have been applied although no verified reply says so. */
  readonly mayHaveApplied: boolean;
  /** The reply's message ID, when the error comes from a reply (same as `reply.id`). */
  readonly id: number | undefined;
  /**
   * Header facts of the reply (ID, opcode, RCODE, flags, counts, zone section), when the error
   * comes from one: what nsupdate's `answer` shows after a failed send.
   */
  readonly reply: UpdateReplyHeader | undefined;
  /**
   * Replies that were received and ignored because they could not be believed: no TSIG or one
   * that does not verify against the request (forged, replayed, another key), another message ID
   * or source. A count only: the reasons are in the message. Undefined when none was ignored.
   */
  readonly ignoredReplies: number | undefined;
  /** For `too-large`: the size of the update (bytes, or records in the largest section). */
  readonly size: number | undefined;
  /** For `too-large`: the limit it exceeds (65,535 bytes or records). */
  readonly limit: number | undefined;

  constructor(details: UpdateErrorDetails) {
    super(details);
    this.server = details.server;
    this.zone = details.zone;
    this.rcode = details.rcode;
    this.tsigError = details.tsigError;
    this.authenticated = details.authenticated ?? false;
    this.skewSeconds = details.skewSeconds;
    this.mayHaveApplied = details.mayHaveApplied ?? false;
    this.reply = details.reply;
    this.id = details.reply?.id;
    this.ignoredReplies = details.ignoredReplies ? details.ignoredReplies : undefined;
    this.size = details.size;
    this.limit = details.limit;
  }

  /**
   * {@link UpdateError.mayHaveApplied} under the name `RndcError` uses: true when the
   * update reached (or may have reached) named although no verified reply says what happened.
   */
  get mayHaveRun(): boolean {
    return this.mayHaveApplied;
  }
}

interface Explanation {
  readonly text: string;
  readonly causes: readonly string[];
  readonly remedy: string;
}

/** What each RCODE means for an update, and what to do. */
export const RCODE_EXPLANATIONS: Readonly<Record<string, Explanation>> = {
  FORMERR: {
    text: 'the server could not parse the update',
    causes: ['a TSIG MAC shorter than the minimum length', 'a malformed record'],
    remedy: 'check the key algorithm (truncation) and the records',
  },
  SERVFAIL: {
    text: 'the server failed to apply the update',
    causes: ['named cannot write the journal (permissions, disk full)', 'the zone is not loaded'],
    remedy: "read named's log for the zone's journal or update errors",
  },
  NXDOMAIN: {
    text: 'a prerequisite failed: a name that must exist does not',
    causes: ['present(name) on a name with no records'],
    remedy: 'check the zone contents (dig AXFR) before retrying',
  },
  NOTIMP: {
    text: 'the server does not implement UPDATE',
    causes: [],
    remedy: 'send to the primary',
  },
  REFUSED: {
    text: 'the server refused the update',
    causes: [
      "the zone's allow-update / update-policy does not permit this key or address",
      'the update was sent unsigned',
      'the zone is frozen (rndc freeze)',
      'the server is a secondary for the zone',
    ],
    remedy: 'check allow-update/update-policy for this key, thaw the zone, or send to the primary',
  },
  YXDOMAIN: {
    text: 'a prerequisite failed: a name that must not exist does',
    causes: ['absent(name) on a name that has records'],
    remedy: 'check the zone contents before retrying',
  },
  YXRRSET: {
    text: 'a prerequisite failed: an RRset that must not exist does',
    causes: ['absent(name, type) on an existing RRset'],
    remedy: 'check the zone contents before retrying',
  },
  NXRRSET: {
    text: 'a prerequisite failed: an RRset that must exist does not (or differs)',
    causes: [
      'present(name, type) on a missing RRset',
      'present(records) when the RRset has other records',
    ],
    remedy: 'check the zone contents before retrying',
  },
  NOTAUTH: {
    text: 'the server is not authoritative for the zone, or the signature was not accepted',
    causes: ['the zone is not served by this server', 'a TSIG problem (see the TSIG error)'],
    remedy: 'check the zone name and that this server is its primary',
  },
  NOTZONE: {
    text: 'a record name is outside the zone',
    causes: [
      'a name meant to be relative was written absolute, or the other way round',
      'nsupdate scripts resolve relative names against the root; this library resolves them against the zone',
    ],
    remedy: "make every owner name end in the zone's name",
  },
};
