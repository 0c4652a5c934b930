import { proxyActivities } from '@temporalio/workflow';
import type { ScheduledVerificationInput, ScheduledVerificationSummary, UsageActivities } from '../activities/usage-verification.js';

const { runScheduledVerification } = proxyActivities<UsageActivities>({
  startToCloseTimeout: '15 minutes',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5 },
});

/** Started by the usage-verification Temporal Schedule: checks (and maybe repairs) every account's usage. */
export async function usageVerificationWorkflow(input: ScheduledVerificationInput = {}): Promise<ScheduledVerificationSummary> {
  return runScheduledVerification(input.repair === undefined ? {} : { repair: input.repair });
}
