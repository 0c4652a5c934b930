import { Hono } from 'hono';
import { deleteAccountBudget, describeBudget, putAccountBudget } from '../../domain/costs/index.js';
import { signalBudgetChanged } from '../../temporal/budget-signals.js';
import type { ApiOperation } from '../operation.js';
import type { RouteDeps } from '../../http/deps.js';
import type { ApiEnv } from '../types.js';
import { parseIdParam, parseJsonBody } from '../../http/validation.js';
import { requireOwnAccountOrOperator } from '../account-reach.js';
import { budgetInput, budgetAnswer, toBudgetInput } from '../../http/schemas/costs.js';

/**
 * An account's budget per UTC day and month (mounted at /api/admin/accounts): an account admin views and sets its
 * own, an operator any account's. A change wakes the account's paused tasks at once (budgetChanged signal).
 */
export function adminBudgetRoutes({ db, limits, temporal, log }: RouteDeps) {
  const changed = async (accountId: number) => {
    await signalBudgetChanged(db, temporal.client, accountId, log);
    return describeBudget(db, accountId, limits);
  };
  return new Hono<ApiEnv>()
    .get('/:id/budget', async (c) => {
      const accountId = parseIdParam(c);
      requireOwnAccountOrOperator(c, accountId, "another account's budget");
      return c.json(await describeBudget(db, accountId, limits));
    })
    .put('/:id/budget', async (c) => {
      const accountId = parseIdParam(c);
      requireOwnAccountOrOperator(c, accountId, "another account's budget");
      const input = toBudgetInput(await parseJsonBody(c, budgetInput));
      await putAccountBudget(db, accountId, input);
      return c.json(await changed(accountId));
    })
    .delete('/:id/budget', async (c) => {
      const accountId = parseIdParam(c);
      requireOwnAccountOrOperator(c, accountId, "another account's budget");
      await deleteAccountBudget(db, accountId);
      return c.json(await changed(accountId));
    });
}

export const adminBudgetOperations: ApiOperation[] = [
  { method: 'get', path: '/:id/budget', summary: "An account's budget per UTC day and month, what it spent and which budget is reached (an admin key: its own account only)", scope: 'admin', response: budgetAnswer },
  {
    method: 'put',
    path: '/:id/budget',
    summary: "Set an account's own budget (decimal amounts, null: no limit for the period); paused tasks resume at once when it allows spending again",
    body: budgetInput,
    scope: 'admin',
    response: budgetAnswer,
  },
  { method: 'delete', path: '/:id/budget', summary: "Drop an account's own budget: the configured defaults (BUDGET_DAILY, BUDGET_MONTHLY) apply again", scope: 'admin', response: budgetAnswer },
];
