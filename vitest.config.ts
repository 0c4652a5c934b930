import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The fault-injection runs are `npm run test:faults` (vitest.faults.config.ts).
    exclude: ['test/faults/**', '**/node_modules/**'],
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // The JSON results let .ci/run print a plain "N passed, N failed" closing line.
    reporters: ['default', ['json', { outputFile: '.data/test-results.json' }]],
  },
});
