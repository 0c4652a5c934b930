import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { intArray } from '../../db/sql-int-array.js';
import { repairFingerprint } from './repair-fingerprint.js';
import type { RepairResult } from './usage-repair.js';
import { storeUsageReport, type UsageReportSource } from './usage-reports.js';
import { DISCREPANCY_KINDS, type DiscrepancyKind, type UsageReport } from './verification.js';

type Counts = { distillations: number; tasks: number };
const accountOf = (x: { ids: Record<string, number | string> }) => Number(x.ids.accountId);

/** The part of an all-accounts report that concerns one account: its discrepancies and its own totals. */
function reportPart(report: UsageReport, accountId: number, counts: Counts): UsageReport {
  const discrepancies = report.discrepancies.filter((d) => accountOf(d) === accountId);
  const byKind = Object.fromEntries(DISCREPANCY_KINDS.map((k) => [k, 0])) as Record<DiscrepancyKind, number>;
  for (const d of discrepancies) byKind[d.kind]++;
  return { checkedAt: report.checkedAt, scope: { accountId }, totals: { ...counts, discrepancies: discrepancies.length, byKind }, discrepancies };
}

/** Each account's part of an all-accounts verification or repair, for the accounts it found something in. */
export function accountParts(outcome: UsageReport | RepairResult, counts: Map<number, Counts>): (UsageReport | RepairResult)[] {
  const isRepair = 'changes' in outcome;
  const found = isRepair ? outcome.before : outcome;
  const accounts = new Set([...found.discrepancies, ...(isRepair ? outcome.changes : [])].map(accountOf));
  return [...accounts].map((accountId) => {
    const own = counts.get(accountId) ?? { distillations: 0, tasks: 0 };
    if (!isRepair) return reportPart(outcome, accountId, own);
    const changes = outcome.changes.filter((c) => accountOf(c) === accountId);
    return {
      dryRun: outcome.dryRun,
      fingerprint: repairFingerprint(changes),
      before: reportPart(outcome.before, accountId, own),
      changes,
      report: reportPart(outcome.report, accountId, own),
    };
  });
}

/**
 * Stores an all-accounts report as it is (account null: the whole-system view, for operators) and, for
 * every account it found something in, that account's part, so `GET /api/usage/reports` shows each
 * account the findings that concern it. Returns the id of the whole-system report.
 */
export async function storeAllAccountsReport(db: DbOrTx, source: UsageReportSource, outcome: UsageReport | RepairResult): Promise<number> {
  const reportId = await storeUsageReport(db, source, outcome);
  const found = 'changes' in outcome ? outcome.before : outcome;
  const ids = [...new Set(found.discrepancies.map(accountOf).concat('changes' in outcome ? outcome.changes.map(accountOf) : []))];
  if (ids.length === 0) return reportId;
  const rows = await db.execute<{ id: number; distillations: number; tasks: number }>(sql`
    SELECT a.id,
           (SELECT count(*)::int FROM distillations d WHERE d.account_id = a.id) AS distillations,
           (SELECT count(*)::int FROM generation_tasks t WHERE t.account_id = a.id) AS tasks
    FROM unnest(${intArray(ids)}) AS a(id)`);
  const counts = new Map([...rows].map((r) => [r.id, { distillations: r.distillations, tasks: r.tasks }]));
  for (const part of accountParts(outcome, counts)) await storeUsageReport(db, source, part);
  return reportId;
}
