import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { taskWorkflowId } from '../../src/domain/tasks/workflow-id.js';
import { waitForTaskEnd } from '../support/api-server.js';
import { useTestStack } from '../support/stack.js';
import { newAccount, seedDistillations } from '../support/db.js';
import { invariantViolations } from '../support/invariants.js';
import { replayWithCurrentCode } from '../support/replay.js';

// Every article hangs: a task never ends by itself, so only the cancel can end it.
const stack = useTestStack({ latencyMs: 5, policy: { timeoutMs: 20_000 } });
const { database } = stack;
const TRIES = 20;
const PARALLEL = 5;

const taskRow = async (id: number) => (await database.sql`SELECT status, error_message FROM generation_tasks WHERE id = ${id}`)[0]!;
const reservedItems = async (id: number) =>
  (await database.sql`SELECT count(*)::int AS n FROM task_items WHERE task_id = ${id} AND state = 'reserved'`)[0]!.n as number;

/** Creates a task, cancels it `delayMs` later, and returns the task id once its row is terminal. */
async function createThenCancel(apiKey: string, delayMs: number) {
  const created = await stack.api.call('POST', '/api/article-generation/tasks', apiKey, { articleCount: 2, concurrency: 2 });
  expect(created.status).toBe(201);
  const taskId = created.body.taskId as number;
  if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
  const cancel = await stack.api.call('POST', `/api/article-generation/tasks/${taskId}/cancel`, apiKey);
  expect(cancel.status).toBe(202);
  await waitForTaskEnd(taskId, () => taskRow(taskId), 15_000);
  return taskId;
}

describe('cancel right after create (issue 8 item 1)', () => {
  // A failed test must not leave the stub hanging every later request.
  afterEach(() => stack.stub.setBehavior(() => ({})));

  it.each([0, 10, 50, 200])('a cancel %i ms after create ends the task canceled with nothing reserved, %#', async (delayMs) => {
    stack.stub.setBehavior(() => ({ hang: true }));
    const { accountId, apiKey } = await newAccount(database);
    await seedDistillations(database, accountId, Array.from({ length: 2 * TRIES }, (_, i) => ({ keyword: `race-${delayMs}-${i}` })));
    const taskIds: number[] = [];
    for (let i = 0; i < TRIES; i += PARALLEL) {
      const batch = Array.from({ length: Math.min(PARALLEL, TRIES - i) }, () => createThenCancel(apiKey, delayMs));
      taskIds.push(...(await Promise.all(batch)));
    }
    for (const taskId of taskIds) {
      expect({ taskId, ...(await taskRow(taskId)) }).toEqual({ taskId, status: 'canceled', error_message: 'canceled by request' });
      expect(await reservedItems(taskId)).toBe(0);
    }
    expect(await invariantViolations(database, accountId)).toEqual([]);
    // The first run replays with the current code; RECORD_WORKFLOW_HISTORIES=1 keeps it as a fixture.
    const history = await stack.worker.client.workflow.getHandle(taskWorkflowId(taskIds[0]!)).fetchHistory();
    await replayWithCurrentCode(history, taskWorkflowId(taskIds[0]!));
    if (process.env.RECORD_WORKFLOW_HISTORIES) {
      await writeFile(path.resolve(import.meta.dirname, '../fixtures/histories', `canceled-${delayMs}-ms-after-create.json`), JSON.stringify(history));
    }
  }, 240_000);
});
