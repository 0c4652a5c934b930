import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { ModelSpec } from './spec.js';

export type FlowLimits = Pick<ModelSpec, 'id' | 'maxConcurrency' | 'requestsPerMinute' | 'tokensPerMinute' | 'timeoutMs'>;

/**
 * What a model says to one more request now. `admitted`: send it (`leaseId` to give back, null when the model has no
 * limit; `trial`: it is the one request deciding whether an unhealthy model comes back). `wait`: full, or holding a
 * provider's Retry-After (`ms` until room; null: until a slot is given back). `unhealthy`: its breaker is open or its
 * trial is in flight (`ms` until that ends).
 */
export type Admission =
  | { kind: 'admitted'; leaseId: number | null; trial: boolean }
  | { kind: 'wait'; ms: number | null }
  | { kind: 'unhealthy'; ms: number };

/** How long past its time limit a request's lease (and a trial's hold) outlives it: a killed worker's slot comes back after that. */
const LEASE_GRACE_MS = 5_000;

interface AdmitRow extends Record<string, unknown> {
  verdict: 'admitted' | 'wait' | 'unhealthy';
  lease_id: string | null;
  wait_ms: number | null;
  trial: boolean;
}

/**
 * Asks `spec` to take one request of `tokens` (prompt + expected completion): its circuit breaker and its concurrency,
 * requests per minute and tokens per minute, all shared by every worker. One round trip to artgen_llm_admit (migration
 * 0028), which serializes a model's admissions under an advisory lock, so two workers never both take the last slot or
 * the one trial. A single request over the tokens-per-minute limit goes through alone.
 */
export async function admitRequest(db: Db, spec: FlowLimits, tokens: number): Promise<Admission> {
  const [row] = await db.execute<AdmitRow>(sql`
    SELECT verdict, lease_id, wait_ms, trial FROM artgen_llm_admit(${spec.id}, ${spec.maxConcurrency}::int, ${spec.requestsPerMinute}::int,
      ${spec.tokensPerMinute}::int, ${tokens}::int, ${spec.timeoutMs + LEASE_GRACE_MS}::int)`);
  const waitMs = row?.wait_ms == null ? null : Math.max(1, Math.ceil(Number(row.wait_ms)));
  if (row?.verdict === 'admitted') return { kind: 'admitted', leaseId: row.lease_id == null ? null : Number(row.lease_id), trial: row.trial };
  if (row?.verdict === 'unhealthy') return { kind: 'unhealthy', ms: waitMs ?? 1 };
  return { kind: 'wait', ms: waitMs };
}
