/**
 * The rndc command catalog for BIND 9.18, and the rules named applies to a command line:
 * how its lexer splits it into tokens, how to quote an argument so it comes back as exactly
 * one token, and which lines a `read-only yes` control channel accepts.
 *
 * Pure: no I/O. Sources (files of BIND's source tree):
 * - command words: `bin/named/include/named/control.h` and the dispatch in `bin/named/control.c`
 *   at tag v9.18.49;
 * - tokenising: `next_token()` in `bin/named/server.c` reads each argument with
 *   `isc_lex_gettoken(ISC_LEXOPT_EOF | ISC_LEXOPT_QSTRING)` on a lexer with no special
 *   characters, no comments and no `ISC_LEXOPT_ESCAPE` (`lib/isc/lex.c`) — see
 *   {@link tokenizeCommandLine};
 * - read-only channels: `named_control_docommand()` in control.c and `named_server_nta()` in
 *   server.c (verified live against 9.18.49);
 * - disk effects: the command handlers in bin/named/server.c and the dump scheduling in
 *   lib/dns/zone.c (`zone_needdump()`, `dns_zone_flush()`).
 */
import { RndcLibraryError } from '../errors.js';
import { compareVersion, type ServerVersion } from './versions.js';

/** When a command's disk effect happens, relative to named's reply. */
export type DiskEffectTiming =
  /** Written (or removed) synchronously, before named sends the reply. */
  | 'immediately'
  /** Started before the reply, finished later on a worker thread; the outcome is only logged. */
  | 'asynchronously'
  /** Not started by the command: named sets a timer and writes later (seconds to ~15 minutes). */
  | 'scheduled'
  /** While named shuts down, after the reply has been sent. */
  | 'at-exit'
  /** After a zone transfer that the command triggers has completed. */
  | 'after-transfer';

/**
 * What a command writes to (or removes from) the server's disk: files, timing and whether the
 * outcome must be verified (see docs/dump-awareness.md).
 */
export interface DiskEffect {
  /** The file(s) created, rewritten or removed, as named names them (options or defaults). */
  readonly writes: string;
  /** When that happens relative to named's reply. */
  readonly when: DiskEffectTiming;
  /** One or two sentences for a person: what to expect, what to watch out for. */
  readonly note: string;
  /** Files the command deletes, if any (for example a journal). */
  readonly deletes?: string;
  /** The argument or situation the effect depends on, when it is not unconditional. */
  readonly condition?: string;
}

/** One command word of named's control channel. */
export interface CommandInfo {
  /** The command word as named defines it (lower case; named compares case-insensitively). */
  readonly word: string;
  /** Other words named treats as the same command (e.g. `unfreeze` for `thaw`). */
  readonly aliases?: readonly string[];
  /** Argument syntax in rndc's usage notation. */
  readonly synopsis: string;
  /** What the command does, in one or two sentences. */
  readonly description: string;
  /** Whether named runs it on a `read-only yes` channel (see {@link allowedOnReadOnlyChannel}). */
  readonly readOnly: boolean;
  /** When only some forms are allowed on a read-only channel: which ones. */
  readonly readOnlyWhen?: string;
  /** What it writes to disk on the server, or `null` when it writes nothing. */
  readonly diskEffect: DiskEffect | null;
  /**
   * True when named replies before the work is done (the reply says "started" or "queued", or
   * success only means the work was scheduled).
   */
  readonly asynchronous?: boolean;
  /** True for commands that rndc's usage text does not list (test/maintenance hooks). */
  readonly hidden?: boolean;
  /** First BIND release whose named knows the word (older ones answer `unknown command`). */
  readonly addedIn?: string;
  /** First BIND release whose named no longer knows the word (it then answers `unknown command`). */
  readonly removedIn?: string;
  /**
   * Options (the first argument, compared case-insensitively) that only some releases know,
   * with the first release that has each: `retransfer -force` since 9.20.1, for example.
   * Older releases do not refuse them cleanly: they read the option as a zone name.
   */
  readonly optionsAddedIn?: Readonly<Record<string, string>>;
}

const ZONE = 'zone [class [view]]';

/**
 * Every command word named accepts in BIND 9.16, 9.18 or 9.20, in alphabetical order, with the
 * releases that have it (`addedIn`/`removedIn`, `optionsAddedIn`). Sources: control.h and the
 * dispatch in control.c at every tag v9.16.0–v9.16.50, v9.18.0–v9.18.49, v9.20.0–v9.20.23.
 * 9.16.50 and 9.18.49 know the same 44 words (`unfreeze` being an alias of `thaw`); 9.20 adds
 * `fetchlimit` (9.20.0), `skr` (9.20.2), `responselog` (9.20.3), `memprof` (9.20.6) and
 * `reset-stats` (9.20.8), and drops `tsig-list`, `tsig-delete` and `timerpoke` (9.20.0).
 * Words not listed here get `unknown command` from every version; `restart` is refused by the
 * rndc tool itself and unknown to named. See {@link unavailableIn}.
 */
