import { defineConfig } from 'tsup';

// One build, two module formats: ESM (`import`) and CommonJS (`require`), each with declarations.
// The `rndc-js` executable is a second, ESM-only element: `dist/cli.js` with a shebang (tsup
// marks files starting with `#!` executable).
export default defineConfig([
  {
    entry: { index: 'src/index.ts', 'testing/index': 'src/testing/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    platform: 'node',
    // Shared chunks, in both formats: `rndc` and `rndc/testing` must share one copy of each class,
    // or a `Key` from `startNamed()` fails `instanceof Key` in `RndcClient` (package.test.ts).
    splitting: true,
    tsconfig: 'tsconfig.build.json',
  },
  {
    entry: { cli: 'src/cli/main.ts' },
    format: ['esm'],
    dts: false,
    sourcemap: true,
    // The first element cleans the output directory; this one must not remove its output.
    clean: false,
    target: 'node20',
    platform: 'node',
    splitting: false,
    tsconfig: 'tsconfig.build.json',
    banner: { js: '#!/usr/bin/env node' },
  },
]);
