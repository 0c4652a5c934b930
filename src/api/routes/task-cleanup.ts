import { Hono } from 'hono';
import { z } from 'zod';
import { cleanupTasks } from '../../domain/tasks/task-cleanup.js';
import type { ApiDeps } from '../../http/deps.js';
import type { ApiEnv } from '../types.js';
import { parseJsonBody } from '../../http/validation.js';
import type { ApiOperation } from '../operation.js';
import { count, id } from '../../http/schemas/common.js';

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;
const MAX_AGE_SECONDS = 3650 * 86_400;
const FORMATS = 'olderThan must be a duration such as "30d", "12h", "90m" or "45s", or a whole number of seconds';

/**
 * The durations of 1 second to 3650 days, each unit with its own largest number, without the spaces and
 * leading zeros parseAge also takes: a value the document shows is one the route accepts.
 */
const AGE_PATTERN = [
  '^(?:',
  '(?:[1-9]\\d{0,7}|[12]\\d{8}|30\\d{7}|31[0-4]\\d{6}|315[0-2]\\d{5}|3153[0-5]\\d{4}|315360000)s',
  '|(?:[1-9]\\d{0,5}|[1-4]\\d{6}|5[01]\\d{5}|52[0-4]\\d{4}|525[0-5]\\d{3}|5256000)m',
  '|(?:[1-9]\\d{0,3}|[1-7]\\d{4}|8[0-6]\\d{3}|87[0-5]\\d{2}|87600)h',
  '|(?:[1-9]\\d{0,2}|[12]\\d{3}|3[0-5]\\d{2}|36[0-4]\\d|3650)d',
  ')$',
].join('');

/** "30d" | "12h" | "90m" | "45s" | 3600 -> seconds; undefined when it is none of those. */
export function parseAge(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) ? value : undefined;
  const m = typeof value === 'string' ? /^\s*(\d{1,9})\s*([smhd])\s*$/.exec(value) : null;
  return m ? Number(m[1]) * UNIT_SECONDS[m[2] as keyof typeof UNIT_SECONDS] : undefined;
}

const cleanupInput = z.object({
  olderThan: z
    .unknown()
    .meta({
      description: 'A duration such as "30d", "12h", "90m" or "45s", or a whole number of seconds (1 second to 3650 days)',
      oneOf: [
        { type: 'string', pattern: AGE_PATTERN },
        { type: 'integer', minimum: 1, maximum: MAX_AGE_SECONDS },
      ],
    })
    .transform((v, ctx) => {
      const seconds = parseAge(v);
      if (seconds === undefined || seconds < 1 || seconds > MAX_AGE_SECONDS) {
        ctx.addIssue({ code: 'custom', message: `${FORMATS}, between 1 second and 3650 days` });
        return z.NEVER;
      }
      return seconds;
    }),
  dryRun: z.boolean({ message: 'dryRun must be true or false' }).default(true),
  withArticles: z.boolean({ message: 'withArticles must be true or false' }).default(false),
}).meta({ required: ['olderThan'] });

const cleanupAnswer = z.object({
  olderThanSeconds: id,
  dryRun: z.boolean(),
  tasks: count.describe('Tasks deleted (or, in a dry run, that would be)'),
  items: count,
  events: count,
  articles: count.describe('Articles deleted (withArticles)'),
  detachedArticles: count.describe('Articles kept, now with taskId null'),
  taskIds: z.array(id),
});

/** `POST /api/article-generation/tasks/cleanup`: removes the account's old finished tasks (dry run by default). */
export function taskCleanupRoutes({ db }: ApiDeps) {
  return new Hono<ApiEnv>().post('/', async (c) => {
    const input = await parseJsonBody(c, cleanupInput);
    const result = await cleanupTasks(db, c.get('accountId'), {
      olderThanSeconds: input.olderThan,
      dryRun: input.dryRun,
      withArticles: input.withArticles,
    });
    return c.json({ olderThanSeconds: input.olderThan, ...result });
  });
}

export const taskCleanupOperations: ApiOperation[] = [
  { method: 'post', path: '/', summary: 'Delete old finished tasks (dry run by default); usage history stays', body: cleanupInput, response: cleanupAnswer },
];
