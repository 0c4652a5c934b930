import { z } from 'zod';
import { CURRENCY, decimalToPico, isDecimalAmount } from '../../shared/money.js';
import { id } from './common.js';

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
