/** `artgen usage cost`: what the account's LLM requests cost, by day, model or task (GET /api/costs). */
import { Option, type Command } from 'commander';
import { COST_GROUPINGS } from '../../shared/cost-groupings.js';
import { contextOf } from '../context.js';

type CostLine = { key: string | null; currency: string; cost: string; requests: number; promptTokens: number; completionTokens: number };
type CostReport = { from: string; to: string; by: string; lines: CostLine[]; totals: { currency: string; cost: string; requests: number }[] };

export function registerUsageCostCommand(usage: Command): void {
  usage
    .command('cost')
    .description('what the LLM requests cost (saved, refused and failed alike), exact, per currency')
    .option('--from <day>', 'first UTC day (YYYY-MM-DD) or ISO time included; default: the first of this month')
    .option('--to <day>', 'last UTC day included (YYYY-MM-DD), or ISO time the range ends before; default: today')
    .addOption(new Option('--by <grouping>', 'one line per').choices([...COST_GROUPINGS]).default('day'))
    .addHelpText('after', '\nExamples:\n  artgen usage cost --from 2026-12-01 --to 2026-12-07 --by model\n  artgen usage cost --by task --format csv > cost.csv')
    .action(async (opts: { from?: string; to?: string; by: string }, cmd: Command) => {
      const ctx = contextOf(cmd);
      const r = await ctx.client.get<CostReport>('/api/costs', { from: opts.from, to: opts.to, by: opts.by });
      const keyHeader = { day: 'DAY', model: 'MODEL', task: 'TASK' }[r.by] ?? 'KEY';
      ctx.print({
        json: r,
        sections: [
          {
            kind: 'table',
            columns: [
              { key: r.by, header: keyHeader, value: (l: CostLine) => l.key ?? (r.by === 'task' ? 'distillation runs' : ''), align: 'left' },
              { key: 'currency' },
              { key: 'cost', align: 'right' },
              { key: 'requests' },
              { key: 'promptTokens', header: 'PROMPT' },
              { key: 'completionTokens', header: 'COMPLETION' },
            ],
            rows: r.lines,
            empty: 'Nothing spent in this range.',
          },
          { kind: 'table', title: 'Total', columns: [{ key: 'currency' }, { key: 'cost', align: 'right' }, { key: 'requests' }], rows: r.totals, empty: 'Total: 0', csvOnly: false },
        ],
        notes: [`From ${r.from} to before ${r.to} (UTC).`],
      });
    });
}
