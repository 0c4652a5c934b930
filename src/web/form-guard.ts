import type { MiddlewareHandler } from 'hono';
import { AppError } from '../domain/errors.js';
import type { WebContext, WebEnv } from './context.js';

/** PostgreSQL text cannot hold U+0000; a form or query value with one is refused before any route reads it. */
const NUL = '\u0000';

function refuseNul(c: WebContext, entries: [string, unknown][], where: 'form' | 'query') {
  for (const [name, value] of entries) {
    const values = Array.isArray(value) ? value : [value];
    if (name.includes(NUL) || values.some((v) => typeof v === 'string' && v.includes(NUL))) {
      const field = name.replaceAll(NUL, '\\u0000');
      throw new AppError(400, where === 'form' ? 'FIELD_HAS_NUL' : 'QUERY_HAS_NUL', c.get('t')('fieldHasNul', { field }), { field });
    }
  }
}

/**
 * One gate for what the console's routes read: a POST body that cannot be parsed as a form (malformed
 * multipart or urlencoded) is a 400 page, and a NUL in any form field or query parameter is a 400 page
 * naming the field, in the page's language; no route needs a check of its own. Files are left to the
 * routes that read them. The parsed form is cached by Hono, so routes read it again for free.
 */
export function refuseBadInput(): MiddlewareHandler<WebEnv> {
  return async (c, next) => {
    refuseNul(c, Object.entries(c.req.queries()), 'query');
    if (c.req.method === 'POST') {
      let form: Record<string, unknown>;
      try {
        form = await c.req.parseBody({ all: true });
      } catch {
        throw new AppError(400, 'FORM_UNREADABLE', c.get('t')('formUnreadable'));
      }
      refuseNul(c, Object.entries(form), 'form');
    }
    await next();
  };
}
