import { ApplicationFailure } from '@temporalio/workflow';
import { isRefusedPayload, UNTRUSTED_RUN_FAILURE } from '../shared/refused-payload.js';

/**
 * Fails the run for good when its input is not one the service wrote: the payload codec hands on a
 * refusal marker for a payload not encrypted with a configured key, and a run started without input
 * names nothing. Called first, before any command, so recorded histories replay unchanged.
 */
export function requireTrustedInput<T extends object>(input: T | undefined, workflowType: string): T {
  if (typeof input !== 'object' || input === null || isRefusedPayload(input)) {
    throw ApplicationFailure.nonRetryable(
      `${workflowType} refused its input: it was not encrypted with a configured payload key, so this run was not started by the service.`,
      UNTRUSTED_RUN_FAILURE,
    );
  }
  return input;
}
