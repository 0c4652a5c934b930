import type { Client } from '@temporalio/client';
import type { Db } from '../db/client.js';
import { repairUsage } from '../domain/usage/usage-repair.js';
import { storeAllAccountsReport } from '../domain/usage/usage-report-parts.js';
import { verifyUsage } from '../domain/usage/verification.js';
import type { Logger } from '../logger.js';
import { temporalWorkflowStatus } from '../temporal/workflow-status.js';
import type { ScheduledVerificationInput, ScheduledVerificationSummary, UsageActivities } from '../workflows/contracts.js';

export interface UsageActivityDeps {
  db: Db;
  log: Logger;
  /** Verification asks it whether the workflows of unfinished tasks still run. */
  client: Client;
  /** The scheduled verification repairs what it finds (USAGE_REPAIR_ON_SCHEDULE). */
  repairOnSchedule: boolean;
}

/** The scheduled usage verification: every account, reported (and repaired when configured). */
export function createUsageActivities(deps: UsageActivityDeps): UsageActivities {
  const workflowStatus = temporalWorkflowStatus(deps.client);
  return {
    async runScheduledVerification(input: ScheduledVerificationInput = {}): Promise<ScheduledVerificationSummary> {
      const report = await verifyUsage(deps.db, { workflowStatus });
      const reportId = await storeAllAccountsReport(deps.db, 'schedule', report);
      for (const discrepancy of report.discrepancies) deps.log.warn({ discrepancy }, 'usage discrepancy');
      const byKind = Object.fromEntries(Object.entries(report.totals.byKind).filter(([, n]) => n > 0));
      const found = report.discrepancies.length;
      const summary = { reportId, discrepancies: found, byKind, repaired: false, repairReportId: null, changes: 0, remaining: found };
      const repair = input.repair === true || deps.repairOnSchedule;
      if (!repair || found === 0) {
        deps.log.info({ reportId, discrepancies: found }, 'usage verified');
        return summary;
      }
      const result = await repairUsage(deps.db, { dryRun: false, workflowStatus });
      const repairReportId = await storeAllAccountsReport(deps.db, 'schedule', result);
      deps.log.info({ reportId, repairReportId, changes: result.changes.length, remaining: result.report.totals.discrepancies }, 'usage repaired');
      return { ...summary, repaired: true, repairReportId, changes: result.changes.length, remaining: result.report.totals.discrepancies };
    },
  };
}
