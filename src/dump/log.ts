/**
 * Recognising named's log lines about zone dumps, journals, zone loads, rndc commands, shutdown
 * and dynamic updates — the only place where named reports what happened to an asynchronous
 * dump (the messages of lib/dns/zone.c, lib/dns/masterdump.c and lib/dns/journal.c in BIND).
 *
 * Lines are accepted as named writes them to a file channel (with or without `print-time` in any
 * of its forms, `print-category`, `print-severity`), as syslog/journald show them
 * (`Nov 24 17:47:11 host named[812]: …`, `2026-11-24T17:47:11.316123+00:00 host named[812]: …`)
 * and behind a container runtime's time stamp (`kubectl logs --timestamps`). Message texts
 * follow BIND 9.16, 9.18 and 9.20 (`lib/dns/masterdump.c`, `lib/dns/journal.c`,
 * `lib/dns/zone.c`, `bin/named/server.c`, `bin/named/control.c`, `bin/named/main.c`,
 * `lib/ns/update.c`, `lib/isc/errno2result.c`), checked against lines captured from 9.16.50,
 * 9.18.49 and 9.20.23. Where the versions differ:
 * - an errno BIND cannot map (EBUSY on rename; EROFS before 9.18.17) is reported in two lines
 *   before the failure: `file.c:<line>: unexpected error:` + `unable to convert errno to
 *   isc_result: 16: Device or resource busy` on 9.16 and 9.18.0–9.18.8;
 *   `errno2result.c:<line>:isc___errno2result(): unexpected error:` + `file.c` (the errno is
 *   lost) from 9.18.9 on, `<line>` being 119 or 122 up to 9.18.16 and 120 or 123 from 9.18.17
 *   and in 9.20 (the first or the last line of the macro call, by compiler). All of them are
 *   joined into the failure event;
 * - EROFS (a read-only mount) is `permission denied` from 9.18.17 on, `unexpected error`
 *   before;
 * - 9.20 creates a dump's temp file before answering `sync`/`freeze`, so the `sync: dumping
 *   zone` / `freezing zone` line carries the failure (`permission denied`) where older versions
 *   log `success`, and `freeze` of all zones logs each failing zone at `error` severity.
 *
 * Parsing is pure, line by line, and never throws. {@link NamedLogWatcher} reads only the bytes
 * a log file gained since an offset.
 */
import { statSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { RndcLibraryError } from '../errors.js';
import {
  describeFileProblem,
  type FileProblem,
  type OpenedFile,
  openRegularFile,
} from '../files/regular-file.js';
import { Err, Ok, type Result } from '../result.js';

// ---------------------------------------------------------------------------------------------
// Event types
// ---------------------------------------------------------------------------------------------

/**
 * The step of a zone dump that failed (the steps of lib/dns/masterdump.c and lib/dns/zone.c):
 * - `start`: the zone timer could not start the dump (`zone Z/IN: dump failed: …`);
 * - `open`: creating `<dir>/tmp-XXXXXXXXXX` failed — nothing is left behind;
 * - `write`: writing the records failed — the temp file is removed;
 * - `flush`, `fsync`, `fclose`: finishing the temp file failed — it is removed;
 * - `rename`: replacing the zone file failed — the complete temp file is left behind.
 */
export type DumpFailureStep = 'start' | 'open' | 'write' | 'flush' | 'fsync' | 'fclose' | 'rename';

/**
 * What failed on a journal file (`lib/dns/journal.c`): the stdio operation, `corrupt` (`journal
 * file corrupt`, `journal corrupt: …`) or `format` (`journal format not recognized`).
 */
export type JournalFailureStep =
  | 'create'
  | 'open'
  | 'read'
  | 'write'
  | 'seek'
  | 'flush'
  | 'fsync'
  | 'close'
  | 'corrupt'
  | 'format';

/** Fields every event has. */
export interface NamedLogEventBase {
  /** 1-based number of the event's first line in the text parsed (for a watcher: counted from the offset read from). */
  lineNumber: number;
  /** The line(s) the event was recognised from, without line terminators, in log order. */
  raw: string[];
  /** When named logged it, if the line carries a time stamp (see {@link ParseNamedLogOptions}). */
  time?: Date;
  /** named's log category (`general`, `update`, `zoneload`…), when printed. */
  category?: string;
  /** Severity as printed (`error`, `warning`, `info`, `debug 3`…), when printed. */
  severity?: string;
}

/**
 * Which zone a line is about, as named names it: `zone dyn.test/IN/internal (signed): …` gives
 * `zone: 'dyn.test'`, `zoneClass: 'IN'`, `view: 'internal'`, `inline: 'signed'`. The default view
 * is not printed. `special` marks the managed-keys zone (`managed-keys-zone: …`) and the redirect
 * zone, which named logs without a name.
 */
export interface ZoneFields {
  /** Zone name without the trailing dot, as named prints it. */
  zone?: string;
  /** Class, normally `IN`. */
  zoneClass?: string;
  /** View, when not the default view. */
  view?: string;
  /** For inline-signing zones: which of the two zones (`(signed)` / `(unsigned)`). */
  inline?: 'signed' | 'unsigned';
  /** `managed-keys` or `redirect` for those zone types. */
  special?: 'managed-keys' | 'redirect';
}

/** errno details, known only where named logged them (9.16, 9.18.0–9.18.8). */
export interface ErrnoFields {
  /** The errno named could not map (`16` for EBUSY, `30` for EROFS on 9.16), when logged. */
  errno?: number;
  /** Its strerror text (`Device or resource busy`), when logged. */
  strerror?: string;
  /**
   * Where named reported the unmapped errno, as printed: `errno2result.c:120` or `:123`
   * (9.18.17+ and 9.20; `:119`/`:122` in 9.18.9–9.18.16, whose macro bug drops the errno and
   * logs the caller's file name instead) or the caller's `file.c:429` (9.16, 9.18.0–9.18.8).
   */
  unexpectedErrorAt?: string;
}

/**
 * A zone dump failed at `step`. `file` is the temp file
 * (`dyn/tmp-AbC123xyz0`) for `open`/`flush`/`fsync`/`fclose`, the zone file as configured for
 * `rename`, absent for `write`; `zone` is only known for `start`. `result` is BIND's text
 * (`permission denied`, `unexpected error`, `disc full`…). When named first logged an errno it
 * could not map (EBUSY, EXDEV, ESTALE → `unexpected error`), those lines are joined into this
 * event: `raw` holds them all and `errno`/`strerror` are set where the version logged them.
 * named retries a failed dump every 676–900 s.
 */
export interface DumpFailedEvent extends NamedLogEventBase, ZoneFields, ErrnoFields {
  /** Discriminant: `'dump-failed'`. */
  kind: 'dump-failed';
  /** The step of the dump that failed. */
  step: DumpFailureStep;
  /** The file concerned: the temp file, or the zone file for `rename`; absent for `write`. */
  file?: string;
  /** BIND's result text (`permission denied`, `unexpected error`…). */
  result: string;
  /** True when this step leaves the complete `tmp-XXXXXXXXXX` file behind (`rename`). */
  tempFileLeft: boolean;
}

/**
 * A journal file could not be created, opened, read, written or is corrupt
 * (`dyn/dyn.test.db.jnl: create: permission denied`). For an UPDATE this is followed by an
 * {@link UpdateFailedEvent} (`journal open failed: unexpected error`: named squashes journal
 * errors) and the client gets SERVFAIL.
 */
export interface JournalFailedEvent extends NamedLogEventBase, ErrnoFields {
  /** Discriminant: `'journal-failed'`. */
  kind: 'journal-failed';
  /** The journal file, as named printed it. */
  file: string;
  /** What named was doing with the journal. */
  step: JournalFailureStep;
  /** BIND's result text, or the corruption detail for `corrupt`/`format`. */
  result: string;
}

/**
 * Loading a zone could not apply its journal (`journal rollforward failed: journal out of sync
 * with zone`): the zone file was replaced under an older journal. Normally followed by
 * {@link ZoneNotLoadedEvent}; the zone then answers SERVFAIL.
 */
export interface JournalRollforwardFailedEvent extends NamedLogEventBase, ZoneFields {
  /** Discriminant: `'journal-rollforward-failed'`. */
  kind: 'journal-rollforward-failed';
  /** BIND's result text (`journal out of sync with zone`…). */
  result: string;
}

/**
 * `journal file is out of date: removing journal file` (INFO): the zone file's serial no longer
 * matches the journal, typically after freeze → edit → thaw. named deletes the journal.
 */
export interface JournalOutOfDateEvent extends NamedLogEventBase, ZoneFields {
  /** Discriminant: `'journal-out-of-date'`. */
  kind: 'journal-out-of-date';
}

/** `unable to remove journal '<file>': '<strerror>'` (WARNING). */
export interface JournalRemoveFailedEvent extends NamedLogEventBase {
  /** Discriminant: `'journal-remove-failed'`. */
  kind: 'journal-remove-failed';
  /** The journal file named could not remove. */
  file: string;
  /** Why, as the system put it. */
  strerror: string;
}

/**
 * `dns_journal_compact failed: <result>` (ERROR): trimming the journal after a successful dump
 * failed.
 */
export interface JournalCompactFailedEvent extends NamedLogEventBase, ZoneFields {
  /** Discriminant: `'journal-compact-failed'`. */
  kind: 'journal-compact-failed';
  /** BIND's result text. */
  result: string;
}

/** `not loaded due to errors.` (ERROR): the zone is not served (SERVFAIL). */
export interface ZoneNotLoadedEvent extends NamedLogEventBase, ZoneFields {
  /** Discriminant: `'zone-not-loaded'`. */
  kind: 'zone-not-loaded';
}

/** `loading from master file <file> failed: <result>`. */
export interface ZoneLoadFailedEvent extends NamedLogEventBase, ZoneFields {
  /** Discriminant: `'zone-load-failed'`. */
  kind: 'zone-load-failed';
  /** The zone file named tried to load. */
  file: string;
  /** BIND's result text (`file not found`, `unexpected end of input`…). */
  result: string;
}

/**
 * `zone serial (N) unchanged. zone may fail to transfer to secondaries.` (ERROR): a reload
 * (e.g. thaw) found a changed file with the old serial.
 */
export interface ZoneSerialUnchangedEvent extends NamedLogEventBase, ZoneFields {
  /** Discriminant: `'zone-serial-unchanged'`. */
  kind: 'zone-serial-unchanged';
  /** The serial that did not change. */
  serial: number;
}

/** `loaded serial N` (INFO), optionally `(DNSSEC signed)`. */
export interface ZoneLoadedEvent extends NamedLogEventBase, ZoneFields {
  /** Discriminant: `'zone-loaded'`. */
  kind: 'zone-loaded';
  /** The serial loaded. */
  serial: number;
  /** True when named logged `(DNSSEC signed)`. */
  dnssecSigned: boolean;
}

/**
 * `received control channel command '<command>'`, or with `rejected: true` `rejecting restricted
 * control channel command '<command>'` (read-only channel).
 */
export interface ControlCommandEvent extends NamedLogEventBase {
  /** Discriminant: `'control-command'`. */
  kind: 'control-command';
  /** The command line named received. */
  command: string;
  /** True when a read-only channel refused the command. */
  rejected: boolean;
}

/**
 * `sync: dumping zone 'Z/IN': success` (one zone, optionally `, removing journal file` for
 * `-clean`) or `dumping all zones: success`. Logged when the dump was *scheduled*: success does
 * not mean the file was written, and with `removesJournal` the journal is already gone (9.16
 * and 9.18 remove it even when the dump then fails). On 9.20 a dump whose temp file cannot be
 * created fails before this line: `result` is then the failure (`permission denied`) and the
 * journal is kept.
 */
export interface SyncEvent extends NamedLogEventBase, ZoneFields {
  /** Discriminant: `'sync'`. */
  kind: 'sync';
  /** True for `rndc sync` without a zone. */
  allZones: boolean;
  /** True for `sync -clean`: named removes the journal. */
  removesJournal: boolean;
  /** `success`, `already running`… */
  result: string;
}

/**
 * `freezing zone 'Z/IN': success|already frozen|already running` or `freezing all zones: …`.
 * Success means the dump was scheduled and updates are now refused. On 9.20 a failure to
 * create the temp file makes it `permission denied` (and the zone is not frozen).
 */
export interface FreezeEvent extends NamedLogEventBase, ZoneFields {
  /** Discriminant: `'freeze'`. */
  kind: 'freeze';
  /** True for `rndc freeze` without a zone. */
  allZones: boolean;
  /** `success`, `already frozen`, `already running`… */
  result: string;
}

/** `thawing zone 'Z/IN': success` or `thawing all zones: …`. A thaw never dumps. */
export interface ThawEvent extends NamedLogEventBase, ZoneFields {
  /** Discriminant: `'thaw'`. */
  kind: 'thaw';
  /** True for `rndc thaw` without a zone. */
  allZones: boolean;
  /** `success`, `not frozen`… */
  result: string;
}

/**
 * `shutting down: flushing changes` (`rndc stop`, `flush: true`) or `shutting down` (SIGTERM,
 * `rndc halt`: pending changes stay in the journals only).
 */
export interface ShutdownEvent extends NamedLogEventBase {
  /** Discriminant: `'shutdown'`. */
  kind: 'shutdown';
  /** True when named flushes pending changes to the zone files (`rndc stop`). */
  flush: boolean;
}

/** `exiting`, or `exiting (due to fatal error)` and the like (`fatal: true`, `reason`). */
export interface ExitingEvent extends NamedLogEventBase {
  /** Discriminant: `'exiting'`. */
  kind: 'exiting';
  /** True when named exits because of a fatal error. */
  fatal: boolean;
  /** What named gave as the reason, when it gave one. */
  reason?: string;
}

/** The client part of an update log line (`client @0x… 127.0.0.1#53210/key k: …`). */
export interface UpdateClientFields {
  /** `address#port` of the client. */
  client?: string;
  /** TSIG key name the request was signed with. */
  key?: string;
}

/**
 * A dynamic UPDATE was not applied: `updating zone 'Z/IN': error: journal open failed:
 * unexpected error` (`outcome: 'error'`, a server-side failure: SERVFAIL),
 * `update failed: <reason> (<RESULT>)`, `update unsuccessful: …` (a prerequisite),
 * `update rejected: …`, or `update 'Z/IN' denied` (ACL).
 */
export interface UpdateFailedEvent extends NamedLogEventBase, ZoneFields, UpdateClientFields {
  /** Discriminant: `'update-failed'`. */
  kind: 'update-failed';
  /** Which of named's failure messages it was. */
  outcome: 'error' | 'failed' | 'unsuccessful' | 'rejected' | 'denied';
  /** named's explanation, as logged. */
  reason: string;
  /** BIND's result text (`unexpected error`, `REFUSED`…), when the line carries one. */
  result?: string;
}

/** An UPDATE change being applied: `adding an RR at '…' A 192.0.2.1`, `deleting an RR at …`. */
export interface UpdateChangeEvent extends NamedLogEventBase, ZoneFields, UpdateClientFields {
  /** Discriminant: `'update-change'`. */
  kind: 'update-change';
  /** Whether a record is added or deleted. */
  action: 'add' | 'delete';
  /** The rest of the line: owner, type and data. */
  detail: string;
}

/**
 * named reported an unexpected error that no other event absorbed: the two lines
 * `<file>.c:<line>[:<func>()]: unexpected error:` and what follows. `errno`/`strerror` are set
 * for `unable to convert errno to isc_result: 16: Device or resource busy` (9.16);
 * `callerFile` for the 9.18.9+ form whose second line is only a file name (`file.c`).
 */
export interface UnexpectedErrorEvent extends NamedLogEventBase {
  /** Discriminant: `'unexpected-error'`. */
  kind: 'unexpected-error';
  /** BIND source file that reported the error (`file.c`). */
  sourceFile: string;
  /** Line in that source file. */
  sourceLine: number;
  /** The function named, when printed. */
  func?: string;
  /** The second line, when it is not one of the errno forms. */
  message?: string;
  /** The errno named could not map, when logged. */
  errno?: number;
  /** Its strerror text, when logged. */
  strerror?: string;
  /** For 9.18.9+: the file name logged in place of the errno. */
  callerFile?: string;
}

/** `directory '<dir>' is not writable` — fatal at startup for the top-level `directory`. */
export interface DirectoryNotWritableEvent extends NamedLogEventBase {
  /** Discriminant: `'directory-not-writable'`. */
  kind: 'directory-not-writable';
  /** The directory named cannot write to. */
  directory: string;
}

/** Every event {@link parseNamedLog} recognises, discriminated by `kind`. */
export type NamedLogEvent =
  | DumpFailedEvent
  | JournalFailedEvent
  | JournalRollforwardFailedEvent
  | JournalOutOfDateEvent
  | JournalRemoveFailedEvent
  | JournalCompactFailedEvent
  | ZoneNotLoadedEvent
  | ZoneLoadFailedEvent
  | ZoneSerialUnchangedEvent
  | ZoneLoadedEvent
  | ControlCommandEvent
  | SyncEvent
  | FreezeEvent
  | ThawEvent
  | ShutdownEvent
  | ExitingEvent
  | UpdateFailedEvent
  | UpdateChangeEvent
  | UnexpectedErrorEvent
  | DirectoryNotWritableEvent;

/** The `kind` values of {@link NamedLogEvent}. */
export type NamedLogEventKind = NamedLogEvent['kind'];

/** Options of {@link parseNamedLog} and {@link NamedLogParser}. */
export interface ParseNamedLogOptions {
  /**
   * Drop events logged before this time. Events whose lines carry no time stamp are kept.
   * Time stamps without a zone (named's `print-time yes|local|iso8601`, syslog) are read in
   * this process's local time zone, as named on the same machine writes them.
   */
  since?: Date | undefined;
  /**
   * For syslog time stamps without a year (`Nov 24 17:47:11`): the year is the one that puts
   * the time at most a day after this date. Default: now.
   */
  referenceDate?: Date | undefined;
}

// ---------------------------------------------------------------------------------------------
// Line prefixes
// ---------------------------------------------------------------------------------------------

/** Longest line looked at; named's messages are at most ~4 KiB plus prefixes. */
const MAX_LINE = 16 * 1024;
/** How many lines after an errno report the failure it explains may come. */
const ERRNO_WINDOW = 4;

const MONTHS: Readonly<Record<string, number>> = {
  Jan: 0,
  Feb: 1,
  Mar: 2,
  Apr: 3,
  May: 4,
  Jun: 5,
  Jul: 6,
  Aug: 7,
  Sep: 8,
  Oct: 9,
  Nov: 10,
  Dec: 11,
};

/** `2026-11-24T18:00:03.204Z`, `2026-11-24T18:00:03.204`, `…316123+00:00`, `…+0000`. */
const ISO_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?(Z|[+-]\d{2}(?::?\d{2})?)? +/;
/** named's `print-time yes`/`local`: `24-Nov-2026 18:00:03.204`. */
const BIND_TIME = /^(\d{2})-([A-Z][a-z]{2})-(\d{4}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))? +/;
/** BSD syslog / journald `short`: `Nov 24 18:00:03` (optionally `.316123`). */
const BSD_TIME = /^([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))? +/;
/** `host named[812]: ` or `named[812]: `. */
const SYSLOG_TAG_PID = /^(?:[^\s:[\]]+ )?[A-Za-z0-9_.\-/]+\[\d+\]: /;
/** `host named: ` — only after a syslog-style time stamp. */
const SYSLOG_TAG_BARE = /^[^\s:[\]]+ [A-Za-z0-9_.\-/]+: /;
/** `<30>` syslog priority. */
const SYSLOG_PRI = /^<\d{1,3}>/;

