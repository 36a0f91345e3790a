/**
 * Large adversarial inputs for the time budget: long lines made of one fragment repeated — the
 * separators a backtracking pattern searches for (`/a' ` after `sync: dumping zone '`), runs of
 * `/**\/`, long quoted strings full of escapes. A parser with work super-linear in a line or a
 * construct takes seconds on them; a linear one milliseconds. Also used by the unit tests.
 */
import type { Rng } from './rng.js';

/** How named's log messages start, and the wrappers syslog and named put around them. */
export const LOG_PREFIXES = [
  '',
  'dumping master file: rename: ',
  'dumping master file: ',
  'dumping to master file: ',
  "sync: dumping zone '",
  "freezing zone '",
  "thawing zone '",
  'zone ',
  'zone a/IN: ',
  'zone a/IN: loading from master file ',
  'managed-keys-zone',
  'redirect-zone',
  'client @0x1 ',
  'client @0x1 1.2.3.4#5: ',
  "client @0x1 1.2.3.4#5: updating zone 'a/IN': ",
  "updating zone '",
  "update '",
  "received control channel command '",
  'dumping all zones',
  "unable to remove journal '",
  "directory '",
  'exiting (',
  'masterdump.c:',
  'unable to convert errno to isc_result: 1: ',
  'freezing all zones: ',
  'master file write failed: ',
  'shutting down',
  '2026-11-24T17:47:11.316Z general: error: ',
  'Nov 24 17:47:11 host named[1]: ',
  '<30>Nov 24 17:47:11 ',
];

/** Fragments repeated to the end of a log line: the separators the patterns search for. */
export const LOG_FRAGMENTS = [
  "/a' ",
  "a/'/a' ",
  "#(' /",
  ".c' /a' /",
  "/a': ",
  "': ",
  ": '",
  ' (a',
  ': view ',
  '/key a',
  ', removing journal file',
  ": open: '",
  'a.c:1:',
  "updating zone '",
  'client @a ',
  '/',
  ': ',
];

/** Line endings that make the last step of a pattern fail after a long scan. */
export const LOG_ENDINGS = ['', '\u2028x', "'", ':', ')'];

/** Runs that a configuration or key file tokenizer must take in linear time. */
export const CONFIG_FRAGMENTS = [
  '/**/',
  '/*\n*/',
  '/*/ # // "*/',
  '#\n',
  '//\n',
  '"\\a\\"\\\\" ',
  'a',
  'a/b/',
  '/*/',
  '{;}',
  'key "k" { algorithm hmac-sha256; secret "c2VjcmV0"; };\n',
  '\\',
];

/** `fragment` repeated to `size` characters. */
export function repeatTo(fragment: string, size: number): string {
  return fragment.repeat(Math.ceil(size / fragment.length)).slice(0, size);
}

/** Up to 1 MiB of log lines, each `prefix` + one fragment repeated + an ending. */
export function adversarialLog(rng: Rng): Buffer {
  const prefix = rng.pick(LOG_PREFIXES);
  const fragment = rng.pick(LOG_FRAGMENTS);
  const ending = rng.pick(LOG_ENDINGS);
  // Just under the 16 KiB the parser looks at, or short lines of the same total.
  const length = rng.pick([1000, 4000, 16_000, 16_300]);
  const line =
    repeatTo(
      `${prefix}${fragment.repeat(Math.ceil(length / fragment.length))}`,
      length - ending.length,
    ) + ending;
  const total = rng.range(256 * 1024, 1024 * 1024);
  return Buffer.from(`${line}\n`.repeat(Math.max(1, Math.floor(total / (line.length + 1)))));
}

/** 1–2 MiB of one configuration construct, bare or inside a statement or a string. */
export function adversarialConfig(rng: Rng): Buffer {
  const fragment = rng.pick(CONFIG_FRAGMENTS);
  // One token per byte costs an object per byte (linear, but heavy in a 256 MiB worker heap).
  const size =
    fragment === '{;}' ? rng.range(64 * 1024, 256 * 1024) : rng.range(1024 * 1024, 2 * 1024 * 1024);
  const run = repeatTo(fragment, size);
  switch (rng.int(4)) {
    case 0:
      return Buffer.from(`key "k" {\n\talgorithm hmac-sha256;\n\tsecret "${run}";\n};\n`);
    case 1:
      return Buffer.from(`key "k" { ${run} };\n`);
    default:
      return Buffer.from(run);
  }
}

/** Runs inside an nsupdate line: escapes, quotes, parentheses, long names. */
const NSUPDATE_FRAGMENTS = ['"\\\\"', '\\', 'a.', '( ', '; ', ' ', '"', '\\"', 'a\\.', '\t'];
const NSUPDATE_PREFIXES = [
  'update add x 300 TXT ',
  'update add ',
  'prereq yxrrset ',
  'server ',
  '',
];

/** One long nsupdate line (256 KiB – 1 MiB) of a repeated fragment, then `send`. */
export function adversarialNsupdate(rng: Rng): Buffer {
  const run = repeatTo(rng.pick(NSUPDATE_FRAGMENTS), rng.range(256 * 1024, 1024 * 1024));
  return Buffer.from(`${rng.pick(NSUPDATE_PREFIXES)}${run}\nsend\n`);
}

/** Runs inside a zone file: parentheses, comments, quoted strings, escapes. */
const ZONE_FRAGMENTS = ['(', ';x\n', '"\\"', ' ', '\\', 'a.', '( ; )\n', '"'];

/** A zone file whose SOA (or what precedes it) is one long run (256 KiB – 1 MiB). */
export function adversarialZone(rng: Rng): Buffer {
  const run = repeatTo(rng.pick(ZONE_FRAGMENTS), rng.range(256 * 1024, 1024 * 1024));
  return Buffer.from(
    rng.chance(0.5)
      ? `$ORIGIN example.test.\n@ 300 IN SOA ns hostmaster ${run} 1 2 3 4 5\n`
      : `${run}\n@ 300 IN SOA ns hostmaster 1 2 3 4 5\n`,
  );
}
