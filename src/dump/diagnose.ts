/**
 * diagnoseZoneStorage(): why named could not (or will not be able to) write a dynamic zone to
 * disk, judged from named's own point of view.
 *
 * A dump writes `tmp-XXXXXXXXXX` next to the zone file and renames it over the file; the journal
 * is created next to the zone file too (BIND's lib/dns/masterdump.c and lib/dns/journal.c). Whether that
 * works depends on named's credentials (its uid, gids and effective capabilities: named keeps
 * no `CAP_DAC_OVERRIDE`, not even as root, §4.2), on the mounts in named's mount namespace (a
 * zone file that is itself a mount point makes `rename()` fail with EBUSY, the Kubernetes
 * `subPath` case), and on the directory's mode (sticky bit). This module gathers those facts
 * (through `/proc/<pid>/status`, `/proc/<pid>/root` and `/proc/<pid>/mountinfo` when named's pid
 * is known) and turns them into findings, each tied to a row of the failure-pattern table
 * (§5.1) with a concrete remedy. A setup in which dumps and updates work produces no findings.
 *
 * named's pid is used only once `named-process.ts` has verified it is the host's named (facts an
 * unprivileged user cannot forge: executable, user namespace, started by root); otherwise the
 * identity-dependent checks are reported as not checked. Nothing is ever executed from another
 * process's mount namespace (the kernel access check runs the host's `setpriv` on a descriptor).
 * Only regular files are opened in named's directory, and the call settles by `timeoutMs`.
 *
 * Linux only (it reads `/proc`). Reading another process's `/proc/<pid>/root` needs the same
 * uid or root.
 */
import { execFile, spawn } from 'node:child_process';
import { constants, existsSync, type Stats } from 'node:fs';
import { type FileHandle, lstat, open, opendir, readlink, stat, statfs } from 'node:fs/promises';
import { posix } from 'node:path';
import { settleWorkBy } from '../deadline.js';
import { RndcLibraryError } from '../errors.js';
import { fileType, openRegularFile } from '../files/regular-file.js';
import { Err, Ok, type Result } from '../result.js';
import { serialBefore } from '../serial.js';
import { JOURNAL_HEADER_BYTES, parseJournalHeader } from './journal.js';
import { isMountPoint, type MountInfoEntry, mountFor, parseMountInfo } from './mountinfo.js';
import {
  failedChecks,
  findNamedProcess,
  type IdentityCheck,
  isSameProcess,
  type NamedProcess,
  readlinkSafe,
  readText,
} from './named-process.js';
import { isNamedTmpFile } from './tmp-name.js';
import { readZoneFileSerial } from './zonefile.js';

// ---------------------------------------------------------------------------------------------
// Public types

/** Options of {@link diagnoseZoneStorage}. */
export interface DiagnoseOptions {
  /**
   * The zone file, as named sees it: absolute, or relative to named's working directory (its
   * `options { directory }`; with `namedPid` read from `/proc/<pid>/cwd`, otherwise the current
   * directory).
   */
  readonly zoneFile: string;
  /** The journal, as named sees it. Default: `<zoneFile>.jnl` (BIND's default). */
  readonly journalFile?: string | undefined;
  /**
   * named's pid. Its credentials, capabilities, root directory and mount namespace are used —
   * but only once its identity is verified (host's named binary, host's user namespace, run by
   * root: see {@link IdentityCheck}); a pid that fails is reported (`named-identity-not-verified`)
   * and its view is not used. Without it (and without `namedUser`), named is found through its
   * pid file (named.conf's `pid-file`, default `/run/named/named.pid`) or by scanning `/proc`
   * for the host's named binary; never by a process's name or working directory. When no
   * verified named is found, the checks that need named's identity are skipped and
   * {@link StorageFacts.identityNotes} says why.
   */
  readonly namedPid?: number | undefined;
  /**
   * Use `namedPid` even when it fails the identity checks, because the operator vouches for it:
   * a sidecar sharing named's pod, whose filesystem has no named binary to compare with (the
   * `exe` check), or a named started without root (the `owner` check). The failed checks are
   * still listed in {@link StorageFacts.identityNotes}. Nothing is ever executed from the
   * process's namespace either way. Default false.
   */
  readonly trustNamedPid?: boolean | undefined;
  /** named.conf, for its `pid-file` (the CLI takes it from `rndc status`). */
  readonly namedConf?: string | undefined;
  /** named's pid file, when not the one named.conf names. */
  readonly pidFile?: string | undefined;
  /**
   * The host's named executable, for the `exe` identity check: the process taken for named must
   * run this very file (same device and inode). Default `/usr/sbin/named` (else
   * `/usr/local/sbin/named`); name it when BIND is installed elsewhere (`/opt/bind/sbin/named`).
   * It must be the executable itself, not a wrapper script (the kernel runs a script's
   * interpreter, so no process runs a script: {@link StorageFacts.identityNotes} says so), and
   * only root may be able to change it — a regular file owned by root, writable by no one else,
   * reached through root-owned directories and links — or the check cannot pass: whoever could
   * replace it could have their own process adopted as named.
   */
  readonly namedBinary?: string | undefined;
  /**
   * named's boot time from `rndc status` (an authenticated answer): the process taken for named
   * must have started then, which picks the right one among several nameds.
   */
  readonly namedBootTime?: Date | undefined;
  /** The diagnosis settles (with a `timeout` error) by this many milliseconds. Default 10 000. */
  readonly timeoutMs?: number | undefined;
  /** Aborting settles the diagnosis at once with an `aborted` error. */
  readonly signal?: AbortSignal | undefined;
  /**
   * The user named runs as (`named -u`), when no pid is given: uid, gid and supplementary groups
   * come from `getent`/`id` (or `/etc/passwd`/`/etc/group`). named keeps no file capabilities,
   * so `root` is judged without `CAP_DAC_OVERRIDE`. Paths are then taken in this process's view.
   */
  readonly namedUser?: string | undefined;
  /** The serial named serves (`rndc zonestatus` `serial:`), for the tmp-file and journal checks. */
  readonly servedSerial?: number | undefined;
  /** The zone's name: enables reading serials of the zone file and of leftover tmp files. */
  readonly origin?: string | undefined;
  /** The current time (for ages of tmp files and the journal). Default: now. */
  readonly now?: Date | undefined;
}

/** What a finding is about. One code per check. */
export type FindingCode =
  /** named cannot create files in the zone directory (mode/owner, or an ancestor it cannot search). */
  | 'zone-dir-not-writable'
  /** The zone directory is on a read-only mount. */
  | 'zone-dir-read-only-mount'
  /** The zone file itself is a mount point: `rename()` onto it fails with EBUSY. */
  | 'zone-file-mount-point'
  /** Sticky directory and a zone file owned by neither named nor the directory's owner. */
  | 'sticky-dir-foreign-file'
  /** named cannot read the zone file (it cannot load the zone). */
  | 'zone-file-unreadable'
  /** named cannot open the existing journal for writing, or cannot create it in its directory. */
  | 'journal-not-writable'
  /** The zone file comes from a Kubernetes ConfigMap/Secret (symlinks into `..data`, kubelet paths). */
  | 'configmap-origin'
  /** The zone directory is on NFS and owners are (or are likely to be) squashed to nobody. */
  | 'nfs-squashed-owner'
  /** An enforcing AppArmor profile confines named and does not allow writes to the zone directory. */
  | 'apparmor-denied-path'
  /** Leftover `tmp-XXXXXXXXXX` files: earlier dumps failed at `rename()`. */
  | 'stale-tmp-files'
  /** The journal keeps changes the zone file lacks for longer than dumps allow: dumps fail. */
  | 'journal-growing'
  /** The zone file or the journal is a FIFO, socket, device or directory: named cannot use it. */
  | 'not-a-regular-file'
  /** The zone's file system has less free space than a dump needs (a copy of the zone + journal). */
  | 'filesystem-full'
  /** The zone's file system has no free inodes: neither the tmp file nor a journal can be created. */
  | 'filesystem-no-inodes'
  /** The pid given as named's failed the identity checks: its view and uid were not used. */
  | 'named-identity-not-verified'
  /**
   * No verified named was found (and no `namedUser` given): whether named can write the zone
   * file and its journal was not checked.
   */
  | 'named-identity-unknown'
  /**
   * named serves a serial the zone file lacks, and the newest pending change is older than
   * named's dump delay (900 s): dumps are failing (or were never scheduled).
   */
  | 'dump-overdue'
  /**
   * The zone file this process sees is not the one named uses: another mount namespace (a
   * sidecar or Job without named's volume), shown by device/inode through named's view, or an
   * empty file / unreadable or impossible serial where named serves the zone.
   */
  | 'different-file-than-named';

/** How bad a finding is. `error`: dumps or updates fail now. `warning`: likely or past trouble. */
export type FindingSeverity = 'error' | 'warning' | 'info';

/** One problem found. */
export interface Finding {
  /** Stable identifier of the finding: switch on it. */
  readonly code: FindingCode;
  /** `error` explains a failure, `warning` is a risk, `info` is context. */
  readonly severity: FindingSeverity;
  /** One line. */
  readonly title: string;
  /** The facts that led to it, one per line. */
  readonly evidence: string[];
  /** What to do. */
  readonly remedy: string;
  /** Number of the known failure pattern this finding matches, when one does (an identifier). */
  readonly pattern?: number;
}

/** Owner, mode and times of a path (from `lstat`, so a symlink is described as a symlink). */
export interface PathFacts {
  /** The path as named sees it. */
  readonly path: string;
  /** What the path is. */
  readonly type: 'file' | 'directory' | 'symlink' | 'other';
  /** Owner user ID. */
  readonly uid: number;
  /** Owner group ID. */
  readonly gid: number;
  /** Permission bits including setuid/setgid/sticky (`mode & 0o7777`). */
  readonly mode: number;
  /** Size in bytes. */
  readonly size: number;
  /** Modification time. */
  readonly mtime: Date;
}

/** Whether named may do something to a path, and how that was decided. */
export interface AccessFact {
  /** What the check is for: the zone directory (and the directories above it), the zone file, the journal. */
  readonly subject: 'zone-directory' | 'zone-file' | 'journal';
  /** The path as named sees it. */
  readonly path: string;
  /** The access needed. */
  readonly want: 'read' | 'write' | 'search';
  /** Whether named's identity has it. */
  readonly allowed: boolean;
  /**
   * `mode`: owner/group/other bits against named's uid, gids and capabilities (POSIX ACLs not
   * seen). `kernel`: a denial by mode bits re-checked by the kernel as named's uid/gids without
   * capabilities (the host's `setpriv` running `test` on a descriptor of the path opened in
   * named's view), which also honours ACLs and read-only mounts.
   */
  readonly method: 'mode' | 'kernel';
}

/** A leftover `tmp-XXXXXXXXXX` file of a failed dump. */
export interface TmpFileFacts {
  /** File name (`tmp-XXXXXXXXXX`). */
  readonly name: string;
  /** Size in bytes. */
  readonly size: number;
  /** Modification time. */
  readonly mtime: Date;
  /** Owner user ID. */
  readonly uid: number;
  /** SOA serial inside it (read for the newest one only, when `origin` was given). */
  readonly serial?: number;
}

/** The journal, when it exists. */
export interface JournalFacts {
  /** The journal as named sees it. */
  readonly path: string;
  /** Owner user ID. */
  readonly uid: number;
  /** Size in bytes. */
  readonly size: number;
  /** Modification time. */
  readonly mtime: Date;
  /** From the header, when it could be read. */
  readonly startSerial?: number;
  /** Serial of the last transaction, when readable. */
  readonly endSerial?: number;
  /** True when the journal holds no transaction. */
  readonly empty?: boolean;
}

/** AppArmor state, as far as it matters for named. */
export interface AppArmorFacts {
  /** AppArmor is enabled in the kernel (`/sys/module/apparmor/parameters/enabled` is `Y`). */
  readonly enabled: boolean;
  /** `/etc/apparmor.d/usr.sbin.named` exists. */
  readonly profileFile: boolean;
  /**
   * With a pid: named's confinement (`/proc/<pid>/attr/current`), e.g. `named (enforce)` or
   * `unconfined`. Without: the mode of a loaded `named` profile, e.g. `named (enforce)`.
   */
  readonly confinement?: string;
  /** Write rules from `/etc/apparmor.d/local/usr.sbin.named` (path globs). */
  readonly localWritable: readonly string[];
}

