import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
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

/** One llm_attempts row for a request sent to `spec`, costed exactly (tokens x prices); returns its id and cost. */
export async function recordAttempt(db: Db, spec: ModelSpec, owner: AttemptOwner, rec: AttemptRecord): Promise<{ id: number; costPico: bigint }> {
  const costPico = requestCostPico(spec, rec.promptTokens, rec.completionTokens);
  const [row] = await db
    .insert(llmAttempts)
    .values({
      accountId: owner.accountId,
      taskId: owner.taskId ?? null,
      position: owner.position ?? null,
      runId: owner.runId ?? null,
      attempt: owner.attempt,
      modelId: spec.id,
      outcome: rec.outcome,
      errorKind: rec.errorKind ?? null,
      errorStatus: rec.errorStatus ?? null,
      promptTokens: rec.promptTokens,
      completionTokens: rec.completionTokens,
      costPico,
      currency: spec.currency,
      durationMs: Math.max(0, Math.round(rec.durationMs)),
    })
    .returning({ id: llmAttempts.id });
  return { id: row!.id, costPico };
}

/** Marks the attempt row of a draft the quality gate refused (it was paid for); only a successful request's row moves. */
export async function markAttemptRefused(db: Db, attemptId: number): Promise<void> {
  await db.update(llmAttempts).set({ outcome: 'refused' }).where(and(eq(llmAttempts.id, attemptId), eq(llmAttempts.outcome, 'ok')));
}
