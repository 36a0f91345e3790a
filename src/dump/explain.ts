/**
 * Explaining a named log: which zones' dumps and journals fail, at which step, since when, how
 * often, the likely cause and the remedy, with the lines as evidence — what an operator needs
 * from a log pasted out of `kubectl logs` or k9s (the messages of lib/dns/zone.c,
 * lib/dns/masterdump.c and lib/dns/journal.c in BIND).
 *
 * {@link explainNamedLog} is pure over text; {@link explainNamedLogSource} reads a file or a
 * stream (bounded in bytes and time) and explains what it read. Memory stays bounded whatever
 * the log holds: counts and time spans are kept per problem, and only a few occurrences as
 * evidence.
 */
import { open as openFile } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { RndcLibraryError } from '../errors.js';
import { describeFileProblem, fileType, openRegularFile } from '../files/regular-file.js';
import { Err, Ok, type Result } from '../result.js';
import {
  type DumpFailedEvent,
  type JournalFailedEvent,
  type NamedLogEvent,
  NamedLogParser,
  type ParseNamedLogOptions,
} from './log.js';

// ---------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------

/** What failed: a zone dump, a journal, dynamic updates, a zone load, or named's start. */
export type ExplainedArea = 'dump' | 'journal' | 'update' | 'load' | 'startup';

/** The likely causes {@link explainNamedLog} names, one id each. */
export type ExplainCauseId =
  | 'zone-file-mount-point'
  | 'cross-device-rename'
  | 'stale-nfs-handle'
  | 'rename-not-permitted'
  | 'directory-not-writable'
  | 'read-only-file-system'
  | 'disk-full'
  | 'disk-quota'
  | 'too-many-open-files'
  | 'journal-not-writable'
  | 'journal-corrupt'
  | 'journal-rollforward-failed'
  | 'updates-failing'
  | 'zone-load-failed'
  | 'named-directory-not-writable'
  | 'journal-removed-while-dumps-fail'
  | 'unexpected-error'
  | 'other';

/** How often a failure came back, from the time stamps of its lines. */
export interface RetryCadence {
  /** Gaps measured (occurrences with a time stamp, minus one). */
  readonly gaps: number;
  /** Shortest gap, seconds. */
  readonly minSeconds: number;
  /** Longest gap, seconds. */
  readonly maxSeconds: number;
  /** Mean gap, seconds. */
  readonly meanSeconds: number;
  /** Gaps within named's retry interval for a failed dump, 676–900 s (a little slack either side). */
  readonly inRetryWindow: number;
}

/** One problem: a failure that repeats at one place, with its cause, remedy and evidence. */
export interface ExplainedProblem {
  /** What failed: a dump, the journal, updates, a load, named's start. */
  readonly area: ExplainedArea;
  /** The step that failed: a dump step (`rename`, `open`…), a journal step (`create`…), or the area's word. */
  readonly step: string;
  /** named's result text (`unexpected error`, `permission denied`…). */
  readonly result: string;
  /** The file named names: the zone file (`rename`), a temp file's directory, the journal. */
  readonly location?: string;
  /** The errno, where the BIND version logged it (9.16, 9.18.0–9.18.8). */
  readonly errno?: number;
  /** Its strerror text, where logged. */
  readonly strerror?: string;
  /** Where named reported the unmapped errno (`errno2result.c:123`, `file.c:429`). */
  readonly unexpectedErrorAt?: string;
  /** The likely cause. */
  readonly cause: {
    /** Machine-readable id of the cause. */
    readonly id: ExplainCauseId;
    /** The cause in the operator's words. */
    readonly text: string;
    /** What the log cannot tell (a BIND version that drops the errno…). */
    readonly note?: string;
  };
  /** What to do. */
  readonly remedy: string;
  /** How many times it was logged. */
  readonly count: number;
  /** First time logged, where the lines carry a time stamp. */
  readonly first?: Date;
  /** Last time logged, where the lines carry a time stamp. */
  readonly last?: Date;
  /** Line number of the first occurrence. */
  readonly firstLine: number;
  /** Line number of the last occurrence. */
  readonly lastLine: number;
  /** How often it came back (only with two or more time-stamped occurrences). */
  readonly cadence?: RetryCadence;
  /** The lines of the first two occurrences and of the last one, as read. */
  readonly evidence: readonly {
    /** Line number of the occurrence's first line. */
    readonly line: number;
    /** Its lines, as read (an unmapped-errno report is three lines). */
    readonly raw: readonly string[];
  }[];
}

/** What happened to one zone (or one zone file or directory, when the log does not name the zone). */
export interface ExplainedZone {
  /** Zone names the log ties to these problems (from `sync`/`freeze`/update lines). */
  readonly zones: readonly string[];
  /** The zone file as named names it (`dyn/dyn.example.com.zone`), when known. */
  readonly zoneFile?: string;
  /** The directory named writes temp files to, when known. */
  readonly directory?: string;
  /** What failed, in the order first logged. */
  readonly problems: readonly ExplainedProblem[];
}

/** What {@link explainNamedLog} found. */
export interface NamedLogExplanation {
  /** Per zone, what went wrong, in the order first logged. */
  readonly zones: readonly ExplainedZone[];
  /** Problems not tied to a zone (named could not start…). */
  readonly general: readonly ExplainedProblem[];
  /** How many problems in all. */
  readonly problemCount: number;
  /** Lines read. */
  readonly lines: number;
  /** Events recognised in them (dumps, journals, commands, loads, updates…). */
  readonly events: number;
  /** Time of the earliest recognised line with a time stamp. */
  readonly from?: Date;
  /** Time of the latest recognised line with a time stamp. */
  readonly to?: Date;
  /** Zones (or zone files, directories) left out over the 256 explained. */
  readonly omittedZones: number;
  /** Failure lines left out because the log held more distinct problems than are kept (1024). */
  readonly omittedOccurrences: number;
}