/**
 * Whose point of view the diagnosis takes. `pid`: the caller's pid, verified. `pid-file`: found
 * through named's pid file, verified. `detected-pid`: found by scanning `/proc` for the host's
 * named binary, verified. `vouched-pid`: the caller's pid, not verified but vouched for
 * (`trustNamedPid`). `user`: the caller's `namedUser`. `unverified`: the caller's pid failed the
 * identity checks (not used). `unknown`: no verified named found.
 */
export type IdentitySource =
  | 'pid'
  | 'pid-file'
  | 'detected-pid'
  | 'vouched-pid'
  | 'user'
  | 'unverified'
  | 'unknown';

export type { IdentityCheck } from './named-process.js';

/** Free space of a file system the zone (or its journal) lives on, from `statfs`. */
export interface FileSystemSpace {
  /** The directory examined, as named sees it. */
  readonly path: string;
  /** Bytes available to unprivileged users (`f_bavail × f_bsize`). */
  readonly availableBytes: number;
  /** Total size in bytes. */
  readonly totalBytes: number;
  /** Free inodes (`f_ffree`); `undefined` when the file system does not count them. */
  readonly freeInodes?: number;
  /** Total inodes (`f_files`). */
  readonly totalInodes?: number;
  /**
   * Bytes a dump and the next journal writes need: twice the zone file + journal (named writes
   * a whole new copy before the rename, and journal transactions on top) plus four blocks.
   */
  readonly neededBytes: number;
}

/** Everything gathered. Paths are as named sees them. */
export interface StorageFacts {
  /** Where the credentials come from. With `unknown`, identity-dependent checks are skipped. */
  readonly identity: IdentitySource;
  /** named's process ID, when known. */
  readonly pid?: number;
  /** `/proc/<pid>/comm` of that process (display only: anyone can choose a process's name). */
  readonly command?: string;
  /** The identity checks made on the process taken for named (empty without one). */
  readonly identityChecks: readonly IdentityCheck[];
  /** Why named's identity is not verified or was not found, when it is not. */
  readonly identityNotes: readonly string[];
  /** The user named runs as, by name. */
  readonly user?: string;
  /** named's file-system uid (`Uid:` fourth field with a pid). */
  readonly uid?: number;
  /** named's file-system gid. */
  readonly gid?: number;
  /** Supplementary groups. */
  readonly groups?: readonly number[];
  /** `CapEff` of named, hex as in `/proc/<pid>/status` (`0000000000000400`). */
  readonly capEff?: string;
  /** The file-access capabilities named holds (`CAP_DAC_OVERRIDE`, …); usually none. */
  readonly capabilities: readonly string[];
  /** The zone file, absolute, directory part resolved (the last component is not followed). */
  readonly zoneFile: string;
  /** The zone directory, symlinks resolved. */
  readonly zoneDir: string;
  /** The zone file's directory. */
  readonly zoneDirStat: PathFacts;
  /** `lstat` of the zone file. */
  readonly zoneFileStat: PathFacts;
  /** The zone file or journal (or a symlink's target) that is not a regular file. */
  readonly notRegular: readonly {
    /** Which file. */
    readonly subject: 'zone-file' | 'journal';
    /** The path as named sees it. */
    readonly path: string;
    /** What it is instead (`FIFO`, `socket`, `directory`, …). */
    readonly type: string;
  }[];
  /** Free space of the zone directory's file system (and the journal's, when another). */
  readonly space: readonly FileSystemSpace[];
  /** When the zone file is a symlink: its resolved target and the symlinks followed. */
  readonly zoneFileTarget?: string;
  /** Symbolic links on the way to the zone file, in order. */
  readonly symlinks: readonly {
    /** The link. */
    readonly path: string;
    /** What it points to, as stored in the link. */
    readonly target: string;
  }[];
  /** The mount the zone directory is on. */
  readonly mount?: MountInfoEntry;
  /** The mount on the zone file itself, when it is a mount point. */
  readonly zoneFileMount?: MountInfoEntry;
  /** The journal path named uses, and its facts when it exists. */
  readonly journalFile: string;
  /** The journal, if it exists. */
  readonly journal?: JournalFacts;
  /** The journal's directory, when it is not the zone directory. */
  readonly journalDir?: string;
  /** The mount the journal's directory is on, when it differs. */
  readonly journalDirMount?: MountInfoEntry;
  /** Access decisions (only with a known identity). */
  readonly access: readonly AccessFact[];
  /** `..data` exists in the zone directory (a ConfigMap/Secret volume). */
  readonly dataLinkInZoneDir: boolean;
  /** Serial of the zone file without the journal (with `origin`). */
  readonly fileSerial?: number;
  /** Why the zone file's serial could not be read. */
  readonly fileSerialError?: string;
  /** The SOA serial named serves. */
  readonly servedSerial?: number;
  /** The zone's name, when given (`origin`). */
  readonly origin?: string;
  /** Leftover tmp files, oldest first: at most the newest 1,000 (see `tmpFileCount`). */
  readonly tmpFiles: readonly TmpFileFacts[];
  /** tmp files seen in the zone directory, when more than `tmpFiles` lists. */
  readonly tmpFileCount?: number;
  /**
   * The zone directory's listing stopped early (more than 1,048,576 entries, or the deadline):
   * tmp files and `..data` beyond that point were not seen.
   */
  readonly zoneDirListingIncomplete?: boolean;
  /** AppArmor confinement of named, if any. */
  readonly apparmor: AppArmorFacts;
  /** When named started: its process's start (`/proc/<pid>/stat`), else `namedBootTime`. */
  readonly namedStartTime?: Date;
  /**
   * The zone file as this process sees it, when named runs in another mount namespace (present
   * only then, with named's pid): the diagnosis takes named's view through `/proc/<pid>/root`,
   * but the file at the same path here may be another (a sidecar's placeholder).
   */
  readonly localZoneFile?: LocalZoneFile;
  /** When the facts were gathered. */
  readonly now: Date;
}

/** The zone file at named's path, in this process's mount namespace (see `localZoneFile`). */
export interface LocalZoneFile {
  /** The path (named's path, looked up in this process's namespace). */
  readonly path: string;
  /** This process's mount namespace (`/proc/self/ns/mnt`, e.g. `mnt:[4026532174]`). */
  readonly ourNamespace: string;
  /** named's mount namespace (`/proc/<pid>/ns/mnt`). */
  readonly namedNamespace: string;
  /** Device of the file here (`stat`, symlinks followed here), when the path exists here. */
  readonly device?: number;
  /** Inode of the file here. */
  readonly inode?: number;
  /** Size in bytes of the file here. */
  readonly size?: number;
  /** Why it could not be examined here (`does not exist in this mount namespace`…). */
  readonly error?: string;
  /** Device of named's zone file, `stat` through named's view (`/proc/<pid>/root`). */
  readonly namedDevice?: number;
  /** Inode of named's zone file, through named's view. */
  readonly namedInode?: number;
}

/** The result of {@link diagnoseZoneStorage}. */
export interface StorageDiagnosis {
  /** Problems, errors first. Empty for a setup in which dumps and updates work. */
  readonly findings: Finding[];
  /** Everything that was observed, findings or not. */
  readonly facts: StorageFacts;
}

/** Why the diagnosis itself could not be made. */
export type DiagnoseErrorKind =
  | 'invalid-argument'
  /** No process with that pid. */
  | 'pid-not-found'
  /** `/proc/<pid>/…` exists but could not be read (another user's process, no root). */
  | 'proc-unreadable'
  | 'user-not-found'
  /** The zone file or a directory on its path does not exist. */
  | 'zone-file-not-found'
  /** The zone file or its directory could not be examined (permissions). */
  | 'zone-file-unreadable'
  /** The diagnosis did not finish by `timeoutMs` (a hung file system, a stuck /proc read). */
  | 'timeout'
  /** The caller's signal aborted it. */
  | 'aborted';

/** The diagnosis could not be made. */
export class DiagnoseError extends RndcLibraryError<DiagnoseErrorKind> {
  /** The path or pid concerned. */
  readonly subject: string | undefined;

  constructor(details: {
    kind: DiagnoseErrorKind;
    message: string;
    causes?: readonly string[];
    remedy?: string;
    cause?: unknown;
    subject?: string;
  }) {
    super(details);
    this.subject = details.subject;
  }
}

// ---------------------------------------------------------------------------------------------
// Constants

/** Most tmp files described (the newest); the others are only counted. */
const MAX_TMP_FACTS = 1000;
/** Most entries read from the zone directory (named's user can fill it with anything). */
const MAX_DIR_ENTRIES = 1 << 20;
/** tmp files younger than this may be a dump in progress. */
const TMP_IN_FLIGHT_MS = 60_000;
/** A pending change must reach the file within DNS_DUMP_DELAY (900 s) + slack. */
const DUMP_OVERDUE_MS = 960_000;
/** Retry interval after a failed dump: 676–900 s (§2), with some slack either side. */
const RETRY_MIN_S = 600;
const RETRY_MAX_S = 960;
const NOBODY_UIDS = new Set([65534, 4294967294]);
const CAP_NAMES: ReadonlyArray<[bit: number, name: string]> = [
  [0, 'CAP_CHOWN'],
  [1, 'CAP_DAC_OVERRIDE'],
  [2, 'CAP_DAC_READ_SEARCH'],
  [3, 'CAP_FOWNER'],
];
/** Writable by the Debian/Ubuntu profile `usr.sbin.named`. */
const APPARMOR_WRITABLE = ['/var/lib/bind/', '/var/cache/bind/'];
const KUBELET_VOLUME = /kubernetes\.io~(configmap|secret|projected|downward-api)/;
const ATOMIC_WRITER_DIR = /(^|\/)\.\.(data|\d{4}_\d{2}_\d{2}_\d{2}_\d{2}_\d{2}\.\d+)(\/|$)/;
const EXEC_TIMEOUT_MS = 5000;
const DEFAULT_TIMEOUT_MS = 10_000;
/** Linux `O_PATH` (not in Node's constants): a descriptor that names a file without opening it. */
const O_PATH = 0o10000000;
/** The host's own binaries for the kernel access check: absolute, resolved in our namespace. */
const HOST_SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'];
const HOST_SH = '/bin/sh';
/** For namedUser: NSS lookups by the host's own tools, never found through PATH. */
const HOST_GETENT = ['/usr/bin/getent', '/bin/getent'];
const HOST_ID = ['/usr/bin/id', '/bin/id'];

// ---------------------------------------------------------------------------------------------
// Entry point

/**
 * Examines where a zone is stored, as named sees it, and reports every reason its dumps (or
 * its journal) would fail — see {@link FindingCode} for the checks. A setup in which dumps and
 * updates work yields `findings: []`.
 *
 * Never throws. Errors are for a diagnosis that cannot be made at all (no such pid, no such
 * zone file, `/proc` unreadable); a check that cannot be made is skipped.
 *
 * @example
 * const d = await diagnoseZoneStorage({ zoneFile: '/var/lib/bind/dyn.example.com.zone', namedPid: 1234 });
 * if (d.isOk()) for (const f of d.value.findings) console.log(f.severity, f.title, f.remedy);
 */
export async function diagnoseZoneStorage(
  options: DiagnoseOptions,
): Promise<Result<StorageDiagnosis, DiagnoseError>> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    return Err(invalid(`timeoutMs must be a positive number, got ${options.timeoutMs}`));
  }
  const deadline = Date.now() + timeoutMs;
  // The signal stops the work's own children and scans once the call has settled.
  const work = async (signal: AbortSignal): Promise<Result<StorageDiagnosis, DiagnoseError>> => {
    try {
      const views: View[] = [];
      try {
        const facts = await gatherFacts(options, { deadline, signal }, views);
        if (facts.isErr()) return facts;
        return Ok({ findings: evaluateStorage(facts.value), facts: facts.value });
      } finally {
        for (const view of views) await view.close();
      }
    } catch (error) {
      return Err(
        new DiagnoseError({
          kind: 'zone-file-unreadable',
          message: `diagnoseZoneStorage: unexpected failure: ${String(error)}`,
          cause: error,
          subject: options.zoneFile,
        }),
      );
    }
  };
  // Whatever the files do (a FIFO, a hung NFS server), the call settles by the deadline.
  return settleWorkBy(
    work,
    deadline,
    (why) =>
      Err(
        new DiagnoseError({
          kind: why,
          message:
            why === 'timeout'
              ? `diagnoseZoneStorage: not finished after ${timeoutMs} ms`
              : 'diagnoseZoneStorage: aborted by the caller',
          causes:
            why === 'timeout'
              ? [
                  "a file or directory on the zone's path does not answer (hung NFS server, FUSE)",
                  'the machine is overloaded',
                ]
              : [],
          remedy:
            why === 'timeout'
              ? 'check the file system the zone lives on (`stat` its directory), or give more time (timeoutMs)'
              : '',
          subject: options.zoneFile,
        }),
      ),
    options.signal,
  );
}

