import { afterAll, describe, expect, it } from 'vitest';
import { createScheduleRow, listRecentRuns, recentRunsOf, recordFailedRun } from '../../src/domain/schedules/index.js';
import { newAccount, openTestDatabase } from '../support/db.js';

/** The console's list reads every row's latest runs in one query; it must agree with the API's per-schedule answer. */

const database = openTestDatabase();
afterAll(() => database.close());

describe('recentRunsOf', () => {
  it('gives each schedule its latest runs, newest first, the same as listRecentRuns', async () => {
    const { accountId } = await newAccount(database);
    const make = (name: string) => createScheduleRow(database.db, accountId, { name, spec: { cron: '0 9 * * *', timezone: 'UTC' }, template: { articleCount: 1, priority: 5, autoApprove: true, maxRetries: 3 } });
    const [a, b, c] = [await make('a'), await make('b'), await make('c')];
    const error = { code: 'INSUFFICIENT_DISTILLATIONS', message: 'none' };
    for (let i = 0; i < 5; i++) await recordFailedRun(database.db, a, `a-run-${i}`, error);
    for (let i = 0; i < 2; i++) await recordFailedRun(database.db, b, `b-run-${i}`, error);

    const runs = await recentRunsOf(database.db, [a.id, b.id, c.id], 3);
    expect(runs.get(a.id)!.map((r) => r.runWorkflowId)).toEqual(['a-run-4', 'a-run-3', 'a-run-2']);
    expect(runs.get(b.id)!.map((r) => r.runWorkflowId)).toEqual(['b-run-1', 'b-run-0']);
    expect(runs.get(c.id)).toEqual([]);
    for (const s of [a, b, c]) expect(runs.get(s.id)).toEqual(await listRecentRuns(database.db, s.id, 3));
    expect((await recentRunsOf(database.db, [], 3)).size).toBe(0);
  });
});
