import { WorkflowNotFoundError } from '@temporalio/client';
import type { Db } from '../db/client.js';
import { unfinishedTaskIds } from '../domain/tasks/task-queries.js';
import { taskWorkflowId } from '../domain/tasks/workflow-id.js';
import type { Logger } from '../logger.js';
import { startTaskWorkflow, withStartFacts, type WorkflowStartTarget } from './start-task-workflow.js';

/**
 * After a restart: a task whose row is not finished but which has no workflow (the process died between
 * the commit and the start) gets its workflow now. Running workflows simply continue on their own; a
 * closed workflow with an unfinished row is left to the reconciler.
 */
export async function resumeUnfinishedTasks(db: Db, target: WorkflowStartTarget, log: Logger) {
  let started = 0;
  for (const task of await unfinishedTaskIds(db)) {
    try {
      await target.client.workflow.getHandle(taskWorkflowId(task.id)).describe();
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
      const r = await startTaskWorkflow(target, await withStartFacts(db, task));
      if (r.started) started++;
    }
  }
  if (started > 0) log.info({ started }, 'started workflows for unfinished tasks that had none');
  return started;
}