interface Budget {
  readonly deadline: number;
  readonly signal: AbortSignal;
}

// ---------------------------------------------------------------------------------------------
// Evaluation (pure)

/**
 * Whether named's own access to the zone file and journal was checked: named's identity is
 * known (a verified or vouched-for pid, or `namedUser`). `false` when no verified named was
 * found (`unknown`, with a `named-identity-unknown` finding) or the pid given failed its checks
 * (`unverified`): then "no error finding" does not mean named can write there. The CLI exits 3
 * in that case.
 */
export function namedAccessChecked(facts: StorageFacts): boolean {
  return facts.identity !== 'unknown' && facts.identity !== 'unverified' && facts.uid !== undefined;
}

/**
 * Turns gathered facts into findings, errors first. Pure; {@link diagnoseZoneStorage} calls it,
 * and it is exported so that facts gathered elsewhere (or edited, to ask "what if") can be judged.
 */
export function evaluateStorage(facts: StorageFacts): Finding[] {
  const findings: Finding[] = [];
  const who = describeIdentity(facts);
  const foreign = foreignFile(facts);
  // Access facts of a file proven not to be named's say nothing about named.
  const known =
    facts.identity !== 'unknown' && facts.uid !== undefined && foreign?.severity !== 'error';
  const dir = facts.zoneDirStat;
  if (foreign !== undefined) findings.push(foreign);

  // --- the zone file is a mount point (EBUSY) ----------------------------------------------
  if (facts.zoneFileMount) {
    const m = facts.zoneFileMount;
    findings.push({
      code: 'zone-file-mount-point',
      severity: 'error',
      title: `the zone file ${facts.zoneFile} is itself a mount point: every dump fails at rename() with EBUSY`,
      evidence: [
        `mountinfo: ${m.mountPoint} is a mount of ${m.root} (${m.fsType} ${m.source}, ${m.mountOptions.join(',')})`,
        'named writes tmp-XXXXXXXXXX next to the file and renames it over the file; the kernel refuses to replace a mount point (EBUSY)',
        'named logs "errno2result.c:…: unexpected error:" / "file.c" / "dumping master file: rename: …: unexpected error", leaves the tmp file and retries every 676–900 s forever; rndc sync still reports success',
      ],
      remedy:
        'Do not mount the zone file by itself (Kubernetes `subPath`, Docker `-v file:file`). Mount a writable volume (a PVC; emptyDir only if losing DDNS changes on pod deletion is acceptable) at the zone directory, seed it with an initContainer that copies the zone file only if it is absent (`[ -e /zones/Z ] || cp /seed/Z /zones/Z`), run named as a non-root user that owns that volume (runAsUser + fsGroup, or chown in the initContainer), and never `subPath` the zone file. Before switching, save the newest tmp-XXXXXXXXXX file: it holds the zone as named serves it.',
      pattern: 1,
    });
  }

  // --- read-only mount ------------------------------------------------------------------------
  if (facts.mount?.readOnly) {
    const m = facts.mount;
    findings.push({
      code: 'zone-dir-read-only-mount',
      severity: 'error',
      title: `the zone directory ${facts.zoneDir} is on a read-only mount: named cannot create tmp-XXXXXXXXXX there`,
      evidence: [
        `mountinfo: ${m.mountPoint} (${m.fsType} ${m.source}, root ${m.root}) options ${m.mountOptions.join(',')}; super options ${m.superOptions.join(',')}`,
        'named logs "dumping master file: <dir>/tmp-XXXXXXXXXX: open: permission denied" (EROFS; "unexpected error" before 9.18.17) and leaves no tmp file; a journal there cannot be created either (UPDATE → SERVFAIL)',
      ],
      remedy:
        'Put the zone file (and its journal) on a writable volume: a PVC or emptyDir instead of a ConfigMap/Secret/projected volume (those are always read-only), drop `readOnly: true`, or remount read-write. Seed it from the read-only source with an initContainer that copies only if the file is absent.',
      pattern: 2,
    });
  }

  if (known) {
    // --- directory writable and searchable --------------------------------------------------
    const dirDenied = facts.access.filter((a) => !a.allowed && a.subject === 'zone-directory');
    if (dirDenied.length > 0) {
      const rootNoCaps = facts.uid === 0 && !facts.capabilities.includes('CAP_DAC_OVERRIDE');
      const owner = `${facts.uid}:${facts.gid}`;
      findings.push({
        code: 'zone-dir-not-writable',
        severity: 'error',
        title: `named (${who}) cannot create files in the zone directory ${facts.zoneDir}`,
        evidence: [
          ...dirDenied.map(
            (a) =>
              `${a.path}: no ${a.want === 'search' ? 'search (x)' : 'write+search (wx)'} permission for named (decided by ${a.method === 'kernel' ? 'the kernel' : 'mode bits'})`,
          ),
          `zone directory: owner ${dir.uid}:${dir.gid}, mode ${octal(dir.mode)}`,
          capabilityEvidence(facts),
          'named logs "dumping master file: <dir>/tmp-XXXXXXXXXX: open: permission denied" and leaves no tmp file; a journal there cannot be created: UPDATE → SERVFAIL, "<zone>.jnl: create: permission denied"',
        ],
        remedy: rootNoCaps
          ? `named runs as root but drops CAP_DAC_OVERRIDE, so root gets no special access: make the directory owned and writable by root (\`chown root ${facts.zoneDir} && chmod u+rwx ${facts.zoneDir}\`), or better run named as a dedicated user (\`named -u bind\`) that owns the directory.`
          : `Make the directory writable by named's user: \`chown ${owner} ${facts.zoneDir} && chmod u+rwx ${facts.zoneDir}\` (Kubernetes: fsGroup ${facts.gid} with group-writable volume, or chown in an initContainer)${dirDenied.some((a) => a.want === 'search') ? ', and give named search (x) permission on every directory above it' : ''}.`,
        pattern: rootNoCaps ? 5 : 2,
      });
    }

    // --- sticky directory -----------------------------------------------------------------------
    const file = facts.zoneFileStat;
    if (
      (dir.mode & 0o1000) !== 0 &&
      file.uid !== facts.uid &&
      dir.uid !== facts.uid &&
      !facts.capabilities.includes('CAP_FOWNER')
    ) {
      findings.push({
        code: 'sticky-dir-foreign-file',
        severity: 'error',
        title: `sticky directory ${facts.zoneDir} and a zone file owned by uid ${file.uid}: named (uid ${facts.uid}) may not rename over it`,
        evidence: [
          `zone directory: owner ${dir.uid}:${dir.gid}, mode ${octal(dir.mode)} (sticky bit set)`,
          `zone file: owner ${file.uid}:${file.gid}, mode ${octal(file.mode)}`,
          'in a sticky directory only the file owner, the directory owner or CAP_FOWNER may replace a file',
          'named logs "dumping master file: rename: <file>: permission denied" and leaves a tmp-XXXXXXXXXX file per attempt',
        ],
        remedy: `Give named its own directory without the sticky bit (\`chmod o-t ${facts.zoneDir}\` or a dedicated directory owned by named's user), or chown the zone file to named's user (\`chown ${facts.uid}:${facts.gid} ${facts.zoneFile}\`).`,
        pattern: 4,
      });
    }

    // --- zone file readable ------------------------------------------------------------------------
    const fileDenied = facts.access.find((a) => !a.allowed && a.subject === 'zone-file');
    if (fileDenied) {
      findings.push({
        code: 'zone-file-unreadable',
        severity: 'error',
        title: `named (${who}) cannot read the zone file ${fileDenied.path}`,
        evidence: [
          `zone file: owner ${file.uid}:${file.gid}, mode ${octal(file.mode)}`,
          capabilityEvidence(facts),
          'named cannot load the zone (at start, reload or thaw)',
        ],
        remedy: `Make the zone file readable by named: \`chmod a+r ${fileDenied.path}\` or \`chown ${facts.uid}:${facts.gid} ${fileDenied.path}\`.`,
      });
    }

    // --- journal -------------------------------------------------------------------------------------
    const journalDenied = facts.access.filter((a) => !a.allowed && a.subject === 'journal');
    const journalRo = facts.journalDirMount?.readOnly === true && !facts.journal;
    if (journalDenied.length > 0 || journalRo) {
      findings.push({
        code: 'journal-not-writable',
        severity: 'error',
        title: `named (${who}) cannot write the journal ${facts.journalFile}: updates fail with SERVFAIL`,
        evidence: [
          ...journalDenied.map((a) => `${a.path}: no ${a.want} permission for named`),
          ...(facts.journal
            ? [`journal: owner uid ${facts.journal.uid}, ${facts.journal.size} bytes`]
            : []),
          ...(journalRo && facts.journalDirMount
            ? [
                `the journal directory is on a read-only mount (${facts.journalDirMount.mountPoint})`,
              ]
            : []),
          capabilityEvidence(facts),
          'named logs "<zone>.jnl: open|create: permission denied" and "journal open failed: unexpected error"; UPDATE gets SERVFAIL',
        ],
        remedy: `Make the journal writable by named: \`chown ${facts.uid}:${facts.gid} ${facts.journal ? facts.journalFile : (facts.journalDir ?? facts.zoneDir)}\`, or point \`journal "<writable path>";\` in the zone statement at a writable volume.`,
        pattern: 3,
      });
    }
  }

  // --- ConfigMap / Secret origin ------------------------------------------------------------------
  const configmap = configMapEvidence(facts);
  if (configmap.length > 0) {
    findings.push({
      code: 'configmap-origin',
      severity: 'warning',
      title: `the zone file ${facts.zoneFile} comes from a Kubernetes ConfigMap/Secret volume`,
      evidence: [
        ...configmap,
        'ConfigMap/Secret volumes are read-only and re-created by kubelet (root-owned, defaultMode) on every pod start and update: permission fixes never stick, a `subPath` copy never updates, and a dump replaces a `..data` symlink with a regular file',
        'a ConfigMap update that replaces the file under an existing journal makes named refuse the zone ("journal rollforward failed: journal out of sync with zone")',
      ],
      remedy:
        'Use the ConfigMap only as a seed: an initContainer copies the zone file into a writable volume (PVC) only if it is absent, and named serves the copy. Change zone data with UPDATE (or freeze/edit/thaw), not by editing the ConfigMap.',
      pattern: 7,
    });
  }

  // --- NFS ---------------------------------------------------------------------------------------------
  if (facts.mount && /^nfs/.test(facts.mount.fsType) && facts.uid !== undefined) {
    const uid = facts.uid;
    const created = [
      ...(facts.journal ? [{ name: facts.journalFile, uid: facts.journal.uid }] : []),
      ...facts.tmpFiles.map((t) => ({ name: t.name, uid: t.uid })),
    ];
    const squashed = NOBODY_UIDS.has(uid) ? [] : created.filter((c) => NOBODY_UIDS.has(c.uid));
    const unsquashed = created.some((c) => c.uid === uid);
    if (squashed.length > 0 || (uid === 0 && !unsquashed)) {
      findings.push({
        code: 'nfs-squashed-owner',
        severity: 'warning',
        title: `the zone directory is on NFS (${facts.mount.fsType} ${facts.mount.source}) and named's files ${squashed.length > 0 ? 'are owned by nobody (squashed)' : 'will be owned by nobody if the export squashes root'}`,
        evidence: [
          `named runs as uid ${uid}`,
          ...squashed.map((c) => `${c.name} (written by named) is owned by uid ${c.uid}`),
          ...(squashed.length === 0
            ? ['root_squash (the NFS default) turns a root-run named into nobody on the server']
            : []),
          'chown on the client fails; stale handles (ESTALE) show as "unexpected error" in the dump log lines',
        ],
        remedy:
          'Run named as a uid the export maps unchanged (a non-root user owning the directory on the server), or put the zones on a block-backed volume (PVC with ext4/xfs) instead of NFS.',
        pattern: 6,
      });
    }
  }

  // --- AppArmor --------------------------------------------------------------------------------------
  const aa = facts.apparmor;
  if (
    aa.enabled &&
    aa.confinement &&
    /\(enforce\)/.test(aa.confinement) &&
    /named/.test(aa.confinement)
  ) {
    const allowed = [...APPARMOR_WRITABLE, ...aa.localWritable.map(globPrefix)];
    if (!allowed.some((prefix) => isUnder(`${facts.zoneDir}/`, prefix))) {
      findings.push({
        code: 'apparmor-denied-path',
        severity: facts.identity === 'user' || facts.pid === undefined ? 'warning' : 'error',
        title: `AppArmor confines named (${aa.confinement}) and its profile does not let it write ${facts.zoneDir}`,
        evidence: [
          facts.pid !== undefined
            ? `/proc/${facts.pid}/attr/current: ${aa.confinement}`
            : `loaded profile: ${aa.confinement}`,
          `usr.sbin.named allows writes only below ${APPARMOR_WRITABLE.join(', ')}${aa.localWritable.length > 0 ? ` and (local) ${aa.localWritable.join(', ')}` : ''}; /etc/bind is read-only`,
          'named logs "permission denied" for the tmp file or the rename; the kernel log has apparmor="DENIED" … profile="named"',
        ],
        remedy: `Keep dynamic zones in /var/lib/bind (that is what it is for), or allow the directory in /etc/apparmor.d/local/usr.sbin.named (\`${facts.zoneDir}/** rw,\`) and reload the profile (\`apparmor_parser -r /etc/apparmor.d/usr.sbin.named\`).`,
        pattern: 4,
      });
    }
  }

  // --- stale tmp files ----------------------------------------------------------------------------------
  const settled = facts.tmpFiles.filter(
    (t) => facts.now.getTime() - t.mtime.getTime() >= TMP_IN_FLIGHT_MS,
  );
  // A zone file that holds the served serial and was written after a tmp file proves a dump
  // succeeded since: that tmp file is a leftover of an earlier failure, not a failing loop.
  const current = provenCurrent(facts);
  const written = facts.zoneFileStat.mtime.getTime();
  const leftovers = current ? settled.filter((t) => t.mtime.getTime() < written) : [];
  const stale = current ? settled.filter((t) => t.mtime.getTime() >= written) : settled;
  if (leftovers.length > 0) findings.push(leftoverTmpFinding(facts, leftovers));
  if (stale.length > 0) {
    const gaps = cadence(stale);
    const median = gaps.length > 0 ? medianOf(gaps) : undefined;
    const retryLoop =
      median !== undefined && median >= RETRY_MIN_S && median <= RETRY_MAX_S && gaps.length >= 1;
    const newest = stale[stale.length - 1]!;
    const newestAge = (facts.now.getTime() - newest.mtime.getTime()) / 1000;
    const evidence = [
      `${stale.length} tmp file(s)${facts.tmpFileCount !== undefined ? ` among the newest of ${facts.tmpFileCount}` : ''} in ${facts.zoneDir}: ${stale
        .slice(-5)
        .map((t) => `${t.name} (${t.mtime.toISOString()}, ${t.size} B)`)
        .join(', ')}${stale.length > 5 ? ', …' : ''}`,
      'named leaves one complete tmp-XXXXXXXXXX per dump whose rename() failed, and never deletes them',
    ];
    if (median !== undefined) {
      evidence.push(
        `median gap between them: ${formatSeconds(median)}${retryLoop ? " — named's retry interval after a failed dump (676–900 s): the failure repeats on its own" : ''}`,
      );
    }
    evidence.push(`newest is ${formatSeconds(newestAge)} old`);
    if (newest.serial !== undefined) {
      const parts = [`newest holds serial ${newest.serial}`];
      if (facts.servedSerial !== undefined) {
        parts.push(
          newest.serial === facts.servedSerial
            ? `== served serial: a complete copy of the zone as served (use it to recover)`
            : `served serial is ${facts.servedSerial}`,
        );
      }
      if (facts.fileSerial !== undefined) parts.push(`zone file has ${facts.fileSerial}`);
      evidence.push(parts.join('; '));
    }
    const active = retryLoop || newestAge < RETRY_MAX_S;
    findings.push({
      code: 'stale-tmp-files',
      severity: active ? 'error' : 'warning',
      title: retryLoop
        ? `${stale.length} leftover tmp files about every ${formatSeconds(median!)}: named's dump retry loop is failing at rename()`
        : `${stale.length} leftover tmp file(s): earlier dumps failed at rename()`,
      evidence,
      remedy:
        "Fix the rename failure first (see the other findings; when none explains it, the zone file is probably a mount point or the file system returned EBUSY/EXDEV/ESTALE, which named's log does not name). Then `rndc sync` the zone and verify the file serial equals the served serial (`rndc-js sync ZONE --verify`), and only then remove the tmp-* files (`rndc-js clean-tmp ZONE` removes only those the proven dump covers). If the journal is gone (rndc sync -clean) the newest tmp file is the only complete copy: stop named, copy it over the zone file, remove the stale journal, start named.",
      pattern: 1,
    });
  }

  // --- journal growing because dumps fail --------------------------------------------------------
  const journal = facts.journal;
  if (journal && journal.empty === false && facts.fileSerial !== undefined) {
    const target = facts.servedSerial ?? journal.endSerial;
    const pending = target !== undefined && serialBefore(facts.fileSerial, target);
    const idleMs = facts.now.getTime() - journal.mtime.getTime();
    // A served serial overdue on disk is dump-overdue's finding; this one then only speaks of
    // a journal that has no served serial to compare with.
    const overdue = pending && idleMs > DUMP_OVERDUE_MS && facts.servedSerial === undefined;
    const fileSize = facts.zoneFileStat.size;
    const oversized = pending && journal.size > Math.max(8 * fileSize, fileSize + 64 * 1024);
    if (overdue || oversized) {
      findings.push({
        code: 'journal-growing',
        severity: overdue ? 'error' : 'warning',
        title: `the journal holds changes the zone file lacks (file serial ${facts.fileSerial}, ${facts.servedSerial !== undefined ? 'served' : 'journal'} serial ${target})${overdue ? ` for more than ${formatSeconds(idleMs / 1000)}` : ''}: dumps are failing and the journal is never compacted`,
        evidence: [
          `journal ${facts.journalFile}: ${journal.size} bytes, serials ${journal.startSerial} … ${journal.endSerial}, last written ${journal.mtime.toISOString()}`,
          `zone file: ${fileSize} bytes, serial ${facts.fileSerial}`,
          ...(overdue
            ? [
                'a change is written to the zone file at most 900 s after it is made; this one is older',
              ]
            : []),
          ...(oversized
            ? [
                `the journal is ${Math.round(journal.size / Math.max(1, fileSize))}× the zone file (named compacts it to about 2× the zone after each successful dump)`,
              ]
            : []),
        ],
        remedy:
          'Find and fix why dumps fail (other findings, and "dumping master file:" lines in named\'s log), then `rndc sync` the zone and verify: the journal is compacted after the first successful dump. Never use `rndc sync -clean` before the file is verified: it deletes the only copy of these changes.',
        pattern: 12,
      });
    }
  }

  // --- not a regular file ------------------------------------------------------------------------------
  for (const odd of facts.notRegular) {
    const what = odd.subject === 'zone-file' ? 'zone file' : 'journal';
    findings.push({
      code: 'not-a-regular-file',
      severity: 'error',
      title: `the ${what} ${odd.path} is a ${odd.type}, not a regular file: named cannot ${odd.subject === 'zone-file' ? 'load or dump the zone' : 'use it, and UPDATE fails'}`,
      evidence: [
        `${odd.path}: ${odd.type}`,
        'named (and this diagnosis) open only regular files here; a FIFO would block the reader forever',
        "whoever runs as named's user can replace files in the zone directory",
      ],
      remedy: `Find out who put it there (someone with named's uid or root), remove it (\`rm ${odd.path}\`) and restore the ${what} from a backup or from the newest tmp-XXXXXXXXXX file whose serial equals the served serial; then \`rndc sync\` the zone and verify.`,
    });
  }

  // --- file system full --------------------------------------------------------------------------------
  for (const fs of facts.space) {
    if (fs.availableBytes < fs.neededBytes) {
      findings.push({
        code: 'filesystem-full',
        severity: 'error',
        title: `the file system of ${fs.path} has ${fs.availableBytes} bytes free, less than a dump needs (${fs.neededBytes}): dumps and journal writes fail (ENOSPC)`,
        evidence: [
          `statfs ${fs.path}: ${fs.availableBytes} of ${fs.totalBytes} bytes available`,
          `zone file ${facts.zoneFileStat.size} bytes${facts.journal ? `, journal ${facts.journal.size} bytes` : ''}: named writes a whole new copy (tmp-XXXXXXXXXX) before renaming it over the file`,
          'named logs "dumping master file: …: write: no space left on device" (or "out of space"), leaves a partial tmp file, and retries; UPDATE may get SERVFAIL when the journal cannot grow',
        ],
        remedy: `Free space on the file system holding ${fs.path} (or grow the volume) to well above ${fs.neededBytes} bytes, remove partial tmp-XXXXXXXXXX files of failed dumps, then \`rndc sync\` the zone and verify the file serial equals the served serial.`,
      });
    }
    if (fs.freeInodes !== undefined && fs.freeInodes < 2) {
      findings.push({
        code: 'filesystem-no-inodes',
        severity: 'error',
        title: `the file system of ${fs.path} has ${fs.freeInodes} free inodes: named cannot create its tmp file or a journal (ENOSPC)`,
        evidence: [
          `statfs ${fs.path}: ${fs.freeInodes} of ${fs.totalInodes} inodes free`,
          'a dump creates tmp-XXXXXXXXXX, a first update creates the journal: each needs an inode',
        ],
        remedy: `Delete unneeded files on the file system holding ${fs.path}, or recreate it with more inodes (tmpfs: \`nr_inodes=\`; ext4: \`mkfs -N\`), then \`rndc sync\` the zone and verify.`,
      });
    }
  }

  // --- served serial ahead of the file for longer than the dump delay ---------------------------------
  const overdue = dumpOverdue(facts, foreign?.severity === 'error');
  if (overdue !== undefined) findings.push(overdue);

  // --- named not found: its access was not checked -------------------------------------------------------
  if (facts.identity === 'unknown') {
    findings.push({
      code: 'named-identity-unknown',
      severity: 'warning',
      title:
        "named's process was not found: whether named can write the zone file and its journal was NOT checked",
      evidence: [
        ...facts.identityNotes,
        'named is recognised only by facts an ordinary user cannot forge (the host named binary, the host user namespace, started by root); a process name or working directory is not evidence',
      ],
      remedy:
        "Pass named's pid (namedPid / --named-pid; its pid file, e.g. /run/named/named.pid), named.conf (namedConf / --named-conf, for its pid-file and to tell several nameds apart), named's executable when it is not /usr/sbin/named (namedBinary / --named-binary), or the user named runs as (namedUser / --named-user). Run as root: /proc/<pid> of another user's process is unreadable otherwise.",
    });
  }

  // --- the pid given as named's is not named -----------------------------------------------------------
  if (facts.identity === 'unverified') {
    findings.push({
      code: 'named-identity-not-verified',
      severity: 'warning',
      title:
        "the process given as named's could not be verified as the host's named: its uid and view were not used, and named's access was not checked",
      evidence: [
        ...facts.identityChecks
          .filter((c) => c.passed !== true)
          .map((c) => `${c.check}: ${c.passed === false ? 'failed' : 'not checked'}: ${c.detail}`),
        'named is recognised only by facts an ordinary user cannot forge: the host named binary, the host user namespace, started by root',
      ],
      remedy: `Pass named's real pid (from its pid file, e.g. /run/named/named.pid), run as root, or pass namedUser / --named-user with the user named runs as.${
        facts.identityChecks.some((c) => c.check === 'exe' && c.passed !== true)
          ? ' If named is installed elsewhere than /usr/sbin/named, pass its executable (what readlink /proc/<pid>/exe shows, not a wrapper script) as namedBinary / --named-binary.'
          : ''
      }`,
    });
  }

  const order: Record<FindingSeverity, number> = { error: 0, warning: 1, info: 2 };
  return findings.sort((a, b) => order[a.severity] - order[b.severity]);
}

