import { llmRequestDuration, llmRequests, llmTokens, type LlmOutcome } from '../infra/metrics/registry.js';
import { LlmError } from './errors.js';
import type { LlmClient } from './types.js';

/** The outcome label of a failed request: a handful of fixed values, never the provider's message. */
export function llmOutcomeOf(err: unknown): LlmOutcome {
  if (!(err instanceof LlmError)) return 'invalid_response';
  if (err.kind !== 'http') return err.kind;
  const status = err.status ?? 0;
  if (status === 429) return 'rate_limited';
  return status >= 500 ? 'server_error' : 'client_error';
}

/**
 * The client with every request counted by configured model and outcome, its time and its tokens: a few
 * counter increments per request, nothing more (no I/O).
 */
export function meteredLlmClient(client: LlmClient): LlmClient {
  const model = client.model;
  return {
    provider: client.provider,
    model,
    async complete(req) {
      const started = performance.now();
      try {
        const reply = await client.complete(req);
        llmRequests.inc({ model, outcome: 'ok' });
        llmRequestDuration.observe({ model, outcome: 'ok' }, (performance.now() - started) / 1000);
        llmTokens.observe({ model, kind: 'prompt' }, reply.promptTokens);
        llmTokens.observe({ model, kind: 'completion' }, reply.completionTokens);
        return reply;
      } catch (err) {
        const outcome = llmOutcomeOf(err);
        llmRequests.inc({ model, outcome });
        llmRequestDuration.observe({ model, outcome }, (performance.now() - started) / 1000);
        throw err;
      }
    },
  };
}
