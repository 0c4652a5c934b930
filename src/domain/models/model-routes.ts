import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { accounts, generationTasks, promptTemplates } from '../../db/schema.js';
import { badRequest } from '../errors.js';
import { modelRowsById, specFromRow, type RegisteredModel } from './model-rows.js';

/** The models an account may name: null, every model. */
async function allowedModels(db: DbOrTx, accountId: number) {
  const [row] = await db.select({ allowed: accounts.allowedModelIds }).from(accounts).where(eq(accounts.id, accountId));
  return row?.allowed ?? null;
}

/**
 * A route (or a default model) an account names must be models that exist and that the account may use: 400
 * MODEL_UNKNOWN or MODEL_NOT_ALLOWED naming them, so nothing is written with a model the task could never use.
 */
export async function assertModelsUsable(db: DbOrTx, accountId: number, ids: readonly string[], field = 'models') {
  if (ids.length === 0) return;
  const known = await modelRowsById(db, ids);
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw badRequest('MODEL_UNKNOWN', `${field}: no model ${unknown.map((id) => `"${id}"`).join(', ')} in the registry (GET /api/models lists them)`, { field, unknown });
  }
  const allowed = await allowedModels(db, accountId);
  const notAllowed = allowed ? ids.filter((id) => !allowed.includes(id)) : [];
  if (notAllowed.length > 0) {
    throw badRequest('MODEL_NOT_ALLOWED', `${field}: this account may not use ${notAllowed.map((id) => `"${id}"`).join(', ')}; it may use ${allowed!.join(', ')}`, { field, notAllowed, allowed });
  }
}

/**
 * The route an article of the task is written on: the task's, else its template's, else the account's default model,
 * else the first model the account is allowed, else the registry default.
 */
export async function resolveArticleRoute(db: DbOrTx, taskId: number, registryDefault: string): Promise<string[]> {
  const [row] = await db
    .select({ task: generationTasks.modelRoute, template: promptTemplates.modelRoute, accountDefault: accounts.defaultModelId, allowed: accounts.allowedModelIds })
    .from(generationTasks)
    .innerJoin(accounts, eq(accounts.id, generationTasks.accountId))
    .leftJoin(promptTemplates, eq(promptTemplates.id, generationTasks.templateId))
    .where(eq(generationTasks.id, taskId));
  if (!row) return [registryDefault];
  if (row.task?.length) return row.task;
  if (row.template?.length) return row.template;
  if (row.accountDefault) return [row.accountDefault];
  if (row.allowed?.length && !row.allowed.includes(registryDefault)) return [row.allowed[0]!];
  return [registryDefault];
}

/** A distillation run's route: the account's default model, else as above. */
export async function resolveAccountRoute(db: DbOrTx, accountId: number, registryDefault: string): Promise<string[]> {
  const [row] = await db.select({ accountDefault: accounts.defaultModelId, allowed: accounts.allowedModelIds }).from(accounts).where(eq(accounts.id, accountId));
  if (row?.accountDefault) return [row.accountDefault];
  if (row?.allowed?.length && !row.allowed.includes(registryDefault)) return [row.allowed[0]!];
  return [registryDefault];
}

export class UnknownModelError extends Error {
  override readonly name = 'UnknownModelError';
}

/**
 * The specs of a route's ids from the table, where config's models are upserted at start; `builtIn` answers for ids the
 * table lacks (a process whose config was never synced, tests). An id in neither fails with UnknownModelError.
 */
export async function loadRoute(db: DbOrTx, ids: readonly string[], builtIn: readonly RegisteredModel[] = []): Promise<RegisteredModel[]> {
  const rows = await modelRowsById(db, ids);
  return ids.map((id) => {
    const row = rows.get(id);
    if (row) return specFromRow(row);
    const spec = builtIn.find((m) => m.id === id);
    if (spec) return spec;
    throw new UnknownModelError(`model "${id}" is not in the registry (it was removed after the task was created?)`);
  });
}