export const COMMANDS: readonly CommandInfo[] = Object.freeze([
  {
    // rndc-protocol.md §6
    word: 'addzone',
    synopsis: `addzone ${ZONE} { zone-options; }`,
    description:
      'Adds a zone at run time (needs allow-new-zones yes). The part after the word is parsed with the named.conf grammar, so the options block is sent verbatim, not quoted.',
    readOnly: false,
    diskEffect: {
      writes: '<view>.nzf (or <view>.nzd with LMDB) in the directory',
      when: 'immediately',
      note: 'The new zone statement is persisted so it survives a restart; the zone file itself is only read (or, for a secondary, written after its first transfer).',
    },
  },
  {
    // server.c rmzone(): files removed only for added zones with -clean
    word: 'delzone',
    synopsis: `delzone [-clean] ${ZONE}`,
    description:
      'Removes a zone at run time. -clean (alias -clear) also deletes the zone file and journal, but only for zones that were added with addzone.',
    readOnly: false,
    diskEffect: {
      writes: '<view>.nzf / <view>.nzd (zone statement removed)',
      when: 'immediately',
      deletes: 'with -clean: zone file, journal (and .signed file + journal for inline-signing)',
      condition: 'file deletion only with -clean and only for zones added with addzone',
      note: 'The deletion runs after the zone is unloaded, after the reply; nothing asks for confirmation.',
    },
    asynchronous: true,
  },
  {
    word: 'dnssec',
    synopsis: `dnssec (-status | -rollover -key id [-alg algorithm] [-when time] | -checkds [-key id [-alg algorithm]] [-when time] (published | withdrawn) | -step) ${ZONE}`,
    description:
      'dnssec-policy operations: show the signing state, start a manual key rollover, tell named that the parent published or withdrew the DS, or (9.20.13+) run the key manager of a zone in manual mode.',
    readOnly: false,
    // control.h/server.c: `dnssec -status` from 9.16.5, -checkds 9.16.7, -rollover 9.16.8, -step 9.20.13.
    addedIn: '9.16.5',
    optionsAddedIn: { '-checkds': '9.16.7', '-rollover': '9.16.8', '-step': '9.20.13' },
    diskEffect: {
      writes: 'key state files (K<zone>+<alg>+<id>.state) in the key-directory',
      when: 'immediately',
      condition: '-rollover and -checkds only; -status writes nothing',
      note: 'A rollover then changes the zone (new keys, re-signing), which reaches the zone files through the journal and a later dump.',
    },
  },
  {
    word: 'dnstap',
    synopsis: 'dnstap (-reopen | -roll [count])',
    description:
      'Closes and reopens the dnstap output file; -roll renames it first, keeping count old versions.',
    readOnly: false,
    diskEffect: {
      writes: 'the dnstap output file (reopened; with -roll renamed to <file>.N)',
      when: 'immediately',
      note: 'Only when dnstap-output is a file.',
    },
  },
  {
    word: 'dnstap-reopen',
    synopsis: 'dnstap-reopen',
    description: 'Same as `dnstap -reopen`.',
    readOnly: false,
    diskEffect: {
      writes: 'the dnstap output file (reopened)',
      when: 'immediately',
      note: 'Only when dnstap-output is a file.',
    },
  },
  {
    // rndc-protocol.md §5.4, §6; dump-behaviour.md §1.2 (-zones)
    word: 'dumpdb',
    synopsis: 'dumpdb [-all | -cache | -zones | -adb | -bad | -expired | -fail] [view ...]',
    description:
      'Dumps caches and/or zone data to the dump-file. named always answers success, even for an unknown view (the text then says so).',
    readOnly: false,
    diskEffect: {
      writes: 'dump-file (default named_dump.db)',
      when: 'asynchronously',
      note: 'The file is truncated before the reply and filled afterwards. -zones writes zone data into this file, never into the zone files.',
    },
    asynchronous: true,
  },
  {
    word: 'fetchlimit',
    synopsis: 'fetchlimit [view]',
    description:
      'Lists the servers and domains currently rate-limited by fetches-per-server and fetches-per-zone.',
    readOnly: false,
    diskEffect: null,
    addedIn: '9.20.0',
  },
  {
    word: 'flush',
    synopsis: 'flush [view]',
    description: "Flushes the server's cache(s), or one view's.",
    readOnly: false,
    diskEffect: null,
  },
  {
    word: 'flushname',
    synopsis: 'flushname name [view]',
    description: 'Removes one name from the cache(s).',
    readOnly: false,
    diskEffect: null,
  },
  {
    word: 'flushtree',
    synopsis: 'flushtree name [view]',
    description: 'Removes a name and everything below it from the cache(s).',
    readOnly: false,
    diskEffect: null,
  },
  {
    // dump-behaviour.md §1.2, §1.4, §3.2; rndc-protocol.md §6.1
    word: 'freeze',
    synopsis: `freeze [${ZONE}]`,
    description:
      'Writes the journal into the zone file, then refuses dynamic updates until thaw (primary, dynamic zones only). Without a zone: all zones.',
    readOnly: false,
    diskEffect: {
      writes: 'zone file (and <file>.signed for inline-signing)',
      when: 'asynchronously',
      note: 'Success means the dump was started (or nothing was pending); a dump that fails later is only logged, and the zone stays frozen. The journal is kept (compacted after a successful dump).',
    },
    asynchronous: true,
  },
  {
    // dump-behaviour.md §1.2, §7.1; server.c shutdown_server() saves NTAs either way
    word: 'halt',
    synopsis: 'halt [-p]',
    description:
      'Stops named at once without writing pending dynamic-zone changes to the zone files (they stay in the journals). -p returns the pid.',
    readOnly: false,
    diskEffect: {
      writes: '<view>.nta files only — zone files are NOT flushed',
      when: 'at-exit',
      note: 'Pending changes survive only in the journal files; named then closes the connection and exits.',
    },
    asynchronous: true,
  },
  {
    // dump-behaviour.md §1.2 (zone_rekey → 900 s dump delay)
    word: 'loadkeys',
    synopsis: `loadkeys ${ZONE}`,
    description:
      'Loads new DNSSEC keys from the key-directory and schedules signing with them, without re-signing the whole zone at once.',
    readOnly: false,
    diskEffect: {
      writes: 'journal now; zone file (or .signed) at the next dump',
      when: 'scheduled',
      note: 'Changes go to the journal; the zone file is rewritten by the periodic dump 676–900 s later.',
    },
    asynchronous: true,
  },
  {
    word: 'memprof',
    synopsis: 'memprof [on | off | dump]',
    description:
      'Switches jemalloc memory profiling on or off, or dumps the profile (named built with jemalloc and run with profiling enabled in MALLOC_CONF).',
    readOnly: false,
    diskEffect: {
      writes: "a jemalloc heap profile in named's working directory",
      when: 'immediately',
      condition: 'dump only',
      note: 'Only when named was built with jemalloc profiling; otherwise the command fails.',
    },
    addedIn: '9.20.6',
  },
  {
    // dump-behaviour.md §1.2 (managed-keys zone, 30 s); server.c named_server_mkeys()
    word: 'managed-keys',
    synopsis: 'managed-keys (status | refresh | sync | destroy) [class [view]]',
    description:
      'RFC 5011 trust-anchor maintenance: show state, refresh now, write the keys to disk, or throw the database away.',
    readOnly: false,
    diskEffect: {
      writes: 'managed-keys.bind (or <view>.mkeys) and its journal',
      when: 'asynchronously',
      deletes: 'with destroy: managed-keys.bind / <view>.mkeys and its journal',
      condition:
        'sync writes, destroy deletes, refresh may write ~30 s later, status writes nothing',
      note: 'destroy is meant for recovery only; named re-initialises the keys from the configuration.',
    },
  },
  {
    // rndc-protocol.md §6
    word: 'modzone',
    synopsis: `modzone ${ZONE} { zone-options; }`,
    description:
      'Replaces the configuration of a zone at run time (needs allow-new-zones yes). Parsed with the named.conf grammar, like addzone.',
    readOnly: false,
    diskEffect: {
      writes: '<view>.nzf (or <view>.nzd) in the directory',
      when: 'immediately',
      note: 'A zone from named.conf is modified only until the next reconfig/restart unless named.conf is edited as well.',
    },
  },
  {
    word: 'notify',
    synopsis: `notify ${ZONE}`,
    description: 'Sends NOTIFY messages for the zone again.',
    readOnly: false,
    diskEffect: null,
    asynchronous: true,
  },
  {
    word: 'notrace',
    synopsis: 'notrace',
    description: 'Sets the debug level to 0.',
    readOnly: false,
    diskEffect: null,
  },
  {
    // server.c named_server_nta()/named_server_saventa()
    word: 'nta',
    synopsis:
      'nta (-dump | [-lifetime duration] [-force] [-class class] domain [view] | -remove domain [view])',
    description:
      'Lists, adds or removes negative trust anchors (DNSSEC validation switched off below a domain), at most one week.',
    readOnly: false,
    readOnlyWhen:
      'only the -dump form (any prefix of -dump, even a lone "-", after optional -force/-lifetime/-class options)',
    diskEffect: {
      writes: '<view>.nta in the directory',
      when: 'immediately',
      condition: 'adding or removing an NTA; -dump writes nothing',
      note: 'NTAs are also saved at shutdown so they survive a restart.',
    },
  },
  {
    word: 'null',
    synopsis: 'null',
    description:
      'Does nothing. Clients use it for the nonce handshake and as a keep-alive; named does not log it.',
    readOnly: true,
    diskEffect: null,
  },
  {
    word: 'querylog',
    synopsis: 'querylog [on | off]',
    description: 'Switches query logging on or off, or toggles it without an argument.',
    readOnly: false,
    diskEffect: null,
  },
  {
    word: 'reconfig',
    synopsis: 'reconfig',
    description:
      'Reloads named.conf and loads new zones only; existing zones are not reloaded from their files.',
    readOnly: false,
    diskEffect: null,
  },
  {
    word: 'recursing',
    synopsis: 'recursing',
    description: 'Writes the queries currently being recursed to the recursing-file.',
    readOnly: false,
    diskEffect: {
      writes: 'recursing-file (default named.recursing)',
      when: 'immediately',
      note: 'The file is overwritten each time.',
    },
  },
  {
    // dump-behaviour.md §1.2 (zone_xfrdone)
    word: 'refresh',
    synopsis: `refresh ${ZONE}`,
    description:
      'Schedules an SOA check of a secondary, mirror or stub zone now; a newer serial leads to a transfer.',
    readOnly: false,
    diskEffect: {
      writes: 'the secondary zone file',
      when: 'after-transfer',
      condition: 'only if the primary has a newer serial',
      note: 'The reply only says the refresh was queued.',
    },
    asynchronous: true,
  },
  {
    word: 'reload',
    synopsis: `reload [${ZONE}]`,
    description:
      'Without a zone: reloads named.conf and every changed zone (in the background). With a zone: reloads that zone from its file; refused for dynamic zones (`dynamic zone`), which need freeze/thaw.',
    readOnly: false,
    diskEffect: null,
    asynchronous: true,
  },
  {
    word: 'reset-stats',
    synopsis: 'reset-stats counter-name ...',
    description:
      'Resets the named statistics counters (for example recursive-high-water, tcp-high-water).',
    readOnly: false,
    diskEffect: null,
    addedIn: '9.20.8',
  },
  {
    word: 'responselog',
    synopsis: 'responselog [on | off]',
    description: 'Switches response logging on or off, or toggles it without an argument.',
    readOnly: false,
    diskEffect: null,
    addedIn: '9.20.3',
  },
  {
    // dump-behaviour.md §1.2 (zone_xfrdone)
    word: 'retransfer',
    synopsis: `retransfer [-force] ${ZONE}`,
    description:
      'Transfers a secondary, mirror or stub zone from its primary again, without comparing serials. -force (9.20.1+) cancels a transfer in progress first.',
    readOnly: false,
    optionsAddedIn: { '-force': '9.20.1' },
    diskEffect: {
      writes: 'the secondary zone file',
      when: 'after-transfer',
      note: 'The reply comes before the transfer; a failed transfer is only logged.',
    },
    asynchronous: true,
  },
  {
    word: 'scan',
    synopsis: 'scan',
    description: 'Scans the network interfaces for changes now.',
    readOnly: false,
    diskEffect: null,
  },
  {
    word: 'secroots',
    synopsis: 'secroots [-] [view ...]',
    description:
      'Writes the trust anchors and NTAs to the secroots-file, or returns them as text with "-".',
    readOnly: false,
    diskEffect: {
      writes: 'secroots-file (default named.secroots)',
      when: 'immediately',
      condition: 'not with "-"',
      note: 'The file is overwritten each time.',
    },
  },
  {
    word: 'serve-stale',
    synopsis: 'serve-stale (on | off | reset | status) [class [view]]',
    description: 'Switches serving of stale cached answers, or shows its state.',
    readOnly: false,
    diskEffect: null,
  },
  {
    word: 'showzone',
    synopsis: `showzone ${ZONE}`,
    description: "Returns the zone's configuration as named.conf text.",
    readOnly: true,
    diskEffect: null,
  },
  {
    word: 'skr',
    synopsis: `skr -import file ${ZONE}`,
    description:
      'Imports a Signed Key Response (offline KSK signing) for a zone with a dnssec-policy.',
    readOnly: false,
    // server.c named_server_skr() (v9.20.23): imports the file, then schedules a rekey as loadkeys.
    diskEffect: {
      writes: 'journal now; zone file (or .signed) at the next dump',
      when: 'scheduled',
      note: 'The import schedules a rekey, as loadkeys does: changes go to the journal; the zone file is rewritten by the periodic dump 676–900 s later.',
    },
    asynchronous: true,
    addedIn: '9.20.2',
  },
  {
    // dump-behaviour.md §1.2 (zone_rekey → 900 s dump delay)
    word: 'sign',
    synopsis: `sign ${ZONE}`,
    description:
      'Loads new DNSSEC keys from the key-directory and re-signs the zone with them completely.',
    readOnly: false,
    diskEffect: {
      writes: 'journal now; zone file (or .signed) at the next dump',
      when: 'scheduled',
      note: 'Signing runs in the background; the zone file is rewritten by the periodic dump 676–900 s later.',
    },
    asynchronous: true,
  },
  {
    // dump-behaviour.md §1.2 (keydone/rss_post/setserial → 30 s dump delay)
    word: 'signing',
    synopsis: `signing (-list | -clear (keyid/algorithm | all) | -nsec3param (hash flags iterations salt | none) | -serial value) ${ZONE}`,
    description:
      "Lists or clears the zone's signing-state records, sets NSEC3 parameters, or sets the serial of a signed zone.",
    readOnly: false,
    diskEffect: {
      writes: 'journal now; zone file (or .signed) 24–30 s later',
      when: 'scheduled',
      condition: '-clear, -nsec3param and -serial; -list writes nothing',
      note: 'These changes schedule a dump with a 30 s delay instead of the usual 900 s.',
    },
  },
  {
    word: 'stats',
    synopsis: 'stats',
    description: 'Appends the server statistics to the statistics-file.',
    readOnly: false,
    diskEffect: {
      writes: 'statistics-file (default named.stats)',
      when: 'immediately',
      note: 'Appended, never truncated: the file grows with every call.',
    },
  },
  {
    word: 'status',
    synopsis: 'status',
    description: 'Returns the server status text (see parseServerStatus).',
    readOnly: true,
    diskEffect: null,
  },
  {
    // dump-behaviour.md §1.2, §7.1; control.c sets flush-on-shutdown
    word: 'stop',
    synopsis: 'stop [-p]',
    description:
      'Writes pending dynamic-zone changes to the zone files, then stops named. -p returns the pid.',
    readOnly: false,
    diskEffect: {
      writes: 'zone files with pending changes (and .signed files), <view>.nta',
      when: 'at-exit',
      note: 'The reply comes first; a dump that fails during shutdown is only logged. Journals are kept.',
    },
    asynchronous: true,
  },
  {
    // dump-behaviour.md §1.2, §1.4, §3.3 (-clean); server.c synczone()
    word: 'sync',
    synopsis: `sync [-clean] [${ZONE}]`,
    description:
      'Writes dynamic zones (one zone, or all) to their zone files now. -clean (alias -clear) also deletes the journal.',
    readOnly: false,
    diskEffect: {
      writes: 'zone file (and <file>.signed for inline-signing)',
      when: 'asynchronously',
      deletes: 'with -clean: the journal, as soon as the dump has been scheduled',
      note: 'Success means the dump was started (or nothing was pending), not that it worked. -clean deletes the journal even if the dump then fails, losing the changes: verify the dump, and prefer plain sync.',
    },
    asynchronous: true,
  },
  {
    word: 'tcp-timeouts',
    synopsis: 'tcp-timeouts [initial idle keepalive advertised]',
    description: 'Shows or sets the tcp-*-timeout values (in units of 100 ms).',
    readOnly: false,
    diskEffect: null,
  },
  {
    word: 'testgen',
    synopsis: 'testgen [count]',
    description:
      'Test hook: returns count bytes of generated text (default 26). Handy to test large replies.',
    readOnly: true,
    diskEffect: null,
    hidden: true,
  },
  {
    // dump-behaviour.md §1.2, §6.5 (journal removed after a hand edit)
    word: 'thaw',
    aliases: ['unfreeze'],
    synopsis: `thaw [${ZONE}]`,
    description:
      'Re-enables dynamic updates of a frozen zone and reloads it from its file, so edits made while frozen take effect. Without a zone: all zones.',
    readOnly: false,
    diskEffect: {
      writes: 'nothing is written; the zone file is re-read',
      when: 'asynchronously',
      deletes:
        'the journal, if the zone file was edited while frozen (and ixfr-from-differences is off)',
      note: 'The reload may finish after the reply ("A zone reload and thaw was started.").',
    },
    asynchronous: true,
  },
  {
    word: 'timerpoke',
    synopsis: 'timerpoke',
    description: "Test hook: pokes named's timer manager.",
    readOnly: false,
    diskEffect: null,
    hidden: true,
    removedIn: '9.20.0',
  },
  {
    word: 'trace',
    synopsis: 'trace [level]',
    description: 'Raises the debug level by one, or sets it to level.',
    readOnly: false,
    diskEffect: null,
  },
  {
    word: 'tsig-delete',
    synopsis: 'tsig-delete keyname [view]',
    description: 'Deletes a TKEY-negotiated TSIG key.',
    readOnly: false,
    diskEffect: null,
    removedIn: '9.20.0',
  },
  {
    word: 'tsig-list',
    synopsis: 'tsig-list',
    description: 'Lists the TSIG keys, both configured and TKEY-negotiated.',
    readOnly: false,
    diskEffect: null,
    removedIn: '9.20.0',
  },
  {
    word: 'validation',
    synopsis: 'validation (on | off | status) [view ...]',
    description: 'Switches DNSSEC validation on or off (flushing the cache), or shows its state.',
    readOnly: false,
    diskEffect: null,
  },
  {
    word: 'zonestatus',
    synopsis: `zonestatus ${ZONE}`,
    description: 'Returns the zone status text (see parseZoneStatus).',
    readOnly: true,
    diskEffect: null,
  },
] satisfies CommandInfo[]);

