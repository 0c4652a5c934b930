import { describe, expect, it } from 'vitest';
import { documentedOperations } from '../../src/api/index.js';
import { responseSchemas } from '../../src/api/openapi.js';
import { newAccount } from '../support/db.js';
import { keywordOf } from '../support/llm-stub.js';
import { useTestStack } from '../support/stack.js';
import { apiCall, waitFor, waitForTaskEnd, type CallOptions } from '../support/api-server.js';
import { startWebhookReceiver } from '../support/webhook-receiver.js';

/**
 * Item 15: the document cannot drift from the answers. Every route is called on the real stack (worker,
 * Temporal, PostgreSQL, LLM stub) for its success and for errors, and every answer must have a status
 * the document lists for that operation and a body its schema accepts, parsed with the same closed zod
 * schemas the document is generated from (an undocumented field fails too). At the end every
 * operation's success status must have been seen.
 */

const stack = useTestStack();
const operations = documentedOperations();
const seen = new Set<string>();
const violations: string[] = [];

interface Call extends CallOptions {
  query?: string;
}

/** Calls `method template` with its path parameters and checks the answer against the document. */
async function hit(method: string, template: string, params: Record<string, number | string>, opts: Call = {}) {
  const op = operations.find((o) => o.method === method && o.path === template);
  if (!op) throw new Error(`${method} ${template} is not documented`);
  const path = template.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name]));
  const res = await apiCall(stack.api.url, method, `${path}${opts.query ?? ''}`, opts);
  const text = res.text;
  const what = `${method} ${template} -> ${res.status}`;
  const schemas = responseSchemas(op.mount, op.op);
  if (!schemas.has(res.status)) violations.push(`${what}: status not documented (${text.slice(0, 200)})`);
  const schema = schemas.get(res.status);
  let body: any = text;
  if (schema) {
    body = JSON.parse(text);
    const parsed = schema.safeParse(body);
    if (!parsed.success) violations.push(`${what}: ${parsed.error.message}`);
  } else if (res.status !== 204 && schemas.has(res.status)) {
    if (![op.op.mediaType ?? []].flat().some((type) => res.headers.get('content-type')?.startsWith(type))) violations.push(`${what}: content-type ${res.headers.get('content-type')}`);
  }
  seen.add(`${method} ${template} ${res.status}`);
  return { status: res.status, body };
}

const T = '/api/article-generation/tasks';
const untilFinished = (key: string, id: number) =>
  waitForTaskEnd(id, async () => (await hit('GET', `${T}/{id}`, { id }, { key })).body);

