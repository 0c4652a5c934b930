import { REVIEW_ACTIONS, type ReviewAction } from '../../domain/articles/index.js';
import type { WebContext } from '../context.js';

/**
 * What a redirect after a change tells the next page, as plain values in the query (an action name, counts,
 * an id): the page words them itself, so no text from a URL is ever shown.
 */
const RESULT_PARAMS = ['done', 'changed', 'unchanged', 'skipped', 'deleted'];
const count = (v: string | null) => (v !== null && /^\d{1,7}$/.test(v) ? Number(v) : null);
const isAction = (v: string | null | undefined): v is ReviewAction => REVIEW_ACTIONS.some((a) => a === v);
const LIST_PATHS = ['/articles', '/articles/queue'];

/** The list page a bulk review came from (path and filter), or the review queue when it is not one of ours. */
export function safeBack(back: string): string {
  // URL.canParse: `//` and other odd values the parser refuses go back to the queue, never to a 500.
  if (!URL.canParse(back || '/articles/queue', 'http://console.invalid')) return '/articles/queue';
  const url = new URL(back || '/articles/queue', 'http://console.invalid');
  if (url.origin !== 'http://console.invalid' || !LIST_PATHS.includes(url.pathname)) return '/articles/queue';
  for (const p of RESULT_PARAMS) url.searchParams.delete(p);
  return `${url.pathname}${url.search}`;
}

/** The list page again, with the bulk review's counts for its notice. */
export function withBulkResult(back: string, r: { action: ReviewAction; changed: number; unchanged: number; skipped: Record<string, number> }) {
  const url = new URL(back, 'http://console.invalid');
  const skipped = Object.values(r.skipped).reduce((a, b) => a + b, 0);
  for (const [k, v] of Object.entries({ done: r.action, changed: r.changed, unchanged: r.unchanged, skipped })) url.searchParams.set(k, String(v));
  return `${url.pathname}${url.search}`;
}

const ACTION_LABEL = { approve: 'reviewApprove', reject: 'reviewReject', reopen: 'reviewReopen' } as const;

/** The list's notice: a bulk review's counts, or a deletion. */
export function bulkNotice(c: WebContext, params: URLSearchParams): string | undefined {
  const t = c.get('t');
  const deleted = count(params.get('deleted'));
  if (deleted !== null) return t('articleDeleted', { id: deleted });
  const done = params.get('done');
  const changed = count(params.get('changed'));
  const unchanged = count(params.get('unchanged'));
  const skipped = count(params.get('skipped'));
  if (!isAction(done) || changed === null || unchanged === null || skipped === null) return undefined;
  return t('reviewBulkDone', { action: t(ACTION_LABEL[done]), changed, unchanged, skipped });
}

/** The reader's notice after a review action or an edit. */
export function readingNotice(c: WebContext, done: string | undefined): string | undefined {
  const t = c.get('t');
  if (isAction(done)) return t(`reviewDone_${done}`);
  if (done === 'edited') return t('articleEdited');
  if (done === 'unchanged') return t('articleUnchanged');
  return undefined;
}
