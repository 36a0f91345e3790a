/**
 * Error values of the control channel. Transport failures and named's own `err` replies are both
 * `RndcError`s; `kind` tells them apart. Command failures are classified by named's `err` text,
 * never by the number, which differs between BIND versions (lib/isc/include/isc/result.h).
 */
import { RndcLibraryError } from '../errors.js';
import type { ServerVersion } from './versions.js';

/** Every way a control-channel call can fail. */
export type RndcErrorKind =
  // before or while talking to named
  | 'invalid-argument'
  | 'unsupported-algorithm'
  | 'request-too-large'
  | 'connect-failed'
  | 'rejected'
  | 'connection-lost'
  | 'timeout'
  | 'aborted'
  | 'closed'
  | 'malformed-reply'
  | 'reply-too-large'
  | 'unverified-reply'
  | 'not-in-this-version'
  // named answered with a failure
  | 'unknown-command'
  | 'not-found'
  | 'ambiguous-zone'
  | 'already-frozen'
  | 'not-dynamic'
  | 'dynamic-zone'
  | 'not-primary'
  | 'already-exists'
  | 'not-loaded'
  | 'missing-argument'
  | 'syntax'
  | 'out-of-range'
  | 'unknown-class'
  | 'read-only-channel'
  | 'command-failed';

/** named's answer to a command, as it came back. */
export interface RndcResponse {
  /** The command line that was sent. */
  readonly command: string;
  /** `result` (0 = success). The number is BIND-version specific; use `err`/`kind` for meaning. */
  readonly result: number;
  /** `err`: named's text for a non-zero result (`"not found"`, `"already frozen"`…). */
  readonly err: string | undefined;
  /** The command's output; `''` when named sent none. */
  readonly text: string;
  /** `type` as named echoed it (may be truncated by named: `stop -p` → `stop`). */
  readonly type: string | undefined;
  /** The server that answered, `host#port` as BIND prints addresses. */
  readonly server: string;
  /**
   * The BIND version of the server, when it is already known on the connection that carried
   * this command (learnt from an authenticated `status` reply on it; nothing is sent for it).
   */
  readonly serverVersion?: ServerVersion;
  /**
   * What this command scheduled on named's disk, when it writes anything (sync, freeze, stop,
   * dumpdb…): files, timing, and — for dumps — that the write is asynchronous and must be
   * verified. `undefined` for commands that write nothing.
   */
  readonly diskEffect?: ScheduledDiskEffect;
}

/** The disk effect a command scheduled (see docs/dump-awareness.md). */
export interface ScheduledDiskEffect {
  /** One line for a person, e.g. "dump started at 11:00:00 UTC (asynchronous: verify); journal kept". */
  readonly summary: string;
  /** Earliest time the zone file may be written, when named delays the dump. */
  readonly zoneFileNotBefore?: Date;
  /** Latest time, when named delays the dump. */
  readonly zoneFileNotAfter?: Date;
  /** True when the command deletes the journal (sync -clean). */
  readonly journalDeleted?: boolean;
}

/** Construction details of an {@link RndcError}. */
export interface RndcErrorDetails {
  /** See {@link RndcError.kind}. */
  readonly kind: RndcErrorKind;
  /** What went wrong and where. */
  readonly message: string;
  /** The likely causes, most likely first. */
  readonly causes?: readonly string[];
  /** What to do about it. */
  readonly remedy?: string;
  /** The underlying error, if any. */
  readonly cause?: unknown;
  /** `host#port` of the control channel. */
  readonly server?: string;
  /** The command line, when the failure concerns one. */
  readonly command?: string;
  /** named's reply, when named reported the failure. */
  readonly response?: RndcResponse;
  /** True when the command may have run even though no reply arrived. */
  readonly mayHaveRun?: boolean;
}

/** A control-channel failure: transport, authentication, or a failure reported by named. */
export class RndcError extends RndcLibraryError<RndcErrorKind> {
  /** `host#port` of the control channel. */
  readonly server: string | undefined;
  /** The command line, when the failure concerns one. */
  readonly command: string | undefined;
  /** named's reply, when the failure is one named reported. */
  readonly response: RndcResponse | undefined;
  /**
   * True when the command was sent and may have been executed although no reply arrived
   * (connection lost, timeout, abort after sending). The library never re-sends such a command.
   */
  readonly mayHaveRun: boolean;

  constructor(details: RndcErrorDetails) {
    super(details);
    this.server = details.server;
    this.command = details.command;
    this.response = details.response;
    this.mayHaveRun = details.mayHaveRun ?? false;
  }
}

