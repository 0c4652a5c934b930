import { and, asc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import {
  albumImages,
  articleSettings,
  conversionTargets,
  distillations,
  generationTasks,
  knowledgeBases,
  knowledgeDocuments,
  taskItems,
  topics,
} from '../db/schema.js';
import type { PromptIngredients } from '../llm/types.js';

export type IngredientsResult =
  | { kind: 'ready'; distillationId: number; imageId: number | null; ingredients: PromptIngredients; autoApprove: boolean }
  | { kind: 'already-saved'; articleId: number }
  | { kind: 'unavailable'; reason: string };

/**
 * Everything article `position` of a task needs, read fresh from the DB when it is generated, so a
 * distillation deleted or emptied since selection is noticed ("unavailable") instead of written about.
 */
export async function loadArticleIngredients(db: DbOrTx, taskId: number, position: number): Promise<IngredientsResult> {
  const [row] = await db
    .select({ item: taskItems, task: generationTasks })
    .from(taskItems)
    .innerJoin(generationTasks, eq(generationTasks.id, taskItems.taskId))
    .where(and(eq(taskItems.taskId, taskId), eq(taskItems.position, position)));
  if (!row) return { kind: 'unavailable', reason: `task ${taskId} has no article at position ${position}` };
  const { item, task } = row;
  if (item.state === 'saved' && item.articleId !== null) return { kind: 'already-saved', articleId: item.articleId };

  const [distillation] = await db.select().from(distillations).where(eq(distillations.id, item.distillationId));
  if (!distillation || distillation.deletedAt) {
    return { kind: 'unavailable', reason: `distillation ${item.distillationId} was deleted after the task was created` };
  }
  const topicRows = await db
    .select({ question: topics.question })
    .from(topics)
    .where(eq(topics.distillationId, distillation.id))
    .orderBy(asc(topics.position));
  if (topicRows.length === 0) {
    return { kind: 'unavailable', reason: `distillation ${distillation.id} has no topics any more` };
  }

  const ingredients: PromptIngredients = { keyword: distillation.keyword, topics: topicRows.map((t) => t.question) };
  if (task.articleSettingId !== null) {
    const [s] = await db.select().from(articleSettings).where(eq(articleSettings.id, task.articleSettingId));
    if (s) ingredients.articleSetting = { name: s.name, prompt: s.prompt };
  }
  if (task.knowledgeBaseId !== null) {
    const [kb] = await db.select().from(knowledgeBases).where(eq(knowledgeBases.id, task.knowledgeBaseId));
    const documents = await db
      .select({ title: knowledgeDocuments.title, content: knowledgeDocuments.content })
      .from(knowledgeDocuments)
      .where(eq(knowledgeDocuments.knowledgeBaseId, task.knowledgeBaseId))
      .orderBy(asc(knowledgeDocuments.id));
    if (kb) ingredients.knowledgeBase = { name: kb.name, documents };
  }
  if (task.conversionTargetId !== null) {
    const [c] = await db.select().from(conversionTargets).where(eq(conversionTargets.id, task.conversionTargetId));
    if (c) ingredients.conversionTarget = c;
  }
  let imageId: number | null = null;
  if (task.albumId !== null) {
    const [img] = await db
      .select()
      .from(albumImages)
      .where(eq(albumImages.albumId, task.albumId))
      .orderBy(asc(albumImages.usageCount), asc(albumImages.id))
      .limit(1);
    if (img) {
      imageId = img.id;
      ingredients.image = { url: img.url, description: img.description };
    }
  }
  return { kind: 'ready', distillationId: distillation.id, imageId, ingredients, autoApprove: task.autoApprove };
}
