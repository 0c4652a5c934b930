import type { Database } from '../../src/db/client.js';
import { loadArticleIngredients } from '../../src/domain/ingredients/index.js';
import { saveGeneratedArticle, type ArticleDraft } from '../../src/domain/tasks/article-saving.js';
import { createTaskWithReservations } from '../../src/domain/tasks/selection.js';
import { startTask } from '../../src/domain/tasks/task-lifecycle.js';
import { seedDistillations } from './db.js';

/**
 * The draft generateArticle would hand to saveArticle for article `position`, built from the real
 * ingredients (no LLM); null when the item has nothing to write (already saved, distillation gone).
 */
export async function testDraft(database: Database, taskId: number, position: number) {
  const loaded = await loadArticleIngredients(database.db, taskId, position);
  if (loaded.kind !== 'ready') return null;
  const { keyword, topics } = loaded.ingredients;
  const draft: ArticleDraft = {
    title: `About ${keyword}`,
    content: `${keyword}: ${topics.join(' / ')}`,
    keyword,
    topics,
    imageId: null,
    imageUrl: null,
    autoApprove: true,
    provider: 'test',
    model: 'test',
    promptTokens: 3,
    completionTokens: 5,
    durationMs: 1,
  };
  return { draft, distillationId: loaded.distillationId };
}

/**
 * Writes `n` articles of the account without an LLM or a worker (a task over new distillations, each
 * draft saved as the activity would); pending review unless `autoApprove`. Returns their ids in order.
 */
export async function saveTestArticles(database: Database, accountId: number, n: number, opts: { autoApprove?: boolean } = {}) {
  const tag = `${accountId}-${Math.random().toString(36).slice(2, 8)}`;
  await seedDistillations(database, accountId, Array.from({ length: n }, (_, i) => ({ keyword: `saved ${tag} ${i}` })));
  const task = await createTaskWithReservations(database.db, accountId, { articleCount: n, autoApprove: opts.autoApprove ?? false });
  await startTask(database.db, task.id);
  const ids: number[] = [];
  for (let p = 0; p < n; p++) {
    const { draft } = (await testDraft(database, task.id, p))!;
    ids.push((await saveGeneratedArticle(database.db, task.id, p, { ...draft, autoApprove: opts.autoApprove ?? false })).articleId);
  }
  return ids;
}