/** named's log categories (ARM, 9.16–9.20), as `print-category` prints them. */
const CATEGORIES = new Set([
  'client',
  'cname',
  'config',
  'database',
  'default',
  'delegation-only',
  'dispatch',
  'dnssec',
  'dnstap',
  'edns-disabled',
  'general',
  'lame-servers',
  'network',
  'notify',
  'nsid',
  'queries',
  'query-errors',
  'rate-limit',
  'resolver',
  'responses',
  'rpz',
  'rpz-passthru',
  'security',
  'serve-stale',
  'spill',
  'sslkeylog',
  'trust-anchor-telemetry',
  'unmatched',
  'update',
  'update-security',
  'xfer-in',
  'xfer-out',
  'zoneload',
]);
const CATEGORY = /^([a-z][a-z-]*): /;
const SEVERITY = /^(critical|error|warning|notice|info|dynamic|debug \d+|level -?\d+): /;

interface Prefix {
  time?: Date;
  category?: string;
  severity?: string;
  message: string;
}

function fraction(digits: string | undefined): number {
  if (!digits) return 0;
  return Math.floor(Number(`0.${digits}`) * 1000);
}

function validDate(date: Date): Date | undefined {
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** A local or zoned time from ISO parts; undefined when the parts are out of range. */
function isoTime(m: RegExpExecArray): Date | undefined {
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const parts = [y, mo, d, h, mi, s].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const [year, month, day, hour, minute, second] = parts;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return undefined;
  }
  const ms = fraction(frac);
  if (zone === undefined) {
    return validDate(new Date(year, month - 1, day, hour, minute, second, ms));
  }
  let offsetMinutes = 0;
  if (zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0'));
  }
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMinutes * 60_000;
  return validDate(new Date(utc));
}

function bindTime(m: RegExpExecArray): Date | undefined {
  const [, d, mon, y, h, mi, s, frac] = m;
  const month = mon === undefined ? undefined : MONTHS[mon];
  if (month === undefined) return undefined;
  const day = Number(d);
  if (day < 1 || day > 31 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 60) return undefined;
  return validDate(
    new Date(Number(y), month, day, Number(h), Number(mi), Number(s), fraction(frac)),
  );
}

function bsdTime(m: RegExpExecArray, reference: Date): Date | undefined {
  const [, mon, d, h, mi, s, frac] = m;
  const month = mon === undefined ? undefined : MONTHS[mon];
  if (month === undefined) return undefined;
  const day = Number(d);
  if (day < 1 || day > 31 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 60) return undefined;
  const build = (year: number): Date =>
    new Date(year, month, day, Number(h), Number(mi), Number(s), fraction(frac));
  let date = build(reference.getFullYear());
  // A log read in January may hold December lines of the year before.
  if (date.getTime() > reference.getTime() + 86_400_000) date = build(reference.getFullYear() - 1);
  return validDate(date);
}

/** named's own prefix: `[time ]` `[category: ]` `[severity: ]`. */
function namedPrefix(text: string, prefix: Prefix): void {
  let rest = text;
  const iso = ISO_TIME.exec(rest);
  const bind = iso ? null : BIND_TIME.exec(rest);
  if (iso) {
    const time = isoTime(iso);
    if (time) prefix.time = time;
    rest = rest.slice(iso[0].length);
  } else if (bind) {
    const time = bindTime(bind);
    if (time) prefix.time = time;
    rest = rest.slice(bind[0].length);
  }
  const category = CATEGORY.exec(rest);
  if (category?.[1] !== undefined && CATEGORIES.has(category[1])) {
    prefix.category = category[1];
    rest = rest.slice(category[0].length);
  }
  const severity = SEVERITY.exec(rest);
  if (severity?.[1] !== undefined) {
    prefix.severity = severity[1];
    rest = rest.slice(severity[0].length);
  }
  prefix.message = rest;
}

// ---------------------------------------------------------------------------------------------
// Pasted and multiplexed logs
// ---------------------------------------------------------------------------------------------
//
// Operators copy named's log out of terminal UIs and log multiplexers, not from the file:
// - k9s draws a box around the log view: `│ named 11-Jul-2025 08:21:55.352 …      ││`, padded with
//   spaces to the terminal width, the container's name first;
// - `kubectl logs --prefix`: `[pod/bind-0/named] 11-Jul-2025 …`;
// - stern: `bind-0 named 11-Jul-2025 …`, the names in ANSI colours;
// - copied from Windows or a web console: CRLF line ends, non-breaking spaces.
// These wrappers are removed before the line is read as named wrote it. Every step is anchored
// or a single pass over the line: a pasted line is as hostile as any other.

/** ANSI CSI sequences (colours, cursor moves): `ESC [ params intermediates final`; disjoint classes. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: ESC is what the pattern removes
const ANSI_CSI = /\u001b\[[0-?]*[ -/]*[@-~]/g;
/** Other control characters a terminal paste may carry (tab and line breaks excepted). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it removes
const CONTROL_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;
/** `[pod/bind-0/named] ` (kubectl logs --prefix). */
const KUBECTL_PREFIX = /^\[pod\/[^\]\s]{1,512}\] /;
/** One word before the time stamp: a pod or container name (k9s, stern). */
const NAME_WORD = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,252} +/;
/** The starts of a line as named or a logger writes it. */
const TIME_START =
  /^(?:\d{4}-\d{2}-\d{2}[T ]\d|\d{2}-[A-Z][a-z]{2}-\d{4} |[A-Z][a-z]{2} {1,2}\d|<\d)/;

/**
 * Box-drawing characters (U+2500–U+257F), white space, NBSP and a CR left by a double conversion
 * (`\r\r\n`) at the ends of a pasted line.
 */
function isFrame(code: number): boolean {
  return (
    code === 0x20 ||
    code === 0x09 ||
    code === 0x0d ||
    code === 0xa0 ||
    (code >= 0x2500 && code <= 0x257f)
  );
}

/**
 * The line as named (or syslog, or the container runtime) wrote it: without a terminal UI's
 * frame and padding, ANSI colours, or the pod/container names a log multiplexer puts first.
 * A line without any of these is returned as is.
 */
export function unwrapPastedLine(line: string): string {
  let text = line;
  if (text.includes('\u001b')) text = text.replace(ANSI_CSI, '');
  if (CONTROL_CHARS.test(text)) text = text.replace(CONTROL_CHARS, '');
  CONTROL_CHARS.lastIndex = 0;
  // Frame and padding: scanned from both ends, one look at each character.
  let start = 0;
  let end = text.length;
  while (start < end && isFrame(text.charCodeAt(start))) start++;
  while (end > start && isFrame(text.charCodeAt(end - 1))) end--;
  // Runs of spaces inside the line are named's own (`…is frozen.  Use 'rndc thaw'…`): kept.
  if (start > 0 || end < text.length) text = text.slice(start, end);
  if (text.includes('\u00a0')) text = text.replaceAll('\u00a0', ' ');
  const kubectl = KUBECTL_PREFIX.exec(text);
  if (kubectl) return text.slice(kubectl[0].length);
  if (TIME_START.test(text)) return text;
  // Up to two names (pod, container) before a time stamp.
  let rest = text;
  for (let words = 0; words < 2; words++) {
    const word = NAME_WORD.exec(rest);
    if (!word) break;
    rest = rest.slice(word[0].length);
    if (TIME_START.test(rest)) return rest;
  }
  // `named ` before a line without a time stamp (`print-time no`): the container's name.
  const named = /^named +(?=\S)/.exec(text);
  return named ? text.slice(named[0].length) : text;
}

/** Splits a line into time, category, severity and named's message. */
function splitPrefix(line: string, reference: Date): Prefix {
  const prefix: Prefix = { message: line };
  let rest = line.replace(SYSLOG_PRI, '');
  // An outer time stamp: syslog, journald or a container runtime.
  let outer: Date | undefined;
  let syslogStyle = false;
  const bsd = BSD_TIME.exec(rest);
  const iso = bsd ? null : ISO_TIME.exec(rest);
  if (bsd) {
    outer = bsdTime(bsd, reference);
    rest = rest.slice(bsd[0].length);
    syslogStyle = true;
  } else if (iso) {
    // named prints `…Z` with 3 digits or no zone at all; a numeric offset is syslog's, other
    // precisions a container runtime's. A `host tag[pid]: ` after it settles the question.
    const zone = iso[8];
    const namedStyle = zone === undefined || (zone === 'Z' && (iso[7]?.length ?? 0) === 3);
    const after = rest.slice(iso[0].length);
    if (!namedStyle || SYSLOG_TAG_PID.test(after)) {
      outer = isoTime(iso);
      rest = after;
      syslogStyle = zone !== 'Z';
    }
  }
  const tag = SYSLOG_TAG_PID.exec(rest) ?? (syslogStyle ? SYSLOG_TAG_BARE.exec(rest) : null);
  if (tag) rest = rest.slice(tag[0].length);
  namedPrefix(rest, prefix);
  if (prefix.time === undefined && outer !== undefined) prefix.time = outer;
  return prefix;
}