const BY_WORD: ReadonlyMap<string, CommandInfo> = (() => {
  const map = new Map<string, CommandInfo>();
  for (const info of COMMANDS) {
    map.set(info.word, info);
    for (const alias of info.aliases ?? []) map.set(alias, info);
  }
  return map;
})();

/** The command word of a line the way named's `getcommand()` reads it (no quote handling). */
function firstWord(line: string): string {
  const match = /^[ \t\r\n]*([^ \t\r\n]*)/.exec(cutAtNul(line));
  return match?.[1] ?? '';
}

/** named reads `_data.type` as a C string: everything from the first NUL on is ignored. */
function cutAtNul(line: string): string {
  const nul = line.indexOf('\0');
  return nul === -1 ? line : line.slice(0, nul);
}

/**
 * Looks up a command by its word, or by the first word of a whole command line.
 * Case-insensitive, like named (`strcasecmp`); aliases (`unfreeze`) find their command.
 *
 * @param wordOrLine - a command word (`"ZoneStatus"`) or a line (`"zonestatus example.com"`)
 * @returns the catalog entry, or `undefined` for words no BIND 9.16–9.20 knows (check
 *   {@link unavailableIn} for a given release)
 */
export function commandInfo(wordOrLine: string): CommandInfo | undefined {
  if (typeof wordOrLine !== 'string') return undefined;
  return BY_WORD.get(firstWord(wordOrLine).toLowerCase());
}

