// The metrics' counters move exactly when the database records the move: a retried, doubled or concurrent
// save, mark or finish counts once, as its row changes once (the scrape test checks the same end to end).
import fc from 'fast-check';
import type { Counter } from 'prom-client';
import { afterAll, describe, expect, it } from 'vitest';
import { saveGeneratedArticle } from '../../src/domain/tasks/article-saving.js';
import { createTaskWithReservations } from '../../src/domain/tasks/selection.js';
import { finishTask, markItem, startTask } from '../../src/domain/tasks/task-lifecycle.js';
import { articlesFailed, articlesFlagged, articlesSaved, FINAL_TASK_STATUSES, tasksFinished } from '../../src/infra/metrics/registry.js';
import { newAccount, openTestDatabase, seedDistillations } from '../support/db.js';
import { testDraft } from '../support/drafts.js';

const database = openTestDatabase(8);
afterAll(() => database.close());

/** The counters of this process, by label set (`status=completed`, `state=failed`, or '' without labels). */
async function counters(): Promise<Record<string, number>> {
  const read = async (prefix: string, counter: Counter<string>) =>
    (await counter.get()).values.map((v) => [`${prefix}${Object.entries(v.labels).map(([k, l]) => `{${k}=${l}}`).join('')}`, v.value] as const);
  return Object.fromEntries([
    ...(await read('saved', articlesSaved)),
    ...(await read('flagged', articlesFlagged)),
    ...(await read('failed', articlesFailed)),
    ...(await read('finished', tasksFinished)),
  ]);
}

type Op =
  | { kind: 'create'; n: number }
  | { kind: 'save'; task: number; position: number; times: 1 | 2; concurrent: boolean; flagged: boolean }
  | { kind: 'mark'; task: number; position: number; state: 'failed' | 'skipped'; times: 1 | 2 }
  | { kind: 'finish'; task: number; outcome: 'decide' | 'canceled' | 'timeout'; times: 1 | 2 };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('create' as const), n: fc.integer({ min: 1, max: 3 }) }) },
  {
    weight: 5,
    arbitrary: fc.record({ kind: fc.constant('save' as const), task: fc.nat(5), position: fc.nat(2), times: fc.constantFrom(1 as const, 2 as const), concurrent: fc.boolean(), flagged: fc.boolean() }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('mark' as const), task: fc.nat(5), position: fc.nat(2), state: fc.constantFrom('failed' as const, 'skipped' as const), times: fc.constantFrom(1 as const, 2 as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('finish' as const), task: fc.nat(5), outcome: fc.constantFrom('decide' as const, 'canceled' as const, 'timeout' as const), times: fc.constantFrom(1 as const, 2 as const) }) },
);

describe('metrics counters', () => {
  it('articles saved, flagged, failed and tasks finished move by what the database recorded, whatever is retried', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 3, max: 8 }), fc.array(opArb, { minLength: 1, maxLength: 20 }), async (pool, ops) => {
        const before = await counters();
        const { accountId } = await newAccount(database);
        await seedDistillations(database, accountId, Array.from({ length: pool }, () => ({})));
        const tasks: { id: number; n: number }[] = [];
        for (const op of ops) {
          if (op.kind === 'create') {
            const t = await createTaskWithReservations(database.db, accountId, { articleCount: op.n }).catch(() => null);
            if (t) {
              await startTask(database.db, t.id);
              tasks.push({ id: t.id, n: op.n });
            }
            continue;
          }
          const task = tasks[op.task % Math.max(tasks.length, 1)];
          if (!task) continue;
          const position = 'position' in op ? op.position % task.n : 0;
          const twice = async (fn: () => Promise<unknown>, times: 1 | 2, concurrent = false) => {
            if (concurrent && times === 2) await Promise.all([fn(), fn()]);
            else for (let i = 0; i < times; i++) await fn();
          };
          if (op.kind === 'save') {
            const built = await testDraft(database, task.id, position);
            if (!built) continue;
            const draft = { ...built.draft, qualityFlags: op.flagged ? [{ check: 'min_length' as const, message: 'too short' }] : [] };
            await twice(() => saveGeneratedArticle(database.db, task.id, position, draft), op.times, op.concurrent);
          } else if (op.kind === 'mark') {
            await twice(() => markItem(database.db, task.id, position, op.state, 'test failure'), op.times);
          } else {
            await twice(() => finishTask(database.db, task.id, op.outcome === 'decide' ? undefined : { status: op.outcome }), op.times);
          }
        }
        const after = await counters();
        const delta = (key: string) => (after[key] ?? 0) - (before[key] ?? 0);
        const [db] = await database.sql<{ saved: number; flagged: number; failed: number; skipped: number; statuses: Record<string, number> | null }[]>`
          SELECT (SELECT count(*)::int FROM articles WHERE account_id = ${accountId}) AS saved,
                 (SELECT count(*)::int FROM articles WHERE account_id = ${accountId} AND jsonb_array_length(quality_flags) > 0) AS flagged,
                 -- Every move of an item to failed or skipped appends its event: the record of each one.
                 (SELECT count(*)::int FROM task_events WHERE account_id = ${accountId} AND type = 'article.failed') AS failed,
                 (SELECT count(*)::int FROM task_events WHERE account_id = ${accountId} AND type = 'article.skipped') AS skipped,
                 (SELECT json_object_agg(status, n) FROM (SELECT status, count(*)::int AS n FROM generation_tasks WHERE account_id = ${accountId} GROUP BY status) s) AS statuses`;
        expect(delta('saved')).toBe(db!.saved);
        expect(delta('flagged')).toBe(db!.flagged);
        expect(delta('failed{state=failed}')).toBe(db!.failed);
        expect(delta('failed{state=skipped}')).toBe(db!.skipped);
        for (const status of FINAL_TASK_STATUSES) expect(delta(`finished{status=${status}}`), status).toBe(db!.statuses?.[status] ?? 0);
      }),
      { numRuns: 100 },
    );
  });
});
