import { timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { csrf } from 'hono/csrf';
import { HTTPException } from 'hono/http-exception';
import { AppError } from '../domain/errors.js';
import type { WebEnv } from './context.js';

export const CSRF_FIELD = '_csrf';

export function sameToken(a: string, b: string) {
  const [x, y] = [Buffer.from(a), Buffer.from(b)];
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Every POST behind sign-in carries the session's token in a hidden field; a missing or wrong one is a 403. */
export function requireCsrfToken(): MiddlewareHandler<WebEnv> {
  return async (c, next) => {
    if (c.req.method === 'POST') {
      const body = await c.req.parseBody();
      const sent = body[CSRF_FIELD];
      if (typeof sent !== 'string' || !sameToken(sent, c.get('session').csrfToken)) {
        throw new AppError(403, 'CSRF_TOKEN_INVALID', c.get('t')('csrfFailed'));
      }
    }
    await next();
  };
}

/**
 * Hono's origin check, which refuses a cross-site form POST (another origin, `Origin: null`, none at all)
 * before any token is looked at, as a 403 page in the reader's language instead of its bare exception.
 */
export function refuseCrossOriginForms(): MiddlewareHandler<WebEnv> {
  const originCheck = csrf();
  return async (c, next) => {
    try {
      await originCheck(c, async () => {});
    } catch (err) {
      if (err instanceof HTTPException && err.status === 403) throw new AppError(403, 'CSRF_ORIGIN_REFUSED', c.get('t')('csrfFailed'));
      throw err;
    }
    await next();
  };
}
