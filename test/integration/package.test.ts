// The published package, as a consumer gets it: `npm pack`, install the tarball into a scratch
// project WITHOUT network (`npm install --offline`, with the runtime dependencies packed from the
// project's node_modules, so not even registry metadata is needed), then run one example as ESM and one as CommonJS against a real named,
// type-check a consumer of each flavour, and run the `rndc-js` bin.
//
// The build goes to a staging copy of the repository, not to ./dist, so that this test never
// races with someone building the work tree; `npm pack` then applies package.json `files` to that
// copy exactly as it would to the repository.
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NamedInstance, runBinary, startNamed } from '../../src/testing/index.js';
import { leakedForms } from '../helpers/canary.js';

const root = resolve('.');
const npm = 'npm';
/** Top-level entries of the work tree that are never part of a build or a package. */
const NOT_STAGED = new Set(['node_modules', '.git', 'dist', '.test-results', 'coverage']);

let dir: string;
let stage: string;
let consumer: string;
let tarball: string;
let packedFiles: string[] = [];

/** Runs npm quietly (no update notifier, no funding/audit chatter). */
function runNpm(args: readonly string[], cwd: string, timeoutMs = 120_000) {
  return runBinary(npm, args, {
    cwd,
    timeoutMs,
    env: { npm_config_update_notifier: 'false', npm_config_fund: 'false' },
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rndc-package-'));
  stage = join(dir, 'stage');
  consumer = join(dir, 'consumer');
  cpSync(root, stage, {
    recursive: true,
    filter: (source) => {
      const top = relative(root, source).split('/')[0] ?? '';
      return !NOT_STAGED.has(top) && !top.startsWith('.scratch');
    },
  });
  // tsup.config.ts as the repository has it (both formats, declarations, the CLI entry), but into
  // the staging copy.
  const build = await runBinary(
    join(root, 'node_modules/.bin/tsup'),
    ['--out-dir', join(stage, 'dist')],
    {
      cwd: root,
      timeoutMs: 180_000,
    },
  );
  expect(build.exitCode, build.stderr).toBe(0);

  // `prepack` builds into ./dist of the package directory; the build above already did that.
  const pack = await runNpm(
    ['pack', '--json', '--ignore-scripts', '--pack-destination', dir],
    stage,
  );
  expect(pack.exitCode, pack.stderr).toBe(0);
  const report = JSON.parse(pack.stdout) as Array<{ filename: string; files: { path: string }[] }>;
  const packed = report[0];
  if (!packed) throw new Error(`npm pack reported nothing: ${pack.stdout}`);
  tarball = join(dir, packed.filename);
  packedFiles = packed.files.map((file) => file.path);

  // The runtime dependencies are packed from the project's own node_modules too: `npm ci` caches
  // tarballs but not registry metadata, so on a fresh machine an offline install could not
  // resolve `debug@^4` from the registry — and the test must not need the network.
  const dependencyTarballs: string[] = [];
  for (const name of runtimeDependencyClosure()) {
    const packed = await runNpm(
      [
        'pack',
        '--json',
        '--ignore-scripts',
        '--pack-destination',
        dir,
        join(root, 'node_modules', name),
      ],
      dir,
    );
    expect(packed.exitCode, packed.stderr).toBe(0);
    const [entry] = JSON.parse(packed.stdout) as Array<{ filename: string }>;
    if (!entry) throw new Error(`npm pack ${name} reported nothing`);
    dependencyTarballs.push(join(dir, entry.filename));
  }

  mkdirSync(consumer);
  writeFileSync(join(consumer, 'package.json'), '{"name":"consumer","private":true}\n');
  const install = await runNpm(
    [
      'install',
      '--offline',
      '--no-audit',
      '--no-fund',
      '--no-package-lock',
      tarball,
      ...dependencyTarballs,
    ],
    consumer,
  );
  expect(install.exitCode, `${install.stdout}\n${install.stderr}`).toBe(0);
}, 300_000);

/** The package's runtime dependencies and theirs, as installed in the project's node_modules. */
function runtimeDependencyClosure(): string[] {
  const seen = new Set<string>();
  const visit = (packageDir: string) => {
    const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
    };
    for (const name of Object.keys(manifest.dependencies ?? {})) {
      if (seen.has(name)) continue;
      seen.add(name);
      visit(join(root, 'node_modules', name));
    }
  };
  visit(root);
  return [...seen].sort();
}

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the tarball', () => {
  it('holds the build, the docs, README and LICENSE — and nothing else', () => {
    for (const file of [
      'package.json',
      'README.md',
      'LICENSE',
      'dist/index.js',
      'dist/index.cjs',
      'dist/index.d.ts',
      'dist/index.d.cts',
      'dist/testing/index.js',
      'dist/testing/index.cjs',
      'dist/testing/index.d.ts',
      'dist/testing/index.d.cts',
      'dist/cli.cjs',
      'dist/cli.js',
      'docs/troubleshooting.md',
      'docs/api/rndc.md',
      'alerts/rndc-durability.rules.yml',
    ]) {
      expect(packedFiles, file).toContain(file);
    }
    const unexpected = packedFiles.filter(
      (file) =>
        !/^(dist|docs|alerts)\//.test(file) &&
        !['package.json', 'README.md', 'LICENSE'].includes(file),
    );
    expect(unexpected).toEqual([]);
    // No sources, tests, fixtures, test results or key files.
    expect(packedFiles.filter((file) => /(^|\/)(src|test|\.test-results)\//.test(file))).toEqual(
      [],
    );
    expect(packedFiles.filter((file) => /\.(key|private|pem)$|rndc\.conf$/.test(file))).toEqual([]);
  });

  it('no source maps; the CLI keeps its shebang and shares the library code (no second copy)', () => {
    expect(packedFiles.filter((file) => file.endsWith('.map'))).toEqual([]);
    const cli = readFileSync(join(stage, 'dist/cli.cjs'), 'utf8');
    expect(cli.startsWith('#!/usr/bin/env node\n')).toBe(true);
    // RndcClient's class is defined once per module format, whichever entry loads it: the CLI
    // (CommonJS) shares the chunks of the library's `require` build.
    for (const format of [/^dist\/.*\.js$/, /^dist\/.*\.cjs$/]) {
      const files = packedFiles.filter((file) => format.test(file));
      const definitions = files.filter((file) =>
        /^var RndcClient = class|^class RndcClient\b/m.test(
          readFileSync(join(stage, file), 'utf8'),
        ),
      );
      expect(definitions, String(format)).toHaveLength(1);
      expect(definitions, String(format)).not.toContain('dist/cli.cjs');
    }
    // The CommonJS files keep Node 20's own syntax (no `?.`/`??` rewritten into helper calls)
    // and load their lazy parts with require: an import() would start the ESM loader.
    for (const file of packedFiles.filter((f) => /^dist\/.*\.cjs$/.test(f))) {
      const code = readFileSync(join(stage, file), 'utf8');
      expect(code, file).not.toMatch(/_optionalChain\(|_nullishCoalesce\(/);
      expect(code, file).not.toMatch(/\bimport\(/);
    }
  });

  it('installs offline with its runtime dependencies only', () => {
    for (const dep of ['rndc', 'debug', 'ms', 'ts-results-es']) {
      expect(existsSync(join(consumer, 'node_modules', dep, 'package.json')), dep).toBe(true);
    }
    for (const dev of ['vitest', 'tsup', 'typescript', 'fast-check']) {
      expect(existsSync(join(consumer, 'node_modules', dev)), dev).toBe(false);
    }
  });
});

describe('consumers', () => {
  const esm = `
import { createRequire } from 'node:module';
import { RndcClient, Update, UpdateClient } from 'rndc';
import { startNamed } from 'rndc/testing';

const named = await startNamed();
const rndc = RndcClient.connect({ port: named.controlPort, key: named.keys['hmac-sha256'] });
const updates = new UpdateClient({ server: '127.0.0.1', port: named.dnsPort, key: named.keys['hmac-sha256'] });
try {
  const status = (await rndc.status()).unwrap();
  console.log(\`esm status: \${status.version}, \${status.numberOfZones} zones\`);
  const sent = await updates.send(new Update('dyn.test').add('esm 300 A 192.0.2.10'));
  console.log(\`esm update: \${sent.isOk() ? 'ok' : sent.error.describe()}\`);
  const zone = (await rndc.zonestatus('dyn.test')).unwrap();
  console.log(\`esm zonestatus: dynamic \${zone.dynamic}\`);
  // The CommonJS copy of the package in the same process: keys cross in both directions.
  const cjs = createRequire(import.meta.url)('rndc');
  const esmKey = named.keys['hmac-sha256'];
  const crossed = cjs.RndcClient.connect({ port: named.controlPort, key: esmKey });
  const viaCjs = await crossed.status();
  console.log(\`esm key, cjs client: \${viaCjs.isOk() ? 'ok' : viaCjs.error.message}\`);
  await crossed.close();
  const secret = esmKey.secretBytes().toString('base64');
  const cjsKey = cjs.Key.from({ name: esmKey.name, algorithm: 'hmac-sha256', secret }).unwrap();
  const back = RndcClient.connect({ port: named.controlPort, key: cjsKey });
  const viaEsm = await back.status();
  console.log(\`cjs key, esm client: \${viaEsm.isOk() ? 'ok' : viaEsm.error.message}\`);
  await back.close();
} finally {
  updates.close();
  await rndc.close();
  await named.stop();
}
console.log('esm done');
`;

  const cjs = `
const { RndcClient, Update, UpdateClient } = require('rndc');
const { startNamed } = require('rndc/testing');

async function main() {
  const named = await startNamed();
  const rndc = RndcClient.connect({ port: named.controlPort, key: named.keys['hmac-sha256'] });
  const updates = new UpdateClient({ server: '127.0.0.1', port: named.dnsPort, key: named.keys['hmac-sha256'] });
  try {
    const status = (await rndc.status()).unwrap();
    console.log(\`cjs status: \${status.version}, \${status.numberOfZones} zones\`);
    const sent = await updates.send(new Update('dyn.test').add('cjs 300 A 192.0.2.11'));
    console.log(\`cjs update: \${sent.isOk() ? 'ok' : sent.error.describe()}\`);
    const missing = await rndc.zonestatus('no-such.zone');
    console.log(\`cjs missing zone: \${missing.isErr() ? missing.error.kind : 'found?'}\`);
  } finally {
    updates.close();
    await rndc.close();
    await named.stop();
  }
  console.log('cjs done');
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
`;

  // Neither script calls process.exit: each must end on its own, i.e. leave no open handle.
  it('an ESM script (import) starts named, reads status, sends an update and exits by itself', async () => {
    writeFileSync(join(consumer, 'example.mjs'), esm);
    const run = await runBinary(process.execPath, ['example.mjs'], {
      cwd: consumer,
      timeoutMs: 60_000,
    });
    expect(run.timedOut, 'the script did not exit by itself').toBe(false);
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/^esm status: BIND 9\.\d+\.\d+.*, \d+ zones$/m);
    expect(run.stdout).toMatch(/^esm update: ok$/m);
    expect(run.stdout).toMatch(/^esm zonestatus: dynamic true$/m);
    expect(run.stdout).toMatch(/^esm key, cjs client: ok$/m);
    expect(run.stdout).toMatch(/^cjs key, esm client: ok$/m);
    expect(run.stdout).toMatch(/^esm done$/m);
    expect(leakedForms(run.stdout + run.stderr)).toEqual([]);
  });

  it('a CommonJS script (require) does the same and exits by itself', async () => {
    writeFileSync(join(consumer, 'example.cjs'), cjs);
    const run = await runBinary(process.execPath, ['example.cjs'], {
      cwd: consumer,
      timeoutMs: 60_000,
    });
    expect(run.timedOut, 'the script did not exit by itself').toBe(false);
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/^cjs status: BIND 9\.\d+\.\d+.*, \d+ zones$/m);
    expect(run.stdout).toMatch(/^cjs update: ok$/m);
    expect(run.stdout).toMatch(/^cjs missing zone: not-found$/m);
    expect(run.stdout).toMatch(/^cjs done$/m);
    expect(leakedForms(run.stdout + run.stderr)).toEqual([]);
  });

  it('the declarations type-check for import (ESM) and require (CommonJS) consumers', async () => {
    const typed = (flavour: string) => `
const key = { name: 'k', algorithm: 'hmac-sha256', secret: 'c2VjcmV0' };
const client: rndc.RndcClient = rndc.RndcClient.connect({ port: 953, key });
export async function ${flavour}(): Promise<string> {
  const status = await client.status();
  if (status.isErr()) {
    const kind: rndc.RndcErrorKind = status.error.kind;
    return kind + status.error.describe();
  }
  // Always printed by named: not optional.
  const zones: number = status.value.numberOfZones;
  const version: string = status.value.version;
  // The Result types come from the package itself (no direct ts-results-es dependency).
  const again: rndc.Result<rndc.ServerStatus, rndc.RndcError> = await client.status({
    timeoutMs: undefined,
    signal: undefined,
  });
  const ok: rndc.Ok<rndc.ServerStatus> | rndc.Err<rndc.RndcError> = again;
  // exactOptionalPropertyTypes: explicit undefined means "the default".
  rndc.RndcClient.connect({ host: undefined, port: undefined, key, timeoutMs: undefined });
  new rndc.UpdateClient({ server: '127.0.0.1', port: undefined, key: undefined }).close();
  // @ts-expect-error -- the types are real: a port is a number, not a string
  rndc.RndcClient.connect({ port: '953', key });
  const named: testing.NamedInstance = await testing.startNamed();
  await named.stop();
  return String(zones) + version + String(ok.isOk());
}
`;
    writeFileSync(
      join(consumer, 'esm.mts'),
      `import * as rndc from 'rndc';\nimport * as testing from 'rndc/testing';\n${typed('esm')}`,
    );
    writeFileSync(
      join(consumer, 'cjs.cts'),
      `import rndc = require('rndc');\nimport testing = require('rndc/testing');\n${typed('cjs')}`,
    );
    writeFileSync(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'node16',
          moduleResolution: 'node16',
          target: 'ES2022',
          strict: true,
          exactOptionalPropertyTypes: true,
          noEmit: true,
          skipLibCheck: false,
          // The consumer's own @types/node: borrowed from this repository.
          typeRoots: [join(root, 'node_modules/@types')],
          types: ['node'],
        },
        files: ['esm.mts', 'cjs.cts'],
      }),
    );
    const tsc = await runBinary(
      process.execPath,
      [join(root, 'node_modules/typescript/bin/tsc'), '-p', '.'],
      {
        cwd: consumer,
        timeoutMs: 120_000,
      },
    );
    expect(`${tsc.stdout}${tsc.stderr}`).toBe('');
    expect(tsc.exitCode).toBe(0);
    // moduleResolution node10 (TypeScript's old `node`) has no `exports`: `rndc/testing` resolves
    // through package.json `typesVersions`.
    writeFileSync(
      join(consumer, 'node10.ts'),
      "import { RndcClient } from 'rndc';\nimport { type NamedInstance, startNamed } from 'rndc/testing';\nexport const start: () => Promise<NamedInstance> = () => startNamed();\nexport const client: typeof RndcClient = RndcClient;\n",
    );
    writeFileSync(
      join(consumer, 'tsconfig.node10.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'commonjs',
          moduleResolution: 'node10',
          target: 'ES2022',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          typeRoots: [join(root, 'node_modules/@types')],
          types: ['node'],
        },
        files: ['node10.ts'],
      }),
    );
    const node10 = await runBinary(
      process.execPath,
      [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.node10.json'],
      { cwd: consumer, timeoutMs: 120_000 },
    );
    expect(`${node10.stdout}${node10.stderr}`).toBe('');
    expect(node10.exitCode).toBe(0);
    // tsc type-checks two consumers with full lib checks: over 30 s on a loaded 2-core machine.
  }, 240_000);
});

