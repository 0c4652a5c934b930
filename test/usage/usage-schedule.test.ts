import { randomUUID } from 'node:crypto';
import { ScheduleOverlapPolicy } from '@temporalio/client';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUsageActivities } from '../../src/activities/usage-verification.js';
import type { ScheduledVerificationSummary } from '../../src/workflows/contracts.js';
import { listUsageReports } from '../../src/domain/usage/usage-reports.js';
import { ensureUsageVerificationSchedule } from '../../src/temporal/usage-verification-schedule.js';
import { waitFor } from '../support/api-server.js';
import { connectDatabase } from '../../src/db/client.js';
import { createIsolatedDatabase, newAccount, openTestDatabase, seedDistillations } from '../support/db.js';
import { invariantViolations } from '../support/invariants.js';
import { startLlmStub, type LlmStub } from '../support/llm-stub.js';
import { startTestWorker } from '../support/worker.js';

/**
 * The scheduled usage verification on the real Temporal server: the Schedule, a triggered run through
 * the worker, the stored report. Only verification runs here: a repair over every account would touch
 * the accounts other test files corrupt on purpose.
 */

const database = openTestDatabase();
let stub: LlmStub;
let worker: Awaited<ReturnType<typeof startTestWorker>>;

beforeAll(async () => {
  stub = await startLlmStub();
  worker = await startTestWorker(database, stub.url);
});
afterAll(async () => {
  await worker?.stop();
  await stub?.close();
  await database.close();
});

/** An account with one distillation whose usage_count is off by 3. */
async function corruptedAccount() {
  const { accountId } = await newAccount(database);
  const [id] = await seedDistillations(database, accountId, [{}]);
  await database.sql`UPDATE distillations SET usage_count = 3 WHERE id = ${id!}`;
  return { accountId, distillationId: id! };
}

