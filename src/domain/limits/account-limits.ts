import { eq, sql } from 'drizzle-orm';
import type { LimitDefaults } from '../../config.js';
import type { DbOrTx } from '../../db/client.js';
import { accounts, type AccountLimitOverrides } from '../../db/schema.js';
import { notFound } from '../errors.js';

/** Settings of the service as a whole, not overridable per account. */
type ServiceWideLimit =
  | 'windowSeconds'
  | 'admissionRetryMs'
  | 'authFailureWindowSeconds'
  | 'authFailuresPerAddress'
  | 'authFailuresPerKeyPrefix'
  | 'streamsPerKey'
  | 'streamsPerAccount'
  | 'streamsPerProcess'
  | 'streamLeaseSeconds'
  // Not overridable per account yet: the admin pages and their API would need the field too.
  | 'maxDistilledKeywordsPerDay'
  // Budgets have their own table and admin route (src/domain/costs).
  | 'budgetDailyPico'
  | 'budgetMonthlyPico'
  | 'budgetCurrency';

/** What applies to one account: its own overrides over the config defaults. */
export type AccountLimits = Omit<LimitDefaults, ServiceWideLimit>;

/** Every limit an account may override, in the order admins see them. */
export const LIMIT_FIELDS = ['writesPerWindowPerAccount', 'writesPerWindowPerKey', 'maxRunningTasks', 'maxArticlesPerDay', 'maxPriority', 'maxSchedules'] as const;

function merge(defaults: LimitDefaults, overrides: AccountLimitOverrides): AccountLimits {
  const limits = {} as Record<(typeof LIMIT_FIELDS)[number], number | null>;
  for (const field of LIMIT_FIELDS) limits[field] = overrides[field] ?? defaults[field];
  return limits as AccountLimits;
}

/** The account's limits; an unknown account gets the defaults (auth has already vouched for it). */
export async function accountLimits(db: DbOrTx, accountId: number, defaults: LimitDefaults): Promise<AccountLimits> {
  const [row] = await db.select({ limits: accounts.limits }).from(accounts).where(eq(accounts.id, accountId));
  return merge(defaults, row?.limits ?? {});
}

export type LimitsPatch = { [K in keyof AccountLimitOverrides]?: number | null };

/** Sets some of an account's limits (admin): a number overrides the default, null goes back to it. */
export async function updateAccountLimits(db: DbOrTx, accountId: number, patch: LimitsPatch, defaults: LimitDefaults) {
  const set = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== null));
  const dropped = Object.keys(patch)
    .filter((k) => patch[k as keyof LimitsPatch] === null)
    .reduce((expr, field) => sql`(${expr}) - ${field}::text`, sql`${accounts.limits}`);
  const [row] = await db
    .update(accounts)
    .set({ limits: sql`(${dropped}) || ${JSON.stringify(set)}::jsonb` })
    .where(eq(accounts.id, accountId))
    .returning({ limits: accounts.limits });
  if (!row) throw notFound('account', accountId);
  return { overrides: row.limits, effective: merge(defaults, row.limits) };
}

/** An account's overrides and what applies. */
export async function describeAccountLimits(db: DbOrTx, accountId: number, defaults: LimitDefaults) {
  const [row] = await db.select({ limits: accounts.limits }).from(accounts).where(eq(accounts.id, accountId));
  if (!row) throw notFound('account', accountId);
  return { overrides: row.limits, effective: merge(defaults, row.limits) };
}