describe('every answer of every route matches the document', () => {
  it('on success and on the errors a client can cause', async () => {
    const { apiKey: key } = await newAccount(stack.database, { scope: 'operator' });
    stack.stub.setBehavior((req) => (keywordOf(req)?.startsWith('flaky') ? { status: 400, errorMessage: 'refused' } : {}));

    await hit('GET', '/api/health', {});
    await hit('GET', '/api/openapi.json', {});
    await hit('GET', '/api/docs', {});
    await hit('GET', '/api/stats', {}, {});
    await hit('GET', '/api/stats', {}, { key: 'ak_unknown' });

    const d = await hit('POST', '/api/distillations', {}, { key, json: { keyword: 'steady', topics: ['Why?'] } });
    await hit('POST', '/api/distillations', {}, { key, json: { keyword: 'x', priorty: 9 } });
    await hit('POST', '/api/distillations', {}, { key, json: { keyword: 'x'.repeat(3 * 1024 * 1024) } });
    const imported = await hit('POST', '/api/distillations/import', {}, { key, json: { distillations: [{ keyword: 'flaky one', topics: ['How?'] }, { keyword: 'gone', topics: ['When?'] }] } });
    await hit('GET', '/api/distillations', {}, { key, query: '?pageSize=5' });
    await hit('GET', '/api/distillations/{id}', { id: d.body.id }, { key });
    await hit('PUT', '/api/distillations/{id}/topics', { id: d.body.id }, { key, json: { topics: ['Why?', 'How?'] } });
    await hit('DELETE', '/api/distillations/{id}', { id: imported.body.ids[1] }, { key });
    await hit('GET', '/api/distillations/{id}', { id: imported.body.ids[1] }, { key });

    const DR = '/api/distillation-runs';
    const run = await hit('POST', DR, {}, { key, json: { keywords: ['kettle', 'toaster'], questionsPerKeyword: 2, review: true } });
    await hit('POST', DR, {}, { key, json: { keywords: [], questionsPerKeyword: 2 } });
    await hit('GET', DR, {}, { key, query: '?pageSize=5' });
    const ranRun = await waitFor('the distillation run to end', async () => {
      const r = await hit('GET', `${DR}/{id}`, { id: run.body.id }, { key });
      return r.body.status === 'completed' ? r.body : undefined;
    });
    await hit('POST', `${DR}/{id}/accept`, { id: run.body.id }, { key, json: { questionIds: [ranRun.keywords[0].questions[0].id] } });
    await hit('POST', `${DR}/{id}/accept`, { id: run.body.id }, { key, json: { questionIds: [ranRun.keywords[0].questions[0].id] } });
    await hit('POST', `${DR}/{id}/cancel`, { id: run.body.id }, { key });
    const toCancel = await hit('POST', DR, {}, { key, json: { keywords: ['flaky run'], questionsPerKeyword: 1 } });
    await hit('POST', `${DR}/{id}/cancel`, { id: toCancel.body.id }, { key });
    await hit('GET', `${DR}/{id}`, { id: 999_999 }, { key });
    await hit('GET', `${DR}/{id}/events`, { id: run.body.id }, { key });
    await hit('GET', `${DR}/{id}/events`, { id: run.body.id }, { key, query: '?lastEventId=x' });

    const ingredients: Record<string, number> = {};
    const resources: [string, string, unknown][] = [
      ['/api/article-settings', 'articleSettingId', { name: 'Plain', prompt: 'Write plainly.' }],
      ['/api/knowledge-bases', 'knowledgeBaseId', { name: 'Facts', documents: [{ title: 'About', content: 'We exist.' }] }],
      ['/api/albums', 'albumId', { name: 'Covers', images: [{ url: 'https://example.com/a.png', description: 'A' }] }],
      ['/api/conversion-targets', 'conversionTargetId', { companyName: 'Acme', website: 'https://acme.example' }],
    ];
    for (const [base, field, body] of resources) {
      const created = await hit('POST', base, {}, { key, json: body });
      const spare = await hit('POST', base, {}, { key, json: body });
      ingredients[field] = created.body.id;
      await hit('GET', base, {}, { key });
      await hit('GET', `${base}/{id}`, { id: created.body.id }, { key });
      await hit('DELETE', `${base}/{id}`, { id: spare.body.id }, { key });
      await hit('DELETE', `${base}/{id}`, { id: spare.body.id }, { key });
    }

    const album = { id: ingredients.albumId! };
    await hit('PATCH', '/api/albums/{id}', album, { key, json: { name: 'Covers 2026' } });
    await hit('PATCH', '/api/albums/{id}', album, { key, json: { name: ' ' } });
    const added = await hit('POST', '/api/albums/{id}/images', album, { key, json: { url: 'https://example.com/b.png' } });
    await hit('POST', '/api/albums/{id}/images', album, { key, json: { url: 'javascript:alert(1)' } });
    await hit('DELETE', '/api/albums/{id}/images/{imageId}', { ...album, imageId: added.body.id }, { key });
    await hit('DELETE', '/api/albums/{id}/images/{imageId}', { ...album, imageId: added.body.id }, { key });
    const full = await hit('POST', '/api/albums', {}, { key, json: { name: 'Full', images: Array.from({ length: 500 }, (_, i) => ({ url: `https://example.com/${i}.png` })) } });
    expect((await hit('POST', '/api/albums/{id}/images', { id: full.body.id }, { key, json: { url: 'https://example.com/501.png' } })).body.error.code).toBe('ALBUM_FULL');
    const target = { id: ingredients.conversionTargetId! };
    await hit('PUT', '/api/conversion-targets/{id}', target, { key, json: { companyName: 'Acme', industry: 'Pumps', website: 'https://acme.example' } });
    await hit('PUT', '/api/conversion-targets/{id}', target, { key, json: { companyName: 'Acme', website: 'ftp://acme.example' } });
    await hit('PUT', '/api/conversion-targets/{id}', { id: 999_999_999 }, { key, json: { companyName: 'Acme' } });

    const tpl = await hit('POST', '/api/templates', {}, { key, json: { name: 'House', user: 'About {{keyword}}\n{{topics}}' } });
    await hit('POST', '/api/templates', {}, { key, json: { name: 'Bad', user: '{{price}}' } });
    const presets = await hit('GET', '/api/templates', {}, { key, query: '?preset=true' });
    await hit('PUT', '/api/templates/{id}', { id: presets.body.items[0].id }, { key, json: { name: 'mine' } });
    await hit('GET', '/api/templates/{id}', { id: tpl.body.id }, { key });
    await hit('PUT', '/api/templates/{id}', { id: tpl.body.id }, { key, json: { name: 'House 2' } });
    await hit('PATCH', '/api/templates/{id}', { id: tpl.body.id }, { key, json: { user: '{{nope' } });
    await hit('PATCH', '/api/templates/{id}', { id: tpl.body.id }, { key, json: { system: 'In {{language}}.' } });
    await hit('GET', '/api/templates/{id}/revisions', { id: tpl.body.id }, { key });
    await hit('POST', '/api/templates/{id}/preview', { id: tpl.body.id }, { key, json: { distillationId: d.body.id } });
    await hit('POST', '/api/templates/{id}/preview', { id: tpl.body.id }, { key, json: { distillationId: 999_999_999 } });
    const tplCopy = await hit('POST', '/api/templates/{id}/copy', { id: presets.body.items[0].id }, { key, json: {} });
    await hit('PUT', '/api/templates/default', {}, { key, json: { templateId: tplCopy.body.id } });
    await hit('PUT', '/api/templates/default', {}, { key, json: { templateId: 999_999_999 } });
    await hit('GET', '/api/templates/default', {}, { key });
    await hit('DELETE', '/api/templates/{id}', { id: tplCopy.body.id }, { key });
    await hit('DELETE', '/api/templates/{id}', { id: presets.body.items[0].id }, { key });
    const kb = ingredients.knowledgeBaseId!;
    const D = '/api/knowledge-bases/{id}/documents';
    const upload = new FormData();
    upload.append('file', new Blob(['# Opening hours\n\nWe open at seven.']), 'hours.md');
    const doc = await hit('POST', D, { id: kb }, { key, form: upload });
    const spareDoc = await hit('POST', D, { id: kb }, { key, json: { title: 'Spare', content: 'Nothing much.' } });
    const empty = new FormData();
    empty.append('file', new Blob([new Uint8Array(0)]), 'empty.txt');
    await hit('POST', D, { id: kb }, { key, form: empty });
    await hit('POST', D, { id: 999_999_999 }, { key, json: { title: 'x', content: 'y' } });
    await hit('GET', D, { id: kb }, { key });
    await hit('GET', `${D}/{documentId}`, { id: kb, documentId: doc.body.id }, { key });
    await hit('DELETE', `${D}/{documentId}`, { id: kb, documentId: spareDoc.body.id }, { key });
    await hit('DELETE', `${D}/{documentId}`, { id: kb, documentId: spareDoc.body.id }, { key });
    await hit('GET', '/api/knowledge-bases/{id}/search', { id: kb }, { key, query: '?q=when%20do%20you%20open&limit=3' });
    await hit('GET', '/api/knowledge-bases/{id}/search', { id: kb }, { key, query: '?limit=3' });

    await hit('POST', T, {}, { key, json: { articleCount: 50 } });
    await hit('POST', T, {}, { key, json: { articleCount: 1, albumId: 999_999_999 } });
    const task = await hit('POST', T, {}, { key, json: { articleCount: 2, ...ingredients } });
    const id = task.body.taskId as number;
    await hit('GET', `${T}/{id}/progress`, { id }, { key });
    const finished = await untilFinished(key, id);
    expect(finished).toMatchObject({ status: 'completed', generatedCount: 1, failedCount: 1 });
    await hit('GET', `${T}/{id}/progress`, { id }, { key });
    const events = await hit('GET', `${T}/{id}/events`, { id }, { key });
    const lastId = Math.max(...[...String(events.body).matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1])));
    await hit('GET', `${T}/{id}/events`, { id }, { key, headers: { 'last-event-id': String(lastId) } });
    await hit('GET', `${T}/{id}/events`, { id }, { key, query: '?lastEventId=x' });
    await hit('POST', `${T}/{id}/cancel`, { id }, { key });
    stack.stub.setBehavior(() => ({}));
    await hit('POST', `${T}/{id}/retry`, { id }, { key });
    await untilFinished(key, id);
    await hit('POST', `${T}/{id}/retry`, { id }, { key });
    await hit('GET', T, {}, { key, query: '?status=completed' });
    await hit('GET', T, {}, { key, query: '?status=done' });
    await hit('GET', `${T}/{id}/articles`, { id }, { key });
    await hit('GET', `${T}/{id}`, { id: 999_999_999 }, { key });
    await hit('GET', `${T}/{id}`, { id: 0 }, { key });

    stack.stub.setLatency(60_000);
    const slow = await hit('POST', T, {}, { key, json: { articleCount: 1 } });
    // Canceled once its article is being written: a cancel during start-up is item 1's race, not this test's.
    await waitFor('the slow article in flight', async () => (stack.stub.inFlight > 0 ? true : undefined));
    await hit('POST', `${T}/{id}/cancel`, { id: slow.body.taskId }, { key });
    stack.stub.setLatency(5);
    await untilFinished(key, slow.body.taskId);
    await hit('POST', `${T}/cleanup`, {}, { key, json: { olderThan: '1s' } });
    await hit('POST', `${T}/cleanup`, {}, { key, json: { olderThan: 'soon' } });

    const articles = await hit('GET', '/api/articles', {}, { key, query: `?taskId=${id}` });
    const [first, second] = articles.body.articles.map((a: { id: number }) => a.id) as number[];
    await hit('GET', '/api/articles/{id}', { id: first! }, { key });
    await hit('GET', '/api/articles', {}, { key, query: '?q=%20' });
    await hit('POST', '/api/articles/{id}/reopen', { id: first! }, { key });
    await hit('POST', '/api/articles/{id}/reject', { id: first! }, { key, json: { reason: 'off topic' } });
    await hit('POST', '/api/articles/{id}/approve', { id: first! }, { key });
    await hit('POST', '/api/articles/{id}/reopen', { id: first! }, { key });
    await hit('POST', '/api/articles/{id}/approve', { id: first! }, { key });
    await hit('POST', '/api/articles/{id}/reject', { id: first! }, { key, json: {} });
    await hit('PATCH', '/api/articles/{id}', { id: first! }, { key, json: { title: 'A better title' } });
    await hit('PATCH', '/api/articles/{id}', { id: first! }, { key, json: { title: 'A better title' } });
    await hit('PATCH', '/api/articles/{id}', { id: first! }, { key, json: { subtitle: 'no' } });
    await hit('GET', '/api/articles/{id}/revisions', { id: first! }, { key });
    await hit('GET', '/api/articles/{id}/export', { id: first! }, { key, query: '?format=md' });
    await hit('GET', '/api/articles/{id}/export', { id: first! }, { key, query: '?format=zip' });
    await hit('GET', '/api/articles/export', {}, { key, query: `?taskId=${id}&format=zip` });
    await hit('GET', '/api/articles/export', {}, { key, query: `?taskId=${id}&format=json` });
    await hit('POST', '/api/articles/review', {}, { key, json: { action: 'reopen', filter: { taskId: id } } });
    await hit('POST', '/api/articles/review', {}, { key, json: { action: 'approve', ids: [first, 999_999_999] } });
    await hit('POST', '/api/articles/review', {}, { key, json: { action: 'reject', ids: [first] } });
    await hit('DELETE', '/api/articles/{id}', { id: second! }, { key });
    await hit('DELETE', '/api/articles/{id}', { id: second! }, { key });
    await hit('GET', '/api/articles/{id}/revisions', { id: second! }, { key });

    await hit('GET', '/api/quality-settings', {}, { key });
    await hit('PUT', '/api/quality-settings', {}, { key, json: { minHeadings: 1, bannedWords: ['spam'] } });
    await hit('PUT', '/api/quality-settings', {}, { key, json: { minChars: 10, maxChars: 5 } });

    const notes = await hit('GET', '/api/notifications', {}, { key, query: '?unread=true' });
    await hit('POST', '/api/notifications/{id}/read', { id: notes.body.items[0].id }, { key });
    await hit('POST', '/api/notifications/read-all', {}, { key });
    await hit('GET', '/api/notifications/settings', {}, { key });
    await hit('PUT', '/api/notifications/settings', {}, { key, json: { types: ['task.completed', 'task.failed'] } });
    await hit('GET', '/api/stats', {}, { key });

    await hit('POST', '/api/usage/verify', {}, { key });
    await hit('POST', '/api/usage/repair', {}, { key });
    await hit('POST', '/api/usage/repair', {}, { key, query: '?dryRun=maybe' });
    await hit('GET', '/api/usage/reports', {}, { key });

    const schedule = await hit('POST', '/api/schedules', {}, { key, json: { name: 'Hourly', intervalSeconds: 3600, paused: true, template: { articleCount: 1 } } });
    await hit('POST', '/api/schedules', {}, { key, json: { name: 'Both', cron: '0 9 * * *', intervalSeconds: 3600, template: { articleCount: 1 } } });
    const sid = schedule.body.id as number;
    await hit('GET', '/api/schedules', {}, { key });
    await hit('GET', '/api/schedules/{id}', { id: sid }, { key });
    await hit('POST', '/api/schedules/{id}/unpause', { id: sid }, { key });
    await hit('POST', '/api/schedules/{id}/pause', { id: sid }, { key });
    await hit('POST', '/api/schedules/{id}/trigger', { id: sid }, { key });
    await hit('DELETE', '/api/schedules/{id}', { id: sid }, { key });
    await hit('POST', '/api/schedules/{id}/pause', { id: sid }, { key });

    const readKey = await hit('POST', '/api/keys', {}, { key, json: { scope: 'read', name: 'dashboard' } });
    await hit('POST', '/api/keys', {}, { key, json: { scope: 'root' } });
    await hit('GET', '/api/keys', {}, { key });
    await hit('POST', '/api/distillations', {}, { key: readKey.body.apiKey, json: { keyword: 'no', topics: ['No?'] } });
    await hit('DELETE', '/api/keys/{id}', { id: readKey.body.keyId }, { key });
    const account = await hit('POST', '/api/admin/accounts', {}, { key, json: { name: 'Second team' } });
    await hit('GET', '/api/admin/accounts', {}, { key });
    await hit('POST', '/api/admin/accounts/{id}/keys', { id: account.body.accountId }, { key, json: { scope: 'read' } });
    await hit('POST', '/api/admin/accounts', {}, { key: account.body.apiKey, json: { name: 'Not allowed' } });
    await hit('GET', '/api/audit', {}, { key, query: '?pageSize=5' });
    await hit('PATCH', '/api/admin/accounts/{id}', { id: account.body.accountId }, { key, json: { fairnessWeight: 2.5 } });
    await hit('PATCH', '/api/admin/accounts/{id}', { id: account.body.accountId }, { key, json: { fairnessWeight: 0 } });
    await hit('GET', '/api/admin/accounts/{id}/limits', { id: account.body.accountId }, { key });
    await hit('PATCH', '/api/admin/accounts/{id}/limits', { id: account.body.accountId }, { key, json: { maxPriority: 5 } });
    await hit('PATCH', '/api/admin/accounts/{id}/limits', { id: account.body.accountId }, { key, json: { maxPriority: 50 } });
    const modelId = `contract-${account.body.accountId}`;
    const newModel = { id: modelId, baseUrl: 'http://127.0.0.1:9/v1', model: 'm', apiKey: 'sk-contract', promptPricePerMillion: 1.5, completionPricePerMillion: 6, currency: 'USD' };
    await hit('POST', '/api/models', {}, { key, json: newModel });
    await hit('POST', '/api/models', {}, { key, json: newModel });
    await hit('POST', '/api/models', {}, { key, json: { ...newModel, id: 'other', currency: 'usd' } });
    await hit('GET', '/api/models', {}, { key });
    await hit('GET', '/api/models/{modelId}', { modelId }, { key });
    await hit('GET', '/api/models/{modelId}', { modelId: 'missing-model' }, { key });
    await hit('PATCH', '/api/models/{modelId}', { modelId }, { key, json: { maxConcurrency: 3 } });
    await hit('PATCH', '/api/models/{modelId}', { modelId: 'offline' }, { key, json: { maxConcurrency: 3 } });
    await hit('PATCH', '/api/models/{modelId}', { modelId }, { key, json: {} });
    await hit('GET', '/api/admin/accounts/{id}/models', { id: account.body.accountId }, { key });
    await hit('PUT', '/api/admin/accounts/{id}/models', { id: account.body.accountId }, { key, json: { defaultModelId: modelId, allowedModelIds: [modelId] } });
    await hit('PUT', '/api/admin/accounts/{id}/models', { id: account.body.accountId }, { key, json: { defaultModelId: 'missing-model', allowedModelIds: null } });
    await hit('PUT', '/api/admin/accounts/{id}/models', { id: account.body.accountId }, { key, json: { defaultModelId: null, allowedModelIds: null } });
    await hit('DELETE', '/api/models/{modelId}', { modelId }, { key });
    await hit('DELETE', '/api/models/{modelId}', { modelId: 'offline' }, { key });
    await hit('GET', '/api/admin/accounts/{id}/budget', { id: account.body.accountId }, { key });
    await hit('PUT', '/api/admin/accounts/{id}/budget', { id: account.body.accountId }, { key, json: { daily: '12.5', monthly: null, currency: 'USD' } });
    await hit('PUT', '/api/admin/accounts/{id}/budget', { id: account.body.accountId }, { key, json: { daily: 'lots', monthly: null, currency: 'USD' } });
    await hit('DELETE', '/api/admin/accounts/{id}/budget', { id: account.body.accountId }, { key });
    await hit('GET', '/api/costs', {}, { key, query: '?by=task' });
    await hit('GET', '/api/costs', {}, { key, query: '?by=week' });
    const plain = { metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from('"hello"').toString('base64') };
    const encoded = await hit('POST', '/api/temporal-codec/encode', {}, { key, json: { payloads: [plain] } });
    await hit('POST', '/api/temporal-codec/decode', {}, { key, json: { payloads: encoded.body.payloads } });
    await hit('POST', '/api/temporal-codec/decode', {}, { key, json: { payloads: [{ ...encoded.body.payloads[0], data: Buffer.from('tampered').toString('base64') }] } });

    const receiver = await startWebhookReceiver(() => hook.body.secret);
    const hook = await hit('POST', '/api/webhooks', {}, { key, json: { url: receiver.url, events: ['task.completed'] } });
    await hit('POST', '/api/webhooks', {}, { key, json: { url: 'http://example.invalid/x', events: ['task.completed'] } });
    await hit('POST', '/api/webhooks', {}, { key, json: { url: receiver.url, events: ['task.completed'], secret: 'short' } });
    await hit('GET', '/api/webhooks', {}, { key });
    const delivery = await hit('POST', '/api/webhooks/{id}/test', { id: hook.body.id }, { key });
    await hit('POST', '/api/webhook-deliveries/{id}/redeliver', { id: delivery.body.id }, { key });
    await waitFor('the test delivery', async () => ((await hit('GET', '/api/webhook-deliveries', {}, { key })).body.deliveries[0].status === 'succeeded' ? true : undefined));
    await hit('GET', '/api/webhook-deliveries', {}, { key, query: '?status=lost' });
    await hit('PUT', '/api/publishing', {}, { key, json: { webhookId: hook.body.id, intervalMinutes: 30 } });
    await hit('PUT', '/api/publishing', {}, { key, json: { webhookId: hook.body.id, intervalMinutes: 1441 } });
    await hit('PUT', '/api/publishing', {}, { key, json: { webhookId: 999_999_999, intervalMinutes: 5 } });
    await hit('GET', '/api/publishing', {}, { key });
    await hit('DELETE', '/api/publishing', {}, { key });
    await hit('GET', '/api/publishing', {}, { key });
    await hit('POST', '/api/webhook-deliveries/{id}/redeliver', { id: delivery.body.id }, { key });
    await hit('DELETE', '/api/webhooks/{id}', { id: hook.body.id }, { key });
    await hit('DELETE', '/api/webhooks/{id}', { id: hook.body.id }, { key });
    await receiver.close();

    expect(violations).toEqual([]);
    const missing = operations.filter((o) => !seen.has(`${o.method} ${o.path} ${o.op.status ?? 200}`)).map((o) => `${o.method} ${o.path}`);
    expect(missing).toEqual([]);
    expect([...seen].filter((s) => / (400|401|404|409|413)$/.test(s)).length).toBeGreaterThan(15);
  });
});
