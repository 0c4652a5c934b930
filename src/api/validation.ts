import type { Context } from 'hono';
import { z } from 'zod';
import { AppError, badRequest } from '../domain/errors.js';
import { closed, fieldsAt } from './schemas/closed.js';

/** One issue per field; an unknown key names itself and the fields accepted beside it. */
function issuesOf(error: z.ZodError, where: string, schema: z.ZodType) {
  return error.issues.flatMap((i) => {
    if (i.code !== 'unrecognized_keys') return [{ field: i.path.join('.') || where, message: i.message }];
    const known = fieldsAt(schema, i.path);
    const hint = known.length ? `; the fields here are ${known.join(', ')}` : '';
    return i.keys.map((key) => ({ field: [...i.path, key].join('.'), message: `unknown field: remove it or check its spelling${hint}` }));
  });
}

function validationError(error: z.ZodError, where: string, schema: z.ZodType) {
  const issues = issuesOf(error, where, schema);
  const summary = issues.map((i) => `${i.field}: ${i.message}`).join('; ');
  return badRequest('VALIDATION_ERROR', `Invalid ${where}: ${summary}`, { issues });
}

/**
 * Reads and validates a JSON body against the schema with every object closed (see `closed`):
 * malformed JSON, schema violations and unknown fields are 400s naming the field.
 */
export async function parseJsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch {
    throw badRequest('INVALID_JSON', 'The request body must be valid JSON with Content-Type: application/json.');
  }
  const parsed = closed(schema).safeParse(raw);
  if (!parsed.success) throw validationError(parsed.error, 'request body', schema);
  return parsed.data;
}

export function parseQuery<S extends z.ZodType>(c: Context, schema: S): z.infer<S> {
  const parsed = schema.safeParse(c.req.query());
  if (!parsed.success) throw validationError(parsed.error, 'query', schema);
  return parsed.data;
}

/** A positive integer path parameter; anything else is a 400 naming the parameter. */
export function parseIdParam(c: Context, name = 'id'): number {
  const value = c.req.param(name) ?? '';
  const id = /^\d{1,9}$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(id) || id < 1) {
    throw new AppError(400, 'INVALID_ID', `Path parameter '${name}' must be a positive integer, got '${value}'.`, { [name]: value });
  }
  return id;
}

export const pagination = z.object({
  page: z.coerce.number().int().min(1, 'page must be >= 1').default(1),
  pageSize: z.coerce.number().int().min(1, 'pageSize must be >= 1').max(100, 'pageSize must be <= 100').default(20),
});

/** Ids are PostgreSQL integers: larger values are a 400, not a database error. */
export const MAX_ID = 2_147_483_647;
export const positiveId = z.number().int().positive().max(MAX_ID, `ids are at most ${MAX_ID}`);
