import { z } from 'zod';
import { MIN_INTERVAL_SECONDS } from '../../domain/schedules/index.js';
import { taskRequestSchema } from './task-request.js';

const MAX_INTERVAL_SECONDS = 366 * 24 * 3600;

/** The IANA name as Intl spells it (e.g. `utc` -> `UTC`), or undefined when Intl does not know it. */
function canonicalTimeZone(tz: string) {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** When a schedule fires: the same fields in POST /api/schedules and the console's form and preview. */
const specFields = {
  cron: z.string().trim().min(1, 'cron must not be empty').max(200, 'cron must be at most 200 characters').optional(),
  intervalSeconds: z
    .number()
    .int('intervalSeconds must be a whole number')
    .min(MIN_INTERVAL_SECONDS, `intervalSeconds must be at least ${MIN_INTERVAL_SECONDS}`)
    .max(MAX_INTERVAL_SECONDS, `intervalSeconds must be at most ${MAX_INTERVAL_SECONDS} (366 days)`)
    .optional(),
  timezone: z
    .string()
    .default('UTC')
    .transform((tz, ctx) => {
      const canonical = canonicalTimeZone(tz);
      if (canonical) return canonical;
      ctx.addIssue({ code: 'custom', message: `timezone '${tz}' is not an IANA time zone name such as UTC or Asia/Shanghai` });
      return z.NEVER;
    }),
};

function exactlyOneOfCronAndInterval(v: { cron?: string; intervalSeconds?: number }, ctx: z.RefinementCtx) {
  if (v.cron !== undefined && v.intervalSeconds !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['cron'], message: 'give either cron or intervalSeconds, not both' });
  } else if (v.cron === undefined && v.intervalSeconds === undefined) {
    ctx.addIssue({ code: 'custom', path: ['cron'], message: `one of cron (e.g. "0 9 * * *") or intervalSeconds (>= ${MIN_INTERVAL_SECONDS}) is required` });
  }
}

/** Just the timing of a schedule: what the console's preview of the next run times checks. */
export const scheduleSpecInput = z.object(specFields).superRefine(exactlyOneOfCronAndInterval);

export const createScheduleInput = z
  .object({
    name: z.string({ message: 'name is required' }).trim().min(1, 'name must not be empty').max(200, 'name must be at most 200 characters'),
    ...specFields,
    paused: z.boolean().default(false),
    /** The task request of every run: the same fields and limits as POST /api/article-generation/tasks. */
    template: taskRequestSchema,
  })
  .superRefine(exactlyOneOfCronAndInterval)
  .meta({ oneOf: [{ required: ['cron'] }, { required: ['intervalSeconds'] }] });

export type CreateScheduleInput = z.infer<typeof createScheduleInput>;
