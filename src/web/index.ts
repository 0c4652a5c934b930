import { Hono, type MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { csrf } from 'hono/csrf';
import { timing } from 'hono/timing';
import type { ApiDeps } from '../api/types.js';
import { assetRoutes } from './assets.js';
import type { WebEnv } from './context.js';
import { requireCsrfToken } from './csrf.js';
import { LANG_COOKIE, pickLang, translator } from './i18n/index.js';
import { consoleErrorHandler } from './error-page.js';
import { authRoutes, signOutRoute } from './routes/auth.js';
import { distillationRoutes } from './routes/distillations.js';
import { liveRoutes } from './routes/live.js';
import { taskRoutes } from './routes/tasks.js';
import { requireSession } from './session.js';
import { requireWriteForPost } from './write-guard.js';

/** The console's CSP: its own files only, no inline script or style, forms only to itself. */
const CONSOLE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

/** The console's paths; the sub-app is mounted at `/`, so its middleware must leave /api alone. */
// ('/x/*' also matches '/x'.)
const CONSOLE_PATHS = ['/', '/sign-in', '/sign-out', '/lang/*', '/assets/*', '/distillations/*', '/tasks/*', '/live/*'];
const SIGNED_IN_PATHS = ['/sign-out', '/distillations/*', '/tasks/*', '/live/*'];

function consoleBasics(): MiddlewareHandler<WebEnv> {
  const originCheck = csrf();
  return async (c, next) => {
    const lang = pickLang(getCookie(c, LANG_COOKIE), c.req.header('accept-language'));
    c.set('lang', lang);
    c.set('t', translator(lang));
    c.header('Content-Security-Policy', CONSOLE_CSP);
    c.header('Vary', 'Accept-Language, Cookie');
    // Hono's origin check refuses a cross-site form POST before any token is looked at.
    await originCheck(c, next);
  };
}

/**
 * The web console, a peer of the JSON API in the same Hono app: server-rendered pages over the domain
 * functions, signed in with an API key (a session cookie), zh/en. Mount at `/`.
 */
export function webRoutes(deps: ApiDeps) {
  const { db } = deps;
  const web = new Hono<WebEnv>();
  web.onError(consoleErrorHandler(deps.log));
  // Server-Timing `total` (session lookup, queries, render): the page benchmark reads it (bench/pages.ts).
  for (const path of CONSOLE_PATHS) web.use(path, timing({ totalDescription: 'console' }), consoleBasics());
  for (const path of SIGNED_IN_PATHS) web.use(path, requireSession(db), requireCsrfToken());
  for (const path of SIGNED_IN_PATHS.filter((p) => p !== '/sign-out')) web.use(path, requireWriteForPost());
  web.route('/', assetRoutes());
  web.route('/', authRoutes(db));
  web.route('/', signOutRoute(db));
  web.route('/distillations', distillationRoutes(db));
  web.route('/tasks', taskRoutes(deps));
  web.route('/live', liveRoutes(deps));
  return web;
}
