import { createHash, randomBytes } from 'node:crypto';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { accounts, apiKeys } from '../db/schema.js';

export const hashApiKey = (key: string) => createHash('sha256').update(key).digest('hex');

export function generateApiKey(): string {
  return `ak_${randomBytes(24).toString('base64url')}`;
}

/** Stores the hash of `key` for the account; the key itself is never stored. */
export async function addApiKey(db: DbOrTx, accountId: number, key: string): Promise<void> {
  await db
    .insert(apiKeys)
    .values({ accountId, keyHash: hashApiKey(key), prefix: key.slice(0, 8) })
    .onConflictDoNothing();
}

export async function createAccount(db: DbOrTx, name: string, key = generateApiKey()) {
  const [account] = await db.insert(accounts).values({ name }).returning();
  await addApiKey(db, account!.id, key);
  return { accountId: account!.id, apiKey: key };
}

/** Resolves a bearer key to its account, or null when unknown or revoked. */
export async function authenticateApiKey(db: DbOrTx, key: string): Promise<number | null> {
  const [row] = await db
    .select({ id: apiKeys.id, accountId: apiKeys.accountId, lastUsedAt: apiKeys.lastUsedAt })
    .from(apiKeys)
    .where(and(eq(apiKeys.keyHash, hashApiKey(key)), isNull(apiKeys.revokedAt)));
  if (!row) return null;
  // Writing last_used_at on every request would make reads write; a minute's precision is enough.
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 60_000) {
    await db.update(apiKeys).set({ lastUsedAt: sql`now()` }).where(eq(apiKeys.id, row.id));
  }
  return row.accountId;
}

/**
 * The embedded mode's account: the first account, created on first start. `knownKey` (DEV_API_KEY or
 * the key kept from an earlier start) is registered for it if it is not already.
 */
export async function ensureDefaultAccount(db: DbOrTx, knownKey: string | undefined) {
  const [existing] = await db.select().from(accounts).orderBy(accounts.id).limit(1);
  if (!existing) {
    const key = knownKey ?? generateApiKey();
    const created = await createAccount(db, 'default', key);
    return { ...created, created: true };
  }
  const key = knownKey ?? generateApiKey();
  await addApiKey(db, existing.id, key);
  return { accountId: existing.id, apiKey: key, created: false };
}

/** The account's weight on the shared LLM queue (see accounts.fairness_weight); 1 for an unknown account. */
export async function accountFairnessWeight(db: DbOrTx, accountId: number): Promise<number> {
  const [row] = await db.select({ weight: accounts.fairnessWeight }).from(accounts).where(eq(accounts.id, accountId));
  return row?.weight ?? 1;
}
