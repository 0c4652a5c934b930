import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';

/** What the circuit breaker says of a model right now (PostgreSQL's clock, shared by every worker). */
export type ModelHealth =
  | { kind: 'healthy' }
  /** The cool-down passed: one request may try it (claimTrial decides who). */
  | { kind: 'trial' }
  /** Open, or half-open with its trial in flight: skipped. `ms` until the cool-down or the trial's hold ends. */
  | { kind: 'unhealthy'; ms: number }
  /** The provider asked for a pause (Retry-After): every worker waits `ms` before sending again. */
  | { kind: 'retry_after'; ms: number };

interface HealthRow extends Record<string, unknown> {
  model_id: string;
  state: string;
  open_ms: number | null;
  trial_ms: number | null;
  retry_ms: number | null;
}

/** The breaker of each model named, by id; a model without a row is healthy. */
export async function readModelHealth(db: DbOrTx, modelIds: string[]): Promise<Map<string, ModelHealth>> {
  const rows = await db.execute<HealthRow>(sql`
    SELECT model_id, state,
      (extract(epoch FROM open_until - now()) * 1000)::float8 AS open_ms,
      (extract(epoch FROM trial_until - now()) * 1000)::float8 AS trial_ms,
      (extract(epoch FROM retry_after_until - now()) * 1000)::float8 AS retry_ms
    FROM llm_model_health WHERE model_id IN (${sql.join(modelIds.map((id) => sql`${id}`), sql`, `)})`);
  const out = new Map<string, ModelHealth>(modelIds.map((id) => [id, { kind: 'healthy' }]));
  for (const r of rows) out.set(r.model_id, healthOf(r));
  return out;
}

function healthOf(r: HealthRow): ModelHealth {
  const ahead = (ms: number | null) => Math.max(0, Number(ms ?? 0));
  if (r.state === 'open') return ahead(r.open_ms) > 0 ? { kind: 'unhealthy', ms: ahead(r.open_ms) } : { kind: 'trial' };
  if (r.state === 'half_open') return ahead(r.trial_ms) > 0 ? { kind: 'unhealthy', ms: ahead(r.trial_ms) } : { kind: 'trial' };
  return ahead(r.retry_ms) > 0 ? { kind: 'retry_after', ms: ahead(r.retry_ms) } : { kind: 'healthy' };
}

/**
 * Takes the one trial request of a model whose cool-down passed (or whose last trial's hold expired: its worker died):
 * true for exactly one caller across workers, which holds the trial for `holdMs`.
 */
export async function claimTrial(db: DbOrTx, modelId: string, holdMs: number): Promise<boolean> {
  const rows = await db.execute(sql`
    UPDATE llm_model_health SET state = 'half_open', trial_until = now() + make_interval(secs => ${holdMs / 1000}), updated_at = now()
    WHERE model_id = ${modelId}
      AND ((state = 'open' AND open_until <= now()) OR (state = 'half_open' AND trial_until <= now()))
    RETURNING model_id`);
  return rows.length > 0;
}

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
