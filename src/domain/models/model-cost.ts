import { and, asc, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { llmAttempts } from '../../db/schema.js';
import { picoToDecimal } from '../../llm/models/spec.js';

/** A sum of money: an exact decimal string of `currency` (tokens x prices, no rounding). */
export interface Money {
  amount: string;
  currency: string;
}

/** What a set of attempts cost: `cost` when they were in one currency (null for none or several), `costByCurrency` always. */
export function costOf(sums: { currency: string; pico: bigint }[]) {
  const costByCurrency: Money[] = sums.map((s) => ({ amount: picoToDecimal(s.pico), currency: s.currency }));
  return { cost: costByCurrency.length === 1 ? costByCurrency[0]! : null, costByCurrency };
}

const sumsWhere = async (db: DbOrTx, where: ReturnType<typeof and>) => {
  const rows = await db
    .select({ currency: llmAttempts.currency, pico: sql<string>`sum(${llmAttempts.costPico})::text` })
    .from(llmAttempts)
    .where(where)
    .groupBy(llmAttempts.currency)
    .orderBy(asc(llmAttempts.currency));
  return costOf(rows.map((r) => ({ currency: r.currency, pico: BigInt(r.pico) })));
};

/** A task's cost: every request its articles made (refused drafts and failed attempts included: they were paid for). */
export const taskCost = (db: DbOrTx, taskId: number) => sumsWhere(db, eq(llmAttempts.taskId, taskId));

/** The requests of one article of a task, oldest first, with what each cost, and their sum. */
export async function articleAttempts(db: DbOrTx, taskId: number | null, position: number) {
  if (taskId === null) return { attempts: [], ...costOf([]) };
  const where = and(eq(llmAttempts.taskId, taskId), eq(llmAttempts.position, position));
  const [rows, sums] = await Promise.all([db.select().from(llmAttempts).where(where).orderBy(asc(llmAttempts.id)), sumsWhere(db, where)]);
  const attempts = rows.map((r) => ({
    id: r.id,
    attempt: r.attempt,
    model: r.modelId,
    outcome: r.outcome,
    errorKind: r.errorKind,
    errorStatus: r.errorStatus,
    promptTokens: r.promptTokens,
    completionTokens: r.completionTokens,
    cost: { amount: picoToDecimal(r.costPico), currency: r.currency },
    durationMs: r.durationMs,
    createdAt: r.createdAt,
  }));
  return { attempts, ...sums };
}
