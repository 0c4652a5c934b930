/** @jsxImportSource hono/jsx */
import { Hono } from 'hono';
import { download } from '../../http/download.js';
import { bulkReviewBody, editBody, exportQuery, rejectBody, singleExportQuery } from '../../http/schemas/article-requests.js';
import type { RouteDeps } from '../../http/deps.js';
import { parseIdParam, parseQuery } from '../../http/validation.js';
import { deleteArticle, editArticle, exportArticle, exportArticles, getArticle, listArticles, listRevisions, REVIEW_ACTIONS, type ReviewAction } from '../../domain/articles/index.js';
import { AppError, badRequest } from '../../domain/errors.js';
import { articleReviewer } from '../../temporal/article-review.js';
import { canWrite, type WebContext, type WebEnv } from '../context.js';
import { consoleCsp } from '../csp.js';
import { page } from '../layout.js';
import { ArticlePage, type ArticleView } from './article.js';
import { ArticleDeletePage, ArticleEditPage, type EditView } from './article-edit.js';
import { ArticlesPage, type ArticlesView } from './articles.js';
import { readArticleFilter } from './article-filter-form.js';
import { bulkNotice, readingNotice, safeBack, withBulkResult } from './article-notices.js';
import { formTextAsTyped as text, formIssues as issues } from '../form-fields.js';
import { refusalText } from '../refusal-text.js';

const PAGE_SIZE = 20;
const pageNumber = (v: string | null) => Math.max(1, Math.min(1_000_000, Number.parseInt(v ?? '1', 10) || 1));

/** Pages only for changing things (edit, delete): a read key is refused, as its POSTs are. */
function requireWrite(c: WebContext) {
  if (!canWrite(c)) throw new AppError(403, 'FORBIDDEN_SCOPE', c.get('t')('forbiddenText', { scope: c.get('session').scope }));
}

/**
 * The article pages: the list with filters and paging, the review queue (pending_review, oldest first)
 * with bulk review, the reader with review, copy and export, edit with revisions, soft delete. Every
 * change calls the domain function the JSON API calls.
 */
