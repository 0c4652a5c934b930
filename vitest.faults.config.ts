import { defineConfig } from 'vitest/config';

/**
 * `npm run test:faults`: fault-injection runs that start their own PostgreSQL, Temporal dev server and
 * service processes and crash them on purpose. Minutes long, so not part of `npm test`; one file at a
 * time, since each one loads the machine on its own.
 */
export default defineConfig({
  test: {
    include: ['test/faults/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 30 * 60_000,
    hookTimeout: 5 * 60_000,
  },
});
