/**
 * Renders a reply the way the `rndc` tool prints it (rndc.c `rndc_recvdone`): on failure
 * `rndc: '<first word>' failed: <err>` on stderr; the text, if non-empty, followed by a newline,
 * on stdout — or on stderr when the command failed; `-q` hides text unless the command failed;
 * `-r` adds `<RESULT_ID> <number>`, named as the server's BIND version numbers its results
 * (result-codes.ts). Exit status 1 on failure.
 */
import type { RndcResponse } from './errors.js';
import { rndcResultId } from './result-codes.js';
import type { ServerVersion } from './versions.js';

/** What a process printing a reply writes. */
export interface RenderedReply {
  /** What `rndc` prints on standard output. */
  readonly stdout: string;
  /** What `rndc` prints on standard error. */
  readonly stderr: string;
  /** `rndc`'s exit status: 0 for success, 1 for any failure. */
  readonly exitCode: 0 | 1;
}

/** Options of {@link renderLikeRndc}, the rndc tool's `-q` and `-r`. */
export interface RenderOptions {
  /** `rndc -q`: print nothing on success. */
  readonly quiet?: boolean | undefined;
  /** Print the result number after the text (`-r`); the name is looked up from `resultNames`. */
  readonly showResult?: boolean | undefined;
  /** Program name in error lines. Default `rndc`. */
  readonly program?: string | undefined;
  /**
   * The server's version, for the result name of `showResult` (the numbering differs by
   * version). Default: the response's `serverVersion`, else BIND 9.18's numbering.
   */
  readonly serverVersion?: Pick<ServerVersion, 'major' | 'minor'> | undefined;
}

export { resultName } from './result-codes.js';

/** Prints `response` as rndc would. */
export function renderLikeRndc(
  response: Pick<RndcResponse, 'command' | 'result' | 'err' | 'text' | 'serverVersion'>,
  options: RenderOptions = {},
): RenderedReply {
  const program = options.program ?? 'rndc';
  const failed = response.err !== undefined;
  let stdout = '';
  let stderr = '';
  if (failed) {
    const word = response.command.trim().split(/\s+/, 1)[0] ?? '';
    stderr += `${program}: '${word}' failed: ${response.err}\n`;
  }
  if ((!options.quiet || failed) && response.text.length > 0) {
    if (failed) stderr += `${response.text}\n`;
    else stdout += `${response.text}\n`;
  }
  if (options.showResult) {
    const version = options.serverVersion ?? response.serverVersion;
    stdout += `${rndcResultId(response.result, version)} ${response.result < 0 ? -1 : response.result}\n`;
  }
  return { stdout, stderr, exitCode: failed ? 1 : 0 };
}
