import { and, asc, count, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../db/client.js';
import { distillations, topics } from '../db/schema.js';
import { notFound } from './errors.js';

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

async function writeTopics(tx: DbOrTx, distillationId: number, questions: string[]) {
  await tx.delete(topics).where(eq(topics.distillationId, distillationId));
  if (questions.length > 0) {
    await tx.insert(topics).values(questions.map((question, position) => ({ distillationId, question, position })));
  }
  await tx
    .update(distillations)
    .set({ topicCount: questions.length, updatedAt: sql`now()` })
    .where(eq(distillations.id, distillationId));
}

/** Creates a distillation and its topics; topic_count is written in the same transaction. */
export async function createDistillations(db: Db, accountId: number, inputs: DistillationInput[]) {
  return db.transaction(async (tx) => {
    const rows = await tx
      .insert(distillations)
      .values(inputs.map((i) => ({ accountId, keyword: i.keyword, topicCount: i.topics.length })))
      .returning({ id: distillations.id });
    const topicRows = rows.flatMap((r, i) =>
      inputs[i]!.topics.map((question, position) => ({ distillationId: r.id, question, position })),
    );
    if (topicRows.length > 0) await tx.insert(topics).values(topicRows);
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

export async function listDistillations(db: DbOrTx, accountId: number, page: number, pageSize: number) {
  const where = and(eq(distillations.accountId, accountId), isNull(distillations.deletedAt));
  const [rows, [total]] = await Promise.all([
    db
      .select(publicColumns)
      .from(distillations)
      .where(where)
      .orderBy(desc(distillations.createdAt), desc(distillations.id))
      .limit(pageSize)
      .offset((page - 1) * pageSize),
    db.select({ n: count() }).from(distillations).where(where),
  ]);
  return { items: rows, page, pageSize, total: total?.n ?? 0 };
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