export function articleRoutes(deps: RouteDeps) {
  const { db, log } = deps;
  const review = articleReviewer(deps);
  const editor = (c: WebContext) => ({ apiKeyId: c.get('session').keyId, keyPrefix: c.get('session').keyPrefix });

  async function renderList(c: WebContext, url: URL, extra: Pick<ArticlesView, 'notice' | 'error'> = {}) {
    const queue = url.pathname === '/articles/queue';
    const { input, filter, error } = readArticleFilter(url.searchParams, queue);
    let list: ArticlesView['list'] = null;
    let filterError = error;
    if (!filterError) {
      try {
        list = await listArticles(db, c.get('session').accountId, { ...filter, page: pageNumber(url.searchParams.get('page')), pageSize: PAGE_SIZE, oldestFirst: queue });
      } catch (err) {
        // A search text PostgreSQL cannot use (no letter or digit) is the filter's problem, shown beside it.
        if (!(err instanceof AppError && err.status === 400)) throw err;
        filterError = refusalText(c, err);
      }
    }
    const back = `${url.pathname}${url.search}`;
    const v: ArticlesView = { queue, input, list, filterError, back, ...extra };
    return page(c, <ArticlesPage c={c} v={v} />, filterError || extra.error ? 400 : 200);
  }

  async function renderReader(c: WebContext, id: number, extra: Omit<ArticleView, 'article' | 'revisions'> = {}, status: 200 | 400 = 200) {
    const accountId = c.get('session').accountId;
    const article = await getArticle(db, accountId, id);
    const revisions = await listRevisions(db, accountId, id, { page: 1, pageSize: 50 });
    c.header('Content-Security-Policy', consoleCsp({ remoteImages: true }));
    c.header('Referrer-Policy', 'no-referrer');
    return page(c, <ArticlePage c={c} v={{ article, revisions, ...extra }} />, status);
  }

  async function renderEdit(c: WebContext, id: number, extra: Omit<EditView, 'article'> = {}) {
    const article = await getArticle(db, c.get('session').accountId, id);
    return page(c, <ArticleEditPage c={c} v={{ article, ...extra }} />, extra.error ? 400 : 200);
  }

  const reviewOne = (action: Exclude<ReviewAction, 'reject'>) => async (c: WebContext) => {
    const id = parseIdParam(c);
    await review.one(c.get('session').accountId, id, action);
    return c.redirect(`/articles/${id}?done=${action}`, 303);
  };

  return new Hono<WebEnv>()
    .get('/', (c) => renderList(c, new URL(c.req.url), { notice: bulkNotice(c, new URL(c.req.url).searchParams) }))
    .get('/queue', (c) => renderList(c, new URL(c.req.url), { notice: bulkNotice(c, new URL(c.req.url).searchParams) }))
    .get('/export', async (c) => {
      const { filter, error } = readArticleFilter(new URL(c.req.url).searchParams, false);
      if (error) throw badRequest('VALIDATION_ERROR', c.get('t')('articleBadFilter', { problem: error }));
      const { format } = parseQuery(c, exportQuery.pick({ format: true }));
      return download(await exportArticles(db, c.get('session').accountId, filter, format), log);
    })
    .post('/review', async (c) => {
      const body = await c.req.parseBody();
      const back = safeBack(text(body.back));
      const ids = Array.isArray(body['ids[]']) ? body['ids[]'] : body['ids[]'] === undefined ? [] : [body['ids[]']];
      const action = REVIEW_ACTIONS.find((a) => a === body.action);
      const parsed = bulkReviewBody.safeParse({
        action,
        ids: ids.map((v) => Number(v)),
        reason: action === 'reject' ? text(body.reason).trim() || undefined : undefined,
      });
      if (!parsed.success) return renderList(c, new URL(back, c.req.url), { error: issues(c, parsed.error) });
      const result = await review.many(c.get('session').accountId, { ids: parsed.data.ids! }, parsed.data.action, parsed.data.reason);
      return c.redirect(withBulkResult(back, result), 303);
    })
    .get('/:id', (c) => renderReader(c, parseIdParam(c), { notice: readingNotice(c, c.req.query('done')) }))
    .get('/:id/export', async (c) => {
      const id = parseIdParam(c);
      return download(await exportArticle(db, c.get('session').accountId, id, parseQuery(c, singleExportQuery).format), log);
    })
    .post('/:id/approve', reviewOne('approve'))
    .post('/:id/reopen', reviewOne('reopen'))
    .post('/:id/reject', async (c) => {
      const id = parseIdParam(c);
      const parsed = rejectBody.safeParse({ reason: text((await c.req.parseBody()).reason) });
      if (!parsed.success) return renderReader(c, id, { rejectError: issues(c, parsed.error) }, 400);
      await review.one(c.get('session').accountId, id, 'reject', parsed.data.reason);
      return c.redirect(`/articles/${id}?done=reject`, 303);
    })
    .get('/:id/edit', (c) => {
      requireWrite(c);
      return renderEdit(c, parseIdParam(c));
    })
    .post('/:id/edit', async (c) => {
      const id = parseIdParam(c);
      const body = await c.req.parseBody();
      // Browsers send a textarea's line breaks as CRLF: saved as they were written, or every save would be an edit.
      const input = { title: text(body.title), content: text(body.content).replace(/\r\n?/g, '\n') };
      const parsed = editBody.safeParse(input);
      if (!parsed.success) return renderEdit(c, id, { input, error: issues(c, parsed.error) });
      const result = await editArticle(db, c.get('session').accountId, id, parsed.data, editor(c));
      return c.redirect(`/articles/${id}?done=${result.changed ? 'edited' : 'unchanged'}`, 303);
    })
    .get('/:id/delete', async (c) => {
      requireWrite(c);
      return page(c, <ArticleDeletePage c={c} article={await getArticle(db, c.get('session').accountId, parseIdParam(c))} />);
    })
    .post('/:id/delete', async (c) => {
      const id = parseIdParam(c);
      await deleteArticle(db, c.get('session').accountId, id);
      return c.redirect(`/articles?deleted=${id}`, 303);
    });
}
