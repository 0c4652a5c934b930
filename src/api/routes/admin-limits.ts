import { Hono } from 'hono';
import { z } from 'zod';
import { describeAccountLimits, updateAccountLimits } from '../../domain/limits/account-limits.js';
import type { ApiOperation } from '../operation.js';
import type { RouteDeps } from '../../http/deps.js';
import type { ApiEnv } from '../types.js';
import { parseIdParam, parseJsonBody } from '../../http/validation.js';
import { requireOwnAccountOrOperator } from '../account-reach.js';
import { limitsPatch } from '../../http/schemas/accounts.js';
import { count, id } from '../../http/schemas/common.js';

/**
 * An account's rate limits and quotas: `overrides` (its own) and `effective` (what applies); mounted at
 * /api/admin/accounts. An account admin views its own; operators view and set every account's.
 */
export function adminLimitRoutes({ db, limits }: RouteDeps) {
  return new Hono<ApiEnv>()
    .get('/:id/limits', async (c) => {
      const accountId = parseIdParam(c);
      requireOwnAccountOrOperator(c, accountId, "another account's limits");
      return c.json(await describeAccountLimits(db, accountId, limits));
    })
    .patch('/:id/limits', async (c) => {
      const accountId = parseIdParam(c);
      const patch = await parseJsonBody(c, limitsPatch);
      return c.json(await updateAccountLimits(db, accountId, patch, limits));
    });
}

const limitValue = count.nullable();
const limitsAnswer = z.object({
  overrides: z.object({
    writesPerWindowPerAccount: id.optional(),
    writesPerWindowPerKey: id.optional(),
    maxRunningTasks: id.optional(),
    maxArticlesPerDay: id.optional(),
    maxPriority: id.optional(),
    maxSchedules: id.optional(),
  }),
  effective: z.object({
    writesPerWindowPerAccount: id,
    writesPerWindowPerKey: id,
    maxRunningTasks: limitValue,
    maxArticlesPerDay: limitValue,
    maxPriority: id,
    maxSchedules: id,
  }),
});

export const adminLimitOperations: ApiOperation[] = [
  { method: 'get', path: '/:id/limits', summary: "An account's rate limits and quotas: its own overrides and what applies (an admin key: its own account only)", scope: 'admin', response: limitsAnswer },
  { method: 'patch', path: '/:id/limits', summary: "Set an account's rate limits and quotas (null: back to the default)", body: limitsPatch, scope: 'operator', response: limitsAnswer },
];
