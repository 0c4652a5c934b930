import { z } from 'zod';
import { articleFilterFields } from '../../http/schemas/article-requests.js';
import type { ArticleFilter } from '../../domain/articles/index.js';

/** The list's filter fields as the form sends them (strings, empty = not given). */
export const FILTER_FIELDS = ['taskId', 'reviewStatus', 'keyword', 'createdFrom', 'createdTo', 'q'] as const;
export type FilterInput = Record<(typeof FILTER_FIELDS)[number], string>;

const filterSchema = z.object(articleFilterFields);
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A date field (YYYY-MM-DD, UTC) as the API's date-time: `until` is the next day's start, so the day itself is included. */
function dayStart(value: string, until: boolean): string | null {
  const day = DAY.test(value) ? new Date(`${value}T00:00:00Z`) : null;
  if (!day || Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== value) return null;
  if (until) day.setUTCDate(day.getUTCDate() + 1);
  return day.toISOString();
}

/**
 * The filter of the article list (and of its export) from the query string, checked by the API's own
 * filter schema; the review queue always means pending_review. Dates are days in UTC.
 */
export function readArticleFilter(params: URLSearchParams, queue: boolean): { input: FilterInput; filter: ArticleFilter; error?: string } {
  const input = Object.fromEntries(FILTER_FIELDS.map((f) => [f, (params.get(f) ?? '').trim().slice(0, 300)])) as FilterInput;
  if (queue) input.reviewStatus = 'pending_review';
  const raw: Record<string, string> = {};
  const problems: string[] = [];
  for (const field of FILTER_FIELDS) {
    const value = input[field];
    if (value === '') continue;
    if (field !== 'createdFrom' && field !== 'createdTo') raw[field] = value;
    else {
      const start = dayStart(value, field === 'createdTo');
      if (start) raw[field] = start;
      else problems.push(`${field} must be a date such as 2025-01-31`);
    }
  }
  const parsed = filterSchema.safeParse(raw);
  if (!parsed.success) problems.push(...parsed.error.issues.map((i) => i.message));
  if (problems.length > 0 || !parsed.success) return { input, filter: {}, error: problems.join('; ') };
  return { input, filter: parsed.data };
}

/** The query string of a filter input (only the fields given), for pager and export links. */
export function filterQuery(input: FilterInput, extra: Record<string, string> = {}) {
  const given = Object.entries(input).filter(([, v]) => v !== '');
  return new URLSearchParams([...given, ...Object.entries(extra)]).toString();
}