/** Why a command line cannot run on a given BIND release (see {@link unavailableIn}). */
export interface CommandUnavailable {
  /** The command word, lower case. */
  readonly word: string;
  /** The option that this release lacks (`-force`), when the word itself is known. */
  readonly option?: string;
  /** First release that has the word (or option), when it was added after some supported one. */
  readonly addedIn?: string;
  /** First release that no longer has the word. */
  readonly removedIn?: string;
  /** Which releases have it, for a person: `BIND 9.20.0 and later`, `BIND before 9.20.0`. */
  readonly availableIn: string;
}

/**
 * Whether a command line uses a word or an option that the given BIND release does not know.
 * Words not in the catalog, and releases the catalog has no entry against, are left to named
 * (`undefined`): only what the catalog knows is refused.
 *
 * @param line - the command line (the first word is the command, the second its option)
 * @param version - the release, at least `major`, `minor` and `patch`
 * @returns what is missing and where it exists, or `undefined` when the release has it
 */
export function unavailableIn(
  line: string,
  version: Pick<ServerVersion, 'major' | 'minor' | 'patch'>,
): CommandUnavailable | undefined {
  const info = commandInfo(line);
  if (info === undefined) return undefined;
  const word = info.word;
  if (info.addedIn !== undefined && compareVersion(version, info.addedIn) < 0) {
    return {
      word,
      addedIn: info.addedIn,
      availableIn: `BIND ${info.addedIn} and later${info.removedIn ? ` (before ${info.removedIn})` : ''}`,
    };
  }
  if (info.removedIn !== undefined && compareVersion(version, info.removedIn) >= 0) {
    return {
      word,
      removedIn: info.removedIn,
      availableIn: `BIND before ${info.removedIn}${info.addedIn ? ` (from ${info.addedIn})` : ''}`,
    };
  }
  const versioned = versionedOption(info, line);
  if (versioned !== undefined && compareVersion(version, versioned.since) < 0) {
    const { option, since } = versioned;
    return { word, option, addedIn: since, availableIn: `BIND ${since} and later` };
  }
  return undefined;
}

