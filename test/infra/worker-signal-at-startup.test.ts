import { afterAll, expect, inject, it } from 'vitest';
import { createIsolatedDatabase } from '../support/db.js';
import { startServiceProcess, type ServiceProcess } from '../support/service-process.js';

/**
 * `docker stop` (SIGTERM) reaching a worker mid start-up, after the Temporal runtime is installed and before
 * the worker's own shutdown handler is: the process ends, instead of going on to log "worker running" with
 * its pollers already shut down by the SDK's signal handler, until the SIGKILL that follows.
 */
let worker: ServiceProcess | undefined;
afterAll(async () => {
  await worker?.kill();
});

it('a worker sent SIGTERM while it connects to Temporal exits instead of finishing its start-up', { timeout: 240_000 }, async () => {
  const databaseUrl = await createIsolatedDatabase(`artgen_sigterm_${process.pid}`);
  worker = startServiceProcess('src/worker.ts', {
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TASK_QUEUE: `sigterm-tasks-${process.pid}`,
    LLM_TASK_QUEUE: `sigterm-llm-${process.pid}`,
    USAGE_VERIFY_SCHEDULE_ID: `sigterm-usage-${process.pid}`,
  });
  await worker.waitForOutput(/start-up: connecting the worker to Temporal/);
  worker.child.kill('SIGTERM');
  const outcome = await Promise.race([
    worker.exited.then((code) => `exited (${code})`),
    worker.waitForOutput(/"msg":"worker running"/).then(
      () => 'went on to "worker running"',
      () => 'exited',
    ),
  ]);
  expect(outcome, worker.tail()).toMatch(/^exited/);
});
