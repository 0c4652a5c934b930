import { randomBytes, createHash } from 'node:crypto';
import { and, eq, gt, isNull, lte, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { apiKeys, webSessions } from '../../db/schema.js';
import type { Scope } from '../../shared/key-scopes.js';
import { authenticateApiKey, type AuthResult } from './api-keys.js';

/** How long a console sign-in lasts; signing in again starts a new one. */
export const WEB_SESSION_HOURS = 12;

const hashSessionId = (id: string) => createHash('sha256').update(id).digest('hex');

export interface WebSession {
  accountId: number;
  keyId: number;
  keyPrefix: string;
  scope: Scope;
  csrfToken: string;
}

/**
 * Signs in with an API key: a new session whose random id goes into the cookie (the table keeps its
 * hash). Expired sessions of every account are deleted on the way, so the table does not grow.
 */
export async function createWebSession(
  db: DbOrTx,
  apiKey: string,
): Promise<{ ok: true; id: string; accountId: number; prefix: string } | Extract<AuthResult, { ok: false }>> {
  const auth = await authenticateApiKey(db, apiKey);
  if (!auth.ok) return auth;
  const id = randomBytes(32).toString('base64url');
  await db.delete(webSessions).where(lte(webSessions.expiresAt, sql`now()`));
  await db.insert(webSessions).values({
    idHash: hashSessionId(id),
    apiKeyId: auth.keyId,
    csrfToken: randomBytes(24).toString('base64url'),
    expiresAt: sql`now() + make_interval(hours => ${WEB_SESSION_HOURS})`,
  });
  return { ok: true, id, accountId: auth.accountId, prefix: auth.prefix };
}

/** The session behind a cookie value, or null when it is unknown, expired, or its key was revoked or expired. */
export async function resolveWebSession(db: DbOrTx, id: string): Promise<WebSession | null> {
  const [row] = await db
    .select({ accountId: apiKeys.accountId, keyId: apiKeys.id, keyPrefix: apiKeys.prefix, scope: apiKeys.scope, csrfToken: webSessions.csrfToken })
    .from(webSessions)
    .innerJoin(apiKeys, eq(apiKeys.id, webSessions.apiKeyId))
    .where(
      and(
        eq(webSessions.idHash, hashSessionId(id)),
        gt(webSessions.expiresAt, sql`now()`),
        isNull(apiKeys.revokedAt),
        or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, sql`now()`)),
      ),
    );
  return row ?? null;
}

/** Sign-out: the session is gone, so its cookie opens nothing even if it was copied. */
export async function deleteWebSession(db: DbOrTx, id: string) {
  await db.delete(webSessions).where(eq(webSessions.idHash, hashSessionId(id)));
}
