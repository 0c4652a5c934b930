/** RRF's damping constant: the value the method's authors found robust (Cormack, Clarke, Büttcher 2009). */
export const RRF_K = 60;

export interface FusedRank<T> {
  key: T;
  /** Sum over the rankings that hold the key of 1 / (k + rank), rank counted from 1. */
  score: number;
}

/**
 * Reciprocal rank fusion: merges rankings from methods whose scores cannot be compared (a text rank and a
 * cosine similarity) by rank alone. A key near the top of either list comes out near the top; a key both
 * rank well beats one only a single method found. Ties keep the order of first appearance (first ranking first).
 *
 * @example
 * reciprocalRankFusion([[7, 3, 9], [3, 5]]) // [{key: 3, ...}, {key: 7, ...}, {key: 5, ...}, {key: 9, ...}]
 */
export function reciprocalRankFusion<T>(rankings: readonly (readonly T[])[], k: number = RRF_K): FusedRank<T>[] {
  const scores = new Map<T, number>();
  for (const ranking of rankings) {
    const seen = new Set<T>();
    ranking.forEach((key, index) => {
      if (seen.has(key)) return;
      seen.add(key);
      scores.set(key, (scores.get(key) ?? 0) + 1 / (k + index + 1));
    });
  }
  return [...scores].map(([key, score]) => ({ key, score })).sort((a, b) => b.score - a.score);
}
