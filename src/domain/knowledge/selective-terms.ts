import { sql, type SQL } from 'drizzle-orm';
import { textQueryTerms, type CjkTokenizer } from './text-ranking.js';

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

/**
 * A tsquery expression (SQL, evaluated once per statement) OR-ing the rarest index terms of `query` whose
 * matches together stay within CANDIDATE_BUDGET rows, by the same rule as `selectiveTerms`: match with it,
 * rank with the full query. Term frequencies are pg_stats' most_common_elems of `table`.`column` (ANALYZE
 * keeps them; autovacuum refreshes them); a term not among them counts as the least frequent one that is.
 * NULL (matching nothing) when the query has no index term.
 */
export function selectiveMatch(query: string, tokenizer: CjkTokenizer, table: string, column: string): SQL {
  const termsText = textQueryTerms(query, tokenizer).join(' ');
  return sql`(
    WITH s AS (SELECT most_common_elems::text::text[] AS e, most_common_elem_freqs AS f FROM pg_stats
               WHERE schemaname = current_schema() AND tablename = ${table} AND attname = ${column}),
    t AS (SELECT l, coalesce(s.f[array_position(s.e, l)], s.f[array_length(s.e, 1) + 1], 0) AS freq
          FROM unnest(tsvector_to_array(to_tsvector('english', ${termsText}))) l LEFT JOIN s ON true),
    r AS (SELECT l, row_number() OVER w AS n,
                 sum(freq) OVER w * greatest((SELECT reltuples FROM pg_class WHERE oid = to_regclass(${table})), 0) AS expected
          FROM t WINDOW w AS (ORDER BY freq, l))
    SELECT string_agg('''' || replace(replace(l, '\\', '\\\\'), '''', '''''') || '''', ' | ')::tsquery
    FROM r WHERE n = 1 OR expected <= ${CANDIDATE_BUDGET})`;
}
