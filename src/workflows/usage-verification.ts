import { patched, proxyActivities } from '@temporalio/workflow';
import type { AuditRetentionActivities, ScheduledVerificationInput, ScheduledVerificationSummary, UsageActivities } from './contracts.js';
import { requireTrustedInput } from './trusted-input.js';

const { runScheduledVerification, deleteExpiredAuditEvents } = proxyActivities<UsageActivities & AuditRetentionActivities>({
  startToCloseTimeout: '15 minutes',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5 },
});

/**
 * Started by the maintenance Temporal Schedule (usage-verification): checks (and maybe repairs) every
 * account's usage, then deletes audit events past their retention.
 */
export async function usageVerificationWorkflow(given: ScheduledVerificationInput = {}): Promise<ScheduledVerificationSummary> {
  const input = requireTrustedInput(given, 'usageVerificationWorkflow');
  const summary = await runScheduledVerification(input.repair === undefined ? {} : { repair: input.repair });
  // Runs recorded before the audit trail existed end after the verification.
  if (patched('audit-retention')) await deleteExpiredAuditEvents();
  return summary;
}
