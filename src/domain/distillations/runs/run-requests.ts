import { sql } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../../db/client.js';
import { distillationRunKeywords, distillationRuns } from '../../../db/schema.js';
import { distillationRunWorkflowId } from '../../../shared/distillation-runs.js';
import { AppError } from '../../errors.js';
import { uniqueKeywords, type DistillationRunInput } from './run-input.js';
import { ADVISORY_LOCK } from '../../../db/advisory-locks.js';

const ADVISORY_RUN_QUOTA_CLASS = ADVISORY_LOCK.runQuota;

/** Keywords the account submitted to runs today (UTC), and when the day ends. */
export async function keywordsDistilledToday(db: DbOrTx, accountId: number) {
  const [row] = await db.execute<{ used: number; resets_at: string }>(sql`
    WITH day AS (SELECT date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS start)
    SELECT coalesce((SELECT sum(keyword_count) FROM distillation_runs r, day WHERE r.account_id = ${accountId} AND r.created_at >= day.start), 0)::int AS used,
           (SELECT start + interval '1 day' FROM day) AS resets_at`);
  return { used: row!.used, resetsAt: new Date(row!.resets_at) };
}

async function checkDailyKeywords(tx: Tx, accountId: number, requested: number, limit: number | null) {
  if (limit === null) return;
  await tx.execute(sql`SELECT pg_advisory_xact_lock(${ADVISORY_RUN_QUOTA_CLASS}, ${accountId})`);
  const { used, resetsAt } = await keywordsDistilledToday(tx, accountId);
  const remaining = Math.max(0, limit - used);
  if (requested <= remaining) return;
  throw new AppError(
    429,
    'QUOTA_EXCEEDED',
    `This account may distil ${limit} keywords per day (UTC); ${remaining} are left today, but ${requested} were sent. Send at most ${remaining}, or wait until ${resetsAt.toISOString()}.`,
    { quota: 'distilledKeywordsPerDay', limit, used, remaining, requested, resetsAt: resetsAt.toISOString() },
  );
}

/**
 * Records a run and its keywords (state pending) in one transaction, within the account's daily keyword
 * quota (429 QUOTA_EXCEEDED, nothing kept). The caller starts its workflow after the commit.
 */
export async function createDistillationRun(tx: Tx, accountId: number, input: DistillationRunInput, maxKeywordsPerDay: number | null) {
  const keywords = uniqueKeywords(input.keywords);
  await checkDailyKeywords(tx, accountId, keywords.length, maxKeywordsPerDay);
  const [run] = await tx
    .insert(distillationRuns)
    .values({ accountId, questionsPerKeyword: input.questionsPerKeyword, language: input.language ?? null, review: input.review, keywordCount: keywords.length })
    .returning({ id: distillationRuns.id });
  await tx.execute(sql`UPDATE ${distillationRuns} SET workflow_id = ${distillationRunWorkflowId(run!.id)} WHERE id = ${run!.id}`);
  await tx.insert(distillationRunKeywords).values(keywords.map((keyword, position) => ({ runId: run!.id, position, keyword })));
  return run!.id;
}
