import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Canary key secret for every startNamed() key; rndc:* debug lines scanned for it.
    setupFiles: ['test/setup/canary.ts'],
    // The CLI bundled from source once per run: spawned CLI tests start in 0.2 s, not 0.85 s.
    globalSetup: ['test/setup/cli-bundle.ts'],
    // Integration suites each start their own named; two cores → two files at a time.
    pool: 'forks',
    maxWorkers: 2,
    // Bounds for a stuck test, not waits: tests wait on evidence with their own deadlines. Generous
    // because the suite must pass on a loaded 2-core machine (a CLI test spawns ~20 processes).
    testTimeout: 120_000,
    hookTimeout: 120_000,
    reporters: ['default', 'json'],
    outputFile: { json: '.test-results/results.json' },
  },
});
