import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import type { CostGrouping } from '../../shared/cost-groupings.js';

/** What an account spent in one currency this UTC day and month (from llm_attempts, exact), and when each period rolls over. */
export interface PeriodSpend {
  currency: string;
  todayPico: bigint;
  monthPico: bigint;
  dayResetsAt: Date;
  monthResetsAt: Date;
}

/**
 * The account's spend in `currency` today and this month (UTC, by the database's clock), summed as numeric and
 * read as text so no figure passes through a float. Rows in other currencies are not converted and do not count.
 */
export async function periodSpend(db: DbOrTx, accountId: number, currency: string): Promise<PeriodSpend> {
  const [row] = await db.execute<{ today: string; month: string; day_resets: string; month_resets: string }>(sql`
    WITH p AS (
      SELECT date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS day,
             date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS month)
    SELECT coalesce((SELECT sum(a.cost_pico) FROM llm_attempts a
                     WHERE a.account_id = ${accountId} AND a.currency = ${currency} AND a.created_at >= p.day), 0)::text AS today,
           coalesce((SELECT sum(a.cost_pico) FROM llm_attempts a
                     WHERE a.account_id = ${accountId} AND a.currency = ${currency} AND a.created_at >= p.month), 0)::text AS month,
           to_json((p.day AT TIME ZONE 'UTC' + interval '1 day') AT TIME ZONE 'UTC')#>>'{}' AS day_resets,
           to_json((p.month AT TIME ZONE 'UTC' + interval '1 month') AT TIME ZONE 'UTC')#>>'{}' AS month_resets
    FROM p`);
  return {
    currency,
    todayPico: BigInt(row!.today),
    monthPico: BigInt(row!.month),
    dayResetsAt: new Date(row!.day_resets),
    monthResetsAt: new Date(row!.month_resets),
  };
}

export { COST_GROUPINGS, type CostGrouping } from '../../shared/cost-groupings.js';

/** One line of a cost report: a UTC day (YYYY-MM-DD), a model id or a task id (null: distillation runs), per currency. */
export interface CostLine {
  key: string | null;
  currency: string;
  costPico: bigint;
  requests: number;
  promptTokens: number;
  completionTokens: number;
}

const GROUP_KEY = {
  day: sql`to_char(a.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')`,
  model: sql`a.model_id`,
  task: sql`a.task_id::text`,
} as const;

/** The account's spend in [from, to) grouped by day, model or task, each currency apart, in key order. */
export async function costReport(db: DbOrTx, accountId: number, range: { from: Date; to: Date; by: CostGrouping }): Promise<CostLine[]> {
  const key = GROUP_KEY[range.by];
  const order = range.by === 'task' ? sql`a.task_id NULLS LAST` : key;
  const rows = await db.execute<{ key: string | null; currency: string; cost: string; requests: number; prompt: string; completion: string }>(sql`
    SELECT ${key} AS key, a.currency, sum(a.cost_pico)::text AS cost, count(*)::int AS requests,
           sum(a.prompt_tokens)::text AS prompt, sum(a.completion_tokens)::text AS completion
    FROM llm_attempts a
    WHERE a.account_id = ${accountId} AND a.created_at >= ${range.from.toISOString()} AND a.created_at < ${range.to.toISOString()}
    GROUP BY ${key}, ${range.by === 'task' ? sql`a.task_id,` : sql``} a.currency
    ORDER BY ${order}, a.currency`);
  return rows.map((r) => ({
    key: r.key,
    currency: r.currency,
    costPico: BigInt(r.cost),
    requests: r.requests,
    promptTokens: Number(r.prompt),
    completionTokens: Number(r.completion),
  }));
}