/**
 * The zone file on disk is what named serves: it holds the served serial, it is a regular file
 * named can rename over (not a mount point), and so a dump has succeeded since any tmp file
 * older than it was left behind.
 */
function provenCurrent(facts: StorageFacts): boolean {
  return (
    facts.fileSerial !== undefined &&
    facts.servedSerial !== undefined &&
    facts.fileSerial === facts.servedSerial &&
    facts.zoneFileStat.type === 'file' &&
    facts.zoneFileMount === undefined
  );
}

/** Most tmp file paths spelled out in the `rm` of the leftover finding's remedy. */
const MAX_RM_PATHS = 10;

/** tmp files older than a proven-current zone file: leftovers of a failure that is over. */
function leftoverTmpFinding(facts: StorageFacts, leftovers: readonly TmpFileFacts[]): Finding {
  const newest = leftovers[leftovers.length - 1]!;
  const paths = leftovers.map((t) => posix.join(facts.zoneDir, t.name));
  const shown = paths.slice(-MAX_RM_PATHS);
  const zone = facts.origin ?? 'ZONE';
  return {
    code: 'stale-tmp-files',
    severity: 'warning',
    title: `${leftovers.length} tmp file(s) are leftovers of an earlier failure, safe to remove: ${leftovers
      .slice(-3)
      .map((t) => t.name)
      .join(', ')}${leftovers.length > 3 ? ', …' : ''}`,
    evidence: [
      `${leftovers.length} tmp file(s)${facts.tmpFileCount !== undefined ? ` among the newest of ${facts.tmpFileCount}` : ''} in ${facts.zoneDir}, the newest written ${newest.mtime.toISOString()}`,
      `the zone file holds serial ${facts.fileSerial}, the serial named serves, and was written ${facts.zoneFileStat.mtime.toISOString()}, after them: a dump has succeeded since they were left`,
      'named leaves one tmp-XXXXXXXXXX per dump that failed after creating it, and never deletes them',
    ],
    remedy: `Remove them with \`rndc-js clean-tmp ${zone}\` (\`--dry-run\` lists first): it proves the zone current again and removes only tmp files of this zone at a serial the zone file already holds. By hand, only if no other zone keeps its files in ${facts.zoneDir}: \`rm -- ${shown.join(' ')}\`${paths.length > shown.length ? ` (and ${paths.length - shown.length} older)` : ''}.`,
  };
}

