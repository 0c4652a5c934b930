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
 * and the start of its first attempt is kept.
 *
 * One statement, one round trip: it runs at the start of every generateArticle, on the critical path
 * between two LLM calls of a lane (docs/benchmarks.md).
 */
export async function loadArticleIngredients(db: DbOrTx, taskId: number, position: number, attempt?: number | 'next'): Promise<IngredientsResult> {
  const attempts = attempt === 'next' ? sql`attempts + 1` : sql`${typeof attempt === 'number' ? attempt : 0}::int`;
  const rows = await db.execute<IngredientsRow>(sql`
    WITH attempt AS (
      UPDATE task_items SET attempts = ${attempts}, first_attempt_at = coalesce(first_attempt_at, now())
      WHERE ${attempt !== undefined} AND task_id = ${taskId} AND position = ${position} AND state = 'reserved'
      RETURNING attempts
    )
    SELECT ti.state, (SELECT attempts FROM attempt) AS attempt_no, ti.article_id, ti.distillation_id, ti.error, t.auto_approve, t.account_id,
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
           -- The album's least used image.
           (SELECT json_build_object('id', ai.id, 'url', ai.url, 'description', ai.description)
              FROM album_images ai WHERE ai.album_id = t.album_id ORDER BY ai.usage_count, ai.id LIMIT 1) AS image
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