/** Options of {@link explainNamedLog}. */
export interface ExplainOptions extends Pick<ParseNamedLogOptions, 'referenceDate' | 'since'> {}

/** Occurrences kept as evidence per problem: the first ones and the last. */
export const MAX_EVIDENCE = 3;
/** Zones (or files) explained; more are counted in `omittedZones`. */
export const MAX_SUBJECTS = 256;
/** Problems kept per explanation (each zone's distinct failures). */
const MAX_PROBLEMS = 1024;
/** named retries a failed dump after 676–900 s (zone.c DNS_DUMP_DELAY plus jitter). */
export const DUMP_RETRY_SECONDS: {
  /** Shortest retry interval, seconds. */
  readonly min: 676;
  /** Longest retry interval, seconds. */
  readonly max: 900;
} = { min: 676, max: 900 };
/** Slack for time stamps rounded to the second and a loaded named. */
const RETRY_SLACK_SECONDS = 30;
/** How many lines apart a `sync`/`freeze` line and the dump failure it caused may be. */
const COMMAND_WINDOW = 4;

// ---------------------------------------------------------------------------------------------
// Causes
// ---------------------------------------------------------------------------------------------

const K8S_DOC = 'docs/kubernetes.md';

const WRITABLE_DIRECTORY_REMEDY = `make the directory writable by named's user (chown/chmod; in Kubernetes runAsUser + fsGroup or a chown in an initContainer), or move the zone to a writable volume; a ConfigMap or Secret volume is always read-only: copy the zone file from it into a writable volume in an initContainer (see ${K8S_DOC}). \`rndc-js doctor ZONE\` tells which`;

const MOUNT_POINT_REMEDY = `do not mount the zone file by itself (Kubernetes subPath, Docker \`-v file:file\`): mount a writable volume (a PVC) at the zone's directory and copy the zone file from the ConfigMap into it in an initContainer, only if absent (\`[ -e /zones/Z ] || cp /seed/Z /zones/Z\`); see ${K8S_DOC}. First save the newest tmp-* file in the zone's directory: it holds the zone as named serves it (\`rndc-js recover ZONE\`)`;

interface Cause {
  readonly id: ExplainCauseId;
  readonly text: string;
  readonly note?: string;
  readonly remedy: string;
}

const ERRNO = { EBUSY: 16, EXDEV: 18, EROFS: 30, ESTALE: 116 } as const;

/** Results named gives for errnos it maps (lib/isc/errno2result.c, lib/isc/result.c). */
function resourceCause(result: string): Cause | undefined {
  switch (result) {
    case 'disc full':
      return {
        id: 'disk-full',
        text: 'the file system is full (ENOSPC)',
        remedy: 'free space on the volume (or grow it), then `rndc sync` the zone',
      };
    case 'disc quota':
      return {
        id: 'disk-quota',
        text: "named's user is over its disk quota (EDQUOT)",
        remedy: "raise the quota of named's user, or free space, then `rndc sync` the zone",
      };
    case 'too many open files':
      return {
        id: 'too-many-open-files',
        text: 'named ran out of file descriptors (EMFILE/ENFILE)',
        remedy: "raise named's open-files limit (ulimit -n, LimitNOFILE=, the pod's limits)",
      };
    default:
      return undefined;
  }
}

/** The likely cause of a failed dump step (open, write, fsync, rename: lib/dns/masterdump.c). */
function dumpCause(event: DumpFailedEvent): Cause {
  const { step, result, errno } = event;
  const resource = resourceCause(result);
  if (resource) return resource;
  const unknownErrno = errno === undefined;
  if (step === 'rename' && result === 'unexpected error') {
    if (errno === ERRNO.EXDEV) {
      return {
        id: 'cross-device-rename',
        text: 'the zone file is on another file system than its directory (EXDEV): it is a mount of its own',
        remedy: MOUNT_POINT_REMEDY,
      };
    }
    if (errno === ERRNO.ESTALE) {
      return {
        id: 'stale-nfs-handle',
        text: 'the NFS server no longer knows the zone file or its directory (ESTALE)',
        remedy:
          'remount the NFS volume (restart the pod), check the server export; then `rndc sync` the zone and verify',
      };
    }
    if (errno === ERRNO.EBUSY || unknownErrno) {
      return {
        id: 'zone-file-mount-point',
        text: 'the zone file is a mount point (EBUSY), typical of a ConfigMap subPath',
        ...(unknownErrno
          ? {
              note: "named's log does not name the errno (BIND 9.18.9 and later drop it): EBUSY is the usual one; EXDEV (another file system) or ESTALE (NFS) are the others. `rndc-js doctor ZONE` checks the mounts",
            }
          : {}),
        remedy: MOUNT_POINT_REMEDY,
      };
    }
  }
  if (step === 'rename' && result === 'permission denied') {
    return {
      id: 'rename-not-permitted',
      text: 'named may not replace the zone file: its directory has the sticky bit (e.g. 1777) and the file belongs to another user, or the file is immutable (chattr +i); the complete zone is left in a tmp-* file',
      remedy:
        "give the zone file to named's user (chown), or drop the sticky bit on its directory (chmod o-t); then `rndc sync` the zone and verify",
    };
  }
  if (step === 'open' && result === 'permission denied') {
    return {
      id: 'directory-not-writable',
      text: "named cannot create its temp file in the zone's directory: the directory is not writable by named's user, or it is a read-only mount (such as a ConfigMap volume)",
      note: 'from BIND 9.18.17 a read-only file system (EROFS) is logged as "permission denied" too',
      remedy: WRITABLE_DIRECTORY_REMEDY,
    };
  }
  if (
    step === 'open' &&
    result === 'unexpected error' &&
    (errno === ERRNO.EROFS || (unknownErrno && event.unexpectedErrorAt !== undefined))
  ) {
    return {
      id: 'read-only-file-system',
      text: "the zone's directory is on a read-only mount (EROFS), such as a ConfigMap or Secret volume or a `:ro` bind mount",
      ...(unknownErrno
        ? {
            note: "named's log does not name the errno (BIND 9.18.9–9.18.16 drop it): EROFS is the usual one",
          }
        : {}),
      remedy: WRITABLE_DIRECTORY_REMEDY,
    };
  }
  if (step === 'start') {
    return {
      id: 'other',
      text: `named could not start the dump: ${result}`,
      remedy: "see named's log around these lines; `rndc-js doctor ZONE` checks the storage",
    };
  }
  return {
    id: result === 'unexpected error' ? 'unexpected-error' : 'other',
    text: `the dump failed at ${step}: ${result}${errno !== undefined ? ` (errno ${errno}${event.strerror ? ` ${event.strerror}` : ''})` : ''}`,
    remedy:
      "check the zone's directory and its file system (`rndc-js doctor ZONE`, dmesg), then `rndc sync` the zone and verify",
  };
}

