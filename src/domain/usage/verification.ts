import { sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';

/** What verification looks for: DESIGN.md section 3's invariants, plus tasks their workflow left behind. */
export const DISCREPANCY_KINDS = [
  'usage_count_mismatch',
  'reserved_count_mismatch',
  'duplicate_article',
  'duplicate_usage',
  'saved_item_without_article',
  'generated_count_mismatch',
  'terminal_task_with_reservations',
  'orphaned_task',
] as const;
export type DiscrepancyKind = (typeof DISCREPANCY_KINDS)[number];

/** `expected` is what the rows say, `actual` what is stored (or, for an orphaned task, the workflow's status). */
export interface Discrepancy {
  kind: DiscrepancyKind;
  ids: Record<string, number | string>;
  expected: number | string;
  actual: number | string;
  message: string;
}

export interface UsageReport {
  checkedAt: string;
  scope: { accountId: number | null };
  totals: { distillations: number; tasks: number; discrepancies: number; byKind: Record<DiscrepancyKind, number> };
  discrepancies: Discrepancy[];
}

/** Workflow id -> status name (RUNNING, COMPLETED, TERMINATED, ... or NOT_FOUND). */
export type WorkflowStatusLookup = (workflowIds: string[]) => Promise<Map<string, string>>;

export interface VerifyOptions {
  accountId?: number | undefined;
  workflowStatus?: WorkflowStatusLookup | undefined;
}

/** A task touched this recently is not judged orphaned: a retry sits between its commit and the workflow start. */
export const ORPHAN_MIN_IDLE_SECONDS = 15;
/** A task whose workflow does not exist at all must be this old: creation commits before the workflow starts. */
export const ORPHAN_NOT_FOUND_SECONDS = 60;

type Row = Record<string, any>;

/** One aggregate query per check, each scoped to the account when one is given. */
function checks(accountId: number | undefined) {
  const scope = (alias: string): SQL => (accountId === undefined ? sql`TRUE` : sql`${sql.raw(alias)}.account_id = ${accountId}`);
  return {
    usage: sql`
      SELECT d.id, d.account_id, d.usage_count AS actual, COALESCE(u.n, 0)::int AS expected
      FROM distillations d
      LEFT JOIN (SELECT u.distillation_id, count(*)::int AS n FROM distillation_usage u
                 JOIN distillations d2 ON d2.id = u.distillation_id WHERE ${scope('d2')} GROUP BY 1) u ON u.distillation_id = d.id
      WHERE ${scope('d')} AND d.usage_count <> COALESCE(u.n, 0) ORDER BY d.id`,
    reserved: sql`
      SELECT d.id, d.account_id, d.reserved_count AS actual, COALESCE(r.n, 0)::int AS expected
      FROM distillations d
      LEFT JOIN (SELECT i.distillation_id, count(*)::int AS n FROM task_items i
                 JOIN distillations d2 ON d2.id = i.distillation_id WHERE i.state = 'reserved' AND ${scope('d2')} GROUP BY 1) r
        ON r.distillation_id = d.id
      WHERE ${scope('d')} AND d.reserved_count <> COALESCE(r.n, 0) ORDER BY d.id`,
    duplicateArticles: sql`
      SELECT a.account_id, a.task_id, a.position, count(*)::int AS n FROM articles a
      WHERE a.task_id IS NOT NULL AND ${scope('a')} GROUP BY 1, 2, 3 HAVING count(*) > 1 ORDER BY 2, 3`,
    duplicateUsage: sql`
      SELECT d.account_id, u.task_id, u.position, count(*)::int AS n FROM distillation_usage u
      JOIN distillations d ON d.id = u.distillation_id WHERE ${scope('d')} GROUP BY 1, 2, 3 HAVING count(*) > 1 ORDER BY 2, 3`,
    savedWithoutArticle: sql`
      SELECT t.account_id, i.task_id, i.position FROM task_items i JOIN generation_tasks t ON t.id = i.task_id
      LEFT JOIN articles a ON a.id = i.article_id AND a.task_id = i.task_id AND a.position = i.position
      WHERE ${scope('t')} AND i.state = 'saved' AND a.id IS NULL ORDER BY 2, 3`,
    generated: sql`
      SELECT t.id, t.account_id, t.generated_count AS actual, COALESCE(c.n, 0)::int AS expected
      FROM generation_tasks t
      LEFT JOIN (SELECT i.task_id, count(*)::int AS n FROM task_items i JOIN generation_tasks t2 ON t2.id = i.task_id
                 WHERE i.state = 'saved' AND ${scope('t2')} GROUP BY 1) c ON c.task_id = t.id
      WHERE ${scope('t')} AND t.generated_count <> COALESCE(c.n, 0) ORDER BY t.id`,
    terminalReserved: sql`
      SELECT t.id, t.account_id, t.status, count(*)::int AS n FROM generation_tasks t JOIN task_items i ON i.task_id = t.id
      WHERE ${scope('t')} AND t.status IN ('completed','failed','canceled','timeout') AND i.state = 'reserved'
      GROUP BY t.id ORDER BY t.id`,
    openTasks: sql`
      SELECT t.id, t.account_id, t.status, t.workflow_id,
             t.updated_at < now() - make_interval(secs => ${ORPHAN_NOT_FOUND_SECONDS}) AS old
      FROM generation_tasks t
      WHERE ${scope('t')} AND t.status IN ('pending','running','paused') AND t.workflow_id IS NOT NULL
        AND t.updated_at < now() - make_interval(secs => ${ORPHAN_MIN_IDLE_SECONDS}) ORDER BY t.id`,
    totals: sql`
      SELECT (SELECT count(*)::int FROM distillations d WHERE ${scope('d')}) AS distillations,
             (SELECT count(*)::int FROM generation_tasks t WHERE ${scope('t')}) AS tasks`,
  };
}

const one = (kind: DiscrepancyKind, ids: Discrepancy['ids'], expected: number | string, actual: number | string, message: string): Discrepancy => ({
  kind,
  ids,
  expected,
  actual,
  message,
});

async function orphanedTasks(rows: Row[], workflowStatus: WorkflowStatusLookup): Promise<Discrepancy[]> {
  if (rows.length === 0) return [];
  const statuses = await workflowStatus(rows.map((r) => r.workflow_id as string));
  const out: Discrepancy[] = [];
  for (const r of rows) {
    const status = statuses.get(r.workflow_id) ?? 'NOT_FOUND';
    if (status === 'RUNNING' || (status === 'NOT_FOUND' && !r.old)) continue;
    out.push(
      one('orphaned_task', { accountId: r.account_id, taskId: r.id, workflowId: r.workflow_id }, 'RUNNING', status,
        `task ${r.id} is ${r.status} but its workflow ${r.workflow_id} is ${status === 'NOT_FOUND' ? 'not found' : status.toLowerCase()} in Temporal`),
    );
  }
  return out;
}

/** Checks the invariants (and, given `workflowStatus`, the tasks' workflows) and reports every discrepancy. */
export async function verifyUsage(db: DbOrTx, opts: VerifyOptions = {}): Promise<UsageReport> {
  const q = checks(opts.accountId);
  const run = (query: SQL) => db.execute<Row>(query).then((rows) => [...rows]);
  const [usage, reserved, dupArticles, dupUsage, savedWithout, generated, terminal, open, totals] = await Promise.all([
    run(q.usage),
    run(q.reserved),
    run(q.duplicateArticles),
    run(q.duplicateUsage),
    run(q.savedWithoutArticle),
    run(q.generated),
    run(q.terminalReserved),
    opts.workflowStatus ? run(q.openTasks) : Promise.resolve([]),
    run(q.totals),
  ]);
  const discrepancies: Discrepancy[] = [
    ...usage.map((r) =>
      one('usage_count_mismatch', { accountId: r.account_id, distillationId: r.id }, r.expected, r.actual,
        `distillation ${r.id} has usage_count ${r.actual} but ${r.expected} usage rows`)),
    ...reserved.map((r) =>
      one('reserved_count_mismatch', { accountId: r.account_id, distillationId: r.id }, r.expected, r.actual,
        `distillation ${r.id} has reserved_count ${r.actual} but ${r.expected} reserved items`)),
    ...dupArticles.map((r) =>
      one('duplicate_article', { accountId: r.account_id, taskId: r.task_id, position: r.position }, 1, r.n,
        `task ${r.task_id} position ${r.position} has ${r.n} articles`)),
    ...dupUsage.map((r) =>
      one('duplicate_usage', { accountId: r.account_id, taskId: r.task_id, position: r.position }, 1, r.n,
        `task ${r.task_id} position ${r.position} has ${r.n} usage rows`)),
    ...savedWithout.map((r) =>
      one('saved_item_without_article', { accountId: r.account_id, taskId: r.task_id, position: r.position }, 1, 0,
        `task ${r.task_id} position ${r.position} is saved but has no article`)),
    ...generated.map((r) =>
      one('generated_count_mismatch', { accountId: r.account_id, taskId: r.id }, r.expected, r.actual,
        `task ${r.id} has generated_count ${r.actual} but ${r.expected} saved items`)),
    ...terminal.map((r) =>
      one('terminal_task_with_reservations', { accountId: r.account_id, taskId: r.id }, 0, r.n,
        `task ${r.id} is ${r.status} but still holds ${r.n} reserved items`)),
    ...(opts.workflowStatus ? await orphanedTasks(open, opts.workflowStatus) : []),
  ];
  const byKind = Object.fromEntries(DISCREPANCY_KINDS.map((k) => [k, 0])) as Record<DiscrepancyKind, number>;
  for (const d of discrepancies) byKind[d.kind]++;
  return {
    checkedAt: new Date().toISOString(),
    scope: { accountId: opts.accountId ?? null },
    totals: { distillations: totals[0]?.distillations ?? 0, tasks: totals[0]?.tasks ?? 0, discrepancies: discrepancies.length, byKind },
    discrepancies,
  };
}