/** The line's option (its second token) when only some releases know it, with the first that does. */
function versionedOption(
  info: CommandInfo,
  line: string,
): { readonly option: string; readonly since: string } | undefined {
  if (info.optionsAddedIn === undefined) return undefined;
  const option = tokenizeCommandLine(line)?.[1]?.toLowerCase();
  const since = option === undefined ? undefined : info.optionsAddedIn[option];
  return option === undefined || since === undefined ? undefined : { option, since };
}

/**
 * Whether a line uses a word or option that not every BIND release has (`addedIn`, `removedIn`,
 * `optionsAddedIn`): only then does the server's version decide whether it may be sent.
 */
export function versionSensitive(line: string): boolean {
  const info = commandInfo(line);
  if (info === undefined) return false;
  if (info.addedIn !== undefined || info.removedIn !== undefined) return true;
  return versionedOption(info, line) !== undefined;
}

/**
 * The catalog entries a BIND release knows (words added later and words removed earlier are
 * left out; options are not filtered).
 *
 * @param version - the release, at least `major`, `minor` and `patch`
 */
export function commandsIn(
  version: Pick<ServerVersion, 'major' | 'minor' | 'patch'>,
): readonly CommandInfo[] {
  return COMMANDS.filter(
    (info) =>
      (info.addedIn === undefined || compareVersion(version, info.addedIn) >= 0) &&
      (info.removedIn === undefined || compareVersion(version, info.removedIn) < 0),
  );
}

