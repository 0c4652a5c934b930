import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectDatabase, type Database } from '../../src/db/client.js';
import { authenticateApiKey, ensureDefaultAccount } from '../../src/domain/accounts/index.js';
import { createIsolatedDatabase } from '../support/db.js';

/** The embedded mode's account on a database of its own (it is "the first account"). */

let database: Database;
beforeAll(async () => {
  database = connectDatabase(await createIsolatedDatabase(`embedded_account_${process.pid}`), { max: 2 });
});
afterAll(async () => {
  await database?.close();
});

it('gives the default account an operator key; a changed DEV_API_KEY revokes the key it replaced; a revoked explicit key is refused', async () => {
  const first = await ensureDefaultAccount(database.db, 'ak_first-dev-key-0123456789', false);
  expect(first).toMatchObject({ created: true, apiKey: 'ak_first-dev-key-0123456789' });
  expect(await authenticateApiKey(database.db, first.apiKey)).toMatchObject({ ok: true, scope: 'operator', accountId: first.accountId });

  const again = await ensureDefaultAccount(database.db, first.apiKey, false);
  expect(again).toMatchObject({ created: false, replacedKeys: 0 });

  const changed = await ensureDefaultAccount(database.db, 'ak_second-dev-key-0123456789', false);
  expect(changed).toMatchObject({ accountId: first.accountId, replacedKeys: 1 });
  expect(await authenticateApiKey(database.db, 'ak_second-dev-key-0123456789')).toMatchObject({ ok: true, scope: 'operator' });
  expect(await authenticateApiKey(database.db, first.apiKey)).toMatchObject({ ok: false, reason: 'revoked' });

  await expect(ensureDefaultAccount(database.db, first.apiKey, false)).rejects.toThrow(/DEV_API_KEY is revoked/);
  // A kept key (from .data/api-key) that was revoked is replaced by a new one.
  const replaced = await ensureDefaultAccount(database.db, first.apiKey, true);
  expect(replaced.apiKey).not.toBe(first.apiKey);
  expect(await authenticateApiKey(database.db, replaced.apiKey)).toMatchObject({ ok: true, scope: 'operator' });
  expect(await authenticateApiKey(database.db, 'ak_second-dev-key-0123456789')).toMatchObject({ ok: false, reason: 'revoked' });
});
