import { beforeAll, describe, expect, it } from 'vitest';
import { callJson } from '../support/api-server.js';
import { runArticleTask } from '../support/article-tasks.js';
import { newAccount } from '../support/db.js';
import { invariantViolations } from '../support/invariants.js';
import { useTestStack } from '../support/stack.js';

/** Review, edits with revisions, bulk review and soft delete, through real HTTP on the real stack. */

const stack = useTestStack();
const A = '/api/articles';
let key: string;
let accountId: number;
let other: string;
let taskId: number;
let ids: number[];

const call = (method: string, path: string, json?: unknown, as = key) => callJson(stack.api.url, method, path, as, json);

beforeAll(async () => {
  ({ apiKey: key, accountId } = await newAccount(stack.database));
  ({ apiKey: other } = await newAccount(stack.database));
  ({ taskId, articleIds: ids } = await runArticleTask(stack.api.url, key, ['review a', 'review b', 'review c', 'review d']));
});

describe('review states', () => {
  it('a task that leaves articles for review says so: a review.needed notification before the final event, and the stats queue', async () => {
    const notes = await call('GET', '/api/notifications?pageSize=100');
    const ofTask = notes.body.items.filter((n: any) => n.taskId === taskId).map((n: any) => [n.type, n.data.pendingReview]);
    expect(ofTask.slice(0, 2)).toEqual([['task.completed', undefined], ['review.needed', 4]]);
    expect(notes.body.items.find((n: any) => n.type === 'review.needed').title).toBe(`Task ${taskId} left 4 articles for review`);
    expect((await call('GET', '/api/stats')).body.awaitingReview).toBe(4);
    const approved = await runArticleTask(stack.api.url, other, ['auto approved'], { autoApprove: true });
    const otherNotes = await call('GET', '/api/notifications?pageSize=100', undefined, other);
    expect(otherNotes.body.items.filter((n: any) => n.taskId === approved.taskId).map((n: any) => n.type)).not.toContain('review.needed');
  });

  it('approve, reject with a reason and reopen move along the state machine; other moves are 409 with the current state', async () => {
    const [a, b] = ids;
    const approved = await call('POST', `${A}/${a}/approve`);
    expect([approved.status, approved.body.changed, approved.body.article.reviewStatus]).toEqual([200, true, 'approved']);
    const again = await call('POST', `${A}/${a}/approve`);
    expect([again.status, again.body.changed]).toEqual([200, false]);

    const illegal = await call('POST', `${A}/${a}/reject`, { reason: 'too short' });
    expect(illegal.status, illegal.text).toBe(409);
    expect(illegal.body.error).toMatchObject({ code: 'ILLEGAL_REVIEW_TRANSITION', details: { id: a, action: 'reject', reviewStatus: 'approved', allowedFrom: ['pending_review'] } });

    const reopened = await call('POST', `${A}/${a}/reopen`);
    expect([reopened.status, reopened.body.article.reviewStatus]).toEqual([200, 'pending_review']);

    const noReason = await call('POST', `${A}/${b}/reject`, {});
    expect([noReason.status, noReason.body.error.code]).toEqual([400, 'VALIDATION_ERROR']);
    expect(noReason.body.error.message).toContain('reason');
    const rejected = await call('POST', `${A}/${b}/reject`, { reason: 'off topic' });
    expect(rejected.body.article).toMatchObject({ reviewStatus: 'rejected', rejectReason: 'off topic' });
    const approveRejected = await call('POST', `${A}/${b}/approve`);
    expect([approveRejected.status, approveRejected.body.error.details.reviewStatus]).toEqual([409, 'rejected']);
    const back = await call('POST', `${A}/${b}/reopen`);
    expect(back.body.article).toMatchObject({ reviewStatus: 'pending_review', rejectReason: null });
  });

  it("another account's article is 404 for every action", async () => {
    for (const [method, path, body] of [
      ['GET', `${A}/${ids[0]}`],
      ['POST', `${A}/${ids[0]}/approve`],
      ['POST', `${A}/${ids[0]}/reject`, { reason: 'x' }],
      ['POST', `${A}/${ids[0]}/reopen`],
      ['PATCH', `${A}/${ids[0]}`, { title: 'stolen' }],
      ['DELETE', `${A}/${ids[0]}`],
      ['GET', `${A}/${ids[0]}/revisions`],
      ['GET', `${A}/${ids[0]}/export?format=md`],
    ] as const) {
      const r = await call(method, path, body, other);
      expect([method, path, r.status, r.body?.error?.code]).toEqual([method, path, 404, 'NOT_FOUND']);
    }
  });
});