/**
 * Splits a command line into tokens exactly as named 9.18 reads its arguments (`next_token()`
 * in server.c over `lib/isc/lex.c`):
 * - tokens are separated by spaces, tabs, CR and LF; nothing else is special (`;`, `{`, `#`,
 *   `\` have no meaning outside quotes);
 * - a token that *starts* with `"` runs to the next unescaped `"`; inside it `\"` stands for
 *   `"` and every other backslash is kept as it is (`"a\\b"` reads back as `a\\b`);
 *   a quote anywhere else is an ordinary character;
 * - an LF inside quotes (without a backslash before it) or a missing closing quote is an
 *   error in named; the line is cut at the first NUL (named reads it as a C string).
 *
 * Note: named reads the command word itself without quote handling, so a quoted first word is
 * never recognised; this function applies the quote rule to every token.
 *
 * @param line - the text sent as `_data.type`
 * @returns the tokens, or `undefined` where named's lexer reports an error
 */
export function tokenizeCommandLine(line: string): string[] | undefined {
  const text = cutAtNul(line);
  const tokens: string[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      i++;
      continue;
    }
    if (c === '"') {
      let token = '';
      let escaped = false;
      let closed = false;
      for (i++; i < text.length; i++) {
        const q = text[i]!;
        if (q === '"') {
          if (escaped) {
            // The lexer overwrites the backslash it already stored with the quote.
            token = `${token.slice(0, -1)}"`;
            escaped = false;
            continue;
          }
          closed = true;
          i++;
          break;
        }
        if (q === '\n' && !escaped) return undefined;
        escaped = q === '\\' && !escaped;
        token += q;
      }
      if (!closed) return undefined;
      tokens.push(token);
      continue;
    }
    const start = i;
    while (i < text.length && !' \t\r\n'.includes(text[i]!)) i++;
    tokens.push(text.slice(start, i));
  }
  return tokens;
}

/** Characters left bare by {@link quoteArgument}: safe in rndc lines and in named.conf text. */
const BARE_SAFE = /^[A-Za-z0-9_.\-+:@=,%*]+$/;
const FORBIDDEN = /[\0\r\n]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function invalidArgument(message: string, remedy: string): RndcLibraryError<'invalid-argument'> {
  return new RndcLibraryError({ kind: 'invalid-argument', message, remedy });
}

/** Can `s` be carried inside double quotes by named's lexer? (see {@link quoteArgument}) */
function quotable(s: string): boolean {
  // A run of backslashes right before a quote, or at the very end, must have even length:
  // an odd run would make the lexer take the last backslash as an escape.
  for (const match of s.matchAll(/\\+/g)) {
    const end = match.index + match[0].length;
    if (match[0].length % 2 === 1 && (end === s.length || s[end] === '"')) return false;
  }
  return true;
}

