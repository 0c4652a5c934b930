import proto from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTaskWithReservations } from '../../src/domain/tasks/selection.js';
import { taskWorkflowId } from '../../src/domain/tasks/workflow-id.js';
import { newAccount, openTestDatabase, seedDistillations } from '../support/db.js';
import { invariantViolations } from '../support/invariants.js';
import { keywordOf, startLlmStub, type LlmStub } from '../support/llm-stub.js';
import { startTestWorker, type TestWorkerOptions } from '../support/worker.js';

/**
 * Flow control on the real stack: the per-task concurrency of the workflow, the LLM worker's slot
 * limit (LLM_CONCURRENCY) and the LLM queue's server-side start rate (LLM_MAX_RPS). Each scenario has
 * a stub and a worker of its own, so the stub's in-flight counters see that scenario's calls only.
 */

const database = openTestDatabase();
afterAll(async () => {
  await database.close();
});

type TestWorker = Awaited<ReturnType<typeof startTestWorker>>;

/** A stub and a worker for one describe block, torn down after it. */
function useStack(latencyMs: number, options: TestWorkerOptions = {}) {
  const stack = {} as { stub: LlmStub; worker: TestWorker };
  beforeAll(async () => {
    stack.stub = await startLlmStub({ latencyMs });
    stack.worker = await startTestWorker(database, stack.stub.url, {}, options);
  });
  afterAll(async () => {
    await stack.worker?.stop();
    await stack.stub?.close();
  });
  return stack;
}

/** A fresh account with `n` distinct keywords, oldest first, so selection takes them in order. */
async function seedAccount(n: number, tag: string) {
  const { accountId } = await newAccount(database);
  const keywords = Array.from({ length: n }, (_, i) => `${tag}-${accountId}-${i}`);
  const ids = await seedDistillations(database, accountId, keywords.map((keyword) => ({ keyword })));
  return { accountId, keywords, ids };
}

/** The LLM task queue the task's generateArticle calls were scheduled on, from its history. */
async function llmQueueOf(worker: TestWorker, taskId: number) {
  const history = await worker.client.workflow.getHandle(taskWorkflowId(taskId)).fetchHistory();
  const scheduled = history.events?.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'generateArticle');
  const name = scheduled?.activityTaskScheduledEventAttributes?.taskQueue?.name;
  if (!name) throw new Error(`task ${taskId} scheduled no generateArticle`);
  return name;
}

async function articlesOf(taskId: number) {
  return database.sql<{ position: number; distillation_id: number; keyword: string }[]>`
    SELECT position, distillation_id, keyword FROM articles WHERE task_id = ${taskId} ORDER BY position`;
}

describe('per-task concurrency', () => {
  const stack = useStack(150);

  it('keeps at most `concurrency` articles in flight and starts them in position order, article i from selected[i]', async () => {
    const { stub, worker } = stack;
    const { accountId, keywords, ids } = await seedAccount(9, 'pc');
    const task = await createTaskWithReservations(database.db, accountId, { articleCount: 9, concurrency: 3 });
    expect(task.selectedDistillationIds).toEqual(ids);
    stub.resetCounters();

    const summary = await worker.runTask(task);
    expect(summary).toMatchObject({ status: 'completed', generatedCount: 9, failedCount: 0 });
    expect(stub.maxInFlight).toBeLessThanOrEqual(3);
    expect(stub.maxInFlight).toBeGreaterThanOrEqual(2);

    // One request per article, and article i + 3 is only started once a lane is free, after article i.
    const started = stub.requests.map((r) => keywordOf(r));
    expect([...started].sort()).toEqual([...keywords].sort());
    const startIndex = keywords.map((kw) => started.indexOf(kw));
    for (let i = 0; i + 3 < keywords.length; i++) expect(startIndex[i]!).toBeLessThan(startIndex[i + 3]!);
    expect(new Set(started.slice(0, 3))).toEqual(new Set(keywords.slice(0, 3)));

    const saved = await articlesOf(task.id);
    expect(saved.map((a) => [a.position, a.distillation_id, a.keyword])).toEqual(keywords.map((kw, i) => [i, ids[i], kw]));
    expect(await invariantViolations(database, accountId)).toEqual([]);
  });
});

