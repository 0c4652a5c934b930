import type { Database } from '../../src/db/client.js';
import { loadArticleIngredients } from '../../src/domain/ingredients/article-ingredients.js';
import type { ArticleDraft } from '../../src/domain/tasks/article-saving.js';

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
