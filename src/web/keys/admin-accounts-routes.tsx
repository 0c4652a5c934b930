/** @jsxImportSource hono/jsx */
import { Hono } from 'hono';
import { accountInput, limitsPatch } from '../../http/schemas/accounts.js';
import type { ApiDeps } from '../../http/deps.js';
import { parseIdParam } from '../../http/validation.js';
import { DEFAULT_LIMITS } from '../../config.js';
import { createAccount, keyPrefix, listAccounts, requireAccount } from '../../domain/accounts/index.js';
import { describeAccountLimits, LIMIT_FIELDS, updateAccountLimits } from '../../domain/limits/account-limits.js';
import type { WebContext, WebEnv } from '../context.js';
import { page } from '../layout.js';
import { AccountCreatedPage, AccountLimitsPage, AccountsPage, type LimitsView } from './admin-accounts.js';
import { holdForOnePage, takeShownOnce } from '../shown-once.js';
import { shownOnceKey, type ShownOnceKey } from './shown-once-key.js';
import { formText as text, formIssues as issues } from '../form-fields.js';

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
  async function limits(c: WebContext, extra: Partial<LimitsView> = {}, status: 200 | 400 = 200) {
    const accountId = parseIdParam(c);
    const account = await requireAccount(db, accountId);
    const view = { account: { id: account.id, name: account.name }, limits: await describeAccountLimits(db, accountId, defaults), ...extra };
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
    .get('/:id/limits', (c) => limits(c, c.req.query('saved') !== undefined ? { notice: c.get('t')('limitSaved') } : {}))
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
