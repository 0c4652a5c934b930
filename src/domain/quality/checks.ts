import type { QualityFlag, QualitySettings } from '../../shared/quality.js';

export interface DraftText {
  title: string;
  content: string;
  /** The reply had a title line and a body after it (parseArticle found both). */
  hasTitle: boolean;
}

const HEADING = /^#{1,6}\s+\S/gm;
/** A word of Latin letters and digits only is matched as a whole word ("ass" not in "class"); others anywhere. */
const LATIN_WORD = /^[\p{Script=Latin}\p{N}' -]+$/u;

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function containsWord(text: string, word: string): boolean {
  const w = word.trim();
  if (!w) return false;
  if (!LATIN_WORD.test(w)) return text.toLocaleLowerCase().includes(w.toLocaleLowerCase());
  return new RegExp(`(?<![\\p{L}\\p{N}])${escape(w)}(?![\\p{L}\\p{N}])`, 'iu').test(text);
}

/**
 * The account's content checks over one draft (everything but near duplicates, which need the
 * database): the reasons it fails, each in words the LLM can act on, and what was measured.
 */
export function checkDraftText(draft: DraftText, settings: QualitySettings, companyName: string | null) {
  const flags: QualityFlag[] = [];
  const chars = Array.from(draft.content).length;
  const headings = draft.content.match(HEADING)?.length ?? 0;
  const whole = `${draft.title}\n${draft.content}`;
  if (chars < settings.minChars) {
    flags.push({ check: 'min_length', message: `the body has ${chars} characters; write at least ${settings.minChars}`, params: { chars, min: settings.minChars } });
  }
  if (settings.maxChars !== null && chars > settings.maxChars) {
    flags.push({ check: 'max_length', message: `the body has ${chars} characters; keep it to at most ${settings.maxChars}`, params: { chars, max: settings.maxChars } });
  }
  if (settings.requireTitle && !draft.hasTitle) {
    flags.push({ check: 'title', message: 'the article has no title: start with the title on its own first line as "# Title", then the body', params: {} });
  }
  if (headings < settings.minHeadings) {
    flags.push({ check: 'headings', message: `the body has ${headings} Markdown headings; use at least ${settings.minHeadings} ("## Section")`, params: { headings, min: settings.minHeadings } });
  }
  const company = companyName?.trim();
  if (settings.requireCompanyName && company && !whole.toLocaleLowerCase().includes(company.toLocaleLowerCase())) {
    flags.push({ check: 'company', message: `the article does not name the company "${company}"; mention it by that name`, params: { company } });
  }
  for (const word of settings.bannedWords) {
    if (containsWord(whole, word)) flags.push({ check: 'banned_word', message: `the article contains the banned word "${word}"; do not use it`, params: { word } });
  }
  return { flags, chars, headings };
}
