import { z } from 'zod';

/** What an admin sends about accounts, read by the API's admin routes and the console's account pages alike. */

const accountName = z.string().trim().min(1, 'name is required').max(200, 'name must be at most 200 characters');
export const accountInput = z.object({ name: accountName });
/**
 * The fairness weight's range: the column's check (above 0, at most 1000) with a floor PostgreSQL's
 * `real` can hold as given (5e-324 underflows it, 22003; 1e-40 is stored as a denormal). A thousandth of
 * the default share is already no share at all next to any other account.
 */
export const MIN_FAIRNESS_WEIGHT = 0.001;
export const MAX_FAIRNESS_WEIGHT = 1000;
const FAIRNESS_MESSAGE = `fairnessWeight must be a number from ${MIN_FAIRNESS_WEIGHT} to ${MAX_FAIRNESS_WEIGHT} (1 is the default share)`;

/** An admin's change to an account: its name or its fairness weight (its share of the LLM queue). */
export const accountPatch = z
  .object({
    name: accountName.optional(),
    fairnessWeight: z
      .number({ message: FAIRNESS_MESSAGE })
      .min(MIN_FAIRNESS_WEIGHT, FAIRNESS_MESSAGE)
      .max(MAX_FAIRNESS_WEIGHT, FAIRNESS_MESSAGE)
      .optional(),
  })
  .refine((p) => p.name !== undefined || p.fairnessWeight !== undefined, 'give name or fairnessWeight (or both)')
  .meta({ minProperties: 1 });

/** A number sets the account's own limit; null goes back to the config default. */
const limit = (name: string, max: number, min = 1) =>
  z
    .number({ message: `${name} must be a number or null` })
    .int(`${name} must be a whole number`)
    .min(min, `${name} must be at least ${min}`)
    .max(max, `${name} must be at most ${max}`)
    .nullable()
    .optional();

export const limitsPatch = z
  .object({
    writesPerWindowPerAccount: limit('writesPerWindowPerAccount', 1_000_000),
    writesPerWindowPerKey: limit('writesPerWindowPerKey', 1_000_000),
    maxRunningTasks: limit('maxRunningTasks', 100_000),
    maxArticlesPerDay: limit('maxArticlesPerDay', 10_000_000),
    maxPriority: limit('maxPriority', 10),
    maxSchedules: limit('maxSchedules', 100_000),
  })
  .strict()
  .refine((v) => Object.keys(v).length > 0, { message: 'name at least one limit to change' })
  .meta({ minProperties: 1 });
