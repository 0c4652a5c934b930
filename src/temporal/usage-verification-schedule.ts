import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { WORKFLOW_TYPES, type UsageVerificationWorkflow } from '../workflows/contracts.js';

export interface UsageVerificationScheduleOptions {
  scheduleId: string;
  intervalMinutes: number;
  taskQueue: string;
}

const actionFor = (o: UsageVerificationScheduleOptions) => ({
  type: 'startWorkflow' as const,
  workflowType: WORKFLOW_TYPES.usageVerification,
  args: [{}] as Parameters<UsageVerificationWorkflow>,
  taskQueue: o.taskQueue,
  workflowId: `${o.scheduleId}-run`,
});

/**
 * Creates the Temporal Schedule of the usage verification, or brings an existing one to the given
 * interval and task queue. Every worker calls it at start, so it is idempotent; runs never overlap.
 */
export async function ensureUsageVerificationSchedule(client: Client, o: UsageVerificationScheduleOptions) {
  const everyMs = o.intervalMinutes * 60_000;
  try {
    await client.schedule.create({
      scheduleId: o.scheduleId,
      spec: { intervals: [{ every: everyMs }] },
      action: actionFor(o),
      policies: { overlap: ScheduleOverlapPolicy.SKIP },
    });
    return { scheduleId: o.scheduleId, created: true, updated: false };
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  const handle = client.schedule.getHandle(o.scheduleId);
  const current = await handle.describe();
  const intervals = current.spec.intervals ?? [];
  const sameInterval = intervals.length === 1 && intervals[0]!.every === everyMs && (current.spec.calendars ?? []).length === 0;
  const sameQueue = current.action.type === 'startWorkflow' && current.action.taskQueue === o.taskQueue;
  const sameOverlap = current.policies.overlap === ScheduleOverlapPolicy.SKIP;
  if (sameInterval && sameQueue && sameOverlap) return { scheduleId: o.scheduleId, created: false, updated: false };
  await handle.update((previous) => ({
    ...previous,
    spec: { intervals: [{ every: everyMs }] },
    action: actionFor(o),
    policies: { ...previous.policies, overlap: ScheduleOverlapPolicy.SKIP },
  }));
  return { scheduleId: o.scheduleId, created: false, updated: true };
}
