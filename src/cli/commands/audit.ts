/** `artgen audit list`: the audit trail (writes and refused auth attempts). */
import type { Command } from 'commander';
import { pagedList } from './paged-list.js';
import { time } from './views.js';

const idsText = (ids: unknown) =>
  ids && typeof ids === 'object' ? Object.entries(ids as Record<string, unknown>).map(([k, v]) => `${k}=${String(v)}`).join(' ') : '';

export function registerAuditCommands(program: Command): void {
  const list = program
    .command('audit')
    .description('the audit trail of the account')
    .command('list')
    .description('audit events, newest first')
    .option('--from <time>', 'ISO 8601 date-time: events at or after it')
    .option('--to <time>', 'ISO 8601 date-time: events before it')
    .option('--action <action>', "a method ('DELETE') or a method and route ('POST /api/distillations')")
    .option('--account <id>', "another account's events, or 'all' (operator keys)");
  pagedList(list, {
    path: '/api/audit',
    query: (opts) => ({ from: opts.from, to: opts.to, action: opts.action, accountId: opts.account }),
    rowsKey: 'events',
    noun: 'events',
    columns: [
      { key: 'createdAt', header: 'TIME', display: time },
      { key: 'accountId', header: 'ACCOUNT' },
      { key: 'keyPrefix', header: 'KEY' },
      { key: 'action', maxWidth: 60 },
      { key: 'targetIds', header: 'TARGET', value: (e: Record<string, unknown>) => idsText(e.targetIds) },
      { key: 'status' },
      { key: 'requestId', header: 'REQUEST' },
    ],
    empty: 'No audit events.',
  });
}
