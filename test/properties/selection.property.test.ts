// Seed 000 properties 1, 2, 3, 10, 11, 12 and fairness under concurrency, against the real PostgreSQL.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/domain/errors.js';
import { createTaskWithReservations, selectLeastUsedDistillations } from '../../src/domain/tasks/selection.js';
import { newAccount, openTestDatabase, seedDistillations, type DistillationSeed } from '../support/db.js';
import { invariantViolations } from '../support/invariants.js';

const database = openTestDatabase(8);
afterAll(() => database.close());
const RUNS = { numRuns: 100 };

const seedArb: fc.Arbitrary<DistillationSeed> = fc.record({
  usageCount: fc.integer({ min: 0, max: 4 }),
  // Few distinct instants, so ties on usage and on age both happen often.
  createdAt: fc.integer({ min: 0, max: 5 }).map((d) => new Date(Date.UTC(2024, 0, 1 + d))),
  deleted: fc.boolean(),
  topics: fc.oneof(fc.constant([] as string[]), fc.array(fc.string({ minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 3 })),
});

/** The seed's order over the eligible rows: usage ASC, created_at ASC (id ASC to break full ties). */
function expectedOrder(ids: number[], seeds: DistillationSeed[]) {
  return ids
    .map((id, i) => ({ id, s: seeds[i]! }))
    .filter(({ s }) => !s.deleted && (s.topics?.length ?? 0) > 0)
    .sort((a, b) => a.s.usageCount! - b.s.usageCount! || a.s.createdAt!.getTime() - b.s.createdAt!.getTime() || a.id - b.id)
    .map(({ id }) => id);
}

describe('selection of the least-used distillations', () => {
  it('P1, P2, P12: picks exactly the first N eligible rows by usage_count, then created_at; never deleted or topic-less ones', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(seedArb, { minLength: 1, maxLength: 15 }), fc.integer({ min: 1, max: 10 }), async (seeds, n) => {
        const { accountId } = await newAccount(database);
        const ids = await seedDistillations(database, accountId, seeds);
        const selected = await selectLeastUsedDistillations(database.db, accountId, n);
        const expected = expectedOrder(ids, seeds);
        expect(selected).toEqual(expected.slice(0, n));
        if (expected.length >= n) expect(selected).toHaveLength(n);
      }),
      RUNS,
    );
  });

  it('P3, P10, P11: a created task stores its ordered ids, all existing and owned; too few -> INSUFFICIENT_DISTILLATIONS and nothing changes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(seedArb, { minLength: 0, maxLength: 10 }), fc.integer({ min: 1, max: 12 }), async (seeds, n) => {
        const { accountId } = await newAccount(database);
        const ids = await seedDistillations(database, accountId, seeds);
        const available = expectedOrder(ids, seeds).length;
        if (available < n) {
          const err = await createTaskWithReservations(database.db, accountId, { articleCount: n }).catch((e) => e);
          expect(err).toBeInstanceOf(AppError);
          expect(err).toMatchObject({ status: 400, code: 'INSUFFICIENT_DISTILLATIONS', details: { available, requested: n } });
          expect(err.message).toContain(`当前只有${available}个可用，但请求生成${n}篇文章`);
          const taskRows = await database.sql`SELECT count(*)::int AS tasks FROM generation_tasks WHERE account_id = ${accountId}`;
          expect(taskRows[0]!.tasks).toBe(0);
          const reservedRows = await database.sql`SELECT COALESCE(sum(reserved_count), 0)::int AS reserved FROM distillations WHERE account_id = ${accountId}`;
          expect(reservedRows[0]!.reserved).toBe(0);
          return;
        }
        const task = await createTaskWithReservations(database.db, accountId, { articleCount: n });
        expect(task.selectedDistillationIds).toEqual(expectedOrder(ids, seeds).slice(0, n));
        const [row] = await database.sql`SELECT selected_distillation_ids FROM generation_tasks WHERE id = ${task.id}`;
        expect(row!.selected_distillation_ids).toEqual(task.selectedDistillationIds);
        const owned = await database.sql`
          SELECT count(*)::int AS n FROM distillations WHERE id = ANY(${task.selectedDistillationIds}) AND account_id = ${accountId}`;
        expect(owned[0]!.n).toBe(n);
        // Seeded usage counts have no usage rows behind them, so invariant 1 is out of scope here.
        const violations = await invariantViolations(database, accountId);
        expect(violations.filter((v) => !v.startsWith('1:'))).toEqual([]);
      }),
      RUNS,
    );
  });

  it('orders by effective usage (usage + reserved) so a task in flight pushes its picks back', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2, max: 8 }), fc.integer({ min: 1, max: 4 }), async (pool, n) => {
        fc.pre(n < pool);
        const { accountId } = await newAccount(database);
        const ids = await seedDistillations(database, accountId, Array.from({ length: pool }, () => ({})));
        const first = await createTaskWithReservations(database.db, accountId, { articleCount: n });
        const next = await selectLeastUsedDistillations(database.db, accountId, pool - n);
        expect(next).toEqual(ids.filter((id) => !first.selectedDistillationIds.includes(id)));
      }),
      RUNS,
    );
  });

  it('fairness: K concurrent task creations over an even pool leave max - min effective usage <= 1, no task holding one distillation twice', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 3, max: 12 }),
        fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 2, maxLength: 6 }),
        fc.integer({ min: 0, max: 3 }),
        async (pool, counts, baseUsage) => {
          const { accountId } = await newAccount(database);
          await seedDistillations(database, accountId, Array.from({ length: pool }, () => ({ usageCount: baseUsage })));
          const sizes = counts.map((c) => Math.min(c, pool));
          const tasks = await Promise.all(sizes.map((articleCount) => createTaskWithReservations(database.db, accountId, { articleCount })));
          for (const t of tasks) expect(new Set(t.selectedDistillationIds).size).toBe(t.selectedDistillationIds.length);
          const rows = await database.sql<{ e: number }[]>`
            SELECT usage_count + reserved_count AS e FROM distillations WHERE account_id = ${accountId}`;
          const effective = rows.map((r) => r.e);
          expect(Math.max(...effective) - Math.min(...effective)).toBeLessThanOrEqual(1);
          const total = effective.reduce((a, b) => a + b, 0);
          expect(total).toBe(pool * baseUsage + sizes.reduce((a, b) => a + b, 0));
        },
      ),
      RUNS,
    );
  });
});
