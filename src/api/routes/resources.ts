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
} from '../../domain/resources.js';
import type { Db } from '../../db/client.js';
import type { ApiDeps, ApiEnv } from '../types.js';
import { httpUrl } from '../schemas/input-rules.js';
import { pagination, parseIdParam, parseJsonBody, parseQuery } from '../validation.js';
import type { ApiOperation } from '../openapi.js';

const text = (field: string, max: number) =>
  z.string().trim().min(1, `${field} is required`).max(max, `${field} must be at most ${max} characters`);
const optionalText = (field: string, max: number) => text(field, max).nullish();

/** One resource kind's CRUD: create, list, get, soft delete; every route scoped by the account. */
function resourceRoutes<S extends z.ZodType>(
  kind: ResourceKind,
  schema: S,
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
  const operations: ApiOperation[] = [
    { method: 'post', path: '/', summary: `Create ${RESOURCE_NAMES[kind].one}`, body: schema, status: 201 },
    { method: 'get', path: '/', summary: `List the account's ${RESOURCE_NAMES[kind].many}, newest first`, query: pagination },
    { method: 'get', path: '/:id', summary: `One of the account's ${RESOURCE_NAMES[kind].many}` },
    { method: 'delete', path: '/:id', summary: `Soft-delete ${RESOURCE_NAMES[kind].one} (tasks that used it keep their articles)`, status: 204 },
  ];
  return Object.assign(routes, { operations });
}

const RESOURCE_NAMES: Record<ResourceKind, { one: string; many: string }> = {
  articleSetting: { one: 'an article setting', many: 'article settings' },
  knowledgeBase: { one: 'a knowledge base', many: 'knowledge bases' },
  album: { one: 'an album', many: 'albums' },
  conversionTarget: { one: 'a conversion target', many: 'conversion targets' },
};

export const articleSettingRoutes = resourceRoutes(
  'articleSetting',
  z.object({ name: text('name', 200), prompt: text('prompt', 20_000) }),
  createArticleSetting,
  getArticleSetting,
);

export const knowledgeBaseRoutes = resourceRoutes(
  'knowledgeBase',
  z.object({
    name: text('name', 200),
    documents: z.array(z.object({ title: text('title', 500), content: text('content', 200_000) })).max(200).default([]),
  }),
  createKnowledgeBase,
  getKnowledgeBase,
);

export const albumRoutes = resourceRoutes(
  'album',
  z.object({
    name: text('name', 200),
    images: z
      .array(z.object({ url: httpUrl('url'), description: optionalText('description', 500) }))
      .max(500)
      .default([]),
  }),
  createAlbum,
  getAlbum,
);

export const conversionTargetRoutes = resourceRoutes(
  'conversionTarget',
  z.object({
    companyName: text('companyName', 200),
    industry: optionalText('industry', 200),
    website: httpUrl('website').nullish(),
    address: optionalText('address', 500),
  }),
  createConversionTarget,
  getConversionTarget,
);
