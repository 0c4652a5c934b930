import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { articleMessages, checkTemplate, type PromptIngredients, type TemplateText } from '../../llm/index.js';
import { DEFAULT_KNOWLEDGE } from '../../config.js';
import { badRequest } from '../errors.js';
import { retrieveArticleKnowledge, type EmbeddingsClient } from '../knowledge/index.js';
import { getTemplate } from './template-store.js';

export interface PreviewInput {
  distillationId: number;
  knowledgeBaseId?: number | null | undefined;
  conversionTargetId?: number | null | undefined;
  albumId?: number | null | undefined;
  /** How the article activity retrieves knowledge here: its token budget and embeddings client (defaults: the config default, text ranking). */
  retrieval?: PreviewRetrieval;
}

/** The deployment's knowledge retrieval, so a preview quotes the passages an article would get. */
export interface PreviewRetrieval {
  budgetTokens: number;
  embeddings?: EmbeddingsClient | undefined;
}

/**
 * The ingredients an article of this distillation would get with these resources (the album's least used
 * image), read the way loadArticleIngredients reads them for a task; 400 INVALID_REFERENCE naming what
 * the account does not have.
 */
export async function previewIngredients(db: Db, accountId: number, input: PreviewInput): Promise<PromptIngredients> {
  const [row] = await db.execute<PreviewRow>(sql`
    SELECT
      (SELECT json_build_object('keyword', d.keyword, 'topics',
                (SELECT coalesce(json_agg(tp.question ORDER BY tp.position), '[]'::json) FROM topics tp WHERE tp.distillation_id = d.id))
         FROM distillations d WHERE d.id = ${input.distillationId} AND d.account_id = ${accountId} AND d.deleted_at IS NULL) AS distillation,
      (SELECT json_build_object('id', kb.id, 'name', kb.name)
         FROM knowledge_bases kb WHERE kb.id = ${input.knowledgeBaseId ?? null}::int AND kb.account_id = ${accountId} AND kb.deleted_at IS NULL) AS knowledge_base,
      (SELECT json_build_object('companyName', c.company_name, 'industry', c.industry, 'website', c.website, 'address', c.address)
         FROM conversion_targets c WHERE c.id = ${input.conversionTargetId ?? null}::int AND c.account_id = ${accountId} AND c.deleted_at IS NULL) AS conversion_target,
      (SELECT json_build_object('found', true, 'image',
                (SELECT json_build_object('url', ai.url, 'description', ai.description) FROM album_images ai WHERE ai.album_id = al.id ORDER BY ai.usage_count, ai.id LIMIT 1))
         FROM albums al WHERE al.id = ${input.albumId ?? null}::int AND al.account_id = ${accountId} AND al.deleted_at IS NULL) AS album`);
  const invalid: Record<string, number[]> = {};
  if (!row?.distillation) invalid.distillationId = [input.distillationId];
  if (input.knowledgeBaseId != null && !row?.knowledge_base) invalid.knowledgeBaseId = [input.knowledgeBaseId];
  if (input.conversionTargetId != null && !row?.conversion_target) invalid.conversionTargetId = [input.conversionTargetId];
  if (input.albumId != null && !row?.album) invalid.albumId = [input.albumId];
  const fields = Object.keys(invalid);
  if (fields.length > 0) {
    throw badRequest('INVALID_REFERENCE', `Referenced ids do not exist: ${fields.map((f) => `${f} [${invalid[f]!.join(', ')}]`).join(', ')}.`, { invalid });
  }
  const ing: PromptIngredients = { keyword: row!.distillation!.keyword, topics: row!.distillation!.topics };
  // The passages an article would be given: the same retrieval within the same budget as the article activity.
  if (row!.knowledge_base) {
    const found = await retrieveArticleKnowledge(db, {
      accountId,
      knowledgeBaseId: row!.knowledge_base.id,
      knowledgeBaseName: row!.knowledge_base.name,
      keyword: ing.keyword,
      topics: ing.topics,
      budgetTokens: input.retrieval?.budgetTokens ?? DEFAULT_KNOWLEDGE.promptTokenBudget,
    }, input.retrieval?.embeddings);
    if (found) ing.knowledgeBase = found.prompt;
  }
  if (row!.conversion_target) ing.conversionTarget = row!.conversion_target;
  if (row!.album?.image) ing.image = row!.album.image;
  return ing;
}

interface PreviewRow extends Record<string, unknown> {
  distillation: { keyword: string; topics: string[] } | null;
  knowledge_base: { id: number; name: string } | null;
  conversion_target: NonNullable<PromptIngredients['conversionTarget']> | null;
  album: { found: true; image: { url: string; description: string | null } | null } | null;
}

/** The exact messages an article of `distillationId` would be sent with template `templateId` (its latest revision); no LLM call. */
export async function previewTemplate(db: Db, accountId: number, templateId: number | null, input: PreviewInput) {
  const template = templateId === null ? null : await getTemplate(db, accountId, templateId);
  const ingredients = await previewIngredients(db, accountId, input);
  return {
    templateId,
    revision: template?.revision ?? null,
    messages: articleMessages(template, ingredients),
  };
}

/** The messages of unsaved template text (the console's "preview this text"): its problems instead when it could not be saved. */
export async function previewTemplateText(db: Db, accountId: number, text: TemplateText, input: PreviewInput) {
  const problems = checkTemplate(text);
  if (problems.length > 0) return { problems, messages: null };
  return { problems, messages: articleMessages(text, await previewIngredients(db, accountId, input)) };
}
