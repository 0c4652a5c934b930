import { z } from 'zod';

/** The quality gate's settings as the API and the console's form take them: one set of rules and messages. */

const whole = (name: string, min: number, max: number) =>
  z
    .number({ message: `${name} must be a number` })
    .int(`${name} must be a whole number`)
    .min(min, `${name} must be at least ${min}`)
    .max(max, `${name} must be at most ${max}`);
const flag = (name: string) => z.boolean({ message: `${name} must be true or false` });

const bannedWord = z
  .string({ message: 'a banned word must be a string' })
  .trim()
  .min(1, 'a banned word must not be empty')
  .max(100, 'a banned word must be at most 100 characters')
  .refine((w) => !/[\r\n]/.test(w), 'a banned word must be on one line');

/** The fields an account sets; each one left out follows the config default. */
const settingsFields = {
  minChars: whole('minChars', 0, 1_000_000).describe('Fewest characters of the body'),
  maxChars: whole('maxChars', 1, 1_000_000).nullable().describe('Most characters of the body; null: no limit'),
  requireTitle: flag('requireTitle').describe('A title line before the body'),
  minHeadings: whole('minHeadings', 0, 100).describe('Fewest Markdown headings in the body'),
  requireCompanyName: flag('requireCompanyName').describe("The conversion target's company named, when the task has one"),
  bannedWords: z.array(bannedWord, { message: 'bannedWords must be a list of words' }).max(500, 'bannedWords takes at most 500 words').describe('Case-insensitive; Latin words match whole words, others (Chinese) anywhere'),
  nearDuplicateMaxDistance: whole('nearDuplicateMaxDistance', 0, 3)
    .nullable()
    .describe("SimHash bits (of 64) within which a draft is a near duplicate of one of the account's articles; null: no check"),
};

/** A PUT of the account's own settings: every field optional. */
export const qualitySettingsInput = z.object(Object.fromEntries(Object.entries(settingsFields).map(([k, v]) => [k, v.optional()])) as {
  [K in keyof typeof settingsFields]: z.ZodOptional<(typeof settingsFields)[K]>;
});

export const qualitySettingsShape = z.object(settingsFields);
