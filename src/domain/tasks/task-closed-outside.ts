import type { Db } from '../../db/client.js';
import type { TaskStatus } from '../../db/schema.js';
import type { TaskCounters } from './task-counters.js';
import { finishOpenTask } from './task-lifecycle.js';

/** How a closed workflow's status reads in the task's message. */
const HOW_CLOSED: Record<string, string> = {
  TERMINATED: 'terminated, e.g. in the Temporal UI',
  CANCELED: 'canceled in Temporal without its cleanup',
  TIMED_OUT: 'timed out by the Temporal server',
  FAILED: 'failed in Temporal',
  NOT_FOUND: 'not found in Temporal',
};

type Counts = Pick<TaskCounters, 'requestedCount' | 'generatedCount' | 'failedCount' | 'skippedCount'>;

/**
 * What a task ends as when its workflow closed outside the service, its saved articles kept. With every
 * article settled only the final step was missed: completed or failed as usual. Otherwise a workflow
 * terminated or canceled there was stopped by someone: canceled (a retry can fill the gaps); any other
 * end (failed, timed out, gone) is a failure. The message says how many articles were written.
 */
export function closedOutsideOutcome(workflowStatus: string, c: Counts): { status: TaskStatus; errorMessage: string } {
  const open = c.requestedCount - c.generatedCount - c.failedCount - c.skippedCount;
  const stopped = workflowStatus === 'TERMINATED' || workflowStatus === 'CANCELED';
  const status: TaskStatus = open <= 0 ? (c.generatedCount > 0 ? 'completed' : 'failed') : stopped ? 'canceled' : 'failed';
  const how = HOW_CLOSED[workflowStatus] ?? workflowStatus.toLowerCase();
  const released = open > 0 ? `; the ${open} not written were released` : '';
  return {
    status,
    errorMessage: `${stopped ? 'stopped' : 'ended'} from outside the service after ${c.generatedCount} of ${c.requestedCount} articles were written (its workflow was ${how})${released}`,
  };
}

/**
 * Finishes a task whose workflow closed without finishing it (see closedOutsideOutcome). Null when the
 * task was finished already, e.g. by its own workflow a moment ago: then there is nothing to report.
 */
export async function finishTaskClosedOutside(db: Db, taskId: number, workflowStatus: string) {
  const { summary, finishedNow } = await finishOpenTask(db, taskId, (counters) => closedOutsideOutcome(workflowStatus, counters));
  return finishedNow ? summary : null;
}
