import { ApplicationFailure } from '@temporalio/common';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { carriesQueryValues, safeError, safeSummary, type SafeError } from '../db/safe-error.js';

/**
 * A failed query thrown by an activity would put its parameters (article text, topics) into the
 * workflow history and the SDK's "Activity failed" log: rethrow it as a retryable failure that keeps
 * the SQL and the error codes only.
 */
export const scrubQueryErrors: ActivityInterceptorsFactory = () => ({
  inbound: {
    async execute(input, next) {
      try {
        return await next(input);
      } catch (err) {
        if (!carriesQueryValues(err)) throw err;
        throw ApplicationFailure.create({ message: safeSummary(err), type: (safeError(err) as SafeError).type });
      }
    },
  },
});
