import type { Context } from 'hono';
import { AppError } from '../domain/errors.js';
import type { ApiEnv } from './types.js';

/**
 * An account admin reaches its own account only; another account (or `all`) needs an operator key.
 * For the routes that take an account id beside the caller's own: the audit trail and the limits view.
 *
 * @example requireOwnAccountOrOperator(c, q.accountId ?? c.get('accountId'), "another account's audit events")
 */
export function requireOwnAccountOrOperator(c: Context<ApiEnv>, accountId: number | 'all', what: string) {
  const scope = c.get('apiKey').scope;
  if (accountId === c.get('accountId') || scope === 'operator') return;
  throw new AppError(403, 'FORBIDDEN_SCOPE', `Reading ${what} needs a key of scope 'operator'; this key's scope is '${scope}'.`, { required: 'operator', scope });
}
