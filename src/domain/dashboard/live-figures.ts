import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';

/** What is waiting right now in an account. */
export interface LiveFigures {
  /** Live articles in pending_review. */
  reviewBacklog: number;
  runningTasks: number;
  /** Tasks created and not started yet (status pending). */
  queuedTasks: number;
  /** Requests to a model in the last 24 hours, and how many of them failed. */
  llmRequests24h: number;
  llmFailed24h: number;
  /** Webhook deliveries not yet sent, and when the oldest was written (null: none). */
  webhookBacklog: number;
  webhookOldest: Date | null;
}

/** The dashboard's figures in one round trip: each a count over a (partial) index of the account's rows. */
export async function liveFigures(db: DbOrTx, accountId: number, now: Date): Promise<LiveFigures> {
  const dayAgo = new Date(now.getTime() - 86_400_000).toISOString();
  const [row] = await db.execute<{ review: number; running: number; queued: number; llm: number; llm_failed: number; webhooks: number; oldest: number | null }>(sql`
    SELECT
      (SELECT count(*) FROM articles WHERE account_id = ${accountId} AND review_status = 'pending_review' AND deleted_at IS NULL)::int AS review,
      (SELECT count(*) FROM generation_tasks WHERE account_id = ${accountId} AND status = 'running')::int AS running,
      (SELECT count(*) FROM generation_tasks WHERE account_id = ${accountId} AND status = 'pending')::int AS queued,
      l.n AS llm, l.failed AS llm_failed, w.n AS webhooks, w.oldest AS oldest
    FROM
      (SELECT count(*)::int AS n, count(*) FILTER (WHERE outcome = 'failed')::int AS failed
         FROM llm_attempts WHERE account_id = ${accountId} AND created_at >= ${dayAgo}::timestamptz) l,
      (SELECT count(*)::int AS n, (extract(epoch FROM min(created_at)) * 1000)::float8 AS oldest
         FROM webhook_deliveries WHERE account_id = ${accountId} AND status = 'pending') w`);
  return {
    reviewBacklog: row?.review ?? 0,
    runningTasks: row?.running ?? 0,
    queuedTasks: row?.queued ?? 0,
    llmRequests24h: row?.llm ?? 0,
    llmFailed24h: row?.llm_failed ?? 0,
    webhookBacklog: row?.webhooks ?? 0,
    webhookOldest: row?.oldest == null ? null : new Date(Number(row.oldest)),
  };
}
