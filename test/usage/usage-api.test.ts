import { describe, expect, it } from 'vitest';
import { createTaskWithReservations } from '../../src/domain/tasks/selection.js';
import { taskWorkflowId } from '../../src/domain/tasks/workflow-id.js';
import { waitFor } from '../support/api-server.js';
import { useTestStack } from '../support/stack.js';
import { newAccount, seedDistillations } from '../support/db.js';
import { invariantViolations } from '../support/invariants.js';

/** /api/usage over real HTTP, a real worker and Temporal: verify, repair, the stored reports, orphaned tasks. */

const stack = useTestStack({ latencyMs: 5, policy: { timeoutMs: 20_000 } });
const { database } = stack;

const usageCount = async (id: number) => (await database.sql`SELECT usage_count FROM distillations WHERE id = ${id}`)[0]!.usage_count;
/** Past the grace verification gives a task between its commit and its workflow's start. */
const age = (taskId: number) => database.sql`UPDATE generation_tasks SET updated_at = now() - interval '2 minutes' WHERE id = ${taskId}`;

describe('POST /api/usage/verify and /repair', () => {
  it('reports a corrupted count, repairs it only when dryRun=false, and stores every run', async () => {
    const { accountId, apiKey } = await newAccount(database);
    const [d1] = await seedDistillations(database, accountId, [{}, {}, {}]);
    const clean = await stack.api.call('POST', '/api/usage/verify', apiKey);
    expect(clean.status).toBe(200);
    expect(clean.body).toMatchObject({ scope: { accountId }, totals: { distillations: 3, tasks: 0, discrepancies: 0 }, discrepancies: [] });
    expect(clean.body.reportId).toEqual(expect.any(Number));

    await database.sql`UPDATE distillations SET usage_count = 2 WHERE id = ${d1!}`;
    const ids = { accountId, distillationId: d1 };
    const found = await stack.api.call('POST', '/api/usage/verify', apiKey);
    expect(found.body.discrepancies).toEqual([{ kind: 'usage_count_mismatch', ids, expected: 0, actual: 2, message: expect.stringContaining('usage_count 2') }]);
    expect(found.body.totals.byKind.usage_count_mismatch).toBe(1);

    const dry = await stack.api.call('POST', '/api/usage/repair', apiKey);
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ dryRun: true, changes: [{ kind: 'set_usage_count', ids, before: 2, after: 0 }], report: { discrepancies: [] } });
    expect(await usageCount(d1!)).toBe(2);
    expect((await stack.api.call('POST', '/api/usage/repair?dryRun=true', apiKey)).body.dryRun).toBe(true);

    const real = await stack.api.call('POST', '/api/usage/repair?dryRun=false', apiKey);
    expect(real.body).toMatchObject({ dryRun: false, changes: dry.body.changes, report: { discrepancies: [] } });
    expect(real.body.before.discrepancies).toHaveLength(1);
    expect(await usageCount(d1!)).toBe(0);
    expect((await stack.api.call('POST', '/api/usage/verify', apiKey)).body.discrepancies).toEqual([]);

    const bad = await stack.api.call('POST', '/api/usage/repair?dryRun=maybe', apiKey);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('dryRun must be true or false');

    const list = await stack.api.call('GET', '/api/usage/reports', apiKey);
    expect(list.status).toBe(200);
    // The scheduled verification of another test file may run meanwhile and add this account's part of
    // it (source 'schedule'): only the API's own runs are counted here.
    const fromApi = list.body.reports.filter((r: any) => r.source === 'api');
    expect(list.body.total).toBe(list.body.reports.length);
    expect(fromApi.map((r: any) => [r.kind, r.dryRun, r.source])).toEqual([
      ['verify', false, 'api'],
      ['repair', false, 'api'],
      ['repair', true, 'api'],
      ['repair', true, 'api'],
      ['verify', false, 'api'],
      ['verify', false, 'api'],
    ]);
    expect(fromApi[1]).toMatchObject({ accountId, totals: { discrepancies: 1, changes: 1, remaining: 0, usage_count_mismatch: 1 } });
    expect(fromApi[1].changes).toEqual(dry.body.changes);
    const page = await stack.api.call('GET', '/api/usage/reports?page=2&pageSize=4', apiKey);
    expect(page.body).toMatchObject({ page: 2, pageSize: 4, total: list.body.total });
    expect(page.body.reports.map((r: any) => r.id)).toEqual(list.body.reports.slice(4).map((r: any) => r.id));
    expect((await stack.api.call('GET', '/api/usage/reports?pageSize=500', apiKey)).status).toBe(400);
  });

  it("applies a dry run's fingerprint only while the changes are the ones it showed", async () => {
    const { accountId, apiKey } = await newAccount(database);
    const [d1, d2] = await seedDistillations(database, accountId, [{}, {}]);
    await database.sql`UPDATE distillations SET usage_count = 3 WHERE id = ${d1!}`;
    const dry = await stack.api.call('POST', '/api/usage/repair', apiKey);
    expect(dry.body).toMatchObject({ dryRun: true, fingerprint: expect.stringMatching(/^[0-9a-f]{32}$/), changes: [{ kind: 'set_usage_count', before: 3, after: 0 }] });

    await database.sql`UPDATE distillations SET usage_count = 5 WHERE id = ${d2!}`;
    const stale = await stack.api.call('POST', `/api/usage/repair?dryRun=false&fingerprint=${dry.body.fingerprint}`, apiKey);
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({ code: 'REPAIR_PLAN_CHANGED', details: { expected: dry.body.fingerprint, changes: 2 } });
    expect([await usageCount(d1!), await usageCount(d2!)]).toEqual([3, 5]);

    const again = await stack.api.call('POST', '/api/usage/repair', apiKey);
    expect(again.body.fingerprint).not.toBe(dry.body.fingerprint);
    const applied = await stack.api.call('POST', `/api/usage/repair?dryRun=false&fingerprint=${again.body.fingerprint}`, apiKey);
    expect(applied.body).toMatchObject({ dryRun: false, fingerprint: again.body.fingerprint, changes: again.body.changes, report: { discrepancies: [] } });
    expect([await usageCount(d1!), await usageCount(d2!)]).toEqual([0, 0]);
    expect((await stack.api.call('POST', '/api/usage/repair?dryRun=false&fingerprint=xyz', apiKey)).body.error.message).toContain('32 hex characters');
  });

  it('needs an API key, and an account sees only its own reports', async () => {
    expect((await stack.api.call('POST', '/api/usage/verify', 'ak_not-a-real-key-at-all')).status).toBe(401);
    expect((await stack.api.call('GET', '/api/usage/reports', 'ak_not-a-real-key-at-all')).status).toBe(401);
    const a = await newAccount(database);
    const b = await newAccount(database);
    const mine = (await stack.api.call('POST', '/api/usage/verify', a.apiKey)).body.reportId;
    const theirs = (await stack.api.call('POST', '/api/usage/repair', b.apiKey)).body.reportId;
    await database.sql`INSERT INTO usage_reports (account_id, kind, source) VALUES (NULL, 'verify', 'schedule')`;
    const listed = (await stack.api.call('GET', '/api/usage/reports', a.apiKey)).body;
    expect(listed.reports.map((r: any) => r.id)).toEqual([mine]);
    expect(listed.total).toBe(1);
    expect((await stack.api.call('GET', '/api/usage/reports', b.apiKey)).body.reports.map((r: any) => r.id)).toEqual([theirs]);
  });
});

