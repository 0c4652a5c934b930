import { hammingDistance, simhash, taggedBands } from '../../quality/simhash.js';

/**
 * SimHash bits within which two questions count as one: the articles' near-duplicate default
 * (QUALITY_NEAR_DUPLICATE_MAX_DISTANCE), the same similarity check over the question's text.
 */
export const QUESTION_NEAR_DUPLICATE_BITS = 3;

/** Case, width, punctuation and spacing never make two questions differ. */
export function normalizeQuestion(question: string): string {
  return question.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

interface Seen {
  normalized: string;
  bands: number[];
}

const fingerprint = (question: string): Seen => ({ normalized: normalizeQuestion(question), bands: taggedBands(simhash(question)) });

/**
 * The questions of `candidates` that are neither a duplicate of an `existing` one nor of an earlier
 * candidate: equal once normalised, or within QUESTION_NEAR_DUPLICATE_BITS by SimHash. Order kept.
 *
 * @example dedupeQuestions(['What is X?', 'what is x', 'How much is X?'], ['How much is X?']) // { kept: ['What is X?'], dropped: 2 }
 */
export function dedupeQuestions(candidates: string[], existing: string[]): { kept: string[]; dropped: number } {
  const seen: Seen[] = existing.map(fingerprint);
  const kept: string[] = [];
  for (const question of candidates) {
    const f = fingerprint(question);
    const duplicate = f.normalized === '' || seen.some((s) => s.normalized === f.normalized || hammingDistance(s.bands, f.bands) <= QUESTION_NEAR_DUPLICATE_BITS);
    if (duplicate) continue;
    seen.push(f);
    kept.push(question);
  }
  return { kept, dropped: candidates.length - kept.length };
}