/**
 * Returns text that named's command lexer reads back as exactly `arg`, as one token.
 *
 * - Plain words (letters, digits and `_ . - + : @ = , % *`) are returned unchanged.
 * - Everything else, including the empty string, is put in double quotes with each `"`
 *   written as `\"`. Backslashes are **not** doubled: named's lexer keeps every backslash that
 *   does not precede a quote (BIND 9.18, verified live: `"a\\b"` reads back as `a\\b`).
 * - The few strings that cannot be carried in quotes (an odd run of backslashes right before a
 *   `"` or at the end) are returned bare when they contain no whitespace and do not start
 *   with `"` — bare tokens are taken literally.
 * - Tabs and other control characters are quoted and arrive unchanged.
 *
 * The result is also valid where named parses the line with the named.conf grammar (the zone,
 * class and view of `addzone`/`modzone`), because bare results contain none of that grammar's
 * special characters. Non-ASCII text travels as UTF-8.
 *
 * Quoting only controls tokenising: named does not tell a quoted token from a bare one, so a
 * quoted `"-clean"` is still read as the option.
 *
 * @param arg - one argument (zone name, view name, key name, option, …)
 * @throws {RndcLibraryError} kind `invalid-argument` for NUL, CR or LF (named cuts the line at
 *   NUL, ends bare tokens at CR, and rejects LF inside quotes), for lone UTF-16 surrogates
 *   (not representable in UTF-8), and for strings with whitespace that the lexer cannot
 *   carry in any form.
 */
export function quoteArgument(arg: string): string {
  if (typeof arg !== 'string') {
    throw invalidArgument(`an rndc argument must be a string, got ${typeof arg}`, 'pass a string');
  }
  if (BARE_SAFE.test(arg)) return arg;
  if (FORBIDDEN.test(arg)) {
    throw invalidArgument(
      `rndc argument ${JSON.stringify(arg)} contains NUL, CR or LF, which named's command lexer cannot carry`,
      'remove line breaks and NUL characters from the argument',
    );
  }
  if (LONE_SURROGATE.test(arg)) {
    throw invalidArgument(
      `rndc argument ${JSON.stringify(arg)} contains a lone UTF-16 surrogate`,
      'pass well-formed Unicode text',
    );
  }
  if (quotable(arg)) return `"${arg.replaceAll('"', '\\"')}"`;
  if (!/[ \t]/.test(arg) && !arg.startsWith('"')) return arg;
  throw invalidArgument(
    `rndc argument ${JSON.stringify(arg)} cannot be sent: it needs quotes (whitespace or a leading quote) but has an odd run of backslashes before a quote or at the end, which named's lexer cannot read back inside quotes`,
    'avoid a trailing backslash or a backslash before a double quote in arguments with spaces',
  );
}

/** An argument that {@link formatCommand} passes through verbatim (e.g. an addzone config block). */
export interface RawArgument {
  /** The text to insert as it is. */
  readonly raw: string;
}

/** One argument of {@link formatCommand}: quoted as needed, `undefined` is dropped. */
export type CommandArgument = string | number | RawArgument | undefined;

/**
 * Builds a command line: the word, then each argument quoted with {@link quoteArgument},
 * joined with single spaces. `undefined` arguments are dropped (so optional arguments can be
 * written inline); numbers are written in decimal; `{ raw }` arguments are inserted as they
 * are — use that for the `{ zone-options; }` block of addzone/modzone, which named parses as
 * named.conf text (on one line: NUL, CR and LF are refused there too).
 *
 * @example formatCommand('zonestatus', ['example.com', undefined]) // "zonestatus example.com"
 * @example formatCommand('flush', ['my view']) // 'flush "my view"'
 * @throws {RndcLibraryError} kind `invalid-argument` when the word is not a plain command word,
 *   a number is not a finite non-negative integer, or an argument cannot be quoted
 */
export function formatCommand(word: string, args: readonly CommandArgument[] = []): string {
  if (typeof word !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(word)) {
    throw invalidArgument(
      `${JSON.stringify(word)} is not an rndc command word`,
      'use a word such as "status" or "zonestatus"; put arguments in the argument list',
    );
  }
  const parts = [word];
  for (const arg of args) {
    if (arg === undefined) continue;
    if (typeof arg === 'number') {
      if (!Number.isSafeInteger(arg) || arg < 0) {
        throw invalidArgument(
          `rndc argument ${arg} is not a non-negative integer`,
          'pass integers, or strings for anything else',
        );
      }
      parts.push(String(arg));
    } else if (typeof arg === 'object' && arg !== null && typeof arg.raw === 'string') {
      if (FORBIDDEN.test(arg.raw)) {
        throw invalidArgument(
          'a raw rndc argument contains NUL, CR or LF',
          'write the raw text (e.g. an addzone options block) on one line',
        );
      }
      parts.push(arg.raw);
    } else {
      parts.push(quoteArgument(arg as string));
    }
  }
  return parts.join(' ');
}

/** A zone as named's `zone_from_args()` takes it: name, optional class, optional view. */
export interface ZoneRef {
  /** Zone name; the special name `-redirect` selects the view's redirect zone. */
  readonly zone: string;
  /** DNS class (default IN). */
  readonly class?: string | undefined;
  /** View name; without it named searches every view (and fails if several have the zone). */
  readonly view?: string | undefined;
}

