import type { Context } from 'hono';
import { z } from 'zod';
import { AppError, badRequest } from '../domain/errors.js';
import { MAX_JSON_DEPTH, jsonNestsDeeperThan } from '../shared/json-nesting.js';
import { closed, fieldsAt } from './schemas/closed.js';
import { idRule, MAX_ID, NUL_MESSAGE, nulFieldPaths, parseIdText } from './schemas/input-rules.js';

/** What an issue checked, so a reader's surface can word it in its own language (src/web/refusal-text.ts). */
export interface IssueRule {
  code: string;
  minimum?: number;
  maximum?: number;
  origin?: string;
  expected?: string;
  format?: string;
}

function ruleOf(i: z.core.$ZodIssue): IssueRule {
  const rule: IssueRule = { code: i.code };
  if (i.code === 'too_small') Object.assign(rule, { minimum: Number(i.minimum), origin: i.origin });
  if (i.code === 'too_big') Object.assign(rule, { maximum: Number(i.maximum), origin: i.origin });
  if (i.code === 'invalid_type') rule.expected = i.expected;
  if (i.code === 'invalid_format') rule.format = i.format;
  return rule;
}

function invalid(issues: { field: string; message: string; rule?: IssueRule }[], where: string) {
  const summary = issues.map((i) => `${i.field}: ${i.message}`).join('; ');
  return badRequest('VALIDATION_ERROR', `Invalid ${where}: ${summary}`, { issues });
}

/** One issue per field; an unknown key names itself and the fields accepted beside it. */
function issuesOf(error: z.ZodError, where: string, schema: z.ZodType) {
  return error.issues.flatMap((i): { field: string; message: string; rule: IssueRule }[] => {
    if (i.code !== 'unrecognized_keys') return [{ field: i.path.join('.') || where, message: i.message, rule: ruleOf(i) }];
    const known = fieldsAt(schema, i.path);
    const hint = known.length ? `; the fields here are ${known.join(', ')}` : '';
    return i.keys.map((key) => ({ field: [...i.path, key].join('.'), message: `unknown field: remove it or check its spelling${hint}`, rule: { code: i.code } }));
  });
}

const validationError = (error: z.ZodError, where: string, schema: z.ZodType) => invalid(issuesOf(error, where, schema), where);

/** A NUL anywhere in the input is named here, before PostgreSQL would refuse it with its own text. */
function rejectNul(value: unknown, where: string) {
  const paths = nulFieldPaths(value);
  if (paths.length > 0) throw invalid(paths.map((field) => ({ field, message: NUL_MESSAGE })), where);
}

/**
 * Reads and validates a JSON body against the schema with every object closed (see `closed`):
 * nesting deeper than MAX_JSON_DEPTH (refused before parsing), malformed JSON, NUL characters, schema violations and unknown fields are 400s naming the field.
 */
export async function parseJsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  const text = await c.req.text();
  if (jsonNestsDeeperThan(text, MAX_JSON_DEPTH)) {
    throw badRequest('JSON_TOO_DEEP', `The request body nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels.`, { maxDepth: MAX_JSON_DEPTH });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw badRequest('INVALID_JSON', 'The request body must be valid JSON with Content-Type: application/json.');
  }
  rejectNul(raw, 'request body');
  const parsed = closed(schema).safeParse(raw);
  if (!parsed.success) throw validationError(parsed.error, 'request body', schema);
  return parsed.data;
}

export function parseQuery<S extends z.ZodType>(c: Context, schema: S): z.infer<S> {
  const query = c.req.query();
  rejectNul(query, 'query');
  const parsed = schema.safeParse(query);
  if (!parsed.success) throw validationError(parsed.error, 'query', schema);
  return parsed.data;
}

/** An id path parameter (1 .. max, PostgreSQL's integer by default); anything else is a 400 naming it. */
export function parseIdParam(c: Context, name = 'id', max = MAX_ID): number {
  const value = c.req.param(name) ?? '';
  const id = parseIdText(value, max);
  if (id === undefined) {
    throw new AppError(400, 'INVALID_ID', `Path parameter '${name}' must be ${idRule(max)}, got '${value}'.`, { [name]: value });
  }
  return id;
}

export const pagination = z.object({
  page: z.coerce.number().int().min(1, 'page must be >= 1').max(1_000_000, 'page must be <= 1000000').default(1),
  pageSize: z.coerce.number().int().min(1, 'pageSize must be >= 1').max(100, 'pageSize must be <= 100').default(20),
});
