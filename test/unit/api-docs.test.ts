// TSDoc on every export: TypeDoc's validation (typedoc.json: notExported, notDocumented,
// invalidLink, treatValidationWarningsAsErrors) must pass with no warning at all, and the
// generated reference under docs/api must list every runtime export of both entry points.
// After changing exports or doc comments, regenerate it: `npm run docs:api`.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import * as rndc from '../../src/index.js';
import * as testing from '../../src/testing/index.js';
import { runBinary } from '../../src/testing/index.js';

const root = resolve('.');

it('typedoc validation passes without a warning (npm run docs:check)', async () => {
  const run = await runBinary(
    process.execPath,
    [join(root, 'node_modules/typedoc/bin/typedoc'), '--emit', 'none'],
    { cwd: root, timeoutMs: 120_000, env: { NO_COLOR: '1', FORCE_COLOR: '0' } },
  );
  const output = `${run.stdout}${run.stderr}`;
  expect(output.split('\n').filter((line) => /\[(warning|error)\]/.test(line))).toEqual([]);
  expect(run.exitCode, output).toBe(0);
}, 120_000);

it.each([
  ['rndc', 'docs/api/rndc.md', rndc],
  ['rndc/testing', 'docs/api/rndc/testing.md', testing],
] as const)('docs/api documents every runtime export of %s', (_name, file, module) => {
  const reference = readFileSync(join(root, file), 'utf8');
  // Markdown escapes underscores: `### DEFAULT\_CONTROL\_PORT`.
  const headings = new Set(
    [...reference.matchAll(/^### ([\w\\]+)/gm)].map((match) => match[1]?.replaceAll('\\', '')),
  );
  const missing = Object.keys(module).filter((name) => !headings.has(name));
  expect(missing, 'regenerate the API reference: npm run docs:api').toEqual([]);
});
