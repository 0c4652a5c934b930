// Usage verification and repair on the real PostgreSQL: tasks run through the domain functions, then
// corrupted in SQL; verification must report exactly the corruptions and repair must undo them.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { saveGeneratedArticle } from '../../src/domain/tasks/article-saving.js';
import { createTaskWithReservations } from '../../src/domain/tasks/selection.js';
import { finishTask, markItem, startTask } from '../../src/domain/tasks/task-lifecycle.js';
import { repairUsage } from '../../src/domain/usage/usage-repair.js';
import { verifyUsage, type Discrepancy } from '../../src/domain/usage/verification.js';
import { newAccount, openTestDatabase, seedDistillations } from '../support/db.js';
import { testDraft } from '../support/drafts.js';
import { invariantViolations } from '../support/invariants.js';

const database = openTestDatabase(8);
afterAll(() => database.close());
const RUNS = { numRuns: 100 };

const draftFor = async (taskId: number, position: number) => (await testDraft(database, taskId, position))?.draft ?? null;

const outcomeArb = fc.constantFrom('save' as const, 'fail' as const, 'open' as const);
const taskArb = fc.record({ n: fc.integer({ min: 1, max: 3 }), outcomes: fc.array(outcomeArb, { minLength: 3, maxLength: 3 }), finish: fc.boolean() });

type Corruption =
  | { kind: 'usage_off'; pick: number; k: number; up: boolean }
  | { kind: 'reserved_off'; pick: number; k: number; up: boolean }
  | { kind: 'delete_usage'; pick: number }
  | { kind: 'terminal_reserved'; pick: number }
  | { kind: 'extra_usage'; pick: number; task: number }
  | { kind: 'generated_off'; task: number; k: number; up: boolean };

const off = <K extends 'usage_off' | 'reserved_off'>(kind: K) =>
  fc.record({ kind: fc.constant(kind), pick: fc.nat(20), k: fc.integer({ min: 1, max: 3 }), up: fc.boolean() });
const corruptionArb: fc.Arbitrary<Corruption> = fc.oneof(
  off('usage_off'),
  off('reserved_off'),
  fc.record({ kind: fc.constant('delete_usage' as const), pick: fc.nat(20) }),
  fc.record({ kind: fc.constant('terminal_reserved' as const), pick: fc.nat(20) }),
  fc.record({ kind: fc.constant('extra_usage' as const), pick: fc.nat(20), task: fc.nat(5) }),
  fc.record({ kind: fc.constant('generated_off' as const), task: fc.nat(5), k: fc.integer({ min: 1, max: 3 }), up: fc.boolean() }),
);

/** Everything a repair may touch, to show a dry run touches none of it. */
async function snapshot(accountId: number) {
  const [d, t, i, u] = await Promise.all([
    database.sql`SELECT id, usage_count, reserved_count, updated_at FROM distillations WHERE account_id = ${accountId} ORDER BY id`,
    database.sql`SELECT id, status, generated_count, failed_count, skipped_count, progress, updated_at FROM generation_tasks WHERE account_id = ${accountId} ORDER BY id`,
    database.sql`SELECT i.task_id, i.position, i.state FROM task_items i JOIN generation_tasks t ON t.id = i.task_id WHERE t.account_id = ${accountId} ORDER BY 1, 2`,
    database.sql`SELECT u.id FROM distillation_usage u JOIN distillations d ON d.id = u.distillation_id WHERE d.account_id = ${accountId} ORDER BY 1`,
  ]);
  return { d: [...d], t: [...t], i: [...i], u: [...u] };
}

const add = (m: Map<number, number>, key: number, delta: number) => m.set(key, (m.get(key) ?? 0) + delta);
const comparable = (ds: Discrepancy[]) =>
  ds.map(({ kind, ids, expected, actual }) => ({ kind, ids, expected, actual })).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

