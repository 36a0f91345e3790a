// Differential corpus (issue 13, "How it is measured"): every script under
// test/fixtures/nsupdate-corpus/ — our rewrites of the `$NSUPDATE` heredocs of BIND's system tests
// plus hand-made cases for each item of the issue — runs through the real `nsupdate` of the version
// under test against zone twin A and through `rndc-js update` (src/cli, in-process, from source)
// against twin B of the same named, both with the same `-k` key file. Compared: stdout, stderr,
// exit status (twin names and message IDs normalised) and every twin zone's AXFR afterwards.
//
// Every script gets its own twin zones (`cNNNa.test` / `cNNNb.test`, names of equal length so
// nsupdate's columns line up), so scripts run concurrently and never see each other's changes.
//
// The test asserts 100 % agreement except for EXCEPTIONS below, in both directions: a
// disagreement missing from the table fails, and so does an entry that no longer disagrees (the
// table must shrink as the fixes land). To see the current disagreements as table rows:
//
//   NSUPDATE_CORPUS_PRINT=1 RNDC_BIND_VERSION=9.20 npx vitest run test/integration/nsupdate-corpus.test.ts
//
// or `node scripts/nsupdate-corpus-table.mjs`, which runs all three versions and prints one merged
// table (see that script). NSUPDATE_CORPUS_DIFF=1 also prints both sides of each disagreement.
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import type { BindVersion } from '../../src/testing/bind-versions.js';
import {
  freePort,
  type NamedInstance,
  runBinary,
  startNamed,
  type ZoneSpec,
} from '../../src/testing/index.js';
import { receiveAxfr } from '../../src/xfr/axfr.js';
import { fakeIo } from '../helpers/cli-io.js';
import { type Aspect, EXCEPTIONS } from './nsupdate-corpus-exceptions.js';

const CORPUS = resolve(import.meta.dirname, '../fixtures/nsupdate-corpus');

/** One script of the corpus, as listed in manifest.json. */
interface CorpusEntry {
  /** Path below the corpus directory. */
  readonly file: string;
  /** Where it comes from: the BIND system test (repository path, branch, line) or the issue item. */
  readonly source: string;
  /** nsupdate flags given to both tools (before `-k`). */
  readonly flags?: readonly string[];
  /** More zones to serve for both twins, as templates (`sub.ZONE`); ZONE is always served. */
  readonly zones?: readonly string[];
}

interface Manifest {
  readonly scripts: readonly CorpusEntry[];
  readonly skipped: readonly { readonly source: string; readonly reason: string }[];
}

const fullManifest = JSON.parse(readFileSync(join(CORPUS, 'manifest.json'), 'utf8')) as Manifest;
/** NSUPDATE_CORPUS_ONLY=text runs only the scripts whose path contains it (for debugging). */
const only = process.env.NSUPDATE_CORPUS_ONLY;
const manifest: Manifest = only
  ? { ...fullManifest, scripts: fullManifest.scripts.filter((e) => e.file.includes(only)) }
  : fullManifest;

const ASPECTS: readonly Aspect[] = ['stdout', 'stderr', 'exit', 'zone'];

/** The twin label of script `index`: `c007a` for A (nsupdate), `c007b` for B (rndc-js). */
const twinLabel = (index: number, twin: 'a' | 'b') => `c${String(index).padStart(3, '0')}${twin}`;

/**
 * The script text for one twin: the header line goes, tokens become the twin's names.
 * RZONE: a reverse zone (`<label>.in-addr.arpa`); ZONE: the forward zone (`<label>.test`);
 * PORT: named's DNS port; DEADPORT: a port nothing listens on.
 */
function instantiate(text: string, label: string, ports: { dns: number; dead: number }): string {
  return text
    .split('\n')
    .slice(1)
    .join('\n')
    .replaceAll('RZONE', `${label}.in-addr.arpa`)
    .replaceAll('ZONE', `${label}.test`)
    .replaceAll('DEADPORT', String(ports.dead))
    .replaceAll('PORT', String(ports.dns));
}

