import { sql } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../db/client.js';
import type { AccountLimits } from './account-limits.js';
import { AppError } from '../errors.js';
import { rateLimitRefusals } from '../../infra/metrics/registry.js';
import { refuseOverBudget, type BudgetDefaults } from '../costs/index.js';
import { createTaskWithReservations, lockAccountSelection, type TaskRequest } from '../tasks/selection.js';
import { ADVISORY_LOCK } from '../../db/advisory-locks.js';

const DEFAULT_PRIORITY = 5;
const ADVISORY_ADMISSION_CLASS = ADVISORY_LOCK.admission;

/** A pending task may not start yet: its account runs its quota of tasks, or an older task waits first. */
export class AdmissionDeferred extends Error {
  override readonly name = 'AdmissionDeferred';
}

/**
 * Articles the account has used today (UTC): saved today plus reserved now by unfinished tasks. A
 * failed or released article gives its share back.
 */
export async function articlesUsedToday(db: DbOrTx, accountId: number) {
  const [row] = await db.execute<{ used: number; resets_at: string }>(sql`
    WITH day AS (SELECT date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS start)
    SELECT
      (SELECT count(*) FROM articles a, day WHERE a.account_id = ${accountId} AND a.created_at >= day.start)::int
      + (SELECT count(*) FROM task_items i JOIN generation_tasks t ON t.id = i.task_id
         WHERE t.account_id = ${accountId} AND t.status IN ('pending', 'running', 'paused') AND i.state = 'reserved')::int AS used,
      (SELECT start + interval '1 day' FROM day) AS resets_at`);
  return { used: row!.used, resetsAt: new Date(row!.resets_at) };
}

/**
 * Creates a task within the account's quotas, in one transaction with the selection: the articles of
 * the day (a task asking more than is left is refused with 429 QUOTA_EXCEEDED) and the highest
 * priority (a higher one is capped, and `priorityCapped` says so); with `budget`, an account whose budget is
 * reached is refused with 429 BUDGET_EXCEEDED.
 */
export async function createTaskWithinQuota(db: DbOrTx, accountId: number, req: TaskRequest, limits: AccountLimits, budget?: BudgetDefaults) {
  return db.transaction(async (tx) => {
    // The selection's lock: concurrent creations of the account see each other's reservations.
    await lockAccountSelection(tx, accountId);
    if (budget) await refuseOverBudget(tx, accountId, budget, 'tasks');
    if (limits.maxArticlesPerDay !== null) {
      const { used, resetsAt } = await articlesUsedToday(tx, accountId);
      const remaining = Math.max(0, limits.maxArticlesPerDay - used);
      if (req.articleCount > remaining) {
        rateLimitRefusals.inc({ code: 'QUOTA_EXCEEDED' });
        throw new AppError(
          429,
          'QUOTA_EXCEEDED',
          `This account may write ${limits.maxArticlesPerDay} articles per day (UTC); ${remaining} are left today, but ${req.articleCount} were requested. ` +
            `Request at most ${remaining}, or wait until ${resetsAt.toISOString()}.`,
          { quota: 'articlesPerDay', limit: limits.maxArticlesPerDay, used, remaining, requested: req.articleCount, resetsAt: resetsAt.toISOString() },
        );
      }
    }
    const requested = req.priority ?? DEFAULT_PRIORITY;
    const applied = Math.min(requested, limits.maxPriority);
    const task = await createTaskWithReservations(tx, accountId, { ...req, priority: applied });
    return { task, priorityCapped: applied < requested ? { requested, applied } : undefined };
  });
}

/**
 * Admits a pending task to run (inside its start's transaction): only when the account runs fewer
 * than `maxRunning` tasks and no older task of the account is still pending, so waiting tasks start
 * in the order they were created. Otherwise throws AdmissionDeferred and the caller tries again.
 */
export async function admitTask(tx: Tx, task: { id: number; accountId: number }, maxRunning: number | null) {
  if (maxRunning === null) return;
  await tx.execute(sql`SELECT pg_advisory_xact_lock(${ADVISORY_ADMISSION_CLASS}, ${task.accountId})`);
  const [row] = await tx.execute<{ running: number; ahead: number }>(sql`
    SELECT count(*) FILTER (WHERE status IN ('running', 'paused'))::int AS running,
           count(*) FILTER (WHERE status = 'pending' AND id < ${task.id})::int AS ahead
    FROM generation_tasks WHERE account_id = ${task.accountId} AND status IN ('pending', 'running', 'paused')`);
  if (row!.running >= maxRunning || row!.ahead > 0) {
    throw new AdmissionDeferred(`task ${task.id} waits: ${row!.running} of ${maxRunning} running, ${row!.ahead} older pending`);
  }
}
