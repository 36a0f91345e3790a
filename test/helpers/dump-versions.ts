// How each supported BIND reports dumps and shutdowns: the one table the dump/log tests take their
// per-version expectations from (captured against 9.16.50, 9.18.49 and 9.20.23; see
// docs/bind-versions.md "Dumps and named's log" and test/fixtures/named-logs/).
import { type BindVersion, selectedBindVersion } from '../../src/testing/index.js';

/** What one BIND version does when a dump fails and when it shuts down. */
export interface DumpBehaviour {
  /**
   * named answers `sync`/`freeze` of a zone whose temp file cannot be created with a failure
   * (9.20: the temp file is opened before the answer) instead of success (9.16, 9.18: opened
   * later on a worker; only the log says it failed).
   */
  readonly openFailureAnswer: { readonly sync: string; readonly freeze: string } | undefined;
  /** The zone is frozen after a freeze whose dump failed at open (9.20: not frozen). */
  readonly frozenAfterFailedOpen: boolean;
  /** `sync -clean` deletes the journal although the dump failed at open (9.16, 9.18). */
  readonly cleanDeletesJournalOnFailedOpen: boolean;
  /** The `result` of the `sync: dumping zone` / `freezing zone` line when the open failed. */
  readonly openFailureLogResult: string;
  /** The result logged for creating the temp file on a read-only mount (EROFS). */
  readonly readOnlyMountOpenResult: string;
  /** The errno logged before an unmapped one (EROFS on 9.16, EBUSY): only 9.16 logs it. */
  readonly logsErrno: boolean;
  /**
   * Where named says it met an errno it cannot map (EBUSY on rename): the caller's `file.c:<line>`
   * on 9.16 (and 9.18.0–9.18.8); `errno2result.c:120` on 9.18.17+ and 9.20 with GCC, `:123` with
   * compilers that give a macro call's last line (9.18.9–9.18.16: `:119` / `:122`).
   */
  readonly unexpectedErrorAt: RegExp;
  /** named loads (and logs) the managed-keys zone with `dnssec-validation no` (not 9.20). */
  readonly managedKeysZone: boolean;
  /** What BIND's rndc prints for `sync` of a zone whose temp file cannot be created. */
  readonly rndcSyncOpenFailure: {
    readonly exitCode: number;
    readonly stdout: string;
    readonly stderr: RegExp;
  };
}

const OLD_ANSWER: Pick<
  DumpBehaviour,
  | 'openFailureAnswer'
  | 'frozenAfterFailedOpen'
  | 'cleanDeletesJournalOnFailedOpen'
  | 'openFailureLogResult'
  | 'rndcSyncOpenFailure'
> = {
  openFailureAnswer: undefined,
  frozenAfterFailedOpen: true,
  cleanDeletesJournalOnFailedOpen: true,
  openFailureLogResult: 'success',
  rndcSyncOpenFailure: { exitCode: 0, stdout: '', stderr: /^$/ },
};

/** The table. */
export const DUMP_BEHAVIOUR: Readonly<Record<BindVersion, DumpBehaviour>> = {
  '9.16': {
    ...OLD_ANSWER,
    // EROFS is not in 9.16's errno table (added in 9.18.17).
    readOnlyMountOpenResult: 'unexpected error',
    logsErrno: true,
    unexpectedErrorAt: /^file\.c:\d+$/,
    managedKeysZone: true,
  },
  '9.18': {
    ...OLD_ANSWER,
    readOnlyMountOpenResult: 'permission denied',
    logsErrno: false,
    unexpectedErrorAt: /^errno2result\.c:12[03]$/,
    managedKeysZone: true,
  },
  '9.20': {
    openFailureAnswer: {
      sync: 'permission denied',
      freeze: 'Flushing the zone updates to disk failed.',
    },
    frozenAfterFailedOpen: false,
    cleanDeletesJournalOnFailedOpen: false,
    openFailureLogResult: 'permission denied',
    readOnlyMountOpenResult: 'permission denied',
    logsErrno: false,
    unexpectedErrorAt: /^errno2result\.c:12[03]$/,
    managedKeysZone: false,
    rndcSyncOpenFailure: {
      exitCode: 1,
      stdout: '',
      stderr: /^rndc: 'sync' failed: permission denied$/m,
    },
  },
};

/** The behaviour of the BIND a started named reports (`instance.bindVersion`), else the run's. */
export function dumpBehaviour(version: BindVersion | undefined): DumpBehaviour {
  return DUMP_BEHAVIOUR[version ?? selectedBindVersion() ?? '9.18'];
}
