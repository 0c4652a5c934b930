/** `artgen audit list`: the audit trail (writes and refused auth attempts). */
import type { Command } from 'commander';
import { contextOf, positiveInt } from '../context.js';
import { pageNote, time } from './views.js';

type AuditList = { events: Record<string, unknown>[]; page: number; pageSize: number; total: number };

const idsText = (ids: unknown) =>
  ids && typeof ids === 'object' ? Object.entries(ids as Record<string, unknown>).map(([k, v]) => `${k}=${String(v)}`).join(' ') : '';

export function registerAuditCommands(program: Command): void {
  program
    .command('audit')
    .description('the audit trail of the account')
    .command('list')
    .description('audit events, newest first')
    .option('--from <time>', 'ISO 8601 date-time: events at or after it')
    .option('--to <time>', 'ISO 8601 date-time: events before it')
    .option('--action <action>', "a method ('DELETE') or a method and route ('POST /api/distillations')")
    .option('--account <id>', "another account's events, or 'all' (operator keys)")
    .option('--page <p>', 'page number', positiveInt('--page'), 1)
    .option('--page-size <n>', 'events per page (1-100)', positiveInt('--page-size', 100), 20)
    .action(async (opts, cmd: Command) => {
      const ctx = contextOf(cmd);
      const list = await ctx.client.get<AuditList>('/api/audit', {
        from: opts.from,
        to: opts.to,
        action: opts.action,
        accountId: opts.account,
        page: opts.page,
        pageSize: opts.pageSize,
      });
      ctx.print({
        json: list,
        sections: [
          {
            kind: 'table',
            columns: [
              { key: 'createdAt', header: 'TIME', display: time },
              { key: 'accountId', header: 'ACCOUNT' },
              { key: 'keyPrefix', header: 'KEY' },
              { key: 'action', maxWidth: 60 },
              { key: 'targetIds', header: 'TARGET', value: (e: Record<string, unknown>) => idsText(e.targetIds) },
              { key: 'status' },
              { key: 'requestId', header: 'REQUEST' },
            ],
            rows: list.events,
            empty: 'No audit events.',
          },
        ],
        notes: [pageNote(list, 'events')],
      });
    });
}
