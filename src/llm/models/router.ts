/**
 * The minimal router of the registry's branch: the first model of the route, no failover, no flow control; one
 * llm_attempts row per request with its exact cost. The seam (RoutedRequest, RoutedResult, ModelRouter,
 * markAttemptRefused) is the one issue 18 fixes; the full router replaces this file.
 */
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { llmAttempts } from '../../db/schema.js';
import { LlmError } from '../errors.js';
import type { CompletionRequest, CompletionResult, LlmClient } from '../types.js';
import { requestCostPico, type ModelSpec } from './spec.js';

export interface RoutedRequest extends CompletionRequest {
  accountId: number;
  taskId?: number;
  position?: number;
  runId?: number;
  attempt: number;
}

export interface RoutedResult extends CompletionResult {
  modelId: string;
  attemptId: number;
  costPico: bigint;
  currency: string;
}

export interface ModelRouter {
  /** Sends the request to the first model of `route`, records one llm_attempts row (ok or failed) and returns the reply with its row id. */
  complete(route: ModelSpec[], req: RoutedRequest): Promise<RoutedResult>;
}

export interface ModelRouterDeps {
  db: Db;
  clientFor: (spec: ModelSpec) => LlmClient;
}

export function createModelRouter({ db, clientFor }: ModelRouterDeps): ModelRouter {
  return {
    async complete(route, req) {
      const spec = route[0];
      if (!spec) throw new Error('a route names at least one model');
      const { accountId, taskId, position, runId, attempt, ...request } = req;
      const row = { accountId, taskId: taskId ?? null, position: position ?? null, runId: runId ?? null, attempt, modelId: spec.id, currency: spec.currency };
      const startedAt = Date.now();
      let reply: CompletionResult;
      try {
        reply = await clientFor(spec).complete(request);
      } catch (err) {
        const failed = err instanceof LlmError ? { errorKind: err.kind, errorStatus: err.status ?? null } : { errorKind: 'error', errorStatus: null };
        await db.insert(llmAttempts).values({ ...row, outcome: 'failed', ...failed, durationMs: Date.now() - startedAt });
        throw err;
      }
      const costPico = requestCostPico(spec, reply.promptTokens, reply.completionTokens);
      const [inserted] = await db
        .insert(llmAttempts)
        .values({ ...row, outcome: 'ok', promptTokens: reply.promptTokens, completionTokens: reply.completionTokens, costPico, durationMs: Date.now() - startedAt })
        .returning({ id: llmAttempts.id });
      return { ...reply, modelId: spec.id, attemptId: inserted!.id, costPico, currency: spec.currency };
    },
  };
}

/** Marks the attempt row of a draft the quality gate refused (it was paid for). */
export async function markAttemptRefused(db: Db, attemptId: number): Promise<void> {
  await db.update(llmAttempts).set({ outcome: 'refused' }).where(eq(llmAttempts.id, attemptId));
}
