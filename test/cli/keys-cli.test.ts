import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createAccount } from '../../src/domain/accounts/index.js';
import { cliFor, runAdmin, show } from '../support/cli.js';
import { createIsolatedDatabase } from '../support/db.js';
import { useApiWithoutWorker } from '../support/stack.js';

/** `artgen keys|admin accounts|audit` and `npm run admin` as subprocesses against a real API and PostgreSQL. */

const stack = useApiWithoutWorker();
const { database } = stack;

const json = (stdout: string) => JSON.parse(stdout);

describe('artgen keys, admin accounts, audit', () => {
  it('creates, lists and revokes keys; an operator key creates and lists accounts; audit list shows the writes', async () => {
    const operator = await createAccount(database.db, `cli-operator-${randomUUID().slice(0, 8)}`, { scope: 'operator' });
    const cli = cliFor(stack.api.url, operator.apiKey);
    const created = await cli(['--format', 'json', 'keys', 'create', '--scope', 'read', '--name', 'board', '--expires-in-days', '7']);
    expect(created.code, show(created)).toBe(0);
    const key = json(created.stdout);
    expect(key).toMatchObject({ scope: 'read', apiKey: expect.stringMatching(/^ak_/), keyId: expect.any(Number) });
    expect(created.stderr).toContain('shown only now');

    const table = await cli(['keys', 'list']);
    expect(table.code, show(table)).toBe(0);
    expect(table.stdout).toMatch(/PREFIX/);
    expect(table.stdout).toContain(key.prefix);
    expect(table.stdout).not.toContain(key.apiKey);

    const refused = await cliFor(stack.api.url, key.apiKey)(['keys', 'create', '--scope', 'write']);
    expect(refused.code, show(refused)).toBe(1);
    expect(refused.stderr).toContain('FORBIDDEN_SCOPE');
    const badScope = await cli(['keys', 'create', '--scope', 'root']);
    expect(badScope.code).toBe(2);

    const revoked = await cli(['--format', 'json', 'keys', 'revoke', String(key.keyId)]);
    expect(revoked.code, show(revoked)).toBe(0);
    expect(json(revoked.stdout).revokedAt).toEqual(expect.any(String));

    const account = await cli(['--format', 'json', 'admin', 'accounts', 'create', 'CLI team']);
    expect(account.code, show(account)).toBe(0);
    expect(json(account.stdout)).toMatchObject({ name: 'CLI team', apiKey: expect.stringMatching(/^ak_/) });
    const accounts = await cli(['admin', 'accounts', 'list', '--page-size', '100']);
    expect(accounts.code, show(accounts)).toBe(0);
    expect(accounts.stdout).toMatch(/page 1 of \d+/);

    const audit = await cli(['--format', 'json', 'audit', 'list', '--action', 'POST']);
    expect(audit.code, show(audit)).toBe(0);
    // Newest first: the account, the read key's refused attempt, the read key's creation.
    expect(json(audit.stdout).events.map((e: any) => [e.action, e.status])).toEqual([
      ['POST /api/admin/accounts', 201],
      ['POST /api/keys', 403],
      ['POST /api/keys', 201],
    ]);
    const auditTable = await cli(['audit', 'list']);
    expect(auditTable.stdout).toContain('DELETE /api/keys/:id');
    expect(auditTable.stdout).toContain(`id=${key.keyId}`);
  });
});

describe('npm run admin (bootstrap over DATABASE_URL)', () => {
  it('gives the first account an operator key and later ones a write key; creates and revokes keys', async () => {
    const url = await createIsolatedDatabase(`admin_cli_${process.pid}`);
    const first = await runAdmin(['account', 'create', 'ops'], url);
    expect(first.code, first.stderr).toBe(0);
    const firstKey = /operator key \d+: (ak_\S+)/.exec(first.stdout)?.[1];
    expect(firstKey, first.stdout).toBeDefined();
    const second = await runAdmin(['account', 'create', 'team'], url);
    expect(second.stdout).toMatch(/account 2 \(team\) created\nwrite key \d+: ak_/);
    const listed = await runAdmin(['account', 'list'], url);
    expect(listed.stdout).toMatch(/^1\tops\t1 working key\(s\)/m);
    expect(listed.stdout).toMatch(/^2\tteam\t1 working key\(s\)/m);
    const readKey = await runAdmin(['key', 'create', '--account', '2', '--scope', 'read', '--expires-in-days', '3'], url);
    expect(readKey.stdout).toMatch(/^read key (\d+) for account 2: ak_/);
    const keyId = /^read key (\d+)/.exec(readKey.stdout)![1]!;
    const revoked = await runAdmin(['key', 'revoke', keyId], url);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout).toContain(`key ${keyId}`);
    const missing = await runAdmin(['key', 'create', '--account', '99', '--scope', 'read'], url);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('Account 99 was not found');
    const badScope = await runAdmin(['key', 'create', '--account', '1', '--scope', 'root'], url);
    expect(badScope.code).not.toBe(0);
    expect(badScope.stderr).toContain('must be one of read, write, admin, operator');
  });
});
