import { picoToDecimal } from '../../llm/models/spec.js';
import type { DbOrTx } from '../../db/client.js';
import { AppError } from '../errors.js';
import { effectiveBudget, type Budget, type BudgetDefaults } from './budgets.js';
import { periodSpend, type PeriodSpend } from './spend.js';

/** A budget that is reached: spent >= limit in its period. Amounts are exact decimal strings of the currency. */
export interface BudgetReached {
  period: 'day' | 'month';
  limit: string;
  spent: string;
  currency: string;
  resetsAt: string;
}

/** The account's budget, what it spent and the first budget reached (the daily one before the monthly one), if any. */
export async function budgetStatus(db: DbOrTx, accountId: number, defaults: BudgetDefaults): Promise<{ budget: Budget; spend: PeriodSpend; reached: BudgetReached | null }> {
  const budget = await effectiveBudget(db, accountId, defaults);
  const spend = await periodSpend(db, accountId, budget.currency);
  return { budget, spend, reached: reachedOf(budget, spend) };
}

/** Which period's budget `spend` has reached; the one that resets later wins when both are, as the task waits for it. */
export function reachedOf(budget: Budget, spend: PeriodSpend): BudgetReached | null {
  const at = (period: 'day' | 'month', limit: bigint, spent: bigint, resetsAt: Date): BudgetReached => ({
    period,
    limit: picoToDecimal(limit),
    spent: picoToDecimal(spent),
    currency: budget.currency,
    resetsAt: resetsAt.toISOString(),
  });
  if (budget.monthlyLimitPico !== null && spend.monthPico >= budget.monthlyLimitPico) {
    return at('month', budget.monthlyLimitPico, spend.monthPico, spend.monthResetsAt);
  }
  if (budget.dailyLimitPico !== null && spend.todayPico >= budget.dailyLimitPico) {
    return at('day', budget.dailyLimitPico, spend.todayPico, spend.dayResetsAt);
  }
  return null;
}

/** People's words for a reached budget (the task's pause reason, the 429's message). */
export const reachedReason = (r: BudgetReached) =>
  `the account's ${r.period === 'day' ? 'daily' : 'monthly'} budget of ${r.limit} ${r.currency} is spent (${r.spent} ${r.currency}); it resets at ${r.resetsAt}`;

/** Refuses new work while a budget is reached: 429 BUDGET_EXCEEDED with {limit, spent, currency, period, resetsAt}. */
export async function refuseOverBudget(db: DbOrTx, accountId: number, defaults: BudgetDefaults, what: 'tasks' | 'distillation runs') {
  const { reached } = await budgetStatus(db, accountId, defaults);
  if (!reached) return;
  throw new AppError(429, 'BUDGET_EXCEEDED', `No new ${what}: ${reachedReason(reached)}. An admin may raise the budget.`, { ...reached });
}

/** The budget of an account as the API shows it: limits, spend and what is reached, amounts as exact decimal strings. */
export async function describeBudget(db: DbOrTx, accountId: number, defaults: BudgetDefaults) {
  const { budget, spend, reached } = await budgetStatus(db, accountId, defaults);
  const amount = (p: bigint | null) => (p === null ? null : picoToDecimal(p));
  return {
    accountId,
    daily: amount(budget.dailyLimitPico),
    monthly: amount(budget.monthlyLimitPico),
    currency: budget.currency,
    source: budget.source,
    spent: { today: picoToDecimal(spend.todayPico), thisMonth: picoToDecimal(spend.monthPico) },
    resetsAt: { day: spend.dayResetsAt.toISOString(), month: spend.monthResetsAt.toISOString() },
    reached,
  };
}
