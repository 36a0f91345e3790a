/**
 * When named writes a dynamic zone to disk: every trigger of a dump in BIND 9.18, as a typed
 * table (from lib/dns/zone.c and bin/named/server.c in BIND), and {@link expectedDiskEffect},
 * which turns an operation and its time into what to expect on disk and when.
 *
 * The mechanism behind every row: a trigger calls `zone_needdump(zone, delay)`, which marks the
 * zone and sets its dump time to now + `delay` minus up to a quarter of it (`DNS_ZONE_JITTER_ADD`:
 * 900 s → 676–900 s, 30 s → 24–30 s), only ever moving an already scheduled dump *earlier*.
 * `rndc sync`/`freeze`/`stop` call `dns_zone_flush` instead, which starts the dump at once. Either
 * way the dump itself is asynchronous: it writes `tmp-XXXXXXXXXX` next to the zone file and
 * renames it over the zone file; its outcome is only logged (see `./log.ts`).
 *
 * The command words refer to the catalog in `../control/commands.ts`, whose `diskEffect` entries
 * say the same thing per command (a unit test keeps the two consistent).
 */

/** A file a trigger writes (or removes). */
export type DiskTarget =
  /** The zone's `file`, rewritten by a dump (temp file + rename). */
  | 'zone-file'
  /** `<file>.jnl` (or the zone's `journal`): appended to before the reply to an UPDATE. */
  | 'journal'
  /** `<file>.signed` of an inline-signing zone (always `masterfile-format raw`). */
  | 'signed-file'
  /** `managed-keys.bind` / `<view>.mkeys` (RFC 5011 trust anchors). */
  | 'managed-keys-file'
  /** named's `dump-file` (`named_dump.db`), never a zone file. */
  | 'dump-file';

/**
 * When the file is written, relative to the operation (for the zone, signed, managed-keys or
 * dump file; journal writes of an UPDATE always happen before named replies):
 * - `immediate`: synchronously, before named replies;
 * - `async-now`: started at once on a worker thread; named replies before it finishes and only
 *   logs the outcome;
 * - `delayed`: scheduled `delaySeconds` later by the zone timer (then asynchronous as well);
 * - `never`: the operation does not write the file;
 * - `at-exit`: while named shuts down, after the reply.
 */
export type DumpTiming = 'immediate' | 'async-now' | 'delayed' | 'never' | 'at-exit';

/** Identifiers of the rows of {@link dumpTriggers}. */
export type DumpTriggerId =
  | 'update'
  | 'journal-rollforward'
  | 'dnssec-maintenance'
  | 'rndc-sign-loadkeys'
  | 'rndc-signing'
  | 'managed-keys-refresh'
  | 'managed-keys-sync'
  | 'inline-signing-raw-change'
  | 'inline-signing-secure-db'
  | 'secondary-transfer'
  | 'stub-refresh'
  | 'zone-file-removed'
  | 'dump-retry'
  | 'sync'
  | 'sync-clean'
  | 'freeze'
  | 'thaw'
  | 'stop'
  | 'halt'
  | 'sigterm'
  | 'reload-dynamic'
  | 'reconfig'
  | 'dumpdb'
  | 'time-passing'
  | 'outgoing-transfer';

/** One way a dump (or the absence of one) comes about. */
export interface DumpTrigger {
  /** Stable identifier of the trigger. */
  readonly id: DumpTriggerId;
  /** What happens, in words (`Successful dynamic UPDATE`, `rndc sync -clean`). */
  readonly operation: string;
  /** rndc command words (as in `COMMANDS` of `control/commands.ts`) that cause it, if any. */
  readonly commands?: readonly string[];
  /** The files written; empty when nothing is. */
  readonly writes: readonly DiskTarget[];
  /** When the zone (signed, managed-keys, dump) file is written. */
  readonly timing: DumpTiming;
  /** For `delayed`: the window after the trigger, in seconds, jitter included. */
  readonly delaySeconds?: readonly [min: number, max: number];
  /** True when the operation deletes the journal itself (not merely compacts it). */
  readonly deletesJournal?: boolean;
  /** What to expect and what to watch out for. */
  readonly note: string;
  /** Where in BIND's source this is decided. */
  readonly source: string;
}

