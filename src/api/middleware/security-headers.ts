import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';

/**
 * Headers on every answer, errors and 404s included: Hono's secure headers (nosniff among them),
 * no framing (`frame-ancestors 'none'` and `X-Frame-Options: DENY`: nothing here is meant to be
 * embedded), a CSP that lets JSON load nothing, and `Cache-Control: no-store`, because every answer is
 * one account's live data and must not sit in a shared cache. A handler that sets its own
 * Content-Security-Policy (the HTML API reference) keeps it.
 */
export function securityHeaders(): MiddlewareHandler {
  const secure = secureHeaders({
    xFrameOptions: 'DENY',
    contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
    overwrite: false,
  });
  return async (c, next) => {
    await secure(c, next);
    c.res.headers.set('Cache-Control', 'no-store');
  };
}
