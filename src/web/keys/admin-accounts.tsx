/** @jsxImportSource hono/jsx */
import { AccountBudgetForm, type BudgetFormView } from '../costs/budget-form.js';
import type { listAccounts } from '../../domain/accounts/index.js';
import { LIMIT_FIELDS, type describeAccountLimits } from '../../domain/limits/account-limits.js';
import type { WebContext } from '../context.js';
import { CsrfField, Layout } from '../layout.js';
import type { ShownOnceKey } from './shown-once-key.js';
import { ShownOnceSecret } from './keys.js';
import { Pager } from '../pager.js';
import { TableScroll } from '../table-scroll.js';
import { Time } from '../time.js';

export interface AccountsView {
  list: Awaited<ReturnType<typeof listAccounts>>;
  error?: string;
  name?: string;
}

/** Every account for an operator key, and the form that creates one (its first key is shown once after). */
export function AccountsPage({ c, v }: { c: WebContext; v: AccountsView }) {
  const t = c.get('t');
  return (
    <Layout c={c} title={t('accounts')}>
      <TableScroll label={t('accounts')}>
        <table id="accounts">
          <thead>
            <tr><th scope="col">ID</th><th scope="col">{t('accountName')}</th><th scope="col">{t('created')}</th><th scope="col">{t('activeKeys')}</th><th scope="col"><span class="visually-hidden">{t('actions')}</span></th></tr>
          </thead>
          <tbody>
            {v.list.accounts.map((a) => (
              <tr data-account-id={a.id}>
                <td>{a.id}</td><td>{a.name}</td><td><Time c={c} at={a.createdAt} /></td><td>{a.activeKeys}</td>
                <td><a href={`/admin/accounts/${a.id}/limits`} aria-label={`${t('limits')} ${a.id}`}>{t('limits')}</a></td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      <Pager c={c} page={v.list.page} pageSize={v.list.pageSize} total={v.list.total} href={(p) => `/admin/accounts?page=${p}`} />
      <form method="post" action="/admin/accounts" class="card narrow" id="new-account" aria-labelledby="new-account-title">
        <h2 id="new-account-title">{t('newAccount')}</h2>
        <CsrfField token={c.get('session').csrfToken} />
        <label for="account-name">{t('accountName')}</label>
        <input id="account-name" name="name" required maxlength={200} value={v.name ?? ''} aria-describedby="new-account-help" />
        <p id="new-account-help" class="help">{t('newAccountHelp')}</p>
        {v.error && <p class="error" role="alert">{v.error}</p>}
        <button type="submit">{t('createAccount')}</button>
      </form>
    </Layout>
  );
}

export function AccountCreatedPage({ c, k }: { c: WebContext; k: ShownOnceKey }) {
  const t = c.get('t');
  return (
    <Layout c={c} title={t('accountCreated', { id: k.accountId ?? '', name: k.accountName ?? '' })}>
      <ShownOnceSecret c={c} k={k} />
      <p><a href={`/admin/accounts/${k.accountId}/limits`}>{t('limits')}</a> · <a href="/admin/accounts">{t('back')}</a></p>
    </Layout>
  );
}

export interface LimitsView {
  account: { id: number; name: string };
  /** The registry's ids and the account's default and allowed models. */
  models: { ids: string[]; defaultModelId: string | null; allowedModelIds: string[] | null };
  limits: Awaited<ReturnType<typeof describeAccountLimits>>;
  notice?: string;
  error?: string;
  /** What the operator typed, shown again beside an error. */
  input?: Record<string, string>;
  budget: BudgetFormView;
}

/** One field per limit: its own override (empty: the default) and what applies now. */
export function AccountLimitsPage({ c, v }: { c: WebContext; v: LimitsView }) {
  const t = c.get('t');
  const own = v.limits.overrides as Record<string, number | undefined>;
  const effective = v.limits.effective as Record<string, number | null>;
  return (
    <Layout c={c} title={t('limitsTitle', { id: v.account.id, name: v.account.name })}>
      {v.notice && <p class="notice" role="status">{v.notice}</p>}
      <form method="post" action={`/admin/accounts/${v.account.id}/limits`} class="card narrow" id="limits">
        <CsrfField token={c.get('session').csrfToken} />
        <p class="help">{t('limitsHelp')}</p>
        {LIMIT_FIELDS.map((field) => (
          <>
            <label for={`limit-${field}`}>{t(field)}</label>
            <input id={`limit-${field}`} name={field} type="number" min={1} step={1} inputmode="numeric" aria-describedby={`applies-${field}`}
              value={v.input?.[field] ?? (own[field] === undefined ? '' : String(own[field]))} />
            <p class="help" id={`applies-${field}`} data-effective={field}>{t('appliesNow', { value: effective[field] ?? t('unlimited') })}</p>
          </>
        ))}
        {v.error && <p class="error" role="alert">{v.error}</p>}
        <button type="submit">{t('saveLimits')}</button>
      </form>
      <AccountModelsForm c={c} v={v} />
      <AccountBudgetForm c={c} v={v.budget} />
      <p><a href="/admin/accounts">{t('back')}</a></p>
    </Layout>
  );
}

/** The account's default model and the models it may name (none ticked: every model). */
function AccountModelsForm({ c, v }: { c: WebContext; v: LimitsView }) {
  const t = c.get('t');
  const { ids, defaultModelId, allowedModelIds } = v.models;
  return (
    <form method="post" action={`/admin/accounts/${v.account.id}/models`} class="card narrow" id="account-models" aria-labelledby="account-models-title">
      <h2 id="account-models-title">{t('accountModels')}</h2>
      <CsrfField token={c.get('session').csrfToken} />
      <label for="default-model">{t('accountDefaultModel')}</label>
      <select id="default-model" name="defaultModelId">
        <option value="" selected={!defaultModelId}>{t('accountDefaultModelNone')}</option>
        {ids.map((id) => <option value={id} selected={id === defaultModelId}>{id}</option>)}
      </select>
      <fieldset>
        <legend>{t('accountAllowedModels')}</legend>
        {ids.map((id) => (
          <label><input type="checkbox" name="allowedModelIds" value={id} checked={allowedModelIds?.includes(id) ?? false} /> {id}</label>
        ))}
      </fieldset>
      <button type="submit">{t('accountModelsSave')}</button>
    </form>
  );
}
