// The published shape: an ESM + CommonJS build with declarations, and both entry points load.
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runBinary } from '../../src/testing/index.js';

const root = resolve('.');
let dir: string;
let pkg: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rndc-package-'));
  pkg = join(dir, 'node_modules', 'rndc');
  mkdirSync(pkg, { recursive: true });
  const build = await runBinary(
    join(root, 'node_modules/.bin/tsup'),
    ['--out-dir', join(pkg, 'dist')],
    {
      cwd: root,
      timeoutMs: 120_000,
    },
  );
  expect(build.exitCode, build.stderr).toBe(0);
  cpSync(join(root, 'package.json'), join(pkg, 'package.json'));
  // Runtime dependencies resolve from the project's own node_modules.
  writeFileSync(join(dir, 'package.json'), '{"name":"consumer","private":true}');
  cpSync(join(root, 'node_modules'), join(dir, 'node_modules'), {
    recursive: true,
    filter: (source) =>
      !source.includes(`${join(root, 'node_modules')}/.`) || source.endsWith('node_modules'),
    dereference: false,
  });
}, 180_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('ships declarations for both formats and both entry points', () => {
  for (const file of [
    'index.js',
    'index.cjs',
    'index.d.ts',
    'index.d.cts',
    'testing/index.js',
    'testing/index.cjs',
    'testing/index.d.ts',
  ]) {
    expect(existsSync(join(pkg, 'dist', file)), file).toBe(true);
  }
});

it('loads with require() and with import', async () => {
  const cjs = await runBinary(
    process.execPath,
    [
      '-e',
      "const r = require('rndc'); const t = require('rndc/testing'); console.log(typeof r.RndcClient.connect, typeof r.parseKeyFile, typeof t.startNamed)",
    ],
    { cwd: dir },
  );
  expect(cjs.stderr).toBe('');
  expect(cjs.stdout.trim()).toBe('function function function');
  const esm = await runBinary(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      "import { RndcClient, parseKeyFile } from 'rndc'; import { startNamed } from 'rndc/testing'; console.log(typeof RndcClient.connect, typeof parseKeyFile, typeof startNamed)",
    ],
    { cwd: dir },
  );
  expect(esm.stderr).toBe('');
  expect(esm.stdout.trim()).toBe('function function function');
});
