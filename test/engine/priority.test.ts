import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTaskWithReservations } from '../../src/domain/tasks/selection.js';
import { taskWorkflowId } from '../../src/domain/tasks/workflow-id.js';
import { priorityKeyFor, startTaskWorkflow } from '../../src/temporal/start-task-workflow.js';
import { waitFor } from '../support/api-server.js';
import { newAccount, openTestDatabase, seedDistillations } from '../support/db.js';
import { keywordOf, startLlmStub, type LlmStub } from '../support/llm-stub.js';
import { startTestWorker } from '../support/worker.js';

const database = openTestDatabase();
let stub: LlmStub;
let worker: Awaited<ReturnType<typeof startTestWorker>>;

beforeAll(async () => {
  stub = await startLlmStub({ latencyMs: 150 });
  // One LLM call at a time: everything else waits on the server, where priority orders it.
  worker = await startTestWorker(database, stub.url, {}, { llmConcurrency: 1 });
});
afterAll(async () => {
  await worker?.stop();
  await stub?.close();
  await database.close();
});

it('maps priority 1-10 (bigger is more urgent) onto Temporal priority keys 5..1', () => {
  expect([10, 9, 8, 7, 6, 5, 4, 3, 2, 1].map(priorityKeyFor)).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
});

it('with the worker saturated by low-priority work, a high-priority task submitted later finishes first', async () => {
  const { accountId } = await newAccount(database);
  await seedDistillations(database, accountId, Array.from({ length: 10 }, (_, i) => ({ keyword: `prio-${accountId}-${i}` })));
  const low = await createTaskWithReservations(database.db, accountId, { articleCount: 8, concurrency: 8, priority: 1 });
  await startTaskWorkflow(worker.target, low);
  await waitFor('the low-priority task to have a backlog', async () => {
    const [r] = await database.sql`SELECT count(*)::int AS n FROM articles WHERE task_id = ${low.id}`;
    return r!.n >= 1 ? true : undefined;
  });
  const high = await createTaskWithReservations(database.db, accountId, { articleCount: 2, concurrency: 2, priority: 10 });
  await startTaskWorkflow(worker.target, high);

  const handle = (id: number) => worker.client.workflow.getHandle(taskWorkflowId(id));
  const [lowResult, highResult] = await Promise.all([handle(low.id).result(), handle(high.id).result()]);
  expect(lowResult.status).toBe('completed');
  expect(highResult.status).toBe('completed');
  const rows = await database.sql`SELECT id, completed_at FROM generation_tasks WHERE id IN (${low.id}, ${high.id})`;
  const completedAt = new Map(rows.map((r) => [r.id, new Date(r.completed_at).getTime()]));
  expect(completedAt.get(high.id)!).toBeLessThan(completedAt.get(low.id)!);

  // In the stub's request order, both high-priority articles come before the low task's last ones.
  const highKeywords = new Set(high.selectedDistillationIds.map((_, i) => `prio-${accountId}-${i + 8}`));
  const order = stub.requests.map((r) => keywordOf(r)).filter((k) => k?.startsWith(`prio-${accountId}-`));
  const lastHigh = Math.max(...[...highKeywords].map((k) => order.indexOf(k)));
  const lowAfterHigh = order.slice(lastHigh + 1).filter((k) => !highKeywords.has(k!));
  expect(lowAfterHigh.length).toBeGreaterThanOrEqual(3);
});
