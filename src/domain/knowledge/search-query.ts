import { sql, type SQL } from 'drizzle-orm';

const CJK_RUN = /([\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]+)/u;
const CJK_PUNCTUATION = /[\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]/gu;
const WORD = /[\p{L}\p{N}]+/gu;
/** A question rarely needs more; it bounds the work of one query. */
export const MAX_QUERY_TERMS = 64;

/** The terms of a question: each CJK run as its overlapping bigrams (one character as a prefix), each other word once. */
export function knowledgeQueryTerms(text: string): { cjk: string[]; words: string[] } {
  const cjk = new Set<string>();
  const words = new Set<string>();
  for (const segment of text.replace(CJK_PUNCTUATION, ' ').split(CJK_RUN)) {
    if (!segment) continue;
    if (CJK_RUN.test(segment)) {
      const chars = [...segment];
      if (chars.length === 1) cjk.add(`'${chars[0]}':*`);
      for (let i = 0; i + 1 < chars.length; i++) cjk.add(`'${chars[i]}${chars[i + 1]}'`);
    } else {
      for (const w of segment.match(WORD) ?? []) words.add(w.toLowerCase());
    }
  }
  const all = [...cjk].slice(0, MAX_QUERY_TERMS);
  return { cjk: all, words: [...words].slice(0, MAX_QUERY_TERMS - all.length) };
}

/**
 * A tsquery matching any term of the question (OR, not the AND an article search uses): a question
 * shares only some of its words with the passage that answers it, and ts_rank orders by how many and
 * how often. CJK bigrams are matched as artgen_search_text indexed them; other words are stemmed by
 * the english configuration (stop words drop out). Null when the text has no letter or digit.
 */
export function knowledgeTsQuery(text: string): SQL | null {
  const { cjk, words } = knowledgeQueryTerms(text);
  const parts: SQL[] = [];
  if (cjk.length > 0) parts.push(sql`to_tsquery('english', ${cjk.join(' | ')})`);
  for (const w of words) parts.push(sql`plainto_tsquery('english', ${w})`);
  if (parts.length === 0) return null;
  return sql.join(parts, sql` || `);
}
