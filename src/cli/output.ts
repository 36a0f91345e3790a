/**
 * How `rndc-js` prints: one error line `rndc-js: <message>` followed by the likely causes and the
 * remedy as indented lines; JSON documents (exactly one per run, on stdout); and the JSON shapes
 * shared by several commands (errors, replies, dates). Field names here are the documented,
 * stable ones of docs/cli.md.
 */
import type { RndcResponse, ScheduledDiskEffect } from '../control/errors.js';
import { resultName } from '../control/render.js';
import { type CliIo, PROGRAM } from './io.js';

/** Anything error-like the CLI prints: our library errors have causes and a remedy. */
export interface PrintableError {
  readonly kind?: string;
  readonly message: string;
  readonly causes?: readonly string[];
  readonly remedy?: string;
}

/** The `error` object of every JSON document. */
export interface JsonError {
  readonly kind: string;
  readonly message: string;
  readonly causes: readonly string[];
  readonly remedy: string | null;
}

/** `rndc-js: <message>` then `  likely causes:` / `  - …` and `  remedy: …`, each line ending in \n. */
export function formatError(error: PrintableError, lead?: string): string {
  const lines = [`${PROGRAM}: ${lead ? `${lead}: ` : ''}${cliWording(error.message)}`];
  const causes = error.causes ?? [];
  if (causes.length > 0) {
    lines.push('  likely causes:');
    for (const cause of causes) lines.push(`  - ${cliWording(cause)}`);
  }
  if (error.remedy) lines.push(`  remedy: ${cliWording(error.remedy)}`);
  return `${lines.join('\n')}\n`;
}

/** Option names of the library API and the command-line flag that sets each. */
const FLAG_OF_OPTION: Readonly<Record<string, string>> = {
  namedPid: '--named-pid',
  namedConf: '--named-conf',
  namedBinary: '--named-binary',
  namedUser: '--named-user',
  namedLog: '--named-log',
  zoneFile: '--zone-file',
  journalFile: '--journal',
  configFile: '-c',
  keyFile: '-k',
  timeoutMs: '-t',
};
const OPTION_NAMES = Object.keys(FLAG_OF_OPTION).join('|');
/** `namedPid / --named-pid`: the library's texts name both; the CLI only its flag. */
const BOTH_FORMS = new RegExp(`\\b(?:${OPTION_NAMES}) / (--?[a-z-]+)`, 'g');
const OPTION_NAME = new RegExp(`\\b(${OPTION_NAMES})\\b`, 'g');

/**
 * Library texts name options of the API (`log`, `directory`, `namedPid`, `timeoutMs`); on the
 * command line they are flags, and the CLI never shows an API name.
 */
export function cliWording(text: string): string {
  return text
    .replaceAll('pass `log`', 'pass --named-log PATH')
    .replaceAll('pass `directory`', 'pass --named-dir DIR')
    .replaceAll('or `zoneFile`', 'or --zone-file PATH')
    .replace(BOTH_FORMS, '$1')
    .replace(OPTION_NAME, (name) => FLAG_OF_OPTION[name] ?? name);
}

/** The JSON form of an error. */
export function jsonError(error: PrintableError, kind = 'error'): JsonError {
  return {
    kind: error.kind ?? kind,
    message: cliWording(error.message),
    causes: (error.causes ?? []).map(cliWording),
    remedy: error.remedy ? cliWording(error.remedy) : null,
  };
}

/** Exit status after SIGINT/SIGTERM interrupted a command (docs/cli.md). */
export const EXIT_INTERRUPTED = 130;

/**
 * The one line printed when a signal interrupted the command (`rndc-js: interrupted by SIGINT:
 * …`), instead of the error the interruption caused; returns {@link EXIT_INTERRUPTED}.
 */
export function printInterrupted(io: CliIo, what: string): number {
  const reason = io.signal.reason instanceof Error ? io.signal.reason.message : 'interrupted';
  io.stderr.write(`${PROGRAM}: ${reason}: ${what}\n`);
  return EXIT_INTERRUPTED;
}

/** Writes one JSON document (two-space indented, newline-terminated) to stdout. */
export function writeJson(io: CliIo, document: unknown): void {
  io.stdout.write(`${JSON.stringify(document, jsonReplacer, 2)}\n`);
}

/** Dates as ISO strings, bigints as strings, sets as arrays; keys never get here (see Key.toJSON). */
function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Set) return [...value];
  if (value instanceof Map) return Object.fromEntries(value);
  return value;
}

/** ISO string of a date, or null. */
export const isoOrNull = (date: Date | undefined): string | null =>
  date === undefined || Number.isNaN(date.getTime()) ? null : date.toISOString();

/** The JSON shape of a scheduled disk effect. */
export interface JsonDiskEffect {
  readonly summary: string;
  readonly zoneFileNotBefore: string | null;
  readonly zoneFileNotAfter: string | null;
  readonly journalDeleted: boolean;
}

export function jsonDiskEffect(effect: ScheduledDiskEffect | undefined): JsonDiskEffect | null {
  if (!effect) return null;
  return {
    summary: effect.summary,
    zoneFileNotBefore: isoOrNull(effect.zoneFileNotBefore),
    zoneFileNotAfter: isoOrNull(effect.zoneFileNotAfter),
    journalDeleted: effect.journalDeleted === true,
  };
}

/** The JSON shape of named's reply (rndc mode and the command part of sync/freeze --verify). */
export interface JsonReply {
  readonly command: string;
  readonly server: string;
  readonly result: number;
  readonly resultName: string;
  readonly text: string;
  readonly err: string | null;
  readonly diskEffect: JsonDiskEffect | null;
}

export function jsonReply(response: RndcResponse): JsonReply {
  return {
    command: response.command,
    server: response.server,
    result: response.result,
    resultName: resultName(response.result, response.serverVersion),
    text: response.text,
    err: response.err ?? null,
    diskEffect: jsonDiskEffect(response.diskEffect),
  };
}
