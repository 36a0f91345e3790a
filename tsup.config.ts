import { defineConfig } from 'tsup';

// One build, two module formats: ESM (`import`) and CommonJS (`require`), each with declarations.
export default defineConfig({
  entry: { index: 'src/index.ts', 'testing/index': 'src/testing/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  platform: 'node',
  splitting: false,
  tsconfig: 'tsconfig.build.json',
});
