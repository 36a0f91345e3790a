import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Canary key secret for every startNamed() key; rndc:* debug lines scanned for it.
    setupFiles: ['test/setup/canary.ts'],
    // Integration suites each start their own named; two cores → two files at a time.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default', 'json'],
    outputFile: { json: '.test-results/results.json' },
  },
});
