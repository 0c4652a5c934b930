/** @jsxImportSource hono/jsx */
import type { describeBudget } from '../../domain/costs/index.js';
import type { WebContext } from '../context.js';
import { CsrfField } from '../layout.js';

export interface BudgetFormView {
  accountId: number;
  budget: Awaited<ReturnType<typeof describeBudget>>;
  notice?: string;
  error?: string;
  /** What the operator typed, shown again beside an error. */
  input?: { daily: string; monthly: string; currency: string };
}

/** An account's budget per UTC day and month on its limits page: save its own, or go back to the defaults. */
export function AccountBudgetForm({ c, v }: { c: WebContext; v: BudgetFormView }) {
  const t = c.get('t');
  const b = v.budget;
  const csrf = <CsrfField token={c.get('session').csrfToken} />;
  const value = (field: 'daily' | 'monthly' | 'currency') => v.input?.[field] ?? (field === 'currency' ? b.currency : b.source === 'account' ? (b[field] ?? '') : '');
  return (
    <section aria-labelledby="budget-heading">
      <h2 id="budget-heading">{t('costsBudget')}</h2>
      {v.notice && <p class="notice" role="status">{v.notice}</p>}
      <form method="post" action={`/admin/accounts/${v.accountId}/budget`} class="card narrow" id="budget">
        {csrf}
        <p class="help" id="budget-help">{t('budgetHelp')}</p>
        <label for="budget-daily">{t('budgetDaily')}</label>
        <input id="budget-daily" name="daily" inputmode="decimal" aria-describedby="budget-help" value={value('daily')} />
        <label for="budget-monthly">{t('budgetMonthly')}</label>
        <input id="budget-monthly" name="monthly" inputmode="decimal" aria-describedby="budget-help" value={value('monthly')} />
        <label for="budget-currency">{t('budgetCurrency')}</label>
        <input id="budget-currency" name="currency" maxlength={3} value={value('currency')} required />
        <p class="help" id="budget-applies">
          {t('budgetSource', { source: t(b.source === 'account' ? 'budgetSourceAccount' : 'budgetSourceDefault') })}{' '}
          {b.daily !== null && t('costsBudgetDaily', { limit: b.daily, spent: b.spent.today, currency: b.currency })}{' '}
          {b.monthly !== null && t('costsBudgetMonthly', { limit: b.monthly, spent: b.spent.thisMonth, currency: b.currency })}
        </p>
        {v.error && <p class="error" role="alert" id="budget-error">{v.error}</p>}
        <button type="submit">{t('budgetSave')}</button>
      </form>
      {b.source === 'account' && (
        <form method="post" action={`/admin/accounts/${v.accountId}/budget/reset`}>
          {csrf}
          <button type="submit" id="budget-reset">{t('budgetReset')}</button>
        </form>
      )}
    </section>
  );
}
