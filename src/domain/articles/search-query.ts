import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { badRequest } from '../errors.js';

/** Han, kana and hangul: the scripts PostgreSQL's parser cannot split into words. Same ranges as migration 0011. */
const CJK_RUN = /([\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]+)/u;
const CJK_PUNCTUATION = /[\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]/gu;
const HAS_WORD = /[\p{L}\p{N}]/u;
export const MAX_SEARCH_TERMS = 16;

/** 内容营销 -> '内容' <-> '容营' <-> '营销'; one character -> '营':* (a bigram starting with it, or a run's last character). */
function cjkQuery(run: string): SQL {
  const chars = [...run];
  if (chars.length === 1) return sql`to_tsquery('english', ${`'${chars[0]}':*`})`;
  const bigrams = chars.slice(0, -1).map((c, i) => `'${c}${chars[i + 1]}'`);
  return sql`to_tsquery('english', ${bigrams.join(' <-> ')})`;
}

/**
 * The condition `search_vector @@ query` for a user's search text: every whitespace-separated term must
 * match. Latin-script parts go through plainto_tsquery('english') (stemmed, stop words dropped, never a
 * syntax error); CJK parts are matched as the phrase of their bigrams, the way artgen_search_text indexed
 * them. Text without a letter or digit is a 400.
 */
export function articleSearchCondition(searchVector: SQLWrapper, text: string): SQL {
  const parts: SQL[] = [];
  const terms = text.replace(CJK_PUNCTUATION, ' ').split(/\s+/).filter(Boolean).slice(0, MAX_SEARCH_TERMS);
  for (const term of terms) {
    for (const segment of term.split(CJK_RUN)) {
      if (!segment) continue;
      if (CJK_RUN.test(segment)) parts.push(cjkQuery(segment));
      else if (HAS_WORD.test(segment)) parts.push(sql`plainto_tsquery('english', ${segment})`);
    }
  }
  if (parts.length === 0) throw badRequest('VALIDATION_ERROR', 'Invalid query: q: the search text needs at least one letter or digit.', { issues: [{ field: 'q', message: 'the search text needs at least one letter or digit', rule: { code: 'search_text' } }] });
  return sql`${searchVector} @@ (${sql.join(parts, sql` && `)})`;
}