// ---------------------------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------------------------

type Base = Omit<NamedLogEventBase, 'raw' | 'lineNumber'>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** An event before `raw`/`lineNumber`/prefix fields are attached. */
type Draft = DistributiveOmit<NamedLogEvent, keyof NamedLogEventBase>;

// Results never contain a colon, file names may: match the result as `[^:]+` at the end.
const DUMP_RENAME = /^dumping master file: rename: (.+): ([^:]+)$/;
const DUMP_OPEN = /^dumping master file: (.+): open: ([^:]+)$/;
const DUMP_FCLOSE = /^dumping master file: (.+): fclose: ([^:]+)$/;
const DUMP_FLUSH = /^dumping to master file: (.+): (flush|fsync): ([^:]+)$/;
const DUMP_WRITE = /^(?:raw )?master file write failed: ([^:]+)$/;
const JOURNAL_STEP = /^((?:(?!: ).)+): (create|open|read|write|seek|flush|fsync|close): ([^:]+)$/;
const JOURNAL_CORRUPT = /^((?:(?!: ).)+): (?:cannot print: )?journal (?:file )?corrupt(?:: (.+))?$/;
const JOURNAL_FORMAT = /^((?:(?!: ).)+): journal format not recognized$/;
const ZONE_LINE =
  /^(zone |managed-keys-zone|redirect-zone)(\S*?)(?: \((signed|unsigned)\))?: (.+)$/;
const CONTROL = /^(received|rejecting restricted) control channel command '(.*)'$/;
const SYNC_ALL = /^dumping all zones(, removing journal files)?: (.+)$/;
const FREEZE_ALL = /^(freezing|thawing) all zones: (.+)$/;
const SHUTDOWN = /^shutting down(: flushing changes)?$/;
const EXITING = /^exiting(?: \((?:due to )?(.+)\))?$/;
const DIRECTORY = /^directory '(.+)' is not writable$/;
const CLIENT =
  /^client @?\S+ ([^\s/]+)(?:\/key ([^\s:(]+))?(?: \([^)]*\))?(?:: view ([^:]+))?: (.+)$/;
const UPDATE_DENIED = /^update '(.+)\/([^/']+)' denied$/;
const UPDATE_ERROR = /^error: (.+): ([^:]+)$/;
const UPDATE_FAILED = /^update (failed|unsuccessful): (.+) \(([^()]+)\)$/;
const UPDATE_REJECTED = /^update rejected: (.+)$/;
const UPDATE_ADD = /^adding an RR at (.+)$/;
const UPDATE_DELETE = /^deleting an RR at (.+)$/;
const UNEXPECTED_HEAD = /^(\S+?\.c):(\d+):(?:(\w+)\(\):)? unexpected error:$/;
const ERRNO_BODY = /^unable to convert errno to isc_result: (\d+): (.*)$/;
const CALLER_FILE = /^[\w./-]+\.c$/;

// ---------------------------------------------------------------------------------------------
// Linear matchers
// ---------------------------------------------------------------------------------------------
//
// Anyone who can write to syslog can put any line into named's log, so every pattern must run in
// time linear in the line. A regular expression is linear when each unbounded part has only one
// place it can end, or its candidates are followed by checks over disjoint stretches (`(.+):
// ([^:]+)$`). It is not when a greedy part (`'(.+)\/`) has many candidate ends each followed by
// a scan to the end of the line (`(?: ([^:]+))?: (.+)$`): 16 KiB of `/a' ` took 100 ms. Those
// patterns are matched by the functions below, which give exactly the groups the regular
// expression in their comment gives (test/unit/named-log-linear.test.ts checks that against the
// regular expression on random lines), in time linear in the line.

/** The groups of a match, as `RegExp.exec` gives them (index 0: the whole match). */
type Match = readonly (string | undefined)[];

/** Something with `exec`: a linear `RegExp` or one of the matchers below. */
interface Matcher {
  exec(text: string): Match | null;
}

/** What `.` does not match: `.+` and `.*` cannot cross these. */
const LINE_BREAK = /[\n\r\u2028\u2029]/;
const LINE_BREAKS = /[\n\r\u2028\u2029]/g;

/** Index of the first line break at or after `from`, or `text.length`. */
function firstBreak(text: string, from: number): number {
  const at = text.slice(from).search(LINE_BREAK);
  return at < 0 ? text.length : from + at;
}

/** Index of the last line break, or -1. */
function lastBreak(text: string): number {
  let last = -1;
  LINE_BREAKS.lastIndex = 0;
  for (let m = LINE_BREAKS.exec(text); m; m = LINE_BREAKS.exec(text)) last = m.index;
  return last;
}

/**
 * `[^<stops>]+` run ends, asked for at decreasing positions: each character is looked at once
 * over all calls (the candidates of one line share the scan).
 */
class RunEnds {
  #from: number;
  #end: number;
  constructor(
    private readonly text: string,
    /** Whether the UTF-16 code unit ends a run. */
    private readonly stop: (code: number) => boolean,
  ) {
    this.#from = text.length;
    this.#end = text.length;
  }

