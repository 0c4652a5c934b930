/** @jsxImportSource hono/jsx */
import { Hono } from 'hono';
import type { Db } from '../../db/client.js';
import { dailySeries, liveFigures } from '../../domain/dashboard/index.js';
import type { WebEnv } from '../context.js';
import { page } from '../layout.js';
import { DashboardPage } from './dashboard-page.js';

/** The console home: what waits now and the last 14 days, for the signed-in account. */
export function dashboardRoutes(db: Db) {
  return new Hono<WebEnv>().get('/', async (c) => {
    const accountId = c.get('session').accountId;
    const now = new Date();
    const [live, daily] = await Promise.all([liveFigures(db, accountId, now), dailySeries(db, accountId, now)]);
    return page(c, <DashboardPage c={c} live={live} daily={daily} now={now} />);
  });
}