/** The zones of one twin of a script. */
function zonesOf(entry: CorpusEntry, text: string, label: string): string[] {
  const zones = [`${label}.test`];
  if (text.includes('RZONE')) zones.push(`${label}.in-addr.arpa`);
  for (const template of entry.zones ?? [])
    zones.push(template.replaceAll('ZONE', `${label}.test`));
  return zones;
}

// Records every twin zone starts with (besides startNamed's SOA, NS, ns, www, txt), so that the
// scripts' deletes and prerequisites meet existing data.
const RECORDS = [
  'old 300 A 192.0.2.50',
  'old 300 A 192.0.2.51',
  'old 300 TXT "old text"',
  'mx 300 MX 10 mail',
  'mail 300 A 192.0.2.25',
  't 300 TXT "t"',
  'c 300 A 192.0.2.3',
  'd 300 A 192.0.2.4',
];

/**
 * A TSIG record line (`answer`'s TSIG pseudosection): owner ttl ANY TSIG algorithm time fudge
 * mac-size [mac] original-id error other-size …; the time signed, the MAC and the original ID
 * vary from run to run.
 */
function normaliseTsigLine(line: string): string {
  const fields = line.split(/(\s+)/);
  // fields alternate word, space: words at even indexes.
  const words = fields.filter((_, i) => i % 2 === 0);
  if (words[2] !== 'ANY' || words[3] !== 'TSIG' || words.length < 10) return line;
  const macSize = Number(words[7]);
  const at = (word: number) => word * 2;
  fields[at(5)] = 'TIME';
  if (macSize > 0) fields[at(8)] = 'MAC';
  fields[at(macSize > 0 ? 9 : 8)] = 'ID';
  return fields.join('');
}

/** Text with the twin's label, message IDs, time stamps and TSIG variables normalised. */
function normaliseText(text: string, label: string): string {
  return (
    text
      .replace(new RegExp(label, 'gi'), 'TWIN')
      // nsupdate's log lines (dns_rdata_fromtext: …) start with a time stamp and name a buffer
      // by its address.
      .replace(/^\d\d-[A-Z][a-z]{2}-\d{4} \d\d:\d\d:\d\d\.\d{3} /gm, 'TIME ')
      .replace(/buffer-0x[0-9a-f]+/g, 'buffer-0xADDR')
      // The ID is right-aligned in a field whose width depends on the number.
      .replace(/(status: [A-Z]+, id:) +\d+/g, '$1 N')
      .split('\n')
      .map(normaliseTsigLine)
      .join('\n')
  );
}

/** rndc-js's own lines (warnings, notes; documented) come after nsupdate's text. */
const withoutOwnLines = (stderr: string) =>
  stderr
    .split('\n')
    .filter((line) => !line.startsWith('rndc-js: '))
    .join('\n');

/**
 * The zone as named serves it after the scripts, via this library's AXFR client (no dig process
 * per zone: 500 of them cost more than the scripts). Each record is `owner ttl class type` and its
 * RDATA in hex, straight from the wire, so that the comparison does not depend on our codecs.
 */
/** The twin label inside hex RDATA, either case of each letter. */
const hexPattern = (label: string) =>
  new RegExp(
    [...label]
      .map((c) => {
        const [lower, upper] = [c.toLowerCase(), c.toUpperCase()].map((x) =>
          Buffer.from(x).toString('hex'),
        );
        return lower === upper ? lower : `(?:${lower}|${upper})`;
      })
      .join(''),
    'g',
  );

async function axfrLines(port: number, zone: string, label: string): Promise<string[]> {
  const lines: string[] = [];
  const done = await receiveAxfr({
    host: '127.0.0.1',
    port,
    zone,
    key: named.keys['hmac-sha256'],
    timeoutMs: 30_000,
    onRecords: (records) => {
      for (const r of records) {
        const rdata = r.rdata.toString('hex').replace(hexPattern(label), '<TWIN>');
        lines.push(
          normaliseText(`${r.name.toString()} ${r.ttl} ${r.class} ${r.type} ${rdata}`, label),
        );
      }
    },
  });
  if (done.isErr()) return [`AXFR of ${normaliseText(zone, label)} failed: ${done.error.kind}`];
  return lines.sort();
}

