import { Hono } from 'hono';
import { z } from 'zod';
import {
  createDistillations,
  deleteDistillation,
  getDistillation,
  listDistillations,
  replaceTopics,
} from '../../domain/distillations/distillations.js';
import type { ApiDeps } from '../../http/deps.js';
import type { ApiEnv } from '../types.js';
import { pagination, parseIdParam, parseJsonBody, parseQuery } from '../../http/validation.js';
import type { ApiOperation } from '../operation.js';
import { count, id, nullableTimestamp, paged, timestamp } from '../../http/schemas/common.js';
import { distillationInput, importInput, topicsInput } from '../../domain/distillations/distillation-input.js';

const distillationRow = z.object({
  id,
  keyword: z.string(),
  usageCount: count.describe('Articles saved from it'),
  reservedCount: count.describe('Articles planned but not yet saved'),
  topicCount: count,
  createdAt: timestamp,
  updatedAt: timestamp,
  deletedAt: nullableTimestamp,
});
const distillation = distillationRow.extend({ topics: z.array(z.string()) });
const imported = z.object({ imported: count, ids: z.array(id) });

export function distillationRoutes({ db }: ApiDeps) {
  return new Hono<ApiEnv>()
    .post('/', async (c) => {
      const input = await parseJsonBody(c, distillationInput);
      const [id] = await createDistillations(db, c.get('accountId'), [input]);
      return c.json(await getDistillation(db, c.get('accountId'), id!), 201);
    })
    .post('/import', async (c) => {
      const { distillations } = await parseJsonBody(c, importInput);
      const ids = await createDistillations(db, c.get('accountId'), distillations);
      return c.json({ imported: ids.length, ids }, 201);
    })
    .get('/', async (c) => {
      const q = parseQuery(c, pagination);
      return c.json(await listDistillations(db, c.get('accountId'), q.page, q.pageSize));
    })
    .get('/:id', async (c) => c.json(await getDistillation(db, c.get('accountId'), parseIdParam(c))))
    .put('/:id/topics', async (c) => {
      const id = parseIdParam(c);
      const { topics } = await parseJsonBody(c, topicsInput);
      return c.json(await replaceTopics(db, c.get('accountId'), id, topics));
    })
    .delete('/:id', async (c) => {
      await deleteDistillation(db, c.get('accountId'), parseIdParam(c));
      return c.body(null, 204);
    });
}

export const distillationOperations: ApiOperation[] = [
  { method: 'post', path: '/', summary: 'Create a distillation (a keyword and its topics)', body: distillationInput, status: 201, response: distillation },
  { method: 'post', path: '/import', summary: 'Import up to 1000 distillations at once', body: importInput, status: 201, response: imported },
  {
    method: 'get',
    path: '/',
    summary: 'List distillations with their usage and reserved counts, and how many a task can use right now',
    query: pagination,
    response: paged('items', distillationRow).extend({
      selectable: count.describe('Distillations of the account a task can use right now: not deleted, with at least one topic (total also counts topic-less ones)'),
    }),
  },
  { method: 'get', path: '/:id', summary: 'One distillation with its topics and usage', response: distillation },
  { method: 'put', path: '/:id/topics', summary: "Replace a distillation's topics", body: topicsInput, response: distillation },
  { method: 'delete', path: '/:id', summary: 'Soft-delete a distillation (its usage history stays)', status: 204 },
];
