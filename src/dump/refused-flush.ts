/**
 * Telling a failed `sync`/`freeze` that is a failed dump from any other failure, from named's
 * reply alone (kept apart from verify.ts: the control client classifies every reply with it).
 */

/**
 * named's own failed answer to `sync` or `freeze`, when the dump failed before named answered.
 * BIND 9.20 creates the temp file before answering (`zone_dump` → `dns_master_dumpasync` opens
 * `tmp-XXXXXXXXXX` at once), so a zone directory named cannot write makes `sync` fail with
 * `permission denied` and `freeze` with `permission denied` plus "Flushing the zone updates to
 * disk failed." — and that freeze leaves the zone thawed. BIND 9.16 and 9.18 open the file later,
 * on a worker, and answer success whatever happens.
 */
export interface RefusedFlush {
  /** The command line named refused (`sync dyn.test`). */
  readonly command: string;
  /** named's result text (`permission denied`, `disc full`…). */
  readonly result: string;
  /** named's explanation, when it gave one (`Flushing the zone updates to disk failed.`). */
  readonly text: string;
}

/** What 9.20's freeze says when its flush failed (`named_server_freeze`). */
const FLUSH_FAILED_TEXT = 'Flushing the zone updates to disk failed.';

/**
 * Result texts BIND gives a file operation that failed (`isc___errno2result`, the same in 9.16,
 * 9.18 and 9.20; EROFS is `permission denied` only since 9.18.17). A sync answered with one of
 * these failed at writing the zone; other failures (`not found`, `already running`…) did not.
 */
export const FILE_RESULTS: ReadonlySet<string> = new Set([
  'permission denied',
  'file not found',
  'file already exists',
  'invalid file',
  'not a file',
  'disc full',
  'disc quota',
  'I/O error',
  'too many open files',
  'out of memory',
  'unexpected error',
]);

/**
 * Whether a failed reply to `sync`/`freeze` says the dump itself failed (BIND 9.20+, see
 * {@link RefusedFlush}); `undefined` for every other failure (unknown zone, already frozen,
 * already running, not dynamic…), which says nothing about the zone file.
 */
export function refusedFlush(
  response:
    | { readonly command: string; readonly err: string | undefined; readonly text: string }
    | undefined,
): RefusedFlush | undefined {
  if (response?.err === undefined) return undefined;
  const flushFailed = response.text.split('\n').some((line) => line.trim() === FLUSH_FAILED_TEXT);
  if (!flushFailed && !FILE_RESULTS.has(response.err)) return undefined;
  return { command: response.command, result: response.err, text: response.text.trim() };
}