describe('usage verification and repair', () => {
  it('verification reports exactly the corruptions; a dry run changes nothing; repair restores every invariant', async () => {
    const kindsSeen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 4, max: 6 }), fc.array(taskArb, { minLength: 1, maxLength: 3 }), fc.array(corruptionArb, { maxLength: 5 }), async (pool, plans, corruptions) => {
        const { accountId } = await newAccount(database);
        const ids = await seedDistillations(database, accountId, Array.from({ length: pool }, () => ({})));
        const tasks: number[] = [];
        for (const plan of plans) {
          const task = await createTaskWithReservations(database.db, accountId, { articleCount: plan.n });
          await startTask(database.db, task.id);
          for (let p = 0; p < plan.n; p++) {
            if (plan.outcomes[p] === 'save') await saveGeneratedArticle(database.db, task.id, p, (await draftFor(task.id, p))!);
            if (plan.outcomes[p] === 'fail') await markItem(database.db, task.id, p, 'failed', 'test failure');
          }
          if (plan.finish) await finishTask(database.db, task.id);
          tasks.push(task.id);
        }
        expect((await verifyUsage(database.db, { accountId })).discrepancies).toEqual([]);

        const base = await snapshot(accountId);
        const usageCol = new Map<number, number>(), usageRows = new Map<number, number>();
        const reservedCol = new Map<number, number>(), reservedRows = new Map<number, number>();
        const generated = new Map<number, number>(), terminalReserved = new Map<number, number>();
        let fakePosition = 1000;
        for (const c of corruptions) {
          if (c.kind === 'usage_off' || c.kind === 'reserved_off') {
            const column = c.kind === 'usage_off' ? 'usage_count' : 'reserved_count';
            const d = ids[c.pick % ids.length]!;
            const [row] = await database.sql`SELECT ${database.sql(column)} AS v FROM distillations WHERE id = ${d}`;
            const delta = c.up ? c.k : -Math.min(c.k, row!.v as number);
            await database.sql`UPDATE distillations SET ${database.sql(column)} = ${database.sql(column)} + ${delta} WHERE id = ${d}`;
            add(c.kind === 'usage_off' ? usageCol : reservedCol, d, delta);
          } else if (c.kind === 'delete_usage') {
            const rows = await database.sql`SELECT id, distillation_id FROM distillation_usage WHERE distillation_id = ANY(${ids}) ORDER BY id`;
            const row = rows[c.pick % Math.max(rows.length, 1)];
            if (!row) continue;
            await database.sql`DELETE FROM distillation_usage WHERE id = ${row.id}`;
            add(usageRows, row.distillation_id, -1);
          } else if (c.kind === 'extra_usage') {
            const d = ids[c.pick % ids.length]!;
            await database.sql`INSERT INTO distillation_usage (distillation_id, task_id, position, article_id)
              VALUES (${d}, ${tasks[c.task % tasks.length]!}, ${fakePosition++}, 0)`;
            add(usageRows, d, 1);
          } else if (c.kind === 'terminal_reserved') {
            const rows = await database.sql`
              SELECT i.task_id, i.position, i.distillation_id FROM task_items i JOIN generation_tasks t ON t.id = i.task_id
              WHERE t.account_id = ${accountId} AND t.status IN ('completed','failed','canceled','timeout') AND i.state = 'released' ORDER BY 1, 2`;
            const row = rows[c.pick % Math.max(rows.length, 1)];
            if (!row) continue;
            await database.sql`UPDATE task_items SET state = 'reserved' WHERE task_id = ${row.task_id} AND position = ${row.position}`;
            add(reservedRows, row.distillation_id, 1);
            add(terminalReserved, row.task_id, 1);
          } else {
            const taskId = tasks[c.task % tasks.length]!;
            const [row] = await database.sql`SELECT generated_count FROM generation_tasks WHERE id = ${taskId}`;
            const delta = c.up ? c.k : -Math.min(c.k, row!.generated_count as number);
            await database.sql`UPDATE generation_tasks SET generated_count = generated_count + ${delta} WHERE id = ${taskId}`;
            add(generated, taskId, delta);
          }
        }

        const expected: Omit<Discrepancy, 'message'>[] = [];
        for (const d of base.d) {
          const ids = { accountId, distillationId: d.id as number };
          const [uc, ur] = [usageCol.get(d.id) ?? 0, usageRows.get(d.id) ?? 0];
          if (uc !== ur) expected.push({ kind: 'usage_count_mismatch', ids, expected: d.usage_count + ur, actual: d.usage_count + uc });
          const [rc, rr] = [reservedCol.get(d.id) ?? 0, reservedRows.get(d.id) ?? 0];
          if (rc !== rr) expected.push({ kind: 'reserved_count_mismatch', ids, expected: d.reserved_count + rr, actual: d.reserved_count + rc });
        }
        for (const t of base.t) {
          const delta = generated.get(t.id) ?? 0;
          if (delta !== 0) expected.push({ kind: 'generated_count_mismatch', ids: { accountId, taskId: t.id }, expected: t.generated_count, actual: t.generated_count + delta });
          const held = terminalReserved.get(t.id) ?? 0;
          if (held > 0) expected.push({ kind: 'terminal_task_with_reservations', ids: { accountId, taskId: t.id }, expected: 0, actual: held });
        }
        const found = await verifyUsage(database.db, { accountId });
        expect(comparable(found.discrepancies)).toEqual(comparable(expected as Discrepancy[]));
        expect(found.totals.discrepancies).toBe(expected.length);
        for (const d of found.discrepancies) kindsSeen.add(d.kind);

        const corrupted = await snapshot(accountId);
        const dry = await repairUsage(database.db, { accountId, dryRun: true });
        expect(await snapshot(accountId)).toEqual(corrupted);
        expect(dry.report.discrepancies).toEqual([]);
        const real = await repairUsage(database.db, { accountId, dryRun: false });
        expect(real.changes).toEqual(dry.changes);
        expect(comparable(real.before.discrepancies)).toEqual(comparable(found.discrepancies));
        expect(real.report.discrepancies).toEqual([]);
        expect((await verifyUsage(database.db, { accountId })).discrepancies).toEqual([]);
        expect(await invariantViolations(database, accountId)).toEqual([]);
        if (expected.length === 0) expect(real.changes).toEqual([]);
      }),
      RUNS,
    );
    // The generators reach every corruption the property is about.
    expect([...kindsSeen].sort()).toEqual(['generated_count_mismatch', 'reserved_count_mismatch', 'terminal_task_with_reservations', 'usage_count_mismatch']);
  });

  it('a saved item whose article is gone is reported, and left for a human: repair cannot write the article back', async () => {
    const { accountId } = await newAccount(database);
    await seedDistillations(database, accountId, [{}, {}]);
    const task = await createTaskWithReservations(database.db, accountId, { articleCount: 2 });
    await startTask(database.db, task.id);
    const saved = await saveGeneratedArticle(database.db, task.id, 1, (await draftFor(task.id, 1))!);
    await finishTask(database.db, task.id);
    await database.sql`DELETE FROM articles WHERE id = ${saved.articleId}`;
    const expected = [{ kind: 'saved_item_without_article', ids: { accountId, taskId: task.id, position: 1 }, expected: 1, actual: 0 }];
    expect(comparable((await verifyUsage(database.db, { accountId })).discrepancies)).toEqual(expected);
    const repaired = await repairUsage(database.db, { accountId, dryRun: false });
    expect(repaired.changes).toEqual([]);
    expect(comparable(repaired.report.discrepancies)).toEqual(expected);
  });
});
