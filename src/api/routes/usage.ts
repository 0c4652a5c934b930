import { Hono } from 'hono';
import { z } from 'zod';
import { repairUsage } from '../../domain/usage-repair.js';
import { listUsageReports, storeUsageReport } from '../../domain/usage-reports.js';
import { verifyUsage } from '../../domain/verification.js';
import { temporalWorkflowStatus } from '../../temporal/workflow-status.js';
import type { ApiDeps, ApiEnv } from '../types.js';
import { pagination, parseQuery } from '../validation.js';
import type { ApiOperation } from '../openapi.js';

const repairQuery = z.object({
  dryRun: z
    .enum(['true', 'false'], { message: 'dryRun must be true or false (default true: report the changes without making them)' })
    .default('true')
    .transform((v) => v === 'true'),
});

/** Usage verification and repair of the caller's account; every run is stored as a report. */
export function usageRoutes({ db, temporal }: ApiDeps) {
  const workflowStatus = temporalWorkflowStatus(temporal.client);
  return new Hono<ApiEnv>()
    .post('/verify', async (c) => {
      const report = await verifyUsage(db, { accountId: c.get('accountId'), workflowStatus });
      const reportId = await storeUsageReport(db, 'api', report);
      return c.json({ reportId, ...report });
    })
    .post('/repair', async (c) => {
      const { dryRun } = parseQuery(c, repairQuery);
      const result = await repairUsage(db, { accountId: c.get('accountId'), dryRun, workflowStatus });
      const reportId = await storeUsageReport(db, 'api', result);
      return c.json({ reportId, ...result });
    })
    .get('/reports', async (c) => {
      const { page, pageSize } = parseQuery(c, pagination);
      return c.json(await listUsageReports(db, c.get('accountId'), page, pageSize));
    });
}

export const usageOperations: ApiOperation[] = [
  { method: 'post', path: '/verify', summary: 'Check usage counts, reservations and items against their sources; stores a report' },
  { method: 'post', path: '/repair', summary: 'Repair what verify reports (dry run by default); stores a report', query: repairQuery },
  { method: 'get', path: '/reports', summary: 'Stored verification and repair reports, newest first', query: pagination },
];
