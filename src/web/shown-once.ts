import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { z } from 'zod';
import type { WebContext } from './context.js';
import { cookieOptions, isHttps } from './session.js';

const COOKIE = 'artgen_shown_once';
/** Long enough for the redirect that follows the form; the page that shows it deletes it at once. */
const MAX_AGE_SECONDS = 60;

/**
 * Hands a new secret (an API key, a webhook's signing secret) from the POST that created it to the one
 * page that shows it (post, redirect, get): a reload or the back button then shows nothing and creates
 * nothing. It rides in an HttpOnly, SameSite=Strict cookie scoped to that page's path for a minute.
 */
export function holdForOnePage(c: WebContext, pagePath: string, value: unknown) {
  setCookie(c, COOKIE, Buffer.from(JSON.stringify(value)).toString('base64url'), { ...cookieOptions(c, MAX_AGE_SECONDS), path: pagePath });
}

/** The held value as `schema` reads it, or null once it was shown (the cookie is deleted in the same answer). */
export function takeShownOnce<T>(c: WebContext, pagePath: string, schema: z.ZodType<T>): T | null {
  const raw = getCookie(c, COOKIE);
  if (raw === undefined) return null;
  deleteCookie(c, COOKIE, { path: pagePath, secure: isHttps(c) });
  c.header('Cache-Control', 'no-store');
  try {
    const parsed = schema.safeParse(JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    // A cookie that is not ours (edited by hand): show nothing.
    return null;
  }
}
