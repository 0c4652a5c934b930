import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { ModelSpec } from './spec.js';

export type FlowLimits = Pick<ModelSpec, 'id' | 'maxConcurrency' | 'requestsPerMinute' | 'tokensPerMinute' | 'timeoutMs'>;

/** A slot: `leaseId` null when the model has no limit (nothing to give back). */
export type FlowDecision = { kind: 'admitted'; leaseId: number | null } | { kind: 'wait'; ms: number | null };

/** How long past its time limit a request's lease outlives it (a killed worker's slot comes back after that). */
const LEASE_GRACE_MS = 5_000;
const WINDOW = sql`interval '60 seconds'`;

export function hasFlowLimits(spec: FlowLimits): boolean {
  return spec.maxConcurrency !== null || spec.requestsPerMinute !== null || spec.tokensPerMinute !== null;
}

interface WindowRow extends Record<string, unknown> {
  in_flight: number;
  requests: number;
  tokens: number;
  oldest_ms: number | null;
}

/**
 * Admits one request of `tokens` (prompt + expected completion) to `spec` when every worker together stays within its
 * concurrency, requests per minute and tokens per minute; otherwise says how long to wait (`ms` until the window's
 * oldest request leaves it; null: until a slot is given back). One transaction under the model's advisory lock, so two
 * workers never both take the last slot. A single request over the tokens-per-minute limit goes through alone.
 */
export async function tryAcquireSlot(db: Db, spec: FlowLimits, tokens: number): Promise<FlowDecision> {
  if (!hasFlowLimits(spec)) return { kind: 'admitted', leaseId: null };
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`artgen.llm-model:${spec.id}`}))`);
    const [w] = await tx.execute<WindowRow>(sql`
      WITH gone AS (
        DELETE FROM llm_model_requests
        WHERE model_id = ${spec.id} AND sent_at < now() - ${WINDOW} AND (released_at IS NOT NULL OR lease_expires_at <= now())
      )
      SELECT
        count(*) FILTER (WHERE released_at IS NULL AND lease_expires_at > now())::int AS in_flight,
        count(*) FILTER (WHERE sent_at > now() - ${WINDOW})::int AS requests,
        coalesce(sum(tokens) FILTER (WHERE sent_at > now() - ${WINDOW}), 0)::int AS tokens,
        (extract(epoch FROM min(sent_at) FILTER (WHERE sent_at > now() - ${WINDOW}) + ${WINDOW} - now()) * 1000)::float8 AS oldest_ms
      FROM llm_model_requests WHERE model_id = ${spec.id}`);
    const inFlight = Number(w?.in_flight ?? 0);
    const requests = Number(w?.requests ?? 0);
    const windowTokens = Number(w?.tokens ?? 0);
    const windowWait = Math.max(1, Math.ceil(Number(w?.oldest_ms ?? 1)));
    if (spec.requestsPerMinute !== null && requests >= spec.requestsPerMinute) return { kind: 'wait', ms: windowWait };
    if (spec.tokensPerMinute !== null && requests > 0 && windowTokens + tokens > spec.tokensPerMinute) return { kind: 'wait', ms: windowWait };
    if (spec.maxConcurrency !== null && inFlight >= spec.maxConcurrency) return { kind: 'wait', ms: null };
    const [row] = await tx.execute<{ id: number }>(sql`
      INSERT INTO llm_model_requests (model_id, lease_expires_at, tokens)
      VALUES (${spec.id}, now() + make_interval(secs => ${(spec.timeoutMs + LEASE_GRACE_MS) / 1000}), ${tokens})
      RETURNING id`);
    return { kind: 'admitted', leaseId: Number(row!.id) };
  });
}

/** Gives the slot back; the request stays counted in its minute's windows with `tokens` (the provider's usage when known). */
export async function releaseSlot(db: Db, leaseId: number | null, tokens?: number): Promise<void> {
  if (leaseId === null) return;
  await db.execute(sql`
    UPDATE llm_model_requests SET released_at = now(), tokens = coalesce(${tokens ?? null}::int, tokens) WHERE id = ${leaseId}`);
}
