/** @jsxImportSource hono/jsx */
import { raw } from 'hono/html';
import { markdownToHtml, SINGLE_EXPORT_FORMATS, type Article, type listRevisions } from '../../domain/articles/index.js';
import type { WebContext } from '../context.js';
import { Layout } from '../layout.js';
import { formatDuration } from '../tasks/task-status.js';
import { QualitySection, ReviewActions, RevisionList } from './article-parts.js';
import { reviewLabel } from './articles.js';
import { Time } from '../time.js';

export interface ArticleView {
  article: Article;
  revisions: Awaited<ReturnType<typeof listRevisions>>;
  notice?: string;
  rejectError?: string;
}

function Details({ c, a }: { c: WebContext; a: Article }) {
  const t = c.get('t');
  return (
    <details class="card">
      <summary>{t('articleMeta')}</summary>
      <dl class="facts">
        <dt>{t('keyword')}</dt><dd>{a.keyword}</dd>
        <dt>{t('topics')}</dt><dd>{a.topics.join(' / ')}</dd>
        <dt>{t('tasks')}</dt><dd>{a.taskId !== null ? <a href={`/tasks/${a.taskId}`}>{t('task', { id: a.taskId })}</a> : '—'}</dd>
        <dt>{t('articleModel')}</dt><dd>{a.model ?? '—'}</dd>
        <dt>{t('tokens')}</dt><dd>{`${a.promptTokens} + ${a.completionTokens}`}</dd>
        <dt>{t('articleLastAttempt')}</dt><dd>{formatDuration(a.durationMs)}</dd>
        {a.attemptsDurationMs !== null && <><dt>{t('articleAttemptsTime')}</dt><dd data-ms={a.attemptsDurationMs}>{formatDuration(a.attemptsDurationMs)}</dd></>}
        {a.wallDurationMs !== null && <><dt>{t('articleWallTime')}</dt><dd data-ms={a.wallDurationMs}>{formatDuration(a.wallDurationMs)}</dd></>}
        <dt>{t('created')}</dt><dd><Time c={c} at={a.createdAt} /></dd>
        <dt>{t('articleReviewedAt')}</dt><dd>{a.reviewedAt ? <Time c={c} at={a.reviewedAt} /> : '—'}</dd>
      </dl>
    </details>
  );
}

/**
 * The reader: the article's Markdown rendered by the export's escape-first renderer (raw HTML in the
 * content comes out as text, links only for http(s)), its review state and actions, copy and export,
 * quality, revisions.
 */
export function ArticlePage({ c, v }: { c: WebContext; v: ArticleView }) {
  const t = c.get('t');
  const a = v.article;
  return (
    <Layout c={c} title={a.title}>
      {v.notice && <p class="notice" role="status">{v.notice}</p>}
      {a.taskId !== null && <p><a href={`/tasks/${a.taskId}`} id="article-task">{t('articleFromTask', { id: a.taskId })}</a></p>}
      <p>
        {t('reviewStatus')}{t('colon')}<strong id="review-status" data-review-status={a.reviewStatus}>{reviewLabel(t, a.reviewStatus)}</strong>
        {a.rejectReason !== null && <span id="reject-reason-shown"> — {t('reviewReasonShown', { reason: a.rejectReason })}</span>}
      </p>
      <ReviewActions c={c} a={a} rejectError={v.rejectError} />
      <p class="exports" id="article-exports">
        {t('articleExportOne')}{' '}
        {SINGLE_EXPORT_FORMATS.map((format) => (
          <a href={`/articles/${a.id}/export?format=${format}`} download data-format={format}>{format}</a>
        ))}
        <button type="button" class="copy" data-copy="article-source" data-copied={t('articleCopied')} data-copy-failed={t('articleCopyFailed')} hidden>
          {t('articleCopy')}
        </button>
        <span id="article-source-copied" role="status"></span>
      </p>
      <article class="article-body" id="article-body">{raw(markdownToHtml(a.content))}</article>
      <details>
        <summary>{t('articleSource')}</summary>
        <pre class="source" id="article-source">{a.content}</pre>
      </details>
      <Details c={c} a={a} />
      <QualitySection c={c} a={a} />
      <RevisionList c={c} revisions={v.revisions} />
    </Layout>
  );
}
