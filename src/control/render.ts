/**
 * Renders a reply the way the `rndc` tool prints it (rndc.c `rndc_recvdone`): on failure
 * `rndc: '<first word>' failed: <err>` on stderr; the text, if non-empty, followed by a newline,
 * on stdout — or on stderr when the command failed; `-q` hides text unless the command failed;
 * `-r` adds `<RESULT_ID> <number>`. Exit status 1 on failure.
 */
import type { RndcResponse } from './errors.js';

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
  readonly quiet?: boolean;
  /** Print the result number after the text (`-r`); the name is looked up from `resultNames`. */
  readonly showResult?: boolean;
  /** Program name in error lines. Default `rndc`. */
  readonly program?: string;
}

/** BIND 9.18's result names for the numbers named sends (research §5.3). */
const RESULT_NAMES_918: Readonly<Record<number, string>> = {
  0: 'ISC_R_SUCCESS',
  18: 'ISC_R_EXISTS',
  23: 'ISC_R_NOTFOUND',
  24: 'ISC_R_UNEXPECTEDEND',
  25: 'ISC_R_FAILURE',
  32: 'ISC_R_UNEXPECTEDTOKEN',
  41: 'ISC_R_RANGE',
  62: 'ISC_R_MULTIPLE',
  80: 'DNS_R_UNKNOWN',
  89: 'DNS_R_SYNTAX',
  123: 'DNS_R_NOTLOADED',
  154: 'DNS_R_FROZEN',
  171: 'DNS_R_DYNAMIC',
  172: 'DNS_R_UNKNOWNCOMMAND',
  178: 'DNS_R_NOTPRIMARY',
  181: 'DNS_R_NOTDYNAMIC',
};

/** The name `rndc -r` prints for a result number (`ISC_R_SUCCESS`); `NONE` for no result. */
export function resultName(result: number): string {
  return result < 0 ? 'NONE' : (RESULT_NAMES_918[result] ?? 'UNKNOWN');
}

/** Prints `response` as rndc would. */
export function renderLikeRndc(
  response: Pick<RndcResponse, 'command' | 'result' | 'err' | 'text'>,
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
    stdout += `${resultName(response.result)} ${response.result < 0 ? -1 : response.result}\n`;
  }
  return { stdout, stderr, exitCode: failed ? 1 : 0 };
}
