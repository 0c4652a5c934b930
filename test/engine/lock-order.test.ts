import { afterAll, expect, it } from 'vitest';
import { saveGeneratedArticle, type ArticleDraft } from '../../src/domain/tasks/article-saving.js';
import { createTaskWithReservations } from '../../src/domain/tasks/selection.js';
import { finishTask, markItem, startTask } from '../../src/domain/tasks/task-lifecycle.js';
import { repairUsage } from '../../src/domain/usage/usage-repair.js';
import { newAccount, openTestDatabase, seedDistillations } from '../support/db.js';
import { testDraft } from '../support/drafts.js';
import { invariantViolations } from '../support/invariants.js';

const database = openTestDatabase(12);
afterAll(() => database.close());

/** The messages of what was rejected; drizzle wraps the PostgreSQL error ("Failed query: ...") as its cause. */
const failures = (outcomes: PromiseSettledResult<unknown>[]) =>
  outcomes.flatMap((o) => (o.status === 'rejected' ? [String(o.reason?.cause?.message ?? o.reason?.message ?? o.reason)] : []));

/**
 * Every writer of a task locks its task row before its items: saves racing a cancel (finishTask) and
 * failure marks must never deadlock. PostgreSQL would abort one side with "deadlock detected".
 */
it('saves racing failure marks and a cancel of the same task never deadlock', async () => {
  const { accountId } = await newAccount(database);
  const n = 8;
  await seedDistillations(database, accountId, Array.from({ length: n * 20 }, (_, i) => ({ keyword: `lock ${i}` })));
  for (let round = 0; round < 20; round++) {
    const task = await createTaskWithReservations(database.db, accountId, { articleCount: n });
    await startTask(database.db, task.id);
    const drafts: ArticleDraft[] = [];
    for (let p = 0; p < n - 2; p++) drafts.push((await testDraft(database, task.id, p))!.draft);
    const outcomes = await Promise.allSettled([
      ...drafts.map((draft, p) => saveGeneratedArticle(database.db, task.id, p, draft)),
      markItem(database.db, task.id, n - 2, 'failed', 'provider said no'),
      finishTask(database.db, task.id, { status: 'canceled', reason: 'race' }),
    ]);
    const errors = failures(outcomes);
    expect(errors, `round ${round}`).toEqual([]);
  }
  expect(await invariantViolations(database, accountId)).toEqual([]);
});

it('saves racing a usage repair of the same account never deadlock', async () => {
  const { accountId } = await newAccount(database);
  const n = 6;
  await seedDistillations(database, accountId, Array.from({ length: n * 20 }, (_, i) => ({ keyword: `repair race ${i}` })));
  for (let round = 0; round < 20; round++) {
    const task = await createTaskWithReservations(database.db, accountId, { articleCount: n });
    await startTask(database.db, task.id);
    const drafts: ArticleDraft[] = [];
    for (let p = 0; p < n; p++) drafts.push((await testDraft(database, task.id, p))!.draft);
    // Wrong counters on both sides, so the repair locks this task's distillations and the task row too.
    await database.sql`UPDATE generation_tasks SET generated_count = 5 WHERE id = ${task.id}`;
    await database.sql`UPDATE distillations SET usage_count = usage_count + 7
      WHERE id IN (SELECT distillation_id FROM task_items WHERE task_id = ${task.id})`;
    const outcomes = await Promise.allSettled([
      repairUsage(database.db, { accountId, dryRun: false }),
      ...drafts.map((draft, p) => saveGeneratedArticle(database.db, task.id, p, draft)),
    ]);
    const errors = failures(outcomes);
    expect(errors, `round ${round}`).toEqual([]);
    await finishTask(database.db, task.id);
    // Whatever the interleaving, one more repair leaves nothing to fix.
    await repairUsage(database.db, { accountId, dryRun: false });
  }
  expect(await invariantViolations(database, accountId)).toEqual([]);
});
