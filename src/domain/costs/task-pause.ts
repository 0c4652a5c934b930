import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { generationTasks, TERMINAL_TASK_STATUSES } from '../../db/schema.js';
import { notFound } from '../errors.js';
import { appendTaskEvent } from '../tasks/task-events.js';
import { enqueueWebhookEvent } from '../webhooks/index.js';
import { budgetStatus, reachedReason } from './budget-check.js';
import { effectiveBudget, type BudgetDefaults } from './budgets.js';

/** The budget gate's answer: go on, or wait until `resumeAt` (epoch ms, the roll-over) or a budget signal. */
export type BudgetGate = { allowed: true } | { allowed: false; resumeAt: number; reason: string };

/**
 * The check before an article's next LLM call, in one transaction under the task's row lock: a running task whose
 * account reached its budget becomes `paused` (with the reason, a task.paused event and its webhooks); a paused task
 * whose account is within budget again becomes `running` (task.resumed). Idempotent: a re-run moves nothing twice,
 * and a finished task is let through (its workflow is ending anyway).
 */
export async function budgetGate(db: Db, taskId: number, defaults: BudgetDefaults): Promise<{ gate: BudgetGate; webhookDeliveries: number }> {
  // The common case, no budget and not paused, reads two rows and locks nothing: this runs before every article.
  const [seen] = await db.select({ accountId: generationTasks.accountId, status: generationTasks.status }).from(generationTasks).where(eq(generationTasks.id, taskId));
  if (!seen) throw notFound('task', taskId);
  if (seen.status !== 'paused') {
    const budget = await effectiveBudget(db, seen.accountId, defaults);
    if (budget.dailyLimitPico === null && budget.monthlyLimitPico === null) return { gate: { allowed: true }, webhookDeliveries: 0 };
  }
  return db.transaction(async (tx) => {
    const [task] = await tx.select().from(generationTasks).where(eq(generationTasks.id, taskId)).for('update');
    if (!task) throw notFound('task', taskId);
    if (TERMINAL_TASK_STATUSES.includes(task.status)) return { gate: { allowed: true }, webhookDeliveries: 0 };
    const { reached } = await budgetStatus(tx, task.accountId, defaults);
    const accountId = task.accountId;
    if (reached) {
      const reason = reachedReason(reached);
      let webhookDeliveries = 0;
      if (task.status === 'running') {
        await tx.update(generationTasks).set({ status: 'paused', pauseReason: reason, updatedAt: sql`now()` }).where(eq(generationTasks.id, taskId));
        await appendTaskEvent(tx, { accountId, taskId, type: 'task.paused', data: { reason, ...reached } });
        webhookDeliveries = (await enqueueWebhookEvent(tx, accountId, 'task.paused', { taskId, status: 'paused', reason, ...reached })).length;
      }
      return { gate: { allowed: false, resumeAt: Date.parse(reached.resetsAt), reason }, webhookDeliveries };
    }
    if (task.status !== 'paused') return { gate: { allowed: true }, webhookDeliveries: 0 };
    const reason = 'the budget allows spending again';
    await tx.update(generationTasks).set({ status: 'running', pauseReason: null, updatedAt: sql`now()` }).where(eq(generationTasks.id, taskId));
    await appendTaskEvent(tx, { accountId, taskId, type: 'task.resumed', data: { reason } });
    const webhookDeliveries = (await enqueueWebhookEvent(tx, accountId, 'task.resumed', { taskId, status: 'running', reason })).length;
    return { gate: { allowed: true }, webhookDeliveries };
  });
}

/** Ids of the account's tasks whose workflow may be waiting on its budget (running or paused): the ones to signal when it changes. */
export async function tasksWaitingOnBudget(db: Db, accountId: number) {
  const rows = await db.execute<{ id: number }>(sql`
    SELECT id FROM generation_tasks WHERE account_id = ${accountId} AND status IN ('running', 'paused') ORDER BY id`);
  return rows.map((r) => r.id);
}
