import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import type { PromptIngredients } from '../../llm/types.js';
import type { TemplateText } from '../../llm/template.js';
import type { QualityOverrides } from '../quality/settings.js';
import { retrieveArticleKnowledge, type EmbeddingsClient } from '../knowledge/index.js';

/**
 * The ingredients with the knowledge base's most relevant passages for this article (within
 * `budgetTokens`), and the chunks used, which the saved article records; unchanged without a base.
 * With an embeddings client the passages are ranked by text and embedding fused, as the search route does.
 */
export async function withArticleKnowledge(db: DbOrTx, loaded: Extract<IngredientsResult, { kind: 'ready' }>, budgetTokens: number, embeddings?: EmbeddingsClient) {
  if (!loaded.knowledgeBase) return { ingredients: loaded.ingredients, knowledgeChunks: [] };
  const found = await retrieveArticleKnowledge(db, {
    accountId: loaded.accountId,
    knowledgeBaseId: loaded.knowledgeBase.id,
    knowledgeBaseName: loaded.knowledgeBase.name,
    keyword: loaded.ingredients.keyword,
    topics: loaded.ingredients.topics,
    budgetTokens,
  }, embeddings);
  if (!found) return { ingredients: loaded.ingredients, knowledgeChunks: [] };
  return { ingredients: { ...loaded.ingredients, knowledgeBase: found.prompt }, knowledgeChunks: found.used };
}

export type IngredientsResult =
  | {
      kind: 'ready';
      distillationId: number;
      imageId: number | null;
      ingredients: PromptIngredients;
      /** The template revision the task pinned; null: the article setting or the built-in default prompt. */
      template: (TemplateText & { id: number; revision: number }) | null;
      autoApprove: boolean;
      accountId: number;
      /** The item's error so far: a failed quality check is the next attempt's feedback. */
      itemError: string | null;
      /** The account's own quality settings; null: the defaults. */
      qualityOverrides: QualityOverrides | null;
      /** The item's attempt counter after this load (0 when no attempt was recorded). */
      attempt: number;
      /**
       * The task's knowledge base: its passages are retrieved by a second query (withArticleKnowledge),
       * only for tasks that have one.
       */
      knowledgeBase: { id: number; name: string } | null;
    }
  | { kind: 'already-saved'; articleId: number }
  | { kind: 'unavailable'; reason: string };

/**
 * Everything article `position` of a task needs, read fresh from the DB when it is generated, so a
 * distillation deleted or emptied since selection is noticed ("unavailable") instead of written about.
 * With `attempt`, the item's attempt counter is set too (only while it is still reserved): to that
 * number, or one more than before with 'next' (quality rewrites and provider retries counted together),
 * and the start of its first attempt is kept. The first load of an unsaved item reserves its album image
 * (task_items.image_id): the least used, counting the images other unsaved items reserved, so articles of a
 * task (or of the account's other tasks) written at once spread over the album; later loads keep it.
 *
 * One statement, one round trip: it runs at the start of every generateArticle, on the critical path
 * between two LLM calls of a lane (docs/benchmarks.md).
 */
