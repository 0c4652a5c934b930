/** `artgen keys ...` and `artgen admin accounts ...`: API keys of the account, and accounts (operator keys). */
import { Option, type Command } from 'commander';
import { SCOPES } from '../../shared/key-scopes.js';
import { contextOf, positiveInt } from '../context.js';
import type { Column } from '../format.js';
import { pagedList } from './paged-list.js';
import { time } from './views.js';

type KeyRow = { id: number; prefix: string; scope: string; name: string | null; createdAt: string; lastUsedAt: string | null; expiresAt: string | null; revokedAt: string | null };
type NewKey = { keyId: number; apiKey: string; scope: string; prefix: string; name?: string | null; expiresAt?: string | null };

const keyColumns: Column<KeyRow>[] = [
  { key: 'id' },
  { key: 'prefix' },
  { key: 'scope' },
  { key: 'name', maxWidth: 30 },
  { key: 'createdAt', header: 'CREATED', display: time },
  { key: 'lastUsedAt', header: 'LAST USED', display: time },
  { key: 'expiresAt', header: 'EXPIRES', display: time },
  { key: 'revokedAt', header: 'REVOKED', display: time },
];

const scopeOption = () => new Option('--scope <scope>', "what the key may do: read (GET only), write, admin (its account's keys, audit, limits), operator (every account)").choices(SCOPES).makeOptionMandatory();
const keyOptions = (cmd: Command) =>
  cmd
    .addOption(scopeOption())
    .option('--name <name>', 'a name to recognise the key by')
    .option('--expires-in-days <days>', 'days until the key stops working (default: never)', positiveInt('--expires-in-days', 3650));

function newKeyBody(opts: { scope: string; name?: string; expiresInDays?: number }) {
  return { scope: opts.scope, ...(opts.name ? { name: opts.name } : {}), ...(opts.expiresInDays ? { expiresInDays: opts.expiresInDays } : {}) };
}

function printNewKey(cmd: Command, key: NewKey) {
  const ctx = contextOf(cmd);
  ctx.print({ json: key, sections: [{ kind: 'kv', entries: [['keyId', key.keyId], ['scope', key.scope], ['prefix', key.prefix], ['expiresAt', key.expiresAt ?? null, time], ['apiKey', key.apiKey]] }] });
  ctx.info('artgen: the key is shown only now; keep it.');
}

export function registerKeyCommands(program: Command): void {
  const keys = program.command('keys').description("the account's API keys: list, create, revoke");
  keys
    .command('list')
    .description("the account's keys (never the keys themselves)")
    .action(async (_opts, cmd: Command) => {
      const ctx = contextOf(cmd);
      const list = await ctx.client.get<{ keys: KeyRow[] }>('/api/keys');
      ctx.print({ json: list, sections: [{ kind: 'table', columns: keyColumns, rows: list.keys, empty: 'No keys.' }] });
    });
  keyOptions(keys.command('create').description('create a key of a scope no higher than the calling key')).action(async (opts, cmd: Command) => {
    printNewKey(cmd, await contextOf(cmd).client.post<NewKey>('/api/keys', newKeyBody(opts)));
  });
  keys
    .command('revoke <id>')
    .description('revoke a key: every API process refuses it from its next request')
    .action(async (id: string, _opts, cmd: Command) => {
      const ctx = contextOf(cmd);
      const revoked = await ctx.client.delete<KeyRow>(`/api/keys/${positiveInt('key id')(id)}`);
      ctx.print({ json: revoked, sections: [{ kind: 'table', columns: keyColumns, rows: [revoked] }] });
    });

  const accounts = program.command('admin').description('administration of every account (operator keys)').command('accounts').description('accounts: list, create');
  pagedList(accounts.command('list').description('every account with its number of working keys'), {
    path: '/api/admin/accounts',
    rowsKey: 'accounts',
    noun: 'accounts',
    columns: [{ key: 'id' }, { key: 'name' }, { key: 'activeKeys', header: 'KEYS' }, { key: 'createdAt', header: 'CREATED', display: time }],
    empty: 'No accounts.',
  });
  accounts
    .command('create <name>')
    .description('create an account with a write key (shown once)')
    .action(async (name: string, _opts, cmd: Command) => {
      const ctx = contextOf(cmd);
      const created = await ctx.client.post<{ accountId: number; name: string; apiKey: string }>('/api/admin/accounts', { name });
      ctx.print({ json: created, sections: [{ kind: 'kv', entries: [['accountId', created.accountId], ['name', created.name], ['apiKey', created.apiKey]] }] });
      ctx.info('artgen: the key is shown only now; keep it.');
    });
}
