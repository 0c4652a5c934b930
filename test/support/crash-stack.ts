import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, inject } from 'vitest';
import { connectDatabase, type Database } from '../../src/db/client.js';
import { connectTemporal, type TemporalHandles } from '../../src/temporal/connect.js';
import { createIsolatedDatabase } from './db.js';
import { TEST_PAYLOAD_CODEC } from './payload-codec.js';
import { workerProcesses } from './worker-process.js';

/**
 * A crash test's setting: a database of its own (so the worker processes' resume-on-start sees only
 * this test's rows, its ids in a range of their own), the Temporal client, task queues of its own
 * and `npm run worker` processes to start and kill -9. Register the file's own hooks after calling
 * this: they run after its setup and before its teardown.
 */
export function useCrashStack(name: string, env: () => Record<string, string>) {
  const suffix = randomUUID().slice(0, 8);
  const queues = { TASK_QUEUE: `${name}-tasks-${suffix}`, LLM_TASK_QUEUE: `${name}-llm-${suffix}`, USAGE_VERIFY_SCHEDULE_ID: `${name}-usage-${suffix}` };
  const state = {} as { database: Database; databaseUrl: string; temporal: TemporalHandles };
  const workers = workerProcesses(() => ({
    ...queues,
    DATABASE_URL: state.databaseUrl,
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    LOG_LEVEL: 'info',
    ...env(),
  }));

  beforeAll(async () => {
    state.databaseUrl = await createIsolatedDatabase(`artgen_${name.replace(/-/g, '_')}_${suffix}`);
    state.database = connectDatabase(state.databaseUrl, { max: 3 });
    state.temporal = await connectTemporal(inject('temporalAddress'), 'default', TEST_PAYLOAD_CODEC);
  });
  afterAll(async () => {
    await workers.killAll();
    await state.temporal?.client.schedule.getHandle(queues.USAGE_VERIFY_SCHEDULE_ID).delete().catch(() => undefined);
    await state.temporal?.close();
    await state.database?.close();
  });

  // The handles are set on `state` before the first test; the helpers are added to it.
  return Object.assign(state, {
    queues,
    workers,
  });
}
