/** @jsxImportSource hono/jsx */
import { Hono } from 'hono';
import type { ApiDeps } from '../../http/deps.js';
import { parseIdParam } from '../../http/validation.js';
import { keywordsByIds } from '../../domain/distillations/distillations.js';
import { AppError, badRequest } from '../../domain/errors.js';
import { repairFingerprint } from '../../domain/usage/repair-fingerprint.js';
import type { RepairChange } from '../../domain/usage/repair-change.js';
import { repairUsage } from '../../domain/usage/usage-repair.js';
import { getUsageReport, listUsageReports, storeUsageReport } from '../../domain/usage/usage-reports.js';
import { verifyUsage } from '../../domain/usage/verification.js';
import { temporalWorkflowStatus } from '../../temporal/workflow-status.js';
import type { WebContext, WebEnv } from '../context.js';
import { page } from '../layout.js';
import { UsageReportPage } from './usage-report.js';
import { UsagePage } from './usage.js';
import { refusalText } from '../refusal-text.js';

const PAGE_SIZE = 20;
const FINGERPRINT = /^[0-9a-f]{32}$/;

/** The distillations a report's findings and changes name, for their keywords. */
function distillationIds(found: unknown[], changes: unknown[]) {
  const ids = [...found, ...changes].map((x) => Number((x as { ids?: Record<string, unknown> }).ids?.distillationId));
  return [...new Set(ids.filter((id) => Number.isInteger(id)))];
}

/**
 * Usage verification and repair of the account, as the API does them (same functions, every run stored
 * as a report): verify, a dry run that shows its changes and their fingerprint, and the apply of exactly
 * those changes. Each run leads to its stored report's page, so a reload repeats nothing.
 */
export function usageRoutes({ db, temporal }: ApiDeps) {
  const workflowStatus = temporalWorkflowStatus(temporal.client);

  async function usagePage(c: WebContext, error?: string) {
    const pageNo = Math.max(1, Math.min(1_000_000, Number.parseInt(c.req.query('page') ?? '1', 10) || 1));
    const reports = await listUsageReports(db, c.get('session').accountId, pageNo, PAGE_SIZE);
    return page(c, <UsagePage c={c} v={{ reports, error }} />, error ? 409 : 200);
  }

  return new Hono<WebEnv>()
    .get('/', (c) => usagePage(c))
    .get('/reports/:id', async (c) => {
      const report = await getUsageReport(db, c.get('session').accountId, parseIdParam(c));
      const keywords = await keywordsByIds(db, distillationIds(report.discrepancies, report.changes));
      const changes = report.changes as RepairChange[];
      const fingerprint = report.kind === 'repair' && report.dryRun && changes.length > 0 ? repairFingerprint(changes) : undefined;
      const applied = c.req.query('applied') !== undefined ? c.get('t')('usageRepaired', { n: changes.length }) : undefined;
      return page(c, <UsageReportPage c={c} v={{ report, keywords, fingerprint, notice: applied }} />);
    })
    .post('/verify', async (c) => {
      const report = await verifyUsage(db, { accountId: c.get('session').accountId, workflowStatus });
      return c.redirect(`/usage/reports/${await storeUsageReport(db, 'console', report)}`, 303);
    })
    .post('/repair', async (c) => {
      const result = await repairUsage(db, { accountId: c.get('session').accountId, dryRun: true, workflowStatus });
      return c.redirect(`/usage/reports/${await storeUsageReport(db, 'console', result)}`, 303);
    })
    .post('/repair/apply', async (c) => {
      const fingerprint = (await c.req.parseBody()).fingerprint;
      if (typeof fingerprint !== 'string' || !FINGERPRINT.test(fingerprint)) {
        throw badRequest('VALIDATION_ERROR', c.get('t')('refusedFingerprint'));
      }
      try {
        const result = await repairUsage(db, { accountId: c.get('session').accountId, dryRun: false, workflowStatus, expectFingerprint: fingerprint });
        return c.redirect(`/usage/reports/${await storeUsageReport(db, 'console', result)}?applied`, 303);
      } catch (err) {
        // Shown above the dry-run button, the next step.
        if (err instanceof AppError && err.code === 'REPAIR_PLAN_CHANGED') return usagePage(c, refusalText(c, err));
        throw err;
      }
    });
}
