/**
 * An account's quality gate: the checks every draft must pass before it is saved. A draft that fails is
 * written again with the reasons as feedback, up to QUALITY_MAX_REWRITES times; then the best draft is
 * saved flagged, and a flagged article always waits for review.
 */
export interface QualitySettings {
  /** Fewest characters of the body (code points, so Chinese counts per character). */
  minChars: number;
  /** Most characters of the body; null: no limit. */
  maxChars: number | null;
  /** The reply must start with a title line followed by a body. */
  requireTitle: boolean;
  /** Fewest Markdown headings (`#` .. `######` lines) in the body. */
  minHeadings: number;
  /** When the task has a conversion target, its company name must appear in the article. */
  requireCompanyName: boolean;
  /** Words the article must not contain (case-insensitive); Latin words match whole words, others anywhere. */
  bannedWords: string[];
  /**
   * Most SimHash bits (of 64) in which the draft may differ from one of the account's articles and still
   * count as a near duplicate of it; null: no near-duplicate check. At most 3: the lookup's four bands
   * find every article within 3 bits, not beyond.
   */
  nearDuplicateMaxDistance: number | null;
}

export const QUALITY_CHECKS = ['min_length', 'max_length', 'title', 'headings', 'company', 'banned_word', 'near_duplicate'] as const;
export type QualityCheck = (typeof QUALITY_CHECKS)[number];

/**
 * One reason a draft failed: `message` in words the LLM can act on, `params` what was measured, so a
 * reader's surface words it in its own language (older flags have no params).
 */
export interface QualityFlag {
  check: QualityCheck;
  message: string;
  params?: QualityFlagParams;
}

/** What a check measured: counts and limits, the word or company it found missing or present, the similar article. */
export interface QualityFlagParams {
  chars?: number;
  min?: number;
  max?: number;
  headings?: number;
  company?: string;
  word?: string;
  articleId?: number;
}

/** What the gate measured of the saved draft. */
export interface QualityScores {
  chars: number;
  headings: number;
  /** The most similar earlier article of the account found within reach, its similarity (1 - distance/64) and distance. */
  nearestArticleId: number | null;
  similarity: number | null;
  distance: number | null;
  /** The attempt whose draft was saved. */
  attempt: number;
}
