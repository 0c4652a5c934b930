import { createHash, randomBytes } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { apiKeys } from '../../db/schema.js';
import { scopeAllows, type Scope } from '../../shared/key-scopes.js';
import { AppError, notFound } from '../errors.js';

export const hashApiKey = (key: string) => createHash('sha256').update(key).digest('hex');

export function generateApiKey(): string {
  return `ak_${randomBytes(24).toString('base64url')}`;
}

/** The first characters of a key: shown in lists and audit rows to tell keys apart; never enough to use one. */
export const keyPrefix = (key: string) => key.slice(0, 8);

export interface NewKeyOptions {
  scope: Scope;
  name?: string | null;
  /** Days until the key stops working; unset: never. */
  expiresInDays?: number | null;
  /** A key chosen by the caller (DEV_API_KEY); otherwise a new random one. */
  key?: string;
}

/** Stores the hash of a new key for the account and returns the key: the only time anyone sees it. */
export async function createApiKey(db: DbOrTx, accountId: number, opts: NewKeyOptions) {
  const apiKey = opts.key ?? generateApiKey();
  const [row] = await db
    .insert(apiKeys)
    .values({
      accountId,
      keyHash: hashApiKey(apiKey),
      prefix: keyPrefix(apiKey),
      scope: opts.scope,
      name: opts.name ?? null,
      expiresAt: opts.expiresInDays ? sql`now() + make_interval(days => ${opts.expiresInDays})` : null,
    })
    .returning({ id: apiKeys.id, expiresAt: apiKeys.expiresAt });
  return { keyId: row!.id, apiKey, scope: opts.scope, prefix: keyPrefix(apiKey), name: opts.name ?? null, expiresAt: row!.expiresAt };
}

/**
 * A key an account creates for itself: of a scope no higher than the calling key's (a write key cannot
 * mint an admin key, an admin key no operator key). The API's POST /api/keys and the console's key page
 * both go through here.
 */
export async function createOwnApiKey(db: DbOrTx, by: { accountId: number; scope: Scope }, opts: Omit<NewKeyOptions, 'key'>) {
  if (!scopeAllows(by.scope, opts.scope)) {
    throw new AppError(403, 'FORBIDDEN_SCOPE', `A key of scope '${by.scope}' can create keys of scope '${by.scope}' or lower, not '${opts.scope}'.`, {
      required: opts.scope,
      scope: by.scope,
    });
  }
  return createApiKey(db, by.accountId, opts);
}

const keyView = {
  id: apiKeys.id,
  prefix: apiKeys.prefix,
  scope: apiKeys.scope,
  name: apiKeys.name,
  createdAt: apiKeys.createdAt,
  lastUsedAt: apiKeys.lastUsedAt,
  expiresAt: apiKeys.expiresAt,
  revokedAt: apiKeys.revokedAt,
};

/** The account's keys, revoked ones included, oldest first: never the key or its hash. */
export async function listApiKeys(db: DbOrTx, accountId: number) {
  return db.select(keyView).from(apiKeys).where(eq(apiKeys.accountId, accountId)).orderBy(apiKeys.id);
}

/**
 * Revokes a key; it stops working on the next request of every API process (each request looks the key
 * up). `by`: the calling account, which may only revoke its own keys of a scope no higher than its own
 * (another account's key is a 404); without `by` (the operator's admin script) any key.
 */
export async function revokeApiKey(db: DbOrTx, keyId: number, by?: { accountId: number; scope: Scope }): Promise<ApiKeyView> {
  const where = by ? and(eq(apiKeys.id, keyId), eq(apiKeys.accountId, by.accountId)) : eq(apiKeys.id, keyId);
  const [key] = await db.select(keyView).from(apiKeys).where(where);
  if (!key) throw notFound('API key', keyId);
  if (by && !scopeAllows(by.scope, key.scope)) {
    throw new AppError(403, 'FORBIDDEN_SCOPE', `Revoking a key of scope '${key.scope}' needs a key of scope '${key.scope}'; this key's scope is '${by.scope}'.`, {
      required: key.scope,
      scope: by.scope,
    });
  }
  const [revoked] = await db
    .update(apiKeys)
    .set({ revokedAt: sql`COALESCE(${apiKeys.revokedAt}, now())` })
    .where(eq(apiKeys.id, keyId))
    .returning(keyView);
  return revoked!;
}

export type ApiKeyView = Awaited<ReturnType<typeof listApiKeys>>[number];

export type AuthResult =
  | { ok: true; keyId: number; accountId: number; prefix: string; scope: Scope }
  | { ok: false; reason: 'unknown' | 'revoked' | 'expired'; accountId: number | null; prefix: string };

/** Resolves a bearer key to its account and scope; unknown, revoked and expired keys say which. */
export async function authenticateApiKey(db: DbOrTx, key: string): Promise<AuthResult> {
  const [row] = await db
    .select({
      id: apiKeys.id,
      accountId: apiKeys.accountId,
      scope: apiKeys.scope,
      lastUsedAt: apiKeys.lastUsedAt,
      revoked: sql<boolean>`${apiKeys.revokedAt} IS NOT NULL`,
      expired: sql<boolean>`COALESCE(${apiKeys.expiresAt} <= now(), false)`,
    })
    .from(apiKeys)
    .where(eq(apiKeys.keyHash, hashApiKey(key)));
  const prefix = keyPrefix(key);
  if (!row) return { ok: false, reason: 'unknown', accountId: null, prefix };
  if (row.revoked) return { ok: false, reason: 'revoked', accountId: row.accountId, prefix };
  if (row.expired) return { ok: false, reason: 'expired', accountId: row.accountId, prefix };
  // Writing last_used_at on every request would make reads write; a minute's precision is enough.
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 60_000) {
    await db.update(apiKeys).set({ lastUsedAt: sql`now()` }).where(eq(apiKeys.id, row.id));
  }
  return { ok: true, keyId: row.id, accountId: row.accountId, prefix, scope: row.scope };
}
