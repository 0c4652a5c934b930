import { Hono } from 'hono';
import { z } from 'zod';
import { repairUsage } from '../../domain/usage/usage-repair.js';
import { listUsageReports, storeUsageReport, USAGE_REPORT_SOURCES } from '../../domain/usage/usage-reports.js';
import { verifyUsage } from '../../domain/usage/verification.js';
import { temporalWorkflowStatus } from '../../temporal/workflow-status.js';
import type { ApiDeps } from '../../http/deps.js';
import type { ApiEnv } from '../types.js';
import { pagination, parseQuery } from '../../http/validation.js';
import type { ApiOperation } from '../operation.js';
import { DISCREPANCY_KINDS } from '../../domain/usage/verification.js';
import { count, id, jsonObject, paged, timestamp } from '../../http/schemas/common.js';

const ids = z.record(z.string(), z.union([z.number(), z.string()])).describe('accountId, distillationId, taskId, position, workflowId: what the finding is about');
const usageReport = z.object({
  checkedAt: timestamp,
  scope: z.object({ accountId: id.nullable() }),
  totals: z.object({ distillations: count, tasks: count, discrepancies: count, byKind: z.object(Object.fromEntries(DISCREPANCY_KINDS.map((k) => [k, count]))) }),
  discrepancies: z.array(
    z.object({
      kind: z.enum(DISCREPANCY_KINDS),
      ids,
      expected: z.union([z.number(), z.string()]).describe('What the source rows say'),
      actual: z.union([z.number(), z.string()]).describe('What is stored'),
      message: z.string(),
    }),
  ),
});
const repairChange = z.object({
  kind: z.enum(['release_reservations', 'set_usage_count', 'set_reserved_count', 'set_task_counters', 'finish_orphaned_task']),
  ids,
  before: z.unknown(),
  after: z.unknown(),
});
const verifyAnswer = usageReport.extend({ reportId: id });
const repairAnswer = z.object({
  reportId: id,
  dryRun: z.boolean(),
  fingerprint: z.string().describe('Hash of the planned changes: pass it to the apply (dryRun=false) to make exactly these'),
  before: usageReport,
  changes: z.array(repairChange),
  report: usageReport.describe('Verification after the repair; for a dry run the predicted one'),
});
const storedReport = z.object({
  id,
  accountId: id.nullable(),
  kind: z.enum(['verify', 'repair']),
  dryRun: z.boolean(),
  source: z.enum(USAGE_REPORT_SOURCES),
  totals: z.record(z.string(), count),
  discrepancies: z.array(jsonObject),
  changes: z.array(jsonObject),
  createdAt: timestamp,
});

const repairQuery = z.object({
  dryRun: z
    .enum(['true', 'false'], { message: 'dryRun must be true or false (default true: report the changes without making them)' })
    .default('true')
    .transform((v) => v === 'true'),
  fingerprint: z
    .string()
    .regex(/^[0-9a-f]{32}$/, { message: "fingerprint must be a dry run's fingerprint (32 hex characters)" })
    .optional()
    .describe('With dryRun=false: repair only if the changes are still the ones this dry run showed, else 409 REPAIR_PLAN_CHANGED and nothing is written'),
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
      const { dryRun, fingerprint } = parseQuery(c, repairQuery);
      const result = await repairUsage(db, { accountId: c.get('accountId'), dryRun, workflowStatus, expectFingerprint: fingerprint });
      const reportId = await storeUsageReport(db, 'api', result);
      return c.json({ reportId, ...result });
    })
    .get('/reports', async (c) => {
      const { page, pageSize } = parseQuery(c, pagination);
      return c.json(await listUsageReports(db, c.get('accountId'), page, pageSize));
    });
}

export const usageOperations: ApiOperation[] = [
  { method: 'post', path: '/verify', summary: 'Check usage counts, reservations and items against their sources; stores a report', response: verifyAnswer },
  { method: 'post', path: '/repair', summary: 'Repair what verify reports (dry run by default); stores a report', query: repairQuery, response: repairAnswer, errors: { 409: ['REPAIR_PLAN_CHANGED'] } },
  { method: 'get', path: '/reports', summary: 'Stored verification and repair reports, newest first', query: pagination, response: paged('reports', storedReport) },
];
