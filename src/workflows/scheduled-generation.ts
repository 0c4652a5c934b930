import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { ScheduleActivities, ScheduledGenerationInput, ScheduleRunResult } from './contracts.js';
import { requireTrustedInput } from './trusted-input.js';

/** Retried until the database and Temporal answer again; a business failure is a normal result, not an error. */
const { createScheduledTask } = proxyActivities<ScheduleActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' },
});

/**
 * One run of a generation schedule, started by its Temporal Schedule: creates a task from the schedule's
 * template with the API's selection. The run's workflow id (unique per scheduled time) keys its record.
 */
export async function scheduledGenerationWorkflow(input: ScheduledGenerationInput): Promise<ScheduleRunResult> {
  const { scheduleId } = requireTrustedInput(input, 'scheduledGenerationWorkflow');
  return createScheduledTask({ scheduleId, runWorkflowId: workflowInfo().workflowId });
}
