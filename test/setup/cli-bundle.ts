// Vitest global setup: bundles the CLI from the current source once per test run, so that tests
// spawn `node <bundle>` (≈ 0.2 s) instead of `node --import tsx src/cli/main.ts` (≈ 0.85 s, a
// TypeScript transform of every module in every process). Built from src/ on every run, so a
// stale dist/ never decides a verdict; dependencies stay external (node_modules, as installed).
import { mkdir, rename } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { build } from 'esbuild';
import { CLI_BUNDLE } from '../helpers/cli-io.js';

export default async function setup(): Promise<void> {
  await mkdir(dirname(CLI_BUNDLE), { recursive: true });
  // Concurrent runs in one checkout build the same source: each writes its own file, then
  // renames it into place (atomic), so no run ever starts a half-written bundle.
  const partial = join(dirname(CLI_BUNDLE), `rndc-js.${process.pid}.mjs`);
  await build({
    entryPoints: [resolve('src/cli/main.ts')],
    outfile: partial,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'inline',
    tsconfig: resolve('tsconfig.build.json'),
    logLevel: 'error',
  });
  await rename(partial, CLI_BUNDLE);
}
