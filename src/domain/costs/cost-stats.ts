import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { picoToDecimal } from '../../llm/models/spec.js';
import type { CostGrouping } from '../../shared/cost-groupings.js';
import { costReport } from './spend.js';

export interface AmountLine {
  currency: string;
  /** Exact decimal string of the currency. */
  amount: string;
  requests: number;
}

/** `/api/stats`'s cost: today and this month (UTC) per currency, and this month per model. */
export async function accountCostStats(db: DbOrTx, accountId: number) {
  const rows = await db.execute<{ scope: 'today' | 'month' | 'model'; model: string | null; currency: string; cost: string; requests: number }>(sql`
    WITH p AS (
      SELECT date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS day,
             date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS month),
    m AS (SELECT a.* FROM llm_attempts a, p WHERE a.account_id = ${accountId} AND a.created_at >= p.month)
    SELECT 'today' AS scope, NULL AS model, currency, sum(cost_pico)::text AS cost, count(*)::int AS requests
      FROM m, p WHERE m.created_at >= p.day GROUP BY currency
    UNION ALL
    SELECT 'month', NULL, currency, sum(cost_pico)::text, count(*)::int FROM m GROUP BY currency
    UNION ALL
    SELECT 'model', model_id, currency, sum(cost_pico)::text, count(*)::int FROM m GROUP BY model_id, currency
    ORDER BY 1, 2, 3`);
  const line = (r: (typeof rows)[number]): AmountLine => ({ currency: r.currency, amount: picoToDecimal(BigInt(r.cost)), requests: r.requests });
  return {
    today: rows.filter((r) => r.scope === 'today').map(line),
    thisMonth: rows.filter((r) => r.scope === 'month').map(line),
    thisMonthByModel: rows.filter((r) => r.scope === 'model').map((r) => ({ model: r.model!, ...line(r) })),
  };
}

/** A cost report as surfaces show it: lines with exact decimal amounts and a total per currency. */
export async function costBreakdown(db: DbOrTx, accountId: number, range: { from: Date; to: Date; by: CostGrouping }) {
  const lines = await costReport(db, accountId, range);
  const totals = new Map<string, { pico: bigint; requests: number }>();
  for (const l of lines) {
    const t = totals.get(l.currency) ?? { pico: 0n, requests: 0 };
    totals.set(l.currency, { pico: t.pico + l.costPico, requests: t.requests + l.requests });
  }
  return {
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    by: range.by,
    lines: lines.map(({ costPico, ...l }) => ({ ...l, cost: picoToDecimal(costPico) })),
    totals: [...totals].sort(([a], [b]) => a.localeCompare(b)).map(([currency, t]) => ({ currency, cost: picoToDecimal(t.pico), requests: t.requests })),
  };
}
