import { expect } from 'vitest';
import { callJson, waitForTaskEnd } from './api-server.js';

const TASKS = '/api/article-generation/tasks';

/** Imports one distillation per keyword, runs a task over them through the API and waits for its end. */
export async function runArticleTask(apiUrl: string, key: string, keywords: string[], opts: { autoApprove?: boolean } = {}) {
  const imported = await callJson(apiUrl, 'POST', '/api/distillations/import', key, {
    distillations: keywords.map((keyword) => ({ keyword, topics: [`What is ${keyword}?`] })),
  });
  expect(imported.status, imported.text).toBe(201);
  const created = await callJson(apiUrl, 'POST', TASKS, key, { articleCount: keywords.length, autoApprove: opts.autoApprove ?? false });
  expect(created.status, created.text).toBe(201);
  const taskId = created.body.taskId as number;
  const task = await waitForTaskEnd(taskId, async () => (await callJson(apiUrl, 'GET', `${TASKS}/${taskId}`, key)).body, 60_000);
  expect(task.status, JSON.stringify(task)).toBe('completed');
  return { taskId, articleIds: (task.generatedArticles as { id: number }[]).map((a) => a.id) };
}
