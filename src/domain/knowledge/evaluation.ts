/** One question of a labelled retrieval set: the document that answers it and a snippet the answering chunk contains. */
export interface LabelledQuestion {
  id: string;
  lang: 'zh' | 'en';
  question: string;
  /** File name of the answering document in the set. */
  document: string;
  snippet: string;
}

export interface RankedChunk {
  documentId: number;
  text: string;
}

export interface RetrievalEvaluation {
  /** Share of questions with an answering chunk among the first k. */
  recall: number;
  k: number;
  /** Milliseconds each search took, in question order. */
  latenciesMs: number[];
  p95Ms: number;
  misses: { id: string; question: string }[];
}

const squash = (s: string) => s.replace(/\s+/g, '');

/** Whether a chunk answers the question: it is of the labelled document and holds the snippet (whitespace ignored, as chunking may rewrap). */
export function answers(chunk: RankedChunk, documentId: number, snippet: string): boolean {
  return chunk.documentId === documentId && squash(chunk.text).includes(squash(snippet));
}

/** The q-quantile of samples (nearest rank). */
export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return 0;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

/**
 * recall@k of a search over a labelled set: each question is asked once, in order, and counts when one of
 * the first k chunks answers it. `documentIds` maps the set's file names to the ids they were stored under.
 *
 * @example
 * const result = await evaluateRetrieval(questions, ids, (q) => searchChunks(db, { accountId, knowledgeBaseId, query: q, limit: 3 }));
 */
export async function evaluateRetrieval(
  questions: readonly LabelledQuestion[],
  documentIds: ReadonlyMap<string, number>,
  search: (query: string) => Promise<readonly RankedChunk[]>,
  k = 3,
): Promise<RetrievalEvaluation> {
  const latenciesMs: number[] = [];
  const misses: RetrievalEvaluation['misses'] = [];
  for (const q of questions) {
    const documentId = documentIds.get(q.document);
    if (documentId === undefined) throw new Error(`question ${q.id} names ${q.document}, which was not loaded`);
    const started = performance.now();
    const ranked = await search(q.question);
    latenciesMs.push(performance.now() - started);
    if (!ranked.slice(0, k).some((c) => answers(c, documentId, q.snippet))) misses.push({ id: q.id, question: q.question });
  }
  return { recall: questions.length ? (questions.length - misses.length) / questions.length : 0, k, latenciesMs, p95Ms: quantile(latenciesMs, 0.95), misses };
}
