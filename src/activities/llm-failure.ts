import { ApplicationFailure } from '@temporalio/activity';
import type { LlmError } from '../llm/index.js';

/** Failure types the workflow and the retry policy branch on. */
export const FAILURE_TYPES = {
  distillationUnavailable: 'DistillationUnavailable',
  requestRejected: 'LlmRequestRejected',
  rateLimited: 'LlmRateLimited',
  transient: 'LlmTransient',
  waitingForQuota: 'WaitingForRunningQuota',
  qualityCheckFailed: 'QualityCheckFailed',
} as const;

/** A provider's error as the failure its retry policy reads: non-retryable, rate limited (Retry-After) or transient. */
export function toFailure(err: LlmError): ApplicationFailure {
  if (!err.retryable) return ApplicationFailure.nonRetryable(err.message, FAILURE_TYPES.requestRejected);
  if (err.status === 429) {
    return ApplicationFailure.create({
      message: err.message,
      type: FAILURE_TYPES.rateLimited,
      nextRetryDelay: err.retryAfterMs,
    });
  }
  return ApplicationFailure.retryable(err.message, FAILURE_TYPES.transient);
}