describe('global LLM concurrency (LLM_CONCURRENCY)', () => {
  const stack = useStack(150, { llmConcurrency: 2 });

  it('never has more than the LLM worker\'s slots in flight across 3 tasks running at once', async () => {
    const { stub, worker } = stack;
    const accounts = await Promise.all([0, 1, 2].map((i) => seedAccount(4, `gc${i}`)));
    const tasks = [];
    for (const a of accounts) tasks.push(await createTaskWithReservations(database.db, a.accountId, { articleCount: 4, concurrency: 4 }));
    stub.resetCounters();

    const summaries = await Promise.all(tasks.map((t) => worker.runTask(t)));
    for (const s of summaries) expect(s).toMatchObject({ status: 'completed', generatedCount: 4, failedCount: 0 });
    // 3 tasks x 4 wanted 12 calls at once; the worker's 2 slots are the binding limit.
    expect(stub.maxInFlight).toBe(2);
    expect(stub.requests).toHaveLength(12);

    for (const [i, t] of tasks.entries()) {
      const saved = await articlesOf(t.id);
      expect(saved.map((a) => a.keyword)).toEqual(accounts[i]!.keywords);
      expect(await invariantViolations(database, accounts[i]!.accountId)).toEqual([]);
    }
  });
});

describe('LLM start rate (LLM_MAX_RPS)', () => {
  const RPS = 2;
  /** The dev server runs each task queue as one partition (matching.numTaskqueueReadPartitions=1). */
  const PARTITIONS = 1;
  const stack = useStack(0, { llmMaxRps: RPS });

  /*
   * Why a count per 1-second window, and why 2 * RPS + 1. The server paces the queue with one token
   * bucket (one partition) of RPS starts/s and a burst of RPS, and the start matched as the limit is first
   * applied is not counted: seen as 3 starts at once, then one every 1 / RPS s (0, 2, 3, 426, 925,
   * 1424 ... ms). So the first second holds at most 1 + RPS + RPS starts and any later one at most RPS + 1
   * (a late start lets the next follow it closely). Uncapped, all 12 calls start within ~150 ms. Delays
   * on a slow machine only push starts later, so these bounds never fail because the machine is slow.
   * Wall time is not asserted.
   */
  it('caps LLM call starts per second across the queue, as the server reports', async () => {
    const { stub, worker } = stack;
    const { accountId, keywords } = await seedAccount(12, 'rps');
    const task = await createTaskWithReservations(database.db, accountId, { articleCount: 12, concurrency: 12 });
    const startedAt: number[] = [];
    stub.setBehavior(() => {
      startedAt.push(performance.now());
      return {};
    });
    stub.resetCounters();

    const summary = await worker.runTask(task);
    expect(summary).toMatchObject({ status: 'completed', generatedCount: 12, failedCount: 0 });
    expect(startedAt).toHaveLength(12);

    const maxInWindow = (ms: number) => Math.max(...startedAt.map((t0) => startedAt.filter((t) => t >= t0 && t < t0 + ms).length));
    const starts = `starts (ms): ${startedAt.map((t) => Math.round(t - startedAt[0]!)).join(', ')}`;
    const afterFirstSecond = startedAt.filter((t) => t >= startedAt[0]! + 1_000);
    expect(Math.max(0, ...afterFirstSecond.map((t0) => afterFirstSecond.filter((t) => t >= t0 && t < t0 + 1_000).length)), starts).toBeLessThanOrEqual(
      RPS + 1,
    );
    expect(maxInWindow(1_000), `starts (ms): ${startedAt.map((t) => Math.round(t - startedAt[0]!)).join(', ')}`).toBeLessThanOrEqual(2 * RPS + 1);

    const llmQueue = await llmQueueOf(worker, task.id);
    const described = await worker.client.workflowService.describeTaskQueue({
      namespace: 'default',
      taskQueue: { name: llmQueue },
      taskQueueType: proto.temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
      reportConfig: true,
    });
    expect(described.effectiveRateLimit).toMatchObject({
      requestsPerSecond: RPS,
      rateLimitSource: proto.temporal.api.enums.v1.RateLimitSource.RATE_LIMIT_SOURCE_WORKER,
    });
    const partitions = await worker.client.workflowService.listTaskQueuePartitions({ namespace: 'default', taskQueue: { name: llmQueue } });
    expect(partitions.activityTaskQueuePartitions).toHaveLength(PARTITIONS);

    expect((await articlesOf(task.id)).map((a) => a.keyword)).toEqual(keywords);
    expect(await invariantViolations(database, accountId)).toEqual([]);
  });
});
