import { and, count, desc, eq, isNull, ne, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client.js';
import { accounts, apiKeys } from '../../db/schema.js';
import type { Scope } from '../../shared/key-scopes.js';
import { notFound } from '../errors.js';
import { createApiKey, generateApiKey, hashApiKey } from './api-keys.js';

/** The name of the key the embedded mode registers for its account (DEV_API_KEY or .data/api-key). */
export const EMBEDDED_KEY_NAME = 'embedded default key';

export interface NewAccountOptions {
  /** Scope of the account's first key; default write. */
  scope?: Scope;
  key?: string;
  keyName?: string;
}

/** A new account with its first key (write unless told), returned once. */
export async function createAccount(db: DbOrTx, name: string, opts: NewAccountOptions = {}) {
  const [account] = await db.insert(accounts).values({ name }).returning();
  const key = await createApiKey(db, account!.id, { scope: opts.scope ?? 'write', name: opts.keyName ?? null, ...(opts.key ? { key: opts.key } : {}) });
  return { accountId: account!.id, name, apiKey: key.apiKey, keyId: key.keyId, scope: key.scope };
}

/** Every account, oldest first unless asked (the console shows the newest first), with how many keys still work. */
export async function listAccounts(db: DbOrTx, page: number, pageSize: number, order: 'oldest-first' | 'newest-first' = 'oldest-first') {
  // Written out: drizzle renders ${accounts.id} unqualified here, which the subquery would read as k.id.
  const activeKeys = sql<number>`(SELECT count(*)::int FROM api_keys k WHERE k.account_id = accounts.id AND k.revoked_at IS NULL
    AND (k.expires_at IS NULL OR k.expires_at > now()))`;
  const rows = await db
    .select({ id: accounts.id, name: accounts.name, createdAt: accounts.createdAt, fairnessWeight: accounts.fairnessWeight, activeKeys })
    .from(accounts)
    .orderBy(order === 'oldest-first' ? accounts.id : desc(accounts.id))
    .limit(pageSize)
    .offset((page - 1) * pageSize);
  const [total] = await db.select({ n: count() }).from(accounts);
  return { accounts: rows, page, pageSize, total: total!.n };
}

/**
 * Renames an account or sets its weight on the shared LLM queue (its share when accounts compete, 1 by
 * default; tasks started from now on carry it). Returns the account as listed.
 */
export async function updateAccount(db: DbOrTx, accountId: number, patch: { name?: string; fairnessWeight?: number }) {
  const [row] = await db
    .update(accounts)
    .set(patch)
    .where(eq(accounts.id, accountId))
    .returning({ id: accounts.id, name: accounts.name, createdAt: accounts.createdAt, fairnessWeight: accounts.fairnessWeight });
  if (!row) throw notFound('Account', accountId);
  return row;
}

export async function requireAccount(db: DbOrTx, accountId: number) {
  const [account] = await db.select().from(accounts).where(eq(accounts.id, accountId));
  if (!account) throw notFound('Account', accountId);
  return account;
}

/**
 * The embedded mode's account: the first account (the bootstrap account), created on first start, with
 * `knownKey` (DEV_API_KEY or the key kept from an earlier start) as its operator key. An earlier
 * embedded key that `knownKey` replaced is revoked. A known key that is revoked or another account's is
 * refused when it was given explicitly (`replaceUnusable` false), else replaced by a new key.
 */
export async function ensureDefaultAccount(db: Db, knownKey: string | undefined, replaceUnusable = true) {
  return db.transaction(async (tx) => {
    const [existing] = await tx.select().from(accounts).orderBy(accounts.id).limit(1);
    if (!existing) {
      const created = await createAccount(tx, 'default', { scope: 'operator', keyName: EMBEDDED_KEY_NAME, ...(knownKey ? { key: knownKey } : {}) });
      return { accountId: created.accountId, apiKey: created.apiKey, created: true, replacedKeys: 0 };
    }
    let key = knownKey ?? generateApiKey();
    const [found] = await tx.select().from(apiKeys).where(eq(apiKeys.keyHash, hashApiKey(key)));
    const usable = found && found.accountId === existing.id && !found.revokedAt;
    if (found && !usable) {
      if (!replaceUnusable) throw new Error('DEV_API_KEY is revoked or belongs to another account: set DEV_API_KEY to a new key.');
      key = generateApiKey();
    }
    if (usable) {
      await tx.update(apiKeys).set({ scope: 'operator', name: EMBEDDED_KEY_NAME, expiresAt: null }).where(eq(apiKeys.id, found.id));
    } else {
      await createApiKey(tx, existing.id, { scope: 'operator', name: EMBEDDED_KEY_NAME, key });
    }
    const replaced = await tx
      .update(apiKeys)
      .set({ revokedAt: sql`now()` })
      .where(and(eq(apiKeys.accountId, existing.id), eq(apiKeys.name, EMBEDDED_KEY_NAME), isNull(apiKeys.revokedAt), ne(apiKeys.keyHash, hashApiKey(key))))
      .returning({ id: apiKeys.id });
    return { accountId: existing.id, apiKey: key, created: false, replacedKeys: replaced.length };
  });
}

/** The account's weight on the shared LLM queue (see accounts.fairness_weight); 1 for an unknown account. */
export async function accountFairnessWeight(db: DbOrTx, accountId: number): Promise<number> {
  const [row] = await db.select({ weight: accounts.fairnessWeight }).from(accounts).where(eq(accounts.id, accountId));
  return row?.weight ?? 1;
}
