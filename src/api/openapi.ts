import { z } from 'zod';
import type { ApiMount, ApiOperation, ErrorCodes } from './operation.js';
import { requiredScope } from './route-table.js';
import { closed } from '../http/schemas/closed.js';
import { errorResponse } from '../http/schemas/common.js';
import { MAX_ID } from '../http/schemas/input-rules.js';
import { MODEL_ID_PATTERN } from '../llm/models/model-config.js';
import { webhookDocuments } from './openapi-webhooks.js';

const STATUS_TEXT: Record<number, string> = {
  200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No content',
  400: 'Bad request', 401: 'Unauthenticated', 403: 'Forbidden', 404: 'Not found', 409: 'Conflict', 413: 'Payload too large', 429: 'Rate limited', 503: 'A dependency is unavailable',
};

/** Where an operation of a module mounted at `base` is served, in Hono's form (`/api/tasks/:id`). */
export const mountedPath = (base: string, path: string) => `${base}${path === '/' ? '' : path}`;

/** Hono's `/:id/events` as OpenAPI's `/{id}/events`. */
export const openApiPath = (base: string, path: string) => mountedPath(base, path).replace(/:(\w+)/g, '{$1}');

/** The errors an operation answers by its shape: the API key, its body, query and path ids, the database. */
function sharedErrors(mount: ApiMount, op: ApiOperation): ErrorCodes {
  const bad = [
    ...(op.body ? ['INVALID_JSON', 'JSON_TOO_DEEP', 'VALIDATION_ERROR', 'INVALID_INPUT'] : []),
    ...(op.query && !op.body ? ['VALIDATION_ERROR'] : []),
    ...(op.path.includes(':') ? ['INVALID_ID'] : []),
  ];
  return {
    ...(bad.length ? { 400: bad } : {}),
    ...(mount.open ? {} : { 401: ['UNAUTHENTICATED', 'INVALID_API_KEY', 'API_KEY_REVOKED', 'API_KEY_EXPIRED'], 403: ['FORBIDDEN_SCOPE'] }),
    ...(op.path.includes(':') ? { 404: ['NOT_FOUND'] } : {}),
    ...(op.body ? { 413: ['PAYLOAD_TOO_LARGE'] } : {}),
    ...(mount.open ? {} : { 429: op.method === 'get' ? ['AUTH_THROTTLED'] : ['AUTH_THROTTLED', 'RATE_LIMITED'] }),
    ...(mount.open ? {} : { 503: ['DEPENDENCY_UNAVAILABLE'] }),
  };
}

/** Every error status of the operation with its codes, shared and its own, sorted. */
export function errorCodesOf(mount: ApiMount, op: ApiOperation): Map<number, string[]> {
  const merged = new Map<number, Set<string>>();
  for (const codes of [sharedErrors(mount, op), op.errors ?? {}]) {
    for (const [status, list] of Object.entries(codes)) {
      const set = merged.get(Number(status)) ?? new Set<string>();
      for (const code of list) set.add(code);
      merged.set(Number(status), set);
    }
  }
  return new Map([...merged].sort(([a], [b]) => a - b).map(([status, set]) => [status, [...set].sort()]));
}

/**
 * Status -> the zod schema of the JSON body (closed: no undocumented field), or null for an answer
 * without JSON (204, an event stream, HTML). The document and the contract tests both read this.
 */
export function responseSchemas(mount: ApiMount, op: ApiOperation): Map<number, z.ZodType | null> {
  const out = new Map<number, z.ZodType | null>();
  out.set(op.status ?? 200, op.response ? closed(op.response) : null);
  for (const [status, other] of Object.entries(op.otherResponses ?? {})) out.set(Number(status), other.body ? closed(other.body) : null);
  for (const [status, codes] of errorCodesOf(mount, op)) out.set(status, closed(errorResponse(codes as [string, ...string[]])));
  return out;
}

/** PostgreSQL text cannot hold U+0000, and every request refuses it (400): the document says so on each free string. */
const NO_NUL = '^[^\\u0000]*$';

function refuseNul(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(refuseNul);
  if (!node || typeof node !== 'object') return;
  const o = node as Record<string, unknown>;
  if (o.type === 'string' && o.pattern === undefined && o.format === undefined && o.enum === undefined && o.const === undefined) o.pattern = NO_NUL;
  Object.values(o).forEach(refuseNul);
}

/** The JSON Schema of a zod schema, for what a client sends (`input`) or receives (`output`). */
const jsonSchema = (schema: z.ZodType, io: 'input' | 'output') => {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  delete json.$schema;
  if (io === 'input') refuseNul(json);
  return json;
};

/**
 * The schema of a non-default media type's body: JSON when the operation gives one, else a document of
 * that type (JSON Schema's `contentMediaType`: an event stream, Markdown, HTML, a zip's bytes).
 */
