import { expect } from 'vitest';
import { callJson } from './api-server.js';

const TASKS = '/api/article-generation/tasks';

/** Imports one distillation per keyword, runs a task over them through the API and waits for its end. */
export async function runArticleTask(apiUrl: string, key: string, keywords: string[], opts: { autoApprove?: boolean } = {}) {
  const imported = await callJson(apiUrl, 'POST', '/api/distillations/import', key, {
    distillations: keywords.map((keyword) => ({ keyword, topics: [`What is ${keyword}?`] })),
  });
  expect(imported.status, imported.text).toBe(201);
  const created = await callJson(apiUrl, 'POST', TASKS, key, { articleCount: keywords.length, autoApprove: opts.autoApprove ?? false });
  expect(created.status, created.text).toBe(201);
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const detail = await callJson(apiUrl, 'GET', `${TASKS}/${created.body.taskId}`, key);
    if (['completed', 'failed', 'canceled', 'timeout'].includes(detail.body.status)) {
      expect(detail.body.status, detail.text).toBe('completed');
      return { taskId: created.body.taskId as number, articleIds: (detail.body.generatedArticles as { id: number }[]).map((a) => a.id) };
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`task ${created.body.taskId} did not finish`);
}