describe('the rndc-js bin', () => {
  let named: NamedInstance | undefined;
  afterAll(async () => {
    await named?.stop();
  });

  it('is installed and prints its version', async () => {
    const bin = join(consumer, 'node_modules/.bin/rndc-js');
    expect(existsSync(bin), 'node_modules/.bin/rndc-js (package.json "bin")').toBe(true);
    const run = await runBinary(bin, ['--version'], { cwd: consumer });
    expect(run.exitCode, run.stderr).toBe(0);
    const version = (
      JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }
    ).version;
    expect(run.stdout).toContain(version);
  });

  it('runs `status` against a named, configured by an rndc.conf', async () => {
    named = await startNamed();
    const run = await runBinary(
      join(consumer, 'node_modules/.bin/rndc-js'),
      ['-c', named.rndcConfFile(), 'status'],
      { cwd: consumer },
    );
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/^version: BIND 9\./m);
    expect(run.stdout).toMatch(/^server is up and running$/m);
  });

  it('still runs as dist/cli.js (its path before it became CommonJS): a two-line forward', async () => {
    const shim = join(consumer, 'node_modules/rndc/dist/cli.js');
    expect(readFileSync(shim, 'utf8')).toBe("#!/usr/bin/env node\nimport './cli.cjs';\n");
    named ??= await startNamed();
    const run = await runBinary(process.execPath, [shim, '-c', named.rndcConfFile(), 'status'], {
      cwd: consumer,
    });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/^server is up and running$/m);
    // Exit statuses pass through: a usage error is 1, as from dist/cli.cjs.
    const usage = await runBinary(process.execPath, [shim, '--no-such-option'], { cwd: consumer });
    expect(usage.exitCode).toBe(1);
    expect(usage.stderr).toContain('rndc-js');
  });
});
