import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { activityDuration, activityScheduleToStart } from '../infra/metrics/registry.js';

/**
 * Records every activity attempt's queue latency (Temporal's scheduled time of this attempt to the moment
 * this worker starts it) and its duration and outcome, labelled by activity type and task queue only.
 */
export const recordActivityMetrics: ActivityInterceptorsFactory = (ctx) => ({
  inbound: {
    async execute(input, next) {
      const { activityType, taskQueue, currentAttemptScheduledTimestampMs } = ctx.info;
      const started = Date.now();
      // Clocks of the Temporal server and this host may differ a little: a negative wait is a zero one.
      activityScheduleToStart.observe({ activity_type: activityType, task_queue: taskQueue }, Math.max(0, started - currentAttemptScheduledTimestampMs) / 1000);
      let outcome = 'error';
      try {
        const result = await next(input);
        outcome = 'ok';
        return result;
      } finally {
        activityDuration.observe({ activity_type: activityType, outcome }, (Date.now() - started) / 1000);
      }
    },
  },
});
