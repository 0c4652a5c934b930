import { z } from 'zod';
import { DISTILLATION_RUN_LIMITS as L } from '../../../shared/distillation-runs.js';

/** What a client sends to start a distillation run (API, console, CLI read the same rules). */
export const distillationRunInput = z.object({
  keywords: z
    .array(z.string().trim().min(1, 'a keyword must not be empty').max(L.maxKeywordChars, `a keyword must be at most ${L.maxKeywordChars} characters`))
    .min(1, 'send at least one keyword')
    .max(L.maxKeywords, `at most ${L.maxKeywords} keywords per run`)
    .describe('Keywords to turn into questions; repeats (ignoring case) are asked once'),
  questionsPerKeyword: z.number().int().min(1).max(L.maxQuestionsPerKeyword).describe('Questions asked of the model per keyword'),
  language: z
    .string()
    .trim()
    .min(2)
    .max(35)
    .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'language must be a language tag such as zh, en or zh-CN')
    .optional()
    .describe('The language of the questions (a tag such as zh or en); default: each keyword\'s own'),
  review: z.boolean().default(false).describe('Questions wait for a person (accept) instead of joining the pool as each keyword finishes'),
});
export type DistillationRunInput = z.infer<typeof distillationRunInput>;

export const acceptInput = z.object({
  questionIds: z.array(z.number().int().positive()).max(L.maxKeywords * L.maxQuestionsPerKeyword).describe('Questions pending review to keep; every other question of the run pending review is dropped'),
});

/** Keywords in order, each once (the first spelling of a repeat ignoring case and outer spaces). */
export function uniqueKeywords(keywords: string[]): string[] {
  const seen = new Set<string>();
  return keywords.filter((k) => {
    const key = k.trim().toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