interface Side {
  stdout: string;
  stderr: string;
  exit: string;
  zone: string;
}

interface Outcome {
  readonly entry: CorpusEntry;
  readonly theirs: Side;
  readonly ours: Side;
  readonly differs: readonly Aspect[];
}

let named: NamedInstance;
let version: BindVersion;
let dir: string;
let keyFile: string;
let deadPort: number;
const texts = manifest.scripts.map((entry) => readFileSync(join(CORPUS, entry.file), 'utf8'));
const outcomes = new Map<string, Outcome>();
const timing = { start: 0, run: 0, slowest: [] as [number, string][] };

async function runScript(entry: CorpusEntry, index: number): Promise<Outcome> {
  const text = texts[index]!;
  const ports = { dns: named.dnsPort, dead: deadPort };
  const a = twinLabel(index, 'a');
  const b = twinLabel(index, 'b');
  // A reply that never comes (named drops what it cannot parse) costs 2 s, not nsupdate's 12.
  const flags = entry.flags ?? [];
  const retries = flags.includes('-u') || flags.includes('-r') ? [] : ['-u', '1', '-r', '1'];
  const args = [...retries, ...flags, '-k', keyFile];
  const [binary, library] = await Promise.all([
    runBinary('nsupdate', args, { input: instantiate(text, a, ports), timeoutMs: 60_000 }),
    (async () => {
      const io = fakeIo({ stdin: instantiate(text, b, ports) });
      // rndc-js follows the nsupdate of the version under test where versions differ.
      const exitCode = await runCli(['update', '--bind-version', version, ...args], io);
      return { stdout: io.out(), stderr: io.err(), exitCode };
    })(),
  ]);
  const zone = async (label: string) =>
    (await Promise.all(zonesOf(entry, text, label).map((z) => axfrLines(named.dnsPort, z, label))))
      .flat()
      .join('\n');
  const theirs: Side = {
    stdout: normaliseText(binary.stdout, a),
    stderr: normaliseText(binary.stderr, a),
    exit: String(binary.exitCode),
    zone: await zone(a),
  };
  const ours: Side = {
    stdout: normaliseText(library.stdout, b),
    stderr: normaliseText(withoutOwnLines(library.stderr), b),
    exit: String(library.exitCode),
    zone: await zone(b),
  };
  return {
    entry,
    theirs,
    ours,
    differs: ASPECTS.filter((aspect) => theirs[aspect] !== ours[aspect]),
  };
}

/** Runs `work` over `items`, `width` at a time. */
async function pool<T>(
  items: readonly T[],
  width: number,
  work: (item: T, index: number) => Promise<void>,
) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      await work(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: width }, worker));
}

beforeAll(async () => {
  const zones: ZoneSpec[] = [];
  manifest.scripts.forEach((entry, index) => {
    for (const twin of ['a', 'b'] as const) {
      for (const name of zonesOf(entry, texts[index]!, twinLabel(index, twin))) {
        zones.push({ name, kind: 'dynamic', records: name.endsWith('.test') ? RECORDS : [] });
      }
    }
  });
  const started = Date.now();
  named = await startNamed({ zones });
  timing.start = Date.now() - started;
  version = named.bindVersion ?? '9.18';
  deadPort = await freePort();
  dir = await mkdtemp(join(tmpdir(), 'nsupdate-corpus-'));
  const key = named.keys['hmac-sha256'];
  keyFile = join(dir, 'corpus.key');
  await writeFile(
    keyFile,
    `key "${key.name}" {\n\talgorithm hmac-sha256;\n\tsecret "${key.secretBytes().toString('base64')}";\n};\n`,
    { mode: 0o600 },
  );
  const ran = Date.now();
  await pool(manifest.scripts, 6, async (entry, index) => {
    const t = Date.now();
    outcomes.set(entry.file, await runScript(entry, index));
    timing.slowest.push([Date.now() - t, entry.file]);
  });
  timing.run = Date.now() - ran;
  timing.slowest.sort((x, y) => y[0] - x[0]).splice(5);
}, 240_000);

