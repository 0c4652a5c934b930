import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { AppError } from '../../domain/errors.js';
import { createModel, deleteModel, getAccountModels, getModel, listModels, setAccountModels, updateModel } from '../../domain/models/index.js';
import { modelId } from '../../llm/models/model-config.js';
import type { RouteDeps } from '../../http/deps.js';
import { parseIdParam, parseJsonBody } from '../../http/validation.js';
import { accountModelsAnswer, accountModelsInput, modelAnswer, modelPatch, newModelInput } from '../../http/schemas/models.js';
import { requireOwnAccountOrOperator } from '../account-reach.js';
import type { ApiOperation } from '../operation.js';
import type { ApiEnv } from '../types.js';

const DEFAULT_MODEL_TIMEOUT_MS = 120_000;

function parseModelId(c: Context<ApiEnv>) {
  const value = c.req.param('modelId') ?? '';
  const parsed = modelId.safeParse(value);
  if (!parsed.success) throw new AppError(400, 'INVALID_ID', `Path parameter 'modelId' ${parsed.error.issues[0]!.message}, got '${value.slice(0, 80)}'.`, { modelId: value.slice(0, 80) });
  return parsed.data;
}

/**
 * The model registry, mounted at /api/models: every key sees which models exist (to name them in routes); operators add,
 * change and remove the models config does not own. Keys are taken, sealed, and never answered.
 */
export function modelRoutes({ db, codec, modelTimeoutMs = DEFAULT_MODEL_TIMEOUT_MS }: RouteDeps) {
  const o = { sealer: codec, defaultTimeoutMs: modelTimeoutMs };
  return new Hono<ApiEnv>()
    .get('/', async (c) => c.json({ models: await listModels(db) }))
    .post('/', async (c) => c.json(await createModel(db, await parseJsonBody(c, newModelInput), o), 201))
    .get('/:modelId', async (c) => c.json(await getModel(db, parseModelId(c))))
    .patch('/:modelId', async (c) => {
      const id = parseModelId(c);
      return c.json(await updateModel(db, id, await parseJsonBody(c, modelPatch), o));
    })
    .delete('/:modelId', async (c) => {
      await deleteModel(db, parseModelId(c));
      return c.body(null, 204);
    });
}

export const modelOperations: ApiOperation[] = [
  { method: 'get', path: '/', summary: 'The model registry: LLM_MODELS (or LLM_BASE_URL), the offline generator and the models operators added; never a key', response: z.object({ models: z.array(modelAnswer) }) },
  { method: 'post', path: '/', summary: 'Add a model (a key given in clear is sealed at rest and never shown back)', body: newModelInput, status: 201, scope: 'operator', response: modelAnswer, errors: { 409: ['MODEL_EXISTS'] } },
  { method: 'get', path: '/:modelId', summary: 'One model of the registry; never its key', response: modelAnswer },
  { method: 'patch', path: '/:modelId', summary: "Change a model operators added (config's models are changed in config)", body: modelPatch, scope: 'operator', response: modelAnswer, errors: { 409: ['MODEL_READ_ONLY'] } },
  { method: 'delete', path: '/:modelId', summary: "Remove a model operators added; its attempts keep its id", status: 204, scope: 'operator', errors: { 409: ['MODEL_READ_ONLY'] } },
];

/** An account's default model and allowed models, mounted at /api/admin/accounts: its admin reads them, operators set them. */
export function accountModelRoutes({ db }: RouteDeps) {
  return new Hono<ApiEnv>()
    .get('/:id/models', async (c) => {
      const accountId = parseIdParam(c);
      requireOwnAccountOrOperator(c, accountId, "another account's models");
      return c.json(await getAccountModels(db, accountId));
    })
    .put('/:id/models', async (c) => {
      const accountId = parseIdParam(c);
      return c.json(await setAccountModels(db, accountId, await parseJsonBody(c, accountModelsInput)));
    });
}

export const accountModelOperations: ApiOperation[] = [
  { method: 'get', path: '/:id/models', summary: "An account's default model and the models it may name (an admin key: its own account only)", scope: 'admin', response: accountModelsAnswer },
  { method: 'put', path: '/:id/models', summary: "Set an account's default model and the models it may name (null: the registry default / every model)", body: accountModelsInput, scope: 'operator', response: accountModelsAnswer, errors: { 400: ['MODEL_UNKNOWN', 'MODEL_NOT_ALLOWED'] } },
];
