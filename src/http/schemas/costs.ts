import { z } from 'zod';
import { CURRENCY, decimalToPico, isDecimalAmount } from '../../shared/money.js';
import { id } from './common.js';
import { COST_GROUPINGS } from '../../shared/cost-groupings.js';

const amount = (name: string) =>
  z
    .union([z.string(), z.number()], { message: `${name} must be a decimal amount such as "20" or "12.50", or null` })
    .transform((v) => (typeof v === 'number' ? String(v) : v))
    .refine(isDecimalAmount, `${name} must be a non-negative decimal amount with at most 12 decimals, such as "20" or "12.50"`)
    .nullable()
    .describe(`The ${name} budget in the currency (a decimal string keeps it exact); null: no limit for the period`);

export const budgetInput = z
  .object({
    daily: amount('daily'),
    monthly: amount('monthly'),
    currency: z.string().regex(CURRENCY, 'currency must be an ISO 4217 code such as USD or CNY').describe('ISO 4217; only spend in this currency counts'),
  })
  .strict();

export const toBudgetInput = (v: z.infer<typeof budgetInput>) => ({
  dailyLimitPico: v.daily === null ? null : decimalToPico(v.daily),
  monthlyLimitPico: v.monthly === null ? null : decimalToPico(v.monthly),
  currency: v.currency,
});

const decimal = z.string().describe('An exact decimal amount of the currency');

export const budgetReached = z.object({
  period: z.enum(['day', 'month']),
  limit: decimal,
  spent: decimal,
  currency: z.string(),
  resetsAt: z.string().describe('When the period rolls over (ISO time, UTC)'),
});

export const budgetAnswer = z.object({
  accountId: id,
  daily: decimal.nullable(),
  monthly: decimal.nullable(),
  currency: z.string(),
  source: z.enum(['account', 'default']).describe('account: set by an admin; default: BUDGET_DAILY / BUDGET_MONTHLY'),
  spent: z.object({ today: decimal, thisMonth: decimal }).describe('Spend in the currency, UTC day and month'),
  resetsAt: z.object({ day: z.string(), month: z.string() }),
  reached: budgetReached.nullable().describe('The budget that is spent (new tasks get 429 BUDGET_EXCEEDED, running ones pause); null: within budget'),
});

const DAY = /^\d{4}-\d{2}-\d{2}$/;
/** A UTC day (YYYY-MM-DD) or an ISO date-time; a day as `to` means through its end. */
const bound = (name: string) =>
  z
    .string()
    .refine((v) => (DAY.test(v) ? !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) : z.iso.datetime({ offset: true }).safeParse(v).success), {
      message: `${name} must be a day such as 2026-12-01 or an ISO 8601 date-time such as 2026-12-01T08:00:00Z`,
    })
    .optional();

export const costQuery = z
  .object({
    from: bound('from').describe('First UTC day (YYYY-MM-DD) or moment included; default: the first of this month'),
    to: bound('to').describe('Last UTC day included (YYYY-MM-DD), or the moment the range ends before; default: today'),
    by: z.enum(COST_GROUPINGS, { message: `by must be one of ${COST_GROUPINGS.join(', ')}` }).default('day'),
  })
  .strict();

/** The range [from, to) a cost query means (its callers check that from is before to). */
export function costRange(q: z.infer<typeof costQuery>, now: Date) {
  const today = now.toISOString().slice(0, 10);
  const from = new Date(DAY.test(q.from ?? '') ? `${q.from}T00:00:00Z` : (q.from ?? `${today.slice(0, 8)}01T00:00:00Z`));
  const toText = q.to ?? today;
  const to = DAY.test(toText) ? new Date(Date.parse(`${toText}T00:00:00Z`) + 86_400_000) : new Date(toText);
  return { from, to };
}

export const costLine = z.object({
  key: z.string().nullable().describe('The UTC day (YYYY-MM-DD), the model registry id, or the task id (null: distillation runs)'),
  currency: z.string(),
  cost: z.string().describe('Exact decimal amount of the currency'),
  requests: z.number().int().nonnegative().describe('LLM requests (saved, refused and failed alike: all were paid for)'),
  promptTokens: z.number().int().nonnegative(),
  completionTokens: z.number().int().nonnegative(),
});

export const costAnswer = z.object({
  from: z.string(),
  to: z.string().describe('The range ends before this moment'),
  by: z.enum(COST_GROUPINGS),
  lines: z.array(costLine),
  totals: z.array(z.object({ currency: z.string(), cost: z.string(), requests: z.number().int().nonnegative() })),
});
