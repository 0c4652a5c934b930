import { sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { TASK_STATUSES, type TaskStatus } from '../../db/schema.js';

export interface Durations {
  mean: number | null;
  p95: number | null;
}

export interface StatsWindow {
  tasks: { byStatus: Record<TaskStatus, number>; total: number };
  articles: { total: number; approved: number; pendingReview: number };
  tokens: { prompt: number; completion: number; total: number };
  articleDurationMs: Durations;
  /** Failed + skipped articles over finished ones (saved, failed, skipped), 0..1; null when none finished. */
  failureRate: number | null;
  /** From started_at to completed_at of finished tasks. */
  taskDurationMs: Durations;
}

export interface AccountStats {
  last24h: StatsWindow;
  allTime: StatsWindow;
  /** Live (not deleted) articles in pending_review now, whenever they were written: the review queue. */
  awaitingReview: number;
}

const DAY_MS = 24 * 3600 * 1000;

const filterFor = (inWindow: SQL) => (extra?: SQL) =>
  extra ? sql`FILTER (WHERE ${inWindow} AND ${extra})` : sql`FILTER (WHERE ${inWindow})`;

/** The aggregates of one window, as columns prefixed `${w}_`; the window's rows are those passing `inWindow`. */
function taskAggregates(w: string, inWindow: SQL) {
  const f = filterFor(inWindow);
  const duration = sql`extract(epoch FROM (completed_at - started_at)) * 1000`;
  const finished = sql`completed_at IS NOT NULL AND started_at IS NOT NULL AND status IN ('completed','failed','canceled','timeout')`;
  const byStatus = TASK_STATUSES.map((s) => sql`count(*) ${f(sql`status = ${s}`)}::int AS ${sql.identifier(`${w}_${s}`)}`);
  return sql.join(
    [
      ...byStatus,
      sql`count(*) ${f()}::int AS ${sql.identifier(`${w}_total`)}`,
      sql`coalesce(sum(failed_count + skipped_count) ${f()}, 0)::float8 AS ${sql.identifier(`${w}_not_written`)}`,
      sql`coalesce(sum(prompt_tokens) ${f()}, 0)::float8 AS ${sql.identifier(`${w}_prompt_tokens`)}`,
      sql`coalesce(sum(completion_tokens) ${f()}, 0)::float8 AS ${sql.identifier(`${w}_completion_tokens`)}`,
      sql`coalesce(sum(generated_count + failed_count + skipped_count) ${f()}, 0)::float8 AS ${sql.identifier(`${w}_finished_items`)}`,
      sql`round(avg(${duration}) ${f(finished)})::float8 AS ${sql.identifier(`${w}_duration_mean`)}`,
      sql`round((percentile_cont(0.95) WITHIN GROUP (ORDER BY ${duration}) ${f(finished)})::numeric)::float8 AS ${sql.identifier(`${w}_duration_p95`)}`,
    ],
    sql`, `,
  );
}

function articleAggregates(w: string, inWindow: SQL) {
  const f = filterFor(inWindow);
  return sql.join(
    [
      sql`count(*) ${f()}::int AS ${sql.identifier(`${w}_total`)}`,
      sql`count(*) ${f(sql`review_status = 'approved'`)}::int AS ${sql.identifier(`${w}_approved`)}`,
      sql`count(*) ${f(sql`review_status = 'pending_review'`)}::int AS ${sql.identifier(`${w}_pending_review`)}`,
      sql`round(avg(duration_ms) ${f()})::float8 AS ${sql.identifier(`${w}_duration_mean`)}`,
      sql`round((percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms) ${f()})::numeric)::float8 AS ${sql.identifier(`${w}_duration_p95`)}`,
    ],
    sql`, `,
  );
}

type Row = Record<string, number | null>;

function toWindow(w: string, t: Row, a: Row): StatsWindow {
  const n = (r: Row, k: string) => Number(r[`${w}_${k}`] ?? 0);
  const nullable = (r: Row, k: string) => r[`${w}_${k}`] ?? null;
  const byStatus = Object.fromEntries(TASK_STATUSES.map((s) => [s, n(t, s)])) as Record<TaskStatus, number>;
  const finishedItems = n(t, 'finished_items');
  // Tokens are the tasks' (what the LLM was paid for, drafts the quality gate refused included).
  const prompt = n(t, 'prompt_tokens');
  const completion = n(t, 'completion_tokens');
  return {
    tasks: { byStatus, total: n(t, 'total') },
    articles: { total: n(a, 'total'), approved: n(a, 'approved'), pendingReview: n(a, 'pending_review') },
    tokens: { prompt, completion, total: prompt + completion },
    articleDurationMs: { mean: nullable(a, 'duration_mean'), p95: nullable(a, 'duration_p95') },
    failureRate: finishedItems > 0 ? n(t, 'not_written') / finishedItems : null,
    taskDurationMs: { mean: nullable(t, 'duration_mean'), p95: nullable(t, 'duration_p95') },
  };
}

/**
 * An account's usage since 24 hours before `now` and over all time, in two queries (tasks,
 * articles), each aggregating both windows. Tasks count in a window by their creation, articles by
 * theirs; the failure rate, task durations and tokens are over the window's tasks.
 */
export async function accountStats(db: DbOrTx, accountId: number, now: Date): Promise<AccountStats> {
  const recent = sql`created_at >= ${new Date(now.getTime() - DAY_MS).toISOString()}::timestamptz`;
  const everything = sql`true`;
  const [tasks, articles, queue] = await Promise.all([
    db.execute<Row>(sql`
      SELECT ${taskAggregates('d', recent)}, ${taskAggregates('all', everything)}
      FROM generation_tasks WHERE account_id = ${accountId}`),
    db.execute<Row>(sql`
      SELECT ${articleAggregates('d', recent)}, ${articleAggregates('all', everything)}
      FROM articles WHERE account_id = ${accountId}`),
    db.execute<{ n: number }>(sql`
      SELECT count(*)::int AS n FROM articles WHERE account_id = ${accountId} AND review_status = 'pending_review' AND deleted_at IS NULL`),
  ]);
  const t = tasks[0] ?? {};
  const a = articles[0] ?? {};
  return { last24h: toWindow('d', t, a), allTime: toWindow('all', t, a), awaitingReview: queue[0]?.n ?? 0 };
}