afterAll(async () => {
  await named?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const expectedFor = (script: string) =>
  EXCEPTIONS.filter((e) => e.script === script && e.versions.includes(version)).map(
    (e) => e.aspect,
  );

describe('nsupdate differential corpus: nsupdate and rndc-js update agree', () => {
  it('the corpus is not empty and every script file is listed once', () => {
    expect(fullManifest.scripts.length).toBeGreaterThan(250);
    expect(new Set(manifest.scripts.map((e) => e.file)).size).toBe(manifest.scripts.length);
    for (const e of EXCEPTIONS) {
      expect(
        manifest.scripts.some((s) => s.file === e.script),
        e.script,
      ).toBe(true);
    }
  });

  it.each(manifest.scripts.map((entry) => [entry.file, entry] as const))('%s', (file) => {
    const outcome = outcomes.get(file);
    expect(outcome, 'the script ran').toBeDefined();
    const differs = [...outcome!.differs].sort();
    const expected = [...expectedFor(file)].sort();
    if (process.env.NSUPDATE_CORPUS_DIFF && differs.length > 0) {
      for (const aspect of differs) {
        console.log(
          `--- ${file} ${aspect} (${version})\n[nsupdate]\n${outcome!.theirs[aspect]}\n[rndc-js]\n${outcome!.ours[aspect]}`,
        );
      }
    }
    // Unexpected disagreement: show both sides of the first one.
    for (const aspect of differs) {
      if (!expected.includes(aspect))
        expect(outcome!.ours[aspect], aspect).toBe(outcome!.theirs[aspect]);
    }
    // A listed exception that no longer disagrees: remove it from the table.
    expect(differs, 'exceptions listed for this script (stale entries must go)').toEqual(expected);
  });

  it('prints the corpus size and agreement counts', () => {
    const all = [...outcomes.values()];
    const agreeing = all.filter((o) => o.differs.length === 0).length;
    const byAspect = ASPECTS.map(
      (aspect) =>
        `${aspect} ${all.filter((o) => !o.differs.includes(aspect)).length}/${all.length}`,
    ).join(', ');
    const bind = manifest.scripts.filter((e) => e.file.startsWith('bind/')).length;
    console.log(
      `nsupdate corpus, BIND ${version}: ${all.length} scripts (${bind} from BIND's system tests, ${all.length - bind} hand-made; ${manifest.skipped.length} BIND scripts skipped); ` +
        `${agreeing} agree on everything; per aspect: ${byAspect}; exceptions listed: ${EXCEPTIONS.filter((e) => e.versions.includes(version)).length}; ` +
        `named started in ${timing.start} ms, scripts ran in ${timing.run} ms (slowest: ${timing.slowest.map(([ms, f]) => `${f} ${ms} ms`).join(', ')})`,
    );
    if (process.env.NSUPDATE_CORPUS_PRINT) {
      const rows = all.flatMap((o) =>
        o.differs.map((aspect) => {
          const known = EXCEPTIONS.find((e) => e.script === o.entry.file && e.aspect === aspect);
          return JSON.stringify({
            script: o.entry.file,
            aspect,
            version,
            reason: known?.reason ?? 'TODO',
          });
        }),
      );
      console.log(`NSUPDATE_CORPUS_ROWS ${version}\n${rows.join('\n')}\nNSUPDATE_CORPUS_ROWS_END`);
    }
    const json = process.env.NSUPDATE_CORPUS_JSON;
    if (json) {
      // For scripts/nsupdate-corpus-table.mjs: every disagreement with both sides.
      const rows = all.flatMap((o) =>
        o.differs.map((aspect) => ({
          script: o.entry.file,
          aspect,
          version,
          nsupdate: o.theirs[aspect],
          rndcJs: o.ours[aspect],
        })),
      );
      writeFileSync(json, `${JSON.stringify(rows, null, 1)}\n`);
    }
    expect(all).toHaveLength(manifest.scripts.length);
  });
});