const V = '(BIND 9.18.49)';
/** `DNS_DUMP_DELAY` 900 s with `DNS_ZONE_JITTER_ADD`: 900 − [0, 225). */
const DUMP_DELAY: readonly [number, number] = Object.freeze([676, 900] as const);
/** The 30 s delay of signing and managed-keys changes, jittered: 30 − [0, 7). */
const SHORT_DELAY: readonly [number, number] = Object.freeze([24, 30] as const);

/**
 * Every trigger of a zone dump in BIND 9.18, and the operations that look like one but are not.
 * Read-only; the timed triggers come first, then the commands.
 */
export const dumpTriggers: readonly DumpTrigger[] = Object.freeze(
  (
    [
      {
        id: 'update',
        operation: 'Successful dynamic UPDATE (RFC 2136, nsupdate)',
        writes: ['journal', 'zone-file'],
        timing: 'delayed',
        delaySeconds: DUMP_DELAY,
        note: 'The journal is written before named replies; the zone file 676–900 s after the first change since the last dump (later changes do not postpone it; a dump already scheduled earlier comes earlier). If the journal cannot be opened the UPDATE fails with SERVFAIL and nothing is scheduled. Inline-signing: the raw zone gets file + journal, the .signed file follows via inline-signing-raw-change.',
        source: `update.c:3505-3541, zone.c:11672, zone.c:11975-12010 ${V}`,
      },
      {
        id: 'journal-rollforward',
        operation: 'Zone loaded (start, restart, reload) with a journal that rolled forward',
        writes: ['zone-file'],
        timing: 'delayed',
        delaySeconds: DUMP_DELAY,
        note: 'After every restart with a non-empty applicable journal a dump follows within 15 minutes even without new updates (24–30 s for the managed-keys zone). A journal that does not match the file fails the load instead (journal out of sync with zone).',
        source: `zone.c:5439-5448, zone.c:11841-11843 ${V}`,
      },
      {
        id: 'dnssec-maintenance',
        operation:
          'DNSSEC re-signing, NSEC3 chain or key changes on a dynamic zone signed without inline-signing',
        writes: ['journal', 'zone-file'],
        timing: 'delayed',
        delaySeconds: DUMP_DELAY,
        note: 'Happens in the background without any client action, so dumps (and dump failures) occur on an otherwise idle zone.',
        source: `zone.c:7631, zone.c:9266, zone.c:10135, zone.c:22574 ${V}`,
      },
      {
        id: 'rndc-sign-loadkeys',
        operation: 'rndc sign / rndc loadkeys',
        // skr -import (BIND 9.20.2+) schedules the same rekey (server.c named_server_skr, v9.20.23).
        commands: ['sign', 'loadkeys', 'skr'],
        writes: ['journal', 'zone-file'],
        timing: 'delayed',
        delaySeconds: DUMP_DELAY,
        note: 'The key change (zone_rekey) goes to the journal; the zone file (the .signed file for inline-signing) at the periodic dump.',
        source: `zone.c:22574 ${V}`,
      },
      {
        id: 'rndc-signing',
        operation: 'rndc signing -clear / -nsec3param / -serial',
        commands: ['signing'],
        writes: ['journal', 'zone-file'],
        timing: 'delayed',
        delaySeconds: SHORT_DELAY,
        note: 'These changes schedule the dump with a 30 s delay instead of 900 s. -list writes nothing.',
        source: `zone.c:23441, zone.c:23811, zone.c:24317 ${V}`,
      },
      {
        id: 'managed-keys-refresh',
        operation: 'Managed-keys (RFC 5011) zone changed by a key refresh',
        writes: ['managed-keys-file'],
        timing: 'delayed',
        delaySeconds: SHORT_DELAY,
        note: 'The file is managed-keys.bind or <view>.mkeys in the managed-keys-directory.',
        source: `zone.c:4907, zone.c:11088, zone.c:11375 ${V}`,
      },
      {
        id: 'managed-keys-sync',
        operation: 'rndc managed-keys sync',
        commands: ['managed-keys'],
        writes: ['managed-keys-file'],
        timing: 'async-now',
        note: 'Flushes the managed-keys zone like rndc sync does a zone. status writes nothing; destroy deletes the file.',
        source: `server.c:16622-16623, zone.c:11934-11956 ${V}`,
      },
      {
        id: 'inline-signing-raw-change',
        operation: 'Inline-signing: raw zone changed, secure zone updated',
        writes: ['signed-file'],
        timing: 'delayed',
        delaySeconds: DUMP_DELAY,
        note: 'The signed zone has its own file <file>.signed (always raw format) and journal <file>.signed.jnl.',
        source: `zone.c:17252, zoneconf.c:1088-1105 ${V}`,
      },
      {
        id: 'inline-signing-secure-db',
        operation: 'Inline-signing: secure database (re)built',
        writes: ['signed-file'],
        timing: 'async-now',
        note: 'Dump delay 0: this is why <file>.signed appears at once when named first starts.',
        source: `zone.c:17767 ${V}`,
      },
      {
        id: 'secondary-transfer',
        operation: 'Secondary or mirror zone: IXFR/AXFR completed',
        commands: ['refresh', 'retransfer'],
        writes: ['journal', 'zone-file'],
        timing: 'delayed',
        delaySeconds: DUMP_DELAY,
        note: 'An IXFR is journaled at once; the zone file (raw format by default) follows 676–900 s later, or at once when the file is missing. Not relevant for a primary but the same machinery.',
        source: `zone.c:17960, zone.c:17989, zone.c:18205-18234 ${V}`,
      },
      {
        id: 'stub-refresh',
        operation: 'Stub zone refreshed',
        writes: ['zone-file'],
        timing: 'async-now',
        note: 'Dump delay 0: the stub zone file is written as soon as the refresh has completed.',
        source: `zone.c:13325 ${V}`,
      },
      {
        id: 'zone-file-removed',
        operation: 'Zone file deleted underneath named',
        writes: ['zone-file'],
        timing: 'delayed',
        delaySeconds: DUMP_DELAY,
        note: 'Noticed when named touches the file; it then writes it again from memory.',
        source: `zone.c:14129 ${V}`,
      },
      {
        id: 'dump-retry',
        operation: 'A dump failed',
        writes: ['zone-file'],
        timing: 'delayed',
        delaySeconds: DUMP_DELAY,
        note: 'Retried every 676–900 s, forever, with no new changes needed. Each retry that fails at rename() leaves one more tmp-XXXXXXXXXX file; the journal is not compacted meanwhile and grows.',
        source: `zone.c:12108-12113, zone.c:12222-12227, masterdump.c:1471-1504 ${V}`,
      },
      {
        id: 'sync',
        operation: 'rndc sync [zone]',
        commands: ['sync'],
        writes: ['zone-file', 'signed-file'],
        timing: 'async-now',
        note: 'named answers success once the dump is started (or when nothing is pending: then nothing is written at all); a failure is only logged. "already running" means a dump is in flight and another change is pending (named dumps again anyway). The journal is kept and compacted after a successful dump.',
        source: `server.c:12968-13075, zone.c:11934-11956 ${V}`,
      },
      {
        id: 'sync-clean',
        operation: 'rndc sync -clean [zone]',
        commands: ['sync'],
        writes: ['zone-file', 'signed-file'],
        timing: 'async-now',
        deletesJournal: true,
        note: 'Deletes the journal as soon as the dump is scheduled, before it is known to have worked: if the dump then fails, the changes survive only in memory (and in a leftover tmp-* file). Verify the dump; plain sync is enough.',
        source: `server.c:12968-12993 ${V}`,
      },
      {
        id: 'freeze',
        operation: 'rndc freeze [zone]',
        commands: ['freeze'],
        writes: ['zone-file', 'signed-file'],
        timing: 'async-now',
        note: 'Starts the dump like sync, then refuses updates until thaw — even if the dump is still running or fails. Wait for the file to hold the served serial before editing it.',
        source: `server.c:13078-13200, zone.c:11934-11956 ${V}`,
      },
      {
        id: 'thaw',
        operation: 'rndc thaw [zone]',
        commands: ['thaw'],
        writes: [],
        timing: 'never',
        note: 'Does not dump: re-reads the zone file if it is newer than the last load and accepts updates again. If the file no longer matches the journal (edited while frozen) named removes the journal ("journal file is out of date: removing journal file").',
        source: `zone.c:2196-2227, zone.c:2058-2084, zone.c:5160-5190 ${V}`,
      },
      {
        id: 'stop',
        operation: 'rndc stop',
        commands: ['stop'],
        writes: ['zone-file', 'signed-file'],
        timing: 'at-exit',
        note: 'Logs "shutting down: flushing changes" and dumps every zone with pending changes while exiting; a failure is only logged before "exiting". Journals are kept.',
        source: `control.c:187-203, server.c:10307-10324 ${V}`,
      },
      {
        id: 'halt',
        operation: 'rndc halt',
        commands: ['halt'],
        writes: [],
        timing: 'never',
        note: 'Exits without dumping: pending changes stay only in the journals (fine while they survive).',
        source: `control.c:183-186 ${V}`,
      },
      {
        id: 'sigterm',
        operation: 'SIGTERM or SIGINT (systemctl stop, docker stop, Kubernetes pod stop, Ctrl-C)',
        writes: [],
        timing: 'never',
        note: 'Both signals end named the same way, and like rndc halt, not rndc stop: flush-zones-on-shutdown defaults to no, so named logs "shutting down" (no ": flushing changes") and dumps nothing. rndc stop sets the flush for that one shutdown. With flush-zones-on-shutdown yes both signals dump like rndc stop. Pending changes survive only in the journal: they are lost if it is on ephemeral storage.',
        source: `app.c:226-230, server.c:9846-9853, server.c:10307-10324, control.c:183-203 ${V}`,
      },
      {
        id: 'reload-dynamic',
        operation: 'rndc reload <zone> on a dynamic zone',
        commands: ['reload'],
        writes: [],
        timing: 'never',
        note: 'Refused ("dynamic zone"); the file is not read and nothing is written. Use freeze, edit, thaw.',
        source: `zone.c:2165-2176 ${V}`,
      },
      {
        id: 'reconfig',
        operation: 'rndc reconfig',
        commands: ['reconfig'],
        writes: [],
        timing: 'never',
        note: 'Loads new zones from named.conf; existing zone files are only read.',
        source: `zone.c:2165-2228 ${V}`,
      },
      {
        id: 'dumpdb',
        operation: 'rndc dumpdb [-zones]',
        commands: ['dumpdb'],
        writes: ['dump-file'],
        timing: 'async-now',
        note: 'Writes the dump-file (named_dump.db), never the zone files.',
        source: `server.c:11878 (named_server_dumpdb) ${V}`,
      },
      {
        id: 'time-passing',
        operation: 'Time passing with no change (no periodic save)',
        writes: [],
        timing: 'never',
        note: 'named never saves a zone on a schedule: the zone timer dumps only a zone marked as changed, once, 676–900 s after the first change since the last dump (DNS_DUMP_DELAY 900 s minus jitter). A zone with nothing pending is never rewritten, however long named runs; a failed dump is retried on the same delay.',
        source: `zone.c:11503-11520 (zone_maintenance: dumptime and DNS_ZONEFLG_NEEDDUMP) ${V}`,
      },
      {
        id: 'outgoing-transfer',
        operation: 'Outgoing AXFR, IXFR or SOA query (a secondary or dig reading the zone)',
        writes: [],
        timing: 'never',
        note: 'Serving a transfer reads the current version of the zone in memory (an IXFR also reads the journal); nothing is written and no dump is scheduled. Neither an AXFR nor a secondary pulling the zone saves it: only a dump does.',
        source: `xfrout.c:846, xfrout.c:960, xfrout.c:1020 (ns_xfr_start) ${V}`,
      },
    ] satisfies DumpTrigger[]
  ).map((trigger) => Object.freeze(trigger)),
);

