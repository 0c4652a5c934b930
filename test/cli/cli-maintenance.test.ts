import { describe, expect, it } from 'vitest';
import { waitFor } from '../support/api-server.js';
import { show } from '../support/cli.js';
import { json, useCliStack } from '../support/cli-stack.js';

/** `artgen` end to end (test/support/cli-stack.ts): cleanup, usage repair and schedules. */
const stack = useCliStack();

describe('maintenance commands', () => {
  it('task cleanup: --dry-run reports, without it deletes and prints what it deleted', async () => {
    const a = await stack.account(['clean a', 'clean b']);
    const r = await a.cli(['task', 'create', '-n', '2', '--watch', '--format', 'json']);
    expect(r.code, show(r)).toBe(0);
    const { taskId } = json(r);
    // Finished an hour ago, so "older than 1 s" holds without waiting.
    await stack.database.sql`UPDATE generation_tasks SET completed_at = now() - interval '1 hour', updated_at = now() - interval '1 hour' WHERE id = ${taskId}`;

    const none = json(await a.cli(['task', 'cleanup', '--older-than', '30d', '--format', 'json']));
    expect(none).toMatchObject({ dryRun: false, tasks: 0, taskIds: [] });

    const dry = await a.cli(['task', 'cleanup', '--older-than', '1', '--dry-run']);
    expect(dry.code, show(dry)).toBe(0);
    expect(dry.stdout).toContain('Dry run: would delete');
    expect(dry.stdout).toMatch(/tasks:\s+1/);
    expect(dry.stdout).toMatch(new RegExp(`taskIds:\\s+${taskId}`));
    expect((await a.cli(['task', 'status', String(taskId)])).code).toBe(0);

    const done = await a.cli(['task', 'cleanup', '--older-than', '1s', '--with-articles', '--format', 'json']);
    expect(done.code, show(done)).toBe(0);
    expect(json(done)).toMatchObject({ dryRun: false, tasks: 1, items: 2, articles: 2, taskIds: [taskId] });
    const gone = await a.cli(['task', 'status', String(taskId)]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('NOT_FOUND');

    const bad = await a.cli(['task', 'cleanup', '--older-than', 'soon']);
    expect(bad.code).toBe(2);
  });

  it('usage verify exits 1 on discrepancies; repair --dry-run previews, repair fixes', async () => {
    const a = await stack.account(['usage a', 'usage b']);
    const clean = await a.cli(['usage', 'verify']);
    expect(clean.code, show(clean)).toBe(0);
    expect(clean.stdout).toContain('No discrepancies');

    const [row] = await stack.database.sql<{ id: number }[]>`
      UPDATE distillations SET usage_count = 5 WHERE account_id = ${a.accountId} AND keyword = 'usage a' RETURNING id`;
    const found = await a.cli(['usage', 'verify', '--format', 'json']);
    expect(found.code, show(found)).toBe(1);
    expect(found.stderr).toContain('1 discrepancy found');
    const report = json(found);
    expect(report.totals.discrepancies).toBe(1);
    expect(report.discrepancies[0]).toMatchObject({ kind: 'usage_count_mismatch', expected: 0, actual: 5 });

    const preview = await a.cli(['usage', 'repair', '--dry-run']);
    expect(preview.code, show(preview)).toBe(0);
    expect(preview.stdout).toContain('Changes a repair would make (dry run)');
    expect(preview.stdout).toContain('set_usage_count');
    const [still] = await stack.database.sql<{ usage_count: number }[]>`SELECT usage_count FROM distillations WHERE id = ${row!.id}`;
    expect(still!.usage_count).toBe(5);

    const repaired = await a.cli(['usage', 'repair', '--format', 'json']);
    expect(repaired.code, show(repaired)).toBe(0);
    expect(json(repaired)).toMatchObject({ dryRun: false, changes: [{ kind: 'set_usage_count' }] });
    const [fixed] = await stack.database.sql<{ usage_count: number }[]>`SELECT usage_count FROM distillations WHERE id = ${row!.id}`;
    expect(fixed!.usage_count).toBe(0);
    expect((await a.cli(['usage', 'verify'])).code).toBe(0);

    const reports = json(await a.cli(['usage', 'reports', '--format', 'json']));
    expect(reports.reports.map((x: any) => x.kind)).toEqual(['verify', 'repair', 'repair', 'verify', 'verify']);
  });

  it('schedule create/list/show/pause/resume/trigger/delete', async () => {
    const a = await stack.account(['sched a', 'sched b']);
    const both = await a.cli(['schedule', 'create', '--name', 'x', '--cron', '0 9 * * *', '--every', '3600', '--count', '1']);
    expect(both.code, show(both)).toBe(2);
    const neither = await a.cli(['schedule', 'create', '--name', 'x', '--count', '1']);
    expect(neither.code, show(neither)).toBe(2);

    const created = await a.cli(['schedule', 'create', '--name', 'hourly', '--every', '1h', '--paused', '--count', '1', '--priority', '3', '--format', 'json']);
    expect(created.code, show(created)).toBe(0);
    const s = json(created);
    stack.temporalScheduleIds.add(s.temporalScheduleId);
    expect(s).toMatchObject({ name: 'hourly', paused: true, spec: { intervalSeconds: 3600 }, template: { articleCount: 1, priority: 3 } });

    const cron = json(await a.cli(['schedule', 'create', '--name', 'daily', '--cron', '0 9 * * *', '--timezone', 'Asia/Shanghai', '--count', '1', '--format', 'json']));
    stack.temporalScheduleIds.add(cron.temporalScheduleId);

    const list = await a.cli(['schedule', 'list']);
    expect(list.code, show(list)).toBe(0);
    expect(list.stdout).toMatch(/hourly\s+every 1h 00m\s+true/);
    expect(list.stdout).toMatch(/daily\s+cron "0 9 \* \* \*" \(Asia\/Shanghai\)\s+false/);

    const resumed = await a.cli(['schedule', 'resume', String(s.id), '--format', 'json']);
    expect(json(resumed)).toEqual({ id: s.id, paused: false });
    const shown = json(await a.cli(['schedule', 'show', String(s.id), '--format', 'json']));
    expect(shown.paused).toBe(false);
    expect(shown.nextRunTimes.length).toBeGreaterThan(0);
    expect(json(await a.cli(['schedule', 'pause', String(s.id), '--format', 'json']))).toEqual({ id: s.id, paused: true });

    const trigger = await a.cli(['schedule', 'trigger', String(s.id)]);
    expect(trigger.code, show(trigger)).toBe(0);
    expect(trigger.stdout).toMatch(/status:\s+triggered/);
    const run = await waitFor('the triggered run', async () => {
      const d = await stack.api.call('GET', `/api/schedules/${s.id}`, a.apiKey);
      return d.body.recentRuns?.[0];
    });
    expect(run).toMatchObject({ outcome: 'created' });
    const table = await a.cli(['schedule', 'show', String(s.id)]);
    expect(table.stdout).toContain('Recent runs');
    expect(table.stdout).toMatch(new RegExp(`created\\s+${run.taskId}`));

    const deleted = await a.cli(['schedule', 'delete', String(s.id)]);
    expect(deleted.code, show(deleted)).toBe(0);
    const after = await a.cli(['schedule', 'show', String(s.id)]);
    expect(after.code).toBe(1);
    expect(after.stderr).toContain('NOT_FOUND');
    expect((await a.cli(['schedule', 'delete', String(cron.id)])).code).toBe(0);
  });
});
