import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { taskWorkflowId } from '../../src/domain/tasks/workflow-id.js';
import { createTaskWithReservations } from '../../src/domain/tasks/selection.js';
import { getTaskDetail } from '../../src/domain/tasks/task-queries.js';
import { openTestDatabase, newAccount, seedDistillations, distillationCounts } from '../support/db.js';
import { invariantViolations } from '../support/invariants.js';
import { keywordOf, startLlmStub, type LlmStub } from '../support/llm-stub.js';
import { startTestWorker } from '../support/worker.js';
import { replayWithCurrentCode } from '../support/replay.js';

const database = openTestDatabase();
let stub: LlmStub;
let worker: Awaited<ReturnType<typeof startTestWorker>>;

beforeAll(async () => {
  stub = await startLlmStub({ latencyMs: 5 });
  worker = await startTestWorker(database, stub.url, { timeoutMs: 1_000 });
});
afterAll(async () => {
  await worker?.stop();
  await stub?.close();
  await database.close();
});

/** Every task the scenarios ran, by scenario name, for the replay check at the end. */
const ranTasks = new Map<string, number>();

async function taskRow(id: number) {
  const [t] = await database.sql`SELECT * FROM generation_tasks WHERE id = ${id}`;
  return t!;
}
async function itemRows(id: number) {
  return database.sql`SELECT * FROM task_items WHERE task_id = ${id} ORDER BY position`;
}

/** A pool of distinct keywords so the stub can tell articles apart; returns account, ids and the created task. */
async function setup(n: number, articleCount = n) {
  const { accountId } = await newAccount(database);
  const keywords = Array.from({ length: n }, (_, i) => `kw-${accountId}-${i}`);
  const ids = await seedDistillations(database, accountId, keywords.map((keyword) => ({ keyword })));
  const task = await createTaskWithReservations(database.db, accountId, { articleCount, concurrency: 3 });
  ranTasks.set(expect.getState().currentTestName ?? `task-${task.id}`, task.id);
  return { accountId, ids, keywords, task };
}

