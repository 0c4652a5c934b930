import type { ChildProcess } from 'node:child_process';
import { ScheduleOverlapPolicy } from '@temporalio/client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { createTaskWithReservations } from '../../src/domain/tasks/selection.js';
import { taskWorkflowId } from '../../src/domain/tasks/workflow-id.js';
import type { TemporalHandles } from '../../src/temporal/connect.js';
import { startTaskWorkflow } from '../../src/temporal/start-task-workflow.js';
import { useCrashStack } from '../support/crash-stack.js';
import { newAccount, seedDistillations } from '../support/db.js';
import { invariantViolations } from '../support/invariants.js';
import { startLlmStub, type LlmStub } from '../support/llm-stub.js';

let stub: LlmStub;
const crash = useCrashStack('crash', () => ({ LLM_BASE_URL: stub.url, LLM_TIMEOUT_MS: '5000', LLM_HEARTBEAT_TIMEOUT_MS: '2000', LLM_RETRY_INITIAL_MS: '200' }));
const { workers, queues } = crash;
let database: Database;
let temporal: TemporalHandles;

async function savedCount(taskId: number) {
  const [r] = await database.sql`SELECT count(*)::int AS n FROM articles WHERE task_id = ${taskId}`;
  return r!.n as number;
}

beforeAll(async () => {
  ({ database, temporal } = crash);
  stub = await startLlmStub({ latencyMs: 250 });
});

afterAll(async () => {
  await stub?.close();
});

it('kill -9 of the worker mid-task: a new worker finishes with exactly 20 articles, no duplicates, invariants intact', async () => {
  const { accountId } = await newAccount(database);
  const ids = await seedDistillations(database, accountId, Array.from({ length: 25 }, (_, i) => ({ keyword: `crash-${i}` })));
  const task = await createTaskWithReservations(database.db, accountId, { articleCount: 20, concurrency: 2 });

  const first = await workers.start();
  // A worker's start also ensures the hourly usage-verification schedule (issue 4), idempotently.
  const schedule = await temporal.client.schedule.getHandle(queues.USAGE_VERIFY_SCHEDULE_ID).describe();
  expect(schedule.policies.overlap).toBe(ScheduleOverlapPolicy.SKIP);
  await startTaskWorkflow({ client: temporal.client, taskQueue: queues.TASK_QUEUE }, task);
  const deadline = Date.now() + 60_000;
  while ((await savedCount(task.id)) < 5) {
    if (Date.now() > deadline) throw new Error('the first worker saved fewer than 5 articles in 60 s');
    await new Promise((r) => setTimeout(r, 50));
  }
  await workers.crash(first);
  const atCrash = await savedCount(task.id);
  expect(atCrash).toBeLessThan(20);

  await workers.start();
  const summary = await temporal.client.workflow.getHandle(taskWorkflowId(task.id)).result();
  expect(summary).toMatchObject({ status: 'completed', generatedCount: 20, failedCount: 0 });

  const articles = await database.sql`SELECT position FROM articles WHERE task_id = ${task.id} ORDER BY position`;
  expect(articles.map((a) => a.position)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  const usage = await database.sql`SELECT count(*)::int AS n, count(DISTINCT position)::int AS d FROM distillation_usage WHERE task_id = ${task.id}`;
  expect(usage[0]).toEqual({ n: 20, d: 20 });
  const counts = await database.sql`SELECT usage_count, reserved_count FROM distillations WHERE id = ANY(${task.selectedDistillationIds})`;
  for (const c of counts) expect(c).toEqual({ usage_count: 1, reserved_count: 0 });
  expect(ids.length - task.selectedDistillationIds.length).toBe(5);
  expect(await invariantViolations(database, accountId)).toEqual([]);
}, 150_000);

/**
 * A gate in PostgreSQL: while the test holds the advisory lock for a status, a worker's transaction
 * that moves a task to that status waits in its UPDATE (startTask: running, finishTask: completed).
 */
const GATE = 8008;
async function installStatusGate() {
  await database.sql.unsafe(`
    CREATE OR REPLACE FUNCTION test_status_gate() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN PERFORM pg_advisory_xact_lock(${GATE}, hashtext(NEW.status)); RETURN NEW; END $$;
    CREATE OR REPLACE TRIGGER test_status_gate BEFORE UPDATE OF status ON generation_tasks
      FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION test_status_gate();`);
}

it.each([
  ['startTask', 'running'],
  ['finishTask', 'completed'],
])('kill -9 of the worker inside %s: a new worker finishes the task well within the old 60 s activity timeout', async (_step, status) => {
  await workers.killAll();
  await installStatusGate();
  const { accountId } = await newAccount(database);
  await seedDistillations(database, accountId, [{ keyword: `gate-${status}-1` }, { keyword: `gate-${status}-2` }]);
  const task = await createTaskWithReservations(database.db, accountId, { articleCount: 2 });
  const gate = await database.sql.reserve();
  await gate`SELECT pg_advisory_lock(${GATE}, hashtext(${status}))`;
  try {
    // Two workers, as in a deployment: the one running the gated step is killed, the other carries on.
    await Promise.all([workers.start(), workers.start()]);
    const handle = temporal.client.workflow.getHandle(taskWorkflowId(task.id));
    await startTaskWorkflow({ client: temporal.client, taskQueue: queues.TASK_QUEUE }, task);
    const deadline = Date.now() + 60_000;
    let runner: ChildProcess | undefined;
    while (!runner) {
      if (Date.now() > deadline) throw new Error(`no worker reached the ${status} gate in 60 s`);
      await new Promise((r) => setTimeout(r, 50));
      const [w] = await database.sql`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND classid = ${GATE} AND NOT granted`;
      if (w!.n === 0) continue;
      const identity = (await handle.describe()).raw.pendingActivities?.[0]?.lastWorkerIdentity;
      runner = identity ? workers.byPid(Number(identity.split('@')[0])) : undefined;
    }
    await workers.crash(runner);
  } finally {
    await gate`SELECT pg_advisory_unlock(${GATE}, hashtext(${status}))`;
    gate.release();
  }
  const result = temporal.client.workflow.getHandle(taskWorkflowId(task.id)).result();
  const tooLate = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the task did not finish within 40 s of the crash')), 40_000));
  expect(await Promise.race([result, tooLate])).toMatchObject({ status: 'completed', generatedCount: 2 });
  expect(await invariantViolations(database, accountId)).toEqual([]);
}, 120_000);
