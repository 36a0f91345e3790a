// The known disagreements of test/integration/nsupdate-corpus.test.ts: one entry per script and
// aspect, with the BIND versions it applies to and why. Entries below the marker are written by
// `node scripts/nsupdate-corpus-table.mjs` (it keeps each entry's reason; new entries get one by
// its rules, or UNCLASSIFIED). Most go away with the rest of issue 13; the test fails on an entry
// that no longer disagrees, so the table only shrinks by regenerating it.
import type { BindVersion } from '../../src/testing/bind-versions.js';

/** What is compared. */
export type Aspect = 'stdout' | 'stderr' | 'exit' | 'zone';

/** A known, reasoned disagreement. */
export interface CorpusException {
  /** The script's path below the corpus directory. */
  readonly script: string;
  readonly aspect: Aspect;
  /** The versions it applies to. */
  readonly versions: readonly BindVersion[];
  /** Why it differs (usually: which part of issue 13 fixes it). */
  readonly reason: string;
}

/** Why a script disagrees, by cause (issue 13's items in brackets). */
const LOG_LINE =
  "nsupdate also prints its library's log line `<time> dns_rdata_fromtext: buffer-0x<heap address>:1: near '<token>': <reason>` before them, which rndc-js does not reproduce (a time stamp and a heap address) [documented]";

const R = {
  NO_CODEC:
    'AMTRELAY relay type 0 written with the `.` placeholder: nsupdate 9.16 refuses it (its AMTRELAY takes no placeholder) and sends nothing; rndc-js follows 9.18/9.20 and sends the batch [version difference, documented]',
  CHECK_NAMES: `check-names: the same refusal and messages; ${LOG_LINE}`,
  CHECK_SVCB: `check-svcb: the same refusal and messages; ${LOG_LINE}`,
  CLASS:
    'class handling: the same refusal and messages ("unknown class/type"); ' +
    LOG_LINE +
    '. For a record in class HS, nsupdate\'s SOA query in class HS is REFUSED ("could not reach any name server", exit 1) while rndc-js finds the zone in class IN and named refuses the HS update (REFUSED, BADKEY: the key is in the IN view; exit 2)',
  LITERAL: `\`;\` and \`( )\` taken literally: the same refusal and messages; ${LOG_LINE}`,
  DS_DISCOVERY: `DS zone discovery: ${LOG_LINE}`,
  PARSE_TIME:
    'bad RDATA: both refuse the whole script with "invalid rdata format: <reason>" / "syntax error", exit 1; ' +
    LOG_LINE +
    '. Where good batches come before the bad line, nsupdate has sent them; rndc-js sends nothing (zone aspect: deliberate, docs/update.md)',
  META_TYPES:
    'meta types: `type0` data is refused by both with the same messages (' +
    LOG_LINE +
    '); a TKEY record in text is read and sent by nsupdate (named answers FORMERR), refused by rndc-js before sending (a meta type has no zone data: unsupported-type)',
  GENERIC_VALIDATION: `generic \`\\#\` data BIND refuses for its type: the same refusal and messages; ${LOG_LINE}`,
  TXT_NEWLINE: `an unquoted \`TXT a\\\` at the end of a line: the same refusal and messages; ${LOG_LINE}`,
  TRANSPORT:
    'nothing listens: nsupdate 9.16 says "timed out" (UDP) or "operation canceled" (TCP, also 9.18); rndc-js says "connection refused", as 9.20 does [documented version difference]',
  VERSION_HELP:
    '`version` prints `rndc-js <version>` and `help` lists the commands rndc-js supports, in our own words (no gsstsig/oldgsstsig; ttl and version listed) [documented]',
  ANSWER_TSIG:
    "nsupdate's `debug` command prints each message sent and received; rndc-js accepts it and prints nothing (its -d output differs, documented)",
  KEY_DISCOVERY:
    'a `key` command naming a key named does not know: nsupdate still finds the zone and its `answer` shows the BADKEY reply to the update; rndc-js stops at zone discovery and shows the reply to its SOA query',
  SERVER_NAME:
    '`server unresolvable..`: nsupdate resolves server names and fails ("couldn\'t get address"); rndc-js accepts the line and fails later or not at all',
  DEBUG_COMMAND:
    "nsupdate's `debug` command prints each message sent and received on stderr; rndc-js accepts the command and prints nothing (documented: its -d output differs)",
  TXT_GENERIC:
    '`IN TXT \\#` and `IN TXT \\# abc` are the strings "#" and "#" "abc" for BIND and for rndc-js',
  UNCLASSIFIED:
    'a TKEY record in text: nsupdate reads and sends it, named answers FORMERR (exit 2); rndc-js refuses a meta type before sending (exit 1)',
} as const;

