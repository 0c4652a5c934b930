import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { accountCostStats, costReport, periodSpend } from '../../src/domain/costs/index.js';
import { picoToDecimal } from '../../src/llm/models/spec.js';
import { newAccount, openTestDatabase } from '../support/db.js';

/**
 * The books add up exactly (issue 18): for random llm_attempts rows (costs up to 1e18 pico-units, two currencies,
 * times on and around the UTC day's and month's first microsecond), the spend of the day and month, the cost report
 * by day, model and task, and /api/stats' figures equal the sums of the rows, computed here with bigint.
 */
const database = openTestDatabase();
afterAll(() => database.close());

const DAY_US = 86_400_000_000n;
class Rollback extends Error {}

type When = { kind: 'today' | 'dayStart' | 'beforeDay' | 'monthStart' | 'beforeMonth' | 'older'; back: bigint };
const when: fc.Arbitrary<When> = fc.record({
  kind: fc.constantFrom('today', 'dayStart', 'beforeDay', 'monthStart', 'beforeMonth', 'older'),
  back: fc.bigInt({ min: 0n, max: 70n * DAY_US }),
});
const row = fc.record({
  cost: fc.bigInt({ min: 0n, max: 10n ** 18n }),
  currency: fc.constantFrom('USD', 'CNY'),
  model: fc.constantFrom('a', 'b', 'offline'),
  task: fc.option(fc.integer({ min: 1, max: 3 }), { nil: null }),
  when,
});

describe('spend from llm_attempts', () => {
  it('day, month, report and stats figures equal the sums of random rows (property, 100 runs, real PostgreSQL)', async () => {
    const { accountId } = await newAccount(database);
    await fc.assert(
      fc.asyncProperty(fc.array(row, { maxLength: 12 }), async (rows) => {
        try {
          await database.db.transaction(async (tx) => {
            // now() is the transaction's start: the queries below and the expected figures see one clock.
            const [clock] = await tx.execute<{ now_us: string }>(sql`SELECT (extract(epoch FROM now()) * 1000000)::bigint::text AS now_us`);
            const nowUs = BigInt(clock!.now_us);
            const dayStart = (nowUs / DAY_US) * DAY_US;
            const now = new Date(Number(nowUs / 1000n));
            const monthStart = BigInt(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)) * 1000n;
            const at = (w: When) =>
              ({
                today: nowUs - (w.back % (nowUs - dayStart + 1n)),
                dayStart,
                beforeDay: dayStart - 1n,
                monthStart,
                beforeMonth: monthStart - 1n,
                older: nowUs - w.back,
              })[w.kind];
            const placed = rows.map((r) => ({ ...r, us: at(r.when) }));
            for (const r of placed) {
              await tx.execute(sql`
                INSERT INTO llm_attempts (account_id, task_id, position, model_id, outcome, cost_pico, currency, created_at)
                VALUES (${accountId}, ${r.task}, 0, ${r.model}, 'ok', ${r.cost.toString()}::bigint, ${r.currency},
                        timestamptz 'epoch' + ${r.us.toString()}::bigint * interval '1 microsecond')`);
            }
            const sum = (keep: (r: (typeof placed)[number]) => boolean) => placed.filter(keep).reduce((s, r) => s + r.cost, 0n);
            for (const currency of ['USD', 'CNY']) {
              const spend = await periodSpend(tx, accountId, currency);
              expect(spend.todayPico).toBe(sum((r) => r.currency === currency && r.us >= dayStart));
              expect(spend.monthPico).toBe(sum((r) => r.currency === currency && r.us >= monthStart));
              expect(spend.dayResetsAt.getTime()).toBe(Number((dayStart + DAY_US) / 1000n));
            }
            const range = { from: new Date(Number(monthStart / 1000n)), to: new Date(Number(nowUs / 1000n) + 1) };
            const inRange = (r: (typeof placed)[number]) => r.us >= monthStart && r.us < BigInt(range.to.getTime()) * 1000n;
            for (const by of ['day', 'model', 'task'] as const) {
              const lines = await costReport(tx, accountId, { ...range, by });
              const keyOf = (r: (typeof placed)[number]) =>
                by === 'model' ? r.model : by === 'task' ? (r.task === null ? null : String(r.task)) : new Date(Number(r.us / 1000n)).toISOString().slice(0, 10);
              const expected = new Map<string, bigint>();
              for (const r of placed.filter(inRange)) {
                const k = `${keyOf(r)}|${r.currency}`;
                expected.set(k, (expected.get(k) ?? 0n) + r.cost);
              }
              expect(new Map(lines.map((l) => [`${l.key}|${l.currency}`, l.costPico]))).toEqual(expected);
            }
            const stats = await accountCostStats(tx, accountId);
            const byCurrency = (keep: (r: (typeof placed)[number]) => boolean) => {
              const m = new Map<string, string>();
              for (const c of ['CNY', 'USD']) if (placed.some((r) => keep(r) && r.currency === c)) m.set(c, picoToDecimal(sum((r) => keep(r) && r.currency === c)));
              return m;
            };
            expect(new Map(stats.today.map((l) => [l.currency, l.amount]))).toEqual(byCurrency((r) => r.us >= dayStart));
            expect(new Map(stats.thisMonth.map((l) => [l.currency, l.amount]))).toEqual(byCurrency((r) => r.us >= monthStart));
            throw new Rollback();
          });
        } catch (err) {
          if (!(err instanceof Rollback)) throw err;
        }
      }),
      { numRuns: 100 },
    );
  }, 300_000);
});
