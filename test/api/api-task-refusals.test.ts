import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApp } from '../../src/server/app.js';
import { connectTemporal, type TemporalHandles } from '../../src/temporal/connect.js';
import { serveApp, type TestServer } from '../support/api-server.js';
import { TEST_PAYLOAD_CODEC } from '../support/payload-codec.js';
import { newAccount } from '../support/db.js';
import { expectError, useHttpApi } from '../support/http-api.js';
import { invariantViolations } from '../support/invariants.js';

/** The HTTP API end to end (test/support/http-api.ts): task creations refused, and a workflow that cannot start. */
const h = useHttpApi();

const TASKS = '/api/article-generation/tasks';

describe('article generation tasks refused', () => {
  it('rejects a bad articleCount and other bad fields with 400 VALIDATION_ERROR, reserving nothing', async () => {
    const { accountId, apiKey } = await newAccount(h.database);
    await h.importDistillations(apiKey, ['v1', 'v2']);
    const cases: [Record<string, unknown>, string][] = [
      [{ articleCount: 0 }, 'articleCount'],
      [{ articleCount: 101 }, 'articleCount'],
      [{ articleCount: 'five' }, 'articleCount'],
      [{}, 'articleCount'],
      [{ articleCount: 1.5 }, 'articleCount'],
      [{ articleCount: null }, 'articleCount'],
      [{ articleCount: 1, priority: 11 }, 'priority'],
      [{ articleCount: 1, concurrency: 0 }, 'concurrency'],
      [{ articleCount: 1, autoApprove: 'yes' }, 'autoApprove'],
      [{ articleCount: 1, knowledgeBaseId: -3 }, 'knowledgeBaseId'],
      [{ articleCount: 1, albumId: 'x' }, 'albumId'],
    ];
    for (const [json, field] of cases) {
      const r = await h.call('POST', TASKS, { key: apiKey, json });
      const err = expectError(r, 400, 'VALIDATION_ERROR');
      expect(err.message).toContain(field);
      expect(err.details?.issues.map((i: any) => i.field)).toContain(field);
    }
    const tooMany = await h.call('POST', TASKS, { key: apiKey, json: { articleCount: 101 } });
    expect(tooMany.body.error.message).toContain('articleCount must be at most 100');
    expect(await h.taskCount(accountId)).toBe(0);
    expect(await h.reservedTotal(accountId)).toBe(0);
  });

  it('rejects asking for more articles than usable distillations with INSUFFICIENT_DISTILLATIONS', async () => {
    const { accountId, apiKey } = await newAccount(h.database);
    const ids = await h.importDistillations(apiKey, ['s1', 's2', 's3']);
    await h.call('POST', '/api/distillations', { key: apiKey, json: { keyword: 'no topics' } });
    await h.call('DELETE', `/api/distillations/${ids[2]}`, { key: apiKey });

    const r = await h.call('POST', TASKS, { key: apiKey, json: { articleCount: 3 } });
    const err = expectError(r, 400, 'INSUFFICIENT_DISTILLATIONS');
    expect(err.details).toEqual({ available: 2, requested: 3 });
    expect(err.message).toContain('可用蒸馏结果不足，当前只有2个可用，但请求生成3篇文章');

    const none = await newAccount(h.database);
    const empty = await h.call('POST', TASKS, { key: none.apiKey, json: { articleCount: 1 } });
    const e2 = expectError(empty, 400, 'INSUFFICIENT_DISTILLATIONS');
    expect(e2.details).toEqual({ available: 0, requested: 1 });
    expect(e2.message).toContain('可用蒸馏结果不足，当前只有0个可用，但请求生成1篇文章');

    expect(await h.taskCount(accountId)).toBe(0);
    expect(await h.reservedTotal(accountId)).toBe(0);
    expect((await h.call('GET', TASKS, { key: apiKey })).body.total).toBe(0);
    expect(await invariantViolations(h.database, accountId)).toEqual([]);
  });

  it("rejects another account's or nonexistent references with INVALID_REFERENCE listing the ids", async () => {
    const { accountId, apiKey } = await newAccount(h.database);
    const other = await newAccount(h.database);
    await h.importDistillations(apiKey, ['r1']);
    const foreignKb = await h.call('POST', '/api/knowledge-bases', { key: other.apiKey, json: { name: 'theirs' } });
    const foreignAlbum = await h.call('POST', '/api/albums', { key: other.apiKey, json: { name: 'theirs' } });
    const ownTarget = await h.call('POST', '/api/conversion-targets', { key: apiKey, json: { companyName: 'Gone Ltd' } });
    await h.call('DELETE', `/api/conversion-targets/${ownTarget.body.id}`, { key: apiKey });
    const kbId = foreignKb.body.id as number;
    const missingSetting = 999_999_999;

    const r = await h.call('POST', TASKS, {
      key: apiKey,
      json: { articleCount: 1, knowledgeBaseId: kbId, articleSettingId: missingSetting },
    });
    const err = expectError(r, 400, 'INVALID_REFERENCE');
    expect(err.message).toContain(`knowledgeBaseId [${kbId}]`);
    expect(err.message).toContain(`articleSettingId [${missingSetting}]`);
    expect(err.details).toEqual({ invalid: { knowledgeBaseId: [kbId], articleSettingId: [missingSetting] } });

    const album = await h.call('POST', TASKS, { key: apiKey, json: { articleCount: 1, albumId: foreignAlbum.body.id } });
    expect(expectError(album, 400, 'INVALID_REFERENCE').message).toContain(`albumId [${foreignAlbum.body.id}]`);
    const deleted = await h.call('POST', TASKS, { key: apiKey, json: { articleCount: 1, conversionTargetId: ownTarget.body.id } });
    expect(expectError(deleted, 400, 'INVALID_REFERENCE').details).toEqual({
      invalid: { conversionTargetId: [ownTarget.body.id] },
    });

    expect(await h.taskCount(accountId)).toBe(0);
    expect(await h.reservedTotal(accountId)).toBe(0);
    expect(await invariantViolations(h.database, accountId)).toEqual([]);
  });

  it('serializes concurrent creations: the second task sees the first one\'s reservations', async () => {
    const { accountId, apiKey } = await newAccount(h.database);
    const ids = await h.importDistillations(apiKey, [`acct${accountId}-c1`, `acct${accountId}-c2`, `acct${accountId}-c3`]);
    const replies = await Promise.all([1, 2].map(() => h.call('POST', TASKS, { key: apiKey, json: { articleCount: 2 } })));
    for (const r of replies) expect(r.status, r.text).toBe(201);
    // Whichever committed first took the two oldest; the other took the unused one, then the oldest again.
    const selections = replies.map((r) => r.body.selectedDistillationIds).sort((x, y) => x[0] - y[0]);
    expect(selections).toEqual([
      [ids[0], ids[1]],
      [ids[2], ids[0]],
    ]);
    for (const r of replies) expect(await h.waitForTask(apiKey, r.body.taskId)).toMatchObject({ status: 'completed', generatedCount: 2 });
    const counts = await h.distillationMap(apiKey);
    expect(ids.map((id) => [counts.get(id).usageCount, counts.get(id).reservedCount])).toEqual([
      [2, 0],
      [1, 0],
      [1, 0],
    ]);
    expect(await invariantViolations(h.database, accountId)).toEqual([]);
  });

  it("another account's task and articles are 404 and absent from its lists", async () => {
    const owner = await newAccount(h.database);
    const other = await newAccount(h.database);
    await h.importDistillations(owner.apiKey, [`acct${owner.accountId}-private`]);
    const created = await h.call('POST', TASKS, { key: owner.apiKey, json: { articleCount: 1 } });
    expect(created.status, created.text).toBe(201);
    const taskId = created.body.taskId as number;
    const detail = await h.waitForTask(owner.apiKey, taskId);
    expect(detail.status).toBe('completed');
    const articleId = detail.generatedArticles[0].id as number;

    expect(expectError(await h.call('GET', `${TASKS}/${taskId}`, { key: other.apiKey }), 404, 'NOT_FOUND').details).toEqual({
      resource: 'task',
      id: taskId,
    });
    expectError(await h.call('GET', `${TASKS}/${taskId}/articles`, { key: other.apiKey }), 404, 'NOT_FOUND');
    expect(expectError(await h.call('GET', `/api/articles/${articleId}`, { key: other.apiKey }), 404, 'NOT_FOUND').details).toEqual({
      resource: 'article',
      id: articleId,
    });
    expect((await h.call('GET', `/api/articles?taskId=${taskId}`, { key: other.apiKey })).body).toMatchObject({ articles: [], total: 0 });
    expect((await h.call('GET', TASKS, { key: other.apiKey })).body).toMatchObject({ tasks: [], total: 0 });
    expect((await h.call('GET', `/api/articles/${articleId}`, { key: owner.apiKey })).status).toBe(200);
    expect(await invariantViolations(h.database, owner.accountId)).toEqual([]);
  });
});


