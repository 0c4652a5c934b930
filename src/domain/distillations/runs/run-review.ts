import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { distillationRunKeywords, distillationRunQuestions, distillationRuns } from '../../../db/schema.js';
import { conflict, notFound } from '../../errors.js';
import { addQuestionsToPool } from './pool-topics.js';

/**
 * Settles every question of the run pending review, in one transaction: the named ones join the pool
 * (deduplicated again against the keyword's topics as they are now) and are `accepted`, every other one is
 * `rejected`. A named id that is not a question of the run pending review is 409 and changes nothing.
 * Keywords still being asked are not touched: their questions arrive later, pending review.
 */
export async function acceptRunQuestions(db: Db, accountId: number, runId: number, questionIds: number[]) {
  return db.transaction(async (tx) => {
    const [run] = await tx.select({ id: distillationRuns.id }).from(distillationRuns).where(and(eq(distillationRuns.id, runId), eq(distillationRuns.accountId, accountId))).for('update');
    if (!run) throw notFound('distillation run', runId);
    const pending = await tx
      .select({ id: distillationRunQuestions.id, position: distillationRunQuestions.position, question: distillationRunQuestions.question, keyword: distillationRunKeywords.keyword })
      .from(distillationRunQuestions)
      .innerJoin(distillationRunKeywords, and(eq(distillationRunKeywords.runId, distillationRunQuestions.runId), eq(distillationRunKeywords.position, distillationRunQuestions.position)))
      .where(and(eq(distillationRunQuestions.runId, runId), eq(distillationRunQuestions.state, 'pending_review')))
      .orderBy(distillationRunQuestions.position, distillationRunQuestions.id);
    const wanted = new Set(questionIds);
    const unknown = [...wanted].filter((id) => !pending.some((q) => q.id === id));
    if (unknown.length > 0) {
      throw conflict('QUESTION_NOT_PENDING_REVIEW', `Questions ${unknown.join(', ')} are not questions of run ${runId} pending review.`, { questionIds: unknown });
    }
    let accepted = 0;
    const keep = pending.filter((q) => wanted.has(q.id));
    for (const position of new Set(keep.map((q) => q.position))) {
      const ofKeyword = keep.filter((q) => q.position === position);
      const { distillationId, added } = await addQuestionsToPool(tx, accountId, ofKeyword[0]!.keyword, ofKeyword.map((q) => q.question));
      accepted += added.length;
      if (distillationId !== null) {
        await tx.update(distillationRunKeywords).set({ distillationId, updatedAt: sql`now()` }).where(and(eq(distillationRunKeywords.runId, runId), eq(distillationRunKeywords.position, position)));
      }
    }
    if (keep.length > 0) await tx.update(distillationRunQuestions).set({ state: 'accepted' }).where(inArray(distillationRunQuestions.id, keep.map((q) => q.id)));
    const drop = pending.filter((q) => !wanted.has(q.id)).map((q) => q.id);
    if (drop.length > 0) await tx.update(distillationRunQuestions).set({ state: 'rejected' }).where(inArray(distillationRunQuestions.id, drop));
    return { runId, accepted: keep.length, rejected: drop.length, addedTopics: accepted };
  });
}
