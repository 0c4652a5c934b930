import { startLlmStub, type LlmStub, type StubRequest } from '../../support/llm-stub.js';

export interface FaultyLlm {
  stub: LlmStub;
  counts: { ok: number; serverErrors: number; rateLimited: number };
}

/**
 * The loopback LLM with a seeded share of failures: `errorShare` of the answers are 500s and as many
 * are 429s with Retry-After: 1; the rest are articles after 0.5-2 s, so tasks are still running when a fault hits.
 * `write` chooses an answer's text (the stub's template article when it gives none).
 */
export async function startFaultyLlm(random: () => number, errorShare = 0.05, write?: (req: StubRequest) => string | undefined): Promise<FaultyLlm> {
  const counts = { ok: 0, serverErrors: 0, rateLimited: 0 };
  const stub = await startLlmStub({
    behavior: (req) => {
      const roll = random();
      const latencyMs = 500 + Math.floor(random() * 1_500);
      if (roll < errorShare) {
        counts.serverErrors++;
        return { status: 500, errorMessage: 'injected server error', latencyMs };
      }
      if (roll < 2 * errorShare) {
        counts.rateLimited++;
        return { status: 429, headers: { 'retry-after': '1' }, errorMessage: 'injected rate limit', latencyMs };
      }
      counts.ok++;
      return { latencyMs, content: write?.(req) };
    },
  });
  return { stub, counts };
}
