import type { MiddlewareHandler } from 'hono';
import type { Db } from '../../db/client.js';
import { authenticateApiKey } from '../../domain/accounts.js';
import { AppError } from '../../domain/errors.js';

export type AuthVariables = {
  accountId: number;
  /** The key that authenticated the request (never the key itself): who made a change. */
  apiKey: { id: number; prefix: string };
};

/** `Authorization: Bearer <api key>` -> the account id in `c.get('accountId')`; every route is scoped by it. */
export function apiKeyAuth(db: Db): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) {
      throw new AppError(401, 'UNAUTHENTICATED', 'Send your API key as the header "Authorization: Bearer <api key>".');
    }
    const auth = await authenticateApiKey(db, match[1]!);
    if (auth === null) throw new AppError(401, 'INVALID_API_KEY', 'The API key is unknown or revoked.');
    c.set('accountId', auth.accountId);
    c.set('apiKey', { id: auth.keyId, prefix: auth.prefix });
    await next();
  };
}
