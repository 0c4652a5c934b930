import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { taskWorkflowId } from '../../src/domain/tasks/workflow-id.js';
import { waitFor } from '../support/api-server.js';
import { newAccount, seedDistillations } from '../support/db.js';
import { useTestStack } from '../support/stack.js';

const stack = useTestStack();
const TASKS = '/api/article-generation/tasks';

/** A task over `keywords` (one article each), created through the API; resolves once it has ended. */
async function taskOver(keywords: string[]) {
  const account = await newAccount(stack.database);
  await seedDistillations(stack.database, account.accountId, keywords.map((keyword) => ({ keyword, topics: [`${keyword}?`] })));
  const created = await stack.api.call('POST', TASKS, account.apiKey, { articleCount: keywords.length });
  expect(created.status, created.text).toBe(201);
  const taskId = created.body.taskId as number;
  await waitFor('the task to end', async () => ((await stack.api.call('GET', `${TASKS}/${taskId}`, account.apiKey)).body.status === 'completed' ? true : undefined), 60_000);
  const description = await stack.worker.client.workflow.getHandle(taskWorkflowId(taskId)).describe();
  return { taskId, accountId: account.accountId, description, selected: created.body.selectedDistillationIds as number[] };
}

describe("a task's workflow carries a readable summary (Temporal user metadata)", () => {
  it('names the article count, the first keywords in order of use and the account; the details list every keyword', async () => {
    const tag = randomUUID().slice(0, 6);
    const keywords = [`内容营销${tag}`, `品牌${tag}`, `搜索${tag}`];
    const { taskId, accountId, description, selected } = await taskOver(keywords);
    const summary = await description.staticSummary();
    // Equal usage: selected in the order they were made, so keywords[i] is article i's.
    expect(summary).toBe(`Task ${taskId}: 3 articles for ${keywords[0]}, ${keywords[1]} and 1 more; account ${accountId}`);
    const details = await description.staticDetails();
    expect(details).toContain(`Task ${taskId} of account ${accountId}: 3 articles`);
    for (const [i, id] of selected.entries()) expect(details).toContain(`${i + 1}. ${keywords[i]} (distillation ${id})`);
    // Tenant text at rest: encrypted like every other payload (the UI reads it through the codec endpoint).
    const stored = description.raw.executionConfig!.userMetadata!.summary!;
    expect(Buffer.from(stored.metadata!.encoding!).toString()).toBe('binary/encrypted');
    expect(Buffer.from(stored.data!).includes(Buffer.from(keywords[0]!))).toBe(false);
  });

  it('stays within the server limit for long keywords: the start succeeds and the summary is shortened', async () => {
    const tag = randomUUID().slice(0, 6);
    const keywords = [`${'长'.repeat(120)}${tag}`, `${'词'.repeat(120)}${tag}`];
    const { description } = await taskOver(keywords);
    const summary = (await description.staticSummary())!;
    expect(Buffer.byteLength(summary)).toBeLessThanOrEqual(200);
    expect(summary).toMatch(/^Task \d+: 2 articles for (长|词)+…/);
  });
});
