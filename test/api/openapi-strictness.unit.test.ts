import { MODEL_ID_PATTERN } from '../../src/llm/models/model-config.js';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../src/api/index.js';
import { parseAge } from '../../src/api/routes/task-cleanup.js';
import { MAX_ID } from '../../src/http/schemas/input-rules.js';
import { checkWebhookSecret, generateWebhookSecret } from '../../src/domain/webhooks/index.js';

/**
 * The document is as strict as the service, so a client (or a fuzzer) that sends what it declares is
 * not refused: ids have the service's maximum, query ids are integers, a download's JSON is an object,
 * event streams are text/event-stream, and the patterns say what the validators check.
 */
const paths = () => openApiDocument().paths as Record<string, Record<string, any>>;
const operations = () => Object.entries(paths()).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method, op })));
const bodyOf = (path: string, method: string) => paths()[path]![method].requestBody.content['application/json'].schema;

describe('the OpenAPI document is as strict as the service', () => {
  it('gives every path id the largest id the route accepts, and a model id the pattern the route accepts', () => {
    for (const { path, method, op } of operations()) {
      for (const p of (op.parameters ?? []).filter((x: any) => x.in === 'path')) {
        if (p.name === 'modelId') {
          expect(p.schema, `${method} ${path} ${p.name}`).toEqual({ type: 'string', pattern: MODEL_ID_PATTERN });
          continue;
        }
        const max = path.startsWith('/api/notifications/') ? Number.MAX_SAFE_INTEGER : MAX_ID;
        expect(p.schema, `${method} ${path} ${p.name}`).toEqual({ type: 'integer', minimum: 1, maximum: max });
      }
    }
  });

  it('declares query ids as integers from 1 to the id maximum, not strings', () => {
    const ids = operations().flatMap(({ path, method, op }) =>
      (op.parameters ?? []).filter((p: any) => p.in === 'query' && /Id$/.test(p.name)).map((p: any) => ({ where: `${method} ${path} ${p.name}`, schema: p.schema })),
    );
    expect(ids.map((i) => i.where)).toEqual(expect.arrayContaining(['get /api/articles taskId', 'get /api/articles distillationId', 'get /api/webhook-deliveries webhookId']));
    for (const { where, schema } of ids) {
      const integer = schema.anyOf ? schema.anyOf.find((s: any) => s.type === 'integer') : schema;
      expect(integer, where).toMatchObject({ type: 'integer', minimum: expect.any(Number), maximum: expect.any(Number) });
    }
  });

  it("declares one article's json export as the object it answers, and event streams as text/event-stream", () => {
    const exported = paths()['/api/articles/{id}/export']!.get.responses['200'].content;
    expect(exported['application/json'].schema).toMatchObject({ type: 'object', required: expect.arrayContaining(['id', 'title', 'content']), additionalProperties: false });
    expect(exported['text/markdown'].schema).toEqual({ type: 'string', contentMediaType: 'text/markdown' });
    const events = paths()['/api/article-generation/tasks/{id}/events']!.get;
    expect(Object.keys(events.responses['200'].content)).toEqual(['text/event-stream']);
    // Each event of the stream (what a client's EventSource or a fuzzer's SSE parser reads), not a string.
    // Live events (article.delta, article.attempt_failed) are never stored, so they carry no id to resume after.
    expect(events.responses['200'].content['text/event-stream'].schema).toMatchObject({ type: 'object', required: ['event', 'data'] });
    expect(events.responses['200'].content['text/event-stream'].schema.properties.event.enum).toEqual(expect.arrayContaining(['article.saved', 'article.delta', 'article.attempt_failed']));
    expect(events.parameters.find((p: any) => p.name === 'lastEventId').schema).toMatchObject({ type: 'integer', minimum: 0, maximum: 999_999_999_999_999 });
  });

  it('gives the webhook secret a pattern that matches exactly the secrets the route accepts', () => {
    const pattern = new RegExp(bodyOf('/api/webhooks', 'post').properties.secret.pattern);
    const accepted = (s: string) => {
      try {
        return checkWebhookSecret(s) === s;
      } catch {
        return false;
      }
    };
    expect(pattern.test(generateWebhookSecret())).toBe(true);
    for (let bytes = 1; bytes <= 70; bytes++) {
      const secret = `whsec_${randomBytes(bytes).toString('base64')}`;
      expect(pattern.test(secret), `${bytes} bytes`).toBe(accepted(secret));
    }
    fc.assert(fc.property(fc.string({ maxLength: 100 }), (tail) => !pattern.test(`whsec_${tail}`) || accepted(`whsec_${tail}`)), { numRuns: 500 });
  });

  it("gives cleanup's olderThan a pattern that matches only ages the route accepts (1 s to 3650 days)", () => {
    const olderThan = bodyOf('/api/article-generation/tasks/cleanup', 'post').properties.olderThan;
    const pattern = new RegExp(olderThan.oneOf.find((s: any) => s.type === 'string').pattern);
    const inRange = (v: string) => {
      const seconds = parseAge(v);
      return seconds !== undefined && seconds >= 1 && seconds <= 3650 * 86_400;
    };
    for (const v of ['1s', '315360000s', '5256000m', '87600h', '3650d', '30d']) expect(pattern.test(v), v).toBe(true);
    for (const v of ['0d', '0s', '3651d', '87601h', '5256001m', '315360001s', '999999999d', '07d', ' 30d', '30 d']) expect(pattern.test(v), v).toBe(false);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 999_999_999 }), fc.constantFrom('s', 'm', 'h', 'd'), (n, unit) => !pattern.test(`${n}${unit}`) || inRange(`${n}${unit}`)),
      { numRuns: 2000 },
    );
  });

  it('says where a body needs at least one field, and that no free string may hold NUL', () => {
    expect(bodyOf('/api/articles/{id}', 'patch')).toMatchObject({ minProperties: 1 });
    expect(bodyOf('/api/admin/accounts/{id}', 'patch')).toMatchObject({ minProperties: 1 });
    expect(bodyOf('/api/admin/accounts/{id}/limits', 'patch')).toMatchObject({ minProperties: 1 });
    expect(bodyOf('/api/admin/accounts/{id}', 'patch').properties.fairnessWeight).toMatchObject({ minimum: 0.001, maximum: 1000 });
    expect(bodyOf('/api/articles/{id}', 'patch').properties.title.pattern).toBe('^[^\\u0000]*$');
  });
});