describe('usage verification schedule', () => {
  it('is created once (idempotent), with the interval and overlap SKIP; a triggered run stores an all-accounts report', async () => {
    const scheduleId = `usage-verification-test-${randomUUID().slice(0, 8)}`;
    const options = { scheduleId, intervalMinutes: 30, taskQueue: worker.taskQueue };
    const handle = worker.client.schedule.getHandle(scheduleId);
    try {
      expect(await ensureUsageVerificationSchedule(worker.client, options)).toEqual({ scheduleId, created: true, updated: false });
      expect(await ensureUsageVerificationSchedule(worker.client, options)).toEqual({ scheduleId, created: false, updated: false });
      const described = await handle.describe();
      expect(described.spec.intervals).toMatchObject([{ every: 30 * 60_000 }]);
      expect(described.policies.overlap).toBe(ScheduleOverlapPolicy.SKIP);
      expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: 'usageVerificationWorkflow', taskQueue: worker.taskQueue, workflowId: `${scheduleId}-run` });

      expect(await ensureUsageVerificationSchedule(worker.client, { ...options, intervalMinutes: 5 })).toMatchObject({ created: false, updated: true });
      const updated = await handle.describe();
      expect(updated.spec.intervals).toMatchObject([{ every: 5 * 60_000 }]);
      expect(updated.policies.overlap).toBe(ScheduleOverlapPolicy.SKIP);

      const corrupted = await corruptedAccount();
      const [{ now: triggeredAt }] = (await database.sql`SELECT now()`) as unknown as [{ now: Date }];
      await handle.trigger();
      const row = await waitFor('a usage report stored by the scheduled run', async () => {
        const [r] = await database.sql`
          SELECT * FROM usage_reports WHERE source = 'schedule' AND account_id IS NULL AND created_at >= ${triggeredAt}
            AND discrepancies @> ${JSON.stringify([{ ids: { distillationId: corrupted.distillationId } }])}::jsonb ORDER BY id LIMIT 1`;
        return r;
      });
      expect(row).toMatchObject({ kind: 'verify', dry_run: false });
      expect(row.discrepancies).toContainEqual(
        expect.objectContaining({ kind: 'usage_count_mismatch', ids: { accountId: corrupted.accountId, distillationId: corrupted.distillationId }, expected: 0, actual: 3 }),
      );

      // The run's own result names that report.
      const action = await waitFor('the run in the schedule', async () => (await handle.describe()).info.recentActions[0]);
      expect(action.action.workflow.workflowId.startsWith(`${scheduleId}-run`)).toBe(true);
      const summary: ScheduledVerificationSummary = await worker.client.workflow.getHandle(action.action.workflow.workflowId).result();
      expect(summary).toMatchObject({ reportId: row.id, repaired: false, repairReportId: null });
      expect(summary.discrepancies).toBeGreaterThanOrEqual(1);
    } finally {
      await handle.delete();
    }
    await expect(handle.describe()).rejects.toThrow();
  });

  it('logs one warning per discrepancy and repairs nothing unless told to', async () => {
    const corrupted = await corruptedAccount();
    const lines: any[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    const activities = createUsageActivities({ db: database.db, log, client: worker.client, repairOnSchedule: false });
    const summary = await activities.runScheduledVerification({});
    expect(summary).toMatchObject({ repaired: false, changes: 0 });
    const warnings = lines.filter((l) => l.msg === 'usage discrepancy');
    expect(warnings).toHaveLength(summary.discrepancies);
    expect(warnings.every((w) => w.level === 40)).toBe(true);
    expect(warnings.map((w) => w.discrepancy)).toContainEqual(
      expect.objectContaining({ kind: 'usage_count_mismatch', ids: { accountId: corrupted.accountId, distillationId: corrupted.distillationId } }),
    );
    expect((await database.sql`SELECT usage_count FROM distillations WHERE id = ${corrupted.distillationId}`)[0]!.usage_count).toBe(3);
    const [stored] = await database.sql`SELECT source, account_id FROM usage_reports WHERE id = ${summary.reportId}`;
    expect(stored).toEqual({ source: 'schedule', account_id: null });
  });

  it('with USAGE_REPAIR_ON_SCHEDULE the scheduled run repairs every account and stores both reports (own database)', async () => {
    // Its own database: a repair over every account must not touch other test files' corruptions.
    const isolated = connectDatabase(await createIsolatedDatabase(`artgen_repair_${randomUUID().slice(0, 8)}`), { max: 3 });
    const repairing = await startTestWorker(isolated, stub.url, {}, { repairOnSchedule: true });
    try {
      const accounts = [await newAccount(isolated), await newAccount(isolated)];
      const ids: number[] = [];
      for (const { accountId } of accounts) ids.push(...(await seedDistillations(isolated, accountId, [{}, {}])));
      await isolated.sql`UPDATE distillations SET usage_count = 3 WHERE id = ${ids[0]!}`;
      await isolated.sql`UPDATE distillations SET reserved_count = 2 WHERE id = ${ids[3]!}`;

      // The workflow the Schedule starts, with the input the Schedule gives it.
      const summary: ScheduledVerificationSummary = await repairing.client.workflow.execute('usageVerificationWorkflow', {
        taskQueue: repairing.taskQueue,
        workflowId: `usage-verification-repair-${randomUUID().slice(0, 8)}`,
        args: [{}],
      });
      expect(summary).toMatchObject({ discrepancies: 2, repaired: true, changes: 2, remaining: 0 });
      expect(summary.repairReportId).toEqual(expect.any(Number));

      const rows = await isolated.sql`SELECT id, usage_count, reserved_count FROM distillations WHERE id IN ${isolated.sql(ids)} ORDER BY id`;
      expect(rows.map((r) => [r.usage_count, r.reserved_count])).toEqual([[0, 0], [0, 0], [0, 0], [0, 0]]);
      const reports = await isolated.sql`SELECT id, kind, source, account_id, dry_run FROM usage_reports WHERE account_id IS NULL ORDER BY id`;
      expect(reports).toEqual([
        { id: summary.reportId, kind: 'verify', source: 'schedule', account_id: null, dry_run: false },
        { id: summary.repairReportId, kind: 'repair', source: 'schedule', account_id: null, dry_run: false },
      ]);
      // Each account sees its own part of both (issue 8 item 8b): its finding and its change, its own totals.
      for (const [i, { accountId }] of accounts.entries()) {
        const kind = i === 0 ? 'usage_count_mismatch' : 'reserved_count_mismatch';
        const own = await listUsageReports(isolated.db, accountId, 1, 20);
        expect(own.total).toBe(2);
        const [repair, verify] = own.reports;
        expect(verify).toMatchObject({ accountId, kind: 'verify', source: 'schedule', totals: { distillations: 2, tasks: 0, discrepancies: 1, [kind]: 1 } });
        expect(verify!.discrepancies).toEqual([expect.objectContaining({ kind, ids: { accountId, distillationId: ids[i === 0 ? 0 : 3] } })]);
        expect(repair).toMatchObject({ accountId, kind: 'repair', source: 'schedule', totals: { discrepancies: 1, changes: 1, remaining: 0 } });
        expect(repair!.changes).toEqual([expect.objectContaining({ ids: { accountId, distillationId: ids[i === 0 ? 0 : 3] } })]);
      }
      // The whole-system view stays as it was, for operators.
      expect((await listUsageReports(isolated.db, null, 1, 20)).reports.map((r) => r.id)).toEqual([summary.repairReportId, summary.reportId]);
      for (const { accountId } of accounts) expect(await invariantViolations(isolated, accountId)).toEqual([]);
    } finally {
      await repairing.stop();
      await isolated.close();
    }
  });
});
