import { Hono } from 'hono';
import { getArticle, listArticles } from '../../domain/task-queries.js';
import type { ApiDeps, ApiEnv } from '../types.js';
import { idQueryField } from '../schemas/input-rules.js';
import { pagination, parseIdParam, parseQuery } from '../validation.js';
import type { ApiOperation } from '../openapi.js';

const listQuery = pagination.extend({ taskId: idQueryField('taskId').optional() });

export function articleRoutes({ db }: ApiDeps) {
  return new Hono<ApiEnv>()
    .get('/', async (c) => c.json(await listArticles(db, c.get('accountId'), parseQuery(c, listQuery))))
    .get('/:id', async (c) => c.json(await getArticle(db, c.get('accountId'), parseIdParam(c))));
}

export const articleOperations: ApiOperation[] = [
  { method: 'get', path: '/', summary: 'List articles, optionally of one task', query: listQuery },
  { method: 'get', path: '/:id', summary: 'One article with its content, tokens and duration' },
];