/** The likely cause of a failed journal operation. */
function journalCause(event: JournalFailedEvent): Cause {
  const resource = resourceCause(event.result);
  if (resource) return resource;
  if (event.step === 'corrupt' || event.step === 'format') {
    return {
      id: 'journal-corrupt',
      text: `the journal ${event.file} is corrupt or not a journal: named cannot apply or append to it`,
      remedy:
        'stop named, move the journal aside (the updates in it since the last dump are lost unless the zone file or a tmp-* file holds them), start named; then find what wrote to it (two nameds on one volume?)',
    };
  }
  if (
    (event.step === 'create' || event.step === 'open' || event.step === 'write') &&
    (event.result === 'permission denied' ||
      event.errno === ERRNO.EROFS ||
      (event.result === 'unexpected error' && event.errno === undefined))
  ) {
    return {
      id: 'journal-not-writable',
      text: `named cannot ${event.step} the journal ${event.file}: its directory is not writable by named's user, or a read-only mount; every dynamic update to the zone fails (SERVFAIL)`,
      remedy: `${WRITABLE_DIRECTORY_REMEDY}; or point the zone's \`journal\` statement at a writable directory`,
    };
  }
  return {
    id: 'other',
    text: `the journal ${event.file} failed at ${event.step}: ${event.result}`,
    remedy: "check the journal's directory and its file system (`rndc-js doctor ZONE`, dmesg)",
  };
}

// ---------------------------------------------------------------------------------------------
// Collecting
// ---------------------------------------------------------------------------------------------

interface ProblemState {
  area: ExplainedArea;
  step: string;
  result: string;
  location: string | undefined;
  cause: Cause;
  errno: number | undefined;
  strerror: string | undefined;
  unexpectedErrorAt: string | undefined;
  count: number;
  first: Date | undefined;
  last: Date | undefined;
  firstLine: number;
  lastLine: number;
  gaps: number;
  gapMin: number;
  gapMax: number;
  gapSum: number;
  inWindow: number;
  evidence: { line: number; raw: readonly string[] }[];
  lastEvidence: { line: number; raw: readonly string[] } | undefined;
  /** Subject: how this problem is tied to a zone. */
  zoneFile: string | undefined;
  directory: string | undefined;
  zones: Set<string>;
}

function dirname(path: string): string {
  const at = path.lastIndexOf('/');
  return at < 0 ? '.' : at === 0 ? '/' : path.slice(0, at);
}

function zoneLabel(zone: string | undefined, view: string | undefined): string | undefined {
  if (zone === undefined) return undefined;
  return view === undefined ? zone : `${zone} (view ${view})`;
}

/**
 * Gathers events one by one into problems; bounded memory. The explanation is built by
 * {@link NamedLogExplainer.result}.
 */
export class NamedLogExplainer {
  #problems = new Map<string, ProblemState>();
  #events = 0;
  #lines = 0;
  #from: Date | undefined;
  #to: Date | undefined;
  /** Dump failures waiting for a `sync`/`freeze` line a few lines later (9.20 logs it after). */
  #pending: Pending[] = [];
  /** Recent single-zone `sync`/`freeze` lines. */
  #recent: Command[] = [];
  /** Zones whose journal `sync -clean` removed: a dump failing afterwards loses updates on restart. */
  #cleaned = new Map<string, NamedLogEvent>();
  #droppedProblems = 0;
  /** The last journal failure: the update it failed names the zone a line or two later. */
  #lastJournal: { line: number; problem: ProblemState } | undefined;

  /** Counts lines read (for the summary); the caller counts them as it feeds the parser. */
  addLines(count: number): void {
    this.#lines += count;
  }

  /** Takes the events of a parser, in log order. */
  add(events: readonly NamedLogEvent[]): void {
    for (const event of events) this.#add(event);
  }

