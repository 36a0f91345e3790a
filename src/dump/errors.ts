/** Error values of dump awareness. */
import { RndcLibraryError } from '../errors.js';
import type { DumpEvidence } from './verify.js';

/** Why a dump could not be proven or was not attempted. */
export type DumpErrorKind =
  /** The zone's state could not be read over the control channel. */
  | 'zone-status'
  /** The zone file's path is unknown or cannot be resolved (e.g. named's `directory`). */
  | 'zone-file-unknown'
  /** The dump failed: evidence says which step. */
  | 'dump-failed'
  /** Neither written nor failed before the deadline. */
  | 'not-verified'
  /** `sync -clean` refused because the dump was not verified first. */
  | 'clean-refused'
  /** The zone's state or files could not be read before the deadline (a hung file system…). */
  | 'timeout'
  /** The caller's signal aborted before anything could be judged. */
  | 'aborted'
  /** The rndc command itself failed (see `cause`). */
  | 'command-failed'
  | 'invalid-argument';

/** A dump that failed or could not be proven, with the evidence gathered. */
export class DumpError extends RndcLibraryError<DumpErrorKind> {
  /** What was observed, when anything was. */
  readonly evidence: DumpEvidence | undefined;
  /** The zone concerned, when known. */
  readonly zone: string | undefined;

  constructor(details: {
    kind: DumpErrorKind;
    message: string;
    causes?: readonly string[];
    remedy?: string;
    cause?: unknown;
    evidence?: DumpEvidence;
    /** The zone concerned, when known. */
    zone?: string;
  }) {
    super(details);
    this.evidence = details.evidence;
    this.zone = details.zone;
  }
}
