/**
 * Running BIND's `named-checkzone` on a recovered zone file: the same loader named uses, so a file
 * it accepts is one named will load. Only a program at an absolute path that root alone controls
 * is run (never one found through named's process, `$PATH` or another mount namespace), with a
 * fixed environment, a deadline and bounded output.
 */
import { spawn } from 'node:child_process';
import { trustedProgram } from '../dump/named-binary.js';

/** Where named-checkzone is looked for when the caller names none (Debian, RHEL, local builds). */
export const DEFAULT_CHECKZONE_PATHS: readonly string[] = [
  '/usr/bin/named-checkzone',
  '/usr/sbin/named-checkzone',
  '/usr/local/bin/named-checkzone',
  '/usr/local/sbin/named-checkzone',
];

/** Most bytes of named-checkzone output kept (stdout and stderr together). */
const MAX_OUTPUT = 64 * 1024;

/** What named-checkzone said about the file. */
export type CheckzoneOutcome =
  /** It loaded the file: `serial` is the serial it reported. */
  | {
      /** named-checkzone exited 0. */
      readonly verdict: 'passed';
      /** The program run. */
      readonly program: string;
      /** The serial of its `loaded serial N` line. */
      readonly serial: number | undefined;
      /** What it printed (at most 64 KiB). */
      readonly output: string;
    }
  /** It refused the file (exit status not 0): `output` says why. */
  | {
      /** named-checkzone exited non-zero. */
      readonly verdict: 'failed';
      /** The program run. */
      readonly program: string;
      /** Its exit status (null: ended by a signal). */
      readonly exitCode: number | null;
      /** What it printed (at most 64 KiB). */
      readonly output: string;
    }
  /** Not run: no trusted named-checkzone, or it could not be started. `reason` says which. */
  | {
      /** Not run. */
      readonly verdict: 'not-run';
      /** Why: not installed, not trusted, not requested, timed out. */
      readonly reason: string;
    };

/** The first trusted named-checkzone among `given` (or the defaults), or why there is none. */
export async function findCheckzone(
  given: string | undefined,
): Promise<{ readonly path: string } | { readonly reason: string }> {
  const candidates = given !== undefined ? [given] : DEFAULT_CHECKZONE_PATHS;
  const problems: string[] = [];
  for (const path of candidates) {
    const trusted = await trustedProgram(path, 'named-checkzone');
    if (trusted.ok) return { path };
    if (given !== undefined || !trusted.absent) problems.push(trusted.problem);
  }
  return {
    reason:
      problems.length > 0
        ? problems.join('; ')
        : `named-checkzone is not installed (looked for ${candidates.join(', ')})`,
  };
}

/**
 * `named-checkzone [-f raw] [-c class] ZONE FILE`, within `timeoutMs`. Never throws.
 */
export function runCheckzone(
  program: string,
  zone: string,
  file: string,
  options: {
    readonly format?: 'text' | 'raw';
    readonly class?: string;
    readonly timeoutMs: number;
    readonly signal?: AbortSignal | undefined;
  },
): Promise<CheckzoneOutcome> {
  const args = [
    ...(options.format === 'raw' ? ['-f', 'raw'] : []),
    ...(options.class ? ['-c', options.class] : []),
    '--',
    zone,
    file,
  ];
  return new Promise((resolve) => {
    let output = '';
    let settled = false;
    const finish = (outcome: CheckzoneOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      resolve(outcome);
    };
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(program, args, {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C' },
      });
    } catch (error) {
      resolve({
        verdict: 'not-run',
        reason: `${program} could not be started: ${(error as Error).message}`,
      });
      return;
    }
    const collect = (chunk: Buffer) => {
      if (output.length < MAX_OUTPUT)
        output += chunk.toString('utf8').slice(0, MAX_OUTPUT - output.length);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish({
        verdict: 'not-run',
        reason: `${program} did not finish within ${options.timeoutMs} ms`,
      });
    }, options.timeoutMs);
    const onAbort = () => {
      child.kill('SIGKILL');
      finish({ verdict: 'not-run', reason: `${program} was stopped: the call was aborted` });
    };
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (error) =>
      finish({ verdict: 'not-run', reason: `${program} could not be started: ${error.message}` }),
    );
    child.on('close', (exitCode) => {
      const text = output.trim();
      if (exitCode === 0) {
        const serial = /loaded serial (\d+)/.exec(text)?.[1];
        finish({
          verdict: 'passed',
          program,
          serial: serial === undefined ? undefined : Number(serial),
          output: text,
        });
      } else {
        finish({ verdict: 'failed', program, exitCode, output: text });
      }
    });
  });
}
