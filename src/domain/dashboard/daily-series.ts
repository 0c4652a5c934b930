import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';

export const DASHBOARD_DAYS = 14;

/** One UTC day of the dashboard's charts. */
export interface DayFigures {
  /** YYYY-MM-DD, UTC. */
  day: string;
  saved: number;
  /** Items that ended without an article (failed or skipped). */
  failed: number;
  /** Saved articles the quality gate flagged. */
  flagged: number;
  /** Tokens: every request to a model when llm_attempts has rows for the window, else those of saved articles. */
  tokens: number;
  /** Cost in pico-units (1e-12) of `currency`, from llm_attempts; 0 without. */
  costPico: bigint;
}

export interface DailySeries {
  days: DayFigures[];
  /** Where the tokens come from: per-request records, or saved articles (before any request was recorded). */
  tokensFrom: 'attempts' | 'articles';
  /** The currency of the cost column (the most used one in the window), null when nothing was paid. */
  currency: string | null;
}

const DAY_MS = 86_400_000;
const dayKey = (d: Date) => d.toISOString().slice(0, 10);

/** The first instant of the window: midnight UTC, `DASHBOARD_DAYS - 1` days before today. */
export function windowStart(now: Date): Date {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return new Date(today - (DASHBOARD_DAYS - 1) * DAY_MS);
}

type Count = { day: string; n: number };

/**
 * An account's last 14 UTC days, oldest first, every day present: articles saved and flagged (articles by
 * account and creation time), items that failed (the items of the account's tasks with failures made in the window or
 * the day before, by their last change), and tokens and cost per day (llm_attempts by account and time). Three index
 * range scans; bench/pages.ts prints their plans.
 */
export async function dailySeries(db: DbOrTx, accountId: number, now: Date): Promise<DailySeries> {
  const since = windowStart(now);
  const sinceIso = since.toISOString();
  // Grouped by the UTC date (a cheap cast per row), written as text once per group.
  const date = (column: string) => sql.raw(`(${column} AT TIME ZONE 'UTC')::date`);
  const day = (column: string) => sql.raw(`((${column} AT TIME ZONE 'UTC')::date)::text`);
  const [articleRows, failedRows, attemptRows] = await Promise.all([
    db.execute<Count & { flagged: number; tokens: number }>(sql`
      SELECT ${day('created_at')} AS day, count(*)::int AS n,
             count(*) FILTER (WHERE jsonb_array_length(quality_flags) > 0)::int AS flagged,
             coalesce(sum(prompt_tokens + completion_tokens), 0)::float8 AS tokens
      FROM articles WHERE account_id = ${accountId} AND created_at >= ${sinceIso}::timestamptz
      GROUP BY ${date('created_at')}`),
    db.execute<Count>(sql`
      SELECT ${day('i.updated_at')} AS day, count(*)::int AS n
      FROM generation_tasks t JOIN task_items i ON i.task_id = t.id
      WHERE t.account_id = ${accountId} AND t.created_at >= ${sinceIso}::timestamptz - interval '1 day'
        AND t.failed_count + t.skipped_count > 0
        AND i.state IN ('failed', 'skipped') AND i.updated_at >= ${sinceIso}::timestamptz
      GROUP BY ${date('i.updated_at')}`),
    db.execute<{ day: string; currency: string; tokens: number; cost: string }>(sql`
      SELECT ${day('created_at')} AS day, currency,
             coalesce(sum(prompt_tokens + completion_tokens), 0)::float8 AS tokens, coalesce(sum(cost_pico), 0)::text AS cost
      FROM llm_attempts WHERE account_id = ${accountId} AND created_at >= ${sinceIso}::timestamptz
      GROUP BY ${date('created_at')}, currency`),
  ]);
  const byCurrency = new Map<string, bigint>();
  for (const r of attemptRows) byCurrency.set(r.currency, (byCurrency.get(r.currency) ?? 0n) + BigInt(r.cost));
  const currency = [...byCurrency.entries()].sort((a, b) => (a[1] === b[1] ? 0 : a[1] > b[1] ? -1 : 1))[0]?.[0] ?? null;
  const tokensFrom = attemptRows.length > 0 ? 'attempts' : 'articles';
  const days: DayFigures[] = [];
  for (let i = 0; i < DASHBOARD_DAYS; i++) {
    const key = dayKey(new Date(since.getTime() + i * DAY_MS));
    const a = articleRows.find((r) => r.day === key);
    const attempts = attemptRows.filter((r) => r.day === key);
    days.push({
      day: key,
      saved: a?.n ?? 0,
      failed: failedRows.find((r) => r.day === key)?.n ?? 0,
      flagged: a?.flagged ?? 0,
      tokens: tokensFrom === 'attempts' ? attempts.reduce((s, r) => s + Number(r.tokens), 0) : Number(a?.tokens ?? 0),
      costPico: attempts.filter((r) => r.currency === currency).reduce((s, r) => s + BigInt(r.cost), 0n),
    });
  }
  return { days, tokensFrom, currency };
}