  /** The first index at or after `at` holding a stop character, or `text.length`. */
  from(at: number): number {
    const limit = at < this.#from ? this.#from : this.text.length;
    let i = at;
    while (i < limit && !this.stop(this.text.charCodeAt(i))) i++;
    // Not a decreasing query (never done by the matchers below): scanned directly.
    if (at >= this.#from) return i;
    const end = i < this.#from ? i : this.#end;
    this.#from = at;
    this.#end = end;
    return end;
  }
}

const SLASH = 0x2f;
const QUOTE = 0x27;
const COMMA = 0x2c;
const COLON = 0x3a;

/**
 * `'(.+)\/([^/']+)'` followed by a tail, at `from` (just after the opening quote): tries the
 * `/` candidates from the right, as the greedy `.+` does, and returns the zone name, the class
 * and what `tail` made of the rest, for the first candidate whose tail matches. `tail` gets the
 * index after the closing quote and must take constant amortised time.
 */
function quotedZone<T>(
  text: string,
  from: number,
  tail: (at: number) => T | undefined,
): [string, string, T] | undefined {
  // `.+` cannot cross a line break: the `/` must come before the first one.
  const limit = firstBreak(text, from);
  for (let slash = text.lastIndexOf('/', limit - 1); slash > from; ) {
    // `[^/']+'`: the class runs to the next `/` or `'` (the previous candidate at the latest).
    let end = slash + 1;
    for (let c = text.charCodeAt(end); end < text.length && c !== SLASH && c !== QUOTE; ) {
      c = text.charCodeAt(++end);
    }
    if (end > slash + 1 && text.charCodeAt(end) === QUOTE) {
      const rest = tail(end + 1);
      if (rest !== undefined) return [text.slice(from, slash), text.slice(slash + 1, end), rest];
    }
    slash = text.lastIndexOf('/', slash - 1);
  }
  return undefined;
}

/** `: (.+)$` at `at`, in constant time given the index of the last line break. */
function resultAt(text: string, at: number, lastLineBreak: number): string | undefined {
  if (text.charCodeAt(at) !== COLON || text.charCodeAt(at + 1) !== 0x20 || at + 2 >= text.length) {
    return undefined;
  }
  return lastLineBreak < at + 2 ? text.slice(at + 2) : undefined;
}

/**
 * `(?: ([^<stops>]+))?` then `rest`, at `at`: the optional view after a zone. The run can only
 * end where `rest` can start (a stop character), so only its longest form is tried.
 */
function viewThen<T>(
  text: string,
  at: number,
  runs: RunEnds,
  rest: (at: number) => T | undefined,
): [string | undefined, T] | undefined {
  if (text.charCodeAt(at) === 0x20) {
    const end = runs.from(at + 1);
    if (end > at + 1) {
      const after = rest(end);
      if (after !== undefined) return [text.slice(at + 1, end), after];
    }
  }
  const after = rest(at);
  return after === undefined ? undefined : [undefined, after];
}

const SYNC_PREFIX = "sync: dumping zone '";
const REMOVING = ', removing journal file';

/** `^sync: dumping zone '(.+)\/([^/']+)'(?: ([^,:]+))?(, removing journal file)?: (.+)$`. */
const SYNC_ZONE: Matcher = {
  exec(text) {
    if (!text.startsWith(SYNC_PREFIX)) return null;
    const last = lastBreak(text);
    const runs = new RunEnds(text, (c) => c === COMMA || c === COLON);
    const rest = (at: number): [string | undefined, string] | undefined => {
      if (text.startsWith(REMOVING, at)) {
        const result = resultAt(text, at + REMOVING.length, last);
        if (result !== undefined) return [REMOVING, result];
      }
      const result = resultAt(text, at, last);
      return result === undefined ? undefined : [undefined, result];
    };
    const m = quotedZone(text, SYNC_PREFIX.length, (at) => viewThen(text, at, runs, rest));
    if (!m) return null;
    const [name, klass, [view, [removing, result]]] = m;
    return [text, name, klass, view, removing, result];
  },
};

/** `^(freezing|thawing) zone '(.+)\/([^/']+)'(?: ([^:]+))?: (.+)$`. */
const FREEZE_ZONE: Matcher = {
  exec(text) {
    const verb = text.startsWith("freezing zone '")
      ? 'freezing'
      : text.startsWith("thawing zone '")
        ? 'thawing'
        : undefined;
    if (verb === undefined) return null;
    const last = lastBreak(text);
    const runs = new RunEnds(text, (c) => c === COLON);
    const m = quotedZone(text, verb.length + 7, (at) =>
      viewThen(text, at, runs, (end) => resultAt(text, end, last)),
    );
    if (!m) return null;
    const [name, klass, [view, result]] = m;
    return [text, verb, name, klass, view, result];
  },
};

const UPDATING_PREFIX = "updating zone '";

/** `^updating zone '(.+)\/([^/']+)': (.+)$`. */
const UPDATING: Matcher = {
  exec(text) {
    if (!text.startsWith(UPDATING_PREFIX)) return null;
    const last = lastBreak(text);
    const m = quotedZone(text, UPDATING_PREFIX.length, (at) => resultAt(text, at, last));
    return m ? [text, ...m] : null;
  },
};

/**
 * `updating zone '.+$` anywhere in the line (update lines whose client prefix has another
 * form): the first `updating zone '` after the last line break, with something after it.
 */
const UPDATING_ANYWHERE: Matcher = {
  exec(text) {
    const at = text.indexOf(UPDATING_PREFIX, lastBreak(text) + 1);
    if (at < 0 || at + UPDATING_PREFIX.length >= text.length) return null;
    return [text.slice(at)];
  },
};

const REMOVE_PREFIX = "unable to remove journal '";

/** `^unable to remove journal '(.+)': '(.*)'$`: `.` cannot match a line break anywhere here. */
const JOURNAL_REMOVE: Matcher = {
  exec(text) {
    if (!text.startsWith(REMOVE_PREFIX) || !text.endsWith("'") || LINE_BREAK.test(text)) {
      return null;
    }
    const from = REMOVE_PREFIX.length;
    // The last `': '` that leaves the closing quote after it.
    const at = text.lastIndexOf("': '", text.length - 5);
    if (at <= from) return null;
    return [text, text.slice(from, at), text.slice(at + 4, -1)];
  },
};

function zoneFields(name: string, klass: string | undefined, view?: string): ZoneFields {
  const fields: ZoneFields = { zone: name };
  if (klass !== undefined) fields.zoneClass = klass;
  if (view !== undefined && view !== '') fields.view = view;
  return fields;
}

/** `dyn.test/IN/internal` → name, class, view. */
function zoneFromLogName(kind: string, text: string, inline: string | undefined): ZoneFields {
  let fields: ZoneFields;
  if (kind === 'zone ') {
    const [name = '', klass, ...view] = text.split('/');
    fields = zoneFields(name, klass, view.length > 0 ? view.join('/') : undefined);
  } else {
    fields = { special: kind === 'managed-keys-zone' ? 'managed-keys' : 'redirect' };
    const view = text.startsWith('/') ? text.slice(1) : text;
    if (view) fields.view = view;
  }
  if (inline === 'signed' || inline === 'unsigned') fields.inline = inline;
  return fields;
}

/** A pattern and what to make of its match; the first matching rule of a list decides. */
type Rule = readonly [Matcher, (m: Match) => Draft | undefined];

function firstRule(rules: readonly Rule[], text: string): Draft | undefined {
  for (const [pattern, make] of rules) {
    const m = pattern.exec(text);
    if (m) return make(m);
  }
  return undefined;
}

function zoneMessage(zone: ZoneFields, message: string): Draft | undefined {
  const rules: readonly Rule[] = [
    [
      /^dump failed: ([^:]+)$/,
      (m) => ({
        kind: 'dump-failed',
        step: 'start',
        result: m[1] ?? '',
        tempFileLeft: false,
        ...zone,
      }),
    ],
    [
      /^journal rollforward failed: (.+)$/,
      (m) => ({ kind: 'journal-rollforward-failed', result: m[1] ?? '', ...zone }),
    ],
    [
      /^journal file is out of date: removing journal file$/,
      () => ({ kind: 'journal-out-of-date', ...zone }),
    ],
    [/^not loaded due to errors\.$/, () => ({ kind: 'zone-not-loaded', ...zone })],
    [
      /^zone serial \((\d+)\) unchanged\./,
      (m) => ({ kind: 'zone-serial-unchanged', serial: Number(m[1]), ...zone }),
    ],
    [
      /^loaded serial (\d+)( \(DNSSEC signed\))?$/,
      (m) => ({
        kind: 'zone-loaded',
        serial: Number(m[1]),
        dnssecSigned: m[2] !== undefined,
        ...zone,
      }),
    ],
    [
      /^loading from master file (.+) failed: ([^:]+)$/,
      (m) => ({ kind: 'zone-load-failed', file: m[1] ?? '', result: m[2] ?? '', ...zone }),
    ],
    [
      /^dns_journal_compact failed: (.+)$/,
      (m) => ({ kind: 'journal-compact-failed', result: m[1] ?? '', ...zone }),
    ],
  ];
  return firstRule(rules, message);
}

function updateMessage(
  client: UpdateClientFields,
  view: string | undefined,
  message: string,
): Draft | undefined {
  const denied = UPDATE_DENIED.exec(message);
  if (denied) {
    const zone = { ...zoneFields(denied[1] ?? '', denied[2], view), ...client };
    return { kind: 'update-failed', outcome: 'denied', reason: 'denied', ...zone };
  }
  const updating = UPDATING.exec(message);
  if (!updating) return undefined;
  const zone = { ...zoneFields(updating[1] ?? '', updating[2], view), ...client };
  const rules: readonly Rule[] = [
    [
      UPDATE_ERROR,
      (m) => ({
        kind: 'update-failed',
        outcome: 'error',
        reason: m[1] ?? '',
        result: m[2] ?? '',
        ...zone,
      }),
    ],
    [
      UPDATE_FAILED,
      (m) => ({
        kind: 'update-failed',
        outcome: m[1] === 'unsuccessful' ? 'unsuccessful' : 'failed',
        reason: m[2] ?? '',
        result: m[3] ?? '',
        ...zone,
      }),
    ],
    [
      UPDATE_REJECTED,
      (m) => ({ kind: 'update-failed', outcome: 'rejected', reason: m[1] ?? '', ...zone }),
    ],
    [UPDATE_ADD, (m) => ({ kind: 'update-change', action: 'add', detail: m[1] ?? '', ...zone })],
    [
      UPDATE_DELETE,
      (m) => ({ kind: 'update-change', action: 'delete', detail: m[1] ?? '', ...zone }),
    ],
  ];
  return firstRule(rules, updating[3] ?? '');
}

/** Messages starting with `dumping `: the dump steps and `dumping all zones`. */
const DUMP_RULES: readonly Rule[] = [
  [
    DUMP_RENAME,
    (m) => ({
      kind: 'dump-failed',
      step: 'rename',
      file: m[1] ?? '',
      result: m[2] ?? '',
      tempFileLeft: true,
    }),
  ],
  [
    DUMP_OPEN,
    (m) => ({
      kind: 'dump-failed',
      step: 'open',
      file: m[1] ?? '',
      result: m[2] ?? '',
      tempFileLeft: false,
    }),
  ],
  [
    DUMP_FCLOSE,
    (m) => ({
      kind: 'dump-failed',
      step: 'fclose',
      file: m[1] ?? '',
      result: m[2] ?? '',
      tempFileLeft: false,
    }),
  ],
  [
    DUMP_FLUSH,
    (m) => ({
      kind: 'dump-failed',
      step: m[2] === 'fsync' ? 'fsync' : 'flush',
      file: m[1] ?? '',
      result: m[3] ?? '',
      tempFileLeft: false,
    }),
  ],
  [
    SYNC_ALL,
    (m) => ({
      kind: 'sync',
      allZones: true,
      removesJournal: m[1] !== undefined,
      result: m[2] ?? '',
    }),
  ],
];

/** Every other message, in order: the first matching pattern decides. */
const MESSAGE_RULES: readonly Rule[] = [
  [ZONE_LINE, (m) => zoneMessage(zoneFromLogName(m[1] ?? '', m[2] ?? '', m[3]), m[4] ?? '')],
  [
    CLIENT,
    (m) => {
      const client: UpdateClientFields = { client: m[1] ?? '' };
      if (m[2] !== undefined) client.key = m[2];
      return updateMessage(client, m[3], m[4] ?? '');
    },
  ],
  [
    CONTROL,
    (m) => ({ kind: 'control-command', command: m[2] ?? '', rejected: m[1] !== 'received' }),
  ],
  [
    SYNC_ZONE,
    (m) => ({
      kind: 'sync',
      allZones: false,
      removesJournal: m[4] !== undefined,
      result: m[5] ?? '',
      ...zoneFields(m[1] ?? '', m[2], m[3]),
    }),
  ],
  [
    FREEZE_ZONE,
    (m) => ({
      kind: m[1] === 'freezing' ? 'freeze' : 'thaw',
      allZones: false,
      result: m[5] ?? '',
      ...zoneFields(m[2] ?? '', m[3], m[4]),
    }),
  ],
  [
    FREEZE_ALL,
    (m) => ({ kind: m[1] === 'freezing' ? 'freeze' : 'thaw', allZones: true, result: m[2] ?? '' }),
  ],
  [SHUTDOWN, (m) => ({ kind: 'shutdown', flush: m[1] !== undefined })],
  [
    EXITING,
    (m) =>
      m[1] === undefined
        ? { kind: 'exiting', fatal: false }
        : { kind: 'exiting', fatal: /fatal|assertion/.test(m[1]), reason: m[1] },
  ],
  [
    JOURNAL_REMOVE,
    (m) => ({ kind: 'journal-remove-failed', file: m[1] ?? '', strerror: m[2] ?? '' }),
  ],
  [DIRECTORY, (m) => ({ kind: 'directory-not-writable', directory: m[1] ?? '' })],
  // An update line whose client prefix has another form (older versions).
  [UPDATING_ANYWHERE, (m) => updateMessage({}, undefined, m[0] ?? '')],
  [
    JOURNAL_STEP,
    (m) => ({
      kind: 'journal-failed',
      file: m[1] ?? '',
      step: m[2] as JournalFailureStep,
      result: m[3] ?? '',
    }),
  ],
  [
    JOURNAL_CORRUPT,
    (m) => ({
      kind: 'journal-failed',
      file: m[1] ?? '',
      step: 'corrupt',
      result: m[2] ?? 'journal file corrupt',
    }),
  ],
  [
    JOURNAL_FORMAT,
    (m) => ({
      kind: 'journal-failed',
      file: m[1] ?? '',
      step: 'format',
      result: 'journal format not recognized',
    }),
  ],
];

/** Recognises one message (prefixes removed). */
function classify(message: string): Draft | undefined {
  return firstRule(message.startsWith('dumping ') ? DUMP_RULES : MESSAGE_RULES, message);
}

// ---------------------------------------------------------------------------------------------
// The parser
// ---------------------------------------------------------------------------------------------

interface Line {
  readonly number: number;
  readonly text: string;
  readonly prefix: Prefix;
}

/** `file.c:393: unexpected error:` waiting for its second line. */
interface Head {
  readonly line: Line;
  readonly sourceFile: string;
  readonly sourceLine: number;
  readonly func: string | undefined;
}

/** An errno report (head + body) waiting for the failure it explains. */
interface ErrnoReport {
  readonly event: UnexpectedErrorEvent;
  /** Lines seen since; the report is released on its own after {@link ERRNO_WINDOW}. */
  age: number;
}

function withBase(draft: Draft, lines: readonly Line[], first: Line): NamedLogEvent {
  const base: Base & Pick<NamedLogEventBase, 'raw' | 'lineNumber'> = {
    lineNumber: first.number,
    raw: lines.map((line) => line.text),
  };
  if (first.prefix.time !== undefined) base.time = first.prefix.time;
  if (first.prefix.category !== undefined) base.category = first.prefix.category;
  if (first.prefix.severity !== undefined) base.severity = first.prefix.severity;
  return { ...draft, ...base } as NamedLogEvent;
}

/**
 * An incremental parser for named's log: feed it text in chunks of any size with
 * {@link NamedLogParser.push}, get the events of the complete lines, and call
 * {@link NamedLogParser.end} at the end. Memory stays bounded: lines longer than 16 KiB are
 * skipped, and only a few lines are held back to join multi-line reports.
 *
 * @example
 * const parser = new NamedLogParser();
 * for await (const chunk of createReadStream('named.log', 'utf8')) events.push(...parser.push(chunk));
 * events.push(...parser.end());
 */
export class NamedLogParser {
  readonly #since: number | undefined;
  readonly #reference: Date;
  #partial = '';
  #overlong = false;
  #lineNumber: number;
  #head: Head | undefined;
  #report: ErrnoReport | undefined;
  /** Events held back while an errno report may still be joined to a later line. */
  #held: NamedLogEvent[] = [];
  #out: NamedLogEvent[] = [];

