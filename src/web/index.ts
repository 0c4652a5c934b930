import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { timing } from 'hono/timing';
import type { RouteDeps } from '../http/deps.js';
import { requireOperatorScope } from './admin-guard.js';
import { assetRoutes } from './assets.js';
import { consoleAuditTrail } from './audit-trail.js';
import type { WebEnv } from './context.js';
import { consoleCsp } from './csp.js';
import { refuseCrossOriginForms, requireCsrfToken } from './csrf.js';
import { refuseBadInput } from './form-guard.js';
import { LANG_COOKIE, pickLang, translator, type Lang } from './i18n/index.js';
import { BROWSER_ZONE_COOKIE, pickZone, ZONE_COOKIE } from './time.js';
import { timeZoneRoutes } from './time-zone/routes.js';
import { consoleErrorHandler, consoleNotFoundPage } from './error-page.js';
import { adminAccountRoutes } from './keys/admin-accounts-routes.js';
import { modelRoutes } from './models/routes.js';
import { articleRoutes } from './articles/routes.js';
import { authRoutes, signOutRoute } from './auth.js';
import { distillationRoutes } from './distillations/routes.js';
import { distillationRunPages, liveRunRoutes } from './distillation-runs/routes.js';
import { keyRoutes } from './keys/routes.js';
import { knowledgeRoutes } from './knowledge/routes.js';
import { liveRoutes } from './tasks/live.js';
import { notificationRoutes } from './notifications/routes.js';
import { usageRoutes } from './usage/routes.js';
import { costRoutes } from './costs/routes.js';
import { scheduleRoutes } from './schedules/routes.js';
import { webhookRoutes } from './webhooks/routes.js';
import { taskRoutes } from './tasks/routes.js';
import { albumRoutes, conversionTargetRoutes, materialsRoutes, qualitySettingsRoutes } from './materials/routes.js';
import { templateRoutes } from './templates/routes.js';
import { dashboardRoutes } from './dashboard/routes.js';
import { auditRoutes } from './audit/routes.js';
import { notificationBadge } from './notifications/badge.js';
import { requireSession } from './session.js';
import { rateLimitConsoleWrites, requireWriteForPost } from './write-guard.js';

/** The materials group's pages (src/web/materials/). */
const MATERIALS_PATHS = ['/materials/*', '/albums/*', '/conversion-targets/*', '/quality-settings/*'];

/** The operations pages (src/web/dashboard/, src/web/audit/). */
const OPERATIONS_PATHS = ['/dashboard/*', '/audit/*', '/stats/*'];

/** The console's paths; the sub-app is mounted at `/`, so its middleware must leave /api alone. */
// ('/x/*' also matches '/x'.)
const CONSOLE_PATHS = ['/', '/sign-in', '/sign-out', '/lang/*', '/assets/*', '/distillations/*', '/tasks/*', '/live/*', '/keys/*', '/admin/*', '/articles/*', '/notifications/*', '/usage/*', '/costs/*', '/schedules/*', '/webhooks/*', '/templates/*', '/knowledge-bases/*', '/models/*', '/time-zone/*', ...OPERATIONS_PATHS, ...MATERIALS_PATHS];
const SIGNED_IN_PATHS = ['/sign-out', '/distillations/*', '/tasks/*', '/live/*', '/keys/*', '/admin/*', '/articles/*', '/notifications/*', '/usage/*', '/costs/*', '/schedules/*', '/webhooks/*', '/templates/*', '/knowledge-bases/*', '/models/*', '/time-zone/*', ...OPERATIONS_PATHS, ...MATERIALS_PATHS];

/** The reader's language and time zone, for every console page and its words. */
function setReader(c: Context<WebEnv>) {
  const lang: Lang = pickLang(getCookie(c, LANG_COOKIE), c.req.header('accept-language'));
  c.set('lang', lang);
  c.set('t', translator(lang));
  c.set('zone', pickZone(getCookie(c, ZONE_COOKIE), getCookie(c, BROWSER_ZONE_COOKIE), lang));
}

