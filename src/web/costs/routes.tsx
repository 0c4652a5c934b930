/** @jsxImportSource hono/jsx */
import { Hono } from 'hono';
import { DEFAULT_LIMITS } from '../../config.js';
import { costBreakdown, describeBudget } from '../../domain/costs/index.js';
import type { ApiDeps } from '../../http/deps.js';
import { costQuery, costRange } from '../../http/schemas/costs.js';
import type { WebEnv } from '../context.js';
import { page } from '../layout.js';
import { CostsPage } from './costs-page.js';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MAX_RANGE_MS = 10 * 366 * 86_400_000;

/** `/costs`: the account's spend per day and per model in a range of UTC days (default: this month), and its budget. */
export function costRoutes(deps: ApiDeps) {
  const { db } = deps;
  const defaults = deps.limits ?? DEFAULT_LIMITS;
  return new Hono<WebEnv>().get('/', async (c) => {
    const accountId = c.get('session').accountId;
    const now = new Date();
    const today = now.toISOString().slice(0, 10);
    const wanted = { from: c.req.query('from') ?? `${today.slice(0, 8)}01`, to: c.req.query('to') ?? today };
    const fits = (r: { from: Date; to: Date }) => r.from < r.to && r.to.getTime() - r.from.getTime() <= MAX_RANGE_MS;
    const parsed = costQuery.safeParse(wanted);
    const ok = parsed.success && DAY.test(wanted.from) && DAY.test(wanted.to) && fits(costRange(parsed.data, now));
    const shown = ok ? wanted : { from: `${today.slice(0, 8)}01`, to: today };
    const range = costRange({ ...shown, by: 'day' }, now);
    const [byDay, byModel, budget] = await Promise.all([
      costBreakdown(db, accountId, { ...range, by: 'day' }),
      costBreakdown(db, accountId, { ...range, by: 'model' }),
      describeBudget(db, accountId, defaults),
    ]);
    const error = ok ? undefined : c.get('t')('costsBadRange');
    return page(c, <CostsPage c={c} v={{ ...shown, byDay, byModel, budget, error }} />, error ? 400 : 200);
  });
}