describe('edits and revisions', () => {
  it('PATCH keeps the previous text as a revision with the key that changed it; the same text is no change', async () => {
    const id = ids[2]!;
    const before = (await call('GET', `${A}/${id}`)).body;
    const first = await call('PATCH', `${A}/${id}`, { title: 'Edited title' });
    expect([first.status, first.body.changed, first.body.article.title, first.body.article.content]).toEqual([200, true, 'Edited title', before.content]);
    const second = await call('PATCH', `${A}/${id}`, { content: 'Edited content' });
    expect(second.body.changed).toBe(true);
    const same = await call('PATCH', `${A}/${id}`, { title: 'Edited title', content: 'Edited content' });
    expect([same.status, same.body.changed, same.body.revisionId]).toEqual([200, false, null]);
    const empty = await call('PATCH', `${A}/${id}`, {});
    expect([empty.status, empty.body.error.code]).toEqual([400, 'VALIDATION_ERROR']);

    const page1 = await call('GET', `${A}/${id}/revisions?pageSize=1`);
    expect([page1.body.total, page1.body.revisions.length]).toEqual([2, 1]);
    expect(page1.body.revisions[0]).toMatchObject({ previousTitle: 'Edited title', previousContent: before.content, keyPrefix: key.slice(0, 8) });
    const page2 = await call('GET', `${A}/${id}/revisions?pageSize=1&page=2`);
    expect(page2.body.revisions[0]).toMatchObject({ previousTitle: before.title, previousContent: before.content });
    expect(typeof page2.body.revisions[0].apiKeyId).toBe('number');
  });
});

describe('bulk review', () => {
  it('by filter: one transaction, counts of changed, unchanged and skipped by state', async () => {
    const t = await runArticleTask(stack.api.url, key, ['bulk a', 'bulk b', 'bulk c']);
    await call('POST', `${A}/${t.articleIds[0]}/reject`, { reason: 'no' });
    await call('POST', `${A}/${t.articleIds[1]}/approve`);
    const r = await call('POST', `${A}/review`, { action: 'approve', filter: { taskId: t.taskId } });
    expect(r.status, r.text).toBe(200);
    expect(r.body).toEqual({ action: 'approve', matched: 3, changed: 1, unchanged: 1, skipped: { rejected: 1 } });
    const pending = await call('POST', `${A}/review`, { action: 'reject', reason: 'batch', filter: { taskId: t.taskId, reviewStatus: 'pending_review' } });
    expect(pending.body).toMatchObject({ matched: 0, changed: 0 });
    const list = await call('GET', `${A}?taskId=${t.taskId}&reviewStatus=approved`);
    expect(list.body.articles.map((a: any) => a.id)).toEqual(t.articleIds.slice(1));
  });

  it("by ids: another account's id is 404 and nothing changes; bad bodies are 400", async () => {
    const t = await runArticleTask(stack.api.url, key, ['bulk ids']);
    const foreign = await runArticleTask(stack.api.url, other, ['foreign']);
    const r = await call('POST', `${A}/review`, { action: 'approve', ids: [t.articleIds[0], foreign.articleIds[0]] });
    expect([r.status, r.body.error.details.ids]).toEqual([404, [foreign.articleIds[0]]]);
    expect((await call('GET', `${A}/${t.articleIds[0]}`)).body.reviewStatus).toBe('pending_review');
    for (const body of [{ action: 'approve' }, { action: 'approve', ids: [1], filter: {} }, { action: 'reject', ids: [1] }, { action: 'publish', ids: [1] }, { action: 'approve', ids: Array.from({ length: 1001 }, (_, i) => i + 1) }]) {
      const bad = await call('POST', `${A}/review`, body);
      expect([bad.status, bad.body.error.code]).toEqual([400, 'VALIDATION_ERROR']);
    }
    const ok = await call('POST', `${A}/review`, { action: 'approve', ids: t.articleIds });
    expect(ok.body).toMatchObject({ matched: 1, changed: 1 });
  });
});

describe('soft delete', () => {
  it('hides the article but keeps its usage counted: invariants 1-5 hold and usage_count does not move', async () => {
    const t = await runArticleTask(stack.api.url, key, ['to delete']);
    const [id] = t.articleIds;
    const article = (await call('GET', `${A}/${id}`)).body;
    const usageBefore = (await call('GET', `/api/distillations/${article.distillationId}`)).body.usageCount;
    const queueBefore = (await call('GET', '/api/stats')).body.awaitingReview;
    const del = await call('DELETE', `${A}/${id}`);
    expect(del.status).toBe(204);
    expect((await call('GET', `${A}/${id}`)).status).toBe(404);
    expect((await call('DELETE', `${A}/${id}`)).status).toBe(404);
    expect((await call('GET', `${A}?taskId=${t.taskId}`)).body.total).toBe(0);
    expect((await call('GET', `/api/distillations/${article.distillationId}`)).body.usageCount).toBe(usageBefore);
    expect(usageBefore).toBe(1);
    expect((await call('GET', '/api/stats')).body.awaitingReview).toBe(queueBefore - 1);
    expect(await invariantViolations(stack.database, accountId)).toEqual([]);
  });
});
