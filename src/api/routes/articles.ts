import { z } from 'zod';
import type { Context } from 'hono';
import { Hono } from 'hono';
import { articleAttempts } from '../../domain/models/index.js';
import { costFields, llmAttempt } from '../../http/schemas/cost.js';
import {
  deleteArticle,
  editArticle,
  exportArticle,
  exportArticles,
  getArticle,
  listArticles,
  listRevisions,
  EXPORT_CONTENT_TYPES,
  SINGLE_JSON_CONTENT_TYPE,
} from '../../domain/articles/index.js';
import type { RouteDeps } from '../../http/deps.js';
import { articleKnowledgeChunks } from '../../domain/knowledge/index.js';
import type { ApiEnv } from '../types.js';
import { articleReviewer } from '../../temporal/article-review.js';
import { articleFilterFields, bulkReviewBody, editBody, exportQuery, rejectBody, singleExportQuery } from '../../http/schemas/article-requests.js';
import { pagination, parseIdParam, parseJsonBody, parseQuery } from '../../http/validation.js';
import type { ApiOperation } from '../operation.js';
import { download } from '../../http/download.js';
import { article, articleList, bulkReviewAnswer, editAnswer, exportedArticle, reviewAnswer, revisionList } from '../../http/schemas/article-responses.js';

const listQuery = pagination.extend(articleFilterFields);

/** Articles: filtered lists and full-text search, review, edits with revisions, soft delete, export. */
export function articleRoutes({ db, log, temporal, webhooks }: RouteDeps) {
  const review = articleReviewer({ db, temporal, webhooks, log });
  const editor = (c: Context<ApiEnv>) => ({ apiKeyId: c.get('apiKey').id, keyPrefix: c.get('apiKey').prefix });
  return new Hono<ApiEnv>()
    .get('/', async (c) => c.json(await listArticles(db, c.get('accountId'), parseQuery(c, listQuery))))
    .get('/export', async (c) => {
      const { format, ...filter } = parseQuery(c, exportQuery);
      return download(await exportArticles(db, c.get('accountId'), filter, format), log);
    })
    .post('/review', async (c) => {
      const { action, reason, ids, filter } = await parseJsonBody(c, bulkReviewBody);
      return c.json(await review.many(c.get('accountId'), ids ? { ids } : { filter: filter! }, action, reason));
    })
    .get('/:id', async (c) => {
      const found = await getArticle(db, c.get('accountId'), parseIdParam(c));
      const [knowledgeChunks, attempts] = await Promise.all([articleKnowledgeChunks(db, found.id), articleAttempts(db, found.taskId, found.position)]);
      return c.json({ ...found, knowledgeChunks, ...attempts });
    })
    .patch('/:id', async (c) => {
      const id = parseIdParam(c);
      return c.json(await editArticle(db, c.get('accountId'), id, await parseJsonBody(c, editBody), editor(c)));
    })
    .delete('/:id', async (c) => {
      await deleteArticle(db, c.get('accountId'), parseIdParam(c));
      return c.body(null, 204);
    })
    .get('/:id/revisions', async (c) => {
      const id = parseIdParam(c);
      return c.json(await listRevisions(db, c.get('accountId'), id, parseQuery(c, pagination)));
    })
    .get('/:id/export', async (c) => {
      const id = parseIdParam(c);
      return download(await exportArticle(db, c.get('accountId'), id, parseQuery(c, singleExportQuery).format), log);
    })
    .post('/:id/approve', async (c) => c.json(await review.one(c.get('accountId'), parseIdParam(c), 'approve')))
    .post('/:id/reject', async (c) => {
      const id = parseIdParam(c);
      return c.json(await review.one(c.get('accountId'), id, 'reject', (await parseJsonBody(c, rejectBody)).reason));
    })
    .post('/:id/reopen', async (c) => c.json(await review.one(c.get('accountId'), parseIdParam(c), 'reopen')));
}

/** The media types of a download, without parameters (charset). */
const mediaTypes = (types: string[]) => types.map((t) => t.split(';')[0]!);
/** A knowledge-base chunk an article's prompt carried (chunkId and text null once the chunk was deleted). */
const usedKnowledgeChunk = z.object({
  chunkId: z.number().int().positive().nullable(),
  documentId: z.number().int().positive().nullable(),
  documentTitle: z.string(),
  position: z.number().int().nonnegative(),
  score: z.number(),
  text: z.string().nullable(),
});
const ILLEGAL = { 409: ['ILLEGAL_REVIEW_TRANSITION'] };

export const articleOperations: ApiOperation[] = [
  { method: 'get', path: '/', summary: 'List live articles: by task, review status, distillation, keyword, created range, full-text search (q)', query: listQuery, response: articleList },
  {
    method: 'get',
    path: '/export',
    summary: 'Export the articles the filter matches as md, html, json (JSON Lines) or zip, streamed as a download',
    query: exportQuery,
    mediaType: mediaTypes(Object.values(EXPORT_CONTENT_TYPES)),
    errors: { 400: ['EXPORT_TOO_LARGE'] },
  },
  {
    method: 'post',
    path: '/review',
    summary: 'Approve, reject or reopen many articles (ids or a filter, at most 1000) in one transaction',
    body: bulkReviewBody,
    response: bulkReviewAnswer,
    errors: { 400: ['TOO_MANY_ARTICLES'], 404: ['NOT_FOUND'] },
  },
  {
    method: 'get',
    path: '/:id',
    summary: 'One article with its content, review state, tokens and duration, and the knowledge-base chunks its prompt carried',
    response: article.extend({ knowledgeChunks: z.array(usedKnowledgeChunk), attempts: z.array(llmAttempt).describe('Every request sent to a model for it, oldest first'), ...costFields }),
  },
  { method: 'patch', path: '/:id', summary: 'Edit the title and/or content; the previous text is kept as a revision', body: editBody, response: editAnswer },
  { method: 'delete', path: '/:id', summary: 'Soft-delete an article (usage counts keep counting it)', status: 204 },
  { method: 'get', path: '/:id/revisions', summary: 'The texts edits replaced, newest first', query: pagination, response: revisionList },
  {
    method: 'get',
    path: '/:id/export',
    summary: 'One article as md (front matter), html or json, as a download',
    query: singleExportQuery,
    mediaType: mediaTypes([EXPORT_CONTENT_TYPES.md, EXPORT_CONTENT_TYPES.html, SINGLE_JSON_CONTENT_TYPE]),
    mediaBodies: { [mediaTypes([SINGLE_JSON_CONTENT_TYPE])[0]!]: exportedArticle },
  },
  { method: 'post', path: '/:id/approve', summary: 'pending_review -> approved (409 ILLEGAL_REVIEW_TRANSITION from rejected)', response: reviewAnswer, errors: ILLEGAL },
  { method: 'post', path: '/:id/reject', summary: 'pending_review -> rejected with a reason (409 from approved)', body: rejectBody, response: reviewAnswer, errors: ILLEGAL },
  { method: 'post', path: '/:id/reopen', summary: 'approved or rejected -> pending_review (un-approve, or take a rejection back)', response: reviewAnswer, errors: ILLEGAL },
];
