/** What a task's workflow summary is made of (taskSummaryFacts). */
export interface TaskSummaryFacts {
  requestedCount: number;
  distillations: { id: number; keyword: string | null }[];
}

/** The server refuses a summary payload over 400 bytes; ours is encrypted (about 100 bytes more), so the text stays well under. */
const SUMMARY_MAX_BYTES = 200;
const KEYWORD_MAX_CHARS = 24;
const DETAILS_MAX_ITEMS = 20;

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

/**
 * A keyword as one line of inert Markdown: the UI renders summaries and details as Markdown, and a keyword
 * is tenant text, so `[x](javascript:...)` or a heading must show as typed, not act.
 */
function inert(keyword: string, maxChars: number) {
  const line = keyword.replace(/[\s\p{Cc}]+/gu, ' ').trim();
  const short = [...line].length > maxChars ? `${[...line].slice(0, maxChars - 1).join('')}…` : line;
  return short.replace(/[\\`*_{}[\]()<>#+\-.!|~]/g, '\\$&');
}

const keywordOf = (d: { id: number; keyword: string | null }, maxChars = KEYWORD_MAX_CHARS) => (d.keyword === null ? `#${d.id}` : inert(d.keyword, maxChars));

/**
 * The Temporal UI's one-line summary and its details for a task's workflow, so an operator scanning the
 * workflow list sees what each run is: "Task 7: 5 articles for 内容营销, SEO and 3 more; account 3". The
 * keywords are tenant content: these are payloads like any other (encrypted by the codec, readable in the
 * UI through the codec endpoint), and the UI is for operators. Never a secret, never a prompt.
 *
 * @example taskWorkflowMetadata({ id: 7, accountId: 3 }, { requestedCount: 1, distillations: [{ id: 1, keyword: '内容营销' }] })
 * // { staticSummary: 'Task 7: 1 article for 内容营销; account 3', staticDetails: '...' }
 */
export function taskWorkflowMetadata(task: { id: number; accountId: number }, facts: TaskSummaryFacts) {
  const n = facts.requestedCount;
  const articles = `${n} article${n === 1 ? '' : 's'}`;
  const compose = (shown: number, maxChars?: number) => {
    const names = facts.distillations.slice(0, shown).map((d) => keywordOf(d, maxChars));
    const more = facts.distillations.length - names.length;
    const list = names.length === 0 ? '' : ` for ${names.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
    return `Task ${task.id}: ${articles}${list}; account ${task.accountId}`;
  };
  const staticSummary = [compose(2), compose(1), compose(1, 8), compose(0)].find((s) => bytes(s) <= SUMMARY_MAX_BYTES)!;
  const listed = facts.distillations.slice(0, DETAILS_MAX_ITEMS).map((d, i) => `${i + 1}. ${keywordOf(d, 80)} (distillation ${d.id})`);
  const rest = facts.distillations.length - listed.length;
  const staticDetails = [
    `Task ${task.id} of account ${task.accountId}: ${articles}, one per distillation, in this order:`,
    '',
    ...listed,
    ...(rest > 0 ? [`… and ${rest} more`] : []),
  ].join('\n');
  return { staticSummary, staticDetails };
}
