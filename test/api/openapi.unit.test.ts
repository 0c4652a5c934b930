import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { documentedOperations, openApiDocument } from '../../src/api/index.js';
import { createApp } from '../../src/server/app.js';
import type { ApiDeps } from '../../src/http/deps.js';
import { createLogger } from '../../src/logger.js';
import { EVENTS, WEBHOOK_EVENT_TYPES, WEBHOOK_EVENT_TYPES_ALL } from '../../src/shared/events/index.js';

/** Routes are only built here, never called, so the handles they close over are never used. */
const deps = { db: {}, temporal: { client: {} }, log: createLogger('silent'), defaultConcurrency: 5 } as unknown as ApiDeps;

describe('OpenAPI document', () => {
  it('documents exactly the routes the app serves, each method and path once', () => {
    const served = createApp(deps)
      // The document describes the JSON API; the web console (src/web, served under /) is not part of it.
      .routes.filter((r) => r.method !== 'ALL' && r.path.startsWith('/api'))
      .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`);
    const documented = Object.entries(openApiDocument().paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(new Set(served).size).toBe(served.length);
    expect([...documented].sort()).toEqual([...served].sort());
  });

  it('takes request bodies and queries from the validating zod schemas, with every path parameter', () => {
    const paths = openApiDocument().paths as Record<string, Record<string, any>>;
    const importBody = paths['/api/distillations/import']!.post.requestBody.content['application/json'].schema;
    expect(importBody.properties.distillations).toMatchObject({ type: 'array', minItems: 1, maxItems: 1000 });
    const listTasks = paths['/api/article-generation/tasks']!.get.parameters.map((p: any) => p.name);
    expect(listTasks).toEqual(expect.arrayContaining(['page', 'pageSize', 'status']));
    for (const [path, ops] of Object.entries(paths)) {
      const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const op of Object.values(ops)) {
        expect(op.parameters?.filter((p: any) => p.in === 'path').map((p: any) => p.name) ?? [], path).toEqual(names);
        expect(op.summary, path).toMatch(/\w/);
      }
    }
  });
});

describe('responses in the OpenAPI document', () => {
  const paths = () => openApiDocument().paths as Record<string, Record<string, any>>;

  it('types every success body and lists error statuses with their codes instead of a catch-all default', () => {
    for (const { op, mount, method, path } of documentedOperations()) {
      const responses = paths()[path]![method.toLowerCase()].responses as Record<string, any>;
      expect(responses.default, `${method} ${path}`).toBeUndefined();
      const success = responses[String(op.status ?? 200)];
      if (op.status !== 204 && !op.mediaType) {
        expect(op.response, `${method} ${path} has no response schema`).toBeDefined();
        expect(success.content['application/json'].schema.type, `${method} ${path}`).toBe('object');
      }
      const errors = Object.entries(responses).filter(([status]) => Number(status) >= 400 && !op.otherResponses?.[Number(status)]);
      if (!mount.open) expect(errors.length, `${method} ${path}`).toBeGreaterThan(0);
      for (const [status, r] of errors) {
        const codes = r.content['application/json'].schema.properties.error.properties.code.enum;
        expect(codes.length, `${method} ${path} ${status}`).toBeGreaterThan(0);
        expect(r.description).toContain(codes[0]);
      }
    }
    const cancel = paths()['/api/article-generation/tasks/{id}/cancel']!.post.responses;
    expect(cancel['409'].content['application/json'].schema.properties.error.properties.code.enum).toEqual(['TASK_ALREADY_FINISHED']);
  });

  it('documents every error code the source can throw', () => {
    const documented = new Set(
      Object.values(paths()).flatMap((ops) =>
        Object.values(ops).flatMap((op: any) =>
          Object.values(op.responses as Record<string, any>).flatMap((r) => r.content?.['application/json']?.schema?.properties?.error?.properties?.code?.enum ?? []),
        ),
      ),
    );
    const thrown = new Set<string>();
    const files = readdirSync('src', { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && !/^(workflows|activities|web)\b/.test(f));
    for (const file of files) {
      const text = readFileSync(join('src', file), 'utf8');
      for (const m of text.matchAll(/(?:AppError\(\d{3},\s*|badRequest\(|conflict\()\s*'([A-Z_]+)'/g)) thrown.add(m[1]!);
    }
    // Thrown by activities only (an article already saved): never an HTTP answer.
    thrown.delete('ARTICLE_EXISTS');
    expect(thrown.size).toBeGreaterThan(15);
    expect([...thrown].filter((code) => !documented.has(code))).toEqual([]);
  });

  it('describes cron vs interval as oneOf, the cleanup body, and gives each operation a unique id', () => {
    const schedule = paths()['/api/schedules']!.post.requestBody.content['application/json'].schema;
    expect(schedule.oneOf).toEqual([{ required: ['cron'] }, { required: ['intervalSeconds'] }]);
    const cleanup = paths()['/api/article-generation/tasks/cleanup']!.post.requestBody.content['application/json'].schema;
    expect(cleanup.required).toEqual(['olderThan']);
    expect(cleanup.properties.olderThan.oneOf.map((o: any) => o.type)).toEqual(['string', 'integer']);
    expect(cleanup.properties.olderThan.description).toMatch(/30d/);
    const ids = Object.values(paths()).flatMap((ops) => Object.values(ops).map((op) => op.operationId));
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('webhooks in the OpenAPI document', () => {
  const webhooks = () => openApiDocument().webhooks as Record<string, any>;

  it('lists every webhook event type of the vocabulary, with the signed request and its payload schema', () => {
    const webhookTypes = Object.keys(EVENTS).filter((t) => 'webhook' in EVENTS[t as keyof typeof EVENTS]);
    expect(Object.keys(webhooks()).sort()).toEqual([...webhookTypes].sort());
    expect(WEBHOOK_EVENT_TYPES_ALL).toEqual(expect.arrayContaining([...WEBHOOK_EVENT_TYPES, 'article.published', 'webhook.test']));
    for (const [type, item] of Object.entries(webhooks())) {
      expect(item.post.summary, type).toMatch(new RegExp(`^${type.replace('.', '\\.')}: \\w`));
      expect(item.post.parameters.map((p: any) => p.name), type).toEqual(['webhook-id', 'webhook-timestamp', 'webhook-signature']);
      const body = item.post.requestBody.content['application/json'].schema;
      expect(body.required, type).toEqual(['type', 'timestamp', 'data']);
      expect(body.properties.type.const, type).toBe(type);
      expect(body.properties.data, type).toMatchObject({ type: 'object', additionalProperties: false });
      expect(Object.keys(body.properties.data.properties).length, type).toBeGreaterThan(1);
    }
  });

  it('documents what each payload really holds', () => {
    const data = (type: string) => webhooks()[type].post.requestBody.content['application/json'].schema.properties.data;
    expect(data('task.completed').required).toEqual(['taskId', 'status', 'requestedCount', 'generatedCount', 'failedCount', 'skippedCount', 'progress', 'errorMessage']);
    expect(data('task.timeout').properties.status.const).toBe('timeout');
    expect(data('article.saved').required).not.toContain('reviewReason');
    expect(data('article.saved').properties.reviewReason.type).toBe('string');
    expect(data('review.needed').required).toEqual(['taskId', 'pendingReviewCount']);
    expect(data('article.published').required).toEqual(expect.arrayContaining(['content', 'slot', 'reviewedAt']));
    expect(data('webhook.test').required).toEqual(['webhookId', 'url']);
    const ids = [...Object.values(openApiDocument().paths).flatMap((ops) => Object.values(ops as Record<string, any>)), ...Object.values(webhooks()).map((w) => w.post)].map((op) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('the API reference page', () => {
  it('is served by the app as HTML with every operation, and loads nothing from elsewhere', async () => {
    const res = await createApp(deps).request('/api/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toMatch(/^default-src 'none'; style-src 'sha256-[^']+'; frame-ancestors 'none'$/);
    const page = await res.text();
    for (const [path, ops] of Object.entries(openApiDocument().paths)) {
      for (const method of Object.keys(ops)) expect(page).toContain(`${method.toUpperCase()} ${path}`);
    }
    expect(page).toContain('TASK_ALREADY_FINISHED');
    expect(page).not.toMatch(/<script|(?:src|href)="(?:https?:)?\/\//);
  });
});
