/**
 * Which BIND a `named` binary is, asked the way an operator would: `named -v`. Test helpers use
 * it to check that the version asked for is the version started, and differential tests use it
 * to pick the reference tool's expected output where BIND's wording changed between versions.
 */
import { parseVersionText } from '../control/versions.js';
import { type BindVersion, isBindVersion, selectedBindVersion } from './bind-versions.js';
import { findBinary, runBinary } from './rndc-binary.js';

/** What one `named -v` said. */
export interface NamedVersionReport {
  /** The line as printed (`BIND 9.20.23-1~deb13u1~bpo12+1-Debian (Stable Release) <id:>`). */
  readonly text: string;
  /** Its release line when this project supports it (`'9.20'`), else `undefined`. */
  readonly line: BindVersion | undefined;
}

/** `named -v` of each binary, asked once per process (the answer cannot change under a path). */
const cache = new Map<string, Promise<NamedVersionReport>>();

/**
 * Runs `<namedPath> -v` (15 s deadline) and reads the release line from its first line. A binary
 * that fails, hangs or prints something else gives `{ text, line: undefined }`, never a rejection.
 *
 * @example
 * const { line } = await namedVersion('/opt/bind/9.20/bin/named'); // '9.20'
 */
export function namedVersion(namedPath: string): Promise<NamedVersionReport> {
  let cached = cache.get(namedPath);
  if (cached === undefined) {
    cached = runBinary(namedPath, ['-v'], { timeoutMs: 15_000 }).then(
      (run) => {
        const text = run.stdout.trim().split('\n')[0] ?? '';
        const line = parseVersionText(text)?.series;
        return { text, line: line !== undefined && isBindVersion(line) ? line : undefined };
      },
      () => ({ text: '', line: undefined }),
    );
    cache.set(namedPath, cached);
  }
  return cached;
}

/**
 * The release line of the BIND tools this process runs: `RNDC_BIND_VERSION` when set (the tools
 * {@link findBinary} then picks), else what the `named` found on `$PATH` / `/usr/sbin` reports.
 * For differential tests against a tool with no server (`nsupdate` against a fake DNS server),
 * whose expected wording depends on the version.
 *
 * @returns `undefined` when no supported named is found.
 * @throws Error when `RNDC_BIND_VERSION` names an unsupported version (see {@link selectedBindVersion}).
 */
export async function toolsBindVersion(): Promise<BindVersion | undefined> {
  const selected = selectedBindVersion();
  if (selected !== undefined) return selected;
  const named = findBinary('named');
  return named === undefined ? undefined : (await namedVersion(named)).line;
}
