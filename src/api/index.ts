import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import { z } from 'zod';
import { DOCS_PAGE_CSP, renderDocsPage } from './docs-page.js';
import { apiKeyAuth } from './middleware/api-key-auth.js';
import { codecConsoleSession } from './middleware/codec-console-session.js';
import { apiAuditTrail } from './middleware/audit-trail.js';
import { rateLimit } from '../http/rate-limit.js';
import { buildOpenApiDocument, mountedPath, openApiPath } from './openapi.js';
import type { ApiMount } from './operation.js';
import { adminAccountOperations, adminAccountRoutes } from './routes/admin-accounts.js';
import { adminLimitOperations, adminLimitRoutes } from './routes/admin-limits.js';
import { adminBudgetOperations, adminBudgetRoutes } from './routes/admin-budgets.js';
import { costOperations, costRoutes } from './routes/costs.js';
import { apiKeyOperations, apiKeyRoutes } from './routes/api-keys.js';
import { articleOperations, articleRoutes } from './routes/articles.js';
import { auditOperations, auditRoutes } from './routes/audit.js';
import { distillationOperations, distillationRoutes } from './routes/distillations.js';
import { distillationRunOperations, distillationRunRoutes } from './routes/distillation-runs.js';
import { healthOperations, healthRoutes } from './routes/health.js';
import { accountModelOperations, accountModelRoutes, modelOperations, modelRoutes } from './routes/models.js';
import { notificationOperations, notificationRoutes } from './routes/notifications.js';
import { publishingOperations, publishingRoutes } from './routes/publishing.js';
import { qualitySettingsOperations, qualitySettingsRoutes } from './routes/quality-settings.js';
import { albumEditOperations, albumEditRoutes, conversionTargetEditOperations, conversionTargetEditRoutes } from './routes/resource-edits.js';
import { albumRoutes, articleSettingRoutes, conversionTargetRoutes, knowledgeBaseRoutes } from './routes/resources.js';
import { knowledgeDocumentOperations, knowledgeDocumentRoutes } from './routes/knowledge-documents.js';
import { scheduleOperations, scheduleRoutes } from './routes/schedules.js';
import { statsOperations, statsRoutes } from './routes/stats.js';
import { taskCleanupOperations, taskCleanupRoutes } from './routes/task-cleanup.js';
import { taskEventOperations, taskEventRoutes } from './routes/task-events.js';
import { taskOperations, taskRoutes } from './routes/tasks.js';
import { temporalCodecOperations, temporalCodecRoutes } from './routes/temporal-codec.js';
import { templateOperations, templateRoutes } from './routes/templates.js';
import { usageOperations, usageRoutes } from './routes/usage.js';
import { webhookDeliveryOperations, webhookDeliveryRoutes, webhookOperations, webhookRoutes } from './routes/webhooks.js';
import { routeTable } from './route-table.js';
import type { RouteDeps } from '../http/deps.js';
import type { ApiRouter } from './types.js';

type RouteModule = (deps: RouteDeps) => Hono<any>;
interface Mount extends ApiMount {
  routes: RouteModule;
}

const TASKS = '/api/article-generation/tasks';
export const TEMPORAL_CODEC = '/api/temporal-codec';
/** Every route module, where it is mounted, and what it documents (in this order: cleanup before /:id). */
const MOUNTS: Mount[] = [
  { base: '/api/health', tag: 'health', routes: healthRoutes, operations: healthOperations, open: true },
  { base: '/api/distillations', tag: 'distillations', routes: distillationRoutes, operations: distillationOperations },
  { base: '/api/templates', tag: 'resources', routes: templateRoutes, operations: templateOperations },
  { base: '/api/distillation-runs', tag: 'distillations', routes: distillationRunRoutes, operations: distillationRunOperations },
  { base: '/api/article-settings', tag: 'resources', routes: articleSettingRoutes, operations: articleSettingRoutes.operations },
  { base: '/api/knowledge-bases', tag: 'resources', routes: knowledgeBaseRoutes, operations: knowledgeBaseRoutes.operations },
  { base: '/api/knowledge-bases', tag: 'resources', routes: knowledgeDocumentRoutes, operations: knowledgeDocumentOperations },
  { base: '/api/albums', tag: 'resources', routes: albumRoutes, operations: albumRoutes.operations },
  { base: '/api/albums', tag: 'resources', routes: albumEditRoutes, operations: albumEditOperations },
  { base: '/api/conversion-targets', tag: 'resources', routes: conversionTargetRoutes, operations: conversionTargetRoutes.operations },
  { base: '/api/conversion-targets', tag: 'resources', routes: conversionTargetEditRoutes, operations: conversionTargetEditOperations },
  { base: `${TASKS}/cleanup`, tag: 'tasks', routes: taskCleanupRoutes, operations: taskCleanupOperations },
  { base: TASKS, tag: 'tasks', routes: taskRoutes, operations: taskOperations },
  { base: TASKS, tag: 'tasks', routes: taskEventRoutes, operations: taskEventOperations },
  { base: '/api/articles', tag: 'articles', routes: articleRoutes, operations: articleOperations },
  { base: '/api/quality-settings', tag: 'articles', routes: qualitySettingsRoutes, operations: qualitySettingsOperations },
  { base: '/api/notifications', tag: 'notifications', routes: notificationRoutes, operations: notificationOperations },
  { base: '/api/stats', tag: 'stats', routes: statsRoutes, operations: statsOperations },
  { base: '/api/costs', tag: 'stats', routes: costRoutes, operations: costOperations },
  { base: '/api/usage', tag: 'usage', routes: usageRoutes, operations: usageOperations },
  { base: '/api/schedules', tag: 'schedules', routes: scheduleRoutes, operations: scheduleOperations },
  { base: '/api/keys', tag: 'keys', routes: apiKeyRoutes, operations: apiKeyOperations },
  { base: '/api/admin/accounts', tag: 'admin', routes: adminAccountRoutes, operations: adminAccountOperations },
  { base: '/api/admin/accounts', tag: 'admin', routes: adminLimitRoutes, operations: adminLimitOperations },
  { base: '/api/admin/accounts', tag: 'admin', routes: accountModelRoutes, operations: accountModelOperations },
  { base: '/api/models', tag: 'models', routes: modelRoutes, operations: modelOperations },
  { base: '/api/admin/accounts', tag: 'admin', routes: adminBudgetRoutes, operations: adminBudgetOperations },
  { base: '/api/audit', tag: 'audit', routes: auditRoutes, operations: auditOperations },
  { base: '/api/webhooks', tag: 'webhooks', routes: webhookRoutes, operations: webhookOperations },
  { base: '/api/webhook-deliveries', tag: 'webhooks', routes: webhookDeliveryRoutes, operations: webhookDeliveryOperations },
  { base: '/api/publishing', tag: 'webhooks', routes: publishingRoutes, operations: publishingOperations },
  { base: TEMPORAL_CODEC, tag: 'operations', routes: temporalCodecRoutes, operations: temporalCodecOperations },
];

