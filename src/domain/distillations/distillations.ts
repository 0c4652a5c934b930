import { and, asc, count, desc, eq, ilike, inArray, isNull, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client.js';
import { distillations, topics } from '../../db/schema.js';
import { notFound } from '../errors.js';
import { countSelectableDistillations } from '../tasks/selection.js';

export interface DistillationInput {
  keyword: string;
  topics: string[];
}

const publicColumns = {
  id: distillations.id,
  keyword: distillations.keyword,
  usageCount: distillations.usageCount,
  reservedCount: distillations.reservedCount,
  topicCount: distillations.topicCount,
  createdAt: distillations.createdAt,
  updatedAt: distillations.updatedAt,
  deletedAt: distillations.deletedAt,
};

/**
 * Inserts topics as one jsonb parameter unpacked by PostgreSQL: drizzle's VALUES list spends three
 * parameters per row (an import of 200,000 topics passes PostgreSQL's 65,535) and builds the SQL on the
 * event loop.
 */
async function insertTopics(tx: DbOrTx, lists: { distillationId: number; questions: string[] }[]) {
  const payload = lists.filter((l) => l.questions.length > 0).map((l) => ({ d: l.distillationId, q: l.questions }));
  if (payload.length === 0) return;
  await tx.execute(sql`
    INSERT INTO ${topics} (distillation_id, question, position)
    SELECT (item->>'d')::int, q.question, (q.ord - 1)::int
    FROM jsonb_array_elements(${JSON.stringify(payload)}::jsonb) AS item,
         jsonb_array_elements_text(item->'q') WITH ORDINALITY AS q(question, ord)`);
}

async function writeTopics(tx: DbOrTx, distillationId: number, questions: string[]) {
  await tx.delete(topics).where(eq(topics.distillationId, distillationId));
  await insertTopics(tx, [{ distillationId, questions }]);
  await tx
    .update(distillations)
    .set({ topicCount: questions.length, updatedAt: sql`now()` })
    .where(eq(distillations.id, distillationId));
}

/** Creates distillations and their topics in one transaction; topic_count is written with them. */
export async function createDistillations(db: Db, accountId: number, inputs: DistillationInput[]) {
  return db.transaction(async (tx) => {
    const rows = await tx
      .insert(distillations)
      .values(inputs.map((i) => ({ accountId, keyword: i.keyword, topicCount: i.topics.length })))
      .returning({ id: distillations.id });
    await insertTopics(tx, rows.map((r, i) => ({ distillationId: r.id, questions: inputs[i]!.topics })));
    return rows.map((r) => r.id);
  });
}

export async function replaceTopics(db: Db, accountId: number, id: number, questions: string[]) {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .select({ id: distillations.id })
      .from(distillations)
      .where(and(eq(distillations.id, id), eq(distillations.accountId, accountId), isNull(distillations.deletedAt)))
      .for('update');
    if (!row) throw notFound('distillation', id);
    await writeTopics(tx, id, questions);
  });
  return getDistillation(db, accountId, id);
}

export async function getDistillation(db: DbOrTx, accountId: number, id: number) {
  const [row] = await db
    .select(publicColumns)
    .from(distillations)
    .where(and(eq(distillations.id, id), eq(distillations.accountId, accountId), isNull(distillations.deletedAt)));
  if (!row) throw notFound('distillation', id);
  const topicRows = await db
    .select({ question: topics.question })
    .from(topics)
    .where(eq(topics.distillationId, id))
    .orderBy(asc(topics.position));
  return { ...row, topics: topicRows.map((t) => t.question) };
}

/**
 * A page of the account's distillations (`search` matches anywhere in the keyword, case-insensitively;
 * its % and _ are literal), `total` of every page, and `selectable`: how many of the whole account a task
 * can use right now (total also counts rows without topics, which no task picks).
 */
export async function listDistillations(db: DbOrTx, accountId: number, page: number, pageSize: number, search?: string) {
  const pattern = search ? `%${search.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%` : undefined;
  const where = and(eq(distillations.accountId, accountId), isNull(distillations.deletedAt), pattern ? ilike(distillations.keyword, pattern) : undefined);
  const [rows, [total], selectable] = await Promise.all([
    db
      .select(publicColumns)
      .from(distillations)
      .where(where)
      .orderBy(desc(distillations.createdAt), desc(distillations.id))
      .limit(pageSize)
      .offset((page - 1) * pageSize),
    db.select({ n: count() }).from(distillations).where(where),
    countSelectableDistillations(db, accountId),
  ]);
  return { items: rows, page, pageSize, total: total?.n ?? 0, selectable };
}

/** Soft delete: usage history and past articles keep pointing at the row. */
export async function deleteDistillation(db: DbOrTx, accountId: number, id: number) {
  const rows = await db
    .update(distillations)
    .set({ deletedAt: sql`now()`, updatedAt: sql`now()` })
    .where(and(eq(distillations.id, id), eq(distillations.accountId, accountId), isNull(distillations.deletedAt)))
    .returning({ id: distillations.id });
  if (rows.length === 0) throw notFound('distillation', id);
}

/** Keywords of the given ids (deleted ones included), for task details. */
export async function keywordsByIds(db: DbOrTx, ids: number[]) {
  if (ids.length === 0) return new Map<number, { keyword: string; deleted: boolean }>();
  const rows = await db
    .select({ id: distillations.id, keyword: distillations.keyword, deletedAt: distillations.deletedAt })
    .from(distillations)
    .where(inArray(distillations.id, ids));
  return new Map(rows.map((r) => [r.id, { keyword: r.keyword, deleted: r.deletedAt !== null }]));
}
