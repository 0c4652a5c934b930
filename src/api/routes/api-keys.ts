import { Hono } from 'hono';
import { createOwnApiKey, listApiKeys, revokeApiKey } from '../../domain/accounts/index.js';
import type { ApiOperation } from '../operation.js';
import type { ApiDeps } from '../../http/deps.js';
import type { ApiEnv } from '../types.js';
import { parseIdParam, parseJsonBody } from '../../http/validation.js';
import { z } from 'zod';
import { keyView, newKeyAnswer, newKeyInput } from '../../http/schemas/key-input.js';

/** The calling account's own keys: list, create (a scope no higher than the caller's), revoke. */
export function apiKeyRoutes({ db }: ApiDeps) {
  return new Hono<ApiEnv>()
    .get('/', async (c) => c.json({ keys: await listApiKeys(db, c.get('accountId')) }))
    .post('/', async (c) => {
      const input = await parseJsonBody(c, newKeyInput);
      const key = await createOwnApiKey(db, { accountId: c.get('accountId'), scope: c.get('apiKey').scope }, input);
      return c.json({ keyId: key.keyId, apiKey: key.apiKey, scope: key.scope, prefix: key.prefix, name: key.name, expiresAt: key.expiresAt }, 201);
    })
    .delete('/:id', async (c) => {
      const key = c.get('apiKey');
      return c.json(await revokeApiKey(db, parseIdParam(c), { accountId: c.get('accountId'), scope: key.scope }));
    });
}

export const apiKeyOperations: ApiOperation[] = [
  { method: 'get', path: '/', summary: "The account's keys (prefix, scope, name, created, last used, expires, revoked); never a key", response: z.object({ keys: z.array(keyView) }) },
  { method: 'post', path: '/', summary: 'Create a key of a scope no higher than the calling key; the key is shown only in this answer', body: newKeyInput, status: 201, response: newKeyAnswer, errors: { 403: ['FORBIDDEN_SCOPE'] } },
  { method: 'delete', path: '/:id', summary: 'Revoke one of the account\'s keys (the calling key too); it stops working at once', response: keyView, errors: { 403: ['FORBIDDEN_SCOPE'] } },
];