  /** @param options `since`/`referenceDate` as for {@link parseNamedLog}; `firstLineNumber` defaults to 1. */
  constructor(options: ParseNamedLogOptions & { firstLineNumber?: number } = {}) {
    const since = options.since?.getTime();
    this.#since = since === undefined || Number.isNaN(since) ? undefined : since;
    const reference = options.referenceDate ?? new Date();
    this.#reference = Number.isNaN(reference.getTime()) ? new Date() : reference;
    this.#lineNumber = Math.max(1, Math.floor(options.firstLineNumber ?? 1)) - 1;
  }

  /** Parses the complete lines in `text` (plus what earlier calls left over); returns their events. */
  push(text: string): NamedLogEvent[] {
    let start = 0;
    for (;;) {
      const newline = text.indexOf('\n', start);
      if (newline < 0) break;
      const piece = text.slice(start, newline);
      start = newline + 1;
      if (this.#overlong || this.#partial.length + piece.length > MAX_LINE) {
        this.#partial = '';
        this.#overlong = false;
        this.#skipLine();
        continue;
      }
      const line = this.#partial + piece;
      this.#partial = '';
      this.#line(line);
    }
    const rest = text.slice(start);
    if (!this.#overlong) {
      if (this.#partial.length + rest.length > MAX_LINE) {
        this.#partial = '';
        this.#overlong = true;
      } else {
        this.#partial += rest;
      }
    }
    return this.#take();
  }

  /**
   * Ends the input: parses a last line without a newline (unless `partialLine: false`, for a
   * line that may still be being written), releases everything held back and returns it.
   */
  end(options: { partialLine?: boolean } = {}): NamedLogEvent[] {
    if (this.#partial !== '' && options.partialLine !== false) this.#line(this.#partial);
    this.#partial = '';
    this.#overlong = false;
    this.#releaseHead();
    this.#releaseReport();
    return this.#take();
  }

  /**
   * Releases events held back to join multi-line reports (an unexpected-error head still
   * waiting for its second line, an errno report waiting for the failure it explains), as if
   * nothing more were coming. For a live log that has been quiet for a while.
   */
  flush(): NamedLogEvent[] {
    this.#releaseHead();
    this.#releaseReport();
    return this.#take();
  }

  #take(): NamedLogEvent[] {
    const out = this.#out;
    this.#out = [];
    return out;
  }

  #skipLine(): void {
    this.#lineNumber++;
    this.#releaseHead();
    this.#age();
  }

  #line(raw: string): void {
    this.#lineNumber++;
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const prefix = splitPrefix(unwrapPastedLine(text), this.#reference);
    const message = prefix.message.trimEnd();
    const line: Line = { number: this.#lineNumber, text, prefix };
    const headMatch = UNEXPECTED_HEAD.exec(message);
    const draft = headMatch ? undefined : classify(message);

    if (this.#head) {
      if (!headMatch && draft === undefined) {
        const head = this.#head;
        this.#head = undefined;
        this.#body(head, line, message);
        return;
      }
      // The head lost its body (another thread's line came in between): report it alone.
      this.#releaseHead();
    }
    if (headMatch) {
      this.#head = {
        line,
        sourceFile: headMatch[1] ?? '',
        sourceLine: Number(headMatch[2]),
        func: headMatch[3],
      };
    } else if (draft) {
      this.#emit(draft, [line]);
    }
    this.#age();
  }

  /** The second line of an unexpected-error report. */
  #body(head: Head, line: Line, message: string): void {
    const write = DUMP_WRITE.exec(message);
    if (write) {
      this.#emit(
        { kind: 'dump-failed', step: 'write', result: write[1] ?? '', tempFileLeft: false },
        [head.line, line],
      );
      this.#age();
      return;
    }
    const event = withBase(
      { kind: 'unexpected-error', sourceFile: head.sourceFile, sourceLine: head.sourceLine },
      [head.line, line],
      head.line,
    ) as UnexpectedErrorEvent;
    if (head.func !== undefined) event.func = head.func;
    const errno = ERRNO_BODY.exec(message);
    if (errno) {
      event.errno = Number(errno[1]);
      event.strerror = errno[2] ?? '';
    } else if (CALLER_FILE.test(message)) {
      event.callerFile = message;
    } else {
      event.message = message;
      this.#push(event);
      this.#age();
      return;
    }
    // An errno report: hold it for the failure line that follows.
    this.#releaseReport();
    this.#report = { event, age: 0 };
  }

  /** Emits a recognised event, joining a pending errno report into a failure it explains. */
  #emit(draft: Draft, lines: Line[]): void {
    const first = lines[0];
    if (!first) return;
    const report = this.#report;
    if (
      report &&
      (draft.kind === 'dump-failed' || draft.kind === 'journal-failed') &&
      draft.result === 'unexpected error'
    ) {
      this.#report = undefined;
      const joined = report.event;
      const event = withBase(draft, lines, first) as DumpFailedEvent | JournalFailedEvent;
      event.raw = [...joined.raw, ...event.raw];
      event.lineNumber = joined.lineNumber;
      if (joined.time !== undefined) event.time = joined.time;
      if (joined.errno !== undefined) event.errno = joined.errno;
      if (joined.strerror !== undefined) event.strerror = joined.strerror;
      event.unexpectedErrorAt = `${joined.sourceFile}:${joined.sourceLine}`;
      // Lines held meanwhile come after the report's first line: release in line order.
      this.#held.push(event);
      this.#release();
      return;
    }
    this.#push(withBase(draft, lines, first));
  }

  #push(event: NamedLogEvent): void {
    if (this.#report) this.#held.push(event);
    else this.#accept(event);
  }

  #accept(event: NamedLogEvent): void {
    const time = event.time?.getTime();
    if (this.#since !== undefined && time !== undefined && time < this.#since) return;
    this.#out.push(event);
  }

  /** Releases held events in line order. */
  #release(): void {
    const held = this.#held;
    this.#held = [];
    held.sort((a, b) => a.lineNumber - b.lineNumber);
    for (const event of held) this.#accept(event);
  }

  #releaseHead(): void {
    const head = this.#head;
    if (!head) return;
    this.#head = undefined;
    const event = withBase(
      { kind: 'unexpected-error', sourceFile: head.sourceFile, sourceLine: head.sourceLine },
      [head.line],
      head.line,
    ) as UnexpectedErrorEvent;
    if (head.func !== undefined) event.func = head.func;
    this.#push(event);
  }

  #releaseReport(): void {
    const report = this.#report;
    if (!report) return;
    this.#report = undefined;
    this.#held.push(report.event);
    this.#release();
  }

  /** One more line has gone by: an errno report too far back is released on its own. */
  #age(): void {
    if (this.#report && ++this.#report.age > ERRNO_WINDOW) this.#releaseReport();
  }
}

