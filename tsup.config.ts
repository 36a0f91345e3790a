import { chmod, writeFile } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import { join } from 'node:path';
import { defineConfig } from 'tsup';

// Source maps only when asked for (RNDC_SOURCEMAP=1 npm run build): the published package ships
// none, and the CLI never loads one at startup.
const sourcemap = process.env.RNDC_SOURCEMAP === '1';
// All-ASCII output: Node decodes an ASCII module on its fast path and V8 keeps it as a one-byte
// string, where one `…` anywhere makes the whole chunk two-byte. esbuild escapes non-ASCII in
// code (charset ascii); the comments it keeps are rewritten after the build.
const esbuildOptions = (options: { charset?: 'ascii' | 'utf8' }) => {
  options.charset = 'ascii';
};
// A tsup plugin, so that it rewrites the chunks of whatever output directory is built to.
const asciiComments = {
  name: 'ascii-comments',
  // Only comments still hold non-ASCII characters (esbuild escapes them in code).
  renderChunk: (code: string) => ({
    code: code.replace(/[^\p{ASCII}]/gu, (c) => `\\u{${c.codePointAt(0)?.toString(16)}}`),
  }),
};
// The CommonJS build loads its lazy parts — its own chunks and Node's built-in modules (a host
// name's lookup) — with `require`, as CommonJS does: a dynamic `import()` would start Node's ESM
// loader in the process (≈ 7 ms the first time) for nothing. Runs on esbuild's output, before
// rollup turns it into CommonJS (and leaves `require`, a free variable there, alone).
const lazyRequire = {
  name: 'lazy-require',
  renderChunk(this: { format: string }, code: string) {
    if (this.format !== 'cjs') return undefined;
    return {
      code: code.replace(/\bimport\((["'])([\w./:-]+)\1\)/g, (all, quote: string, path: string) =>
        /^\.\/[\w.-]+\.cjs$/.test(path) || isBuiltin(path)
          ? `Promise.resolve().then(() => require(${quote}${path}${quote}))`
          : all,
      ),
    };
  },
};
const entries = { index: 'src/index.ts', 'testing/index': 'src/testing/index.ts' };

// `dist/cli.js`, where the executable was before it became CommonJS: scripts that run
// `node …/dist/cli.js` keep working. Two lines, no code of its own (it runs dist/cli.cjs). A
// plugin of the CommonJS build, so that it lands in whatever output directory is built to.
const cliShim = {
  name: 'cli-shim',
  async buildEnd(this: { options: { outDir: string } }) {
    const file = join(this.options.outDir, 'cli.js');
    await writeFile(file, "#!/usr/bin/env node\nimport './cli.cjs';\n");
    await chmod(file, 0o755);
  },
};

// Two module formats: ESM (`import`) and CommonJS (`require`), each with declarations. Shared
// chunks in both: `rndc` and `rndc/testing` must share one copy of each class, or a `Key` from
// `startNamed()` fails `instanceof Key` in `RndcClient` (package.test.ts).
//
// The `rndc-js` executable, `dist/cli.cjs`, is an entry of the CommonJS build: it shares the
// library's CommonJS chunks instead of carrying a second copy, and each command family it loads
// lazily is a chunk of its own, loaded only by that command. CommonJS because Node 20's ESM loader
// costs a process about 7 ms more to start (`rndc-js status`: bench/cli.bench.ts). Its shebang
// is src/cli/main.ts's first line (esbuild keeps an entry's hashbang; tsup marks files starting
// with `#!` executable).
export default defineConfig([
  {
    entry: entries,
    format: ['esm'],
    dts: { entry: entries },
    sourcemap,
    esbuildOptions,
    clean: true,
    target: 'node20',
    platform: 'node',
    splitting: true,
    tsconfig: 'tsconfig.build.json',
    plugins: [asciiComments],
  },
  {
    entry: { ...entries, cli: 'src/cli/main.ts' },
    format: ['cjs'],
    // Through rollup (tsup's tree-shaking step) rather than tsup's default CommonJS splitting,
    // which converts the chunks with sucrase and so also rewrites every `?.` and `??` into a
    // helper call with a closure per evaluation (326 of them): slower CommonJS for no reason on
    // Node 20. Rollup keeps the syntax; the exports of both entries are unchanged.
    treeshake: true,
    dts: { entry: entries },
    sourcemap,
    esbuildOptions,
    // The first element cleans the output directory; this one must not remove its output.
    clean: false,
    // `import.meta.url` (src/log.ts finds `debug` from it) as the CommonJS file's own URL.
    shims: true,
    target: 'node20',
    platform: 'node',
    splitting: true,
    tsconfig: 'tsconfig.build.json',
    plugins: [asciiComments, lazyRequire, cliShim],
  },
]);
