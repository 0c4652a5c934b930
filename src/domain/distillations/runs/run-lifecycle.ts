import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../../db/client.js';
import { distillationRunKeywords, distillationRunQuestions, distillationRuns, taskEvents } from '../../../db/schema.js';
import { checkStoredTaskEvent } from '../../../shared/events/index.js';
import { TERMINAL_RUN_STATUSES, type DistillationRunSummary, type DistilledKeyword } from '../../../shared/distillation-runs.js';
import { notFound } from '../../errors.js';
import { addQuestionsToPool, existingTopicsOf } from './pool-topics.js';
import { enqueueWebhookEvent } from '../../webhooks/index.js';
import { dedupeQuestions } from './question-dedup.js';
import { appendRunEvent } from './run-events.js';

const OPEN_STATES = ['pending', 'running'] as const;
export const RUN_CANCELED_REASON = 'canceled by request';

const summaryOf = (r: typeof distillationRuns.$inferSelect): DistillationRunSummary => ({
  runId: r.id,
  status: r.status,
  keywordCount: r.keywordCount,
  doneCount: r.doneCount,
  failedCount: r.failedCount,
  canceledCount: r.canceledCount,
});

async function lockRun(tx: Tx, runId: number) {
  const [run] = await tx.select().from(distillationRuns).where(eq(distillationRuns.id, runId)).for('update');
  if (!run) throw notFound('distillation run', runId);
  return run;
}

/** Marks the run running (once) and answers its keywords still to ask, in order; a finished run answers none. */
export async function startRun(db: Db, runId: number) {
  return db.transaction(async (tx) => {
    let run = await lockRun(tx, runId);
    if (run.status === 'pending') {
      const [started] = await tx.update(distillationRuns).set({ status: 'running', startedAt: sql`now()`, updatedAt: sql`now()` }).where(eq(distillationRuns.id, runId)).returning();
      run = started!;
      await appendRunEvent(tx, run, 'distillation.run.started', { keywordCount: run.keywordCount });
    }
    if (run.status !== 'running') return { ...summaryOf(run), openPositions: [] as number[] };
    const open = await tx
      .select({ position: distillationRunKeywords.position })
      .from(distillationRunKeywords)
      .where(and(eq(distillationRunKeywords.runId, runId), inArray(distillationRunKeywords.state, [...OPEN_STATES])))
      .orderBy(distillationRunKeywords.position);
    return { ...summaryOf(run), openPositions: open.map((k) => k.position) };
  });
}

/** Locks the keyword with its run's account and options; undefined once it is settled (done, failed, canceled). */
async function lockOpenKeyword(tx: Tx, runId: number, position: number) {
  const [row] = await tx
    .select({ keyword: distillationRunKeywords.keyword, state: distillationRunKeywords.state, attempts: distillationRunKeywords.attempts })
    .from(distillationRunKeywords)
    .where(and(eq(distillationRunKeywords.runId, runId), eq(distillationRunKeywords.position, position)))
    .for('update');
  if (!row || !(OPEN_STATES as readonly string[]).includes(row.state)) return undefined;
  return row;
}

/**
 * An attempt at a keyword begins: running, one more attempt, in one statement (it runs before every LLM
 * call). Answers what to ask, or undefined once the keyword is settled.
 */
export async function beginKeyword(db: Db, runId: number, position: number) {
  const [row] = await db.execute<{ keyword: string; attempts: number; count: number; language: string | null; account_id: number }>(sql`
    UPDATE ${distillationRunKeywords} k SET state = 'running', attempts = k.attempts + 1, updated_at = now()
    FROM ${distillationRuns} r
    WHERE k.run_id = ${runId} AND k.position = ${position} AND r.id = k.run_id AND k.state IN ('pending', 'running')
    RETURNING k.keyword, k.attempts, r.questions_per_keyword AS count, r.language, r.account_id`);
  if (!row) return undefined;
  return { keyword: row.keyword, count: row.count, language: row.language, accountId: row.account_id, attempt: row.attempts };
}

export interface KeywordAnswer {
  questions: string[];
  provider: string;
  model: string;
  promptTokens: number;
  completionTokens: number;
}

/**
 * Keeps a keyword's answer in one transaction, once (a retry after the commit, or a keyword canceled
 * meanwhile, is a no-op): questions deduplicated within the answer and against the keyword's topics; with
 * review they wait as pending_review, else they join the pool at once. Tokens are counted on the keyword and the run.
 */
