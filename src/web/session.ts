import type { MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Db } from '../db/client.js';
import { resolveWebSession, WEB_SESSION_HOURS } from '../domain/accounts/index.js';
import { SESSION_COOKIE } from '../http/session-cookie.js';
import type { WebContext, WebEnv } from './context.js';

/** Secure when the browser reached us over https (directly or through a proxy that says so). */
export const isHttps = (c: WebContext) => new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https';

/** HttpOnly and SameSite=Strict: scripts cannot read it and no other site's request carries it. */
export function cookieOptions(c: WebContext, maxAgeSeconds: number) {
  return { path: '/', httpOnly: true, sameSite: 'Strict' as const, secure: isHttps(c), maxAge: maxAgeSeconds };
}

export function setSessionCookie(c: WebContext, id: string) {
  setCookie(c, SESSION_COOKIE, id, cookieOptions(c, WEB_SESSION_HOURS * 3600));
}

export function clearSessionCookie(c: WebContext) {
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: isHttps(c) });
}

/**
 * Pages behind sign-in: the cookie's session (looked up on every request, so a revoked key or a
 * sign-out holds at once) in `c.get('session')`; without one, pages go to the sign-in page and event
 * streams answer 401.
 */
export function requireSession(db: Db): MiddlewareHandler<WebEnv> {
  return async (c, next) => {
    const id = getCookie(c, SESSION_COOKIE);
    const session = id ? await resolveWebSession(db, id) : null;
    if (!session || !id) {
      if (id) clearSessionCookie(c);
      if (c.req.path.startsWith('/live/')) return c.body(null, 401);
      return c.redirect('/sign-in', 303);
    }
    c.set('session', session);
    c.set('sessionId', id);
    await next();
  };
}