function mediaBodySchema(op: ApiOperation, type: string) {
  const body = op.mediaBodies?.[type];
  if (body) return jsonSchema(closed(body), 'output');
  return { type: 'string', contentMediaType: type, ...(type.startsWith('text/') || type.endsWith('json') ? {} : { format: 'binary' }) };
}

function responsesOf(mount: ApiMount, op: ApiOperation) {
  const success = op.status ?? 200;
  const schemas = responseSchemas(mount, op);
  const codes = errorCodesOf(mount, op);
  const content = (status: number, schema: z.ZodType | null) => {
    if (schema) return { 'application/json': { schema: jsonSchema(schema, 'output') } };
    if (status === success && op.mediaType) return Object.fromEntries([op.mediaType].flat().map((type) => [type, { schema: mediaBodySchema(op, type) }]));
    return undefined;
  };
  return Object.fromEntries(
    [...schemas].map(([status, schema]) => {
      const description = codes.has(status)
        ? `${STATUS_TEXT[status] ?? 'Error'}: ${codes.get(status)!.join(', ')}`
        : (op.otherResponses?.[status]?.description ?? STATUS_TEXT[status] ?? 'OK');
      const body = content(status, schema);
      return [String(status), { description, ...(body ? { content: body } : {}) }];
    }),
  );
}

/** A file upload's body: multipart with the file, and the JSON alternative if the operation has one. */
function uploadBody(upload: NonNullable<ApiOperation['upload']>) {
  const multipart = {
    type: 'object',
    required: ['file'],
    additionalProperties: false,
    properties: {
      file: { type: 'string', format: 'binary', description: 'The file; its type is read from its content, not its name' },
      title: { type: 'string', maxLength: 500, description: "The document's title; else the file's own (PDF metadata, <title>, first heading) or its name" },
    },
  };
  return {
    required: true,
    content: {
      'multipart/form-data': { schema: multipart },
      ...(upload.json ? { 'application/json': { schema: jsonSchema(closed(upload.json), 'input') } } : {}),
    },
  };
}

/**
 * The OpenAPI 3.1 document of the API (served at GET /api/openapi.json): every route with its request
 * body and query schemas taken from the same zod schemas that validate requests, every answer's body
 * from the response schemas of the route modules, each error status with the codes it can carry, the
 * bearer API key, and the webhooks this service sends (from the event vocabulary).
 */
export function buildOpenApiDocument(mounts: ApiMount[], version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const mount of mounts) {
    for (const op of mount.operations) {
      const path = openApiPath(mount.base, op.path);
      const parameters: unknown[] = [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
        name,
        in: 'path',
        required: true,
        // A model is named by its registry id (a string); every other path parameter is an integer id.
        schema: name === 'modelId' ? { type: 'string', pattern: MODEL_ID_PATTERN } : { type: 'integer', minimum: 1, maximum: op.pathIdMaximum ?? MAX_ID },
      }));
      parameters.push(...(op.parameters ?? []));
      if (op.query) {
        const query = jsonSchema(op.query, 'input') as { properties?: Record<string, unknown>; required?: string[] };
        for (const [name, schema] of Object.entries(query.properties ?? {})) {
          parameters.push({ name, in: 'query', required: query.required?.includes(name) ?? false, schema });
        }
      }
      (paths[path] ??= {})[op.method] = {
        tags: [mount.tag],
        summary: op.summary,
        ...(op.deprecated ? { deprecated: true } : {}),
        operationId: `${op.method}${path.replace(/\{(\w+)\}/g, 'By-$1').replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase())}`,
        // OpenAPI 3.1 lets a non-OAuth scheme list role names: the key scope the route needs.
        security: mount.open ? [] : [{ apiKey: [requiredScope(op.method.toUpperCase(), op.scope)] }],
        ...(parameters.length ? { parameters } : {}),
        ...(op.upload ? { requestBody: uploadBody(op.upload) } : {}),
        ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(closed(op.body), 'input') } } } } : {}),
        responses: responsesOf(mount, op),
      };
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'artgen API',
      version,
      description:
        'Durable article generation. Errors are { error: { code, message, details } } with the status that fits; each operation lists its error statuses and codes. ' +
        'Request bodies accept only the fields documented (an unknown field is a 400 naming it); a method a path does not declare is a 405 with Allow.',
    },
    security: [{ apiKey: [] }],
    paths,
    webhooks: webhookDocuments(),
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'Authorization: Bearer <API key>; each operation lists the key scope it needs (read < write < admin < operator): admin manages its own account (keys, audit, limits view), operator the whole service (accounts, the keys, limits and audit of every account, the Temporal codec)' },
      },
    },
  };
}
