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

  // Everything below depends only on the item and the task: ask for it all at once (pipelined).
  const none = Promise.resolve([] as never[]);
  const [[distillation], topicRows, [setting], [kb], documents, [target], [image]] = await Promise.all([
    db.select().from(distillations).where(eq(distillations.id, item.distillationId)),
    db.select({ question: topics.question }).from(topics).where(eq(topics.distillationId, item.distillationId)).orderBy(asc(topics.position)),
    task.articleSettingId === null ? none : db.select().from(articleSettings).where(eq(articleSettings.id, task.articleSettingId)),
    task.knowledgeBaseId === null ? none : db.select().from(knowledgeBases).where(eq(knowledgeBases.id, task.knowledgeBaseId)),
    task.knowledgeBaseId === null
      ? none
      : db
          .select({ title: knowledgeDocuments.title, content: knowledgeDocuments.content })
          .from(knowledgeDocuments)
          .where(eq(knowledgeDocuments.knowledgeBaseId, task.knowledgeBaseId))
          .orderBy(asc(knowledgeDocuments.id)),
    task.conversionTargetId === null ? none : db.select().from(conversionTargets).where(eq(conversionTargets.id, task.conversionTargetId)),
    task.albumId === null
      ? none
      : db.select().from(albumImages).where(eq(albumImages.albumId, task.albumId)).orderBy(asc(albumImages.usageCount), asc(albumImages.id)).limit(1),
  ]);
  if (!distillation || distillation.deletedAt) {
    return { kind: 'unavailable', reason: `distillation ${item.distillationId} was deleted after the task was created` };
  }
  if (topicRows.length === 0) {
    return { kind: 'unavailable', reason: `distillation ${distillation.id} has no topics any more` };
  }

  const ingredients: PromptIngredients = { keyword: distillation.keyword, topics: topicRows.map((t) => t.question) };
  if (setting) ingredients.articleSetting = { name: setting.name, prompt: setting.prompt };
  if (kb) ingredients.knowledgeBase = { name: kb.name, documents };
  if (target) ingredients.conversionTarget = target;
  if (image) ingredients.image = { url: image.url, description: image.description };
  const imageId = image?.id ?? null;
  return { kind: 'ready', distillationId: distillation.id, imageId, ingredients, autoApprove: task.autoApprove };
}
