#!/usr/bin/env node
// Regenerates the exceptions table of test/integration/nsupdate-corpus.test.ts
// (test/integration/nsupdate-corpus-exceptions.ts) from what disagrees today:
//
//   node scripts/nsupdate-corpus-table.mjs            # every installed BIND version
//   node scripts/nsupdate-corpus-table.mjs 9.20       # only these versions (others' rows kept)
//   NSUPDATE_CORPUS_ONLY=hand/ node scripts/…         # only these scripts (others' rows kept)
//
// Runs the corpus test once per version (NSUPDATE_CORPUS_JSON makes it write its disagreements),
// merges the rows by script and aspect, keeps the reason of every entry already in the table and
// gives new ones a reason by the rules below (UNCLASSIFIED when none fits: write one by hand).
// Prints a summary grouped by reason.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const TABLE = join(ROOT, 'test/integration/nsupdate-corpus-exceptions.ts');
const ALL = ['9.16', '9.18', '9.20'];
const root = process.env.RNDC_BIND_ROOT || '/opt/bind';
const asked = process.argv.slice(2);
const versions = (asked.length > 0 ? asked : ALL).filter((v) =>
  existsSync(join(root, v, 'bin/named')),
);

/** Reason keys by the first rule that matches the script's name or either side's text. */
const RULES = [
  ['NO_CODEC', (r) => /can only be written in the generic form/.test(r.rndcJs)],
  ['CHECK_SVCB', (r) => /check-svcb/.test(r.nsupdate + r.rndcJs)],
  [
    'CHECK_NAMES',
    (r) =>
      /check-names failed/.test(r.nsupdate) || /owner-|-underscore-|check-names/.test(r.script),
  ],
  ['CLASS', (r) => /hand\/class-/.test(r.script)],
  ['LITERAL', (r) => /literal-|comment-after|open-paren|parens-around/.test(r.script)],
  ['DS_DISCOVERY', (r) => /hand\/ds-/.test(r.script)],
  ['GENERIC_VALIDATION', (r) => /hand\/generic-/.test(r.script)],
  ['TXT_NEWLINE', (r) => /txt-backslash-newline/.test(r.script)],
  ['META_TYPES', (r) => /meta type|not a record type/.test(r.rndcJs)],
  ['PARSE_TIME', (r) => /invalid rdata format|excessive iterations/.test(r.nsupdate)],
  ['TRANSPORT', (r) => /hand\/transport-/.test(r.script)],
  ['VERSION_HELP', (r) => /version-command|help-command/.test(r.script)],
  ['SERVER_NAME', (r) => /couldn't get address/.test(r.nsupdate)],
  ['DEBUG_COMMAND', (r) => /^Sending update to/m.test(r.nsupdate) && r.aspect === 'stderr'],
  ['KEY_DISCOVERY', (r) => /key-unknown/.test(r.script)],
  ['ANSWER_TSIG', (r) => /TSIG PSEUDOSECTION/.test(r.nsupdate)],
];

function run(version, file) {
  const result = spawnSync(
    'npx',
    ['vitest', 'run', 'test/integration/nsupdate-corpus.test.ts', '-t', 'prints'],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, RNDC_BIND_VERSION: version, NSUPDATE_CORPUS_JSON: file },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const summary = (result.stdout ?? '')
    .split('\n')
    .find((l) => l.includes('nsupdate corpus, BIND'));
  process.stderr.write(`${summary ?? `BIND ${version}: no summary (exit ${result.status})`}\n`);
  if (!existsSync(file)) throw new Error(`BIND ${version}: the test wrote no rows`);
  return JSON.parse(readFileSync(file, 'utf8'));
}

const text = readFileSync(TABLE, 'utf8');
const marker = '// --- generated below this line ---';
const head = text.slice(0, text.indexOf(marker) + marker.length);
const entryLine =
  /\{\s*script: '([^']+)',\s*aspect: '(\w+)',\s*versions: \[([^\]]*)\],\s*reason: R\.(\w+),?\s*\}/g;
const existing = new Map();
for (const m of text.matchAll(entryLine)) {
  existing.set(`${m[1]} ${m[2]}`, {
    script: m[1],
    aspect: m[2],
    versions: m[3]
      .split(',')
      .map((v) => v.trim().replace(/'/g, ''))
      .filter(Boolean),
    reason: m[4],
  });
}

const dir = mkdtempSync(join(tmpdir(), 'nsupdate-corpus-table-'));
const merged = new Map();
// Rows of versions not re-run are kept, and with NSUPDATE_CORPUS_ONLY those of other scripts.
const only = process.env.NSUPDATE_CORPUS_ONLY;
for (const e of existing.values()) {
  const rerun = only === undefined || e.script.includes(only);
  const kept = rerun ? e.versions.filter((v) => !versions.includes(v)) : e.versions;
  if (kept.length > 0) merged.set(`${e.script} ${e.aspect}`, { ...e, versions: kept });
}
const byScript = new Map();
for (const version of versions) {
  for (const row of run(version, join(dir, `${version}.json`))) {
    const key = `${row.script} ${row.aspect}`;
    const entry = merged.get(key) ?? { script: row.script, aspect: row.aspect, versions: [] };
    entry.versions = [...new Set([...entry.versions, version])].sort();
    merged.set(key, entry);
    byScript.set(row.script, [...(byScript.get(row.script) ?? []), row]);
  }
}
rmSync(dir, { recursive: true, force: true });

const ASPECTS = ['stdout', 'stderr', 'exit', 'zone'];
const reasonOf = (entry) => {
  const known = existing.get(`${entry.script} ${entry.aspect}`)?.reason;
  if (known) return known;
  // All aspects of one script share a cause: classify on all its rows.
  const rows = byScript.get(entry.script) ?? [];
  const all = {
    script: entry.script,
    aspect: entry.aspect,
    nsupdate: rows.map((r) => r.nsupdate).join('\n'),
    rndcJs: rows.map((r) => r.rndcJs).join('\n'),
  };
  return RULES.find(([, rule]) => rule(all))?.[0] ?? 'UNCLASSIFIED';
};
const entries = [...merged.values()]
  .map((e) => ({ ...e, reason: reasonOf(e) }))
  .sort(
    (a, b) =>
      a.reason.localeCompare(b.reason) ||
      a.script.localeCompare(b.script) ||
      ASPECTS.indexOf(a.aspect) - ASPECTS.indexOf(b.aspect),
  );
const lines = entries.map(
  (e) =>
    `  { script: '${e.script}', aspect: '${e.aspect}', versions: [${e.versions.map((v) => `'${v}'`).join(', ')}], reason: R.${e.reason} },`,
);
writeFileSync(
  TABLE,
  `${head}\nexport const EXCEPTIONS: readonly CorpusException[] = [\n${lines.join('\n')}\n];\n`,
);
const counts = new Map();
for (const e of entries) {
  const c = counts.get(e.reason) ?? { entries: 0, scripts: new Set() };
  c.entries++;
  c.scripts.add(e.script);
  counts.set(e.reason, c);
}
for (const [reason, c] of counts) {
  process.stderr.write(`${reason}: ${c.scripts.size} scripts, ${c.entries} entries\n`);
}
process.stderr.write(`wrote ${entries.length} entries to ${TABLE} (run biome format on it)\n`);