describe('articleGenerationWorkflow on a real Temporal server', () => {
  it('writes N=5 articles, one per selected distillation in order, and counts each use once', async () => {
    stub.setBehavior(() => ({}));
    const { accountId, ids, task } = await setup(5);
    const summary = await worker.runTask(task);
    expect(summary).toMatchObject({ status: 'completed', generatedCount: 5, failedCount: 0 });
    const articles = await database.sql`SELECT position, distillation_id, keyword, topics FROM articles WHERE task_id = ${task.id} ORDER BY position`;
    expect(articles.map((a) => a.distillation_id)).toEqual(task.selectedDistillationIds);
    for (const a of articles) expect(a.topics.length).toBe(2);
    const counts = await distillationCounts(database, ids);
    for (const id of ids) expect(counts.get(id)).toEqual({ usage: 1, reserved: 0 });
    expect((await taskRow(task.id)).progress).toBe(100);
    expect(await invariantViolations(database, accountId)).toEqual([]);
  });

  it('a non-retryable 400 on article 2 fails that article only; the task completes with 4', async () => {
    const { accountId, ids, keywords, task } = await setup(5);
    stub.setBehavior((req) => (keywordOf(req) === keywords[1] ? { status: 400, errorMessage: 'content policy violation' } : {}));
    const summary = await worker.runTask(task);
    expect(summary).toMatchObject({ status: 'completed', generatedCount: 4, failedCount: 1 });
    const items = await itemRows(task.id);
    expect(items[1]).toMatchObject({ state: 'failed', attempts: 1 });
    expect(items[1]!.error).toContain('HTTP 400 (stub)');
    const counts = await distillationCounts(database, ids);
    expect(counts.get(ids[1]!)).toEqual({ usage: 0, reserved: 0 });
    expect(stub.requests.filter((r) => keywordOf(r) === keywords[1])).toHaveLength(1);
    expect(await invariantViolations(database, accountId)).toEqual([]);
  });

  it('retries 429 with Retry-After, 500 and a hang past the timeout, then succeeds', async () => {
    const { accountId, keywords, task } = await setup(3);
    const seen = new Map<string, number>();
    stub.setBehavior((req) => {
      const kw = keywordOf(req)!;
      const n = (seen.get(kw) ?? 0) + 1;
      seen.set(kw, n);
      if (n > 1) return {};
      if (kw === keywords[0]) return { status: 429, headers: { 'Retry-After': '1' }, errorMessage: 'slow down' };
      if (kw === keywords[1]) return { status: 500, errorMessage: 'upstream exploded' };
      return { hang: true };
    });
    const startedAt = Date.now();
    const summary = await worker.runTask(task);
    expect(summary).toMatchObject({ status: 'completed', generatedCount: 3, failedCount: 0 });
    for (const kw of keywords) expect(seen.get(kw)).toBe(2);
    const items = await itemRows(task.id);
    // The 429 is waited out inside the model router (its Retry-After, within the model's budget): one activity
    // attempt, two requests; the 500 and the hang are the activity's retries.
    expect(items.map((i) => i.attempts)).toEqual([1, 2, 2]);
    // The 429 waited for its Retry-After (1 s) rather than the 100 ms backoff.
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(1_000);
    expect(await invariantViolations(database, accountId)).toEqual([]);
  });

  it('fails the task, releasing everything, when every article fails', async () => {
    const { accountId, ids, task } = await setup(3);
    stub.setBehavior(() => ({ status: 401, errorMessage: 'invalid api key' }));
    const summary = await worker.runTask(task);
    expect(summary.status).toBe('failed');
    expect(summary.errorMessage).toContain('3 of 3 articles not written');
    expect(summary.errorMessage).toContain('HTTP 401 (stub)');
    const counts = await distillationCounts(database, ids);
    for (const id of ids) expect(counts.get(id)).toEqual({ usage: 0, reserved: 0 });
    expect(await invariantViolations(database, accountId)).toEqual([]);
  });

  it('skips an article whose distillation was deleted or emptied after selection; the rest go on', async () => {
    stub.setBehavior(() => ({}));
    const { accountId, task } = await setup(4);
    const [a, b] = task.selectedDistillationIds;
    await database.sql`UPDATE distillations SET deleted_at = now() WHERE id = ${a!}`;
    await database.sql`DELETE FROM topics WHERE distillation_id = ${b!}`;
    await database.sql`UPDATE distillations SET topic_count = 0 WHERE id = ${b!}`;
    const summary = await worker.runTask(task);
    expect(summary).toMatchObject({ status: 'completed', generatedCount: 2, skippedCount: 2 });
    const items = await itemRows(task.id);
    expect(items[0]).toMatchObject({ state: 'skipped' });
    expect(items[0]!.error).toContain('deleted');
    expect(items[1]!.error).toContain('no topics');
    expect(await invariantViolations(database, accountId)).toEqual([]);
  });

  it('runs a legacy task that has only distillation_id (seed property 18)', async () => {
    stub.setBehavior(() => ({}));
    const { accountId } = await newAccount(database);
    const [id] = await seedDistillations(database, accountId, [{ keyword: 'legacy keyword' }]);
    const [task] = await database.sql<{ id: number }[]>`
      INSERT INTO generation_tasks (account_id, distillation_id, requested_count) VALUES (${accountId}, ${id!}, 2) RETURNING id`;
    const summary = await worker.runTask({ id: task!.id, accountId, priority: 5 });
    expect(summary).toMatchObject({ status: 'completed', generatedCount: 2 });
    const articles = await database.sql`SELECT distillation_id FROM articles WHERE task_id = ${task!.id}`;
    expect(articles.map((r) => r.distillation_id)).toEqual([id, id]);
    expect((await distillationCounts(database, [id!])).get(id!)).toEqual({ usage: 2, reserved: 0 });
    const detail = await getTaskDetail(database.db, accountId, task!.id);
    expect(detail.selectedDistillations).toEqual([{ id, keyword: 'legacy keyword', deleted: false }]);
    expect(detail.keyword).toBe('legacy keyword');
    expect(await invariantViolations(database, accountId)).toEqual([]);
  });

  it('fails a task that names no distillation at all, with the seed message', async () => {
    const { accountId } = await newAccount(database);
    const [task] = await database.sql<{ id: number }[]>`
      INSERT INTO generation_tasks (account_id, requested_count) VALUES (${accountId}, 1) RETURNING id`;
    const summary = await worker.runTask({ id: task!.id, accountId, priority: 5 });
    expect(summary.status).toBe('failed');
    expect((await taskRow(task!.id)).error_message).toContain('任务配置无效，缺少蒸馏结果信息');
  });

  it('every history above replays with the current workflow code; RECORD_WORKFLOW_HISTORIES=1 stores them as fixtures', async () => {
    expect(ranTasks.size).toBeGreaterThanOrEqual(5);
    for (const [name, taskId] of ranTasks) {
      const history = await worker.client.workflow.getHandle(taskWorkflowId(taskId)).fetchHistory();
      await replayWithCurrentCode(history, taskWorkflowId(taskId));
      if (process.env.RECORD_WORKFLOW_HISTORIES) {
        const slug = name.split('>').pop()!.trim().toLowerCase().replace(/[^a-z0-9]+/g, '-').slice(0, 60);
        const file = path.resolve(import.meta.dirname, '../fixtures/histories', `${slug}.json`);
        await writeFile(file, JSON.stringify(history));
      }
    }
  });
});
