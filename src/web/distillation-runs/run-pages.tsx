/** @jsxImportSource hono/jsx */
import type { getRunDetail, listRuns } from '../../domain/distillations/runs/run-queries.js';
import { DISTILLATION_RUN_LIMITS as L, TERMINAL_RUN_STATUSES, type DistillationRunStatus } from '../../shared/distillation-runs.js';
import { canWrite, type WebContext } from '../context.js';
import type { MessageKey } from '../i18n/index.js';
import { CsrfField, Layout } from '../layout.js';
import { Pager } from '../pager.js';
import { TableScroll } from '../table-scroll.js';
import { Time } from '../time.js';

type RunDetail = Awaited<ReturnType<typeof getRunDetail>>;
type RunList = Awaited<ReturnType<typeof listRuns>>;

const statusKey = (s: DistillationRunStatus) => `status${s.charAt(0).toUpperCase()}${s.slice(1)}` as MessageKey;

export interface RunFormInput {
  keywords: string;
  questions: string;
  language: string;
  review: boolean;
}

function RunForm({ c, input, error }: { c: WebContext; input?: RunFormInput; error?: string }) {
  const t = c.get('t');
  return (
    <form method="post" action="/distillations/runs" enctype="multipart/form-data" class="card" aria-labelledby="run-new-title">
      <h2 id="run-new-title">{t('runNew')}</h2>
      <CsrfField token={c.get('session').csrfToken} />
      <label for="run-keywords">{t('runKeywords')}</label>
      {/* The HTML parser drops one newline right after <textarea>: this one. */}
      <textarea id="run-keywords" name="keywords" rows={6}>{input?.keywords ? `\n${input.keywords}` : ''}</textarea>
      <label for="run-file">{t('runKeywordsFile')}</label>
      <input id="run-file" name="file" type="file" accept=".txt,.csv,.json,text/plain" />
      <label for="run-questions">{t('runQuestions')}</label>
      <input id="run-questions" name="questions" type="number" min={1} max={L.maxQuestionsPerKeyword} required value={input?.questions ?? '8'} />
      <label for="run-language">{t('runLanguage')}</label>
      <input id="run-language" name="language" maxlength={35} value={input?.language ?? ''} />
      <p class="check">
        <input id="run-review" name="review" type="checkbox" value="1" checked={input?.review ?? false} />
        <label for="run-review">{t('runReview')}</label>
      </p>
      {error && <p class="error" role="alert">{error}</p>}
      <button type="submit">{t('runStart')}</button>
    </form>
  );
}

export function RunsPage({ c, list, input, error }: { c: WebContext; list: RunList; input?: RunFormInput; error?: string }) {
  const t = c.get('t');
  return (
    <Layout c={c} title={t('runs')}>
      <p>{t('runsIntro')}</p>
      {canWrite(c) && <RunForm c={c} input={input} error={error} />}
      <h2 id="runs-title">{t('runList')}</h2>
      <TableScroll label={t('runList')}>
        <table id="runs" aria-labelledby="runs-title">
          <thead>
            <tr>
              <th scope="col">ID</th><th scope="col">{t('runStatus')}</th><th scope="col">{t('runKeywordCount')}</th>
              <th scope="col">{t('runDoneCount')}</th><th scope="col">{t('runFailedCount')}</th><th scope="col">{t('created')}</th>
            </tr>
          </thead>
          <tbody>
            {list.runs.length === 0 && <tr><td colspan={6}>{t('noRows')}</td></tr>}
            {list.runs.map((r) => (
              <tr data-run-id={r.id}>
                <td><a href={`/distillations/runs/${r.id}`}>{r.id}</a></td><td>{t(statusKey(r.status))}</td><td>{r.keywordCount}</td>
                <td>{r.doneCount}</td><td>{r.failedCount}</td><td><Time c={c} at={r.createdAt} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      <Pager c={c} page={list.page} pageSize={list.pageSize} total={list.total} href={(p) => `/distillations/runs?page=${p}`} />
    </Layout>
  );
}

export function RunPage({ c, run, notice }: { c: WebContext; run: RunDetail; notice?: string }) {
  const t = c.get('t');
  const live = !TERMINAL_RUN_STATUSES.includes(run.status);
  const reviewing = canWrite(c) && run.pendingReviewCount > 0;
  const rows = run.keywords.map((k) => (
    <tr data-keyword-position={k.position} data-state={k.state}>
      <td>{k.keyword}</td>
      <td>{t(`runState_${k.state}` as MessageKey)}</td>
      <td>
        <ul class="questions">
          {k.questions.map((q) => (
            <li data-question-id={q.id} data-state={q.state}>
              {q.state === 'pending_review' && reviewing ? (
                <>
                  <input type="checkbox" name="questionIds" value={String(q.id)} id={`q-${q.id}`} checked />
                  <label for={`q-${q.id}`}>{q.question}</label>
                </>
              ) : (
                <span>{q.question} <small>({t(`runQuestion_${q.state}` as MessageKey)})</small></span>
              )}
            </li>
          ))}
        </ul>
      </td>
      <td>{k.error ?? ''}</td>
    </tr>
  ));
  const table = (
    <TableScroll label={t('runKeywordCount')}>
      <table id="run-keywords-table">
        <thead>
          <tr><th scope="col">{t('keyword')}</th><th scope="col">{t('runKeywordState')}</th><th scope="col">{t('runKeywordQuestions')}</th><th scope="col">{t('runKeywordError')}</th></tr>
        </thead>
        <tbody>{rows}</tbody>
      </table>
    </TableScroll>
  );
  return (
    <Layout c={c} title={t('runId', { id: run.id })} live={live ? { 'live-run': String(run.id) } : undefined}>
      {notice && <p class="notice" role="status">{notice}</p>}
      <section class="card" aria-label={t('runStatus')}>
        <p>
          {t('runStatus')}{t('colon')}<strong id="run-status" data-status={run.status}>{t(statusKey(run.status))}</strong>
          {run.errorMessage ? <span class="error"> — {run.errorMessage}</span> : null}
        </p>
        <p id="run-counts">
          {t('runKeywordCount')} {run.keywordCount} · {t('runDoneCount')} {run.doneCount} · {t('runFailedCount')} {run.failedCount} · {t('runCanceledCount')} {run.canceledCount} · {t('runTokens')} {run.promptTokens + run.completionTokens}
        </p>
        {live && <p class="help">{t('runLive')}</p>}
        {run.pendingReviewCount > 0 && <p id="run-pending">{t('runPendingReview', { n: run.pendingReviewCount })}</p>}
        {live && canWrite(c) && (
          <form method="post" action={`/distillations/runs/${run.id}/cancel`} class="inline">
            <CsrfField token={c.get('session').csrfToken} />
            <button type="submit">{t('runCancel')}</button>
          </form>
        )}
      </section>
      {reviewing ? (
        <form method="post" action={`/distillations/runs/${run.id}/accept`} id="run-review-form">
          <CsrfField token={c.get('session').csrfToken} />
          {table}
          <button type="submit">{t('runAccept')}</button>
        </form>
      ) : (
        table
      )}
    </Layout>
  );
}
