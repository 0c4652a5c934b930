import { and, asc, count, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { distillations, generationTasks, taskItems } from '../../db/schema.js';
import { AppError, badRequest } from '../errors.js';
import { missingResourceIds, type ResourceKind } from '../ingredients/index.js';
import { assertModelsUsable } from '../models/index.js';
import { resolveTaskTemplate } from '../templates/index.js';
import { taskWorkflowId } from './workflow-id.js';
import { ADVISORY_LOCK } from '../../db/advisory-locks.js';

export const MAX_ARTICLES_PER_TASK = 100;

export interface TaskRequest {
  articleCount: number;
  articleSettingId?: number | null;
  /** The prompt template; absent: the account's default (unless an article setting is named). */
  templateId?: number | null;
  knowledgeBaseId?: number | null;
  albumId?: number | null;
  conversionTargetId?: number | null;
  priority?: number;
  concurrency?: number;
  autoApprove?: boolean;
  maxRetries?: number;
  /** Time limit from submission; the task ends as timeout when it passes. */
  timeoutSeconds?: number;
  /** The route its articles are written on (registry ids, in order); absent: its template's, else the account's default model. */
  models?: string[] | null;
}

const ADVISORY_SELECTION_CLASS = ADVISORY_LOCK.selection;

/** Serializes the account's selections until the transaction ends (DESIGN.md section 4, step 1). */
export async function lockAccountSelection(tx: DbOrTx, accountId: number) {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(${ADVISORY_SELECTION_CLASS}, ${accountId})`);
}

/** The distillations a task may pick: the account's, not deleted, with at least one topic. */
const selectable = (accountId: number) => and(eq(distillations.accountId, accountId), isNull(distillations.deletedAt), gt(distillations.topicCount, 0));

/** How many articles a task could ask for right now (before reservations by tasks created meanwhile). */
export async function countSelectableDistillations(db: DbOrTx, accountId: number) {
  const [row] = await db.select({ n: count() }).from(distillations).where(selectable(accountId));
  return row?.n ?? 0;
}

/**
 * How many articles a task could ask for now, and the seed's refusal when `requested` is more than that:
 * what the console shows as the article count is typed, before the create would say the same.
 */
export async function checkArticleCount(db: DbOrTx, accountId: number, requested: number | undefined) {
  const available = await countSelectableDistillations(db, accountId);
  const refusal = requested !== undefined && requested > available ? insufficientDistillations(available, requested).message : null;
  return { available, refusal };
}

/**
 * The N distillations with the least effective usage (usage_count + reserved_count), then the oldest,
 * then the lowest id; deleted ones and ones without topics are never picked. With no task in flight the
 * order is exactly the seed's `usage_count ASC, created_at ASC`. Served by distillations_selection_idx.
 */
export async function selectLeastUsedDistillations(tx: DbOrTx, accountId: number, count: number) {
  const rows = await tx
    .select({ id: distillations.id })
    .from(distillations)
    .where(selectable(accountId))
    .orderBy(sql`(${distillations.usageCount} + ${distillations.reservedCount})`, asc(distillations.createdAt), asc(distillations.id))
    .limit(count);
  return rows.map((r) => r.id);
}

export function insufficientDistillations(available: number, requested: number) {
  return new AppError(
    400,
    'INSUFFICIENT_DISTILLATIONS',
    `Not enough distillations: only ${available} available, but ${requested} articles were requested. ` +
      `Request fewer articles or add distillations with topics. ` +
      `(可用蒸馏结果不足，当前只有${available}个可用，但请求生成${requested}篇文章)`,
    { available, requested },
  );
}

/** The ingredient ids a task request names must exist for the account: 400 INVALID_REFERENCE naming them. */
export async function assertReferencesExist(tx: DbOrTx, accountId: number, req: Omit<TaskRequest, 'articleCount'>) {
  const refs: [ResourceKind, string, number | null | undefined][] = [
    ['articleSetting', 'articleSettingId', req.articleSettingId],
    ['knowledgeBase', 'knowledgeBaseId', req.knowledgeBaseId],
    ['album', 'albumId', req.albumId],
    ['conversionTarget', 'conversionTargetId', req.conversionTargetId],
  ];
  const bad: Record<string, number[]> = {};
  for (const [kind, field, id] of refs) {
    if (id == null) continue;
    const missing = await missingResourceIds(tx, kind, accountId, [id]);
    if (missing.length > 0) bad[field] = missing;
  }
  if (req.models?.length) await assertModelsUsable(tx, accountId, req.models);
  const fields = Object.keys(bad);
  if (fields.length > 0) {
    const list = fields.map((f) => `${f} [${bad[f]!.join(', ')}]`).join(', ');
    throw badRequest('INVALID_REFERENCE', `Referenced ids do not exist: ${list}. Create them first or leave the field out.`, {
      invalid: bad,
    });
  }
}

/**
 * Creates a task in one transaction (DESIGN.md section 4): serialize the account's selections, pick the
 * least-used distillations, reserve them, insert the task and one reserved item per article.
 * The caller starts the workflow after the commit. Inside a caller's transaction it runs as a savepoint.
 */
export async function createTaskWithReservations(db: DbOrTx, accountId: number, req: TaskRequest) {
  return db.transaction(async (tx) => {
    await assertReferencesExist(tx, accountId, req);
    const template = await resolveTaskTemplate(tx, accountId, req);
    await lockAccountSelection(tx, accountId);
    const ids = await selectLeastUsedDistillations(tx, accountId, req.articleCount);
    if (ids.length < req.articleCount) throw insufficientDistillations(ids.length, req.articleCount);

    await tx
      .update(distillations)
      .set({ reservedCount: sql`${distillations.reservedCount} + 1`, updatedAt: sql`now()` })
      .where(inArray(distillations.id, ids));
    const [task] = await tx
      .insert(generationTasks)
      .values({
        accountId,
        selectedDistillationIds: ids,
        articleSettingId: req.articleSettingId ?? null,
        ...template,
        knowledgeBaseId: req.knowledgeBaseId ?? null,
        albumId: req.albumId ?? null,
        conversionTargetId: req.conversionTargetId ?? null,
        requestedCount: req.articleCount,
        priority: req.priority ?? 5,
        concurrency: req.concurrency ?? 5,
        autoApprove: req.autoApprove ?? true,
        maxRetries: req.maxRetries ?? 3,
        timeoutSeconds: req.timeoutSeconds ?? null,
        modelRoute: req.models?.length ? req.models : null,
        timeoutAt: req.timeoutSeconds ? sql`now() + make_interval(secs => ${req.timeoutSeconds})` : null,
      })
      .returning();
    const workflowId = taskWorkflowId(task!.id);
    await tx.update(generationTasks).set({ workflowId }).where(eq(generationTasks.id, task!.id));
    await tx.insert(taskItems).values(ids.map((distillationId, position) => ({ taskId: task!.id, position, distillationId })));
    return { ...task!, workflowId, selectedDistillationIds: ids };
  });
}