describe('orphaned tasks', () => {
  it('a task whose workflow was terminated is reported, and repair finishes it as stopped from outside and releases its reservations', async () => {
    const { accountId, apiKey } = await newAccount(database);
    const ids = await seedDistillations(database, accountId, [{}, {}, {}]);
    stack.stub.setBehavior(() => ({ hang: true }));
    const created = await stack.api.call('POST', '/api/article-generation/tasks', apiKey, { articleCount: 2 });
    expect(created.status).toBe(201);
    const taskId = created.body.taskId as number;
    await waitFor('the task to run', async () => ((await database.sql`SELECT status FROM generation_tasks WHERE id = ${taskId}`)[0]!.status === 'running' ? true : undefined));
    await stack.worker.client.workflow.getHandle(taskWorkflowId(taskId)).terminate('operator pressed Terminate');
    stack.stub.setBehavior(() => ({}));

    // Fresh from its last change, the task is given the benefit of the doubt (a retry may be starting).
    expect((await stack.api.call('POST', '/api/usage/verify', apiKey)).body.discrepancies).toEqual([]);
    await age(taskId);
    const orphan = { kind: 'orphaned_task', ids: { accountId, taskId, workflowId: taskWorkflowId(taskId) }, expected: 'RUNNING', actual: 'TERMINATED' };
    const found = await stack.api.call('POST', '/api/usage/verify', apiKey);
    expect(found.body.discrepancies).toEqual([{ ...orphan, message: expect.stringContaining('terminated') }]);

    const dry = await stack.api.call('POST', '/api/usage/repair', apiKey);
    const change = { kind: 'finish_orphaned_task', ids: orphan.ids, before: { status: 'running', reservedItems: 2 }, after: { status: 'canceled', reservedItems: 0 } };
    expect(dry.body.changes).toEqual([change]);
    expect((await database.sql`SELECT status FROM generation_tasks WHERE id = ${taskId}`)[0]!.status).toBe('running');

    const real = await stack.api.call('POST', '/api/usage/repair?dryRun=false', apiKey);
    expect(real.body).toMatchObject({ dryRun: false, changes: [change], report: { discrepancies: [] } });
    const [task] = await database.sql`SELECT status, error_message FROM generation_tasks WHERE id = ${taskId}`;
    expect(task).toMatchObject({ status: 'canceled', error_message: expect.stringContaining('stopped from outside the service after 0 of 2 articles') });
    const reserved = await database.sql`SELECT count(*)::int AS n FROM task_items WHERE task_id = ${taskId} AND state = 'reserved'`;
    expect(reserved[0]!.n).toBe(0);
    const counts = await database.sql`SELECT reserved_count FROM distillations WHERE id = ANY(${ids})`;
    expect(counts.map((c) => c.reserved_count)).toEqual([0, 0, 0]);
    expect(await invariantViolations(database, accountId)).toEqual([]);
  });

  it('a task whose workflow never started counts once it is a minute old', async () => {
    const { accountId, apiKey } = await newAccount(database);
    await seedDistillations(database, accountId, [{}, {}]);
    const task = await createTaskWithReservations(database.db, accountId, { articleCount: 1 });
    await database.sql`UPDATE generation_tasks SET updated_at = now() - interval '30 seconds' WHERE id = ${task.id}`;
    expect((await stack.api.call('POST', '/api/usage/verify', apiKey)).body.discrepancies).toEqual([]);
    await age(task.id);
    const found = await stack.api.call('POST', '/api/usage/verify', apiKey);
    expect(found.body.discrepancies).toMatchObject([{ kind: 'orphaned_task', ids: { taskId: task.id }, actual: 'NOT_FOUND' }]);
    await stack.api.call('POST', '/api/usage/repair?dryRun=false', apiKey);
    expect((await database.sql`SELECT status FROM generation_tasks WHERE id = ${task.id}`)[0]!.status).toBe('failed');
    expect(await invariantViolations(database, accountId)).toEqual([]);
  });
});
