import { z } from 'zod';
import { MODEL_SOURCES } from '../../db/schema.js';
import { modelFields } from '../../llm/models/model-config.js';
import { modelRoute } from './model-route.js';
import { timestamp } from './common.js';

const apiKey = z.string().min(1).max(4096).describe('The provider key, sealed at rest with the payload key ring and never shown back; or name a variable with apiKeyEnv');
const oneKey = (m: { apiKey?: string | null | undefined; apiKeyEnv?: string | null | undefined }) => !(m.apiKey && m.apiKeyEnv);
const ONE_KEY = { message: 'give apiKey or apiKeyEnv, not both', path: ['apiKey'] };

/** POST /api/models: a model of the registry, as LLM_MODELS takes it, with the key in clear (sealed at once) or by variable name. */
export const newModelInput = z.strictObject({ ...modelFields, apiKey: apiKey.optional() }).refine(oneKey, ONE_KEY);

/** Every field but the id, which names the model in the path. */
const changeable = Object.fromEntries(Object.entries(modelFields).filter(([k]) => k !== 'id')) as Omit<typeof modelFields, 'id'>;
/** PATCH /api/models/:modelId: the fields given change; `apiKey` or `apiKeyEnv` null removes the key. */
export const modelPatch = z
  .strictObject(changeable)
  .partial()
  .extend({ apiKeyEnv: modelFields.apiKeyEnv.unwrap().nullable().optional(), apiKey: apiKey.nullable().optional() })
  .refine(oneKey, ONE_KEY)
  .refine((p) => Object.keys(p).length > 0, 'give at least one field to change')
  .meta({ minProperties: 1 });

export const modelAnswer = z.object({
  id: z.string(),
  displayName: z.string(),
  baseUrl: z.string().nullable().describe('null: the offline generator'),
  model: z.string().describe('The provider model name sent in requests'),
  apiKeyEnv: z.string().nullable().describe('The environment variable the key is read from'),
  hasSealedKey: z.boolean().describe('A key is kept sealed in the table (never shown back)'),
  promptPricePerMillion: z.number(),
  completionPricePerMillion: z.number(),
  currency: z.string(),
  contextWindow: z.number().int().nullable(),
  maxConcurrency: z.number().int().nullable(),
  requestsPerMinute: z.number().int().nullable(),
  tokensPerMinute: z.number().int().nullable(),
  timeoutMs: z.number().int(),
  streaming: z.boolean(),
  source: z.enum(MODEL_SOURCES).describe('config: LLM_MODELS or LLM_BASE_URL, read-only here; admin: created through the API or the console'),
  createdAt: timestamp,
  updatedAt: timestamp,
});

/** PUT /api/admin/accounts/:id/models: which models an account may name and which it uses by default. */
export const accountModelsInput = z.strictObject({
  defaultModelId: modelFields.id.nullable().describe("The model its articles use when a task and its template name none; null: the registry default"),
  allowedModelIds: modelRoute('allowedModelIds').nullable().describe('The models it may name; null: every model'),
});
export const accountModelsAnswer = z.object({ defaultModelId: z.string().nullable(), allowedModelIds: z.array(z.string()).nullable() });