/** Every mounted route with the key scope it needs (declared by its operation) and its pattern. */
export const API_ROUTES = routeTable(MOUNTS);

export const OPENAPI_PATH = '/api/openapi.json';
export const DOCS_PATH = '/api/docs';
const documentShape = z.looseObject({ openapi: z.literal('3.1.0'), info: z.looseObject({ title: z.string(), version: z.string() }), paths: z.record(z.string(), z.unknown()) });
/** What the app serves itself, beside the route modules. */
const SELF: ApiMount[] = [
  { base: OPENAPI_PATH, tag: 'reference', open: true, operations: [{ method: 'get', path: '/', summary: 'This OpenAPI 3.1 document', response: documentShape }] },
  { base: DOCS_PATH, tag: 'reference', open: true, operations: [{ method: 'get', path: '/', summary: 'The API reference as a web page (rendered from this document)', mediaType: 'text/html' }] },
];
let document: ReturnType<typeof buildOpenApiDocument> | undefined;
let docsPage: string | undefined;

/** The OpenAPI document of every mounted route, itself included; built on first use, not at start-up. */
export function openApiDocument() {
  if (!document) {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    document = buildOpenApiDocument([...MOUNTS, ...SELF], version);
  }
  return document;
}

/** Every documented operation with its mount and its path in OpenAPI's form: for contract tests. */
export const documentedOperations = () =>
  [...MOUNTS, ...SELF].flatMap((mount) => mount.operations.map((op) => ({ mount, op, method: op.method.toUpperCase(), path: openApiPath(mount.base, op.path) })));

/** Every declared method and path (Hono style): what the document lists and the 405 answer allows. */
export const declaredRoutes = () =>
  [...MOUNTS, ...SELF].flatMap((m) => m.operations.map((op) => ({ method: op.method.toUpperCase(), path: mountedPath(m.base, op.path) })));

/** The API's own answers that need no key: the OpenAPI document, its web page, and the open route modules. */
export function mountOpenApiRoutes(app: ApiRouter, deps: RouteDeps) {
  app.get(OPENAPI_PATH, (c) => c.json(openApiDocument()));
  app.get(DOCS_PATH, (c) => {
    docsPage ??= renderDocsPage(openApiDocument(), OPENAPI_PATH);
    c.header('Content-Security-Policy', DOCS_PAGE_CSP);
    return c.html(docsPage);
  });
  for (const m of MOUNTS.filter((m) => m.open)) app.route(m.base, m.routes(deps));
}

/**
 * Everything else under /api: a bearer API key of the scope its operation declares (or, at the codec
 * endpoint, a signed-in operator's console session), writes rate limited, writes and refused keys audited.
 */
export function mountKeyedApiRoutes(app: ApiRouter, deps: RouteDeps) {
  app.use('/api/*', apiAuditTrail(deps.db, API_ROUTES, deps.log));
  app.use(`${TEMPORAL_CODEC}/*`, codecConsoleSession(deps.db, API_ROUTES, deps.codecCorsOrigins));
  app.use('/api/*', apiKeyAuth(deps.db, API_ROUTES, deps.apiKeyHint, deps.limits));
  app.use('/api/*', rateLimit({ db: deps.db, defaults: deps.limits }));
  for (const m of MOUNTS.filter((m) => !m.open)) app.route(m.base, m.routes(deps));
}
