import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { ModelSpec } from './spec.js';

export type FlowLimits = Pick<ModelSpec, 'id' | 'maxConcurrency' | 'requestsPerMinute' | 'tokensPerMinute' | 'timeoutMs'>;

/** A slot: `leaseId` null when the model has no limit (nothing to give back). */
export type FlowDecision = { kind: 'admitted'; leaseId: number | null } | { kind: 'wait'; ms: number | null };

/** How long past its time limit a request's lease outlives it (a killed worker's slot comes back after that). */
const LEASE_GRACE_MS = 5_000;

export function hasFlowLimits(spec: FlowLimits): boolean {
  return spec.maxConcurrency !== null || spec.requestsPerMinute !== null || spec.tokensPerMinute !== null;
}

/**
 * Admits one request of `tokens` (prompt + expected completion) to `spec` when every worker together stays within its
 * concurrency, requests per minute and tokens per minute; otherwise says how long to wait (`ms` until the window's
 * oldest request leaves it; null: until a slot is given back). One round trip to artgen_llm_admit (migration 0028),
 * which serializes a model's admissions under an advisory lock, so two workers never both take the last slot. A single
 * request over the tokens-per-minute limit goes through alone.
 */
export async function tryAcquireSlot(db: Db, spec: FlowLimits, tokens: number): Promise<FlowDecision> {
  if (!hasFlowLimits(spec)) return { kind: 'admitted', leaseId: null };
  const [row] = await db.execute<{ lease_id: string | null; wait_ms: number | null }>(sql`
    SELECT lease_id, wait_ms FROM artgen_llm_admit(${spec.id}, ${spec.maxConcurrency}::int, ${spec.requestsPerMinute}::int, ${spec.tokensPerMinute}::int,
      ${tokens}::int, ${spec.timeoutMs + LEASE_GRACE_MS}::int)`);
  if (row?.lease_id != null) return { kind: 'admitted', leaseId: Number(row.lease_id) };
  return { kind: 'wait', ms: row?.wait_ms == null ? null : Math.max(1, Math.ceil(Number(row.wait_ms))) };
}

/** Gives the slot back; the request stays counted in its minute's windows with `tokens` (the provider's usage when known). */
export async function releaseSlot(db: Db, leaseId: number | null, tokens?: number): Promise<void> {
  if (leaseId === null) return;
  await db.execute(sql`
    UPDATE llm_model_requests SET released_at = now(), tokens = coalesce(${tokens ?? null}::int, tokens) WHERE id = ${leaseId}`);
}
