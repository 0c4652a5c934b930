import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { Tx } from '../../../db/client.js';
import { distillations, topics } from '../../../db/schema.js';
import { dedupeQuestions } from './question-dedup.js';
import { ADVISORY_LOCK } from '../../../db/advisory-locks.js';

/** Serialises finding or creating the live distillation of one keyword in one account. */
const ADVISORY_KEYWORD_CLASS = ADVISORY_LOCK.poolKeyword;

/** Keywords are the same when equal after trimming, ignoring case. */
export const keywordKey = (keyword: string) => keyword.trim().toLowerCase();

/** The account's oldest live distillation of `keyword` (locked), with its topics; undefined when none. */
async function liveDistillationOf(tx: Tx, accountId: number, keyword: string) {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(${ADVISORY_KEYWORD_CLASS}, hashtext(${`${accountId}|${keywordKey(keyword)}`}))`);
  const [row] = await tx
    .select({ id: distillations.id })
    .from(distillations)
    .where(and(eq(distillations.accountId, accountId), isNull(distillations.deletedAt), sql`lower(btrim(${distillations.keyword})) = ${keywordKey(keyword)}`))
    .orderBy(asc(distillations.id))
    .limit(1)
    .for('update');
  if (!row) return undefined;
  const existing = await tx.select({ question: topics.question, position: topics.position }).from(topics).where(eq(topics.distillationId, row.id));
  return { id: row.id, questions: existing.map((t) => t.question), nextPosition: Math.max(-1, ...existing.map((t) => t.position)) + 1 };
}

/** The keyword's topics today (its live distillation's), for deduplicating an answer before review. */
export async function existingTopicsOf(tx: Tx, accountId: number, keyword: string) {
  return (await liveDistillationOf(tx, accountId, keyword))?.questions ?? [];
}

/**
 * Adds questions to the pool as topics of the keyword: to the account's live distillation of it, else
 * to a new one (counts at zero, as an import starts them). Deduplicated against its topics first; topic_count
 * moves in the same transaction. Answers the distillation (null when nothing was new and none existed) and
 * the questions added.
 */
export async function addQuestionsToPool(tx: Tx, accountId: number, keyword: string, questions: string[]) {
  const live = await liveDistillationOf(tx, accountId, keyword);
  const { kept } = dedupeQuestions(questions, live?.questions ?? []);
  if (kept.length === 0) return { distillationId: live?.id ?? null, added: [] as string[] };
  let distillationId = live?.id;
  if (distillationId === undefined) {
    const [row] = await tx.insert(distillations).values({ accountId, keyword: keyword.trim() }).returning({ id: distillations.id });
    distillationId = row!.id;
  }
  const from = live?.nextPosition ?? 0;
  await tx.insert(topics).values(kept.map((question, i) => ({ distillationId: distillationId!, question, position: from + i })));
  await tx
    .update(distillations)
    .set({ topicCount: sql`${distillations.topicCount} + ${kept.length}`, updatedAt: sql`now()` })
    .where(eq(distillations.id, distillationId));
  return { distillationId, added: kept };
}