// --- generated below this line ---
export const EXCEPTIONS: readonly CorpusException[] = [
  {
    script: 'bind/tsiggss-9.18-L139.nsupdate',
    aspect: 'stdout',
    versions: ['9.16', '9.18', '9.20'],
    reason: R.ANSWER_TSIG,
  },
  {
    script: 'hand/class-any-with-rdata.nsupdate',
    aspect: 'stderr',
    versions: ['9.16', '9.18', '9.20'],
    reason: R.CLASS,
  },
  {
    script: 'hand/class-ch-then-a.nsupdate',
    aspect: 'stderr',
    versions: ['9.16', '9.18', '9.20'],
    reason: R.CLASS,
  },
  {
    script: 'hand/class-hs-record.nsupdate',
    aspect: 'stderr',
    versions: ['9.16', '9.18', '9.20'],
    reason: R.CLASS,
  },
  {
    script: 'hand/class-hs-record.nsupdate',
    aspect: 'exit',
    versions: ['9.16', '9.18', '9.20'],
    reason: R.CLASS,
  },
  {
    script: 'hand/class-none-record.nsupdate',
    aspect: 'stderr',
    versions: ['9.16', '9.18', '9.20'],
    reason: R.CLASS,
  },
  {
    script: 'bind/tsiggss-9.18-L139.nsupdate',
    aspect: 'stderr',
    versions: ['9.16', '9.18', '9.20'],
    reason: R.DEBUG_COMMAND,
  },
  {
    script: 'hand/generic-apl-bad.nsupdate',
    aspect: 'stderr',
    versions: ['9.16', '9.18', '9.20'],
    reason: R.GENERIC_VALIDATION,
  },
  {
    script: 'hand/generic-dnskey-short.nsupdate',
    aspect: 'stderr',
    versions: ['9.16', '9.18', '9.20'],
    reason: R.GENERIC_VALIDATION,
  },
  {
    script: 'hand/generic-https-short.nsupdate',
    aspect: 'stderr',
    versions: ['9.16', '9.18', '9.20'],
    reason: R.GENERIC_VALIDATION,
  },
  {
    script: 'hand/generic-length-mismatch.nsupdate',
    aspect: 'stderr',
    versions: ['9.16', '9.18', '9.20'],
    reason: R.GENERIC_VALIDATION,
  },
  {
    script: 'hand/generic-loc-short.nsupdate',
    aspect: 'stderr',
    versions: ['9.16', '9.18', '9.20'],
    reason: R.GENERIC_VALIDATION,
  },
  {
    script: 'hand/key-unknown-name.nsupdate',
    aspect: 'stdout',
    versions: ['9.16', '9.18', '9.20'],
    reason: R.KEY_DISCOVERY,
  },
  {
    script: 'hand/comment-after-a.nsupdate',
    aspect: 'stderr',
    versions: ['9.16', '9.18', '9.20'],
    reason: R.LITERAL,
  },
  {
    script: 'hand/parens-around-mx.nsupdate',
    aspect: 'stderr',
    versions: ['9.16', '9.18', '9.20'],
    reason: R.LITERAL,
  },
  {
    script: 'bind/nsupdate-main-L2122.nsupdate',
    aspect: 'stderr',
    versions: ['9.16', '9.18', '9.20'],
    reason: R.META_TYPES,
  },
  {
    script: 'bind/nsupdate-main-L458.nsupdate',
    aspect: 'stderr',
    versions: ['9.16', '9.18', '9.20'],
    reason: R.META_TYPES,
  },
  {
    script: 'hand/type0-add.nsupdate',
    aspect: 'stderr',
    versions: ['9.16', '9.18', '9.20'],
    reason: R.META_TYPES,
  },
  {
    script: 'bind/catz-main-L2775.nsupdate',
    aspect: 'stderr',
    versions: ['9.16'],
    reason: R.NO_CODEC,
  },
  {
    script: 'bind/catz-main-L2775.nsupdate',
    aspect: 'exit',
    versions: ['9.16'],
    reason: R.NO_CODEC,
  },
  {
    script: 'bind/catz-main-L2775.nsupdate',
    aspect: 'zone',
    versions: ['9.16'],
    reason: R.NO_CODEC,
  },
  {
    script: 'bind/catz-main-L2797.nsupdate',
    aspect: 'stderr',
    versions: ['9.16'],
    reason: R.NO_CODEC,
  },
  {
    script: 'bind/catz-main-L2797.nsupdate',
    aspect: 'exit',
    versions: ['9.16'],
    reason: R.NO_CODEC,
  },
  {
    script: 'hand/a-leading-zero.nsupdate',
    aspect: 'stderr',
    versions: ['9.16', '9.18', '9.20'],
    reason: R.PARSE_TIME,
  },
  {
    script: 'hand/a-three-octets.nsupdate',
    aspect: 'stderr',
    versions: ['9.16', '9.18', '9.20'],
    reason: R.PARSE_TIME,
  },
  {
    script: 'hand/a-three-octets.nsupdate',
    aspect: 'zone',
    versions: ['9.16', '9.18', '9.20'],
    reason: R.PARSE_TIME,
  },
  {
    script: 'hand/a-two-addresses.nsupdate',
    aspect: 'stderr',
    versions: ['9.16', '9.18', '9.20'],
    reason: R.PARSE_TIME,
  },
  {
    script: 'hand/aaaa-bad.nsupdate',
    aspect: 'stderr',
    versions: ['9.16', '9.18', '9.20'],
    reason: R.PARSE_TIME,
  },
  {
    script: 'hand/delete-extra-input.nsupdate',
    aspect: 'stderr',
    versions: ['9.16', '9.18', '9.20'],
    reason: R.PARSE_TIME,
  },
  {
    script: 'hand/mx-preference-too-big.nsupdate',
    aspect: 'stderr',
    versions: ['9.16', '9.18', '9.20'],
    reason: R.PARSE_TIME,
  },
  {
    script: 'hand/srv-missing-field.nsupdate',
    aspect: 'stderr',
    versions: ['9.16', '9.18', '9.20'],
    reason: R.PARSE_TIME,
  },
  {
    script: 'hand/txt-256-bytes.nsupdate',
    aspect: 'stderr',
    versions: ['9.16', '9.18', '9.20'],
    reason: R.PARSE_TIME,
  },
  {
    script: 'hand/txt-unterminated.nsupdate',
    aspect: 'stderr',
    versions: ['9.16', '9.18', '9.20'],
    reason: R.PARSE_TIME,
  },
  {
    script: 'bind/nsupdate-main-L2064.nsupdate',
    aspect: 'stderr',
    versions: ['9.16', '9.18', '9.20'],
    reason: R.SERVER_NAME,
  },
  {
    script: 'bind/nsupdate-main-L2064.nsupdate',
    aspect: 'exit',
    versions: ['9.16', '9.18', '9.20'],
    reason: R.SERVER_NAME,
  },
  {
    script: 'hand/transport-refused-discovery.nsupdate',
    aspect: 'stderr',
    versions: ['9.16'],
    reason: R.TRANSPORT,
  },
  {
    script: 'hand/transport-refused-tcp.nsupdate',
    aspect: 'stderr',
    versions: ['9.16', '9.18'],
    reason: R.TRANSPORT,
  },
  {
    script: 'hand/transport-refused-udp.nsupdate',
    aspect: 'stderr',
    versions: ['9.16'],
    reason: R.TRANSPORT,
  },
  {
    script: 'hand/txt-backslash-newline.nsupdate',
    aspect: 'stderr',
    versions: ['9.16', '9.18', '9.20'],
    reason: R.TXT_NEWLINE,
  },
  {
    script: 'bind/nsupdate-main-L2122.nsupdate',
    aspect: 'exit',
    versions: ['9.16', '9.18', '9.20'],
    reason: R.UNCLASSIFIED,
  },
  {
    script: 'hand/help-command.nsupdate',
    aspect: 'stdout',
    versions: ['9.16', '9.18', '9.20'],
    reason: R.VERSION_HELP,
  },
  {
    script: 'hand/version-command.nsupdate',
    aspect: 'stdout',
    versions: ['9.16', '9.18', '9.20'],
    reason: R.VERSION_HELP,
  },
];
