// DESIGN.md invariants 1-5 and seed 000 properties 5, 6, 7, 9, 14 and 18, by random operation
// sequences through the real domain functions on the real PostgreSQL.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { saveGeneratedArticle, type ArticleDraft } from '../../src/domain/tasks/article-saving.js';
import { createTaskWithReservations } from '../../src/domain/tasks/selection.js';
import { finishTask, markItem, startTask } from '../../src/domain/tasks/task-lifecycle.js';
import { newAccount, openTestDatabase, seedDistillations } from '../support/db.js';
import { testDraft } from '../support/drafts.js';
import { invariantViolations } from '../support/invariants.js';

const database = openTestDatabase(8);
afterAll(() => database.close());
const RUNS = { numRuns: 100 };

/** The draft generateArticle would save, checking P5/P6: one distillation's keyword and topics, complete. */
async function draftFor(taskId: number, position: number): Promise<ArticleDraft | null> {
  const built = await testDraft(database, taskId, position);
  if (!built) return null;
  const [d] = await database.sql`SELECT keyword FROM distillations WHERE id = ${built.distillationId}`;
  const topics = await database.sql`SELECT question FROM topics WHERE distillation_id = ${built.distillationId} ORDER BY position`;
  expect(built.draft.keyword).toBe(d!.keyword);
  expect(built.draft.topics).toEqual(topics.map((t) => t.question));
  return built.draft;
}

type Op =
  | { kind: 'create'; n: number }
  | { kind: 'save'; task: number; position: number; times: 1 | 2; concurrent: boolean }
  | { kind: 'mark'; task: number; position: number; state: 'failed' | 'skipped' }
  | { kind: 'finish'; task: number; canceled: boolean }
  | { kind: 'delete'; distillation: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('create' as const), n: fc.integer({ min: 1, max: 3 }) }) },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('save' as const),
      task: fc.nat(5),
      position: fc.nat(2),
      times: fc.constantFrom(1 as const, 2 as const),
      concurrent: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('mark' as const), task: fc.nat(5), position: fc.nat(2), state: fc.constantFrom('failed' as const, 'skipped' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('finish' as const), task: fc.nat(5), canceled: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), distillation: fc.nat(7) }) },
);

