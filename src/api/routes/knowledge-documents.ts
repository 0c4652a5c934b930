import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { addUploadedDocument } from '../../services/knowledge-document-add.js';
import {
  deleteKnowledgeDocument,
  FileRefused,
  getKnowledgeDocument,
  listKnowledgeDocuments,
  requireLiveBase,
  searchKnowledge,
} from '../../domain/knowledge/index.js';
import { AppError } from '../../domain/errors.js';
import type { RouteDeps } from '../../http/deps.js';
import { parseIdParam, parseJsonBody, parseQuery } from '../../http/validation.js';
import { parseUpload, type UploadInput } from '../../http/knowledge-upload.js';
import { count, id, timestamp } from '../../http/schemas/common.js';
import type { ApiOperation } from '../operation.js';
import type { ApiEnv } from '../types.js';

const jsonDocument = z.object({
  title: z.string().trim().min(1, 'title is required').max(500, 'title must be at most 500 characters'),
  content: z.string().trim().min(1, 'content is required').max(200_000, 'content must be at most 200000 characters'),
});

const documentRow = z.object({ id, knowledgeBaseId: id, title: z.string(), mediaType: z.string(), bytes: count, chunkCount: count, createdAt: timestamp });
const chunkRow = z.object({ id, position: count, heading: z.string(), text: z.string(), tokens: count });
const searchHit = z.object({
  chunkId: id,
  documentId: id,
  documentTitle: z.string(),
  position: count.describe('0-based order of the chunk in its document'),
  heading: z.string().describe('The heading the chunk sits under; empty when none'),
  text: z.string(),
  tokens: count.describe('Estimated tokens (CJK character ~1, other word ~1.3)'),
  score: z.number().describe('ts_rank of the chunk against the question, or its reciprocal-rank-fusion score when embeddings are configured; higher is better'),
});
const searchQuery = z.object({
  q: z.string().trim().min(1, 'q is required').max(1_000, 'q must be at most 1000 characters'),
  limit: z.coerce.number().int().min(1, 'limit must be >= 1').max(50, 'limit must be <= 50').default(10),
});

const docParam = (c: Context) => parseIdParam(c, 'documentId');

/** A multipart upload (field `file`) or, as before files, JSON `{title, content}`; both are chunked in a worker thread. */
async function readDocument(c: Context<ApiEnv>, deps: RouteDeps): Promise<UploadInput> {
  if ((c.req.header('content-type') ?? '').toLowerCase().startsWith('application/json')) {
    const { title, content } = await parseJsonBody(c, jsonDocument);
    return { bytes: new TextEncoder().encode(content), fileName: title, title, plainText: true };
  }
  return parseUpload(c, deps.knowledge.maxFileBytes);
}

/** Documents of a knowledge base (uploaded files or posted text), their chunks, and the search an article's prompt uses. */
export const knowledgeDocumentRoutes = (deps: RouteDeps) =>
  new Hono<ApiEnv>()
    .post('/:id/documents', async (c) => {
      const accountId = c.get('accountId');
      const knowledgeBaseId = parseIdParam(c);
      // The body's shape first (a 400 names the field, as on every route), then whether the base is there.
      const input = await readDocument(c, deps);
      await requireLiveBase(deps.db, accountId, knowledgeBaseId);
      try {
        return c.json(await addUploadedDocument(deps, accountId, knowledgeBaseId, input), 201);
      } catch (err) {
        if (err instanceof FileRefused) throw new AppError(err.refusal.status, err.refusal.code, err.refusal.message);
        throw err;
      }
    })
    .get('/:id/documents', async (c) => c.json({ items: await listKnowledgeDocuments(deps.db, c.get('accountId'), parseIdParam(c)) }))
    .get('/:id/documents/:documentId', async (c) => c.json(await getKnowledgeDocument(deps.db, c.get('accountId'), parseIdParam(c), docParam(c))))
    .delete('/:id/documents/:documentId', async (c) => {
      await deleteKnowledgeDocument(deps.db, c.get('accountId'), parseIdParam(c), docParam(c));
      return c.body(null, 204);
    })
    .get('/:id/search', async (c) => {
      const accountId = c.get('accountId');
      const knowledgeBaseId = parseIdParam(c);
      const { q, limit } = parseQuery(c, searchQuery);
      await requireLiveBase(deps.db, accountId, knowledgeBaseId);
      return c.json({ items: await searchKnowledge(deps.db, deps.embeddings, { accountId, knowledgeBaseId, query: q, limit }) });
    });

const REFUSALS = ['FILE_EMPTY', 'FILE_NOT_UTF8', 'FILE_NOT_TEXT', 'FILE_ENCRYPTED', 'FILE_NO_TEXT', 'FILE_UNREADABLE', 'UNSUPPORTED_FILE_TYPE', 'FILE_TOO_COMPLEX', 'FILE_REQUIRED'];

export const knowledgeDocumentOperations: ApiOperation[] = [
  {
    method: 'post',
    path: '/:id/documents',
    summary:
      'Add a document: a file (multipart/form-data, field `file`, optional `title`): Markdown, plain text (UTF-8), HTML, PDF or DOCX, its type read from its content; or JSON {title, content}. It is split into chunks and indexed.',
    upload: { json: jsonDocument },
    status: 201,
    response: documentRow,
    errors: { 400: REFUSALS, 404: ['NOT_FOUND'], 413: ['FILE_TOO_LARGE', 'FILE_UNPACKS_TOO_LARGE'] },
  },
  { method: 'get', path: '/:id/documents', summary: "The knowledge base's documents, newest first (without their text)", response: z.object({ items: z.array(documentRow) }), errors: { 404: ['NOT_FOUND'] } },
  { method: 'get', path: '/:id/documents/:documentId', summary: 'One document with its chunks in order', response: documentRow.extend({ chunks: z.array(chunkRow) }), errors: { 404: ['NOT_FOUND'] } },
  { method: 'delete', path: '/:id/documents/:documentId', summary: 'Delete a document and its chunks (articles keep the record of what they used)', status: 204, errors: { 404: ['NOT_FOUND'] } },
  {
    method: 'get',
    path: '/:id/search',
    summary: "The chunks an article's prompt would be given for a question, best first (any of its words or CJK bigrams, ranked by ts_rank)",
    query: searchQuery,
    response: z.object({ items: z.array(searchHit) }),
    errors: { 404: ['NOT_FOUND'] },
  },
];
