import { describe, expect, it } from 'vitest';
import { newAccount } from '../support/db.js';
import { expectError, topicsFor, useHttpApi } from '../support/http-api.js';
import { invariantViolations } from '../support/invariants.js';
import { keywordOf } from '../support/llm-stub.js';

/** The HTTP API end to end (test/support/http-api.ts): article generation tasks run and reported. */
const h = useHttpApi();

const TASKS = '/api/article-generation/tasks';

describe('article generation tasks', () => {
  it('creates tasks from the least used distillations, runs them to completion and reports them', async () => {
    const { accountId, apiKey } = await newAccount(h.database);
    const tag = `acct${accountId}`;
    const keywords = [`${tag}-alpha`, `${tag}-beta`, `${tag}-gamma`];
    const ids = await h.importDistillations(apiKey, keywords);
    // No topics: never selectable.
    await h.call('POST', '/api/distillations', { key: apiKey, json: { keyword: `${tag}-empty` } });
    const kb = await h.call('POST', '/api/knowledge-bases', {
      key: apiKey,
      json: { name: 'kb', documents: [{ title: `${tag} doc`, content: `${tag} reference fact` }] },
    });
    const setting = await h.call('POST', '/api/article-settings', { key: apiKey, json: { name: 's', prompt: `${tag} house style` } });

    const created = await h.call('POST', TASKS, {
      key: apiKey,
      json: { articleCount: 2, knowledgeBaseId: kb.body.id, articleSettingId: setting.body.id },
    });
    expect(created.status, created.text).toBe(201);
    const taskId = created.body.taskId as number;
    expect(created.body).toEqual({
      taskId,
      status: 'pending',
      workflowId: `article-task-${taskId}`,
      selectedDistillationIds: [ids[0], ids[1]],
      createdAt: expect.any(String),
    });
    expect(Math.abs(Date.now() - new Date(created.body.createdAt).getTime())).toBeLessThan(60_000);

    // While in flight (or already done) the two picked are reserved or used, never both.
    const during = await h.distillationMap(apiKey);
    for (const id of [ids[0]!, ids[1]!]) expect(during.get(id).usageCount + during.get(id).reservedCount).toBe(1);

    const detail = await h.waitForTask(apiKey, taskId);
    expect(detail).toMatchObject({
      id: taskId,
      accountId,
      status: 'completed',
      requestedCount: 2,
      generatedCount: 2,
      failedCount: 0,
      skippedCount: 0,
      progress: 100,
      errorMessage: null,
      workflowId: `article-task-${taskId}`,
      knowledgeBaseId: kb.body.id,
      articleSettingId: setting.body.id,
      keyword: keywords[0],
      model: 'default', // the registry id (the test worker's one client is the registry default)
    });
    expect(detail.selectedDistillations).toEqual([
      { id: ids[0], keyword: keywords[0], deleted: false },
      { id: ids[1], keyword: keywords[1], deleted: false },
    ]);
    expect(detail.items).toHaveLength(2);
    expect(detail.items.map((i: any) => [i.position, i.distillationId, i.state, i.error])).toEqual([
      [0, ids[0], 'saved', null],
      [1, ids[1], 'saved', null],
    ]);
    expect(detail.generatedArticles).toHaveLength(2);
    expect(detail.generatedArticles.map((a: any) => [a.position, a.distillationId, a.keyword, a.reviewStatus])).toEqual([
      [0, ids[0], keywords[0], 'approved'],
      [1, ids[1], keywords[1], 'approved'],
    ]);
    expect(detail.items.map((i: any) => i.articleId)).toEqual(detail.generatedArticles.map((a: any) => a.id));

    // The LLM saw the knowledge base and the article setting.
    const prompts = h.stub.requests.filter((r) => keywordOf(r) === keywords[0]);
    expect(prompts.length).toBeGreaterThanOrEqual(1);
    expect(prompts[0]!.userMessage).toContain(`${tag} reference fact`);
    expect(prompts[0]!.systemMessage).toContain(`${tag} house style`);

    const afterFirst = await h.distillationMap(apiKey);
    expect(afterFirst.get(ids[0]!)).toMatchObject({ usageCount: 1, reservedCount: 0 });
    expect(afterFirst.get(ids[1]!)).toMatchObject({ usageCount: 1, reservedCount: 0 });
    expect(afterFirst.get(ids[2]!)).toMatchObject({ usageCount: 0, reservedCount: 0 });

    // The next task takes the least used one.
    const second = await h.call('POST', TASKS, { key: apiKey, json: { articleCount: 1 } });
    expect(second.status, second.text).toBe(201);
    expect(second.body.selectedDistillationIds).toEqual([ids[2]]);
    const secondId = second.body.taskId as number;
    const secondDetail = await h.waitForTask(apiKey, secondId);
    expect(secondDetail).toMatchObject({ status: 'completed', generatedCount: 1, keyword: keywords[2] });
    expect(secondDetail.selectedDistillations).toEqual([{ id: ids[2], keyword: keywords[2], deleted: false }]);
    const afterSecond = await h.distillationMap(apiKey);
    for (const id of ids) expect(afterSecond.get(id)).toMatchObject({ usageCount: 1, reservedCount: 0 });

    // Listing: newest first, the status filter, pagination and the distillation summary.
    const list = await h.call('GET', `${TASKS}?status=completed`, { key: apiKey });
    expect(list.status, list.text).toBe(200);
    expect(list.body).toMatchObject({ page: 1, pageSize: 20, total: 2 });
    expect(list.body.tasks.map((t: any) => t.id)).toEqual([secondId, taskId]);
    expect(list.body.tasks[0]).toMatchObject({
      status: 'completed',
      keyword: keywords[2],
      distillationCount: 1,
      distillationResult: keywords[2],
      requestedCount: 1,
      generatedCount: 1,
      progress: 100,
      workflowId: `article-task-${secondId}`,
    });
    expect(list.body.tasks[1]).toMatchObject({ keyword: keywords[0], distillationCount: 2, generatedCount: 2 });
    expect(list.body.tasks[1].distillationResult).toContain('使用了2个蒸馏结果');
    const page2 = await h.call('GET', `${TASKS}?pageSize=1&page=2`, { key: apiKey });
    expect(page2.body).toMatchObject({ page: 2, pageSize: 1, total: 2 });
    expect(page2.body.tasks.map((t: any) => t.id)).toEqual([taskId]);
    const pending = await h.call('GET', `${TASKS}?status=pending`, { key: apiKey });
    expect(pending.body).toMatchObject({ tasks: [], total: 0 });
    const bogus = await h.call('GET', `${TASKS}?status=bogus`, { key: apiKey });
    expect(expectError(bogus, 400, 'VALIDATION_ERROR').message).toContain('status');
    expectError(await h.call('GET', `${TASKS}?pageSize=500`, { key: apiKey }), 400, 'VALIDATION_ERROR');

    // A task's articles, in position order.
    const taskArticles = await h.call('GET', `${TASKS}/${taskId}/articles`, { key: apiKey });
    expect(taskArticles.status, taskArticles.text).toBe(200);
    expect(taskArticles.body).toMatchObject({ page: 1, pageSize: 100, total: 2 });
    expect(taskArticles.body.articles.map((a: any) => [a.position, a.taskId, a.keyword])).toEqual([
      [0, taskId, keywords[0]],
      [1, taskId, keywords[1]],
    ]);
    const paged = await h.call('GET', `${TASKS}/${taskId}/articles?pageSize=1&page=2`, { key: apiKey });
    expect(paged.body.articles.map((a: any) => a.position)).toEqual([1]);

    // /api/articles: filtered by task, and all of the account's.
    const byTask = await h.call('GET', `/api/articles?taskId=${taskId}`, { key: apiKey });
    expect(byTask.status).toBe(200);
    expect(byTask.body.total).toBe(2);
    expect(byTask.body.articles.map((a: any) => a.id)).toEqual(taskArticles.body.articles.map((a: any) => a.id));
    const allArticles = await h.call('GET', '/api/articles', { key: apiKey });
    expect(allArticles.body.total).toBe(3);
    expectError(await h.call('GET', '/api/articles?taskId=abc', { key: apiKey }), 400, 'VALIDATION_ERROR');

    // One article in full; its topics are a snapshot that later edits do not change.
    const articleId = taskArticles.body.articles[0].id as number;
    const article = await h.call('GET', `/api/articles/${articleId}`, { key: apiKey });
    expect(article.status, article.text).toBe(200);
    expect(article.body).toMatchObject({
      id: articleId,
      accountId,
      taskId,
      position: 0,
      distillationId: ids[0],
      keyword: keywords[0],
      topics: topicsFor(keywords[0]!),
      title: `Everything you need to know about ${keywords[0]}`,
      reviewStatus: 'approved',
      model: 'default',
    });
    expect(article.body.content).toContain(`This stub article is about ${keywords[0]}.`);
    expect(article.body.content).toContain(topicsFor(keywords[0]!)[1]);
    expect(article.body.promptTokens).toBeGreaterThan(0);
    await h.call('PUT', `/api/distillations/${ids[0]}/topics`, { key: apiKey, json: { topics: ['replaced'] } });
    const again = await h.call('GET', `/api/articles/${articleId}`, { key: apiKey });
    expect(again.body.topics).toEqual(topicsFor(keywords[0]!));

    // A deleted distillation still shows in the task, flagged.
    expect((await h.call('DELETE', `/api/distillations/${ids[1]}`, { key: apiKey })).status).toBe(204);
    const flagged = await h.call('GET', `${TASKS}/${taskId}`, { key: apiKey });
    expect(flagged.body.selectedDistillations[1]).toEqual({ id: ids[1], keyword: keywords[1], deleted: true });

    expectError(await h.call('GET', `${TASKS}/abc`, { key: apiKey }), 400, 'INVALID_ID');
    expectError(await h.call('GET', `${TASKS}/999999999`, { key: apiKey }), 404, 'NOT_FOUND');
    expectError(await h.call('GET', '/api/articles/999999999', { key: apiKey }), 404, 'NOT_FOUND');
    expect(await invariantViolations(h.database, accountId)).toEqual([]);
  });

  it('saves articles as pending_review when autoApprove is false', async () => {
    const { accountId, apiKey } = await newAccount(h.database);
    const keywords = [`acct${accountId}-review-a`, `acct${accountId}-review-b`];
    await h.importDistillations(apiKey, keywords);
    const created = await h.call('POST', TASKS, { key: apiKey, json: { articleCount: 2, autoApprove: false, concurrency: 1, priority: 9 } });
    expect(created.status, created.text).toBe(201);
    const detail = await h.waitForTask(apiKey, created.body.taskId);
    expect(detail).toMatchObject({ status: 'completed', generatedCount: 2, autoApprove: false, concurrency: 1, priority: 9 });
    expect(detail.generatedArticles.map((a: any) => a.reviewStatus)).toEqual(['pending_review', 'pending_review']);
    const article = await h.call('GET', `/api/articles/${detail.generatedArticles[0].id}`, { key: apiKey });
    expect(article.body).toMatchObject({ reviewStatus: 'pending_review', keyword: keywords[0] });
    expect(await invariantViolations(h.database, accountId)).toEqual([]);
  });

  it('uses the default concurrency when none is given', async () => {
    const { accountId, apiKey } = await newAccount(h.database);
    await h.importDistillations(apiKey, [`acct${accountId}-dc`]);
    const created = await h.call('POST', TASKS, { key: apiKey, json: { articleCount: 1 } });
    expect(created.status, created.text).toBe(201);
    const detail = await h.waitForTask(apiKey, created.body.taskId);
    expect(detail).toMatchObject({ status: 'completed', concurrency: 5, priority: 5, autoApprove: true, maxRetries: 3 });
    expect(await invariantViolations(h.database, accountId)).toEqual([]);
  });
});
