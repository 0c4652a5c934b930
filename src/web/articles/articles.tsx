/** @jsxImportSource hono/jsx */
import { REVIEW_STATUSES, type ReviewStatus } from '../../db/schema.js';
import type { listArticles } from '../../domain/articles/index.js';
import type { QualityFlag } from '../../shared/quality.js';
import { canWrite, type WebContext } from '../context.js';
import type { Translate } from '../i18n/index.js';
import { CsrfField, Layout } from '../layout.js';
import { filterQuery, type FilterInput } from './article-filter-form.js';
import { Pager } from '../pager.js';
import { TableScroll } from '../table-scroll.js';
import { qualityCheckLabel } from '../finding-words.js';
import { Time } from '../time.js';

type ArticleList = Awaited<ReturnType<typeof listArticles>>;

export interface ArticlesView {
  queue: boolean;
  input: FilterInput;
  /** null when the filter could not be applied (see filterError). */
  list: ArticleList | null;
  filterError?: string;
  /** Where a bulk review comes back to: this page with its filter and page. */
  back: string;
  notice?: string;
  error?: string;
}

const STATUS_KEYS = { pending_review: 'reviewPending', approved: 'reviewApproved', rejected: 'reviewRejected' } as const;
export const reviewLabel = (t: Translate, status: ReviewStatus) => t(STATUS_KEYS[status]);

/** A row's mark for an article saved with failed quality checks; the checks' names in its title. */
export function FlagTag({ c, flags }: { c: WebContext; flags: QualityFlag[] }) {
  if (flags.length === 0) return null;
  const checks = flags.map((f) => qualityCheckLabel(c.get('t'), f.check)).join(c.get('t')('listSeparator'));
  return <span class="tag" data-flagged title={c.get('t')('articleFlaggedTitle', { checks })}>{`${c.get('t')('articleFlagged')}${c.get('t')('colon')}${checks}`}</span>;
}

function Filters({ c, v }: { c: WebContext; v: ArticlesView }) {
  const t = c.get('t');
  const field = (name: keyof FilterInput, label: string, type = 'text') => (
    <span>
      <label for={`f-${name}`}>{label}</label>
      <input id={`f-${name}`} name={name} type={type} value={v.input[name]} />
    </span>
  );
  const action = v.queue ? '/articles/queue' : '/articles';
  return (
    <form method="get" action={action} role="search" class="filters" aria-describedby="dates-utc">
      {field('q', t('articleSearch'), 'search')}
      {!v.queue && (
        <span>
          <label for="f-reviewStatus">{t('reviewStatus')}</label>
          <select id="f-reviewStatus" name="reviewStatus">
            <option value="">{t('allStatuses')}</option>
            {REVIEW_STATUSES.map((s) => <option value={s} selected={s === v.input.reviewStatus}>{reviewLabel(t, s)}</option>)}
          </select>
        </span>
      )}
      {field('taskId', t('articleTaskFilter'))}
      {field('keyword', t('articleKeywordFilter'))}
      {field('createdFrom', t('articleCreatedFrom'), 'date')}
      {field('createdTo', t('articleCreatedTo'), 'date')}
      <span class="filter-buttons">
        <button type="submit">{t('filter')}</button>
        <a href={action}>{t('articleClearFilters')}</a>
      </span>
      <p id="dates-utc" class="help">{t('articleDatesUtc')}</p>
    </form>
  );
}

function ExportLinks({ c, v }: { c: WebContext; v: ArticlesView }) {
  return (
    <p class="exports" id="export-links">
      {c.get('t')('articleExportAll')}{' '}
      {(['md', 'html', 'json', 'zip'] as const).map((format) => (
        <a href={`/articles/export?${filterQuery(v.input, { format })}`} download data-format={format}>{format}</a>
      ))}
    </p>
  );
}

