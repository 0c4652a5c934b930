import { and, count, desc, eq, isNull } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { usageReports } from '../../db/schema.js';
import { notFound } from '../errors.js';
import type { RepairResult } from './usage-repair.js';
import type { UsageReport } from './verification.js';

/** Who ran it: the JSON API, the scheduled verification, the CLI or the web console. */
export const USAGE_REPORT_SOURCES = ['api', 'schedule', 'cli', 'console'] as const;
export type UsageReportSource = (typeof USAGE_REPORT_SOURCES)[number];

/** Flat numbers for the `totals` column: the counts and every kind found at least once. */
function flatTotals(report: UsageReport): Record<string, number> {
  const kinds = Object.entries(report.totals.byKind).filter(([, n]) => n > 0);
  return { distillations: report.totals.distillations, tasks: report.totals.tasks, discrepancies: report.totals.discrepancies, ...Object.fromEntries(kinds) };
}

/**
 * Stores a verification or a repair. A repair row keeps the discrepancies it started from, its changes,
 * and in `totals` also `changes` and `remaining` (discrepancies left afterwards).
 */
export async function storeUsageReport(db: DbOrTx, source: UsageReportSource, outcome: UsageReport | RepairResult): Promise<number> {
  const isRepair = 'changes' in outcome;
  const found = isRepair ? outcome.before : outcome;
  const [row] = await db
    .insert(usageReports)
    .values({
      accountId: found.scope.accountId,
      kind: isRepair ? 'repair' : 'verify',
      dryRun: isRepair ? outcome.dryRun : false,
      source,
      totals: isRepair
        ? { ...flatTotals(found), changes: outcome.changes.length, remaining: outcome.report.totals.discrepancies }
        : flatTotals(found),
      discrepancies: found.discrepancies,
      changes: isRepair ? outcome.changes : [],
    })
    .returning({ id: usageReports.id });
  return row!.id;
}

/**
 * The stored reports of an account, its parts of the scheduled all-accounts runs included; null: the
 * whole-system reports of the schedule (for operators; admin keys once accounts have scopes). Newest first.
 */
export async function listUsageReports(db: DbOrTx, accountId: number | null, page: number, pageSize: number) {
  const where = accountId === null ? isNull(usageReports.accountId) : eq(usageReports.accountId, accountId);
  const [reports, [total]] = await Promise.all([
    db
      .select()
      .from(usageReports)
      .where(where)
      .orderBy(desc(usageReports.createdAt), desc(usageReports.id))
      .limit(pageSize)
      .offset((page - 1) * pageSize),
    db.select({ n: count() }).from(usageReports).where(where),
  ]);
  return { reports, page, pageSize, total: total?.n ?? 0 };
}

export type StoredUsageReport = typeof usageReports.$inferSelect;

/** One stored report of the account (its parts of scheduled runs included); 404 for any other. */
export async function getUsageReport(db: DbOrTx, accountId: number, id: number): Promise<StoredUsageReport> {
  const [row] = await db.select().from(usageReports).where(and(eq(usageReports.id, id), eq(usageReports.accountId, accountId)));
  if (!row) throw notFound('usage report', id);
  return row;
}
