// named-rrchecker of every installed BIND version, as the reference for RDATA codecs.
//
// `-u` gives the wire form (`CLASS1 TYPE15 \# 3 000A00`), `-p` the canonical presentation form
// (`IN<tab>MX<tab>10 mail.example.com.`), which is what formatRdata must print byte for byte.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type BindVersion,
  bindVersionBinDir,
  installedBindVersions,
} from '../../src/testing/bind-versions.js';

/** The versions whose named-rrchecker is installed (CI installs all three). */
export function rrcheckerVersions(): BindVersion[] {
  return installedBindVersions().filter((v) => existsSync(rrcheckerPath(v)));
}

export function rrcheckerPath(version: BindVersion): string {
  return join(bindVersionBinDir(version), 'named-rrchecker');
}

const direct = new Map<BindVersion, { file: string; env: NodeJS.ProcessEnv }>();

/**
 * The executable and environment to spawn for `version`'s named-rrchecker. The unpacked versions'
 * wrappers (scripts/bind-versions.sh) are bash scripts that set LD_LIBRARY_PATH and exec the
 * binary; the corpora spawn thousands of checks, so the binary is run directly with the same
 * environment (half the cost per check). Anything else is run as it is.
 */
export function rrcheckerSpawn(version: BindVersion): { file: string; env: NodeJS.ProcessEnv } {
  const known = direct.get(version);
  if (known) return known;
  const path = rrcheckerPath(version);
  let found = { file: path, env: process.env };
  try {
    const script = readFileSync(path, 'utf8');
    const library = /^export LD_LIBRARY_PATH=([^$\s]+)/m.exec(script)?.[1];
    const binary = /^exec -a named-rrchecker (\S+) "\$@"$/m.exec(script)?.[1];
    if (script.startsWith('#!') && library && binary && existsSync(binary)) {
      const inherited = process.env.LD_LIBRARY_PATH;
      found = {
        file: binary,
        env: { ...process.env, LD_LIBRARY_PATH: inherited ? `${library}:${inherited}` : library },
      };
    }
  } catch {
    // not readable as text (an ELF binary or a link to one): run it as it is
  }
  direct.set(version, found);
  return found;
}

export type RrcheckerResult = { ok: true; text: string } | { ok: false; error: string };

/** Runs named-rrchecker of `version` on one record `<class> <type> <rdata>`. */
export function rrchecker(
  version: BindVersion,
  mode: '-u' | '-p',
  record: { class?: string; type: string; rdata: string; origin?: string },
): RrcheckerResult {
  const args = [mode, ...(record.origin ? ['-o', record.origin] : [])];
  const { file, env } = rrcheckerSpawn(version);
  const run = spawnSync(file, args, {
    env,
    input: `${record.class ?? 'IN'} ${record.type} ${record.rdata}\n`,
    encoding: 'utf8',
    timeout: 10_000,
  });
  const out = run.stdout.replace(/\n$/, '');
  if (run.status !== 0 || out === '') return { ok: false, error: run.stderr.trim() };
  return { ok: true, text: out };
}

/** The wire RDATA BIND makes of the record, or its error. */
export function rrcheckerWire(
  version: BindVersion,
  record: { class?: string; type: string; rdata: string; origin?: string },
): { ok: true; wire: Buffer } | { ok: false; error: string } {
  const result = rrchecker(version, '-u', record);
  if (!result.ok) return result;
  const fields = result.text.trim().split(/\s+/);
  if (fields[2] !== '\\#') return { ok: false, error: `unexpected -u output: ${result.text}` };
  const wire = Buffer.from(fields.slice(4).join(''), 'hex');
  if (wire.length !== Number(fields[3])) {
    return { ok: false, error: `length mismatch in -u output: ${result.text}` };
  }
  return { ok: true, wire };
}

/** The RDATA text of `-p` (after `<class><tab><type><tab>`), exactly as BIND prints it. */
export function rrcheckerText(
  version: BindVersion,
  record: { class?: string; type: string; rdata: string; origin?: string },
): RrcheckerResult {
  const result = rrchecker(version, '-p', record);
  if (!result.ok) return result;
  return { ok: true, text: result.text.split('\t').slice(2).join('\t') };
}

/** The type mnemonics this version's named-rrchecker knows (`-T`). */
export function rrcheckerTypes(version: BindVersion): string[] {
  const run = spawnSync(rrcheckerPath(version), ['-T'], { encoding: 'utf8' });
  return run.stdout.split(/\s+/).filter((name) => name !== '');
}
