import { sql, TransactionRollbackError, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { intArray } from '../../db/sql-int-array.js';
import { closedOutsideOutcome, finishTaskClosedOutside } from '../tasks/task-closed-outside.js';
import type { RepairChange } from './repair-change.js';
import { assertSamePlan, repairFingerprint } from './repair-fingerprint.js';
import { verifyUsage, type Discrepancy, type UsageReport, type WorkflowStatusLookup } from './verification.js';

export interface RepairOptions {
  accountId?: number | undefined;
  /** Default true: compute the changes in a transaction that is rolled back. */
  dryRun: boolean;
  workflowStatus?: WorkflowStatusLookup | undefined;
  /** A dry run's fingerprint: refuse (409 REPAIR_PLAN_CHANGED, nothing written) unless the plan is still the same. */
  expectFingerprint?: string | undefined;
}

export interface RepairResult {
  dryRun: boolean;
  /** Hash of the planned changes (for an apply: of the plan it checked, before orphans a new run saved were skipped). */
  fingerprint: string;
  /** The verification the repair started from. */
  before: UsageReport;
  changes: RepairChange[];
  /** Verification after the repair; for a dry run, the one predicted from the rolled-back transaction. */
  report: UsageReport;
}

type Row = Record<string, any>;

const scope = (accountId: number | undefined, alias: string) =>
  accountId === undefined ? sql`TRUE` : sql`${sql.raw(alias)}.account_id = ${accountId}`;

const rowsOf = async (tx: Tx, query: SQL) => [...(await tx.execute<Row>(query))];

/**
 * Locks the given rows, so the recount that follows (a new statement, a new snapshot) sees every
 * committed change and a concurrent writer's relative update (+1 / -1) lands on the repaired value.
 */
async function lockRows(tx: Tx, table: 'distillations' | 'generation_tasks', candidates: SQL) {
  const rows = await rowsOf(tx, sql`SELECT id FROM ${sql.raw(table)} WHERE id IN (${candidates}) ORDER BY id FOR UPDATE`);
  return rows.map((r) => r.id as number);
}

async function releaseTerminalReservations(tx: Tx, accountId: number | undefined): Promise<RepairChange[]> {
  const ids = await lockRows(tx, 'generation_tasks', sql`
    SELECT DISTINCT t.id FROM generation_tasks t JOIN task_items i ON i.task_id = t.id
    WHERE ${scope(accountId, 't')} AND t.status IN ('completed','failed','canceled','timeout') AND i.state = 'reserved'`);
  if (ids.length === 0) return [];
  const rows = await rowsOf(tx, sql`
    WITH moved AS (
      UPDATE task_items i SET state = 'released', updated_at = now() FROM generation_tasks t
      WHERE t.id = i.task_id AND t.id = ANY(${intArray(ids)}) AND t.status IN ('completed','failed','canceled','timeout') AND i.state = 'reserved'
      RETURNING i.task_id, t.account_id, t.status
    )
    SELECT task_id, account_id, status, count(*)::int AS n FROM moved GROUP BY 1, 2, 3 ORDER BY 1`);
  return rows.map((r) => ({
    kind: 'release_reservations' as const,
    ids: { accountId: r.account_id, taskId: r.task_id },
    before: { status: r.status, reservedItems: r.n },
    after: { status: r.status, reservedItems: 0 },
  }));
}

/** usage_count from the usage rows and reserved_count from the reserved items, for every distillation where either differs. */
async function recountDistillations(tx: Tx, accountId: number | undefined): Promise<RepairChange[]> {
  const usageRows = sql`(SELECT count(*)::int FROM distillation_usage u WHERE u.distillation_id = d.id)`;
  const reservedItems = sql`(SELECT count(*)::int FROM task_items i WHERE i.distillation_id = d.id AND i.state = 'reserved')`;
  const ids = await lockRows(tx, 'distillations', sql`
    SELECT d.id FROM distillations d WHERE ${scope(accountId, 'd')} AND (d.usage_count <> ${usageRows} OR d.reserved_count <> ${reservedItems})`);
  if (ids.length === 0) return [];
  const rows = await rowsOf(tx, sql`
    WITH c AS (
      SELECT d.id, d.account_id, d.usage_count AS usage_before, ${usageRows} AS usage_after,
             d.reserved_count AS reserved_before, ${reservedItems} AS reserved_after
      FROM distillations d WHERE d.id = ANY(${intArray(ids)})
    ), updated AS (
      UPDATE distillations d SET usage_count = c.usage_after, reserved_count = c.reserved_after, updated_at = now()
      FROM c WHERE d.id = c.id AND (c.usage_before <> c.usage_after OR c.reserved_before <> c.reserved_after)
      RETURNING d.id
    )
    SELECT c.* FROM c JOIN updated USING (id) ORDER BY c.id`);
  const changes: RepairChange[] = [];
  for (const r of rows) {
    const ids = { accountId: r.account_id, distillationId: r.id };
    if (r.usage_before !== r.usage_after) changes.push({ kind: 'set_usage_count', ids, before: r.usage_before, after: r.usage_after });
    if (r.reserved_before !== r.reserved_after) {
      changes.push({ kind: 'set_reserved_count', ids, before: r.reserved_before, after: r.reserved_after });
    }
  }
  return changes;
}

/** generated/failed/skipped counters (and progress) of every task whose counters disagree with its items. */
async function recountTasks(tx: Tx, accountId: number | undefined): Promise<RepairChange[]> {
  const counted = (where: SQL) => sql`
    SELECT t.id, t.account_id, t.generated_count AS g0, t.failed_count AS f0, t.skipped_count AS s0,
           count(i.task_id) FILTER (WHERE i.state = 'saved')::int AS g,
           count(i.task_id) FILTER (WHERE i.state = 'failed')::int AS f,
           count(i.task_id) FILTER (WHERE i.state = 'skipped')::int AS s
    FROM generation_tasks t LEFT JOIN task_items i ON i.task_id = t.id WHERE ${where} GROUP BY t.id`;
  const ids = await lockRows(tx, 'generation_tasks', sql`
    SELECT c.id FROM (${counted(scope(accountId, 't'))}) c WHERE (c.g0, c.f0, c.s0) <> (c.g, c.f, c.s)`);
  if (ids.length === 0) return [];
  const rows = await rowsOf(tx, sql`
    WITH c AS (${counted(sql`t.id = ANY(${intArray(ids)})`)}),
    updated AS (
      UPDATE generation_tasks t SET generated_count = c.g, failed_count = c.f, skipped_count = c.s,
        progress = LEAST(100, (100 * (c.g + c.f + c.s)) / GREATEST(t.requested_count, 1)), updated_at = now()
      FROM c WHERE t.id = c.id AND (c.g0, c.f0, c.s0) <> (c.g, c.f, c.s)
      RETURNING t.id
    )
    SELECT c.* FROM c JOIN updated USING (id) ORDER BY c.id`);
  return rows.map((r) => ({
    kind: 'set_task_counters' as const,
    ids: { accountId: r.account_id, taskId: r.id },
    before: { generatedCount: r.g0, failedCount: r.f0, skippedCount: r.s0 },
    after: { generatedCount: r.g, failedCount: r.f, skippedCount: r.s },
  }));
}

/** What finishing each orphaned task would do, read with the counters the recount just set. */
async function planOrphans(tx: Tx, orphans: Discrepancy[]): Promise<RepairChange[]> {
  const planned: RepairChange[] = [];
  for (const orphan of orphans) {
    const [task] = await rowsOf(tx, sql`
      SELECT t.status, t.requested_count, t.generated_count, t.failed_count, t.skipped_count,
             (SELECT count(*)::int FROM task_items i WHERE i.task_id = t.id AND i.state = 'reserved') AS reserved
      FROM generation_tasks t WHERE t.id = ${Number(orphan.ids.taskId)}`);
    if (!task || !['pending', 'running', 'paused'].includes(task.status)) continue;
    const { status } = closedOutsideOutcome(String(orphan.actual), {
      requestedCount: task.requested_count,
      generatedCount: task.generated_count,
      failedCount: task.failed_count,
      skippedCount: task.skipped_count,
    });
    planned.push({
      kind: 'finish_orphaned_task',
      ids: orphan.ids,
      before: { status: task.status, reservedItems: task.reserved },
      after: { status, reservedItems: 0 },
    });
  }
  return planned;
}

/**
 * The counter repair, in one transaction, and the plan for the orphans; a dry run verifies inside it and
 * rolls it back, an apply with a fingerprint rolls back (409) unless the plan is the one that was shown.
 */
async function recount(db: Db, opts: RepairOptions, orphans: Discrepancy[]) {
  const changes: RepairChange[] = [];
  const planned: RepairChange[] = [];
  let predicted: UsageReport | undefined;
  try {
    await db.transaction(async (tx) => {
      // Task rows before distillation rows, the order every save takes them in (task row, item,
      // distillation): the other way round a repair and a save can deadlock. The recounts are
      // independent: task counters come from item states, distillation counts from usage rows and items.
      changes.push(...(await releaseTerminalReservations(tx, opts.accountId)));
      changes.push(...(await recountTasks(tx, opts.accountId)));
      changes.push(...(await recountDistillations(tx, opts.accountId)));
      planned.push(...(await planOrphans(tx, orphans)));
      if (opts.expectFingerprint !== undefined) assertSamePlan(opts.expectFingerprint, [...changes, ...planned]);
      if (opts.dryRun) {
        predicted = await verifyUsage(tx, { accountId: opts.accountId });
        tx.rollback();
      }
    });
  } catch (err) {
    if (!(err instanceof TransactionRollbackError)) throw err;
  }
  return { changes, planned, predicted };
}

/**
 * Repairs what verification finds: releases the reservations of finished tasks, recounts usage_count,
 * reserved_count and the task counters from the rows (one transaction), then finishes orphaned tasks like
 * the reconciler does (finishTaskClosedOutside). Orphans go last: finishing decrements reserved_count, which must be right
 * first (a count corrupted below the truth would otherwise break its CHECK >= 0). The answer's fingerprint
 * is that of the planned changes: given back as `expectFingerprint`, it makes the apply do just those.
 */
export async function repairUsage(db: Db, opts: RepairOptions): Promise<RepairResult> {
  const verifyOpts = { accountId: opts.accountId, workflowStatus: opts.workflowStatus };
  const before = await verifyUsage(db, verifyOpts);
  const orphans = before.discrepancies.filter((d) => d.kind === 'orphaned_task');
  const { changes, planned, predicted } = await recount(db, opts, orphans);
  const fingerprint = repairFingerprint([...changes, ...planned]);
  if (opts.dryRun) return { dryRun: true, fingerprint, before, changes: [...changes, ...planned], report: predicted! };
  for (const change of planned) {
    const workflowId = String(change.ids.workflowId);
    // Looked again right before acting: a retry may have started a new run since the verification.
    const now = (await opts.workflowStatus?.([workflowId]))?.get(workflowId);
    if (now === 'RUNNING') continue;
    const orphan = orphans.find((o) => o.ids.workflowId === change.ids.workflowId)!;
    const finished = await finishTaskClosedOutside(db, Number(change.ids.taskId), String(orphan.actual));
    if (!finished) continue;
    changes.push({ ...change, after: { status: finished.status, reservedItems: 0 } });
  }
  return { dryRun: false, fingerprint, before, changes, report: await verifyUsage(db, verifyOpts) };
}