export async function saveKeywordAnswer(db: Db, runId: number, position: number, answer: KeywordAnswer): Promise<DistilledKeyword> {
  return db.transaction(async (tx) => {
    const row = await lockOpenKeyword(tx, runId, position);
    if (!row) return { state: 'settled' };
    // Its options never change: read unlocked, so concurrent saves of the run queue only on its counters' update.
    const [run] = await tx.select({ review: distillationRuns.review, accountId: distillationRuns.accountId }).from(distillationRuns).where(eq(distillationRuns.id, runId));
    if (!run) throw notFound('distillation run', runId);
    let kept: string[];
    let distillationId: number | null = null;
    if (run.review) {
      kept = dedupeQuestions(answer.questions, await existingTopicsOf(tx, run.accountId, row.keyword)).kept;
    } else {
      const pooled = await addQuestionsToPool(tx, run.accountId, row.keyword, dedupeQuestions(answer.questions, []).kept);
      [kept, distillationId] = [pooled.added, pooled.distillationId];
    }
    if (kept.length > 0) {
      await tx.insert(distillationRunQuestions).values(kept.map((question) => ({ runId, position, question, state: run.review ? ('pending_review' as const) : ('added' as const) })));
    }
    const duplicates = answer.questions.length - kept.length;
    await tx
      .update(distillationRunKeywords)
      .set({ state: 'done', error: null, distillationId, duplicateCount: duplicates, promptTokens: answer.promptTokens, completionTokens: answer.completionTokens, updatedAt: sql`now()` })
      .where(and(eq(distillationRunKeywords.runId, runId), eq(distillationRunKeywords.position, position)));
    const [after] = await tx
      .update(distillationRuns)
      .set({
        doneCount: sql`${distillationRuns.doneCount} + 1`,
        promptTokens: sql`${distillationRuns.promptTokens} + ${answer.promptTokens}`,
        completionTokens: sql`${distillationRuns.completionTokens} + ${answer.completionTokens}`,
        provider: answer.provider,
        model: answer.model,
        updatedAt: sql`now()`,
      })
      .where(eq(distillationRuns.id, runId))
      .returning();
    await appendRunEvent(tx, after!, 'distillation.keyword.done', { position, keyword: row.keyword, questionCount: kept.length, duplicateCount: duplicates, distillationId, ...countsOf(after!) });
    return { state: 'done', kept: kept.length, duplicates };
  });
}

/** A keyword failed for good (the model's answer held nothing usable, or the provider failed every attempt); once. */
export async function failKeyword(db: Db, runId: number, position: number, error: string, tokens?: { promptTokens: number; completionTokens: number }) {
  return db.transaction(async (tx): Promise<DistilledKeyword> => {
    const row = await lockOpenKeyword(tx, runId, position);
    if (!row) return { state: 'settled' };
    await lockRun(tx, runId);
    await tx
      .update(distillationRunKeywords)
      .set({ state: 'failed', error, promptTokens: tokens?.promptTokens ?? 0, completionTokens: tokens?.completionTokens ?? 0, updatedAt: sql`now()` })
      .where(and(eq(distillationRunKeywords.runId, runId), eq(distillationRunKeywords.position, position)));
    const [after] = await tx
      .update(distillationRuns)
      .set({
        failedCount: sql`${distillationRuns.failedCount} + 1`,
        promptTokens: sql`${distillationRuns.promptTokens} + ${tokens?.promptTokens ?? 0}`,
        completionTokens: sql`${distillationRuns.completionTokens} + ${tokens?.completionTokens ?? 0}`,
        updatedAt: sql`now()`,
      })
      .where(eq(distillationRuns.id, runId))
      .returning();
    await appendRunEvent(tx, after!, 'distillation.keyword.failed', { position, keyword: row.keyword, error, ...countsOf(after!) });
    return { state: 'failed', error };
  });
}

const countsOf = (r: typeof distillationRuns.$inferSelect) => ({ keywordCount: r.keywordCount, doneCount: r.doneCount, failedCount: r.failedCount, canceledCount: r.canceledCount });

/**
 * Ends the run once: canceled (its unfinished keywords end canceled; finished ones keep their questions),
 * else completed when a keyword was done, failed when none was. A finished run is answered as it is.
 */
