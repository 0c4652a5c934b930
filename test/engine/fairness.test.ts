import { expect, it } from 'vitest';
import { taskWorkflowId } from '../../src/domain/tasks/workflow-id.js';
import { waitFor } from '../support/api-server.js';
import { newAccount, seedDistillations } from '../support/db.js';
import { useTestStack } from '../support/stack.js';

// One LLM call at a time: every other call waits on the server, where fairness picks the next one.
const stack = useTestStack({ latencyMs: 20, worker: { llmConcurrency: 1 } });
const TASKS = '/api/article-generation/tasks';
const BACKLOG = 40;

async function accountWith(distillations: number, tag: string) {
  const account = await newAccount(stack.database);
  await seedDistillations(stack.database, account.accountId, Array.from({ length: distillations }, (_, i) => ({ keyword: `fair-${tag}-${account.accountId}-${i}` })));
  return account;
}

async function createTask(apiKey: string) {
  const r = await stack.api.call('POST', TASKS, apiKey, { articleCount: 1 });
  expect(r.status, r.text).toBe(201);
  return r.body.taskId as number;
}

const handle = (taskId: number) => stack.worker.client.workflow.getHandle(taskWorkflowId(taskId));
const waitsForLlm = async (taskId: number) =>
  (await handle(taskId).describe()).raw.pendingActivities?.some((a) => a.activityType?.name === 'generateArticle') ?? false;

it(`account B's one task is served before account A's backlog of ${BACKLOG} queued tasks (task-queue fairness by account)`, async () => {
  const a = await accountWith(BACKLOG, 'a');
  const b = await accountWith(1, 'b');
  // An operator gives B twice the default share (PATCH /api/admin/accounts/:id); B's task carries it below.
  const operator = await newAccount(stack.database, { scope: 'operator' });
  const weighted = await stack.api.call('PATCH', `/api/admin/accounts/${b.accountId}`, operator.apiKey, { fairnessWeight: 2 });
  expect(weighted.status, JSON.stringify(weighted.body)).toBe(200);
  expect(weighted.body).toMatchObject({ id: b.accountId, fairnessWeight: 2 });
  for (const bad of [{ fairnessWeight: 0 }, { fairnessWeight: 1001 }, {}]) {
    const refused = await stack.api.call('PATCH', `/api/admin/accounts/${b.accountId}`, operator.apiKey, bad);
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('VALIDATION_ERROR');
  }
  expect((await stack.api.call('PATCH', `/api/admin/accounts/${b.accountId}`, b.apiKey, { fairnessWeight: 50 })).status).toBe(403);
  // The LLM holds its first answer until every task waits in the queue: then the backlog is certain.
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  stack.stub.setBehavior(async () => {
    await gate;
    return {};
  });

  const aTasks: number[] = [];
  for (let i = 0; i < BACKLOG; i++) aTasks.push(await createTask(a.apiKey));
  await waitFor('all of A to wait for the LLM', async () => ((await Promise.all(aTasks.map(waitsForLlm))).every(Boolean) ? true : undefined));
  const bTask = await createTask(b.apiKey);
  await waitFor('B to wait for the LLM', async () => ((await waitsForLlm(bTask)) ? true : undefined));
  open();

  expect((await handle(bTask).result()).status).toBe('completed');
  const [done] = await stack.database.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM articles WHERE account_id = ${a.accountId}`;
  const aDoneWhenBDone = done!.n;
  // The workflow carries the account as fairness key and the account's weight; activities inherit them.
  expect((await handle(bTask).describe()).raw.workflowExecutionInfo?.priority).toMatchObject({ fairnessKey: String(b.accountId), fairnessWeight: 2 });

  for (const id of aTasks) expect((await handle(id).result()).status).toBe('completed');
  // In FIFO order B's call would be the 41st; with fairness it is among the first few.
  const bCall = stack.stub.requests.findIndex((r) => r.userMessage.includes(`fair-b-${b.accountId}-`));
  expect({ aDoneWhenBDone, callsBeforeB: bCall }).toEqual({
    aDoneWhenBDone: expect.toSatisfy((n: number) => n < BACKLOG / 4),
    callsBeforeB: expect.toSatisfy((n: number) => n < BACKLOG / 4),
  });
}, 120_000);