/** The operations {@link expectedDiskEffect} knows. */
export type DiskEffectOperation =
  | 'update'
  | 'sync'
  | 'sync-clean'
  | 'freeze'
  | 'thaw'
  | 'stop'
  | 'halt';

/** What an operation does to the disk and when, for a person and for code. */
export interface DiskEffectReport {
  /** One line, e.g. `journal written; zone file expected between 11:02:13 and 11:05:57 UTC`. */
  summary: string;
  /** Whether the journal is written by the operation itself (before named replies). */
  journalWritten: boolean;
  /** Earliest time the zone file can be rewritten because of this operation. */
  zoneFileNotBefore?: Date;
  /** Latest time, when the operation schedules the dump (UPDATE); absent when it depends on the zone's size. */
  zoneFileNotAfter?: Date;
  /** Whether the operation deletes the journal; absent when that depends on the zone file. */
  journalDeleted?: boolean;
  /** The row of {@link dumpTriggers} this follows. */
  trigger: DumpTriggerId;
}

/** `HH:MM:SS`, with the date when it is not the date of `reference` (UTC); never throws. */
function clock(date: Date, reference: Date): string {
  if (Number.isNaN(date.getTime())) return '(invalid time)';
  const pad = (n: number): string => String(n).padStart(2, '0');
  const time = `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
  const day = (d: Date): string =>
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  return Number.isNaN(reference.getTime()) || day(date) === day(reference)
    ? time
    : `${day(date)} ${time}`;
}

function trigger(id: DumpTriggerId): DumpTrigger {
  const found = dumpTriggers.find((t) => t.id === id);
  if (!found) throw new Error(`dumpTriggers has no row ${id}`);
  return found;
}

/** The last second's UPDATE summary (see expectedDiskEffect). */
let updateSummary: { readonly second: number; readonly text: string } | undefined;

/**
 * What `operation` performed at `at` does to the zone's files: whether the journal is written or
 * deleted, and the window in which the zone file is (re)written. Derived from
 * {@link dumpTriggers}. Asynchronous dumps are reported as started, never as done: verify them.
 *
 * @example
 * expectedDiskEffect('update', new Date('2026-11-24T10:50:57Z')).summary
 * // 'journal written; zone file expected between 11:02:13 and 11:05:57 UTC (676–900 s after the first change since the last dump; earlier if a dump was already scheduled)'
 */
export function expectedDiskEffect(operation: DiskEffectOperation, at: Date): DiskEffectReport {
  const when = new Date(at.getTime());
  switch (operation) {
    case 'update': {
      const row = trigger('update');
      const [min, max] = row.delaySeconds ?? DUMP_DELAY;
      const ms = when.getTime();
      const notBefore = new Date(ms + min * 1000);
      const notAfter = new Date(ms + max * 1000);
      // Every UPDATE reports this, and its text changes once a second: made once per second
      // (formatting three times per update was ~2 % of the client's CPU per UPDATE).
      const second = Math.floor(ms / 1000);
      if (updateSummary?.second !== second) {
        updateSummary = {
          second,
          text: `journal written; zone file expected between ${clock(notBefore, when)} and ${clock(notAfter, when)} UTC (${min}–${max} s after the first change since the last dump; earlier if a dump was already scheduled)`,
        };
      }
      return {
        summary: updateSummary.text,
        journalWritten: true,
        zoneFileNotBefore: notBefore,
        zoneFileNotAfter: notAfter,
        journalDeleted: false,
        trigger: row.id,
      };
    }
    case 'sync':
      return {
        summary: `dump started at ${clock(when, when)} UTC (asynchronous: verify); nothing is written when no change was pending; journal kept`,
        journalWritten: false,
        zoneFileNotBefore: when,
        journalDeleted: false,
        trigger: 'sync',
      };
    case 'sync-clean':
      return {
        summary: `dump started at ${clock(when, when)} UTC (asynchronous: verify); journal deleted at once, even if the dump fails`,
        journalWritten: false,
        zoneFileNotBefore: when,
        journalDeleted: true,
        trigger: 'sync-clean',
      };
    case 'freeze':
      return {
        summary: `dump started at ${clock(when, when)} UTC (asynchronous: verify before editing the file); updates refused until thaw; journal kept`,
        journalWritten: false,
        zoneFileNotBefore: when,
        journalDeleted: false,
        trigger: 'freeze',
      };
    case 'thaw':
      return {
        summary:
          'no dump: the zone file is re-read if it is newer than the last load; the journal is removed if the file no longer matches it; updates accepted again',
        journalWritten: false,
        trigger: 'thaw',
      };
    case 'stop':
      return {
        summary: `dump of zones with pending changes started at shutdown from ${clock(when, when)} UTC (asynchronous to the reply: verify after exit); journals kept`,
        journalWritten: false,
        zoneFileNotBefore: when,
        journalDeleted: false,
        trigger: 'stop',
      };
    case 'halt':
      return {
        summary: 'no dump: named exits and pending changes stay only in the journal',
        journalWritten: false,
        journalDeleted: false,
        trigger: 'halt',
      };
  }
}