/**
 * `different-file-than-named`, when the zone file examined is shown not to be named's: through
 * named's view, another inode here (a warning: the diagnosis used named's view, but tools run
 * here see another file); without named's view, an empty file, an unreadable serial or a serial
 * ahead of the served one while named serves the zone (an error: every fact about the file is
 * about another file).
 */
function foreignFile(facts: StorageFacts): Finding | undefined {
  const remedy =
    "Run the check where named's files are: in named's container (kubectl exec -c named …), or mount the same volume at the same path in this container (a shared PVC / emptyDir, not a copy or an image layer), or share the pod's process namespace (shareProcessNamespace: true) and pass named's pid (--named-pid, with --trust-named-pid when this image has no named binary) so the doctor reads named's files through /proc/<pid>/root.";
  const local = facts.localZoneFile;
  if (local !== undefined) {
    const same =
      local.device !== undefined &&
      local.device === local.namedDevice &&
      local.inode === local.namedInode;
    if (same) return undefined;
    // Another file here is a trap (tools run here read or write it); none is only context
    // (a host looking into a container).
    return {
      code: 'different-file-than-named',
      severity: local.error !== undefined ? 'info' : 'warning',
      title:
        local.error !== undefined
          ? `this process runs in another mount namespace than named, where ${local.path} ${local.error}: named's file was examined through /proc/${facts.pid}/root`
          : `this process runs in another mount namespace than named and sees a different file at ${local.path}: what it reads or writes there is not named's zone file`,
      evidence: [
        `mount namespaces: this process ${local.ourNamespace}, named (pid ${facts.pid}) ${local.namedNamespace}`,
        local.error !== undefined
          ? `${local.path} here: ${local.error}`
          : `${local.path} here: device ${local.device}, inode ${local.inode}, ${local.size} bytes`,
        `named's ${facts.zoneFile} (through /proc/${facts.pid}/root): device ${local.namedDevice ?? '?'}, inode ${local.namedInode ?? '?'}, ${facts.zoneFileStat.size} bytes`,
        "every other finding is about named's file (read through named's view), not the one seen here",
      ],
      remedy,
    };
  }
  const ownView = facts.pid === undefined;
  if (!ownView || facts.servedSerial === undefined || facts.notRegular.length > 0) {
    return undefined;
  }
  const served = facts.servedSerial;
  const target = facts.zoneFileTarget ?? facts.zoneFile;
  let seen: string | undefined;
  if (facts.zoneFileStat.type === 'file' && facts.zoneFileStat.size === 0) {
    seen = `${target} is empty (0 bytes)`;
  } else if (facts.fileSerialError !== undefined) {
    seen = `${target} has no readable SOA serial: ${facts.fileSerialError}`;
  } else if (facts.fileSerial !== undefined && serialBefore(served, facts.fileSerial)) {
    seen = `${target} has serial ${facts.fileSerial}, ahead of the served serial ${served}: named never loaded this file`;
  }
  if (seen === undefined) return undefined;
  return {
    code: 'different-file-than-named',
    severity: 'error',
    title: `the zone file seen here (${target}) is not the one named serves the zone from (served serial ${served}): nothing about named's storage could be checked`,
    evidence: [
      seen,
      `named serves serial ${served}, so it loaded a zone file with a valid SOA`,
      `named's own view was not available (identity: ${facts.identity}): paths were looked up in this process's mount namespace, which is likely not named's (a sidecar or Job without named's volume, a placeholder file)`,
    ],
    remedy,
  };
}

/**
 * `dump-overdue`: named serves a serial the zone file lacks, and the newest pending change (the
 * journal's last write, named's boot at the earliest) is older than named's dump delay. BIND
 * writes a changed zone DNS_DUMP_DELAY (900 s) after the first change since the last dump
 * (zone.c, all supported versions); a failed dump is retried after 676–900 s.
 */
function dumpOverdue(facts: StorageFacts, foreign: boolean): Finding | undefined {
  const { fileSerial, servedSerial, journal } = facts;
  if (foreign || fileSerial === undefined || servedSerial === undefined) return undefined;
  if (!serialBefore(fileSerial, servedSerial) || journal === undefined) return undefined;
  // The journal's mtime is the newest change's time; every pending change is at least that old.
  // A change cannot predate named's start.
  const since =
    facts.namedStartTime !== undefined && facts.namedStartTime > journal.mtime
      ? facts.namedStartTime
      : journal.mtime;
  const pendingMs = facts.now.getTime() - since.getTime();
  if (pendingMs <= DUMP_OVERDUE_MS) return undefined;
  return {
    code: 'dump-overdue',
    severity: 'error',
    title: `named serves serial ${servedSerial} but the zone file still has ${fileSerial}, ${formatSeconds(pendingMs / 1000)} after the last change: the dump named schedules 900 s after a change has not reached the file`,
    evidence: [
      `served serial ${servedSerial} (rndc zonestatus), zone file ${facts.zoneFileTarget ?? facts.zoneFile}: serial ${fileSerial}, last written ${facts.zoneFileStat.mtime.toISOString()}`,
      `journal ${facts.journalFile} last written ${journal.mtime.toISOString()}${journal.endSerial !== undefined ? ` (serials ${journal.startSerial} … ${journal.endSerial})` : ''}`,
      ...(facts.namedStartTime !== undefined
        ? [`named started ${facts.namedStartTime.toISOString()}`]
        : []),
      'named writes a changed zone to its file 900 s (DNS_DUMP_DELAY) after the first change since the last dump, and retries a failed dump every 676–900 s',
      'until a dump succeeds the changes exist only in memory and in the journal',
    ],
    remedy:
      'Find why dumps fail (the other findings, and the "dumping master file:" lines in named\'s log), fix it, then `rndc-js sync --verify` the zone. Do not `rndc sync -clean` or delete the journal before the file serial equals the served serial: the journal is the only durable copy of these changes.',
    pattern: 12,
  };
}

function configMapEvidence(facts: StorageFacts): string[] {
  const evidence: string[] = [];
  for (const link of facts.symlinks) {
    if (ATOMIC_WRITER_DIR.test(link.target) || ATOMIC_WRITER_DIR.test(link.path)) {
      evidence.push(`symlink ${link.path} -> ${link.target} (kubelet atomic writer layout)`);
    }
  }
  if (facts.zoneFileTarget && ATOMIC_WRITER_DIR.test(facts.zoneFileTarget)) {
    evidence.push(`the zone file resolves to ${facts.zoneFileTarget}`);
  }
  if (facts.dataLinkInZoneDir) {
    evidence.push(`${facts.zoneDir}/..data exists: the directory is a ConfigMap/Secret volume`);
  }
  for (const [what, mount] of [
    ['zone file', facts.zoneFileMount],
    ['zone directory', facts.mount],
  ] as const) {
    if (mount && (KUBELET_VOLUME.test(mount.root) || ATOMIC_WRITER_DIR.test(mount.root))) {
      evidence.push(`the ${what}'s mount comes from ${mount.root}`);
    }
  }
  return [...new Set(evidence)];
}

function describeIdentity(facts: StorageFacts): string {
  const name = facts.user ? `${facts.user}, ` : '';
  return `${name}uid ${facts.uid}, gid ${facts.gid}${facts.pid !== undefined ? `, pid ${facts.pid}` : ''}`;
}

function capabilityEvidence(facts: StorageFacts): string {
  const groups = facts.groups && facts.groups.length > 0 ? ` groups ${facts.groups.join(',')}` : '';
  const caps =
    facts.capEff !== undefined
      ? `CapEff ${facts.capEff}${facts.capabilities.length > 0 ? ` (${facts.capabilities.join(', ')})` : ' (no CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH or CAP_FOWNER)'}`
      : 'named keeps no CAP_DAC_OVERRIDE (it drops it even as root)';
  return `named: uid ${facts.uid} gid ${facts.gid}${groups}; ${caps}`;
}

function cadence(files: readonly TmpFileFacts[]): number[] {
  const gaps: number[] = [];
  for (let i = 1; i < files.length; i++) {
    gaps.push((files[i]!.mtime.getTime() - files[i - 1]!.mtime.getTime()) / 1000);
  }
  return gaps;
}