function consoleBasics(): MiddlewareHandler<WebEnv> {
  const originCheck = refuseCrossOriginForms();
  return async (c, next) => {
    setReader(c);
    c.header('Content-Security-Policy', consoleCsp());
    c.header('Vary', 'Accept-Language, Cookie');
    // Hono's origin check refuses a cross-site form POST before any token is looked at.
    await originCheck(c, next);
  };
}

/**
 * A path nobody serves, asked for by a browser (it accepts HTML and is not under /api): the console's 404 page
 * in the reader's language instead of the API's JSON. Scripts and the API keep the JSON answer.
 */
export function wantsConsolePage(c: Context): boolean {
  if (c.req.path === '/api' || c.req.path.startsWith('/api/')) return false;
  return (c.req.header('accept') ?? '').includes('text/html');
}

export function consoleNotFound(c: Context) {
  setReader(c as Context<WebEnv>);
  c.header('Content-Security-Policy', consoleCsp());
  c.header('Vary', 'Accept, Accept-Language, Cookie');
  return consoleNotFoundPage(c);
}

/**
 * The web console, a peer of the JSON API in the same Hono app: server-rendered pages over the domain
 * functions, signed in with an API key (a session cookie), zh/en. Mount at `/`.
 */
export function webRoutes(deps: RouteDeps) {
  const { db } = deps;
  const web = new Hono<WebEnv>();
  web.onError(consoleErrorHandler(deps.log));
  // Server-Timing `total` (session lookup, queries, render): the page benchmark reads it (bench/pages.ts).
  for (const path of CONSOLE_PATHS) web.use(path, timing({ totalDescription: 'console' }), consoleBasics());
  web.use('/sign-in', consoleAuditTrail(db, deps.log), refuseBadInput());
  for (const path of SIGNED_IN_PATHS) web.use(path, requireSession(db), consoleAuditTrail(db, deps.log), refuseBadInput(), requireCsrfToken(), notificationBadge(db));
  for (const path of SIGNED_IN_PATHS.filter((p) => p !== '/sign-out')) web.use(path, requireWriteForPost(), rateLimitConsoleWrites({ db, defaults: deps.limits }));
  web.use('/admin/*', requireOperatorScope());
  web.use('/models/*', requireOperatorScope());
  web.route('/', assetRoutes());
  web.route('/', authRoutes(db, deps.limits));
  web.route('/', signOutRoute(db));
  web.route('/distillations/runs', distillationRunPages(deps));
  web.route('/distillations', distillationRoutes(db));
  web.route('/tasks', taskRoutes(deps));
  web.route('/live/distillation-runs', liveRunRoutes(deps));
  web.route('/live', liveRoutes(deps));
  web.route('/keys', keyRoutes(db));
  web.route('/admin/accounts', adminAccountRoutes(deps));
  web.route('/models', modelRoutes(deps));
  web.route('/articles', articleRoutes(deps));
  web.route('/notifications', notificationRoutes(db));
  web.route('/usage', usageRoutes(deps));
  web.route('/costs', costRoutes(deps));
  web.route('/schedules', scheduleRoutes(deps));
  web.route('/webhooks', webhookRoutes(deps));
  web.route('/materials', materialsRoutes());
  web.route('/albums', albumRoutes(deps));
  web.route('/conversion-targets', conversionTargetRoutes(deps));
  web.route('/quality-settings', qualitySettingsRoutes(deps));
  web.route('/templates', templateRoutes(db, { budgetTokens: deps.knowledge.promptTokenBudget, embeddings: deps.embeddings }));
  web.route('/knowledge-bases', knowledgeRoutes(deps));
  web.route('/time-zone', timeZoneRoutes());
  web.route('/dashboard', dashboardRoutes(db));
  web.route('/', auditRoutes(db));
  return web;
}
