// `npm run admin -- ...`: accounts and keys straight in DATABASE_URL, for the deployed mode's first key.
import { Command, InvalidArgumentError } from 'commander';
import { loadConfig } from '../src/config.js';
import { connectDatabase } from '../src/db/client.js';
import { runMigrations } from '../src/db/migrate.js';
import { accounts } from '../src/db/schema.js';
import { createAccount, createApiKey, listAccounts, requireAccount, revokeApiKey, SCOPES, type Scope } from '../src/domain/accounts/index.js';
import { AppError } from '../src/domain/errors.js';
import { terminalText } from '../src/cli/terminal-text.js';
import { exitOnStartupError, requireSetting } from '../src/server/startup.js';

const positive = (name: string) => (v: string) => {
  if (!/^\d{1,9}$/.test(v) || Number(v) < 1) throw new InvalidArgumentError(`${name} must be a positive integer`);
  return Number(v);
};
const scopeArg = (v: string): Scope => {
  if (!(SCOPES as readonly string[]).includes(v)) throw new InvalidArgumentError(`must be one of ${SCOPES.join(', ')}`);
  return v as Scope;
};

async function withDatabase<T>(work: (db: ReturnType<typeof connectDatabase>['db']) => Promise<T>): Promise<T> {
  const url = requireSetting(loadConfig().DATABASE_URL, 'DATABASE_URL', 'npm run admin');
  await runMigrations(url);
  const database = connectDatabase(url, { max: 1 });
  try {
    return await work(database.db);
  } finally {
    await database.close();
  }
}

const program = new Command('npm run admin --').description('Manage accounts and API keys directly in DATABASE_URL (no API needed).');
const account = program.command('account').description('accounts');
account
  .command('create <name>')
  .description('create an account; the very first account (the bootstrap account) gets an operator key, later ones a write key')
  .action((name: string) =>
    withDatabase(async (db) => {
      const created = await db.transaction(async (tx) => {
        const [first] = await tx.select({ id: accounts.id }).from(accounts).limit(1);
        return createAccount(tx, name, { scope: first ? 'write' : 'operator', keyName: 'created by npm run admin' });
      });
      console.log(`account ${created.accountId} (${terminalText(name)}) created`);
      console.log(`${created.scope} key ${created.keyId}: ${created.apiKey}`);
      console.log('The key is shown only now: keep it (e.g. export ARTGEN_API_KEY=...).');
    }),
  );
account
  .command('list')
  .description('every account with its number of working keys')
  .action(() =>
    withDatabase(async (db) => {
      for (let page = 1; ; page++) {
        const list = await listAccounts(db, page, 100);
        for (const a of list.accounts) console.log(`${a.id}\t${terminalText(a.name)}\t${a.activeKeys} working key(s)\tcreated ${a.createdAt.toISOString()}`);
        if (page * 100 >= list.total) break;
      }
    }),
  );
const key = program.command('key').description('API keys');
key
  .command('create')
  .description('create a key for an account (printed once)')
  .requiredOption('--account <id>', 'account id', positive('--account'))
  .requiredOption('--scope <scope>', `one of ${SCOPES.join(', ')}`, scopeArg)
  .option('--name <name>', 'a name to recognise the key by')
  .option('--expires-in-days <days>', 'days until the key stops working', positive('--expires-in-days'))
  .action((opts: { account: number; scope: Scope; name?: string; expiresInDays?: number }) =>
    withDatabase(async (db) => {
      await requireAccount(db, opts.account);
      const created = await createApiKey(db, opts.account, { scope: opts.scope, name: opts.name ?? null, expiresInDays: opts.expiresInDays ?? null });
      console.log(`${created.scope} key ${created.keyId} for account ${opts.account}: ${created.apiKey}`);
    }),
  );
key
  .command('revoke <id>')
  .description('revoke a key; every API process refuses it from its next request')
  .action((id: string) =>
    withDatabase(async (db) => {
      const revoked = await revokeApiKey(db, positive('key id')(id));
      console.log(`key ${revoked.id} (${revoked.prefix}..., ${revoked.scope}) revoked at ${revoked.revokedAt!.toISOString()}`);
    }),
  );

program.parseAsync().catch((err: unknown) => {
  if (!(err instanceof AppError)) exitOnStartupError(err);
  console.error(`error: ${terminalText((err as AppError).message)}`);
  process.exit(1);
});