describe('when the workflow cannot be started', () => {
  let broken: TestServer;
  let closedTemporal: TemporalHandles;

  beforeAll(async () => {
    closedTemporal = await connectTemporal(inject('temporalAddress'), 'default', TEST_PAYLOAD_CODEC);
    await closedTemporal.close();
    broken = await serveApp(createApp(h.deps({ client: closedTemporal.client, taskQueue: h.worker.taskQueue })));
  });
  afterAll(async () => {
    await broken?.close();
  });

  it('answers 503 WORKFLOW_START_FAILED, fails the task and releases every reservation', async () => {
    const { accountId, apiKey } = await newAccount(h.database);
    const ids = await h.importDistillations(apiKey, [`acct${accountId}-w1`, `acct${accountId}-w2`, `acct${accountId}-w3`]);

    const r = await h.call('POST', TASKS, { key: apiKey, json: { articleCount: 2 }, server: broken });
    const err = expectError(r, 503, 'WORKFLOW_START_FAILED');
    const taskId = err.details?.taskId as number;
    expect(taskId).toBeGreaterThan(0);

    const detail = await h.call('GET', `${TASKS}/${taskId}`, { key: apiKey });
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ status: 'failed', generatedCount: 0, requestedCount: 2 });
    expect(detail.body.errorMessage).toContain('the workflow could not be started');
    expect(detail.body.completedAt).not.toBeNull();
    expect(detail.body.items.map((i: any) => i.state)).toEqual(['released', 'released']);
    const counts = await h.distillationMap(apiKey);
    for (const id of ids) expect(counts.get(id)).toMatchObject({ usageCount: 0, reservedCount: 0 });
    expect(await h.reservedTotal(accountId)).toBe(0);
    expect(await invariantViolations(h.database, accountId)).toEqual([]);

    const failedList = await h.call('GET', `${TASKS}?status=failed`, { key: apiKey });
    expect(failedList.body.tasks.map((t: any) => t.id)).toEqual([taskId]);

    // The broken server's health shows Temporal down.
    const health = await h.call('GET', '/api/health', { server: broken });
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({ status: 'degraded', database: { status: 'ok' }, temporal: { status: 'down' } });

    // The released distillations are picked again by a working server.
    const retry = await h.call('POST', TASKS, { key: apiKey, json: { articleCount: 2 } });
    expect(retry.status, retry.text).toBe(201);
    expect(retry.body.selectedDistillationIds).toEqual([ids[0], ids[1]]);
    const done = await h.waitForTask(apiKey, retry.body.taskId);
    expect(done).toMatchObject({ status: 'completed', generatedCount: 2 });
    expect(await invariantViolations(h.database, accountId)).toEqual([]);
  });
});


