import { readFileSync } from 'node:fs';
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_KNOWLEDGE } from '../../src/config.js';
import { createEmbeddingsClient, RRF_K } from '../../src/domain/knowledge/index.js';
import type { ApiDeps } from '../../src/http/deps.js';
import { newAccount } from '../support/db.js';
import { apiCall, waitForTaskEnd, type CallOptions } from '../support/api-server.js';
import { startEmbeddingsStub, type EmbeddingsStub } from '../support/embeddings-stub.js';
import { useTestStack } from '../support/stack.js';
import type { TestWorkerOptions } from '../support/worker.js';

/**
 * Issue 17: with an embeddings endpoint configured, an article's passages are ranked as the search route
 * ranks them (text and embedding fused, RRF), and by text alone when the endpoint fails.
 */
const BUDGET = 60;
let stub: EmbeddingsStub;
const workerOptions: TestWorkerOptions = { knowledge: { ...DEFAULT_KNOWLEDGE, promptTokenBudget: BUDGET } };
const apiOptions: Partial<ApiDeps> = { knowledge: { ...DEFAULT_KNOWLEDGE, promptTokenBudget: BUDGET } };
// Registered before the stack's: the stack's worker and API are built with the client in place.
beforeAll(async () => {
  stub = await startEmbeddingsStub();
  const embeddings = createEmbeddingsClient({ baseUrl: stub.url, model: 'stub-model', timeoutMs: 5_000, allowPrivate: true });
  workerOptions.embeddings = embeddings;
  apiOptions.embeddings = embeddings;
});
const stack = useTestStack({ worker: workerOptions, api: apiOptions });
afterAll(async () => {
  await stub?.close();
});
const call = (method: string, path: string, opts: CallOptions = {}) => apiCall(stack.api.url, method, path, opts);

function fileForm(name: string) {
  const form = new FormData();
  form.append('file', new Blob([readFileSync(new URL(`../fixtures/knowledge/${name}`, import.meta.url))]), name);
  return form;
}

async function baseWithManuals(key: string) {
  const kb = await call('POST', '/api/knowledge-bases', { key, json: { name: 'Cafe manuals' } });
  for (const name of ['guide.pdf', 'manual.docx', 'handbook.md', 'notes.txt']) {
    const up = await call('POST', `/api/knowledge-bases/${kb.body.id}/documents`, { key, form: fileForm(name) });
    expect(up.status, up.text).toBe(201);
  }
  return kb.body.id as number;
}

async function articleChunks(key: string, kb: number, keyword: string, topics: string[], failEmbedding: boolean) {
  const d = await call('POST', '/api/distillations', { key, json: { keyword, topics } });
  expect(d.status, d.text).toBe(201);
  const query = [keyword, ...topics].join('\n');
  const before = stub.requests.length;
  if (failEmbedding) stub.failNext(1, 503);
  const task = await call('POST', '/api/article-generation/tasks', { key, json: { articleCount: 1, knowledgeBaseId: kb } });
  expect(task.status, task.text).toBe(201);
  const done = await waitForTaskEnd(task.body.taskId, async () => (await call('GET', `/api/article-generation/tasks/${task.body.taskId}`, { key })).body);
  expect(done.status).toBe('completed');
  // The article asked the endpoint for its query's vector.
  expect(stub.requests.slice(before).some((r) => r.inputs.length === 1 && r.inputs[0] === query)).toBe(true);
  const articles = await call('GET', `/api/article-generation/tasks/${task.body.taskId}/articles`, { key });
  const articleId = (articles.body.articles ?? articles.body.items)[0].id as number;
  const detail = await call('GET', `/api/articles/${articleId}`, { key });
  expect(detail.status, detail.text).toBe(200);
  return { query, distillationId: d.body.id as number, used: detail.body.knowledgeChunks as { chunkId: number; score: number; text: string }[] };
}

/** The search route's ranking (fused, or text alone when the endpoint fails it), cut to the budget as the article is. */
async function expectedWithinBudget(key: string, kb: number, query: string, failEmbedding: boolean) {
  if (failEmbedding) stub.failNext(1, 503);
  const r = await call('GET', `/api/knowledge-bases/${kb}/search?q=${encodeURIComponent(query)}&limit=50`, { key });
  expect(r.status, r.text).toBe(200);
  let left = BUDGET;
  return (r.body.items as { chunkId: number; tokens: number; score: number }[]).filter((c) => (c.tokens <= left ? ((left -= c.tokens), true) : false));
}

describe('knowledge in articles, with embeddings (loopback endpoint)', () => {
  it("records the chunks in the fused order of text and embedding, with their RRF scores", async () => {
    const { apiKey: key } = await newAccount(stack.database);
    const kb = await baseWithManuals(key);
    const { query, used, distillationId } = await articleChunks(key, kb, `咖啡机保养 ${Date.now()}`, ['多久除垢一次？', '锅炉保修多久？'], false);
    const expected = await expectedWithinBudget(key, kb, query, false);
    // A template preview quotes the same passages in the same order: it retrieves as the article did.
    const presets = await call('GET', '/api/templates?preset=true', { key });
    const preview = await call('POST', `/api/templates/${presets.body.items[0].id}/preview`, { key, json: { distillationId, knowledgeBaseId: kb } });
    expect(preview.status, preview.text).toBe(200);
    const userMessage = (preview.body.messages as { role: string; content: string }[]).find((m) => m.role === 'user')!.content;
    const at = used.map((u) => userMessage.indexOf(u.text.trim().split('\n')[0]!));
    expect(at.every((i) => i >= 0), JSON.stringify(at)).toBe(true);
    expect(at).toEqual([...at].sort((a, b) => a - b));
    expect(used.length).toBeGreaterThan(0);
    expect(used.map((u) => u.chunkId)).toEqual(expected.map((c) => c.chunkId));
    // RRF scores: at most first in both rankings, 2/(k+1); ts_rank's are of another scale.
    for (const [i, u] of used.entries()) {
      expect(u.score).toBeCloseTo(expected[i]!.score, 6);
      expect(u.score).toBeLessThanOrEqual(2 / (RRF_K + 1) + 1e-9);
    }
  });

  it('falls back to the text ranking when the endpoint fails, and the article still completes', async () => {
    const { apiKey: key } = await newAccount(stack.database);
    const kb = await baseWithManuals(key);
    const { query, used } = await articleChunks(key, kb, `咖啡机除垢 ${Date.now()}`, ['多久除垢一次？'], true);
    const textOnly = await expectedWithinBudget(key, kb, query, true);
    expect(used.length).toBeGreaterThan(0);
    expect(used.map((u) => u.chunkId)).toEqual(textOnly.map((c) => c.chunkId));
    for (const [i, u] of used.entries()) expect(u.score).toBeCloseTo(textOnly[i]!.score, 6);
  });
});
