import { and, eq, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client.js';
import { llmAttempts, type LlmAttemptOutcome } from '../../db/schema.js';
import { requestCostPico, type ModelSpec } from './spec.js';

export interface AttemptOwner {
  accountId: number;
  taskId?: number;
  position?: number;
  runId?: number;
  attempt: number;
}

export interface AttemptRecord {
  outcome: Exclude<LlmAttemptOutcome, 'refused'>;
  errorKind?: string;
  errorStatus?: number;
  promptTokens: number;
  completionTokens: number;
  durationMs: number;
}

/** What else ends with the request: its flow-control lease given back (with the tokens it used) and its breaker closed. */
export interface RequestSettlement {
  leaseId: number | null;
  /** The provider's usage for the model's tokens-per-minute window; undefined keeps the estimate. */
  windowTokens?: number;
  /** The model answered (even with a refusal of this request): its breaker closes, its failures are forgotten. */
  modelAnswered: boolean;
}

/**
 * One llm_attempts row for a request sent to `spec`, costed exactly (tokens x prices), with the request's settlement in
 * the same statement (one round trip on the path between two LLM calls); returns the row's id and cost.
 */
export async function recordAttempt(db: DbOrTx, spec: ModelSpec, owner: AttemptOwner, rec: AttemptRecord, settle: RequestSettlement = { leaseId: null, modelAnswered: false }): Promise<{ id: number; costPico: bigint }> {
  const costPico = requestCostPico(spec, rec.promptTokens, rec.completionTokens);
  const [row] = await db.execute<{ id: string }>(sql`
    WITH released AS (
      UPDATE llm_model_requests SET released_at = now(), tokens = coalesce(${settle.windowTokens ?? null}::int, tokens) WHERE id = ${settle.leaseId}::bigint
    ), healed AS (
      UPDATE llm_model_health SET state = 'closed', failures = 0, open_until = NULL, trial_until = NULL, updated_at = now()
      WHERE model_id = ${spec.id} AND ${settle.modelAnswered} AND (state <> 'closed' OR failures <> 0)
    )
    INSERT INTO llm_attempts (account_id, task_id, position, run_id, attempt, model_id, outcome, error_kind, error_status,
      prompt_tokens, completion_tokens, cost_pico, currency, duration_ms)
    VALUES (${owner.accountId}, ${owner.taskId ?? null}::int, ${owner.position ?? null}::int, ${owner.runId ?? null}::int, ${owner.attempt},
      ${spec.id}, ${rec.outcome}, ${rec.errorKind ?? null}, ${rec.errorStatus ?? null}::int, ${rec.promptTokens}, ${rec.completionTokens},
      ${costPico.toString()}::bigint, ${spec.currency}, ${Math.max(0, Math.round(rec.durationMs))})
    RETURNING id`);
  return { id: Number(row!.id), costPico };
}

/** Marks the attempt row of a draft the quality gate refused (it was paid for); only a successful request's row moves. */
export async function markAttemptRefused(db: Db, attemptId: number): Promise<void> {
  await db.update(llmAttempts).set({ outcome: 'refused' }).where(and(eq(llmAttempts.id, attemptId), eq(llmAttempts.outcome, 'ok')));
}
