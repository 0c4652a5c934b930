import { Hono } from 'hono';
import { z } from 'zod';
import { getArticle, listArticles } from '../../domain/task-queries.js';
import { QUALITY_CHECKS } from '../../shared/quality.js';
import type { ApiDeps, ApiEnv } from '../types.js';
import { idQueryField } from '../schemas/input-rules.js';
import { pagination, parseIdParam, parseQuery } from '../validation.js';
import type { ApiOperation } from '../openapi.js';
import { count, id, paged, timestamp } from '../schemas/common.js';

const listQuery = pagination.extend({ taskId: idQueryField('taskId').optional() });

const qualityFlag = z.object({ check: z.enum(QUALITY_CHECKS), message: z.string() });
const qualityFields = {
  qualityFlags: z.array(qualityFlag).describe('What the quality gate still found wrong on the last attempt; empty: passed'),
  qualityScores: z
    .object({
      chars: count,
      headings: count,
      nearestArticleId: id.nullable().describe("The account's most similar earlier article found (SimHash within 3 bits shares a band)"),
      similarity: z.number().min(0).max(1).nullable().describe('1 - distance / 64'),
      distance: z.number().int().min(0).max(64).nullable().describe('SimHash bits that differ from the nearest article'),
      attempt: id.describe('The attempt whose draft was saved'),
    })
    .nullable()
    .describe('What the quality gate measured; null for articles from before the gate'),
};

const tokenFields = { model: z.string().nullable(), promptTokens: count, completionTokens: count, durationMs: count, createdAt: timestamp };

/** An article in lists and task details: everything but its content. */
export const articleSummary = z.object({
  id,
  position: count,
  distillationId: id.nullable().describe('null once the distillation row is gone'),
  keyword: z.string(),
  title: z.string(),
  reviewStatus: z.enum(['approved', 'pending_review']),
  ...qualityFields,
  ...tokenFields,
});
const articleListRow = articleSummary.extend({ taskId: id.nullable().describe('null once its task was cleaned up') });
export const articleList = paged('articles', articleListRow);

const article = articleListRow.extend({
  accountId: id,
  topics: z.array(z.string()).describe('The topics of the distillation when the article was written'),
  content: z.string(),
  imageUrl: z.string().nullable(),
  provider: z.string().nullable(),
});

export function articleRoutes({ db }: ApiDeps) {
  return new Hono<ApiEnv>()
    .get('/', async (c) => c.json(await listArticles(db, c.get('accountId'), parseQuery(c, listQuery))))
    .get('/:id', async (c) => c.json(await getArticle(db, c.get('accountId'), parseIdParam(c))));
}

export const articleOperations: ApiOperation[] = [
  { method: 'get', path: '/', summary: 'List articles, optionally of one task', query: listQuery, response: articleList },
  { method: 'get', path: '/:id', summary: 'One article with its content, tokens and duration', response: article },
];