/**
 * Recognises named's log lines about dumps, journals, zone loads, rndc commands, shutdown and
 * updates in `text` (a whole log or any part of it). Lines it does not know are skipped. Never
 * throws; time and memory grow linearly with the input.
 *
 * @example
 * const events = parseNamedLog(readFileSync('named.log', 'utf8'), { since: commandTime });
 * const failed = events.filter((e) => e.kind === 'dump-failed');
 */
export function parseNamedLog(text: string, options: ParseNamedLogOptions = {}): NamedLogEvent[] {
  try {
    const parser = new NamedLogParser(options);
    return [...parser.push(typeof text === 'string' ? text : String(text)), ...parser.end()];
  } catch {
    // Not reachable with a string; kept so a caller's bad input never throws.
    return [];
  }
}

// ---------------------------------------------------------------------------------------------
// Watching a log file
// ---------------------------------------------------------------------------------------------

/**
 * Why {@link NamedLogWatcher.waitFor} gave up: `timeout`, `aborted`, or `not-regular` when the
 * log path holds a FIFO, socket, device or directory (never opened: a FIFO would block).
 */
export type NamedLogWaitErrorKind = 'timeout' | 'aborted' | 'not-regular';

/** Likely causes and remedy of a log path that is not a regular file. */
const NOT_REGULAR_ADVICE = {
  causes: [
    "another process replaced named's log with a FIFO, socket or device (whoever can write the log's directory can)",
    'the path given is not the file of a logging channel',
  ],
  remedy:
    'point at the `file` of a logging channel in named.conf, and keep its directory writable only by root and named',
};

/** {@link NamedLogWatcher.waitFor} saw no matching event in time, or was aborted. */
export class NamedLogWaitError extends RndcLibraryError<NamedLogWaitErrorKind> {
  /** The log file watched. */
  readonly path: string;
  /** Every event seen while waiting (none matched). */
  readonly seen: readonly NamedLogEvent[];

  /** @param seen the events read while waiting; `cause` is the abort reason, if any. */
  constructor(
    kind: NamedLogWaitErrorKind,
    message: string,
    path: string,
    seen: readonly NamedLogEvent[],
    cause?: unknown,
  ) {
    super({
      kind,
      message,
      ...(kind === 'timeout'
        ? {
            causes: [
              'named has not logged it yet (dumps are asynchronous; the automatic dump comes 676–900 s after an UPDATE)',
              'the log channel does not include the category or severity (dump errors are `general`/`error`)',
              'named logs somewhere else (another channel, syslog)',
            ],
            remedy: 'check the logging statement of named.conf, or wait longer',
          }
        : kind === 'not-regular'
          ? NOT_REGULAR_ADVICE
          : {}),
      ...(cause === undefined ? {} : { cause }),
    });
    this.path = path;
    this.seen = seen;
  }
}

/** Why {@link NamedLogWatcher.read} could not read the log. */
export type NamedLogReadErrorKind = 'not-regular' | 'unreadable';

/**
 * The log could not be read: it is not a regular file (`not-regular`: a FIFO, socket, device
 * or directory, never opened for reading), or the system refused (`unreadable`: EACCES, EIO…).
 */
export class NamedLogReadError extends RndcLibraryError<NamedLogReadErrorKind> {
  /** The log file. */
  readonly path: string;
  /** What was found at the path, for `not-regular`: `FIFO`, `socket`, `character device`… */
  readonly fileType: string | undefined;

  /**
   * @param details `fileType` for `not-regular`; `detail` says what was found, e.g.
   * `/var/log/named.log is a FIFO, not a regular file`; `cause` is the system error, if any.
   */
  constructor(details: {
    kind: NamedLogReadErrorKind;
    path: string;
    detail: string;
    fileType?: string;
    cause?: unknown;
  }) {
    const notRegular = details.kind === 'not-regular';
    super({
      kind: details.kind,
      message: `cannot read named's log: ${details.detail}`,
      ...(notRegular
        ? NOT_REGULAR_ADVICE
        : {
            causes: ["this process may not read named's log (permissions)", 'an I/O error'],
            remedy: "run as a user that can read named's log file",
          }),
      ...(details.cause === undefined ? {} : { cause: details.cause }),
    });
    this.path = details.path;
    this.fileType = details.fileType;
  }
}

/** The error for what openRegularFile found. */
function readError(problem: FileProblem): NamedLogReadError {
  return new NamedLogReadError({
    kind: problem.kind === 'not-regular' ? 'not-regular' : 'unreadable',
    path: problem.path,
    detail: describeFileProblem(problem),
    ...(problem.kind === 'not-regular' ? { fileType: problem.type } : {}),
    ...(problem.kind === 'unreadable' ? { cause: problem.cause } : {}),
  });
}

/** Options of {@link NamedLogWatcher.waitFor}. */
export interface NamedLogWaitOptions {
  /** Byte offset to look from (see {@link NamedLogWatcher.mark}). Default: the end of the log now. */
  since?: number | undefined;
  /** Default 10 000 ms. */
  timeoutMs?: number | undefined;
  /** Stops waiting (the result is then an `aborted` error). */
  signal?: AbortSignal | undefined;
}

/** Options of {@link NamedLogWatcher.read} and {@link NamedLogWatcher.eventsSince}. */
export interface NamedLogReadOptions {
  /** Stop reading at this time (`Date.now()` milliseconds); what was read by then is returned. */
  deadline?: number | undefined;
  /** Stop reading when this aborts; what was read by then is returned. */
  signal?: AbortSignal | undefined;
}

/** Options of {@link NamedLogWatcher}. */
export interface NamedLogWatcherOptions extends Omit<ParseNamedLogOptions, 'since'> {
  /** How often {@link NamedLogWatcher.waitFor} looks at the file. Default 50 ms. */
  pollMs?: number | undefined;
  /**
   * The most bytes one read looks at: when more were logged since the offset asked for, only
   * the last `maxReadBytes` are read (from the first line that starts in them). Default
   * {@link MAX_LOG_READ_BYTES}.
   */
  maxReadBytes?: number | undefined;
}

/**
 * The most bytes of named's log one read looks at by default (16 MiB): the tail a look-back
 * needs. named logs a few hundred bytes per zone operation, so 16 MiB holds hours of dump,
 * journal and control lines even with busy categories enabled; parsing it takes well under a
 * second. A log far larger than that (a multi-GiB file, a sparse file planted to stall a
 * check) costs no more than its last 16 MiB.
 */
export const MAX_LOG_READ_BYTES = 16 * 1024 * 1024;

/** What {@link NamedLogWatcher.read} read. */
export interface NamedLogRead {
  /** The events of the complete lines read, in log order. */
  readonly events: NamedLogEvent[];
  /** Byte offset reading started at: later than the offset asked for when the head was skipped. */
  readonly from: number;
  /** Byte offset reading ended at: the end of the log, or where the deadline stopped it. */
  readonly to: number;
  /** Bytes between the offset asked for and `from` that were not read (over `maxReadBytes`). */
  readonly skippedBytes: number;
  /** False when the deadline or signal stopped reading before the end of the log. */
  readonly complete: boolean;
}

const READ_CHUNK = 1024 * 1024;
/** How long a log must stay quiet before lines held for a continuation are released. */
const QUIET_MS = 250;
const MAX_MARKS = 256;

interface FileState {
  readonly size: number;
  readonly identity: string;
}

/** Synchronous, so that mark() takes the offset before the caller acts. stat() never blocks. */
function fileStateSync(path: string): FileState | undefined {
  try {
    const info = statSync(path, { throwIfNoEntry: false });
    return info ? { size: info.size, identity: `${info.dev}:${info.ino}` } : undefined;
  } catch {
    return undefined;
  }
}

/** The log opened for one read: its handle and what fstat() says of it. */
interface OpenLog {
  readonly opened: OpenedFile;
  readonly state: FileState;
}

/**
 * Opens the log with {@link openRegularFile} (never blocks: a FIFO or device is refused, and
 * size and identity come from the descriptor, so nothing can be swapped in between). A missing
 * log or one swapped while being opened is `undefined` (look again later).
 */
async function openLog(path: string): Promise<Result<OpenLog | undefined, FileProblem>> {
  const opened = await openRegularFile(path);
  if (opened.isErr()) {
    const problem = opened.error;
    return problem.kind === 'not-found' || problem.kind === 'changed' ? Ok(undefined) : opened;
  }
  const { stats } = opened.value;
  return Ok({
    opened: opened.value,
    state: { size: stats.size, identity: `${stats.dev}:${stats.ino}` },
  });
}

/** Whether a read must stop now. */
function expired(deadline: number | undefined, signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true || (deadline !== undefined && Date.now() >= deadline);
}

/**
 * Watches named's log file: take a {@link NamedLogWatcher.mark} before acting, then read only
 * what was logged after it. When the file shrank (truncated, `copytruncate`) or was replaced
 * (rotated: another inode than at the mark), reading starts again at 0. Every open refuses a
 * log that is not a regular file (a FIFO would block), and no read looks at more than the last
 * `maxReadBytes` ({@link MAX_LOG_READ_BYTES}) of what was logged since the offset.
 *
 * @example
 * const log = new NamedLogWatcher(named.logFile);
 * const mark = log.mark();
 * await rndc.sync('dyn.test');
 * const failure = await log.waitFor((e) => e.kind === 'dump-failed', { since: mark, timeoutMs: 2000 });
 */
