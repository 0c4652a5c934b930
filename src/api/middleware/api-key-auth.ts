import type { MiddlewareHandler } from 'hono';
import type { Db } from '../../db/client.js';
import { authenticateApiKey } from '../../domain/accounts.js';
import { AppError } from '../../domain/errors.js';

export type AuthVariables = { accountId: number };

/**
 * `Authorization: Bearer <api key>` -> the account id in `c.get('accountId')`; every route is scoped by it.
 * `hint` ends the 401 for an unknown key (the embedded mode says where its key is kept).
 */
export function apiKeyAuth(db: Db, hint?: string): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) {
      throw new AppError(401, 'UNAUTHENTICATED', 'Send your API key as the header "Authorization: Bearer <api key>".');
    }
    const accountId = await authenticateApiKey(db, match[1]!);
    if (accountId === null) throw new AppError(401, 'INVALID_API_KEY', `The API key is unknown or revoked.${hint ? ` ${hint}` : ''}`);
    c.set('accountId', accountId);
    await next();
  };
}
