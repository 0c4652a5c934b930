import { z } from 'zod';

/**
 * Field rules every route shares, so each is written once: ids, http(s) URLs and the NUL character.
 * Ids are PostgreSQL integers.
 */
export const MAX_ID = 2_147_483_647;

/** The id rule in words, for every message that states it. */
export const idRule = (max = MAX_ID) => `an integer from 1 to ${max}`;

/** An id given as text (a path or query parameter): digits only, 1 .. max; undefined otherwise. */
export function parseIdText(value: string, max = MAX_ID): number | undefined {
  if (!/^[1-9]\d{0,15}$/.test(value)) return undefined;
  const id = Number(value);
  return id <= max ? id : undefined;
}

/** An id in a JSON body. */
export const idField = (field: string) => {
  const message = `${field} must be ${idRule()}`;
  return z.number({ message }).int(message).min(1, message).max(MAX_ID, message);
};

/**
 * An id in a query string, with the same rule and message as in a body. Parsed from its text (so '1e3' and
 * '+1' are refused), and documented as the integer it must spell.
 */
export const idQueryField = (field: string) =>
  z
    .string()
    .transform((value, ctx) => {
      const id = parseIdText(value);
      if (id !== undefined) return id;
      ctx.addIssue({ code: 'custom', message: `${field} must be ${idRule()}, got '${value}'` });
      return z.NEVER;
    })
    .meta({ type: 'integer', minimum: 1, maximum: MAX_ID });

/** A URL a browser may follow: http or https only (no javascript:, data:, file:). */
export const httpUrl = (field: string) =>
  z.url({ protocol: /^https?$/, hostname: /./, message: `${field} must be an http:// or https:// URL` });

/** PostgreSQL text cannot hold U+0000. */
const NUL = '\u0000';

/** Marks an object key holding a NUL on the walk's stack. */
const NUL_KEY = Symbol('nul key');

/**
 * Paths (a.b.0) of every string in a parsed JSON value, object keys included, that holds a NUL. Walks
 * with its own stack, not recursion, so no nesting depth can overflow the call stack.
 */
export function nulFieldPaths(value: unknown): string[] {
  const found: string[] = [];
  // Children go on the stack last first, so paths come out in document order.
  const stack: { value: unknown; path: string[] }[] = [{ value, path: [] }];
  while (stack.length > 0) {
    const { value: v, path } = stack.pop()!;
    if (v === NUL_KEY) {
      found.push(path.join('.'));
    } else if (typeof v === 'string') {
      if (v.includes(NUL)) found.push(path.join('.') || '(body)');
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], path: [...path, String(i)] });
    } else if (v && typeof v === 'object') {
      const entries = Object.entries(v);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, child] = entries[i]!;
        if (k.includes(NUL)) stack.push({ value: NUL_KEY, path: [...path, JSON.stringify(k)] });
        else stack.push({ value: child, path: [...path, k] });
      }
    }
  }
  return found;
}

export const NUL_MESSAGE = 'must not contain the NUL character (\\u0000)';
