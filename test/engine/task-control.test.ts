import { WorkflowFailedError } from '@temporalio/client';
import { CancelledFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { createTaskWithReservations } from '../../src/domain/tasks/selection.js';
import { taskWorkflowId } from '../../src/domain/tasks/workflow-id.js';
import { startTaskWorkflow } from '../../src/temporal/start-task-workflow.js';
import { queryTaskProgress } from '../../src/temporal/task-control.js';
import { waitFor, waitForTaskEnd } from '../support/api-server.js';
import { useTestStack } from '../support/stack.js';
import { distillationCounts, newAccount, seedDistillations } from '../support/db.js';
import { invariantViolations } from '../support/invariants.js';
import { keywordOf } from '../support/llm-stub.js';

const stack = useTestStack({ latencyMs: 5, policy: { timeoutMs: 20_000 } });
const { database } = stack;

async function pool(n: number) {
  const account = await newAccount(database);
  const keywords = Array.from({ length: n }, (_, i) => `ctl-${account.accountId}-${i}`);
  const ids = await seedDistillations(database, account.accountId, keywords.map((keyword) => ({ keyword })));
  return { ...account, keywords, ids };
}
const taskRow = async (id: number) => (await database.sql`SELECT * FROM generation_tasks WHERE id = ${id}`)[0]!;
const items = (id: number) => database.sql`SELECT position, state, distillation_id, article_id FROM task_items WHERE task_id = ${id} ORDER BY position`;
const workflowOf = (taskId: number) => stack.worker.client.workflow.getHandle(taskWorkflowId(taskId));
const finished = (taskId: number) =>
  waitForTaskEnd(taskId, () => taskRow(taskId));

describe('cancel', () => {
  it('aborts the in-flight LLM request, keeps saved articles, releases the rest; a second cancel is 409', async () => {
    const { apiKey, accountId, keywords, ids } = await pool(4);
    stack.stub.resetCounters();
    stack.stub.setBehavior((req) => (keywordOf(req) === keywords[0] ? {} : { hang: true }));
    const created = await stack.api.call('POST', '/api/article-generation/tasks', apiKey, { articleCount: 4, concurrency: 2 });
    expect(created.status).toBe(201);
    const taskId = created.body.taskId as number;
    await waitFor('article 0 saved and a request hanging', async () => {
      const [saved] = await database.sql`SELECT count(*)::int AS n FROM articles WHERE task_id = ${taskId}`;
      return saved!.n === 1 && stack.stub.inFlight >= 1 ? true : undefined;
    });
    const progress = await queryTaskProgress(stack.worker.client, taskId);
    expect(progress).toMatchObject({ status: 'running', generatedCount: 1, requestedCount: 4 });
    expect(progress!.inFlight).toBeGreaterThanOrEqual(1);

    const cancel = await stack.api.call('POST', `/api/article-generation/tasks/${taskId}/cancel`, apiKey);
    expect(cancel).toMatchObject({ status: 202, body: { taskId, status: 'cancel_requested' } });
    const err = await workflowOf(taskId).result().catch((e) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect(err.cause).toBeInstanceOf(CancelledFailure);
    await waitFor('the hanging request to be aborted', async () => (stack.stub.aborted >= 1 ? true : undefined), 10_000);

    const task = await finished(taskId);
    expect(task).toMatchObject({ status: 'canceled', generated_count: 1, error_message: 'canceled by request' });
    expect((await items(taskId)).map((i) => i.state)).toEqual(['saved', 'released', 'released', 'released']);
    const counts = await distillationCounts(database, ids);
    expect([...counts.values()].map((c) => c.reserved)).toEqual([0, 0, 0, 0]);
    expect(await invariantViolations(database, accountId)).toEqual([]);

    const again = await stack.api.call('POST', `/api/article-generation/tasks/${taskId}/cancel`, apiKey);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('TASK_ALREADY_FINISHED');
    stack.stub.setBehavior(() => ({}));
  });
});

describe('retry', () => {
  it('after a partial failure fills exactly the gaps, replacing a distillation deleted meanwhile', async () => {
    const { apiKey, accountId, keywords } = await pool(7);
    stack.stub.setBehavior((req) => ([keywords[1], keywords[3]].includes(keywordOf(req)) ? { status: 400, errorMessage: 'rejected' } : {}));
    const created = await stack.api.call('POST', '/api/article-generation/tasks', apiKey, { articleCount: 5, maxRetries: 1 });
    const taskId = created.body.taskId as number;
    const first = await finished(taskId);
    expect(first).toMatchObject({ status: 'completed', generated_count: 3, failed_count: 2 });
    const before = await database.sql`SELECT id, position FROM articles WHERE task_id = ${taskId} ORDER BY position`;

    const running = await stack.api.call('POST', `/api/article-generation/tasks/${taskId}/retry`, apiKey);
    expect(running.status).toBe(202);
    await finished(taskId);
    const deleted = created.body.selectedDistillationIds[3] as number;
    await database.sql`UPDATE distillations SET deleted_at = now() WHERE id = ${deleted}`;
    stack.stub.setBehavior(() => ({}));
    // The first retry failed the same two again (the stub still rejected them): retry once more is over the limit.
    const overLimit = await stack.api.call('POST', `/api/article-generation/tasks/${taskId}/retry`, apiKey);
    expect(overLimit.status).toBe(409);
    expect(overLimit.body.error.code).toBe('RETRY_LIMIT_REACHED');

    await database.sql`UPDATE generation_tasks SET max_retries = 2 WHERE id = ${taskId}`;
    const retry = await stack.api.call('POST', `/api/article-generation/tasks/${taskId}/retry`, apiKey);
    expect(retry.status).toBe(202);
    expect(retry.body).toMatchObject({ taskId, status: 'pending', retryCount: 2, positions: [1, 3] });
    expect(retry.body.replacements).toHaveLength(1);
    expect(retry.body.replacements[0]).toMatchObject({ position: 3, previousDistillationId: deleted });
    expect(retry.body.replacements[0].reason).toContain('deleted');
    const replacement = retry.body.replacements[0].distillationId as number;
    expect(created.body.selectedDistillationIds).not.toContain(replacement);

    const done = await finished(taskId);
    expect(done).toMatchObject({ status: 'completed', generated_count: 5, failed_count: 0, retry_count: 2 });
    const after = await database.sql`SELECT id, position, distillation_id FROM articles WHERE task_id = ${taskId} ORDER BY position`;
    expect(after.map((a) => a.position)).toEqual([0, 1, 2, 3, 4]);
    for (const b of before) expect(after.find((a) => a.position === b.position)!.id).toBe(b.id);
    expect(after[3]!.distillation_id).toBe(replacement);
    expect(done.selected_distillation_ids[3]).toBe(replacement);
    expect(await invariantViolations(database, accountId)).toEqual([]);

    const nothing = await stack.api.call('POST', `/api/article-generation/tasks/${taskId}/retry`, apiKey);
    expect(nothing.status).toBe(409);
    expect(nothing.body.error.code).toBe('NOTHING_TO_RETRY');
  });

  it('a running task cannot be retried (409) and another account gets 404', async () => {
    const { apiKey } = await pool(2);
    stack.stub.setBehavior(() => ({ latencyMs: 1_000 }));
    const created = await stack.api.call('POST', '/api/article-generation/tasks', apiKey, { articleCount: 2 });
    const taskId = created.body.taskId as number;
    const r = await stack.api.call('POST', `/api/article-generation/tasks/${taskId}/retry`, apiKey);
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('TASK_NOT_FINISHED');
    const other = await newAccount(database);
    expect((await stack.api.call('POST', `/api/article-generation/tasks/${taskId}/retry`, other.apiKey)).status).toBe(404);
    expect((await stack.api.call('POST', `/api/article-generation/tasks/${taskId}/cancel`, other.apiKey)).status).toBe(404);
    await finished(taskId);
    stack.stub.setBehavior(() => ({}));
  });
});

describe('timeout', () => {
  it('ends a task that runs past its limit as timeout, keeping what was saved and releasing the rest (and tells task.timeout subscribers)', async () => {
    const { accountId, keywords, ids } = await pool(3);
    await database.sql`INSERT INTO webhooks (account_id, url, events, secret) VALUES (${accountId}, 'http://127.0.0.1:9/hook', ${['task.timeout']}, ${'whsec_' + Buffer.alloc(32, 7).toString('base64')})`;
    stack.stub.setBehavior((req) => (keywordOf(req) === keywords[0] ? {} : { hang: true }));
    const task = await createTaskWithReservations(database.db, accountId, { articleCount: 3, concurrency: 3, timeoutSeconds: 2 });
    await startTaskWorkflow(stack.worker.target, task);
    const summary = await workflowOf(task.id).result();
    expect(summary).toMatchObject({ status: 'timeout', generatedCount: 1 });
    const row = await taskRow(task.id);
    expect(row.status).toBe('timeout');
    expect(row.error_message).toContain('time limit');
    expect((await items(task.id)).map((i) => i.state)).toEqual(['saved', 'released', 'released']);
    expect((await distillationCounts(database, ids)).get(ids[1]!)!.reserved).toBe(0);
    const sent = await database.sql`SELECT event_type, payload FROM webhook_deliveries WHERE account_id = ${accountId}`;
    expect(sent.map((d) => [d.event_type, d.payload.data?.status ?? d.payload.status])).toEqual([['task.timeout', 'timeout']]);
    expect(await invariantViolations(database, accountId)).toEqual([]);
    stack.stub.setBehavior(() => ({}));
  });
});

describe('outside the API', () => {
  it('a workflow reset from the UI to before its saves re-runs them without a duplicate article', async () => {
    const { accountId } = await pool(3);
    stack.stub.setBehavior(() => ({}));
    const task = await createTaskWithReservations(database.db, accountId, { articleCount: 3, concurrency: 1 });
    await startTaskWorkflow(stack.worker.target, task);
    await workflowOf(task.id).result();
    const history = await workflowOf(task.id).fetchHistory();
    // The workflow task that ran the first saveArticle (a local activity, recorded as a marker):
    // resetting there replays the generation results from history and runs the saves again.
    const isSaveMarker = (e: NonNullable<typeof history.events>[number]) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity';
    const firstSave = history.events!.find(isSaveMarker)!;
    const resetPoint = firstSave.markerRecordedEventAttributes!.workflowTaskCompletedEventId;
    const { runId } = await (stack.worker.client.workflowService.resetWorkflowExecution as (r: object) => Promise<{ runId?: string | null }>)({
      namespace: 'default',
      workflowExecution: { workflowId: taskWorkflowId(task.id) },
      reason: 'operator reset',
      workflowTaskFinishEventId: resetPoint,
      requestId: `reset-${task.id}`,
    });
    const rerun = stack.worker.client.workflow.getHandle(taskWorkflowId(task.id), runId!);
    expect(await rerun.result()).toMatchObject({ status: 'completed', generatedCount: 3 });
    const rerunHistory = await rerun.fetchHistory();
    const saves = rerunHistory.events!.filter((e) => (e.eventId?.toNumber() ?? 0) > Number(resetPoint) && isSaveMarker(e));
    expect(saves.length).toBeGreaterThanOrEqual(1);
    const articles = await database.sql`SELECT position FROM articles WHERE task_id = ${task.id} ORDER BY position`;
    expect(articles.map((a) => a.position)).toEqual([0, 1, 2]);
    const usage = await database.sql`SELECT count(*)::int AS n FROM distillation_usage WHERE task_id = ${task.id}`;
    expect(usage[0]!.n).toBe(3);
    expect(await invariantViolations(database, accountId)).toEqual([]);
  });
});
