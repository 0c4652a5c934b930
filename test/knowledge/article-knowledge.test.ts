import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { DEFAULT_KNOWLEDGE } from '../../src/config.js';
import { KNOWLEDGE_CLOSE, KNOWLEDGE_OPEN, PROMPT_MARKERS, splitPromptSections } from '../../src/llm/prompt.js';
import { newAccount } from '../support/db.js';
import { apiCall, waitForTaskEnd, type CallOptions } from '../support/api-server.js';
import { keywordOf } from '../support/llm-stub.js';
import { useTestStack } from '../support/stack.js';

/**
 * Issue 17: each article's prompt carries the knowledge chunks most relevant to its keyword and
 * questions, within the token budget, quoted as data; the article records which ones, and its detail shows them.
 */
const BUDGET = 60;
const stack = useTestStack({ worker: { knowledge: { ...DEFAULT_KNOWLEDGE, promptTokenBudget: BUDGET } } });
const call = (method: string, path: string, opts: CallOptions = {}) => apiCall(stack.api.url, method, path, opts);

function fileForm(name: string) {
  const form = new FormData();
  form.append('file', new Blob([readFileSync(new URL(`../fixtures/knowledge/${name}`, import.meta.url))]), name);
  return form;
}

describe('knowledge in articles', () => {
  it('retrieves the best chunks within the budget, quotes them as data, and records them on the article', async () => {
    const { apiKey: key } = await newAccount(stack.database);
    const kb = await call('POST', '/api/knowledge-bases', { key, json: { name: 'Cafe manuals' } });
    for (const name of ['guide.pdf', 'manual.docx', 'handbook.md', 'notes.txt']) {
      const up = await call('POST', `/api/knowledge-bases/${kb.body.id}/documents`, { key, form: fileForm(name) });
      expect(up.status, up.text).toBe(201);
    }
    const keyword = `咖啡机保养 ${Date.now()}`;
    const d = await call('POST', '/api/distillations', { key, json: { keyword, topics: ['多久除垢一次？', '锅炉保修多久？'] } });
    expect(d.status, d.text).toBe(201);
    stack.stub.resetCounters();
    const task = await call('POST', '/api/article-generation/tasks', { key, json: { articleCount: 1, knowledgeBaseId: kb.body.id } });
    expect(task.status, task.text).toBe(201);
    const done = await waitForTaskEnd(task.body.taskId, async () => (await call('GET', `/api/article-generation/tasks/${task.body.taskId}`, { key })).body);
    expect(done.status).toBe('completed');

    const request = stack.stub.requests.find((r) => keywordOf(r) === keyword)!;
    const section = splitPromptSections(request.userMessage).get(PROMPT_MARKERS.knowledgeBase)!;
    expect(section).toContain(`${KNOWLEDGE_OPEN}\n`);
    expect(section.endsWith(KNOWLEDGE_CLOSE)).toBe(true);
    const quoted = section.slice(section.indexOf(`\n${KNOWLEDGE_OPEN}\n`), section.lastIndexOf(`\n${KNOWLEDGE_CLOSE}`));
    // The DOCX's descaling passage answers the questions best; the opening hours not at all.
    expect(quoted).toContain('柠檬酸溶液除垢');
    expect(quoted).not.toContain('opens at seven');

    const articles = await call('GET', `/api/article-generation/tasks/${task.body.taskId}/articles`, { key });
    const articleId = (articles.body.articles ?? articles.body.items)[0].id as number;
    const detail = await call('GET', `/api/articles/${articleId}`, { key });
    expect(detail.status, detail.text).toBe(200);
    const used = detail.body.knowledgeChunks as { chunkId: number; documentTitle: string; text: string; score: number }[];
    expect(used.length).toBeGreaterThan(0);
    expect(used.map((u) => u.documentTitle)).toContain('咖啡机使用手册');
    for (const u of used) expect(quoted).toContain(u.text);
    // Exactly the search's best chunks that fit the budget together, best first (the search box shows the same ranking).
    const q = encodeURIComponent([keyword, '多久除垢一次？', '锅炉保修多久？'].join('\n'));
    const ranked = (await call('GET', `/api/knowledge-bases/${kb.body.id}/search?q=${q}&limit=50`, { key })).body.items as { chunkId: number; tokens: number }[];
    let left = BUDGET;
    const expected = ranked.filter((c) => (c.tokens <= left ? ((left -= c.tokens), true) : false)).map((c) => c.chunkId);
    expect(used.map((u) => u.chunkId)).toEqual(expected);
    expect(ranked.length).toBeGreaterThan(expected.length);
    const [tokens] = await stack.database.db.execute<{ sum: number }>(sql`
      SELECT sum(c.tokens)::int AS sum FROM article_knowledge_chunks a JOIN knowledge_chunks c ON c.id = a.chunk_id WHERE a.article_id = ${articleId}`);
    expect(tokens!.sum).toBeLessThanOrEqual(BUDGET);

    // A document deleted later leaves the article's record, without the link.
    const docs = await call('GET', `/api/knowledge-bases/${kb.body.id}/documents`, { key });
    for (const doc of docs.body.items) await call('DELETE', `/api/knowledge-bases/${kb.body.id}/documents/${doc.id}`, { key });
    const after = await call('GET', `/api/articles/${articleId}`, { key });
    expect(after.body.knowledgeChunks).toHaveLength(used.length);
    expect(after.body.knowledgeChunks.every((u: { chunkId: number | null }) => u.chunkId === null)).toBe(true);
  });

  it('a task without a knowledge base sends no knowledge section and records none', async () => {
    const { apiKey: key } = await newAccount(stack.database);
    const keyword = `plain ${Date.now()}`;
    await call('POST', '/api/distillations', { key, json: { keyword, topics: ['Why?'] } });
    const task = await call('POST', '/api/article-generation/tasks', { key, json: { articleCount: 1 } });
    await waitForTaskEnd(task.body.taskId, async () => (await call('GET', `/api/article-generation/tasks/${task.body.taskId}`, { key })).body);
    const request = stack.stub.requests.find((r) => keywordOf(r) === keyword)!;
    expect(request.userMessage).not.toContain(PROMPT_MARKERS.knowledgeBase);
    const articles = await call('GET', `/api/article-generation/tasks/${task.body.taskId}/articles`, { key });
    const articleId = (articles.body.articles ?? articles.body.items)[0].id as number;
    expect((await call('GET', `/api/articles/${articleId}`, { key })).body.knowledgeChunks).toEqual([]);
  });
});
