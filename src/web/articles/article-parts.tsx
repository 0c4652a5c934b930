/** @jsxImportSource hono/jsx */
import { reviewOutcome, type Article, type listRevisions } from '../../domain/articles/index.js';
import { canWrite, type WebContext } from '../context.js';
import { CsrfField } from '../layout.js';
import { FlagTag } from './articles.js';
import { qualityCheckLabel, qualityReason } from '../finding-words.js';
import { pageTime } from '../time.js';

type Revisions = Awaited<ReturnType<typeof listRevisions>>;

/**
 * Approve, reject (with a reason) and reopen where the review state machine lets the action move the
 * article (reviewOutcome says 'changed'), then edit and delete; nothing for a read key.
 */
export function ReviewActions({ c, a, rejectError }: { c: WebContext; a: Article; rejectError?: string }) {
  if (!canWrite(c)) return null;
  const t = c.get('t');
  const token = c.get('session').csrfToken;
  const allowed = (action: 'approve' | 'reject' | 'reopen') => reviewOutcome(action, a.reviewStatus) === 'changed';
  const simple = (action: 'approve' | 'reopen', label: string) => (
    <form method="post" action={`/articles/${a.id}/${action}`} class="inline">
      <CsrfField token={token} />
      <button type="submit">{label}</button>
    </form>
  );
  return (
    <section class="card actions-card" aria-label={t('reviewStatus')}>
      {allowed('approve') && simple('approve', t('reviewApprove'))}
      {allowed('reject') && (
        <form method="post" action={`/articles/${a.id}/reject`} class="inline" id="reject-form">
          <CsrfField token={token} />
          <span>
            <label for="reject-reason">{t('reviewReason')}</label>
            <input id="reject-reason" name="reason" required maxlength={2000} aria-invalid={rejectError ? 'true' : undefined} aria-describedby={rejectError ? 'reject-error' : undefined} />
          </span>
          <button type="submit" class="danger">{t('reviewReject')}</button>
          {rejectError && <p class="error" role="alert" id="reject-error">{rejectError}</p>}
        </form>
      )}
      {allowed('reopen') && simple('reopen', t('reviewReopen'))}
      <p class="links">
        <a href={`/articles/${a.id}/edit`} id="edit-link">{t('articleEdit')}</a>
        <a href={`/articles/${a.id}/delete`} id="delete-link" class="danger-link">{t('articleDelete')}</a>
      </p>
    </section>
  );
}

/** The quality gate's verdict: flags with their reasons, the scores, and the nearest (near-duplicate) article. */
export function QualitySection({ c, a }: { c: WebContext; a: Article }) {
  const t = c.get('t');
  const s = a.qualityScores;
  return (
    <section aria-labelledby="quality-title" id="quality">
      <h2 id="quality-title">{t('articleQuality')}</h2>
      {a.qualityFlags.length > 0 ? (
        <>
          <FlagTag c={c} flags={a.qualityFlags} />
          <ul id="quality-flags">
            {a.qualityFlags.map((f) => <li data-check={f.check}><strong>{qualityCheckLabel(t, f.check)}</strong>{t('colon')}{qualityReason(t, f)}</li>)}
          </ul>
        </>
      ) : (
        s && <p>{t('articleQualityPassed')}</p>
      )}
      {s ? (
        <dl class="facts">
          <dt>{t('articleChars')}</dt><dd>{s.chars}</dd>
          <dt>{t('articleHeadings')}</dt><dd>{s.headings}</dd>
          <dt>{t('articleAttempt')}</dt><dd>{s.attempt}</dd>
          <dt>{t('articleNearest')}</dt>
          <dd id="nearest">
            {s.nearestArticleId !== null ? (
              <>
                <a href={`/articles/${s.nearestArticleId}`}>#{s.nearestArticleId}</a>{' '}
                {t('articleSimilarity', { value: s.similarity ?? '', distance: s.distance ?? '' })}
              </>
            ) : (
              t('articleNearestNone')
            )}
          </dd>
        </dl>
      ) : (
        <p class="help">{t('articleQualityUnknown')}</p>
      )}
    </section>
  );
}

/** The texts edits replaced, newest first: who (the key's prefix), when, and the title and text before. */
export function RevisionList({ c, revisions }: { c: WebContext; revisions: Revisions }) {
  const t = c.get('t');
  return (
    <section aria-labelledby="revisions-title">
      <h2 id="revisions-title">{t('articleRevisions')}</h2>
      {revisions.revisions.length === 0 && <p class="help">{t('articleNoRevisions')}</p>}
      <ol id="revisions" reversed>
        {revisions.revisions.map((r) => (
          <li data-revision={r.id}>
            <p>{t('articleRevisionBy', { when: pageTime(c, r.createdAt), prefix: r.keyPrefix ?? '?' })}</p>
            <p>{t('articlePreviousTitle')}{t('colon')}<span class="previous-title">{r.previousTitle}</span></p>
            <details>
              <summary>{t('articlePreviousContent')}</summary>
              <pre class="source">{r.previousContent}</pre>
            </details>
          </li>
        ))}
      </ol>
      {revisions.total > revisions.revisions.length && <p class="help">{t('total', { n: revisions.total })}</p>}
    </section>
  );
}
