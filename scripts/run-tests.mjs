#!/usr/bin/env node
// Runs the vitest suite and ends with the plain `N passed, N failed` line that CI reads.
//
// Unit tests run once. The integration suite (test/integration: real named, BIND's own tools,
// the examples and the demo) runs once per supported BIND version — 9.16, 9.18 and 9.20 from
// /opt/bind/<version> (scripts/bind-versions.sh) — with RNDC_BIND_VERSION set for that run.
// A per-version count is printed above the total.
//
//   npm test                               everything, every version
//   RNDC_BIND_VERSION=9.20 npm test        every test, BIND 9.20 only
//   npm test -- test/integration/cli.test.ts   only these files (unit files once, others per version)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const VERSIONS = ['9.16', '9.18', '9.20'];
const root = process.env.RNDC_BIND_ROOT || '/opt/bind';
const only = process.env.RNDC_BIND_VERSION;
if (only && !VERSIONS.includes(only)) {
  console.error(`RNDC_BIND_VERSION=${only} is not one of ${VERSIONS.join(', ')}`);
  process.exit(2);
}
const versions = only ? [only] : VERSIONS;

const args = process.argv.slice(2);
const options = args.filter((arg) => arg.startsWith('-'));
const files = args.filter((arg) => !arg.startsWith('-'));
const isUnit = (file) => file.startsWith('test/unit') || file.startsWith('./test/unit');
const unitFiles = files.length === 0 ? ['test/unit'] : files.filter(isUnit);
const integrationFiles =
  files.length === 0 ? ['test/integration'] : files.filter((f) => !isUnit(f));

mkdirSync('.test-results', { recursive: true });

/** Runs vitest once; returns its counts. */
function run(label, filters, env) {
  const resultsFile = join('.test-results', `${label.replace(/\s+/g, '-')}.json`);
  rmSync(resultsFile, { force: true });
  console.log(`\n=== ${label} ===`);
  const started = Date.now();
  const child = spawnSync(
    'npx',
    ['--no-install', 'vitest', 'run', `--outputFile.json=${resultsFile}`, ...options, ...filters],
    { stdio: 'inherit', env: { ...process.env, ...env } },
  );
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const failures = [];
  if (existsSync(resultsFile)) {
    const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
    passed = results.numPassedTests;
    failed = results.numFailedTests;
    skipped = results.numPendingTests + results.numTodoTests;
    // A file that failed to load has no tests in the counts; count it as a failure.
    failed += results.testResults.filter(
      (file) => file.status === 'failed' && file.assertionResults.length === 0,
    ).length;
    // Named again at the very end: CI keeps only the tail of the output.
    for (const file of results.testResults) {
      const name = file.name.replace(`${process.cwd()}/`, '');
      if (file.status === 'failed' && file.assertionResults.length === 0) {
        failures.push(`${name}: ${(file.message ?? '').split('\n')[0]}`);
      }
      for (const test of file.assertionResults) {
        if (test.status !== 'failed') continue;
        const why = (test.failureMessages?.[0] ?? '').split('\n')[0].slice(0, 300);
        failures.push(`${name} > ${test.fullName}\n      ${why}`);
      }
    }
  }
  if (child.status !== 0 && failed === 0) failed = 1;
  return {
    label,
    passed,
    failed,
    skipped,
    failures,
    seconds: Math.round((Date.now() - started) / 1000),
  };
}

const runs = [];
if (unitFiles.length > 0 && !only) runs.push(run('unit', unitFiles, {}));
if (integrationFiles.length > 0) {
  for (const version of versions) {
    if (!existsSync(join(root, version, 'bin', 'named'))) {
      // Not installed is a failure, not a skip: the suite promises every supported version.
      console.error(
        `\nBIND ${version} is not unpacked under ${root}/${version}: run scripts/setup.sh (or scripts/bind-versions.sh)`,
      );
      runs.push({
        label: `BIND ${version}`,
        passed: 0,
        failed: 1,
        skipped: 0,
        failures: [],
        seconds: 0,
      });
      continue;
    }
    runs.push(run(`BIND ${version}`, integrationFiles, { RNDC_BIND_VERSION: version }));
  }
}
if (only && unitFiles.length > 0) runs.push(run('unit', unitFiles, {}));

const line = (r) =>
  `${r.passed} passed, ${r.failed} failed${r.skipped ? `, ${r.skipped} skipped` : ''}`;
console.log('');
for (const r of runs) {
  for (const failure of r.failures) console.log(`FAILED (${r.label}) ${failure}`);
}
console.log('');
for (const r of runs) console.log(`${r.label.padEnd(9)} ${line(r)} (${r.seconds} s)`);
const total = runs.reduce(
  (sum, r) => ({
    passed: sum.passed + r.passed,
    failed: sum.failed + r.failed,
    skipped: sum.skipped + r.skipped,
  }),
  { passed: 0, failed: 0, skipped: 0 },
);
console.log(`\n${line(total)}`);
process.exit(total.failed === 0 ? 0 : 1);