function medianOf(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function formatSeconds(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 6) / 10} min`;
  return `${Math.round(s / 360) / 10} h`;
}

function octal(mode: number): string {
  return `0${(mode & 0o7777).toString(8).padStart(3, '0')}`;
}

function isUnder(path: string, dir: string | undefined): boolean {
  if (dir === undefined) return false;
  const base = dir.endsWith('/') ? dir : `${dir}/`;
  return path === dir || path.startsWith(base);
}

function globPrefix(glob: string): string {
  const star = glob.search(/[*?[{]/);
  return star < 0 ? glob : glob.slice(0, star);
}

// ---------------------------------------------------------------------------------------------
// Gathering facts (I/O)

interface Credentials {
  readonly uid: number;
  readonly gid: number;
  readonly groups: readonly number[];
  readonly capEff?: string;
  readonly capabilities: readonly string[];
  readonly user?: string;
}

/**
 * named's file system, reached only through descriptors. A path inside named's root
 * (`/proc/<pid>/root/…`) must never be handed to the kernel whole: an absolute symlink met on
 * the way is resolved against *our* root, so a directory of named's swapped for a symlink to a
 * host directory between our look and our use would make the doctor report on host files. So
 * named's root is opened once (`O_PATH`), every directory on a path is opened one component at a
 * time below its parent's descriptor with `O_NOFOLLOW | O_DIRECTORY` (a symlink there fails),
 * and files are reached as `/proc/self/fd/<directory>/<name>` — `openat()` semantics without
 * `openat2(RESOLVE_IN_ROOT)`, which Node lacks. Symlinks are followed only by
 * {@link resolveInRoot}, component by component, inside named's root.
 */
class View {
  readonly #dirs = new Map<string, FileHandle>();

  private constructor(root: FileHandle) {
    this.#dirs.set('/', root);
  }

  /** Opens named's root (`/proc/<pid>/root`), or ours without a pid. */
  static async open(pid: number | undefined): Promise<View | undefined> {
    try {
      const root = await open(
        pid === undefined ? '/' : `/proc/${pid}/root`,
        O_PATH | constants.O_DIRECTORY,
      );
      return new View(root);
    } catch {
      return undefined;
    }
  }

  /**
   * Opens directory `dir` (whose parent is open) below its parent's descriptor, never following
   * a symlink. `false` if it is not (or no longer) a directory there.
   */
  async openDir(dir: string): Promise<boolean> {
    if (this.#dirs.has(dir)) return true;
    const parent = this.#dirs.get(posix.dirname(dir));
    if (parent === undefined) return false;
    try {
      const handle = await open(
        `/proc/self/fd/${parent.fd}/${posix.basename(dir)}`,
        O_PATH | constants.O_NOFOLLOW | constants.O_DIRECTORY,
      );
      this.#dirs.set(dir, handle);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * The path this process uses for `path` of named's view: an open directory, or an entry of
   * one. A path whose directory was never opened (never resolved) has no such path: throws
   * ENOENT, which every caller takes as "absent".
   */
  host(path: string): string {
    const dir = this.#dirs.get(path);
    if (dir !== undefined) return `/proc/self/fd/${dir.fd}/.`;
    const parent = this.#dirs.get(posix.dirname(path));
    if (parent !== undefined) return `/proc/self/fd/${parent.fd}/${posix.basename(path)}`;
    throw Object.assign(new Error(`${path}: its directory was not resolved in named's root`), {
      code: 'ENOENT',
    });
  }

  /** `message` with this process's descriptor paths put back as named's paths. */
  display(message: string): string {
    let shown = message;
    for (const [path, handle] of this.#dirs) {
      shown = shown.replaceAll(`/proc/self/fd/${handle.fd}/.`, path);
      shown = shown.replaceAll(`/proc/self/fd/${handle.fd}/`, path === '/' ? '/' : `${path}/`);
    }
    return shown;
  }

  async close(): Promise<void> {
    for (const handle of this.#dirs.values()) await handle.close().catch(() => {});
    this.#dirs.clear();
  }
}

async function gatherFacts(
  options: DiagnoseOptions,
  budget: Budget,
  views: View[],
): Promise<Result<StorageFacts, DiagnoseError>> {
  if (typeof options.zoneFile !== 'string' || options.zoneFile === '') {
    return Err(invalid('zoneFile must be a non-empty path'));
  }
  if (
    options.namedPid !== undefined &&
    (!Number.isInteger(options.namedPid) || options.namedPid <= 0)
  ) {
    return Err(invalid(`namedPid must be a positive integer, got ${options.namedPid}`));
  }
  const now = options.now ?? new Date();

  // Whose point of view. A process is taken for named only once its identity is verified
  // (named-process.ts); an unverified one lends neither its uid nor its mount namespace.
  let identity: IdentitySource = 'unknown';
  let pid: number | undefined;
  let taken: NamedProcess | undefined;
  let credentials: Credentials | undefined;
  let command: string | undefined;
  let identityChecks: readonly IdentityCheck[] = [];
  const identityNotes: string[] = [];
  if (options.namedPid !== undefined || options.namedUser === undefined) {
    if (options.namedPid !== undefined && !existsSync(`/proc/${options.namedPid}`)) {
      return Err(
        new DiagnoseError({
          kind: 'pid-not-found',
          message: `no process with pid ${options.namedPid}`,
          causes: ['named exited or restarted (its pid changed)'],
          remedy: "pass named's current pid (its pid file), or namedUser",
          subject: String(options.namedPid),
        }),
      );
    }
    const found = await findNamedProcess({
      ...(options.namedPid !== undefined ? { pid: options.namedPid } : {}),
      ...(options.pidFile !== undefined ? { pidFile: options.pidFile } : {}),
      ...(options.namedConf !== undefined ? { configFile: options.namedConf } : {}),
      ...(options.namedBinary !== undefined ? { namedBinary: options.namedBinary } : {}),
      ...(options.namedBootTime !== undefined ? { bootTime: options.namedBootTime } : {}),
      zoneFile: options.zoneFile,
      deadline: budget.deadline,
      signal: budget.signal,
    });
    identityNotes.push(...found.notes);
    const candidate = found.process;
    if (candidate) {
      identityChecks = candidate.checks;
      command = candidate.command;
      const vouched = candidate.source === 'option' && options.trustNamedPid === true;
      if (candidate.verified || vouched) {
        pid = candidate.pid;
        taken = candidate;
        const cred = candidate.credentials;
        if (cred === undefined) {
          return Err(
            new DiagnoseError({
              kind: 'proc-unreadable',
              message: `/proc/${candidate.pid}/status has no usable Uid:/Gid: lines`,
              remedy: "run as root or as named's user",
              subject: String(candidate.pid),
            }),
          );
        }
        credentials = {
          uid: cred.uid,
          gid: cred.gid,
          groups: cred.groups,
          ...(cred.capEff !== undefined ? { capEff: cred.capEff } : {}),
          capabilities: cred.capEff === undefined ? [] : capabilityNames(cred.capEff),
        };
        if (!candidate.verified) {
          identityNotes.push(
            `pid ${candidate.pid} is used because it was vouched for, but it is not verified as named: ${failedChecks(candidate)}`,
          );
        }
        identity = !candidate.verified
          ? 'vouched-pid'
          : candidate.source === 'option'
            ? 'pid'
            : candidate.source === 'pid-file'
              ? 'pid-file'
              : 'detected-pid';
      } else {
        identity = 'unverified';
        identityNotes.push(
          `pid ${candidate.pid} is not verified as named: ${failedChecks(candidate)}`,
        );
      }
    }
  }
  if (credentials === undefined && options.namedUser !== undefined) {
    const read = await credentialsOfUser(options.namedUser);
    if (read.isErr()) return read;
    credentials = read.value;
    if (identity !== 'unverified') identity = 'user';
  }

  const view = await View.open(pid);
  if (view === undefined) {
    return Err(
      new DiagnoseError({
        kind: 'proc-unreadable',
        message: `cannot open ${pid === undefined ? '/' : `/proc/${pid}/root`}`,
        causes: ['named exited', "this process lacks permission (run as root or as named's user)"],
        remedy: "run as root or as named's user",
        subject: String(pid ?? '/'),
      }),
    );
  }
  views.push(view);

  // The zone file and its directory, in named's view.
  let zoneFileAbs = options.zoneFile;
  if (!posix.isAbsolute(zoneFileAbs)) {
    const cwd = pid === undefined ? process.cwd() : await readlinkSafe(`/proc/${pid}/cwd`);
    if (cwd === undefined) {
      return Err(
        new DiagnoseError({
          kind: 'proc-unreadable',
          message: `cannot read /proc/${pid}/cwd to resolve the relative zone file ${options.zoneFile}`,
          remedy: "pass an absolute zoneFile, or run as root / as named's user",
          subject: options.zoneFile,
        }),
      );
    }
    zoneFileAbs = posix.join(cwd, zoneFileAbs);
  }
  zoneFileAbs = posix.normalize(zoneFileAbs);
  const symlinks: Array<{ path: string; target: string }> = [];
  const dirResolved = await resolveInRoot(view, posix.dirname(zoneFileAbs), symlinks);
  if (dirResolved.isErr()) return Err(pathError(dirResolved.error, options.zoneFile));
  const zoneDir = dirResolved.value;
  const zoneFile = posix.join(zoneDir, posix.basename(zoneFileAbs));

  const zoneDirStat = await pathFacts(view, zoneDir);
  if (zoneDirStat.isErr()) return Err(pathError(zoneDirStat.error, zoneDir));
  const zoneFileStat = await pathFacts(view, zoneFile);
  if (zoneFileStat.isErr()) return Err(pathError(zoneFileStat.error, zoneFile));
  let zoneFileTarget: string | undefined;
  let targetStat: PathFacts | undefined;
  if (zoneFileStat.value.type === 'symlink') {
    const target = await resolveInRoot(view, zoneFile, symlinks);
    if (target.isOk()) {
      zoneFileTarget = target.value;
      const st = await pathFacts(view, target.value);
      if (st.isOk()) targetStat = st.value;
    }
  }

  // Mounts, in named's mount namespace.
  const mountText = await readText(`/proc/${pid ?? 'self'}/mountinfo`);
  if (mountText === undefined) {
    return Err(
      new DiagnoseError({
        kind: 'proc-unreadable',
        message: `cannot read /proc/${pid ?? 'self'}/mountinfo`,
        remedy: "run as root or as named's user",
        subject: String(pid ?? 'self'),
      }),
    );
  }
  const mounts = parseMountInfo(mountText);
  const entries = mounts.isOk() ? mounts.value : [];
  const mount = mountFor(entries, zoneDir);
  const zoneFileMount = isMountPoint(entries, zoneFile) ? mountFor(entries, zoneFile) : undefined;

  // Journal.
  let journalFile = options.journalFile ?? `${zoneFileAbs}.jnl`;
  if (!posix.isAbsolute(journalFile)) {
    const cwd = pid === undefined ? process.cwd() : await readlinkSafe(`/proc/${pid}/cwd`);
    journalFile = posix.join(cwd ?? '/', journalFile);
  }
  let journalDir: string | undefined;
  const journalDirResolved = await resolveInRoot(
    view,
    posix.dirname(posix.normalize(journalFile)),
    [],
  );
  if (journalDirResolved.isOk()) {
    journalFile = posix.join(journalDirResolved.value, posix.basename(journalFile));
    if (journalDirResolved.value !== zoneDir) journalDir = journalDirResolved.value;
  }
  let journal: JournalFacts | undefined;
  const notRegular: Array<StorageFacts['notRegular'][number]> = [];
  const zoneFileType = await typeOf(view, zoneFileTarget ?? zoneFile);
  if (zoneFileType !== undefined && zoneFileType !== 'file') {
    notRegular.push({ subject: 'zone-file', path: zoneFileTarget ?? zoneFile, type: zoneFileType });
  }
  const journalStat = await pathFacts(view, journalFile);
  const journalType = journalStat.isOk() ? await typeOf(view, journalFile) : undefined;
  if (journalType !== undefined && journalType !== 'file') {
    notRegular.push({ subject: 'journal', path: journalFile, type: journalType });
  }
  if (journalStat.isOk()) {
    const info =
      journalType === 'file' ? await readJournalHeader(view.host(journalFile)) : undefined;
    journal = {
      path: journalFile,
      uid: journalStat.value.uid,
      size: journalStat.value.size,
      mtime: journalStat.value.mtime,
      ...(info
        ? {
            startSerial: info.startSerial,
            endSerial: info.endSerial,
            empty: info.empty,
          }
        : {}),
    };
  }
  const journalDirMount = journalDir === undefined ? undefined : mountFor(entries, journalDir);

  // Access, from named's credentials.
  const access: AccessFact[] = [];
  if (credentials) {
    const checker = new AccessChecker(view, credentials, budget);
    const cwd = pid === undefined ? undefined : await readlinkSafe(`/proc/${pid}/cwd`);
    // named chdir()s to its directory while still privileged: relative paths inside it need
    // no search permission above it.
    const searchFrom =
      !posix.isAbsolute(options.zoneFile) && cwd !== undefined && isUnder(zoneDir, cwd) ? cwd : '/';
    access.push(...(await checker.searchPath('zone-directory', zoneDir, searchFrom)));
    access.push(await checker.check('zone-directory', zoneDir, zoneDirStat.value, 'write'));
    access.push(
      await checker.check(
        'zone-file',
        zoneFileTarget ?? zoneFile,
        targetStat ?? zoneFileStat.value,
        'read',
      ),
    );
    if (journal && journalStat.isOk()) {
      access.push(await checker.check('journal', journalFile, journalStat.value, 'write'));
    } else if (journalDir !== undefined) {
      const st = await pathFacts(view, journalDir);
      if (st.isOk()) {
        access.push(...(await checker.searchPath('journal', journalDir, '/')));
        access.push(await checker.check('journal', journalDir, st.value, 'write'));
      }
    }
  }

  // tmp files.
  // The directory is read entry by entry, bounded in entries, kept facts and time: named's user
  // can put millions of tmp-* files there.
  let tmpFiles: TmpFileFacts[] = [];
  let tmpFileCount = 0;
  let zoneDirListingIncomplete = false;
  let dataLinkInZoneDir = false;
  const newestFirst = (a: TmpFileFacts, b: TmpFileFacts) => b.mtime.getTime() - a.mtime.getTime();
  try {
    const dir = await opendir(view.host(zoneDir), { bufferSize: 256 });
    try {
      let entries = 0;
      for await (const entry of dir) {
        if (++entries > MAX_DIR_ENTRIES || Date.now() >= budget.deadline || budget.signal.aborted) {
          zoneDirListingIncomplete = true;
          break;
        }
        const name = entry.name;
        if (name === '..data') dataLinkInZoneDir = true;
        if (!isNamedTmpFile(name)) continue;
        const st = await lstat(view.host(posix.join(zoneDir, name))).catch(() => undefined);
        if (!st?.isFile()) continue;
        tmpFileCount++;
        tmpFiles.push({ name, size: st.size, mtime: st.mtime, uid: st.uid });
        if (tmpFiles.length >= 2 * MAX_TMP_FACTS) {
          tmpFiles = tmpFiles.sort(newestFirst).slice(0, MAX_TMP_FACTS);
        }
      }
    } finally {
      await dir.close().catch(() => {});
    }
  } catch {
    // unreadable directory: no tmp facts
  }
  tmpFiles = tmpFiles.sort(newestFirst).slice(0, MAX_TMP_FACTS).reverse();

  // Serials.
  let fileSerial: number | undefined;
  let fileSerialError: string | undefined;
  if (options.origin !== undefined && zoneFileType === 'file') {
    // No $INCLUDE is followed: the file is named's user's to write, this process is often root,
    // and an included path would be opened with root's rights (and in our root, not named's).
    const read = await readZoneFileSerial(view.host(zoneFileTarget ?? zoneFile), {
      origin: options.origin,
      maxIncludes: 0,
      deadline: budget.deadline,
      signal: budget.signal,
    });
    if (read.isOk()) fileSerial = read.value.serial;
    else fileSerialError = view.display(read.error.message);
    const newest = tmpFiles[tmpFiles.length - 1];
    if (newest) {
      const tmp = await readZoneFileSerial(view.host(posix.join(zoneDir, newest.name)), {
        origin: options.origin,
        maxIncludes: 0,
        deadline: budget.deadline,
        signal: budget.signal,
      });
      if (tmp.isOk()) tmpFiles[tmpFiles.length - 1] = { ...newest, serial: tmp.value.serial };
    }
  }

  const apparmor = await appArmorFacts(pid);
  // A symlink whose target was not resolved inside named's root has no file to compare with.
  const unresolvedLink = zoneFileStat.value.type === 'symlink' && zoneFileTarget === undefined;
  const localZoneFile =
    pid === undefined || unresolvedLink
      ? undefined
      : await localView(pid, zoneFileAbs, view, zoneFileTarget ?? zoneFile);

  // Free space and inodes where named writes: the zone directory and the journal's.
  const needed = 2 * (zoneFileStat.value.size + (journal?.size ?? 0));
  const space: FileSystemSpace[] = [];
  for (const dir of [zoneDir, ...(journalDir !== undefined ? [journalDir] : [])]) {
    const measured = await spaceOf(view, dir, needed);
    if (measured) space.push(measured);
  }

  // Everything above was read through /proc/<pid>: it was named's only if the pid still names
  // the process examined (same start time), i.e. named did not exit and its pid was not reused.
  if (taken !== undefined && !(await isSameProcess(taken))) {
    return Err(
      new DiagnoseError({
        kind: 'pid-not-found',
        message: `process ${taken.pid} exited or was replaced during the diagnosis: the facts read through /proc/${taken.pid} may be another process's`,
        causes: ['named exited or restarted while it was examined', 'its pid was reused'],
        remedy: 'run the diagnosis again (with named running)',
        subject: String(taken.pid),
      }),
    );
  }

  return Ok({
    identity,
    ...(pid !== undefined ? { pid } : {}),
    ...(command !== undefined ? { command } : {}),
    identityChecks,
    identityNotes,
    ...(credentials?.user !== undefined ? { user: credentials.user } : {}),
    ...(credentials
      ? { uid: credentials.uid, gid: credentials.gid, groups: credentials.groups }
      : {}),
    ...(credentials?.capEff !== undefined ? { capEff: credentials.capEff } : {}),
    capabilities: credentials?.capabilities ?? [],
    zoneFile,
    zoneDir,
    zoneDirStat: zoneDirStat.value,
    zoneFileStat: zoneFileStat.value,
    notRegular,
    space,
    ...(zoneFileTarget !== undefined ? { zoneFileTarget } : {}),
    symlinks,
    ...(mount ? { mount } : {}),
    ...(zoneFileMount ? { zoneFileMount } : {}),
    journalFile,
    ...(journal ? { journal } : {}),
    ...(journalDir !== undefined ? { journalDir } : {}),
    ...(journalDirMount ? { journalDirMount } : {}),
    access,
    dataLinkInZoneDir,
    ...(fileSerial !== undefined ? { fileSerial } : {}),
    ...(fileSerialError !== undefined ? { fileSerialError } : {}),
    ...(options.servedSerial !== undefined ? { servedSerial: options.servedSerial } : {}),
    ...(options.origin !== undefined ? { origin: options.origin } : {}),
    tmpFiles,
    ...(tmpFileCount > tmpFiles.length ? { tmpFileCount } : {}),
    ...(zoneDirListingIncomplete ? { zoneDirListingIncomplete } : {}),
    apparmor,
    // named's start: its process's, else the boot time `rndc status` reported.
    ...(taken?.startTime !== undefined
      ? { namedStartTime: new Date(taken.startTime) }
      : options.namedBootTime !== undefined
        ? { namedStartTime: options.namedBootTime }
        : {}),
    ...(localZoneFile !== undefined ? { localZoneFile } : {}),
    now,
  });
}

