import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { accounts } from '../../db/schema.js';
import { badRequest, notFound } from '../errors.js';
import { modelRowsById } from './model-rows.js';

export interface AccountModels {
  /** The model its articles use when a task and its template name none; null: the registry default. */
  defaultModelId: string | null;
  /** The models it may name; null: every model. */
  allowedModelIds: string[] | null;
}

const columns = { defaultModelId: accounts.defaultModelId, allowedModelIds: accounts.allowedModelIds };

export async function getAccountModels(db: DbOrTx, accountId: number): Promise<AccountModels> {
  const [row] = await db.select(columns).from(accounts).where(eq(accounts.id, accountId));
  if (!row) throw notFound('Account', accountId);
  return row;
}

/**
 * Sets an account's default model and allowed models (an admin's change): every id must be in the registry, and the
 * default among the allowed ones. Tasks created before keep their route.
 */
export async function setAccountModels(db: DbOrTx, accountId: number, next: AccountModels): Promise<AccountModels> {
  const ids = [...new Set([...(next.allowedModelIds ?? []), ...(next.defaultModelId ? [next.defaultModelId] : [])])];
  const known = await modelRowsById(db, ids);
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length > 0) throw badRequest('MODEL_UNKNOWN', `no model ${unknown.map((id) => `"${id}"`).join(', ')} in the registry`, { unknown });
  if (next.defaultModelId && next.allowedModelIds && !next.allowedModelIds.includes(next.defaultModelId)) {
    throw badRequest('MODEL_NOT_ALLOWED', `defaultModelId "${next.defaultModelId}" is not among allowedModelIds`, { field: 'defaultModelId', notAllowed: [next.defaultModelId], allowed: next.allowedModelIds });
  }
  const [row] = await db.update(accounts).set({ defaultModelId: next.defaultModelId, allowedModelIds: next.allowedModelIds }).where(eq(accounts.id, accountId)).returning(columns);
  if (!row) throw notFound('Account', accountId);
  return row;
}
