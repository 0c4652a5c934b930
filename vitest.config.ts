import { defineConfig } from 'vitest/config';

/**
 * Two tiers. `unit` (files named `*.unit.test.ts`): pure modules, no PostgreSQL, Temporal or workflow
 * bundle, seconds in all (`npm run test:unit`). `integration`: everything else, on the real services
 * test/global-setup.ts starts once per run. `npm test` runs both.
 */
export default defineConfig({
  test: {
    pool: 'forks',
    maxWorkers: 2,
    // The JSON results let .ci/run print a plain "N passed, N failed" closing line.
    reporters: ['default', ['json', { outputFile: '.data/test-results.json' }]],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.unit.test.ts'],
          exclude: ['test/faults/**', '**/node_modules/**'],
          testTimeout: 20_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          // The fault-injection runs are `npm run test:faults` (vitest.faults.config.ts).
          exclude: ['test/**/*.unit.test.ts', 'test/faults/**', '**/node_modules/**'],
          globalSetup: ['test/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