/** Class and view for {@link zoneArgs}. */
export type ZoneArgOptions = Omit<ZoneRef, 'zone'>;

/**
 * The `zone [class [view]]` arguments in named's order, unquoted (pass them to
 * {@link formatCommand}). A view without a class gets class `IN`, because named reads the
 * view only as the third token.
 *
 * @param zone - the zone name, or a {@link ZoneRef}
 * @param options - class and/or view (ignored fields of a `ZoneRef` first argument are merged)
 * @returns `[zone]`, `[zone, class]` or `[zone, class, view]`
 */
export function zoneArgs(zone: string | ZoneRef, options: ZoneArgOptions = {}): string[] {
  const ref: ZoneRef = typeof zone === 'string' ? { zone, ...options } : { ...zone, ...options };
  const args = [ref.zone];
  if (ref.view !== undefined) args.push(ref.class ?? 'IN', ref.view);
  else if (ref.class !== undefined) args.push(ref.class);
  return args;
}

/** Commands named 9.18 lets through on a `read-only yes` channel (control.c). */
const READ_ONLY_WORDS = new Set(['null', 'status', 'showzone', 'testgen', 'zonestatus']);

/** server.c `argcheck()`: `-` followed by a case-insensitive prefix (possibly empty) of `full`. */
function argcheck(token: string, full: string): boolean {
  if (!token.startsWith('-')) return false;
  const rest = token.slice(1).toLowerCase();
  return rest.length <= full.length && full.startsWith(rest);
}

/**
 * `dns_ttl_fromtext()` (lib/dns/ttl.c): plain seconds, or numbers each followed by a unit
 * w/d/h/m/s (any case); a plain number after units is accepted only while the sum is still 0.
 * Returns undefined where named reports a syntax or range error.
 */
function parseTtl(text: string): number | undefined {
  if (text.length > 63) return undefined;
  const units: Record<string, number> = { w: 604_800, d: 86_400, h: 3_600, m: 60, s: 1 };
  let total = 0;
  let i = 0;
  do {
    const digits = /^\d*/.exec(text.slice(i))?.[0] ?? '';
    if (digits === '' || Number(digits) > 0xffffffff) return undefined;
    const n = Number(digits);
    i += digits.length;
    const unit = text[i];
    if (unit === undefined) {
      if (total !== 0) return undefined;
      total = n;
      break;
    }
    const factor = units[unit.toLowerCase()];
    if (factor === undefined) return undefined;
    total += n * factor;
    i++;
  } while (i < text.length);
  return total <= 0xffffffff ? total : undefined;
}

/** `dns_rdataclass_fromtext()` (lib/dns/rcode.c): is `text` a class named accepts? */
function isClass(text: string): boolean {
  if (/^(?:in|ch|chaos|hs|hesiod|none|any|reserved0)$/i.test(text)) return true;
  // CLASSnnn: 1–5 characters after "CLASS", read with strtoul (which allows a sign).
  const m = /^class([+-]?)(\d+)$/i.exec(text);
  if (m === null || text.length > 10) return false;
  const value = Number(m[2]);
  return m[1] === '-' ? value === 0 : value <= 0xffff;
}

/**
 * Whether named 9.18 executes `commandLine` on a control channel configured `read-only yes`.
 *
 * named's rule (control.c, server.c): the command word (case-insensitive) must be `null`,
 * `status`, `showzone`, `testgen` or `zonestatus`; or `nta` in its listing form. For `nta`,
 * named scans options in order — `-force`, `-lifetime <ttl>` and `-class <class>` may come
 * first — and the line is allowed when the scan reaches a dump option: `-` followed by any
 * case-insensitive prefix of `dump` (so `-d`, `-DUMP` and even a lone `-` qualify; `--dump`
 * does not). Everything else is answered with result `failure` and no text.
 *
 * `nta` lines that named rejects for another reason before its read-only check (no arguments,
 * a bad lifetime such as `8d`, an unknown class or option) return `false` too: they fail on
 * every channel. The arguments of the other allowed commands are not checked.
 *
 * @param commandLine - the full command line as it will be sent
 */
export function allowedOnReadOnlyChannel(commandLine: string): boolean {
  if (typeof commandLine !== 'string') return false;
  const word = firstWord(commandLine).toLowerCase();
  if (READ_ONLY_WORDS.has(word)) return true;
  if (word !== 'nta') return false;
  const tokens = tokenizeCommandLine(commandLine);
  if (tokens === undefined) return false;
  for (let i = 1; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token === '--') return false;
    if (argcheck(token, 'dump')) return true;
    if (argcheck(token, 'remove')) return false;
    if (argcheck(token, 'force')) continue;
    if (argcheck(token, 'lifetime')) {
      const ttl = tokens[++i];
      const seconds = ttl === undefined ? undefined : parseTtl(ttl);
      if (seconds === undefined || seconds > 604_800) return false;
      continue;
    }
    if (argcheck(token, 'class')) {
      const cls = tokens[++i];
      if (cls === undefined || !isClass(cls)) return false;
      continue;
    }
    return false; // an unknown option (syntax error) or the domain name: not a dump
  }
  return false; // ran out of tokens: named answers "unexpected end of input"
}
