import { z } from 'zod';

/** One documented operation of a route module, with paths relative to where the module is mounted. */
export interface ApiOperation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  summary: string;
  body?: z.ZodType;
  query?: z.ZodType;
  /** The success status; 200 unless given. */
  status?: number;
  /** Answers text/event-stream instead of JSON. */
  eventStream?: boolean;
  /** Parameters no zod schema describes (headers, hand-parsed query values). */
  parameters?: Record<string, unknown>[];
  /** Other success answers: status -> description. */
  otherResponses?: Record<number, string>;
}

/** A route module as mounted in app.ts, with its operations: the document is built from these. */
export interface ApiMount {
  base: string;
  tag: string;
  operations: ApiOperation[];
  /** Needs no API key. */
  open?: boolean;
}

const STATUS_TEXT: Record<number, string> = { 200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No content' };

/** The JSON Schema of what a client sends (the input side of defaults and transforms). */
const inputSchema = (schema: z.ZodType) => {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  delete json.$schema;
  return json;
};

/** Hono's `/:id/events` as OpenAPI's `/{id}/events`. */
export const openApiPath = (base: string, path: string) => `${base}${path === '/' ? '' : path}`.replace(/:(\w+)/g, '{$1}');

/**
 * The OpenAPI 3.1 document of the API (served at GET /api/openapi.json): every route with its request
 * body and query schemas taken from the same zod schemas that validate requests, the bearer API key, and
 * the one error body every failure uses.
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
        schema: { type: 'integer', minimum: 1 },
      }));
      parameters.push(...(op.parameters ?? []));
      if (op.query) {
        const query = inputSchema(op.query) as { properties?: Record<string, unknown>; required?: string[] };
        for (const [name, schema] of Object.entries(query.properties ?? {})) {
          parameters.push({ name, in: 'query', required: query.required?.includes(name) ?? false, schema });
        }
      }
      const status = op.status ?? 200;
      const success =
        status === 204
          ? { description: STATUS_TEXT[204] }
          : {
              description: STATUS_TEXT[status] ?? 'OK',
              content: op.eventStream ? { 'text/event-stream': { schema: { type: 'string' } } } : { 'application/json': { schema: { type: 'object' } } },
            };
      (paths[path] ??= {})[op.method] = {
        tags: [mount.tag],
        summary: op.summary,
        ...(mount.open ? { security: [] } : {}),
        ...(parameters.length ? { parameters } : {}),
        ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: inputSchema(op.body) } } } } : {}),
        responses: {
          [String(status)]: success,
          ...Object.fromEntries(Object.entries(op.otherResponses ?? {}).map(([code, description]) => [code, { description }])),
          default: { $ref: '#/components/responses/Error' },
        },
      };
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'artgen API',
      version,
      description: 'Durable article generation. Errors are { error: { code, message, details } } with the status that fits.',
    },
    security: [{ apiKey: [] }],
    paths,
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'Authorization: Bearer <API key>' } },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: { code: { type: 'string', examples: ['VALIDATION_ERROR'] }, message: { type: 'string' }, details: { type: 'object' } },
            },
          },
        },
      },
      responses: {
        Error: {
          description: '400 validation, 401 API key, 404 not found, 409 state conflict, 413 body too large, 429 rate limited, 503 dependency down',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
      },
    },
  };
}
