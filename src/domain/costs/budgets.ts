import { eq, sql } from 'drizzle-orm';
import type { LimitDefaults } from '../../config.js';
import type { DbOrTx } from '../../db/client.js';
import { accountBudgets, accounts } from '../../db/schema.js';
import { notFound } from '../errors.js';

/** The config's budget for accounts without their own (BUDGET_DAILY, BUDGET_MONTHLY, BUDGET_CURRENCY). */
export type BudgetDefaults = Pick<LimitDefaults, 'budgetDailyPico' | 'budgetMonthlyPico' | 'budgetCurrency'>;

/** What applies to an account: limits in pico-units of `currency` (null: none for that period). */
export interface Budget {
  dailyLimitPico: bigint | null;
  monthlyLimitPico: bigint | null;
  currency: string;
  /** `account`: set by an admin; `default`: the config's. */
  source: 'account' | 'default';
}

const fromDefaults = (d: BudgetDefaults): Budget => ({
  dailyLimitPico: d.budgetDailyPico,
  monthlyLimitPico: d.budgetMonthlyPico,
  currency: d.budgetCurrency,
  source: 'default',
});

/** The account's own budget, else the defaults. */
export async function effectiveBudget(db: DbOrTx, accountId: number, defaults: BudgetDefaults): Promise<Budget> {
  const [row] = await db.select().from(accountBudgets).where(eq(accountBudgets.accountId, accountId));
  if (!row) return fromDefaults(defaults);
  return { dailyLimitPico: row.dailyLimitPico, monthlyLimitPico: row.monthlyLimitPico, currency: row.currency, source: 'account' };
}

export interface BudgetInput {
  dailyLimitPico: bigint | null;
  monthlyLimitPico: bigint | null;
  currency: string;
}

/** Sets the account's own budget (an admin's), replacing the defaults for it. */
export async function putAccountBudget(db: DbOrTx, accountId: number, input: BudgetInput) {
  const [account] = await db.select({ id: accounts.id }).from(accounts).where(eq(accounts.id, accountId));
  if (!account) throw notFound('account', accountId);
  await db
    .insert(accountBudgets)
    .values({ accountId, ...input })
    .onConflictDoUpdate({ target: accountBudgets.accountId, set: { ...input, updatedAt: sql`now()` } });
}

/** Drops the account's own budget: the defaults apply again. */
export async function deleteAccountBudget(db: DbOrTx, accountId: number) {
  const [account] = await db.select({ id: accounts.id }).from(accounts).where(eq(accounts.id, accountId));
  if (!account) throw notFound('account', accountId);
  await db.delete(accountBudgets).where(eq(accountBudgets.accountId, accountId));
}
