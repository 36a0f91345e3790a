// The real nsupdate of every installed BIND version, run on scripts that never send (no `send`,
// no blank line after a prereq/update): what it says about the script is all it does.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  type BindVersion,
  bindVersionBinDir,
  installedBindVersions,
} from '../../src/testing/bind-versions.js';
import { runBinary } from '../../src/testing/index.js';

/** The versions whose nsupdate is installed (CI installs all three). */
export function nsupdateVersions(): BindVersion[] {
  return installedBindVersions().filter((v) => existsSync(nsupdatePath(v)));
}

export function nsupdatePath(version: BindVersion): string {
  return join(bindVersionBinDir(version), 'nsupdate');
}

/** Log lines nsupdate's libraries print (`24-Nov-2026 18:53:56.749 …`) are not its messages. */
export function withoutLogLines(stderr: string): string {
  return stderr
    .split(/(?<=\n)/)
    .filter((line) => !/^\d\d-[A-Z][a-z]{2}-\d{4} \d\d:\d\d:\d\d\.\d{3} /.test(line))
    .join('');
}

/** Runs `version`'s nsupdate on `script` (standard input); stderr without its log lines. */
export async function nsupdateOffline(
  version: BindVersion,
  script: string,
): Promise<{ exitCode: number | null; stdout: string; stderr: string; log: string }> {
  const run = await runBinary(nsupdatePath(version), [], { input: script, timeoutMs: 20_000 });
  return {
    exitCode: run.exitCode,
    stdout: run.stdout,
    stderr: withoutLogLines(run.stderr),
    log: run.stderr,
  };
}
