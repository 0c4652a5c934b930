import { describe, expect, it } from 'vitest';
import { waitFor } from '../support/api-server.js';
import { newAccount, seedDistillations } from '../support/db.js';
import { invariantViolations } from '../support/invariants.js';
import { useTestStack } from '../support/stack.js';

/** Account quotas through the real stack: the API, a real worker, the LLM stub and PostgreSQL. */
const stack = useTestStack({ latencyMs: 5 });
const { database } = stack;
const TASKS = '/api/article-generation/tasks';

/** An operator's key: setting limits needs the operator scope. */
let operatorKey: string | undefined;
const operator = async () => (operatorKey ??= (await newAccount(database, { scope: 'operator' })).apiKey);

async function accountWith(distillations: number, limits: Record<string, number>) {
  const account = await newAccount(database);
  await seedDistillations(database, account.accountId, Array.from({ length: distillations }, (_, i) => ({ keyword: `quota-${account.accountId}-${i}` })));
  const set = await stack.api.call('PATCH', `/api/admin/accounts/${account.accountId}/limits`, await operator(), limits);
  expect(set.status).toBe(200);
  expect(set.body.effective).toMatchObject(limits);
  return account;
}
const statuses = async (ids: number[]) =>
  new Map((await database.sql`SELECT id, status FROM generation_tasks WHERE id = ANY(${ids})`).map((r) => [r.id as number, r.status as string]));
const allFinished = (ids: number[]) =>
  waitFor('every task to finish', async () => {
    const s = await statuses(ids);
    return [...s.values()].every((v) => v === 'completed') ? s : undefined;
  }, 60_000);

describe('quotas', () => {
  it('runs tasks over the running-task quota one at a time, in creation order, rejecting none', async () => {
    stack.stub.setLatency(150);
    const { accountId, apiKey } = await accountWith(6, { maxRunningTasks: 1 });
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) {
      const created = await stack.api.call('POST', TASKS, apiKey, { articleCount: 2, concurrency: 1 });
      expect(created.status).toBe(201);
      ids.push(created.body.taskId);
    }
    const firstSeenRunning: number[] = [];
    let maxRunning = 0;
    await waitFor('every task to finish', async () => {
      const s = await statuses(ids);
      const running = ids.filter((id) => s.get(id) === 'running');
      maxRunning = Math.max(maxRunning, running.length);
      for (const id of running) if (!firstSeenRunning.includes(id)) firstSeenRunning.push(id);
      return ids.every((id) => s.get(id) === 'completed') ? true : undefined;
    }, 60_000);
    stack.stub.setLatency(5);

    expect(maxRunning).toBe(1);
    expect(firstSeenRunning).toEqual(ids);
    const rows = await database.sql`SELECT id, started_at, completed_at, generated_count FROM generation_tasks WHERE id = ANY(${ids}) ORDER BY started_at`;
    expect(rows.map((r) => r.id)).toEqual(ids);
    expect(rows.map((r) => r.generated_count)).toEqual([2, 2, 2]);
    expect(await invariantViolations(database, accountId)).toEqual([]);
  }, 90_000);

  it('caps a priority above the account maximum and says so in the 201', async () => {
    const { apiKey } = await accountWith(2, { maxPriority: 3 });
    const capped = await stack.api.call('POST', TASKS, apiKey, { articleCount: 1, priority: 8 });
    expect(capped.status).toBe(201);
    expect(capped.body.priorityCapped).toEqual({ requested: 8, applied: 3 });
    const within = await stack.api.call('POST', TASKS, apiKey, { articleCount: 1, priority: 2 });
    expect(within.status).toBe(201);
    expect(within.body).not.toHaveProperty('priorityCapped');
    const rows = await database.sql`SELECT priority FROM generation_tasks WHERE id IN (${capped.body.taskId}, ${within.body.taskId}) ORDER BY id`;
    expect(rows.map((r) => r.priority)).toEqual([3, 2]);
    await allFinished([capped.body.taskId, within.body.taskId]);
  });

  it('refuses a task asking more articles than are left today with 429 QUOTA_EXCEEDED, counting written and reserved articles', async () => {
    const { accountId, apiKey } = await accountWith(10, { maxArticlesPerDay: 5 });
    const first = await stack.api.call('POST', TASKS, apiKey, { articleCount: 3 });
    expect(first.status).toBe(201);
    // Reserved (not yet written) articles count as much as written ones.
    const over = await stack.api.call('POST', TASKS, apiKey, { articleCount: 3 });
    expect(over.status).toBe(429);
    expect(over.body.error).toMatchObject({
      code: 'QUOTA_EXCEEDED',
      details: { quota: 'articlesPerDay', limit: 5, used: 3, remaining: 2, requested: 3 },
    });
    expect(over.body.error.message).toContain('Request at most 2');
    await allFinished([first.body.taskId]);
    const fits = await stack.api.call('POST', TASKS, apiKey, { articleCount: 2 });
    expect(fits.status).toBe(201);
    await allFinished([fits.body.taskId]);
    const none = await stack.api.call('POST', TASKS, apiKey, { articleCount: 1 });
    expect(none.status).toBe(429);
    expect(none.body.error.details).toMatchObject({ used: 5, remaining: 0 });
    const [n] = await database.sql`SELECT count(*)::int AS n FROM generation_tasks WHERE account_id = ${accountId}`;
    expect(n!.n).toBe(2);
    expect(await invariantViolations(database, accountId)).toEqual([]);
  });

  it('lets an operator read and change limits; a bad value is a 400 naming the field, null goes back to the default', async () => {
    const { accountId, apiKey: writeKey } = await accountWith(1, { maxPriority: 4 });
    const own = await stack.api.call('PATCH', `/api/admin/accounts/${accountId}/limits`, writeKey, { maxPriority: 10 });
    expect(own.body.error.code).toBe('FORBIDDEN_SCOPE');
    const apiKey = await operator();
    const bad = await stack.api.call('PATCH', `/api/admin/accounts/${accountId}/limits`, apiKey, { maxPriority: 11, bogus: 1 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_ERROR');
    expect(bad.body.error.message).toContain('maxPriority');
    const reset = await stack.api.call('PATCH', `/api/admin/accounts/${accountId}/limits`, apiKey, { maxPriority: null, maxRunningTasks: 2 });
    expect(reset.body).toEqual({ overrides: { maxRunningTasks: 2 }, effective: expect.objectContaining({ maxPriority: 10, maxRunningTasks: 2 }) });
    const read = await stack.api.call('GET', `/api/admin/accounts/${accountId}/limits`, apiKey);
    expect(read.body).toEqual(reset.body);
    const missing = await stack.api.call('GET', '/api/admin/accounts/999999999/limits', apiKey);
    expect(missing.status).toBe(404);
  });
});
