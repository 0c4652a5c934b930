import { Context } from '@temporalio/activity';
import { ApplicationFailure, defaultPayloadConverter } from '@temporalio/common';
import type { Logger } from '../logger.js';
import { UNTRUSTED_RUN_FAILURE } from '../shared/refused-payload.js';

/**
 * Ends a run for good that names objects that do not belong together or that the service did not
 * start; logged for operators with the ids only.
 */
export function refuseRun(log: Logger, reason: string, ids: Record<string, unknown>): never {
  log.warn({ ...ids, reason }, 'refused a workflow run the service did not start');
  throw ApplicationFailure.nonRetryable(`This run was refused: ${reason}`, UNTRUSTED_RUN_FAILURE);
}

/** The workflow id of the workflow whose activity is running now ('' for an activity started on its own). */
export const currentWorkflowId = () => Context.current().info.workflowExecution?.workflowId ?? '';

/** One search attribute of a workflow as the server keeps it (from a describe's raw execution info). */
export function searchAttributeOf(raw: { searchAttributes?: { indexedFields?: Record<string, any> | null } | null } | null | undefined, name: string): unknown {
  const payload = raw?.searchAttributes?.indexedFields?.[name];
  if (!payload) return undefined;
  const value = defaultPayloadConverter.fromPayload(payload);
  return Array.isArray(value) && value.length === 1 ? value[0] : value;
}
