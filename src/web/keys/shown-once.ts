import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import { SCOPES } from '../../shared/key-scopes.js';
import type { WebContext } from '../context.js';
import { cookieOptions, isHttps } from '../session.js';

const COOKIE = 'artgen_shown_once';
/** Long enough for the redirect that follows the form; the page that shows it deletes it at once. */
const MAX_AGE_SECONDS = 60;

/** A new key as the page that shows it once needs it; `accountId`/`accountName` when an admin created an account. */
const newKeySchema = z.object({
  apiKey: z.string(),
  prefix: z.string(),
  scope: z.enum(SCOPES),
  name: z.string().nullable(),
  expiresAt: z.string().nullable(),
  accountId: z.number().optional(),
  accountName: z.string().optional(),
});
export type ShownOnceKey = z.infer<typeof newKeySchema>;

/**
 * Hands a new key from the POST that created it to the one page that shows it (post, redirect, get):
 * a reload or the back button then shows no key and creates none. The key rides in an HttpOnly,
 * SameSite=Strict cookie scoped to that page's path for a minute; the database keeps only its hash.
 */
export function holdForOnePage(c: WebContext, pagePath: string, key: ShownOnceKey) {
  setCookie(c, COOKIE, Buffer.from(JSON.stringify(key)).toString('base64url'), { ...cookieOptions(c, MAX_AGE_SECONDS), path: pagePath });
}

/** The held key, or null once it was shown (the cookie is deleted in the same answer). */
export function takeShownOnce(c: WebContext, pagePath: string): ShownOnceKey | null {
  const raw = getCookie(c, COOKIE);
  if (raw === undefined) return null;
  deleteCookie(c, COOKIE, { path: pagePath, secure: isHttps(c) });
  c.header('Cache-Control', 'no-store');
  try {
    const parsed = newKeySchema.safeParse(JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    // A cookie that is not ours (edited by hand): show nothing.
    return null;
  }
}