function Rows({ c, list, pick }: { c: WebContext; list: ArticleList; pick: boolean }) {
  const t = c.get('t');
  return (
    <TableScroll label={t('articlesNav')}>
      <table id="articles">
        <thead>
          <tr>
            {pick && (
              <th scope="col">
                <label class="check" hidden data-pick-all-label>
                  <input type="checkbox" data-pick-all />
                  <span class="visually-hidden">{t('reviewSelectAll')}</span>
                </label>
              </th>
            )}
            <th scope="col">ID</th><th scope="col">{t('title')}</th><th scope="col">{t('keyword')}</th>
            <th scope="col">{t('reviewStatus')}</th><th scope="col">{t('tasks')}</th><th scope="col">{t('created')}</th>
          </tr>
        </thead>
        <tbody>
          {list.articles.length === 0 && (
            <tr><td colspan={pick ? 7 : 6}><p class="empty" id="articles-empty">{t('articlesEmpty')} {canWrite(c) && <a href="/tasks/new">{t('newTask')}</a>}</p></td></tr>
          )}
          {list.articles.map((a) => (
            <tr data-article-row={a.id} data-review-status={a.reviewStatus} data-flagged={a.qualityFlags.length > 0 ? 'true' : undefined}>
              {pick && <td><input type="checkbox" name="ids[]" value={a.id} aria-label={t('reviewSelect', { id: a.id })} /></td>}
              <td><a href={`/articles/${a.id}`}>{a.id}</a></td>
              <td><a href={`/articles/${a.id}`}>{a.title}</a> <FlagTag c={c} flags={a.qualityFlags} /></td>
              <td>{a.keyword}</td>
              <td class="review-status">{reviewLabel(t, a.reviewStatus)}</td>
              <td>{a.taskId !== null ? <a href={`/tasks/${a.taskId}`}>{a.taskId}</a> : ''}</td>
              <td><Time c={c} at={a.createdAt} /></td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}

/** Bulk reject or approve of the checked rows; a reason is needed only to reject. */
function BulkControls({ c, v }: { c: WebContext; v: ArticlesView }) {
  const t = c.get('t');
  return (
    <fieldset class="bulk">
      <legend>{t('reviewChecked')}</legend>
      <CsrfField token={c.get('session').csrfToken} />
      <input type="hidden" name="back" value={v.back} />
      <span>
        <label for="bulk-reason">{t('reviewReason')}</label>
        <input id="bulk-reason" name="reason" maxlength={2000} />
      </span>
      {/* Reject comes first: Enter in the reason field submits with the form's first button. */}
      <button type="submit" name="action" value="reject" class="danger">{t('reviewRejectChecked')}</button>
      <button type="submit" name="action" value="approve">{t('reviewApproveChecked')}</button>
    </fieldset>
  );
}

export function ArticlesPage({ c, v }: { c: WebContext; v: ArticlesView }) {
  const t = c.get('t');
  const pick = canWrite(c) && v.list !== null && v.list.articles.length > 0;
  return (
    <Layout c={c} title={v.queue ? t('reviewQueue') : t('articlesNav')}>
      {v.queue && <p class="help">{t('reviewQueueHelp')}</p>}
      {v.notice && <p class="notice" role="status">{v.notice}</p>}
      {v.error && <p class="error" role="alert">{v.error}</p>}
      <Filters c={c} v={v} />
      {v.filterError && <p class="error" role="alert" id="filter-error">{t('articleBadFilter', { problem: v.filterError })}</p>}
      {v.list && (
        <>
          <ExportLinks c={c} v={v} />
          {pick ? (
            <form method="post" action="/articles/review" id="bulk-review">
              <BulkControls c={c} v={v} />
              <Rows c={c} list={v.list} pick />
            </form>
          ) : (
            <Rows c={c} list={v.list} pick={false} />
          )}
          <Pager c={c} page={v.list.page} pageSize={v.list.pageSize} total={v.list.total} href={(p) => `${v.queue ? '/articles/queue' : '/articles'}?${filterQuery(v.input, { page: String(p) })}`} />
        </>
      )}
    </Layout>
  );
}
