import { z } from 'zod';

/** What an admin sends about accounts, read by the API's admin routes and the console's account pages alike. */

const accountName = z.string().trim().min(1, 'name is required').max(200, 'name must be at most 200 characters');
export const accountInput = z.object({ name: accountName });
/** An admin's change to an account: its name or its fairness weight (its share of the LLM queue). */
export const accountPatch = z
  .object({
    name: accountName.optional(),
    fairnessWeight: z
      .number()
      .min(0.001, 'fairnessWeight must be at least 0.001 (1 is the default share; the column is a 4-byte float)')
      .max(1000, 'fairnessWeight must be at most 1000')
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
