/**
 * A model's circuit breaker (llm_model_health), shared by every worker: closed (used), open (failing: skipped until its
 * cool-down ends), half-open (one trial request decides). artgen_llm_admit reads it and hands out the trial; these
 * write the outcomes the router sees. A success closes it in the same statement as its attempt row (attempts.ts).
 */
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';

/**
 * A retryable failure (5xx, 429 past its retry budget, timeout, connection error): one more in a row. The `threshold`th
 * opens the breaker for `cooldownMs`, and a failed trial opens it again; an open breaker keeps its cool-down (requests
 * sent before it opened still report). Returns the state after.
 */
export async function recordModelFailure(db: DbOrTx, modelId: string, threshold: number, cooldownMs: number): Promise<string> {
  const cooldown = sql`now() + make_interval(secs => ${cooldownMs / 1000})`;
  const opens = sql`(h.state = 'half_open' OR (h.state = 'closed' AND h.failures + 1 >= ${threshold}))`;
  const [row] = await db.execute<{ state: string }>(sql`
    INSERT INTO llm_model_health AS h (model_id, state, failures, open_until)
    VALUES (${modelId}, CASE WHEN ${threshold} <= 1 THEN 'open' ELSE 'closed' END, 1, CASE WHEN ${threshold} <= 1 THEN ${cooldown} END)
    ON CONFLICT (model_id) DO UPDATE SET
      failures = h.failures + 1,
      state = CASE WHEN h.state = 'open' OR ${opens} THEN 'open' ELSE 'closed' END,
      open_until = CASE WHEN h.state = 'open' THEN h.open_until WHEN ${opens} THEN ${cooldown} ELSE NULL END,
      trial_until = NULL,
      updated_at = now()
    RETURNING state`);
  return row?.state ?? 'closed';
}

/** A provider's Retry-After, held for every worker: nobody sends to the model before it passes. */
export async function holdRetryAfter(db: DbOrTx, modelId: string, ms: number): Promise<void> {
  const until = sql`now() + make_interval(secs => ${ms / 1000})`;
  await db.execute(sql`
    INSERT INTO llm_model_health AS h (model_id, retry_after_until) VALUES (${modelId}, ${until})
    ON CONFLICT (model_id) DO UPDATE SET retry_after_until = greatest(h.retry_after_until, ${until}), updated_at = now()`);
}
