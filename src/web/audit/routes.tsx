/** @jsxImportSource hono/jsx */
import { Hono } from 'hono';
import type { Db } from '../../db/client.js';
import { listAccounts, listAuditPage, scopeAllows } from '../../domain/accounts/index.js';
import { AppError } from '../../domain/errors.js';
import { accountStats } from '../../domain/tasks/task-stats.js';
import type { WebContext, WebEnv } from '../context.js';
import { page } from '../layout.js';
import { parseAuditForm, type AuditFormValues } from './audit-filter.js';
import { AuditPage } from './audit-page.js';
import { StatsPage } from './stats-page.js';

const PAGE_SIZE = 50;
/** An operator's account picker lists this many accounts; more are reached by typing the id into the URL. */
const ACCOUNT_CHOICES = 200;

function formValues(c: WebContext): AuditFormValues {
  const q = (name: string) => (c.req.query(name) ?? '').trim();
  return { account: q('account'), key: q('key'), route: q('route'), method: q('method'), status: q('status'), from: q('from'), to: q('to') };
}

/** The audit trail (admin keys: their account; operator keys: any account or all) and the stats page (everyone). */
export function auditRoutes(db: Db) {
  return new Hono<WebEnv>()
    .get('/audit', async (c) => {
      const session = c.get('session');
      const t = c.get('t');
      if (!scopeAllows(session.scope, 'admin')) throw new AppError(403, 'FORBIDDEN_SCOPE', t('auditAdminOnly', { scope: session.scope }));
      const operator = session.scope === 'operator';
      const values = formValues(c);
      const parsed = parseAuditForm(values, c.req.query('before'), { accountId: session.accountId, operator }, t);
      const accounts = operator ? (await listAccounts(db, 1, ACCOUNT_CHOICES)).accounts.map((a) => ({ id: a.id, name: a.name })) : null;
      if (!parsed.ok) return page(c, <AuditPage c={c} v={{ values, events: [], next: null, paged: false, error: parsed.error, accounts }} />, 400);
      const { events, next } = await listAuditPage(db, parsed.filter, { before: parsed.before, limit: PAGE_SIZE });
      return page(c, <AuditPage c={c} v={{ values, events, next, paged: parsed.before !== undefined, accounts }} />);
    })
    .get('/stats', async (c) => {
      const stats = await accountStats(db, c.get('session').accountId, new Date());
      return page(c, <StatsPage c={c} stats={stats} />);
    });
}