describe('task lifecycle keeps every invariant', () => {
  it('invariants 1-5 hold after any sequence of creates, (double and concurrent) saves, marks, finishes and deletions', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 3, max: 8 }), fc.array(opArb, { minLength: 1, maxLength: 25 }), async (pool, ops) => {
        const { accountId } = await newAccount(database);
        const ids = await seedDistillations(database, accountId, Array.from({ length: pool }, () => ({})));
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
          if (op.kind === 'delete') {
            await database.sql`UPDATE distillations SET deleted_at = now() WHERE id = ${ids[op.distillation % ids.length]!}`;
            continue;
          }
          const task = tasks[op.task % Math.max(tasks.length, 1)];
          if (!task) continue;
          const position = 'position' in op ? op.position % task.n : 0;
          if (op.kind === 'save') {
            const draft = await draftFor(task.id, position);
            if (!draft) continue;
            const save = () => saveGeneratedArticle(database.db, task.id, position, draft);
            const results = op.concurrent && op.times === 2 ? await Promise.all([save(), save()]) : [await save(), ...(op.times === 2 ? [await save()] : [])];
            expect(new Set(results.map((r) => r.articleId)).size).toBe(1);
            expect(results.filter((r) => r.inserted).length).toBeLessThanOrEqual(1);
          } else if (op.kind === 'mark') {
            await markItem(database.db, task.id, position, op.state, 'test failure');
          } else {
            await finishTask(database.db, task.id, op.canceled ? { status: 'canceled' } : undefined);
          }
        }
        expect(await invariantViolations(database, accountId)).toEqual([]);
      }),
      RUNS,
    );
  });

  it('P7, P9: a task whose articles are all saved used each selected distillation exactly once, and usage_count moved by exactly that', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 0, max: 6 }), async (n, extra) => {
        const { accountId } = await newAccount(database);
        await seedDistillations(database, accountId, Array.from({ length: n + extra }, () => ({})));
        const task = await createTaskWithReservations(database.db, accountId, { articleCount: n });
        await startTask(database.db, task.id);
        for (let p = 0; p < n; p++) await saveGeneratedArticle(database.db, task.id, p, (await draftFor(task.id, p))!);
        const summary = await finishTask(database.db, task.id);
        expect(summary).toMatchObject({ status: 'completed', generatedCount: n });
        const usage = await database.sql`SELECT distillation_id, count(*)::int AS n FROM distillation_usage WHERE task_id = ${task.id} GROUP BY 1`;
        expect(new Map(usage.map((u) => [u.distillation_id, u.n]))).toEqual(new Map(task.selectedDistillationIds.map((id) => [id, 1])));
        const counts = await database.sql`SELECT id, usage_count, reserved_count FROM distillations WHERE account_id = ${accountId}`;
        for (const c of counts) {
          expect(c.usage_count).toBe(task.selectedDistillationIds.includes(c.id) ? 1 : 0);
          expect(c.reserved_count).toBe(0);
        }
        expect(await invariantViolations(database, accountId)).toEqual([]);
      }),
      RUNS,
    );
  });

  it('P14: with k of n articles failed (k < n) the task is completed with n - k articles; with all failed it is failed', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 6 }), async (n, kRaw) => {
        const k = kRaw % (n + 1);
        const { accountId } = await newAccount(database);
        await seedDistillations(database, accountId, Array.from({ length: n }, () => ({})));
        const task = await createTaskWithReservations(database.db, accountId, { articleCount: n });
        await startTask(database.db, task.id);
        for (let p = 0; p < n; p++) {
          if (p < k) await markItem(database.db, task.id, p, 'failed', `error ${p}`);
          else await saveGeneratedArticle(database.db, task.id, p, (await draftFor(task.id, p))!);
        }
        const summary = await finishTask(database.db, task.id);
        expect(summary.status).toBe(k < n ? 'completed' : 'failed');
        expect(summary.generatedCount).toBe(n - k);
        expect(summary.failedCount).toBe(k);
        const [row] = await database.sql`SELECT generated_count, status FROM generation_tasks WHERE id = ${task.id}`;
        expect(row).toMatchObject({ generated_count: n - k, status: summary.status });
        if (k > 0) expect(summary.errorMessage).toContain(`${k} of ${n} articles not written`);
        expect(await invariantViolations(database, accountId)).toEqual([]);
      }),
      RUNS,
    );
  });

  it('P18: a legacy task (distillation_id only) gets N items of that distillation and its articles all point at it', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 3 }), async (n, saved) => {
        const { accountId } = await newAccount(database);
        const [id] = await seedDistillations(database, accountId, [{ keyword: 'legacy' }]);
        const [task] = await database.sql<{ id: number }[]>`
          INSERT INTO generation_tasks (account_id, distillation_id, requested_count) VALUES (${accountId}, ${id!}, ${n}) RETURNING id`;
        const plan = await startTask(database.db, task!.id);
        expect(plan.openPositions).toEqual(Array.from({ length: n }, (_, i) => i));
        expect(await startTask(database.db, task!.id)).toEqual(plan);
        for (let p = 0; p < Math.min(saved, n); p++) await saveGeneratedArticle(database.db, task!.id, p, (await draftFor(task!.id, p))!);
        await finishTask(database.db, task!.id);
        const articles = await database.sql`SELECT distillation_id FROM articles WHERE task_id = ${task!.id}`;
        expect(articles).toHaveLength(Math.min(saved, n));
        for (const a of articles) expect(a.distillation_id).toBe(id);
        expect(await invariantViolations(database, accountId)).toEqual([]);
      }),
      RUNS,
    );
  });
});
