import { Hono } from 'hono';
import { z } from 'zod';
import {
  createAlbum,
  createArticleSetting,
  createConversionTarget,
  createKnowledgeBase,
  deleteResource,
  getAlbum,
  getArticleSetting,
  getConversionTarget,
  getKnowledgeBase,
  listResources,
  type ResourceKind,
} from '../../domain/ingredients/index.js';
import type { Db } from '../../db/client.js';
import type { ApiDeps } from '../../http/deps.js';
import type { ApiEnv } from '../types.js';
import { albumInput, articleSettingInput, conversionTargetInput, knowledgeBaseInput } from '../../http/schemas/ingredient-request.js';
import { pagination, parseIdParam, parseJsonBody, parseQuery } from '../../http/validation.js';
import type { ApiOperation } from '../operation.js';
import { count, id, nullableTimestamp, paged, timestamp } from '../../http/schemas/common.js';


/** What every resource row answers besides its own fields. */
const rowOf = <T extends z.ZodRawShape>(shape: T) => z.object({ id, accountId: id, ...shape, createdAt: timestamp, deletedAt: nullableTimestamp });

/**
 * One resource kind's CRUD: create, list, get, soft delete; every route scoped by the account.
 * `views`: the response schemas of a listed row and of one resource (with its documents or images).
 */
function resourceRoutes<S extends z.ZodType>(
  kind: ResourceKind,
  schema: S,
  views: { row: z.ZodType; detail: z.ZodType },
  create: (db: Db, accountId: number, input: z.infer<S>) => Promise<unknown>,
  get: (db: Db, accountId: number, id: number) => Promise<unknown>,
) {
  const routes = ({ db }: ApiDeps) =>
    new Hono<ApiEnv>()
      .post('/', async (c) => c.json(await create(db, c.get('accountId'), await parseJsonBody(c, schema)), 201))
      .get('/', async (c) => c.json(await listResources(db, kind, c.get('accountId'), parseQuery(c, pagination))))
      .get('/:id', async (c) => c.json(await get(db, c.get('accountId'), parseIdParam(c))))
      .delete('/:id', async (c) => {
        await deleteResource(db, kind, c.get('accountId'), parseIdParam(c));
        return c.body(null, 204);
      });
  const deprecated = kind === 'articleSetting' ? { deprecated: true, summarySuffix: ' (deprecated: use /api/templates; docs/api.md "Prompt templates")' } : { deprecated: false, summarySuffix: '' };
  const operations: ApiOperation[] = ([
    { method: 'post', path: '/', summary: `Create ${RESOURCE_NAMES[kind].one}`, body: schema, status: 201, response: views.detail },
    { method: 'get', path: '/', summary: `List the account's ${RESOURCE_NAMES[kind].many}, newest first`, query: pagination, response: paged('items', views.row) },
    { method: 'get', path: '/:id', summary: `One of the account's ${RESOURCE_NAMES[kind].many}`, response: views.detail },
    { method: 'delete', path: '/:id', summary: `Soft-delete ${RESOURCE_NAMES[kind].one} (tasks that used it keep their articles)`, status: 204 },
  ] as ApiOperation[]).map((op) => (deprecated.deprecated ? { ...op, summary: op.summary + deprecated.summarySuffix, deprecated: true } : op));
  return Object.assign(routes, { operations });
}

const RESOURCE_NAMES: Record<ResourceKind, { one: string; many: string }> = {
  articleSetting: { one: 'an article setting', many: 'article settings' },
  knowledgeBase: { one: 'a knowledge base', many: 'knowledge bases' },
  album: { one: 'an album', many: 'albums' },
  conversionTarget: { one: 'a conversion target', many: 'conversion targets' },
};

const articleSettingRow = rowOf({ name: z.string(), prompt: z.string() });
export const conversionTargetRow = rowOf({ companyName: z.string(), industry: z.string().nullable(), website: z.string().nullable(), address: z.string().nullable() });

export const articleSettingRoutes = resourceRoutes(
  'articleSetting',
  articleSettingInput,
  { row: articleSettingRow, detail: articleSettingRow },
  createArticleSetting,
  getArticleSetting,
);

export const knowledgeBaseRoutes = resourceRoutes(
  'knowledgeBase',
  knowledgeBaseInput,
  {
    row: rowOf({ name: z.string() }),
    detail: rowOf({ name: z.string(), documents: z.array(z.object({ id, title: z.string(), content: z.string() })) }),
  },
  createKnowledgeBase,
  getKnowledgeBase,
);

export const albumDetail = rowOf({
  name: z.string(),
  images: z.array(z.object({ id, url: z.string(), description: z.string().nullable(), usageCount: count.describe('Articles that used the image') })),
});

export const albumRoutes = resourceRoutes(
  'album',
  albumInput,
  { row: rowOf({ name: z.string() }), detail: albumDetail },
  createAlbum,
  getAlbum,
);

export const conversionTargetRoutes = resourceRoutes(
  'conversionTarget',
  conversionTargetInput,
  { row: conversionTargetRow, detail: conversionTargetRow },
  createConversionTarget,
  getConversionTarget,
);