export async function finishRun(db: Db, runId: number, outcome?: 'canceled'): Promise<DistillationRunSummary> {
  return db.transaction(async (tx) => {
    // Keywords before the run, in the order a keyword's save takes them: no deadlock with a save in flight.
    await tx
      .select({ position: distillationRunKeywords.position })
      .from(distillationRunKeywords)
      .where(and(eq(distillationRunKeywords.runId, runId), inArray(distillationRunKeywords.state, [...OPEN_STATES])))
      .orderBy(distillationRunKeywords.position)
      .for('update');
    const run = await lockRun(tx, runId);
    if (TERMINAL_RUN_STATUSES.includes(run.status)) return summaryOf(run);
    const canceled = outcome === 'canceled'
      ? await tx
          .update(distillationRunKeywords)
          .set({ state: 'canceled', error: RUN_CANCELED_REASON, updatedAt: sql`now()` })
          .where(and(eq(distillationRunKeywords.runId, runId), inArray(distillationRunKeywords.state, [...OPEN_STATES])))
          .returning({ position: distillationRunKeywords.position })
      : [];
    const status = outcome ?? (run.doneCount > 0 || run.keywordCount === 0 ? 'completed' : 'failed');
    const errorMessage = status === 'canceled' ? RUN_CANCELED_REASON : status === 'failed' ? await failureSummary(tx, runId) : null;
    const [after] = await tx
      .update(distillationRuns)
      .set({ status, errorMessage, canceledCount: sql`${distillationRuns.canceledCount} + ${canceled.length}`, completedAt: sql`now()`, updatedAt: sql`now()` })
      .where(eq(distillationRuns.id, runId))
      .returning();
    await appendRunEvent(tx, after!, `distillation.run.${status}`, { ...countsOf(after!), errorMessage });
    await enqueueRunFinished(tx, after!);
    return summaryOf(after!);
  });
}

async function failureSummary(tx: Tx, runId: number) {
  const rows = await tx
    .select({ error: distillationRunKeywords.error })
    .from(distillationRunKeywords)
    .where(and(eq(distillationRunKeywords.runId, runId), eq(distillationRunKeywords.state, 'failed')))
    .orderBy(distillationRunKeywords.position)
    .limit(1);
  return `every keyword failed${rows[0]?.error ? `; the first: ${rows[0].error}` : ''}`;
}

/** A run whose workflow could not start: its keywords and the run end failed with the reason. */
export async function abandonRun(db: Db, runId: number, reason: string) {
  await db.transaction(async (tx) => {
    const run = await lockRun(tx, runId);
    if (TERMINAL_RUN_STATUSES.includes(run.status)) return;
    const failed = await tx
      .update(distillationRunKeywords)
      .set({ state: 'failed', error: reason, updatedAt: sql`now()` })
      .where(and(eq(distillationRunKeywords.runId, runId), inArray(distillationRunKeywords.state, [...OPEN_STATES])))
      .returning({ position: distillationRunKeywords.position });
    const [after] = await tx
      .update(distillationRuns)
      .set({ status: 'failed', errorMessage: reason, failedCount: sql`${distillationRuns.failedCount} + ${failed.length}`, completedAt: sql`now()`, updatedAt: sql`now()` })
      .where(eq(distillationRuns.id, runId))
      .returning();
    await appendRunEvent(tx, after!, 'distillation.run.failed', { ...countsOf(after!), errorMessage: reason });
    await enqueueRunFinished(tx, after!);
  });
}

/**
 * A run's end, in its final transaction as a task's final event is: the webhook event
 * (distillation.run.<status>) and the account's notification (distillation.finished).
 */
async function enqueueRunFinished(tx: Tx, run: typeof distillationRuns.$inferSelect) {
  const [q] = await tx
    .select({
      added: sql<number>`count(*) FILTER (WHERE ${distillationRunQuestions.state} IN ('added', 'accepted'))::int`,
      pending: sql<number>`count(*) FILTER (WHERE ${distillationRunQuestions.state} = 'pending_review')::int`,
    })
    .from(distillationRunQuestions)
    .where(eq(distillationRunQuestions.runId, run.id));
  const payload = {
    runId: run.id,
    status: run.status as 'completed',
    ...countsOf(run),
    questionsAdded: q!.added,
    questionsPendingReview: q!.pending,
    promptTokens: run.promptTokens,
    completionTokens: run.completionTokens,
    errorMessage: run.errorMessage,
  };
  await enqueueWebhookEvent(tx, run.accountId, `distillation.run.${run.status}` as 'distillation.run.completed', payload);
  checkStoredTaskEvent('distillation.finished', payload);
  await tx.insert(taskEvents).values({ accountId: run.accountId, runId: run.id, type: 'distillation.finished', data: payload });
}

/** The account a run belongs to (to start its webhook deliveries after the commit). */
export async function runAccountId(db: Db, runId: number) {
  const [run] = await db.select({ accountId: distillationRuns.accountId }).from(distillationRuns).where(eq(distillationRuns.id, runId));
  if (!run) throw notFound('distillation run', runId);
  return run.accountId;
}
