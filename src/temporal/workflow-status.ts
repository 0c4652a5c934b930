import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { AppError } from '../domain/errors.js';
import type { WorkflowStatusLookup } from '../domain/usage/verification.js';

const PARALLEL_DESCRIBES = 10;

/** Verification's view of Temporal: each workflow's status name, NOT_FOUND for one that does not exist. */
export function temporalWorkflowStatus(client: Client): WorkflowStatusLookup {
  return async (workflowIds) => {
    const statuses = new Map<string, string>();
    const queue = [...new Set(workflowIds)];
    const describeNext = async () => {
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
        try {
          statuses.set(id, (await client.workflow.getHandle(id).describe()).status.name);
        } catch (err) {
          if (!(err instanceof WorkflowNotFoundError)) {
            throw new AppError(503, 'DEPENDENCY_UNAVAILABLE', `Temporal could not describe workflow ${id} (${(err as Error).message}); try again shortly.`);
          }
          statuses.set(id, 'NOT_FOUND');
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL_DESCRIBES, queue.length) }, describeNext));
    return statuses;
  };
}
