/** @jsxImportSource hono/jsx */
import { randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { authThrottledError } from '../http/auth-throttled.js';
import { clientAddress } from '../http/client-address.js';
import { SESSION_COOKIE } from '../http/session-cookie.js';
import type { Db } from '../db/client.js';
import { createWebSession, deleteWebSession, keyPrefix } from '../domain/accounts/index.js';
import { authThrottle, countAuthFailure, type AuthThrottleSettings } from '../domain/limits/auth-throttle.js';
import type { WebContext, WebEnv } from './context.js';
import { CSRF_FIELD, sameToken } from './csrf.js';
import { LANG_COOKIE } from './i18n/index.js';
import { Layout, page } from './layout.js';
import { localRedirectPath } from './local-path.js';
import { clearSessionCookie, cookieOptions, setSessionCookie } from './session.js';

/** Before a session exists, the sign-in form is protected by a double-submit token (cookie + field). */
const SIGN_IN_COOKIE = 'artgen_sign_in';

const REASONS = {
  en: { unknown: 'the key is unknown.', revoked: 'the key was revoked.', expired: 'the key has expired.' },
  zh: { unknown: '密钥不存在。', revoked: '密钥已被吊销。', expired: '密钥已过期。' },
} as const;

function SignInPage({ c, token, error }: { c: WebContext; token: string; error?: string }) {
  const t = c.get('t');
  return (
    <Layout c={c} title={t('signIn')} bare>
      <form method="post" action="/sign-in" class="card narrow">
        <input type="hidden" name={CSRF_FIELD} value={token} />
        <label for="api-key">{t('apiKey')}</label>
        <input id="api-key" name="apiKey" type="password" autocomplete="off" required aria-describedby="api-key-help" aria-invalid={error ? 'true' : undefined} />
        <p id="api-key-help" class="help">{t('apiKeyHelp')}</p>
        {error && <p class="error" role="alert">{error}</p>}
        <button type="submit">{t('signIn')}</button>
      </form>
    </Layout>
  );
}

function signInForm(c: WebContext, error?: string) {
  const token = randomBytes(18).toString('base64url');
  setCookie(c, SIGN_IN_COOKIE, token, cookieOptions(c, 3600));
  return page(c, <SignInPage c={c} token={token} error={error} />, error ? 400 : 200);
}

/**
 * The sign-in form and its post. A failed sign-in counts in the same per-address and per-key-prefix
 * buckets as a refused bearer key; past the limit it is a 429 before the key is looked at.
 */
export function authRoutes(db: Db, throttle: AuthThrottleSettings) {
  return new Hono<WebEnv>()
    .get('/sign-in', (c) => signInForm(c))
    .post('/sign-in', async (c) => {
      const body = await c.req.parseBody();
      const cookieToken = getCookie(c, SIGN_IN_COOKIE);
      const sent = body[CSRF_FIELD];
      if (!cookieToken || typeof sent !== 'string' || !sameToken(sent, cookieToken)) return signInForm(c, c.get('t')('csrfFailed'));
      const key = typeof body.apiKey === 'string' ? body.apiKey.trim() : '';
      const attempt = { address: clientAddress(c), keyPrefix: keyPrefix(key) };
      const blocked = await authThrottle(db, throttle, attempt);
      if (blocked) {
        c.set('signInAttempt', { ok: false, accountId: null, keyPrefix: attempt.keyPrefix || null, auditBucket: blocked.auditBucket });
        throw authThrottledError(c, blocked);
      }
      const result = await createWebSession(db, key);
      c.set('signInAttempt', { ok: result.ok, accountId: result.accountId, keyPrefix: result.prefix || null });
      if (!result.ok) {
        const over = await countAuthFailure(db, throttle, attempt);
        if (over) {
          c.set('signInAttempt', { ok: false, accountId: result.accountId, keyPrefix: result.prefix || null, auditBucket: over.auditBucket });
          throw authThrottledError(c, over);
        }
        return signInForm(c, c.get('t')('signInFailed', { reason: REASONS[c.get('lang')][result.reason] }));
      }
      setSessionCookie(c, result.id);
      return c.redirect('/distillations', 303);
    })
    .get('/lang/:lang', (c) => {
      const lang = c.req.param('lang');
      if (lang === 'zh' || lang === 'en') setCookie(c, LANG_COOKIE, lang, { path: '/', sameSite: 'Lax', maxAge: 365 * 86400, secure: cookieOptions(c, 0).secure });
      return c.redirect(localRedirectPath(c.req.query('next')), 303);
    })
    .get('/', (c) => c.redirect(getCookie(c, SESSION_COOKIE) ? '/dashboard' : '/sign-in', 303));
}

/** Sign-out lives behind the session and its CSRF token: the session row goes, then the cookie. */
export function signOutRoute(db: Db) {
  return new Hono<WebEnv>().post('/sign-out', async (c) => {
    await deleteWebSession(db, c.get('sessionId'));
    clearSessionCookie(c);
    return c.redirect('/sign-in', 303);
  });
}
