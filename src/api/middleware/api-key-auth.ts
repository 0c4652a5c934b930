import type { MiddlewareHandler } from 'hono';
import { DEFAULT_LIMITS } from '../../config.js';
import type { Db } from '../../db/client.js';
import { authenticateApiKey, keyPrefix, scopeAllows, type Scope } from '../../domain/accounts/index.js';
import { AppError } from '../../domain/errors.js';
import { authThrottle, countAuthFailure, type AuthThrottleSettings } from '../../domain/limits/auth-throttle.js';
import { requiredScope, type RouteTable } from '../route-table.js';
import { authThrottledError } from '../../http/auth-throttled.js';
import { clientAddress } from '../../http/client-address.js';

export type AuthVariables = {
  accountId: number;
  apiKey: { id: number; prefix: string; scope: Scope };
  /** Set when this middleware refused the request, for the audit trail (`auditBucket`: one row per throttled period). */
  authRefused: { accountId: number | null; keyPrefix: string | null; auditBucket?: string };
};

const REFUSALS = {
  unknown: ['INVALID_API_KEY', 'The API key is unknown.'],
  revoked: ['API_KEY_REVOKED', 'The API key was revoked; ask for a new one.'],
  expired: ['API_KEY_EXPIRED', 'The API key has expired; create a new one.'],
} as const;

/**
 * `Authorization: Bearer <api key>` -> the account id in `c.get('accountId')`; every route is scoped by it.
 * The key is looked up on every request, so a revocation holds at once in every API process. The key's
 * scope must reach the scope the route declares (its operation in the route table), else 403 FORBIDDEN_SCOPE.
 * Failed attempts are counted per client address and per key prefix (shared by every API process and the
 * console's sign-in); past the limit every attempt is a 429 AUTH_THROTTLED before the key is looked at.
 * `hint` ends the 401 for an unknown key (the embedded mode says where its key is kept).
 */
export function apiKeyAuth(
  db: Db,
  routes: RouteTable,
  hint?: string,
  throttle: AuthThrottleSettings = DEFAULT_LIMITS,
): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async (c, next) => {
    // Already let in by a narrower door mounted before this one (the codec's console session).
    if (c.get('apiKey')) return next();
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) {
      c.set('authRefused', { accountId: null, keyPrefix: null });
      throw new AppError(401, 'UNAUTHENTICATED', 'Send your API key as the header "Authorization: Bearer <api key>".');
    }
    const attempt = { address: clientAddress(c), keyPrefix: keyPrefix(match[1]!) };
    const blocked = await authThrottle(db, throttle, attempt);
    if (blocked) {
      c.set('authRefused', { accountId: null, keyPrefix: attempt.keyPrefix, auditBucket: blocked.auditBucket });
      throw authThrottledError(c, blocked);
    }
    const auth = await authenticateApiKey(db, match[1]!);
    if (!auth.ok) {
      const over = await countAuthFailure(db, throttle, attempt);
      c.set('authRefused', { accountId: auth.accountId, keyPrefix: auth.prefix, auditBucket: over?.auditBucket });
      if (over) throw authThrottledError(c, over);
      const [code, message] = REFUSALS[auth.reason];
      throw new AppError(401, code, auth.reason === 'unknown' && hint ? `${message} ${hint}` : message);
    }
    const route = routes.match(c.req.method, c.req.path)?.route;
    const need = route?.scope ?? requiredScope(c.req.method);
    if (!scopeAllows(auth.scope, need)) {
      c.set('authRefused', { accountId: auth.accountId, keyPrefix: auth.prefix });
      const what = `${c.req.method} ${route?.pattern ?? c.req.path}`;
      throw new AppError(403, 'FORBIDDEN_SCOPE', `${what} needs a key of scope '${need}'; this key's scope is '${auth.scope}'.`, {
        required: need,
        scope: auth.scope,
      });
    }
    c.set('accountId', auth.accountId);
    c.set('apiKey', { id: auth.keyId, prefix: auth.prefix, scope: auth.scope });
    await next();
  };
}