export class NamedLogWatcher {
  /** The log file. */
  readonly path: string;
  readonly #options: ParseNamedLogOptions;
  readonly #pollMs: number;
  readonly #maxReadBytes: number;
  /** File identity at each recent mark, to notice rotation. */
  readonly #marks = new Map<number, string>();

  /** @param path named's log file (the `file` of a logging channel); it need not exist yet. */
  constructor(path: string, options: NamedLogWatcherOptions = {}) {
    this.path = path;
    this.#pollMs = Math.max(5, options.pollMs ?? 50);
    const max = options.maxReadBytes;
    this.#maxReadBytes =
      max !== undefined && Number.isFinite(max) && max >= 1 ? Math.floor(max) : MAX_LOG_READ_BYTES;
    this.#options =
      options.referenceDate === undefined ? {} : { referenceDate: options.referenceDate };
  }

  /** The log's current length in bytes (0 when it does not exist): pass it to the other methods. */
  mark(): number {
    const state = fileStateSync(this.path);
    const size = state?.size ?? 0;
    if (state) {
      this.#marks.delete(size);
      this.#marks.set(size, state.identity);
      if (this.#marks.size > MAX_MARKS) {
        const oldest = this.#marks.keys().next();
        if (!oldest.done) this.#marks.delete(oldest.value);
      }
    }
    return size;
  }

  /**
   * Reads the complete lines logged from byte `offset` to the current end — at most the last
   * `maxReadBytes` of them — and returns their events, stopping at `deadline` or `signal`
   * (`complete: false`). A line still being written is left for a later call. Line numbers
   * count from `from` (the first line that starts in the part read). A missing log
   * reads as empty; a log that is not a regular file is a `not-regular` error and is never
   * opened for reading. Never rejects.
   */
  async read(
    offset: number,
    options: NamedLogReadOptions = {},
  ): Promise<Result<NamedLogRead, NamedLogReadError>> {
    const log = await openLog(this.path);
    if (log.isErr()) return Err(readError(log.error));
    if (!log.value) return Ok({ events: [], from: 0, to: 0, skippedBytes: 0, complete: true });
    const { opened, state } = log.value;
    try {
      const asked = this.#startOffset(offset, state);
      const from = Math.max(asked, state.size - this.#maxReadBytes);
      const parser = new NamedLogParser(this.#options);
      const events: NamedLogEvent[] = [];
      const to = await this.#read(
        opened,
        from,
        state.size,
        new StringDecoder('utf8'),
        from > asked,
        (text) => events.push(...parser.push(text)),
        options,
      );
      events.push(...parser.end({ partialLine: false }));
      return Ok({ events, from, to, skippedBytes: from - asked, complete: to >= state.size });
    } finally {
      await opened.handle.close().catch(() => {});
    }
  }

  /**
   * The events of {@link NamedLogWatcher.read}, or `[]` when the log cannot be read (not a
   * regular file, no permission). Never rejects.
   */
  async eventsSince(offset: number, options: NamedLogReadOptions = {}): Promise<NamedLogEvent[]> {
    const read = await this.read(offset, options);
    return read.isOk() ? read.value.events : [];
  }

  /**
   * Waits for the first event, logged after `since`, for which `predicate` is true. Resolves
   * with it, or with a {@link NamedLogWaitError} (`timeout`, `aborted`, `not-regular`) carrying
   * every event seen meanwhile. Reads stop at the deadline, so it settles by `timeoutMs` however
   * large the log; a log path holding a FIFO or device is reported at once, never opened for
   * reading. Never rejects.
   */
  waitFor<E extends NamedLogEvent>(
    predicate: (event: NamedLogEvent) => event is E,
    options?: NamedLogWaitOptions,
  ): Promise<Result<E, NamedLogWaitError>>;
  waitFor(
    predicate: (event: NamedLogEvent) => boolean,
    options?: NamedLogWaitOptions,
  ): Promise<Result<NamedLogEvent, NamedLogWaitError>>;
  async waitFor(
    predicate: (event: NamedLogEvent) => boolean,
    options: NamedLogWaitOptions = {},
  ): Promise<Result<NamedLogEvent, NamedLogWaitError>> {
    const timeoutMs = options.timeoutMs ?? 10_000;
    const deadline = Date.now() + timeoutMs;
    const signal = options.signal;
    let offset = options.since ?? this.mark();
    let parser = new NamedLogParser(this.#options);
    let decoder = new StringDecoder('utf8');
    let identity: string | undefined;
    let lastGrowth = Date.now();
    let flushed = true;
    const seen: NamedLogEvent[] = [];
    const check = (events: NamedLogEvent[]): NamedLogEvent | undefined => {
      for (const event of events) {
        let hit = false;
        try {
          hit = predicate(event);
        } catch {
          hit = false;
        }
        if (hit) return event;
        if (seen.length < 10_000) seen.push(event);
      }
      return undefined;
    };

    for (let first = true; ; first = false) {
      if (signal?.aborted) {
        return Err(
          new NamedLogWaitError(
            'aborted',
            `waiting for a log event in ${this.path} was aborted`,
            this.path,
            seen,
            signal.reason,
          ),
        );
      }
      const log = await openLog(this.path);
      if (log.isErr() && log.error.kind === 'not-regular') {
        return Err(
          new NamedLogWaitError(
            'not-regular',
            `cannot wait for a log event: ${describeFileProblem(log.error)}`,
            this.path,
            seen,
          ),
        );
      }
      // Unreadable for now (permissions…): look again at the next poll.
      const open = log.isOk() ? log.value : undefined;
      let grew = false;
      if (open) {
        const { opened, state } = open;
        try {
          let skipHead = false;
          if (first) {
            offset = this.#startOffset(offset, state);
            // Far behind: only the last maxReadBytes are worth reading.
            if (state.size - offset > this.#maxReadBytes) {
              offset = state.size - this.#maxReadBytes;
              skipHead = true;
            }
          }
          const replaced = identity !== undefined && identity !== state.identity;
          if (replaced || state.size < offset) {
            // Truncated or rotated while waiting: start over at the top of the new file.
            offset = Math.max(0, state.size - this.#maxReadBytes);
            skipHead = offset > 0;
            parser = new NamedLogParser(this.#options);
            decoder = new StringDecoder('utf8');
          }
          identity = state.identity;
          if (state.size > offset) {
            const events: NamedLogEvent[] = [];
            offset = await this.#read(
              opened,
              offset,
              state.size,
              decoder,
              skipHead,
              (text) => events.push(...parser.push(text)),
              { deadline, ...(signal ? { signal } : {}) },
            );
            grew = true;
            const hit = check(events);
            if (hit) return Ok(hit);
          }
        } finally {
          await opened.handle.close().catch(() => {});
        }
      }
      if (grew) {
        lastGrowth = Date.now();
        flushed = false;
      }
      // A quiet log: stop holding back lines that wait for a continuation (named writes the
      // lines of one report within microseconds of each other).
      if (!flushed && Date.now() - lastGrowth >= QUIET_MS) {
        flushed = true;
        const hit = check(parser.flush());
        if (hit) return Ok(hit);
      }
      if (Date.now() >= deadline) {
        const hit = check(parser.flush());
        if (hit) return Ok(hit);
        return Err(
          new NamedLogWaitError(
            'timeout',
            `no matching event in ${this.path} within ${timeoutMs} ms (${seen.length} other event(s) seen)`,
            this.path,
            seen,
          ),
        );
      }
      await sleep(Math.min(this.#pollMs, Math.max(0, deadline - Date.now())), signal);
    }
  }

  #startOffset(offset: number, state: FileState): number {
    const at = Number.isFinite(offset) && offset > 0 ? Math.floor(offset) : 0;
    if (at > state.size) return 0;
    const identity = this.#marks.get(at);
    if (identity !== undefined && identity !== state.identity) return 0;
    return at;
  }

  /**
   * Reads [start, end) of the open log in chunks, handing the text on; with `skipHead`, the
   * text up to the first newline (the end of a line that started before `start`) is dropped.
   * Stops at the deadline or signal, or on a read error (what was read stands). Returns the
   * offset reached. Never rejects.
   */
  async #read(
    opened: OpenedFile,
    start: number,
    end: number,
    decoder: StringDecoder,
    skipHead: boolean,
    onText: (text: string) => void,
    options: NamedLogReadOptions,
  ): Promise<number> {
    // Skipping starts one byte early: when that byte is a newline, the line at `start` is whole.
    let skipping = skipHead && start > 0;
    let position = skipping ? start - 1 : start;
    try {
      const buffer = Buffer.alloc(Math.min(READ_CHUNK, Math.max(1, end - position)));
      while (position < end && !expired(options.deadline, options.signal)) {
        const { bytesRead } = await opened.handle.read(
          buffer,
          0,
          Math.min(buffer.length, end - position),
          position,
        );
        if (bytesRead <= 0) break;
        let chunk = buffer.subarray(0, bytesRead);
        position += bytesRead;
        if (skipping) {
          const newline = chunk.indexOf(0x0a);
          if (newline < 0) continue;
          chunk = chunk.subarray(newline + 1);
          skipping = false;
        }
        onText(decoder.write(chunk));
      }
    } catch {
      // Unreadable now (I/O error): what was read stands.
    }
    return position;
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