/** Why named may close a connection without replying (it never says which: §4.2/§4.3). */
export const SILENT_CLOSE_CAUSES: readonly string[] = [
  'the key secret differs from the one named has for this control channel',
  'the key algorithm differs (e.g. hmac-md5 here, hmac-sha256 in named.conf)',
  "the key is not listed in this listener's `keys { … }` clause (or named dropped it: see its log)",
  "this client's address is not in the listener's `allow { … }` ACL",
  'the clocks differ by more than 300 seconds (named checks _tim within ±300 s)',
  'something other than named is listening on this port, or the protocol version differs',
];

interface Classification {
  readonly kind: RndcErrorKind;
  readonly causes?: readonly string[];
  readonly remedy?: string;
}

/** freeze/thaw of a secondary (or any non-primary) zone. */
const NOT_PRIMARY: Classification = {
  kind: 'not-primary',
  causes: ['freeze/thaw only apply to primary zones; this zone is a secondary (or mirror, stub)'],
  remedy:
    "a secondary writes its zone file after each transfer: prove it with `sync ZONE` verified (`{ verify: true }`, `--verify`); freeze and thaw the primary's zone",
};

/** Maps named's `err` text to a kind, with what usually causes it and what to do. */
const BY_ERR_TEXT: Readonly<Record<string, Classification>> = {
  'unknown command': {
    kind: 'unknown-command',
    causes: ['the command word is misspelt', 'this BIND version does not have the command'],
    remedy: 'check the command against `rndc -h` of the BIND version in use',
  },
  'not found': {
    kind: 'not-found',
    causes: [
      'no zone (or view) of that name is configured',
      'the zone is in a view that was not named',
    ],
    remedy: 'check the zone name; give the class and view (`zone IN view`) when views are in use',
  },
  multiple: {
    kind: 'ambiguous-zone',
    causes: ['the zone exists in more than one view'],
    remedy: 'name the view: `zone IN view`',
  },
  'already frozen': {
    kind: 'already-frozen',
    causes: ['an earlier freeze was never thawed', 'someone else is editing the zone file'],
    remedy: 'thaw the zone when the manual edit is done (`thaw zone`)',
  },
  'not dynamic': {
    kind: 'not-dynamic',
    causes: ['the zone has no allow-update or update-policy, so it has no journal to flush'],
    remedy: 'edit the zone file and use `reload zone` instead of freeze/thaw',
  },
  'dynamic zone': {
    kind: 'dynamic-zone',
    causes: ['reload is refused for a zone that accepts dynamic updates'],
    remedy: 'use `freeze zone`, edit the file, then `thaw zone`; or `sync zone` to write it',
  },
  'not primary': NOT_PRIMARY,
  // BIND 9.16's wording of the same result (DNS_R_NOTMASTER), renamed "not primary" in 9.18.
  'not master': NOT_PRIMARY,
  'already exists': {
    kind: 'already-exists',
    causes: ['a zone of that name is already configured'],
    remedy: 'use modzone to change it, or delzone first',
  },
  'zone not loaded': {
    kind: 'not-loaded',
    causes: [
      "the zone failed to load (see named's log)",
      'a secondary has not transferred the zone yet',
    ],
  },
  'unexpected end of input': {
    kind: 'missing-argument',
    causes: ['a required argument (usually the zone name) is missing'],
  },
  'syntax error': { kind: 'syntax', causes: ['an argument is malformed'] },
  'unexpected token': {
    kind: 'syntax',
    causes: ['an argument is malformed', 'named.conf has a syntax error (for reconfig/reload)'],
  },
  'out of range': { kind: 'out-of-range', causes: ['a numeric argument is out of range'] },
  'unknown class/type': {
    kind: 'unknown-class',
    causes: ['the class argument is not a DNS class (IN, CH, HS)'],
  },
};

/**
 * Classifies a failed reply. `allowedReadOnly` says whether the command is one a read-only channel
 * permits: a bare `failure` with no text for any other command is what a `read-only yes` listener
 * answers (named logs "rejecting restricted control channel command").
 */
export function classifyFailure(
  err: string | undefined,
  text: string,
  allowedReadOnly: boolean,
): Classification {
  const known = err === undefined ? undefined : BY_ERR_TEXT[err];
  if (known) return known;
  if (err === 'failure' && text === '' && !allowedReadOnly) {
    return {
      kind: 'read-only-channel',
      causes: [
        'the control channel is configured `read-only yes`, which permits only null, status, ' +
          'zonestatus, showzone, testgen and nta -dump',
        'or the command failed for a reason named only wrote to its log',
      ],
      remedy: 'use a control listener without `read-only yes` for commands that change state',
    };
  }
  return { kind: 'command-failed', causes: text ? [text] : [] };
}