/**
 * The zone file at `path` in this process's mount namespace, compared with named's, when named
 * runs in another mount namespace; undefined in the same one. Only `stat` here: nothing is
 * opened, so a FIFO or a hung mount on this side is not waited on beyond the call's deadline.
 */
async function localView(
  pid: number,
  path: string,
  view: View,
  namedPath: string,
): Promise<LocalZoneFile | undefined> {
  const [ourNamespace, namedNamespace] = await Promise.all([
    readlinkSafe('/proc/self/ns/mnt'),
    readlinkSafe(`/proc/${pid}/ns/mnt`),
  ]);
  if (ourNamespace === undefined || namedNamespace === undefined) return undefined;
  if (ourNamespace === namedNamespace) return undefined;
  // lstat: `namedPath` is resolved inside named's root; stat() would follow a link against ours.
  const named = await lstat(view.host(namedPath)).catch(() => undefined);
  const namedIds = named ? { namedDevice: named.dev, namedInode: named.ino } : {};
  try {
    const here = await stat(path);
    return {
      path,
      ourNamespace,
      namedNamespace,
      device: here.dev,
      inode: here.ino,
      size: here.size,
      ...namedIds,
    };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      path,
      ourNamespace,
      namedNamespace,
      error: code === 'ENOENT' ? 'does not exist in this mount namespace' : `cannot stat (${code})`,
      ...namedIds,
    };
  }
}

/** The type of what a path (followed if a symlink, in named's view) is; undefined if absent. */
async function typeOf(view: View, path: string): Promise<string | undefined> {
  try {
    const st = await lstat(view.host(path));
    const type = fileType(st);
    if (type !== 'symbolic link') return type;
    // Followed inside named's root only (a plain stat() would resolve it against ours).
    const target = await resolveInRoot(view, path, []);
    return target.isOk() ? fileType(await lstat(view.host(target.value))) : undefined;
  } catch {
    return undefined;
  }
}

/** The journal's header, read without ever blocking (a FIFO swapped in is refused). */
async function readJournalHeader(
  path: string,
): Promise<{ startSerial: number; endSerial: number; empty: boolean } | undefined> {
  const opened = await openRegularFile(path, { followSymlinks: false });
  if (opened.isErr()) return undefined;
  const { handle, stats } = opened.value;
  try {
    const header = Buffer.alloc(JOURNAL_HEADER_BYTES);
    const { bytesRead } = await handle.read(header, 0, header.length, 0);
    const info = parseJournalHeader(header.subarray(0, bytesRead), stats.size, path);
    return info.isOk() ? info.value : undefined;
  } catch {
    return undefined;
  } finally {
    await handle.close().catch(() => {});
  }
}

/**
 * `statfs` of a directory in named's view. named needs room for a whole new copy of the zone
 * (written to tmp-XXXXXXXXXX before the rename) while the old file and the journal still exist,
 * and the journal grows with each update: the bar is twice file + journal, plus four blocks.
 */
async function spaceOf(
  view: View,
  dir: string,
  needed: number,
): Promise<FileSystemSpace | undefined> {
  try {
    const fs = await statfs(view.host(dir));
    const counted = fs.files > 0;
    return {
      path: dir,
      availableBytes: fs.bavail * fs.bsize,
      totalBytes: fs.blocks * fs.bsize,
      ...(counted ? { freeInodes: fs.ffree, totalInodes: fs.files } : {}),
      neededBytes: needed + 4 * fs.bsize,
    };
  } catch {
    return undefined;
  }
}

function invalid(message: string): DiagnoseError {
  return new DiagnoseError({
    kind: 'invalid-argument',
    message: `diagnoseZoneStorage: ${message}`,
  });
}

interface PathProblem {
  readonly path: string;
  readonly code: string | undefined;
  readonly cause: unknown;
}

function pathError(problem: PathProblem, subject: string): DiagnoseError {
  if (problem.code === 'ENOENT' || problem.code === 'ENOTDIR') {
    return new DiagnoseError({
      kind: 'zone-file-not-found',
      message: `${problem.path} does not exist (as named sees it)`,
      causes: [
        'wrong path, or a relative path resolved against the wrong directory (named resolves it against its `directory`)',
        'named runs in another mount namespace or chroot: pass namedPid so the path is looked up in its view',
      ],
      cause: problem.cause,
      subject,
    });
  }
  return new DiagnoseError({
    kind: 'zone-file-unreadable',
    message: `${problem.path} cannot be examined (${problem.code ?? String(problem.cause)})`,
    causes: ["this process lacks permission (run as root or as named's user)", 'an I/O error'],
    cause: problem.cause,
    subject,
  });
}

/** `lstat` of a path in named's view. */
async function pathFacts(view: View, path: string): Promise<Result<PathFacts, PathProblem>> {
  try {
    const st = await lstat(view.host(path));
    return Ok({
      path,
      type: st.isSymbolicLink()
        ? 'symlink'
        : st.isDirectory()
          ? 'directory'
          : st.isFile()
            ? 'file'
            : 'other',
      uid: st.uid,
      gid: st.gid,
      mode: st.mode & 0o7777,
      size: st.size,
      mtime: st.mtime,
    });
  } catch (error) {
    return Err({ path, code: (error as NodeJS.ErrnoException).code, cause: error });
  }
}

/**
 * Resolves every symlink of `path` inside named's root (an absolute link target starts again at
 * named's root, not ours). Records the links followed.
 */
