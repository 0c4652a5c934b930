/** `artgen usage ...`: check that usage and reservation counts match the rows, and repair them. */
import type { Command } from 'commander';
import { contextOf } from '../context.js';
import { EXIT, ExitWith } from '../errors.js';
import { cellText, type Column } from '../format.js';
import { pagedList } from './paged-list.js';
import { registerUsageCostCommand } from './usage-cost.js';
import { time } from './views.js';

type Discrepancy = { kind: string; ids: Record<string, unknown>; expected: unknown; actual: unknown; message: string };
type Report = { reportId?: number; checkedAt: string; totals: { distillations?: number; tasks?: number; discrepancies: number; byKind?: Record<string, number> }; discrepancies: Discrepancy[] };
type Change = { kind: string; ids: Record<string, unknown>; before: unknown; after: unknown };
type Repair = { reportId?: number; dryRun: boolean; before?: Report; changes: Change[]; report: Report };

const idsText = (ids: unknown) =>
  ids && typeof ids === 'object' ? Object.entries(ids as Record<string, unknown>).map(([k, v]) => `${k}=${String(v)}`).join(' ') : cellText(ids);

const discrepancyColumns: Column<Discrepancy>[] = [
  { key: 'kind' },
  { key: 'ids', value: (d) => idsText(d.ids) },
  { key: 'expected' },
  { key: 'actual' },
  { key: 'message', maxWidth: 80 },
];

export const VERIFY_EXIT_CODES = `Exit codes: 0 no discrepancy, 1 discrepancies found (listed) or an API/connection error.`;

export function registerUsageCommands(program: Command): void {
  const usage = program.command('usage').description('verify and repair the usage and reservation counts of distillations and tasks; what the LLM cost');
  registerUsageCostCommand(usage);

  usage
    .command('verify')
    .description('check every usage/reservation count and task counter against the rows (stored as a report)')
    .addHelpText('after', `\n${VERIFY_EXIT_CODES}\nFix what it finds with: artgen usage repair --dry-run, then artgen usage repair`)
    .action(async (_opts, cmd: Command) => {
      const ctx = contextOf(cmd);
      const r = await ctx.client.post<Report>('/api/usage/verify');
      const found = r.totals?.discrepancies ?? r.discrepancies?.length ?? 0;
      ctx.print({
        json: r,
        sections: [
          { kind: 'table', columns: discrepancyColumns, rows: r.discrepancies ?? [], empty: 'No discrepancies: every count matches.' },
          {
            kind: 'kv',
            entries: [
              ['reportId', r.reportId],
              ['checkedAt', r.checkedAt, time],
              ['distillations', r.totals?.distillations],
              ['tasks', r.totals?.tasks],
              ['discrepancies', found],
            ],
          },
        ],
      });
      if (found > 0) {
        ctx.info(`artgen: ${found} discrepanc${found === 1 ? 'y' : 'ies'} found; preview the fix with: artgen usage repair --dry-run`);
        throw new ExitWith(EXIT.error);
      }
    });

  usage
    .command('repair')
    .description('set every count to what the rows say, release reservations of finished tasks, finish orphaned tasks')
    .option('--dry-run', 'only list the changes a repair would make')
    .addHelpText('after', '\nWithout --dry-run the repair is performed. Exit code 0 when the repair (or preview) ran.')
    .action(async (opts, cmd: Command) => {
      const ctx = contextOf(cmd);
      const dryRun = Boolean(opts.dryRun);
      const r = await ctx.client.post<Repair>('/api/usage/repair', undefined, { dryRun });
      const changes = r.changes ?? [];
      ctx.print({
        json: r,
        sections: [
          {
            kind: 'table',
            title: dryRun ? 'Changes a repair would make (dry run)' : 'Changes made',
            columns: [
              { key: 'kind' },
              { key: 'ids', value: (c: Change) => idsText(c.ids) },
              { key: 'before', maxWidth: 40 },
              { key: 'after', maxWidth: 40 },
            ],
            rows: changes,
            empty: 'Nothing to repair.',
          },
          {
            kind: 'kv',
            entries: [
              ['reportId', r.reportId],
              ['dryRun', r.dryRun],
              ['discrepanciesBefore', r.before?.totals?.discrepancies],
              ['changes', changes.length],
              [dryRun ? 'remainingAfterRepair' : 'remaining', r.report?.totals?.discrepancies],
            ],
          },
        ],
      });
    });

  pagedList<Record<string, any>>(usage.command('reports').description('the stored verification and repair reports, newest first'), {
    path: '/api/usage/reports',
    rowsKey: 'reports',
    noun: 'reports',
    columns: [
      { key: 'id' },
      { key: 'kind' },
      { key: 'dryRun' },
      { key: 'source' },
      { key: 'discrepancies', value: (r) => r.totals?.discrepancies ?? null },
      { key: 'changes', value: (r) => r.totals?.changes ?? null },
      { key: 'remaining', value: (r) => r.totals?.remaining ?? null },
      { key: 'createdAt', header: 'CREATED', display: time },
    ],
    empty: 'No reports yet.',
  });
}
