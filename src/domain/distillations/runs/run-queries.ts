import { and, asc, count, desc, eq, gt } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client.js';
import { distillationRunEvents, distillationRunKeywords, distillationRunQuestions, distillationRuns } from '../../../db/schema.js';
import { notFound } from '../../errors.js';

const runColumns = {
  id: distillationRuns.id,
  status: distillationRuns.status,
  questionsPerKeyword: distillationRuns.questionsPerKeyword,
  language: distillationRuns.language,
  review: distillationRuns.review,
  keywordCount: distillationRuns.keywordCount,
  doneCount: distillationRuns.doneCount,
  failedCount: distillationRuns.failedCount,
  canceledCount: distillationRuns.canceledCount,
  errorMessage: distillationRuns.errorMessage,
  workflowId: distillationRuns.workflowId,
  provider: distillationRuns.provider,
  model: distillationRuns.model,
  promptTokens: distillationRuns.promptTokens,
  completionTokens: distillationRuns.completionTokens,
  createdAt: distillationRuns.createdAt,
  updatedAt: distillationRuns.updatedAt,
  startedAt: distillationRuns.startedAt,
  completedAt: distillationRuns.completedAt,
};

/** The run's row, 404 when it is not the account's. */
export async function getRun(db: DbOrTx, accountId: number, runId: number) {
  const [run] = await db.select(runColumns).from(distillationRuns).where(and(eq(distillationRuns.id, runId), eq(distillationRuns.accountId, accountId)));
  if (!run) throw notFound('distillation run', runId);
  return run;
}

/** A run with each keyword's state (and why it failed) and the questions it kept, in keyword order. */
export async function getRunDetail(db: DbOrTx, accountId: number, runId: number) {
  const run = await getRun(db, accountId, runId);
  const [keywordRows, questionRows] = await Promise.all([
    db
      .select({
        position: distillationRunKeywords.position,
        keyword: distillationRunKeywords.keyword,
        state: distillationRunKeywords.state,
        error: distillationRunKeywords.error,
        attempts: distillationRunKeywords.attempts,
        distillationId: distillationRunKeywords.distillationId,
        duplicateCount: distillationRunKeywords.duplicateCount,
        promptTokens: distillationRunKeywords.promptTokens,
        completionTokens: distillationRunKeywords.completionTokens,
      })
      .from(distillationRunKeywords)
      .where(eq(distillationRunKeywords.runId, runId))
      .orderBy(asc(distillationRunKeywords.position)),
    db
      .select({ id: distillationRunQuestions.id, position: distillationRunQuestions.position, question: distillationRunQuestions.question, state: distillationRunQuestions.state })
      .from(distillationRunQuestions)
      .where(eq(distillationRunQuestions.runId, runId))
      .orderBy(asc(distillationRunQuestions.position), asc(distillationRunQuestions.id)),
  ]);
  const byPosition = new Map<number, typeof questionRows>();
  for (const q of questionRows) byPosition.set(q.position, [...(byPosition.get(q.position) ?? []), q]);
  const keywords = keywordRows.map((k) => ({ ...k, questions: (byPosition.get(k.position) ?? []).map(({ id, question, state }) => ({ id, question, state })) }));
  const pendingReview = questionRows.filter((q) => q.state === 'pending_review').length;
  return { ...run, pendingReviewCount: pendingReview, keywords };
}

/** A page of the account's runs, newest first. */
export async function listRuns(db: DbOrTx, accountId: number, page: number, pageSize: number) {
  const where = eq(distillationRuns.accountId, accountId);
  const [rows, [total]] = await Promise.all([
    db.select(runColumns).from(distillationRuns).where(where).orderBy(desc(distillationRuns.id)).limit(pageSize).offset((page - 1) * pageSize),
    db.select({ n: count() }).from(distillationRuns).where(where),
  ]);
  return { runs: rows, page, pageSize, total: total?.n ?? 0 };
}

/** The run's events after `afterId`, oldest first (its event stream reads them in batches). */
export async function listRunEventsAfter(db: DbOrTx, accountId: number, runId: number, afterId: number, limit: number) {
  return db
    .select({ id: distillationRunEvents.id, runId: distillationRunEvents.runId, type: distillationRunEvents.type, data: distillationRunEvents.data, createdAt: distillationRunEvents.createdAt })
    .from(distillationRunEvents)
    .where(and(eq(distillationRunEvents.accountId, accountId), eq(distillationRunEvents.runId, runId), gt(distillationRunEvents.id, afterId)))
    .orderBy(asc(distillationRunEvents.id))
    .limit(limit);
}

/** The run's newest event (a stream answers 204 to a client that already has the final one). */
export function latestRunEvent(db: DbOrTx, accountId: number, runId: number) {
  return db
    .select({ id: distillationRunEvents.id, type: distillationRunEvents.type })
    .from(distillationRunEvents)
    .where(and(eq(distillationRunEvents.accountId, accountId), eq(distillationRunEvents.runId, runId)))
    .orderBy(desc(distillationRunEvents.id))
    .limit(1);
}
