import { and, asc, count, desc, eq, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client.js';
import { accounts, promptTemplateRevisions, promptTemplates } from '../../db/schema.js';
import { checkTemplate, type TemplateText } from '../../llm/template.js';
import { AppError, badRequest, notFound } from '../errors.js';
import { ensurePresetTemplates } from './presets.js';
import { assertModelsUsable } from '../models/index.js';

export interface TemplateInput {
  name: string;
  system?: string | null;
  user: string;
  /** The route of tasks using it that name none (registry ids); null or absent: the account's default model. */
  models?: string[] | null;
}

/** Refuses a template whose text has an unknown placeholder or unpaired braces: 400 naming each with its line and column. */
export function assertValidTemplate(t: TemplateText) {
  const problems = checkTemplate(t);
  if (problems.length === 0) return;
  throw badRequest('INVALID_TEMPLATE', `The template cannot be saved: ${problems.map((p) => p.message).join('; ')}`, { problems });
}

/** Rows the account may read: its own live templates and the presets. */
const visible = (accountId: number) => and(isNull(promptTemplates.deletedAt), or(eq(promptTemplates.accountId, accountId), isNull(promptTemplates.accountId)));

const summaryColumns = {
  id: promptTemplates.id,
  name: promptTemplates.name,
  presetKey: promptTemplates.presetKey,
  revision: promptTemplates.revision,
  models: promptTemplates.modelRoute,
  createdAt: promptTemplates.createdAt,
  updatedAt: promptTemplates.updatedAt,
};

async function defaultTemplateId(db: DbOrTx, accountId: number) {
  const [row] = await db.select({ id: accounts.defaultTemplateId }).from(accounts).where(eq(accounts.id, accountId));
  return row?.id ?? null;
}

type SummaryRow = { id: number; presetKey: string | null };
const summary = <T extends SummaryRow>(row: T, defaultId: number | null) => ({ ...row, preset: row.presetKey !== null, isDefault: row.id === defaultId });

/** One page of the account's templates and the presets (`preset` true: presets only; false: own only), own first, newest first. */
export async function listTemplates(db: Db, accountId: number, opts: { page: number; pageSize: number; preset?: boolean | undefined }) {
  await ensurePresetTemplates(db);
  const filters: SQL[] = [visible(accountId)!];
  if (opts.preset === true) filters.push(isNull(promptTemplates.accountId));
  if (opts.preset === false) filters.push(eq(promptTemplates.accountId, accountId));
  const where = and(...filters);
  const [rows, [total], defaultId] = await Promise.all([
    db
      .select(summaryColumns)
      .from(promptTemplates)
      .where(where)
      .orderBy(sql`${promptTemplates.accountId} IS NULL`, desc(sql`CASE WHEN ${promptTemplates.accountId} IS NULL THEN 0 ELSE ${promptTemplates.id} END`), asc(promptTemplates.id))
      .limit(opts.pageSize)
      .offset((opts.page - 1) * opts.pageSize),
    db.select({ n: count() }).from(promptTemplates).where(where),
    defaultTemplateId(db, accountId),
  ]);
  return { items: rows.map((r) => summary(r, defaultId)), page: opts.page, pageSize: opts.pageSize, total: total?.n ?? 0 };
}

/** A template the account may read, with the text of its latest revision; 404 for another account's or a deleted one. */
export async function getTemplate(db: Db, accountId: number, id: number) {
  await ensurePresetTemplates(db);
  const [row] = await db
    .select({ ...summaryColumns, system: promptTemplateRevisions.system, user: promptTemplateRevisions.user })
    .from(promptTemplates)
    .innerJoin(promptTemplateRevisions, and(eq(promptTemplateRevisions.templateId, promptTemplates.id), eq(promptTemplateRevisions.revision, promptTemplates.revision)))
    .where(and(visible(accountId), eq(promptTemplates.id, id)));
  if (!row) throw notFound('template', id);
  return summary(row, await defaultTemplateId(db, accountId));
}

export async function createTemplate(db: Db, accountId: number, input: TemplateInput) {
  const text = { system: input.system ?? '', user: input.user };
  assertValidTemplate(text);
  if (input.models?.length) await assertModelsUsable(db, accountId, input.models);
  const id = await db.transaction(async (tx) => {
    const [t] = await tx
      .insert(promptTemplates)
      .values({ accountId, name: input.name, revision: 1, modelRoute: input.models?.length ? input.models : null })
      .returning({ id: promptTemplates.id });
    await tx.insert(promptTemplateRevisions).values({ templateId: t!.id, revision: 1, ...text });
    return t!.id;
  });
  return getTemplate(db, accountId, id);
}

const presetReadOnly = (id: number) =>
  new AppError(403, 'PRESET_READ_ONLY', `Template ${id} is a built-in preset and cannot be changed; copy it (POST /api/templates/${id}/copy) and edit the copy.`, { id });

/** Locks the account's own live template for a change; a preset: 403 PRESET_READ_ONLY; missing: 404. */
async function lockOwnTemplate(tx: DbOrTx, accountId: number, id: number) {
  const [row] = await tx
    .select({ accountId: promptTemplates.accountId, revision: promptTemplates.revision, name: promptTemplates.name })
    .from(promptTemplates)
    .where(and(visible(accountId), eq(promptTemplates.id, id)))
    .for('update');
  if (!row) throw notFound('template', id);
  if (row.accountId === null) throw presetReadOnly(id);
  return row;
}

/** Saves a new revision (the earlier ones stay); fields left out keep the latest revision's value. */
export async function reviseTemplate(db: Db, accountId: number, id: number, input: Partial<TemplateInput>) {
  await db.transaction(async (tx) => {
    const row = await lockOwnTemplate(tx, accountId, id);
    const [latest] = await tx
      .select({ system: promptTemplateRevisions.system, user: promptTemplateRevisions.user })
      .from(promptTemplateRevisions)
      .where(and(eq(promptTemplateRevisions.templateId, id), eq(promptTemplateRevisions.revision, row.revision)));
    const text = { system: input.system === undefined ? latest!.system : (input.system ?? ''), user: input.user ?? latest!.user };
    assertValidTemplate(text);
    if (input.models?.length) await assertModelsUsable(tx, accountId, input.models);
    const revision = row.revision + 1;
    await tx.insert(promptTemplateRevisions).values({ templateId: id, revision, ...text });
    await tx
      .update(promptTemplates)
      .set({ revision, name: input.name ?? row.name, ...(input.models !== undefined ? { modelRoute: input.models?.length ? input.models : null } : {}), updatedAt: sql`now()` })
      .where(eq(promptTemplates.id, id));
  });
  return getTemplate(db, accountId, id);
}

/** Soft delete: tasks pinned to it keep writing with their revision; it leaves the lists and the account's default. */
export async function deleteTemplate(db: Db, accountId: number, id: number) {
  await db.transaction(async (tx) => {
    await lockOwnTemplate(tx, accountId, id);
    await tx.update(promptTemplates).set({ deletedAt: sql`now()` }).where(eq(promptTemplates.id, id));
    await tx.update(accounts).set({ defaultTemplateId: null }).where(and(eq(accounts.id, accountId), eq(accounts.defaultTemplateId, id)));
  });
}

/** Every revision of a template the account may read, newest first. */
export async function listTemplateRevisions(db: Db, accountId: number, id: number) {
  await getTemplate(db, accountId, id);
  const items = await db
    .select({ revision: promptTemplateRevisions.revision, system: promptTemplateRevisions.system, user: promptTemplateRevisions.user, createdAt: promptTemplateRevisions.createdAt })
    .from(promptTemplateRevisions)
    .where(eq(promptTemplateRevisions.templateId, id))
    .orderBy(desc(promptTemplateRevisions.revision));
  return { templateId: id, items };
}

/** A new template of the account's own with the latest text of `id` (a preset or its own). */
export async function copyTemplate(db: Db, accountId: number, id: number, name?: string) {
  const source = await getTemplate(db, accountId, id);
  return createTemplate(db, accountId, { name: name ?? `${source.name} (copy)`, system: source.system, user: source.user, models: source.models });
}

/** The account's default template (used when a task names none); null: the built-in default prompt. */
export async function getDefaultTemplate(db: Db, accountId: number) {
  return { templateId: await defaultTemplateId(db, accountId) };
}

export async function setDefaultTemplate(db: Db, accountId: number, templateId: number | null) {
  if (templateId !== null) await getTemplate(db, accountId, templateId);
  await db.update(accounts).set({ defaultTemplateId: templateId }).where(eq(accounts.id, accountId));
  return { templateId };
}

/**
 * The template and revision a new task pins: the one it names (visible to the account, else 400
 * INVALID_REFERENCE), else the account's default when the task names no article setting either.
 * null: the built-in default prompt (or the article setting).
 */
export async function resolveTaskTemplate(db: DbOrTx, accountId: number, req: { templateId?: number | null; articleSettingId?: number | null }) {
  if (req.templateId != null && req.articleSettingId != null) {
    throw badRequest('TEMPLATE_AND_ARTICLE_SETTING', 'Name either templateId or the deprecated articleSettingId, not both.', { fields: ['templateId', 'articleSettingId'] });
  }
  const named = req.templateId ?? null;
  const id = named ?? (req.articleSettingId == null ? await defaultTemplateId(db, accountId) : null);
  if (id === null) return { templateId: null, templateRevision: null };
  const [row] = await db.select({ revision: promptTemplates.revision }).from(promptTemplates).where(and(visible(accountId), eq(promptTemplates.id, id)));
  if (row) return { templateId: id, templateRevision: row.revision };
  if (named === null) return { templateId: null, templateRevision: null };
  throw badRequest('INVALID_REFERENCE', `Referenced ids do not exist: templateId [${id}]. Create it first or leave the field out.`, { invalid: { templateId: [id] } });
}
