import { Hono } from 'hono';
import { z } from 'zod';
import { createAccount, createApiKey, listAccounts, requireAccount, updateAccount } from '../../domain/accounts/index.js';
import type { ApiOperation } from '../operation.js';
import type { ApiDeps } from '../../http/deps.js';
import type { ApiEnv } from '../types.js';
import { pagination, parseIdParam, parseJsonBody, parseQuery } from '../../http/validation.js';
import { accountInput, accountPatch } from '../../http/schemas/accounts.js';
import { count, id, paged, timestamp } from '../../http/schemas/common.js';
import { newKeyAnswer, newKeyInput } from '../../http/schemas/key-input.js';

const accountAnswer = z.object({ id, name: z.string(), createdAt: timestamp, fairnessWeight: z.number() });

/** Accounts and their keys, for operator keys: create an account (with a write key), list them, give one a key of any scope. */
export function adminAccountRoutes({ db }: ApiDeps) {
  return new Hono<ApiEnv>()
    .post('/', async (c) => {
      const { name } = await parseJsonBody(c, accountInput);
      const account = await db.transaction((tx) => createAccount(tx, name));
      return c.json({ accountId: account.accountId, name: account.name, apiKey: account.apiKey }, 201);
    })
    .get('/', async (c) => {
      const { page, pageSize } = parseQuery(c, pagination);
      return c.json(await listAccounts(db, page, pageSize));
    })
    .patch('/:id', async (c) => {
      const accountId = parseIdParam(c);
      return c.json(await updateAccount(db, accountId, await parseJsonBody(c, accountPatch)));
    })
    .post('/:id/keys', async (c) => {
      const accountId = parseIdParam(c);
      const input = await parseJsonBody(c, newKeyInput);
      await requireAccount(db, accountId);
      const key = await createApiKey(db, accountId, input);
      return c.json({ keyId: key.keyId, apiKey: key.apiKey, scope: key.scope, prefix: key.prefix, name: key.name, expiresAt: key.expiresAt }, 201);
    });
}

export const adminAccountOperations: ApiOperation[] = [
  { method: 'post', path: '/', summary: 'Create an account with a write key (shown only in this answer)', body: accountInput, status: 201, scope: 'operator', response: z.object({ accountId: id, name: z.string(), apiKey: z.string() }) },
  { method: 'get', path: '/', summary: 'Every account with its number of working keys', query: pagination, scope: 'operator', response: paged('accounts', accountAnswer.extend({ activeKeys: count })) },
  {
    method: 'patch',
    path: '/:id',
    summary: "Rename an account or set its fairness weight: its share of the shared LLM queue when accounts compete (1 by default; applies to tasks started afterwards)",
    body: accountPatch,
    scope: 'operator',
    response: accountAnswer,
  },
  { method: 'post', path: '/:id/keys', summary: 'Create a key of any scope for an account (shown only in this answer)', body: newKeyInput, status: 201, scope: 'operator', response: newKeyAnswer },
];
