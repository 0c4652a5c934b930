import type { Client } from '@temporalio/client';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createTaskWithReservations } from '../../src/domain/tasks/selection.js';
import { taskWorkflowId } from '../../src/domain/tasks/workflow-id.js';
import { reconcileClosedWorkflows } from '../../src/temporal/reconcile-tasks.js';
import { startTaskWorkflow } from '../../src/temporal/start-task-workflow.js';
import { waitFor } from '../support/api-server.js';
import { useTestStack } from '../support/stack.js';
import { newAccount, seedDistillations } from '../support/db.js';
import { invariantViolations } from '../support/invariants.js';
import { keywordOf } from '../support/llm-stub.js';

const stack = useTestStack({ latencyMs: 5, policy: { timeoutMs: 20_000 } });
const { database } = stack;

const taskRow = async (id: number) => (await database.sql`SELECT * FROM generation_tasks WHERE id = ${id}`)[0]!;
const itemStates = async (id: number) => (await database.sql`SELECT state FROM task_items WHERE task_id = ${id} ORDER BY position`).map((i) => i.state);
const workflowOf = (taskId: number) => stack.worker.client.workflow.getHandle(taskWorkflowId(taskId));

/** A real pino logger whose lines the test reads. */
function capturingLogger() {
  const lines: { level: number; msg: string; taskId?: number }[] = [];
  return { log: pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) }), lines };
}

async function runningTask(articleCount: number, reply: (keyword: string | undefined, keywords: string[]) => object, autoApprove = true) {
  const { accountId } = await newAccount(database);
  const keywords = Array.from({ length: articleCount }, (_, i) => `rec-${accountId}-${i}`);
  await seedDistillations(database, accountId, keywords.map((keyword) => ({ keyword })));
  stack.stub.setBehavior((req) => reply(keywordOf(req), keywords));
  const task = await createTaskWithReservations(database.db, accountId, { articleCount, concurrency: articleCount, autoApprove });
  await startTaskWorkflow(stack.worker.target, task);
  await waitFor('the task to run', async () => ((await taskRow(task.id)).status === 'running' ? true : undefined));
  return { accountId, task };
}

describe('the reconciler (tasks whose workflow closed outside the service)', () => {
  it('a workflow terminated with no article written: canceled, saying it was stopped from outside', async () => {
    const { accountId, task } = await runningTask(2, () => ({ hang: true }));
    await workflowOf(task.id).terminate('operator pressed Terminate');
    const { log } = capturingLogger();
    const reconciled = await reconcileClosedWorkflows(database.db, stack.worker.client, log, { minIdleMs: 0, accountId });
    expect(reconciled).toEqual([{ taskId: task.id, workflowStatus: 'TERMINATED', status: 'canceled' }]);
    const row = await taskRow(task.id);
    expect(row).toMatchObject({ status: 'canceled', generated_count: 0 });
    expect(row.error_message).toBe(
      'stopped from outside the service after 0 of 2 articles were written (its workflow was terminated, e.g. in the Temporal UI); the 2 not written were released',
    );
    expect(await invariantViolations(database, accountId)).toEqual([]);
    // A second pass finds nothing more to do.
    expect(await reconcileClosedWorkflows(database.db, stack.worker.client, log, { minIdleMs: 0, accountId })).toEqual([]);
  });

  it('a workflow terminated after saving articles (issue 8 item 8): the articles stay and the task says how many were written', async () => {
    const { accountId, task } = await runningTask(3, (keyword, keywords) => (keyword === keywords[0] ? {} : { hang: true }));
    await waitFor('article 0 saved', async () => ((await taskRow(task.id)).generated_count === 1 ? true : undefined));
    await workflowOf(task.id).terminate('operator pressed Terminate');
    const { log } = capturingLogger();
    await reconcileClosedWorkflows(database.db, stack.worker.client, log, { minIdleMs: 0, accountId });
    const row = await taskRow(task.id);
    expect(row).toMatchObject({ status: 'canceled', generated_count: 1 });
    expect(row.error_message).toContain('stopped from outside the service after 1 of 3 articles were written');
    expect(row.error_message).toContain('the 2 not written were released');
    expect(await itemStates(task.id)).toEqual(['saved', 'released', 'released']);
    const articles = await database.sql`SELECT position FROM articles WHERE task_id = ${task.id}`;
    expect(articles.map((a) => a.position)).toEqual([0]);
    const [event] = await database.sql`SELECT type FROM task_events WHERE task_id = ${task.id} ORDER BY id DESC LIMIT 1`;
    expect(event!.type).toBe('task.canceled');
    expect(await invariantViolations(database, accountId)).toEqual([]);
    stack.stub.setBehavior(() => ({}));
  });

  it('a terminated workflow that left articles for review: review.needed comes before the final event, as on every end', async () => {
    const { accountId, task } = await runningTask(2, (keyword, keywords) => (keyword === keywords[0] ? {} : { hang: true }), false);
    await waitFor('article 0 saved', async () => ((await taskRow(task.id)).generated_count === 1 ? true : undefined));
    await workflowOf(task.id).terminate('operator pressed Terminate');
    await reconcileClosedWorkflows(database.db, stack.worker.client, capturingLogger().log, { minIdleMs: 0, accountId });
    const events = await database.sql`SELECT type, data FROM task_events WHERE task_id = ${task.id} ORDER BY id DESC LIMIT 2`;
    expect(events.map((e) => e.type)).toEqual(['task.canceled', 'review.needed']);
    expect(events[1]!.data).toEqual({ pendingReview: 1 });
    stack.stub.setBehavior(() => ({}));
  });

  it('a task its own workflow finishes while the reconciler looks (issue 8 item 7): left alone, no warning', async () => {
    const { accountId, task } = await runningTask(2, () => ({ latencyMs: 1_500 }));
    // The reconciler has read the row as running; before it asks Temporal, the workflow finishes the task.
    const raceClient = {
      workflow: {
        getHandle: (id: string) => ({
          describe: async () => {
            await workflowOf(task.id).result();
            return stack.worker.client.workflow.getHandle(id).describe();
          },
        }),
      },
    } as unknown as Client;
    const { log, lines } = capturingLogger();
    const reconciled = await reconcileClosedWorkflows(database.db, raceClient, log, { minIdleMs: 0, accountId });
    expect(reconciled).toEqual([]);
    expect(lines.filter((l) => l.level >= 40)).toEqual([]);
    expect(await taskRow(task.id)).toMatchObject({ status: 'completed', generated_count: 2, error_message: null });
    expect(await invariantViolations(database, accountId)).toEqual([]);
    stack.stub.setBehavior(() => ({}));
  });
});
