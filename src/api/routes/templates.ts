import { Hono } from 'hono';
import { z } from 'zod';
import {
  copyTemplate,
  createTemplate,
  deleteTemplate,
  getDefaultTemplate,
  getTemplate,
  listTemplateRevisions,
  listTemplates,
  previewTemplate,
  reviseTemplate,
  setDefaultTemplate,
} from '../../domain/templates/index.js';
import { PLACEHOLDERS } from '../../llm/template.js';
import type { RouteDeps } from '../../http/deps.js';
import { idField } from '../../http/schemas/input-rules.js';
import { id, paged, timestamp } from '../../http/schemas/common.js';
import { pagination, parseIdParam, parseJsonBody, parseQuery } from '../../http/validation.js';
import type { ApiOperation } from '../operation.js';
import { modelRoute } from '../../http/schemas/model-route.js';
import type { ApiEnv } from '../types.js';

const name = z.string().trim().min(1, 'name is required').max(200, 'name must be at most 200 characters');
const placeholderHelp = `Placeholders: ${PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')}`;
const system = z.string().max(20_000, 'system must be at most 20000 characters').nullish().describe(`The system message; empty: the built-in one. ${placeholderHelp}`);
const user = z.string().trim().min(1, 'user is required').max(20_000, 'user must be at most 20000 characters').describe(`The user message's body, between the keyword and the task line. ${placeholderHelp}`);

const models = modelRoute('models').nullish().describe("The route of tasks using it that name none (registry ids, GET /api/models); null: the account's default model");
const createBody = z.object({ name, system, user, models });
const reviseBody = z
  .object({ name: name.optional(), system, user: user.optional(), models })
  .refine((b) => b.name !== undefined || b.system !== undefined || b.user !== undefined || b.models !== undefined, 'give at least one of name, system, user, models');
const copyBody = z.object({ name: name.optional() });
const defaultBody = z.object({ templateId: idField('templateId').nullable().describe('null: the built-in default prompt') });
const previewBody = z.object({
  distillationId: idField('distillationId'),
  knowledgeBaseId: idField('knowledgeBaseId').nullish(),
  conversionTargetId: idField('conversionTargetId').nullish(),
  albumId: idField('albumId').nullish(),
});
const listQuery = pagination.extend({
  preset: z
    .enum(['true', 'false'], { message: "preset must be 'true' or 'false'" })
    .transform((v) => v === 'true')
    .optional()
    .describe('true: the built-in presets only; false: the account\'s own only; absent: both'),
});

const summary = z.object({
  id,
  name: z.string(),
  preset: z.boolean().describe('A built-in preset: read by every account, copied to be edited'),
  presetKey: z.string().nullable(),
  revision: id.describe('The latest revision'),
  models: z.array(z.string()).nullable().describe("The route of tasks using it that name none; null: the account's default model"),
  isDefault: z.boolean().describe("The account's default template"),
  createdAt: timestamp,
  updatedAt: timestamp,
});
const detail = summary.extend({ system: z.string(), user: z.string() });
const revisions = z.object({ templateId: id, items: z.array(z.object({ revision: id, system: z.string(), user: z.string(), createdAt: timestamp })) });
const preview = z.object({
  templateId: id.nullable(),
  revision: id.nullable(),
  messages: z.array(z.object({ role: z.enum(['system', 'user', 'assistant']), content: z.string() })).describe('Exactly what the model is sent'),
});
const defaultAnswer = z.object({ templateId: id.nullable() });
const invalid = { 400: ['INVALID_TEMPLATE', 'MODEL_UNKNOWN', 'MODEL_NOT_ALLOWED'] };
const readOnly = { 403: ['PRESET_READ_ONLY'] };

/** Versioned prompt templates (src/domain/templates/): presets every account reads, the account's own, its default. */
export function templateRoutes({ db, knowledge, embeddings }: RouteDeps) {
  return new Hono<ApiEnv>()
    .get('/default', async (c) => c.json(await getDefaultTemplate(db, c.get('accountId'))))
    .put('/default', async (c) => c.json(await setDefaultTemplate(db, c.get('accountId'), (await parseJsonBody(c, defaultBody)).templateId)))
    .post('/', async (c) => c.json(await createTemplate(db, c.get('accountId'), await parseJsonBody(c, createBody)), 201))
    .get('/', async (c) => c.json(await listTemplates(db, c.get('accountId'), parseQuery(c, listQuery))))
    .get('/:id', async (c) => c.json(await getTemplate(db, c.get('accountId'), parseIdParam(c))))
    .put('/:id', async (c) => c.json(await reviseTemplate(db, c.get('accountId'), parseIdParam(c), await parseJsonBody(c, reviseBody))))
    .patch('/:id', async (c) => c.json(await reviseTemplate(db, c.get('accountId'), parseIdParam(c), await parseJsonBody(c, reviseBody))))
    .delete('/:id', async (c) => {
      await deleteTemplate(db, c.get('accountId'), parseIdParam(c));
      return c.body(null, 204);
    })
    .get('/:id/revisions', async (c) => c.json(await listTemplateRevisions(db, c.get('accountId'), parseIdParam(c))))
    .post('/:id/copy', async (c) => c.json(await copyTemplate(db, c.get('accountId'), parseIdParam(c), (await parseJsonBody(c, copyBody)).name), 201))
    .post('/:id/preview', async (c) => c.json(await previewTemplate(db, c.get('accountId'), parseIdParam(c), { ...(await parseJsonBody(c, previewBody)), retrieval: { budgetTokens: knowledge.promptTokenBudget, embeddings } })));
}

export const templateOperations: ApiOperation[] = [
  { method: 'get', path: '/default', summary: "The account's default template (what a task naming none uses); null: the built-in default prompt", response: defaultAnswer },
  { method: 'put', path: '/default', summary: "Set the account's default template", body: defaultBody, response: defaultAnswer, errors: { 404: ['NOT_FOUND'] } },
  { method: 'post', path: '/', summary: 'Create a prompt template (revision 1); placeholders are checked', body: createBody, status: 201, response: detail, errors: invalid },
  { method: 'get', path: '/', summary: "The account's templates (newest first), then the built-in presets", query: listQuery, response: paged('items', summary) },
  { method: 'get', path: '/:id', summary: 'A template with the text of its latest revision', response: detail },
  { method: 'put', path: '/:id', summary: 'Save a new revision (fields left out keep their text); presets are read-only', body: reviseBody, response: detail, errors: { ...invalid, ...readOnly } },
  { method: 'patch', path: '/:id', summary: 'Same as PUT: save a new revision', body: reviseBody, response: detail, errors: { ...invalid, ...readOnly } },
  { method: 'delete', path: '/:id', summary: 'Soft-delete a template (tasks pinned to it keep their revision)', status: 204, errors: readOnly },
  { method: 'get', path: '/:id/revisions', summary: 'Every revision of a template, newest first', response: revisions },
  { method: 'post', path: '/:id/copy', summary: "Copy a template (a preset or the account's own) into a new template of the account", body: copyBody, status: 201, response: detail },
  {
    method: 'post',
    path: '/:id/preview',
    summary: 'The exact messages an article of the distillation would be sent with this template, without calling the model',
    body: previewBody,
    response: preview,
    errors: { 400: ['INVALID_REFERENCE'] },
  },
];
