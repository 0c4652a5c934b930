/** A query term as the index stores it, with the share of rows that hold it (0 when too rare to be counted). */
export interface TermFrequency {
  lexeme: string;
  frequency: number;
}

/** Rows one query may match and rank: ts_rank reads each matched row's vector, so this bounds its time. */
export const CANDIDATE_BUDGET = 1_000;

/**
 * The rarest terms of a query whose matches together stay within `budget` rows (at least one term): an
 * OR query with a common term (任务, 系统, the) matches most of a large knowledge base and ranks it all,
 * while the passage a question wants is found by its rare terms. On a small base every term is kept.
 * Frequencies are PostgreSQL's own (pg_stats.most_common_elem_freqs of the vector column); a term not
 * among them is rarer than all that are and counts as the least frequent one counted.
 *
 * @example
 * selectiveTerms([{ lexeme: '任务', frequency: 0.4 }, { lexeme: '超时', frequency: 0.01 }], 100_000, 2_000) // ['超时']
 */
export function selectiveTerms(terms: readonly TermFrequency[], rows: number, budget = CANDIDATE_BUDGET): string[] {
  const sorted = [...terms].sort((a, b) => a.frequency - b.frequency || a.lexeme.localeCompare(b.lexeme));
  const kept: string[] = [];
  let expected = 0;
  for (const term of sorted) {
    expected += term.frequency * rows;
    if (kept.length > 0 && expected > budget) break;
    kept.push(term.lexeme);
  }
  return kept;
}
