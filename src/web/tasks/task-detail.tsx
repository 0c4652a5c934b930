/** @jsxImportSource hono/jsx */
import { EXPORT_FORMATS } from '../../domain/articles/index.js';
import { isTerminal } from '../../domain/tasks/task-lifecycle.js';
import type { getTaskDetail } from '../../domain/tasks/task-queries.js';
import type { WebContext } from '../context.js';
import { Layout } from '../layout.js';
import { formatDuration, itemStateLabel, taskStatusLabel } from './task-status.js';
import { ProgressBar, TaskActions } from './tasks.js';
import { TableScroll } from '../table-scroll.js';

type TaskDetail = Awaited<ReturnType<typeof getTaskDetail>>;

/**
 * Tokens and times of the whole task: its stored token totals, the articles' time in all their attempts
 * and their wall times (each summed), start to end.
 */
function TaskTotals({ c, task }: { c: WebContext; task: TaskDetail }) {
  const t = c.get('t');
  const end = task.completedAt ?? (isTerminal(task.status) ? null : new Date());
  return (
    <ul class="totals" id="task-totals">
      <li data-total="tokens">{t('totalTokens', { prompt: task.promptTokens, completion: task.completionTokens, total: task.promptTokens + task.completionTokens })}</li>
      <li data-total="cost">{t('taskCostTotal', { cost: task.costByCurrency.length > 0 ? task.costByCurrency.map((m) => `${m.amount} ${m.currency}`).join(' + ') : '0' })}</li>
      {task.models && <li data-total="route">{t('taskRoute', { models: task.models.join(' → ') })}</li>}
      <li data-total="generation-ms" data-ms={task.attemptsDurationMs}>{t('generationTime', { time: formatDuration(task.attemptsDurationMs) })}</li>
      <li data-total="wall-ms" data-ms={task.wallDurationMs}>{t('wallTime', { time: formatDuration(task.wallDurationMs) })}</li>
      {task.startedAt && end && <li data-total="elapsed">{t('elapsed', { time: formatDuration(end.getTime() - task.startedAt.getTime()) })}</li>}
    </ul>
  );
}

export function TaskDetailPage({ c, task, notice, workflowUrl }: { c: WebContext; task: TaskDetail; notice?: string; workflowUrl?: string }) {
  const t = c.get('t');
  const articles = new Map(task.generatedArticles.map((a) => [a.id, a]));
  const keywords = new Map(task.selectedDistillations.map((d) => [d.id, d]));
  return (
    <Layout c={c} title={t('task', { id: task.id })} live={isTerminal(task.status) ? undefined : { 'live-task': String(task.id) }}>
      {notice && <p class="notice" role="status">{notice}</p>}
      <section class="card" aria-label={t('progress')}>
        <p>
          {t('status')}{t('colon')}<strong id="task-status" data-status={task.status} class={`status-badge s-${task.status}`}>{taskStatusLabel(t, task.status)}</strong>
          {task.errorMessage ? <span class="error"> — {task.errorMessage}</span> : null}
        </p>
        {task.status === 'paused' && task.pauseReason && <p class="error" id="pause-reason">{t('pausedBecause', { reason: task.pauseReason })}</p>}
        <ProgressBar task={task} />
        <TaskTotals c={c} task={task} />
        {!isTerminal(task.status) && <p class="help">{t('live')}</p>}
        {workflowUrl && <p><a id="temporal-ui-link" href={workflowUrl} rel="noopener noreferrer" target="_blank">{t('temporalUiLink', { workflowId: task.workflowId ?? '' })}</a></p>}
        <TaskActions c={c} task={task} />
      </section>
      {!isTerminal(task.status) && (
        // Filled by console.js from the task's article.delta events: each article's text as it is written.
        <section id="live-writing" class="card" aria-labelledby="live-writing-heading" data-writing={t('writingArticle')} data-writing-attempt={t('writingAttempt')} hidden>
          <h2 id="live-writing-heading">{t('liveWriting')}</h2>
        </section>
      )}
      <h2>{t('selectedDistillations')}</h2>
      <ol id="selected-distillations">
        {task.selectedDistillations.map((d) => (
          <li>
            {d.keyword ?? `#${d.id}`} {d.deleted && <span class="tag">{t('deleted')}</span>}
          </li>
        ))}
      </ol>
      <h2>{t('items')}</h2>
      <TableScroll label={t('items')}>
        <table id="items">
          <thead>
            <tr>
              <th scope="col">{t('position')}</th><th scope="col">{t('keyword')}</th><th scope="col">{t('state')}</th>
              <th scope="col">{t('attempts')}</th><th scope="col">{t('title')}</th><th scope="col">{t('itemModel')}</th><th scope="col">{t('tokens')}</th><th scope="col">{t('duration')}</th><th scope="col">{t('wallDuration')}</th>
            </tr>
          </thead>
          <tbody>
            {task.items.map((item) => {
              const article = item.articleId ? articles.get(item.articleId) : undefined;
              return (
                <tr data-item-state={item.state}>
                  <td>{item.position + 1}</td>
                  <td>{keywords.get(item.distillationId)?.keyword ?? `#${item.distillationId}`}</td>
                  <td>{itemStateLabel(t, item.state)}{item.error ? <span class="error"> — {item.error}</span> : null}</td>
                  <td>{item.attempts}</td>
                  <td class="article-title">{article ? <a href={`/articles/${article.id}`}>{article.title}</a> : ''}</td>
                  <td data-model={article?.model ?? ''}>{article?.model ?? ''}</td>
                  <td>{article ? article.promptTokens + article.completionTokens : ''}</td>
                  <td>{article ? formatDuration(article.attemptsDurationMs ?? article.durationMs) : ''}</td>
                  <td>{article?.wallDurationMs != null ? formatDuration(article.wallDurationMs) : ''}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </TableScroll>
      {task.generatedCount > 0 && (
        <p class="exports" id="task-articles">
          <a href={`/articles?taskId=${task.id}`} id="task-articles-link">{t('taskArticles')}</a>
          <span>{t('taskExport')}</span>
          {EXPORT_FORMATS.map((format) => (
            <a href={`/articles/export?taskId=${task.id}&format=${format}`} download data-format={format}>{format}</a>
          ))}
        </p>
      )}
    </Layout>
  );
}
