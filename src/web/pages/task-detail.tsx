/** @jsxImportSource hono/jsx */
import { isTerminal } from '../../domain/tasks/task-lifecycle.js';
import type { getTaskDetail } from '../../domain/tasks/task-queries.js';
import type { WebContext } from '../context.js';
import { Layout } from '../layout.js';
import { ProgressBar, TaskActions } from './tasks.js';

type TaskDetail = Awaited<ReturnType<typeof getTaskDetail>>;

export function TaskDetailPage({ c, task, notice }: { c: WebContext; task: TaskDetail; notice?: string }) {
  const t = c.get('t');
  const articles = new Map(task.generatedArticles.map((a) => [a.id, a]));
  const keywords = new Map(task.selectedDistillations.map((d) => [d.id, d]));
  return (
    <Layout c={c} title={t('task', { id: task.id })} live={isTerminal(task.status) ? undefined : { 'live-task': String(task.id) }}>
      {notice && <p class="notice" role="status">{notice}</p>}
      <section class="card" aria-label={t('progress')}>
        <p>
          {t('status')}: <strong id="task-status" data-status={task.status}>{task.status}</strong>
          {task.errorMessage ? <span class="error"> — {task.errorMessage}</span> : null}
        </p>
        <ProgressBar task={task} />
        <p class="help">{`${t('tokens')}: ${task.promptTokens} + ${task.completionTokens}`}{isTerminal(task.status) ? '' : ` · ${t('live')}`}</p>
        <TaskActions c={c} task={task} />
      </section>
      <h2>{t('selectedDistillations')}</h2>
      <ol id="selected-distillations">
        {task.selectedDistillations.map((d) => (
          <li>
            {d.keyword ?? `#${d.id}`} {d.deleted && <span class="tag">{t('deleted')}</span>}
          </li>
        ))}
      </ol>
      <h2>{t('items')}</h2>
      <div class="table-wrap">
        <table id="items">
          <thead>
            <tr>
              <th scope="col">{t('position')}</th><th scope="col">{t('keyword')}</th><th scope="col">{t('state')}</th>
              <th scope="col">{t('attempts')}</th><th scope="col">{t('title')}</th><th scope="col">{t('tokens')}</th><th scope="col">{t('duration')}</th>
            </tr>
          </thead>
          <tbody>
            {task.items.map((item) => {
              const article = item.articleId ? articles.get(item.articleId) : undefined;
              return (
                <tr data-item-state={item.state}>
                  <td>{item.position + 1}</td>
                  <td>{keywords.get(item.distillationId)?.keyword ?? `#${item.distillationId}`}</td>
                  <td>{item.state}{item.error ? <span class="error"> — {item.error}</span> : null}</td>
                  <td>{item.attempts}</td>
                  <td class="article-title">{article ? <a href={`/articles/${article.id}`}>{article.title}</a> : ''}</td>
                  <td>{article ? article.promptTokens + article.completionTokens : ''}</td>
                  <td>{article?.durationMs != null ? `${(article.durationMs / 1000).toFixed(1)} s` : ''}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </Layout>
  );
}
