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

/** Paths (a.b.0) of every string in a parsed JSON value, object keys included, that holds a NUL. */
export function nulFieldPaths(value: unknown, path: string[] = []): string[] {
  if (typeof value === 'string') return value.includes(NUL) ? [path.join('.') || '(body)'] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => nulFieldPaths(v, [...path, String(i)]));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) =>
      k.includes(NUL) ? [[...path, JSON.stringify(k)].join('.')] : nulFieldPaths(v, [...path, k]),
    );
  }
  return [];
}

export const NUL_MESSAGE = 'must not contain the NUL character (\\u0000)';