  #add(event: NamedLogEvent): void {
    this.#events++;
    if (event.time) {
      if (!this.#from || event.time < this.#from) this.#from = event.time;
      if (!this.#to || event.time > this.#to) this.#to = event.time;
    }
    this.#settlePending(event.lineNumber);
    switch (event.kind) {
      case 'sync':
      case 'freeze': {
        const zone = zoneLabel(event.zone, event.view);
        if (event.allZones || zone === undefined) break;
        const command: Command = {
          line: event.lineNumber,
          time: event.time,
          zone,
          nearest: undefined,
        };
        this.#recent.push(command);
        if (this.#recent.length > 8) this.#recent.shift();
        for (const pending of this.#pending) consider(pending, command);
        if (event.kind === 'sync' && event.removesJournal) this.#cleaned.set(zone, event);
        break;
      }
      case 'dump-failed': {
        const location =
          event.step === 'rename'
            ? event.file
            : event.file !== undefined
              ? `${dirname(event.file)}/`
              : undefined;
        const problem = this.#problem(
          'dump',
          event.step,
          event,
          dumpCause(event),
          location,
          event.step === 'rename' ? event.file : undefined,
          event.file !== undefined ? dirname(event.file) : undefined,
        );
        if (!problem) break;
        const zone = zoneLabel(event.zone, event.view);
        if (zone !== undefined) problem.zones.add(zone);
        const pending: Pending = { event, problem, candidates: [] };
        for (const recent of this.#recent) consider(pending, recent);
        this.#pending.push(pending);
        break;
      }
      case 'journal-failed': {
        const zoneFile = event.file.endsWith('.jnl') ? event.file.slice(0, -4) : undefined;
        const problem = this.#problem(
          'journal',
          event.step,
          event,
          journalCause(event),
          event.file,
          zoneFile,
          dirname(event.file),
        );
        if (problem) this.#lastJournal = { line: event.lineNumber, problem };
        break;
      }
      case 'journal-rollforward-failed': {
        const zone = zoneLabel(event.zone, event.view);
        const problem = this.#problem(
          'journal',
          'rollforward',
          event,
          {
            id: 'journal-rollforward-failed',
            text: `named could not apply the journal to the zone (${event.result}): the zone is not served`,
            remedy:
              'if the zone file was edited or replaced while a journal existed, the journal no longer fits it: stop named, move the journal aside (its updates are lost unless a tmp-* file holds them), start named',
          },
          zone === undefined ? undefined : `zone ${zone}`,
          undefined,
          undefined,
        );
        if (problem && zone !== undefined) problem.zones.add(zone);
        break;
      }
      case 'update-failed': {
        // Only failures of named's own (SERVFAIL: journal, storage), not refusals by policy.
        if (event.outcome !== 'error' && event.result !== 'SERVFAIL') break;
        const zone = zoneLabel(event.zone, event.view);
        const problem = this.#problem(
          'update',
          'update',
          { ...event, result: event.reason },
          {
            id: 'updates-failing',
            text: `dynamic updates fail inside named (${event.reason})`,
            remedy:
              'see the journal problem of this zone; once the journal can be written, updates work again (clients must resend them)',
          },
          zone === undefined ? undefined : `zone ${zone}`,
          undefined,
          undefined,
        );
        if (problem && zone !== undefined) problem.zones.add(zone);
        const journal = this.#lastJournal;
        if (zone !== undefined && journal && event.lineNumber - journal.line <= COMMAND_WINDOW) {
          journal.problem.zones.add(zone);
        }
        break;
      }
      case 'zone-load-failed': {
        const zone = zoneLabel(event.zone, event.view);
        const problem = this.#problem(
          'load',
          'load',
          event,
          {
            id: 'zone-load-failed',
            text: `named could not load the zone from ${event.file}: ${event.result}`,
            remedy:
              'run named-checkzone on the file; if a failed dump left the zone file old, the newest tmp-* file may be the good copy',
          },
          event.file,
          event.file,
          dirname(event.file),
        );
        if (problem && zone !== undefined) problem.zones.add(zone);
        break;
      }
      case 'directory-not-writable':
        this.#problem(
          'startup',
          'start',
          { ...event, result: 'not writable' },
          {
            id: 'named-directory-not-writable',
            text: `named's working directory ${event.directory} is not writable: named refuses to start`,
            remedy: "make the `directory` of named.conf's options writable by named's user",
          },
          event.directory,
          undefined,
          undefined,
        );
        break;
      default:
        break;
    }
  }

  /** A dump failure far enough back gets no more zone names from later command lines. */
  #settlePending(line: number): void {
    while (this.#pending.length > 0) {
      const first = this.#pending[0];
      // Settled once no later line can be nearer to its command lines.
      if (!first || line - first.event.lineNumber <= 2 * COMMAND_WINDOW) break;
      this.#pending.shift();
      settle(first);
    }
  }

  #problem(
    area: ExplainedArea,
    step: string,
    event: NamedLogEvent & { result?: string; errno?: number; strerror?: string },
    cause: Cause,
    location: string | undefined,
    zoneFile: string | undefined,
    directory: string | undefined,
  ): ProblemState | undefined {
    const key = `${area}\u0000${step}\u0000${location ?? ''}\u0000${cause.id}`;
    let problem = this.#problems.get(key);
    if (!problem) {
      if (this.#problems.size >= MAX_PROBLEMS) {
        this.#droppedProblems++;
        return undefined;
      }
      problem = {
        area,
        step,
        result: event.result ?? '',
        location,
        cause,
        errno: event.errno,
        strerror: event.strerror,
        unexpectedErrorAt: 'unexpectedErrorAt' in event ? event.unexpectedErrorAt : undefined,
        count: 0,
        first: undefined,
        last: undefined,
        firstLine: event.lineNumber,
        lastLine: event.lineNumber,
        gaps: 0,
        gapMin: Number.POSITIVE_INFINITY,
        gapMax: 0,
        gapSum: 0,
        inWindow: 0,
        evidence: [],
        lastEvidence: undefined,
        zoneFile,
        directory,
        zones: new Set(),
      };
      this.#problems.set(key, problem);
    }
    problem.count++;
    problem.lastLine = event.lineNumber;
    if (problem.errno === undefined && event.errno !== undefined) {
      problem.errno = event.errno;
      problem.strerror = event.strerror;
    }
    const time = event.time;
    if (time) {
      if (problem.last) {
        const gap = (time.getTime() - problem.last.getTime()) / 1000;
        if (gap >= 0) {
          problem.gaps++;
          problem.gapMin = Math.min(problem.gapMin, gap);
          problem.gapMax = Math.max(problem.gapMax, gap);
          problem.gapSum += gap;
          if (
            gap >= DUMP_RETRY_SECONDS.min - RETRY_SLACK_SECONDS &&
            gap <= DUMP_RETRY_SECONDS.max + RETRY_SLACK_SECONDS
          ) {
            problem.inWindow++;
          }
        }
      }
      if (!problem.first) problem.first = time;
      problem.last = time;
    }
    const evidence = { line: event.lineNumber, raw: event.raw };
    if (problem.evidence.length < MAX_EVIDENCE - 1) problem.evidence.push(evidence);
    else problem.lastEvidence = evidence;
    if (problem.zones.size > 16) problem.zones.clear();
    return problem;
  }

  /** The explanation of everything added so far. */
  result(): NamedLogExplanation {
    this.#settlePending(Number.POSITIVE_INFINITY);
    const subjects = new Map<string, Subject>();
    const general: ExplainedProblem[] = [];
    const states = [...this.#problems.values()].sort((a, b) => a.firstLine - b.firstLine);
    // The zone files named's rename lines and journals name, per directory: a temp file's
    // directory with exactly one of them belongs to that zone.
    const filesByDirectory = new Map<string, Set<string>>();
    for (const state of states) {
      if (state.zoneFile === undefined) continue;
      const dir = dirname(state.zoneFile);
      const files = filesByDirectory.get(dir) ?? new Set<string>();
      files.add(state.zoneFile);
      filesByDirectory.set(dir, files);
    }
    const zoneToSubject = new Map<string, string>();
    for (const state of states) {
      if (state.zoneFile === undefined) continue;
      for (const zone of state.zones) zoneToSubject.set(zone, `file:${state.zoneFile}`);
    }
    let omitted = 0;
    for (const state of states) {
      if (state.area === 'startup') {
        general.push(toProblem(state));
        continue;
      }
      let key: string | undefined;
      let zoneFile = state.zoneFile;
      if (zoneFile !== undefined) key = `file:${zoneFile}`;
      else if (state.directory !== undefined) {
        const files = filesByDirectory.get(state.directory);
        const only = files?.size === 1 ? [...files][0] : undefined;
        if (only !== undefined) {
          key = `file:${only}`;
          zoneFile = only;
        }
      }
      if (key === undefined) {
        for (const zone of state.zones) {
          const known = zoneToSubject.get(zone);
          if (known !== undefined) {
            key = known;
            zoneFile = known.slice('file:'.length);
            break;
          }
        }
      }
      if (key === undefined) {
        const zones = [...state.zones].sort();
        key =
          zones.length > 0
            ? `zone:${zones.join(',')}`
            : state.directory !== undefined
              ? `dir:${state.directory}`
              : `other:${state.location ?? ''}`;
      }
      let subject = subjects.get(key);
      if (!subject) {
        if (subjects.size >= MAX_SUBJECTS) {
          omitted++;
          continue;
        }
        subject = { zones: new Set(), zoneFile, directory: undefined, problems: [] };
        subjects.set(key, subject);
      }
      for (const zone of state.zones) subject.zones.add(zone);
      subject.directory ??= state.directory ?? (zoneFile ? dirname(zoneFile) : undefined);
      subject.problems.push(toProblem(state));
    }
    // `sync -clean` of a zone whose dumps fail: the journal is gone and the file is old.
    for (const subject of subjects.values()) {
      const failing = subject.problems.find((p) => p.area === 'dump');
      if (!failing) continue;
      for (const zone of subject.zones) {
        const clean = this.#cleaned.get(zone);
        if (!clean || clean.lineNumber > failing.lastLine + COMMAND_WINDOW) continue;
        subject.problems.push({
          area: 'journal',
          step: 'remove',
          result: 'sync -clean',
          cause: {
            id: 'journal-removed-while-dumps-fail',
            text: `\`rndc sync -clean ${zone}\` removed the journal while the zone's dumps fail: the updates since the zone file was last written exist only in named's memory (and in tmp-* files a failed rename left)`,
          },
          remedy:
            "do not restart or stop named until the zone is saved: copy the newest tmp-* file of the zone's directory somewhere safe (`rndc-js recover ZONE`), fix the dump failure, then `rndc sync` and verify",
          count: 1,
          ...(clean.time ? { first: clean.time, last: clean.time } : {}),
          firstLine: clean.lineNumber,
          lastLine: clean.lineNumber,
          evidence: [{ line: clean.lineNumber, raw: clean.raw }],
        });
        break;
      }
    }
    const zones: ExplainedZone[] = [...subjects.values()].map((subject) => ({
      zones: [...subject.zones].sort(),
      ...(subject.zoneFile !== undefined ? { zoneFile: subject.zoneFile } : {}),
      ...(subject.directory !== undefined ? { directory: subject.directory } : {}),
      problems: subject.problems,
    }));
    const problemCount =
      zones.reduce((sum, zone) => sum + zone.problems.length, 0) + general.length;
    return {
      zones,
      general,
      problemCount,
      lines: this.#lines,
      events: this.#events,
      ...(this.#from ? { from: this.#from } : {}),
      ...(this.#to ? { to: this.#to } : {}),
      omittedZones: omitted,
      omittedOccurrences: this.#droppedProblems,
    };
  }
}

/** A single-zone `sync`/`freeze` line, and the dump failure nearest to it. */
interface Command {
  readonly line: number;
  readonly time: Date | undefined;
  readonly zone: string;
  nearest: { rank: number; pending: Pending } | undefined;
}

/** A dump failure waiting for the `sync`/`freeze` line that caused it (before or after it). */
interface Pending {
  readonly event: DumpFailedEvent;
  readonly problem: ProblemState;
  readonly candidates: { rank: number; command: Command }[];
}

/**
 * Ties a dump failure to a single-zone `sync`/`freeze` line within {@link COMMAND_WINDOW} lines
 * and 250 ms (both are logged at once; 9.20 and some 9.18 dumps log the failure first). Each
 * command line goes to the failure nearest to it (9.20's `freeze` of all zones logs each failing
 * zone's line among other zones' failures). Timer-driven retries have no such line.
 */
function consider(pending: Pending, command: Command): void {
  const distance = Math.abs(pending.event.lineNumber - command.line);
  if (distance > COMMAND_WINDOW) return;
  const time = pending.event.time;
  if (time && command.time && Math.abs(time.getTime() - command.time.getTime()) > 250) return;
  // Equal distance: the command before the failure wins.
  const rank = distance * 2 + (command.line > pending.event.lineNumber ? 1 : 0);
  pending.candidates.push({ rank, command });
  if (!command.nearest || rank < command.nearest.rank) command.nearest = { rank, pending };
}

/** The zone of the nearest command line that is nearest to this failure too. */
function settle(pending: Pending): void {
  let best: { rank: number; command: Command } | undefined;
  for (const candidate of pending.candidates) {
    if (candidate.command.nearest?.pending !== pending) continue;
    if (!best || candidate.rank < best.rank) best = candidate;
  }
  if (best) pending.problem.zones.add(best.command.zone);
}

interface Subject {
  zones: Set<string>;
  zoneFile: string | undefined;
  directory: string | undefined;
  problems: ExplainedProblem[];
}

function toProblem(state: ProblemState): ExplainedProblem {
  const evidence = [...state.evidence];
  if (state.lastEvidence) evidence.push(state.lastEvidence);
  const cause = state.cause;
  return {
    area: state.area,
    step: state.step,
    result: state.result,
    ...(state.location !== undefined ? { location: state.location } : {}),
    ...(state.errno !== undefined ? { errno: state.errno } : {}),
    ...(state.strerror !== undefined ? { strerror: state.strerror } : {}),
    ...(state.unexpectedErrorAt !== undefined
      ? { unexpectedErrorAt: state.unexpectedErrorAt }
      : {}),
    cause: { id: cause.id, text: cause.text, ...(cause.note ? { note: cause.note } : {}) },
    remedy: cause.remedy,
    count: state.count,
    ...(state.first ? { first: state.first } : {}),
    ...(state.last ? { last: state.last } : {}),
    firstLine: state.firstLine,
    lastLine: state.lastLine,
    ...(state.gaps > 0
      ? {
          cadence: {
            gaps: state.gaps,
            minSeconds: Math.round(state.gapMin),
            maxSeconds: Math.round(state.gapMax),
            meanSeconds: Math.round(state.gapSum / state.gaps),
            inRetryWindow: state.inWindow,
          },
        }
      : {}),
    evidence,
  };
}

// ---------------------------------------------------------------------------------------------
// Entry points
// ---------------------------------------------------------------------------------------------

/** Counts line feeds (a last line without one counts too, see below). */
function countLines(text: string): number {
  let count = 0;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) count++;
  return count;
}

/**
 * Explains a named log given as text: as named writes it, from syslog/journald, or as pasted
 * from `kubectl logs` (with `--prefix` or `--timestamps`), stern or k9s (framed lines, CRLF,
 * ANSI colours). Pure: never throws; time and memory linear in the text.
 *
 * @example
 * const why = explainNamedLog(pasted);
 * for (const zone of why.zones) for (const p of zone.problems) console.log(zone.zoneFile, p.step, p.cause.text);
 */
export function explainNamedLog(text: string, options: ExplainOptions = {}): NamedLogExplanation {
  const input = typeof text === 'string' ? text : String(text);
  const parser = new NamedLogParser(options);
  const explainer = new NamedLogExplainer();
  explainer.add(parser.push(input));
  explainer.add(parser.end());
  explainer.addLines(countLines(input) + (input.length > 0 && !input.endsWith('\n') ? 1 : 0));
  return explainer.result();
}

/** Why {@link explainNamedLogSource} could not read the log. */
export type ExplainReadErrorKind = 'not-found' | 'not-readable' | 'timeout' | 'aborted';

/** The log could not be read (nothing is claimed about it). */
export class ExplainReadError extends RndcLibraryError<ExplainReadErrorKind> {
  /** The path, or `-` for a stream. */
  readonly source: string;
  constructor(kind: ExplainReadErrorKind, source: string, detail: string, cause?: unknown) {
    super({
      kind,
      message: `cannot read named's log: ${detail}`,
      ...(kind === 'not-found'
        ? {
            causes: [
              'a typo in the path',
              'named logs elsewhere (another channel, syslog, stderr)',
            ],
            remedy:
              'give the `file` of a logging channel in named.conf, or pipe the log in: `kubectl logs POD -c named | rndc-js explain -`',
          }
        : kind === 'not-readable'
          ? {
              causes: [
                'this process may not read the file (permissions)',
                'it is a directory, socket or device',
              ],
              remedy: "run as a user that can read named's log, or pipe it in",
            }
          : kind === 'timeout'
            ? {
                causes: ['the stream sent nothing before the deadline (a FIFO without a writer?)'],
                remedy: 'check what feeds the stream, or give more time',
              }
            : {}),
      ...(cause === undefined ? {} : { cause }),
    });
    this.source = source;
  }
}

/** Options of {@link explainNamedLogSource}. */
export interface ExplainSourceOptions extends ExplainOptions {
  /**
   * The most bytes read. A regular file larger than that is read from the first line in its
   * last `maxBytes`; a stream stops being read there. Default {@link MAX_EXPLAIN_BYTES}.
   */
  readonly maxBytes?: number | undefined;
  /** Stop reading at this time (`Date.now()` ms): what was read is explained, `complete` false. */
  readonly deadline?: number | undefined;
  /** Stop reading when aborted, as for the deadline. */
  readonly signal?: AbortSignal | undefined;
}

/** What {@link explainNamedLogSource} read and found. */
export interface ExplainedSource {
  /** What was found in what was read. */
  readonly explanation: NamedLogExplanation;
  /** Bytes read and explained. */
  readonly bytesRead: number;
  /** Bytes of a regular file before the part read (over `maxBytes`). */
  readonly skippedBytes: number;
  /** False when the deadline, the signal or `maxBytes` stopped reading a stream before its end. */
  readonly complete: boolean;
  /** Why reading stopped early, when it did. */
  readonly stoppedBy?: 'deadline' | 'signal' | 'max-bytes';
}

/** 256 MiB: days of a busy named's log; reading and explaining it takes seconds. */
export const MAX_EXPLAIN_BYTES = 256 * 1024 * 1024;

const CHUNK = 1024 * 1024;

/** A readable source of the log's bytes: a stream (stdin, a pipe) or a path. */
export type ExplainSource =
  | {
      /** A file: a regular file, or a pipe, FIFO or `/dev/stdin` (read as a stream). */
      readonly path: string;
    }
  | {
      /** A stream of the log's text or bytes (`process.stdin`). */
      readonly stream: AsyncIterable<string | Uint8Array>;
      /** How errors name it. Default `-`. */
      readonly name?: string;
    };

/**
 * Reads a named log from a file or a stream and explains it. A regular file is read up to
 * `maxBytes` (its end: the newest lines); a stream (stdin, a pipe, a FIFO, `/dev/stdin`) to its
 * end, to `maxBytes`, or to the deadline — what was read by then is explained and `complete`
 * says so. A missing or unreadable file is an error: nothing is claimed about a log not read.
 */
export async function explainNamedLogSource(
  source: ExplainSource,
  options: ExplainSourceOptions = {},
): Promise<Result<ExplainedSource, ExplainReadError>> {
  const maxBytes = Math.max(1, Math.floor(options.maxBytes ?? MAX_EXPLAIN_BYTES));
  if ('path' in source) return explainPath(source.path, maxBytes, options);
  return explainStream(source.stream, source.name ?? '-', maxBytes, 0, options);
}

class Feeder {
  readonly parser: NamedLogParser;
  readonly explainer = new NamedLogExplainer();
  readonly #decoder = new StringDecoder('utf8');
  #endsWithNewline = true;
  #any = false;
  bytes = 0;
  constructor(options: ExplainOptions) {
    this.parser = new NamedLogParser(options);
  }
  feed(chunk: string | Uint8Array): void {
    const text = typeof chunk === 'string' ? chunk : this.#decoder.write(Buffer.from(chunk));
    this.bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
    this.#text(text);
  }
  #text(text: string): void {
    if (text.length === 0) return;
    this.#any = true;
    this.#endsWithNewline = text.endsWith('\n');
    this.explainer.addLines(countLines(text));
    this.explainer.add(this.parser.push(text));
  }
  end(): NamedLogExplanation {
    this.#text(this.#decoder.end());
    if (this.#any && !this.#endsWithNewline) this.explainer.addLines(1);
    this.explainer.add(this.parser.end());
    return this.explainer.result();
  }
}

function stopReason(
  deadline: number | undefined,
  signal: AbortSignal | undefined,
): 'deadline' | 'signal' | undefined {
  if (signal?.aborted) return 'signal';
  if (deadline !== undefined && Date.now() >= deadline) return 'deadline';
  return undefined;
}

async function explainPath(
  path: string,
  maxBytes: number,
  options: ExplainSourceOptions,
): Promise<Result<ExplainedSource, ExplainReadError>> {
  const opened = await openRegularFile(path);
  if (opened.isErr()) {
    const problem = opened.error;
    if (problem.kind === 'not-found') {
      return Err(new ExplainReadError('not-found', path, describeFileProblem(problem)));
    }
    if (
      problem.kind === 'not-regular' &&
      (problem.type === 'FIFO' || problem.type === 'character device' || problem.type === 'socket')
    ) {
      // A pipe (`<(kubectl logs …)`, /dev/stdin) or a FIFO: read as a stream, to its end or the
      // deadline. Opened without blocking the deadline: the open itself is raced against it.
      return explainPipePath(path, maxBytes, options);
    }
    return Err(new ExplainReadError('not-readable', path, describeFileProblem(problem)));
  }
  const { handle, stats } = opened.value;
  try {
    const feeder = new Feeder(options);
    const skipped = Math.max(0, stats.size - maxBytes);
    let position = skipped;
    let dropFirstLine = skipped > 0;
    const buffer = Buffer.alloc(CHUNK);
    let stoppedBy: ExplainedSource['stoppedBy'];
    while (position < stats.size) {
      const stop = stopReason(options.deadline, options.signal);
      if (stop) {
        stoppedBy = stop;
        break;
      }
      const { bytesRead } = await handle.read(
        buffer,
        0,
        Math.min(CHUNK, stats.size - position),
        position,
      );
      if (bytesRead === 0) break;
      let chunk = buffer.subarray(0, bytesRead);
      if (dropFirstLine) {
        // Start at the first whole line of the part read.
        const newline = chunk.indexOf(0x0a);
        if (newline < 0) {
          position += bytesRead;
          continue;
        }
        chunk = chunk.subarray(newline + 1);
        dropFirstLine = false;
      }
      feeder.feed(chunk);
      position += bytesRead;
    }
    const explanation = feeder.end();
    return Ok({
      explanation,
      bytesRead: feeder.bytes,
      skippedBytes: skipped,
      complete: stoppedBy === undefined,
      ...(stoppedBy ? { stoppedBy } : {}),
    });
  } catch (error) {
    return Err(
      new ExplainReadError('not-readable', path, `${path}: ${(error as Error).message}`, error),
    );
  } finally {
    await handle.close().catch(() => undefined);
  }
}

async function explainPipePath(
  path: string,
  maxBytes: number,
  options: ExplainSourceOptions,
): Promise<Result<ExplainedSource, ExplainReadError>> {
  let timer: NodeJS.Timeout | undefined;
  const opening = openFile(path, 'r');
  const waited = await Promise.race([
    opening.then(
      (handle) => ({ handle }),
      (error: unknown) => ({ error }),
    ),
    new Promise<{ stop: 'deadline' | 'signal' }>((resolve) => {
      const remaining = options.deadline === undefined ? undefined : options.deadline - Date.now();
      if (remaining !== undefined)
        timer = setTimeout(() => resolve({ stop: 'deadline' }), Math.max(0, remaining));
      options.signal?.addEventListener('abort', () => resolve({ stop: 'signal' }), { once: true });
    }),
  ]);
  clearTimeout(timer);
  if ('stop' in waited) {
    // The open may still complete (a writer comes later): close it then.
    void opening.then((handle) => handle.close()).catch(() => undefined);
    return Err(
      new ExplainReadError(
        waited.stop === 'signal' ? 'aborted' : 'timeout',
        path,
        `${path} could not be opened before the ${waited.stop === 'signal' ? 'interruption' : 'deadline'} (a FIFO nobody writes to?)`,
      ),
    );
  }
  if ('error' in waited) {
    const error = waited.error as NodeJS.ErrnoException;
    return Err(
      new ExplainReadError(
        error.code === 'ENOENT' ? 'not-found' : 'not-readable',
        path,
        `${path}: ${error.message}`,
        error,
      ),
    );
  }
  const handle = waited.handle;
  try {
    const info = await handle.stat();
    if (fileType(info) === 'directory') {
      return Err(new ExplainReadError('not-readable', path, `${path} is a directory`));
    }
    return await explainStream(
      handle.createReadStream({ autoClose: false }),
      path,
      maxBytes,
      0,
      options,
    );
  } finally {
    await handle.close().catch(() => undefined);
  }
}

async function explainStream(
  stream: AsyncIterable<string | Uint8Array>,
  name: string,
  maxBytes: number,
  skippedBytes: number,
  options: ExplainSourceOptions,
): Promise<Result<ExplainedSource, ExplainReadError>> {
  const feeder = new Feeder(options);
  const iterator = stream[Symbol.asyncIterator]();
  let stoppedBy: ExplainedSource['stoppedBy'];
  let timer: NodeJS.Timeout | undefined;
  const stopped = new Promise<'deadline' | 'signal'>((resolve) => {
    const remaining = options.deadline === undefined ? undefined : options.deadline - Date.now();
    if (remaining !== undefined)
      timer = setTimeout(() => resolve('deadline'), Math.max(0, remaining));
    if (options.signal?.aborted) resolve('signal');
    options.signal?.addEventListener('abort', () => resolve('signal'), { once: true });
  });
  try {
    for (;;) {
      const next = await Promise.race([iterator.next(), stopped]);
      if (typeof next === 'string') {
        stoppedBy = next;
        break;
      }
      if (next.done) break;
      const chunk = next.value;
      const size = typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
      if (feeder.bytes + size > maxBytes) {
        const room = maxBytes - feeder.bytes;
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk);
        feeder.feed(bytes.subarray(0, Math.max(0, room)));
        stoppedBy = 'max-bytes';
        break;
      }
      feeder.feed(chunk);
    }
  } catch (error) {
    return Err(
      new ExplainReadError('not-readable', name, `${name}: ${(error as Error).message}`, error),
    );
  } finally {
    clearTimeout(timer);
    // Stop the source (a `kubectl logs -f` pipe would go on for ever); never wait for it.
    void Promise.resolve(iterator.return?.()).catch(() => undefined);
  }
  return Ok({
    explanation: feeder.end(),
    bytesRead: feeder.bytes,
    skippedBytes,
    complete: stoppedBy === undefined,
    ...(stoppedBy ? { stoppedBy } : {}),
  });
}