async function resolveInRoot(
  view: View,
  path: string,
  links: Array<{ path: string; target: string }>,
): Promise<Result<string, PathProblem>> {
  let pending = path.split('/').filter((c) => c !== '' && c !== '.');
  let current = '/';
  let hops = 0;
  while (pending.length > 0) {
    const component = pending.shift()!;
    if (component === '..') {
      current = posix.dirname(current);
      continue;
    }
    const candidate = posix.join(current, component);
    let st: Awaited<ReturnType<typeof lstat>>;
    try {
      st = await lstat(view.host(candidate));
    } catch (error) {
      return Err({ path: candidate, code: (error as NodeJS.ErrnoException).code, cause: error });
    }
    if (!st.isSymbolicLink()) {
      // A directory is opened below its parent before anything under it is looked at; if it
      // was swapped for a symlink since the lstat, this fails instead of following it.
      if (st.isDirectory() && !(await view.openDir(candidate))) {
        return Err({ path: candidate, code: 'ELOOP', cause: new Error('changed while examined') });
      }
      if (!st.isDirectory() && pending.length > 0) {
        return Err({ path: candidate, code: 'ENOTDIR', cause: new Error('not a directory') });
      }
      current = candidate;
      continue;
    }
    if (++hops > 40) {
      return Err({ path: candidate, code: 'ELOOP', cause: new Error('too many symlinks') });
    }
    let target: string;
    try {
      target = await readlink(view.host(candidate));
    } catch (error) {
      return Err({ path: candidate, code: (error as NodeJS.ErrnoException).code, cause: error });
    }
    links.push({ path: candidate, target });
    const rest = target.split('/').filter((c) => c !== '' && c !== '.');
    if (target.startsWith('/')) current = '/';
    pending = [...rest, ...pending];
  }
  return Ok(current);
}

/** Decides access as named: mode bits and capabilities, denials re-checked by the kernel. */
class AccessChecker {
  readonly #kernel: Promise<KernelCheck | undefined>;

  constructor(
    readonly view: View,
    readonly cred: Credentials,
    budget: Budget,
  ) {
    this.#kernel = kernelCheck(view, cred, budget);
  }

  async check(
    subject: AccessFact['subject'],
    path: string,
    st: PathFacts,
    want: 'read' | 'write' | 'search',
  ): Promise<AccessFact> {
    const byMode = modeAllows(this.cred, st, want);
    if (byMode) return { subject, path, want, allowed: true, method: 'mode' };
    const kernel = await this.#kernel;
    const confirmed = kernel ? await kernel(path, want) : undefined;
    if (confirmed === true) return { subject, path, want, allowed: true, method: 'kernel' };
    return { subject, path, want, allowed: false, method: confirmed === false ? 'kernel' : 'mode' };
  }

  /**
   * Search (x) permission on every directory from `from` (inclusive) to `dir` (exclusive); only
   * the denials are returned.
   */
  async searchPath(
    subject: AccessFact['subject'],
    dir: string,
    from: string,
  ): Promise<AccessFact[]> {
    const denied: AccessFact[] = [];
    const chain: string[] = [];
    for (let p = posix.dirname(dir); ; p = posix.dirname(p)) {
      if (isUnder(p, from)) chain.unshift(p);
      if (p === '/' || !isUnder(p, from)) break;
    }
    for (const p of chain) {
      const st = await pathFacts(this.view, p);
      if (st.isErr()) continue;
      const fact = await this.check(subject, p, st.value, 'search');
      if (!fact.allowed) denied.push(fact);
    }
    return denied;
  }
}

/** Linux generic_permission() with named's capabilities, ACLs not considered. */
function modeAllows(
  cred: Credentials,
  st: Pick<PathFacts, 'uid' | 'gid' | 'mode' | 'type'>,
  want: 'read' | 'write' | 'search',
): boolean {
  const isDir = st.type === 'directory';
  const caps = new Set(cred.capabilities);
  // Write to a directory means creating entries: needs w and x.
  const bits = want === 'read' ? 4 : want === 'write' ? (isDir ? 3 : 2) : 1;
  const shift =
    cred.uid === st.uid ? 6 : cred.gid === st.gid || cred.groups.includes(st.gid) ? 3 : 0;
  if (((st.mode >> shift) & 7 & bits) === bits) return true;
  if (caps.has('CAP_DAC_OVERRIDE')) {
    // exec of a non-directory needs at least one x bit even with DAC override.
    return !(want === 'search' && !isDir && (st.mode & 0o111) === 0);
  }
  if (caps.has('CAP_DAC_READ_SEARCH') && (want === 'read' || (want === 'search' && isDir))) {
    return true;
  }
  return false;
}

type KernelCheck = (
  path: string,
  want: 'read' | 'write' | 'search',
) => Promise<boolean | undefined>;

/**
 * A checker that asks the kernel whether named's uid/gids, without capabilities, may access a
 * path — which honours POSIX ACLs and read-only mounts, unlike mode bits. Only for root.
 *
 * Why this way, and not another:
 * - Nothing is executed from named's mount namespace: an unprivileged user can make a process
 *   look like named in a namespace of its own and mount anything over `setpriv` there
 *   (`nsenter --mount … setpriv` would run it as root). The programs are the host's own
 *   `/usr/bin/setpriv` and `/bin/sh`, by absolute path in this process's namespace, accepted only
 *   when root-owned and writable by no one else.
 * - named's view is reached with a descriptor instead: the path is opened here (as root) through
 *   `/proc/<pid>/root` with `O_PATH | O_NOFOLLOW` — which never blocks, even on a FIFO — and
 *   handed to the child as fd 3; `test` then runs `access()` on `/proc/self/fd/3`, which reaches
 *   the same inode on named's mount, so the mount's read-only flag counts too.
 * - Computing access in-process instead would need the ACL xattrs (`system.posix_acl_access`),
 *   which Node cannot read without a native module.
 * `--bounding-set=-all` and `--inh-caps=-all` drop every capability across the exec, also for a
 * root-run named (which holds no CAP_DAC_OVERRIDE either). `undefined` if unavailable.
 */
async function kernelCheck(
  view: View,
  cred: Credentials,
  budget: Budget,
): Promise<KernelCheck | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const setpriv = await trustedHostBinary(HOST_SETPRIV);
  const sh = await trustedHostBinary([HOST_SH]);
  if (!setpriv || !sh) return undefined;
  const groups =
    cred.groups.length > 0 ? [`--groups=${cred.groups.join(',')}`] : ['--clear-groups'];
  return async (path, want) => {
    let handle: Awaited<ReturnType<typeof open>>;
    try {
      handle = await open(view.host(path), O_PATH | constants.O_NOFOLLOW);
    } catch {
      return undefined;
    }
    try {
      // Creating in a directory needs x as well as w.
      const test =
        want === 'read'
          ? 'test -r "$1"'
          : want === 'write'
            ? 'test -w "$1" && { test ! -d "$1" || test -x "$1"; }'
            : 'test -x "$1"';
      const out = await runWithFd(
        setpriv,
        [
          `--reuid=${cred.uid}`,
          `--regid=${cred.gid}`,
          ...groups,
          '--inh-caps=-all',
          '--bounding-set=-all',
          '--no-new-privs',
          '--',
          sh,
          '-c',
          `if ${test}; then echo yes; else echo no; fi`,
          'sh',
          '/proc/self/fd/3',
        ],
        handle.fd,
        budget,
      );
      const answer = out?.trim();
      return answer === 'yes' ? true : answer === 'no' ? false : undefined;
    } finally {
      await handle.close().catch(() => {});
    }
  };
}

/** An absolute path in our own namespace to a root-owned binary no one else can write. */
async function trustedHostBinary(candidates: readonly string[]): Promise<string | undefined> {
  for (const path of candidates) {
    let st: Stats;
    try {
      st = await stat(path);
    } catch {
      continue;
    }
    if (st.isFile() && st.uid === 0 && (st.mode & 0o022) === 0) return path;
  }
  return undefined;
}

/** stdout of `file args` run with `fd` as its fd 3, if it exited 0 within the budget. */
function runWithFd(
  file: string,
  args: readonly string[],
  fd: number,
  budget: Budget,
): Promise<string | undefined> {
  return new Promise((resolve) => {
    let out = '';
    try {
      const child = spawn(file, [...args], {
        stdio: ['ignore', 'pipe', 'ignore', fd],
        env: { PATH: '/usr/bin:/bin' },
        timeout: Math.max(1, Math.min(EXEC_TIMEOUT_MS, budget.deadline - Date.now())),
        signal: budget.signal,
      });
      child.stdout?.setEncoding('utf8');
      child.stdout?.on('data', (chunk: string) => {
        if (out.length < 1024) out += chunk;
      });
      child.on('error', () => resolve(undefined));
      child.on('close', (code) => resolve(code === 0 ? out : undefined));
    } catch {
      resolve(undefined);
    }
  });
}

function capabilityNames(hex: string): string[] {
  let value: bigint;
  try {
    value = BigInt(`0x${hex}`);
  } catch {
    return [];
  }
  return CAP_NAMES.filter(([bit]) => (value >> BigInt(bit)) & 1n).map(([, name]) => name);
}

async function credentialsOfUser(user: string): Promise<Result<Credentials, DiagnoseError>> {
  let entry = await run(HOST_GETENT, ['passwd', '--', user]);
  if (entry === undefined || entry.trim() === '') {
    const passwd = (await readText('/etc/passwd')) ?? '';
    entry = passwd.split('\n').find((line) => {
      const f = line.split(':');
      return f[0] === user || f[2] === user;
    });
  }
  const fields = entry?.trim().split('\n')[0]?.split(':');
  const uid = Number(fields?.[2]);
  const gid = Number(fields?.[3]);
  if (!fields || fields[2] === '' || !Number.isInteger(uid) || !Number.isInteger(gid)) {
    return Err(
      new DiagnoseError({
        kind: 'user-not-found',
        message: `user "${user}" does not exist (getent passwd ${user})`,
        remedy: 'pass the user named runs as (`named -u USER`; Debian: bind), or namedPid',
        subject: user,
      }),
    );
  }
  const name = fields[0]!;
  let groups: number[] = [];
  const id = await run(HOST_ID, ['-G', '--', name]);
  if (id !== undefined && id.trim() !== '') {
    groups = id.trim().split(/\s+/).map(Number).filter(Number.isInteger);
  } else {
    const groupFile = (await readText('/etc/group')) ?? '';
    groups = [gid];
    for (const line of groupFile.split('\n')) {
      const f = line.split(':');
      if ((f[3] ?? '').split(',').includes(name)) {
        const g = Number(f[2]);
        if (Number.isInteger(g) && !groups.includes(g)) groups.push(g);
      }
    }
  }
  // named keeps no file-access capabilities after start, whatever its user.
  return Ok({ uid, gid, groups, capabilities: [], user: name });
}

async function appArmorFacts(pid: number | undefined): Promise<AppArmorFacts> {
  const enabled =
    (await readText('/sys/module/apparmor/parameters/enabled'))?.trim().toUpperCase() === 'Y';
  const profileFile = existsSync('/etc/apparmor.d/usr.sbin.named');
  const local = (await readText('/etc/apparmor.d/local/usr.sbin.named')) ?? '';
  const localWritable = local
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .map((line) => /^(?:owner\s+)?(\/\S+)\s+([a-z]+)\s*,/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null && /w|a/.test(m[2]!))
    .map((m) => m[1]!);
  let confinement: string | undefined;
  if (enabled) {
    if (pid !== undefined) {
      confinement =
        (await readText(`/proc/${pid}/attr/apparmor/current`))?.trim() ??
        (await readText(`/proc/${pid}/attr/current`))?.trim();
    } else {
      const profiles = (await readText('/sys/kernel/security/apparmor/profiles')) ?? '';
      confinement = profiles
        .split('\n')
        .find((line) => /^(\/usr\/sbin\/named|named) \(/.test(line))
        ?.trim();
    }
  }
  return {
    enabled,
    profileFile,
    ...(confinement ? { confinement: confinement.replace(/\0/g, '') } : {}),
    localWritable,
  };
}

/**
 * stdout of a host program that exited 0, or undefined. The program is the first of
 * `candidates` that is a root-owned file no one else can write, run by absolute path with an
 * empty environment: the caller's PATH or LD_PRELOAD (the CLI often runs as root) choose nothing.
 */
async function run(
  candidates: readonly string[],
  args: readonly string[],
): Promise<string | undefined> {
  const file = await trustedHostBinary(candidates);
  if (file === undefined) return undefined;
  return new Promise((resolve) => {
    try {
      execFile(
        file,
        [...args],
        { timeout: EXEC_TIMEOUT_MS, encoding: 'utf8', maxBuffer: 1024 * 1024, env: {} },
        (error, stdout) => resolve(error ? undefined : stdout),
      );
    } catch {
      resolve(undefined);
    }
  });
}
