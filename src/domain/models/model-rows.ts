import { and, asc, eq, inArray, notInArray, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client.js';
import { llmModels, type ModelSource } from '../../db/schema.js';
import type { ModelWithKey } from '../../llm/models/clients.js';
import type { ModelSpec } from '../../llm/models/spec.js';
import { conflict, notFound } from '../errors.js';

type ModelRow = typeof llmModels.$inferSelect;

/** A model as the router is handed it: its spec and, for a key kept in the table, the key sealed (opened only by the client factory). */
export type RegisteredModel = ModelWithKey;

export function specFromRow(r: ModelRow): RegisteredModel {
  return {
    id: r.id,
    displayName: r.displayName,
    baseUrl: r.baseUrl,
    model: r.model,
    apiKeyEnv: r.apiKeyEnv,
    promptPriceMicrosPerMillion: r.promptPriceMicros,
    completionPriceMicrosPerMillion: r.completionPriceMicros,
    currency: r.currency,
    contextWindow: r.contextWindow,
    maxConcurrency: r.maxConcurrency,
    requestsPerMinute: r.requestsPerMinute,
    tokensPerMinute: r.tokensPerMinute,
    timeoutMs: r.timeoutMs,
    streaming: r.streaming,
    sealedKey: r.apiKeySealed,
  };
}

export function rowFromSpec(s: ModelSpec) {
  return {
    id: s.id,
    displayName: s.displayName,
    baseUrl: s.baseUrl,
    model: s.model,
    apiKeyEnv: s.apiKeyEnv,
    promptPriceMicros: s.promptPriceMicrosPerMillion,
    completionPriceMicros: s.completionPriceMicrosPerMillion,
    currency: s.currency,
    contextWindow: s.contextWindow,
    maxConcurrency: s.maxConcurrency,
    requestsPerMinute: s.requestsPerMinute,
    tokensPerMinute: s.tokensPerMinute,
    timeoutMs: s.timeoutMs,
    streaming: s.streaming,
  };
}

/**
 * Writes config's models into the table (at every start of the API and the worker): new ones inserted, existing ones
 * rewritten as config says (an admin's model of the same id becomes config's), and config's models no longer listed
 * removed. Attempts and accounts name models by id, so a removed model's history stays.
 */
export async function syncConfiguredModels(db: Db, models: ModelSpec[]) {
  await db.transaction(async (tx) => {
    for (const m of models) {
      const row = { ...rowFromSpec(m), apiKeySealed: null, source: 'config' as const };
      await tx.insert(llmModels).values(row).onConflictDoUpdate({ target: llmModels.id, set: { ...row, updatedAt: sql`now()` } });
    }
    await tx.delete(llmModels).where(and(eq(llmModels.source, 'config'), notInArray(llmModels.id, models.map((m) => m.id))));
  });
}

/** What the API and the console show of a model: never its key, only whether it has one and where. */
export function modelView(r: ModelRow) {
  return {
    id: r.id,
    displayName: r.displayName,
    baseUrl: r.baseUrl,
    model: r.model,
    apiKeyEnv: r.apiKeyEnv,
    hasSealedKey: r.apiKeySealed !== null,
    promptPricePerMillion: r.promptPriceMicros / 1_000_000,
    completionPricePerMillion: r.completionPriceMicros / 1_000_000,
    currency: r.currency,
    contextWindow: r.contextWindow,
    maxConcurrency: r.maxConcurrency,
    requestsPerMinute: r.requestsPerMinute,
    tokensPerMinute: r.tokensPerMinute,
    timeoutMs: r.timeoutMs,
    streaming: r.streaming,
    source: r.source as ModelSource,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}
export type ModelView = ReturnType<typeof modelView>;

export async function listModels(db: DbOrTx) {
  return (await db.select().from(llmModels).orderBy(asc(llmModels.source), asc(llmModels.id))).map(modelView);
}

export async function findModelRow(db: DbOrTx, id: string) {
  const [row] = await db.select().from(llmModels).where(eq(llmModels.id, id));
  return row ?? null;
}

export async function getModel(db: DbOrTx, id: string) {
  const row = await findModelRow(db, id);
  if (!row) throw notFound('model', id);
  return modelView(row);
}

/** The models of these ids that exist, by id. */
export async function modelRowsById(db: DbOrTx, ids: readonly string[]) {
  if (ids.length === 0) return new Map<string, ModelRow>();
  const rows = await db.select().from(llmModels).where(inArray(llmModels.id, [...ids]));
  return new Map(rows.map((r) => [r.id, r]));
}

/** A model config owns is changed by changing config: 409 through the API. */
export function assertAdminModel(row: ModelRow) {
  if (row.source === 'config') {
    throw conflict('MODEL_READ_ONLY', `model ${row.id} comes from LLM_MODELS (or LLM_BASE_URL): change it there and restart`, { id: row.id });
  }
}
