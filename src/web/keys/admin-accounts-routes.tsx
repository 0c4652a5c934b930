/** @jsxImportSource hono/jsx */
import { Hono } from 'hono';
import { accountInput, limitsPatch } from '../../http/schemas/accounts.js';
import type { ApiDeps } from '../../http/deps.js';
import { parseIdParam } from '../../http/validation.js';
import { DEFAULT_LIMITS } from '../../config.js';
import { createAccount, keyPrefix, listAccounts, requireAccount } from '../../domain/accounts/index.js';
import { AppError } from '../../domain/errors.js';
import { getAccountModels, listModels, setAccountModels } from '../../domain/models/index.js';
import { accountModelsInput } from '../../http/schemas/models.js';
import { describeAccountLimits, LIMIT_FIELDS, updateAccountLimits } from '../../domain/limits/account-limits.js';
import type { WebContext, WebEnv } from '../context.js';
import { page } from '../layout.js';
import { AccountCreatedPage, AccountLimitsPage, AccountsPage, type LimitsView } from './admin-accounts.js';
import { holdForOnePage, takeShownOnce } from '../shown-once.js';
import { shownOnceKey, type ShownOnceKey } from './shown-once-key.js';
import { formText as text, formIssues as issues } from '../form-fields.js';
import { deleteAccountBudget, describeBudget, putAccountBudget } from '../../domain/costs/index.js';
import { budgetInput, toBudgetInput } from '../../http/schemas/costs.js';
import { signalBudgetChanged } from '../../temporal/budget-signals.js';
import type { BudgetFormView } from '../costs/budget-form.js';

const PAGE_SIZE = 50;
const CREATED_PAGE = '/admin/accounts/created';

/** Accounts for operator keys (the operator guard stands in front): list, create, and each account's limits. */
export function adminAccountRoutes(deps: ApiDeps) {
  const { db } = deps;
  const defaults = deps.limits ?? DEFAULT_LIMITS;

  async function accounts(c: WebContext, extra: { error?: string; name?: string } = {}, status: 200 | 400 = 200) {
    const pageNo = Math.max(1, Math.min(1_000_000, Number.parseInt(c.req.query('page') ?? '1', 10) || 1));
    // Newest first: the account an operator just made is on the first page.
    const list = await listAccounts(db, pageNo, PAGE_SIZE, 'newest-first');
    return page(c, <AccountsPage c={c} v={{ list, ...extra }} />, status);
  }
  async function limits(c: WebContext, extra: Partial<LimitsView> = {}, status: 200 | 400 = 200, budgetExtra: Partial<BudgetFormView> = {}) {
    const accountId = parseIdParam(c);
    const account = await requireAccount(db, accountId);
    const [registry, own] = await Promise.all([listModels(db), getAccountModels(db, accountId)]);
    const models = { ids: registry.map((m) => m.id), ...own };
    const budget = { accountId, budget: await describeBudget(db, accountId, defaults), ...budgetExtra };
    const view = { account: { id: account.id, name: account.name }, limits: await describeAccountLimits(db, accountId, defaults), models, budget, ...extra };
    return page(c, <AccountLimitsPage c={c} v={view} />, status);
  }

  return new Hono<WebEnv>()
    .get('/', (c) => accounts(c))
    .post('/', async (c) => {
      const name = text((await c.req.parseBody()).name);
      const parsed = accountInput.safeParse({ name });
      if (!parsed.success) return accounts(c, { error: issues(c, parsed.error), name }, 400);
      const created = await db.transaction((tx) => createAccount(tx, parsed.data.name));
      c.set('auditTargets', { accountId: created.accountId, keyId: created.keyId });
      holdForOnePage(c, CREATED_PAGE, {
        apiKey: created.apiKey,
        prefix: keyPrefix(created.apiKey),
        scope: created.scope,
        name: null,
        expiresAt: null,
        accountId: created.accountId,
        accountName: created.name,
      } satisfies ShownOnceKey);
      return c.redirect(CREATED_PAGE, 303);
    })
    .get('/created', (c) => {
      const key = takeShownOnce(c, CREATED_PAGE, shownOnceKey);
      if (!key) return c.redirect('/admin/accounts', 303);
      return page(c, <AccountCreatedPage c={c} k={key} />);
    })
    .get('/:id/limits', (c) => {
      const t = c.get('t');
      const budgetNotice = c.req.query('budgetSaved') !== undefined ? { notice: t('budgetSaved') } : {};
      if (c.req.query('models-saved') !== undefined) return limits(c, { notice: t('accountModelsSaved') }, 200, budgetNotice);
      return limits(c, c.req.query('saved') !== undefined ? { notice: t('limitSaved') } : {}, 200, budgetNotice);
    })
    .post('/:id/models', async (c) => {
      const accountId = parseIdParam(c);
      const body = await c.req.parseBody({ all: true });
      const allowed = [body.allowedModelIds ?? []].flat().map(text).filter((v) => v !== '');
      const parsed = accountModelsInput.safeParse({ defaultModelId: text(body.defaultModelId) || null, allowedModelIds: allowed.length > 0 ? allowed : null });
      if (!parsed.success) return limits(c, { error: issues(c, parsed.error) }, 400);
      try {
        await setAccountModels(db, accountId, parsed.data);
      } catch (err) {
        if (err instanceof AppError && err.status === 400) return limits(c, { error: err.message }, 400);
        throw err;
      }
      return c.redirect(`/admin/accounts/${accountId}/limits?models-saved`, 303);
    })
    .post('/:id/budget', async (c) => {
      const accountId = parseIdParam(c);
      const body = await c.req.parseBody();
      const input = { daily: text(body.daily), monthly: text(body.monthly), currency: text(body.currency).toUpperCase() };
      const parsed = budgetInput.safeParse({ daily: input.daily === '' ? null : input.daily, monthly: input.monthly === '' ? null : input.monthly, currency: input.currency });
      if (!parsed.success) return limits(c, {}, 400, { input, error: issues(c, parsed.error) });
      await requireAccount(db, accountId);
      await putAccountBudget(db, accountId, toBudgetInput(parsed.data));
      await signalBudgetChanged(db, deps.temporal.client, accountId, deps.log);
      return c.redirect(`/admin/accounts/${accountId}/limits?budgetSaved`, 303);
    })
    .post('/:id/budget/reset', async (c) => {
      const accountId = parseIdParam(c);
      await deleteAccountBudget(db, accountId);
      await signalBudgetChanged(db, deps.temporal.client, accountId, deps.log);
      return c.redirect(`/admin/accounts/${accountId}/limits?budgetSaved`, 303);
    })
    .post('/:id/limits', async (c) => {
      const accountId = parseIdParam(c);
      const body = await c.req.parseBody();
      const input = Object.fromEntries(LIMIT_FIELDS.map((f) => [f, text(body[f])]));
      // Every field is sent: a number is the account's own limit, empty goes back to the default (null).
      const parsed = limitsPatch.safeParse(Object.fromEntries(LIMIT_FIELDS.map((f) => [f, input[f] === '' ? null : Number(input[f])])));
      if (!parsed.success) return limits(c, { input, error: issues(c, parsed.error) }, 400);
      await updateAccountLimits(db, accountId, parsed.data, defaults);
      return c.redirect(`/admin/accounts/${accountId}/limits?saved`, 303);
    });
}
