/**
 * The sync/freeze words run.ts reads before choosing a command (kept apart from verify-command.ts
 * so that choosing loads nothing else).
 */
import { PROGRAM } from './io.js';

/**
 * The flag that sends `sync -clean` as rndc does, unverified: named deletes the journal as soon
 * as the dump is *scheduled*, so a dump that then fails leaves the changes only in memory.
 */
export const UNVERIFIED_CLEAN_FLAG = '--unverified-clean-may-lose-journal';

/** The warning printed on stderr when {@link UNVERIFIED_CLEAN_FLAG} is used. */
export const UNVERIFIED_CLEAN_WARNING = `${PROGRAM}: WARNING: ${UNVERIFIED_CLEAN_FLAG}: sending 'sync -clean' unverified, as rndc does. named deletes the journal when the dump is scheduled, not once it is written: if the dump fails, the changes exist only in named's memory and the next restart loses them. '${PROGRAM} sync ZONE -clean' deletes the journal only after proving the dump.\n`;

/**
 * True when these arguments of sync ask for the journal to be deleted (`-clean`, rndc's
 * spelling, or `--clean`), wherever they are: rndc-js then verifies first.
 */
export function wantsClean(args: readonly string[]): boolean {
  return args.some((arg) => arg === '-clean' || arg === '--clean');
}

/** True when these arguments of sync/freeze ask for verification (`--verify` before any `--`). */
export function wantsVerify(args: readonly string[]): boolean {
  for (const arg of args) {
    if (arg === '--') return false;
    if (arg === '--verify') return true;
  }
  return false;
}
