import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { llmModels } from '../../db/schema.js';
import { specFromEntry, type ModelEntry } from '../../llm/models/model-config.js';
import { OFFLINE_MODEL_ID } from '../../llm/models/spec.js';
import { conflict, notFound } from '../errors.js';
import type { SecretSealer } from '../webhooks/index.js';
import { assertAdminModel, findModelRow, modelView, rowFromSpec } from './model-rows.js';

/** A model as an admin gives it: the registry's fields, and the key either as a variable's name or in clear (`apiKey`, sealed at once). */
export type NewModel = ModelEntry & { apiKey?: string | undefined };
export type ModelChange = Partial<Omit<NewModel, 'id' | 'apiKeyEnv' | 'apiKey'>> & { apiKey?: string | null | undefined; apiKeyEnv?: string | null | undefined };

const keyColumns = (input: { apiKey?: string | null | undefined; apiKeyEnv?: string | null | undefined }, sealer: SecretSealer) => {
  if (input.apiKey) return { apiKeySealed: sealer.sealText(input.apiKey), apiKeyEnv: null };
  if (input.apiKeyEnv) return { apiKeyEnv: input.apiKeyEnv, apiKeySealed: null };
  if (input.apiKey === null || input.apiKeyEnv === null) return { apiKeyEnv: null, apiKeySealed: null };
  return {};
};

export async function createModel(db: Db, input: NewModel, o: { sealer: SecretSealer; defaultTimeoutMs: number }) {
  if (input.id === OFFLINE_MODEL_ID) throw conflict('MODEL_EXISTS', `model ${input.id} is the built-in offline generator`, { id: input.id });
  const spec = specFromEntry(input, o.defaultTimeoutMs);
  const [row] = await db
    .insert(llmModels)
    .values({ ...rowFromSpec(spec), ...keyColumns(input, o.sealer), source: 'admin' })
    .onConflictDoNothing({ target: llmModels.id })
    .returning();
  if (!row) throw conflict('MODEL_EXISTS', `model ${input.id} exists already: change it with PATCH /api/models/${input.id}`, { id: input.id });
  return modelView(row);
}

/** Changes an admin's model: the fields given, the rest kept; a key given replaces the old one, `apiKey: null` removes it. */
export async function updateModel(db: Db, id: string, change: ModelChange, o: { sealer: SecretSealer; defaultTimeoutMs: number }) {
  return db.transaction(async (tx) => {
    const [current] = await tx.select().from(llmModels).where(eq(llmModels.id, id)).for('update');
    if (!current) throw notFound('model', id);
    assertAdminModel(current);
    const merged = specFromEntry(
      {
        id,
        displayName: change.displayName ?? current.displayName,
        baseUrl: change.baseUrl ?? current.baseUrl!,
        model: change.model ?? current.model,
        promptPricePerMillion: change.promptPricePerMillion ?? current.promptPriceMicros / 1_000_000,
        completionPricePerMillion: change.completionPricePerMillion ?? current.completionPriceMicros / 1_000_000,
        currency: change.currency ?? current.currency,
        contextWindow: change.contextWindow ?? current.contextWindow ?? undefined,
        maxConcurrency: change.maxConcurrency ?? current.maxConcurrency ?? undefined,
        requestsPerMinute: change.requestsPerMinute ?? current.requestsPerMinute ?? undefined,
        tokensPerMinute: change.tokensPerMinute ?? current.tokensPerMinute ?? undefined,
        timeoutMs: change.timeoutMs ?? current.timeoutMs,
        streaming: change.streaming ?? current.streaming,
      },
      o.defaultTimeoutMs,
    );
    // The key columns change only as keyColumns says: the merged spec carries no key.
    const fields: Partial<ReturnType<typeof rowFromSpec>> = rowFromSpec(merged);
    delete fields.apiKeyEnv;
    const [row] = await tx
      .update(llmModels)
      .set({ ...fields, ...keyColumns(change, o.sealer), updatedAt: sql`now()` })
      .where(eq(llmModels.id, id))
      .returning();
    return modelView(row!);
  });
}

/** Removes an admin's model; tasks that name it fail their articles with MODEL_UNKNOWN, attempts keep its id. */
export async function deleteModel(db: Db, id: string) {
  const current = await findModelRow(db, id);
  if (!current) throw notFound('model', id);
  assertAdminModel(current);
  await db.delete(llmModels).where(eq(llmModels.id, id));
  return modelView(current);
}
