import { bigramsOf, segmentQueryWords, splitQuery } from './segmentation.js';

/** How CJK text is cut into index terms: overlapping character bigrams, or jieba's words. */
export type CjkTokenizer = 'bigram' | 'jieba';

/** Terms one query may carry: a keyword plus a handful of questions, deduplicated. */
export const MAX_QUERY_TERMS = 64;

const quote = (term: string) => `'${term.replace(/'/g, "''").replace(/\\/g, '\\\\')}'`;

/**
 * The terms of a query for `to_tsquery('english', ...)`, OR-ed: a question shares only some of its words
 * with the passage that answers it, so every term is optional and the ranking rewards the ones matched.
 * CJK runs become bigrams or jieba words (matching how the chunk was indexed); Latin words pass through
 * to be stemmed, English stop words dropped by the parser. Empty when the query has nothing to match.
 */
export function textQueryTerms(query: string, tokenizer: CjkTokenizer): string[] {
  const { cjkRuns, latinWords } = splitQuery(query);
  const terms = new Set<string>();
  for (const run of cjkRuns) for (const t of tokenizer === 'jieba' ? segmentQueryWords(run) : bigramsOf(run)) terms.add(t);
  for (const word of latinWords) terms.add(word.toLowerCase());
  return [...terms].slice(0, MAX_QUERY_TERMS);
}

/** The `to_tsquery('english', ...)` text of those terms, or undefined when there are none. */
export function orTsquery(terms: readonly string[]): string | undefined {
  return terms.length > 0 ? terms.map(quote).join(' | ') : undefined;
}