export async function loadArticleIngredients(db: DbOrTx, taskId: number, position: number, attempt?: number | 'next'): Promise<IngredientsResult> {
  const attempts = attempt === 'next' ? sql`ti.attempts + 1` : sql`${typeof attempt === 'number' ? attempt : 0}::int`;
  const counts = sql`(${attempt !== undefined} AND ti.state = 'reserved')`;
  // The item holds no image of the task's album yet (none reserved, or the one it held was removed since).
  const needsImage = sql`(t.album_id IS NOT NULL AND ti.state <> 'saved'
    AND NOT EXISTS (SELECT 1 FROM album_images h WHERE h.id = ti.image_id AND h.album_id = t.album_id))`;
  const rows = await db.execute<IngredientsRow>(sql`
    WITH item_update AS (
      -- The attempt, and the image the article takes: reserved once, the least used counting the reservations of
      -- unsaved items (artgen_reserve_album_image, migration 0025), so articles written at once take different
      -- images; a retry or a rewrite of the item keeps it. One UPDATE: a row is updated at most once a statement.
      UPDATE task_items ti SET
        attempts = CASE WHEN ${counts} THEN ${attempts} ELSE ti.attempts END,
        first_attempt_at = CASE WHEN ${counts} THEN coalesce(ti.first_attempt_at, now()) ELSE ti.first_attempt_at END,
        image_id = CASE WHEN ${needsImage} THEN artgen_reserve_album_image(t.album_id) ELSE ti.image_id END
      FROM generation_tasks t
      WHERE t.id = ti.task_id AND ti.task_id = ${taskId} AND ti.position = ${position} AND (${counts} OR ${needsImage})
      RETURNING CASE WHEN ${counts} THEN ti.attempts END AS attempts, ti.image_id
    )
    SELECT ti.state, (SELECT attempts FROM item_update) AS attempt_no, ti.article_id, ti.distillation_id, ti.error, t.auto_approve, t.account_id,
           (SELECT a.quality_settings FROM accounts a WHERE a.id = t.account_id) AS quality_settings,
           d.id AS found_id, d.keyword, d.deleted_at IS NOT NULL AS deleted,
           (SELECT coalesce(json_agg(tp.question ORDER BY tp.position), '[]'::json)
              FROM topics tp WHERE tp.distillation_id = ti.distillation_id) AS topics,
           (SELECT json_build_object('name', s.name, 'prompt', s.prompt)
              FROM article_settings s WHERE s.id = t.article_setting_id) AS article_setting,
           (SELECT json_build_object('id', r.template_id, 'revision', r.revision, 'system', r.system, 'user', r."user")
              FROM prompt_template_revisions r WHERE r.template_id = t.template_id AND r.revision = t.template_revision) AS template,
           (SELECT json_build_object('id', kb.id, 'name', kb.name)
              FROM knowledge_bases kb WHERE kb.id = t.knowledge_base_id) AS knowledge_base,
           (SELECT json_build_object('companyName', c.company_name, 'industry', c.industry, 'website', c.website, 'address', c.address)
              FROM conversion_targets c WHERE c.id = t.conversion_target_id) AS conversion_target,
           -- The image the item holds (reserved now, or on an earlier attempt).
           (SELECT json_build_object('id', ai.id, 'url', ai.url, 'description', ai.description)
              FROM album_images ai
              WHERE ai.album_id = t.album_id AND ai.id = coalesce((SELECT image_id FROM item_update), ti.image_id)) AS image
    FROM task_items ti
    JOIN generation_tasks t ON t.id = ti.task_id
    LEFT JOIN distillations d ON d.id = ti.distillation_id
    WHERE ti.task_id = ${taskId} AND ti.position = ${position}`);
  const row = rows[0];
  if (!row) return { kind: 'unavailable', reason: `task ${taskId} has no article at position ${position}` };
  if (row.state === 'saved' && row.article_id !== null) return { kind: 'already-saved', articleId: row.article_id };
  if (row.found_id === null || row.deleted) {
    return { kind: 'unavailable', reason: `distillation ${row.distillation_id} was deleted after the task was created` };
  }
  if (row.topics.length === 0) {
    return { kind: 'unavailable', reason: `distillation ${row.distillation_id} has no topics any more` };
  }

  const ingredients: PromptIngredients = { keyword: row.keyword!, topics: row.topics };
  if (row.article_setting) ingredients.articleSetting = row.article_setting;
  if (row.conversion_target) ingredients.conversionTarget = row.conversion_target;
  if (row.image) ingredients.image = { url: row.image.url, description: row.image.description };
  return {
    kind: 'ready',
    distillationId: row.distillation_id,
    imageId: row.image?.id ?? null,
    ingredients,
    template: row.template,
    autoApprove: row.auto_approve,
    accountId: row.account_id,
    itemError: row.error,
    qualityOverrides: row.quality_settings,
    attempt: row.attempt_no ?? (typeof attempt === 'number' ? attempt : 0),
    knowledgeBase: row.knowledge_base,
  };
}

interface IngredientsRow extends Record<string, unknown> {
  state: string;
  attempt_no: number | null;
  article_id: number | null;
  distillation_id: number;
  error: string | null;
  auto_approve: boolean;
  account_id: number;
  quality_settings: QualityOverrides | null;
  found_id: number | null;
  keyword: string | null;
  deleted: boolean | null;
  topics: string[];
  article_setting: { name: string; prompt: string } | null;
  template: (TemplateText & { id: number; revision: number }) | null;
  knowledge_base: { id: number; name: string } | null;
  conversion_target: NonNullable<PromptIngredients['conversionTarget']> | null;
  image: { id: number; url: string; description: string | null } | null;
}
