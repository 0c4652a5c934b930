/** @jsxImportSource hono/jsx */
import { TASK_STATUSES } from '../../db/schema.js';
import type { AccountStats, Durations, StatsWindow } from '../../domain/tasks/task-stats.js';
import type { WebContext } from '../context.js';
import { Layout } from '../layout.js';
import { TableScroll } from '../table-scroll.js';
import { formatDuration, taskStatusLabel } from '../tasks/task-status.js';

/** What GET /api/stats answers, as one table: a row per measure, a column per window. */
export function StatsPage({ c, stats }: { c: WebContext; stats: AccountStats }) {
  const t = c.get('t');
  const none = t('statsNothing');
  const durations = (d: Durations) => (d.mean === null ? none : `${formatDuration(d.mean)} / ${formatDuration(d.p95 ?? d.mean)}`);
  const rows: [string, string, (w: StatsWindow) => string][] = [
    ['tasks', t('statsTasksTotal'), (w) => String(w.tasks.total)],
    ...TASK_STATUSES.map((s): [string, string, (w: StatsWindow) => string] => [`tasks-${s}`, t('statsTasksByStatus', { status: taskStatusLabel(t, s) }), (w) => String(w.tasks.byStatus[s])]),
    ['articles', t('statsArticlesTotal'), (w) => String(w.articles.total)],
    ['approved', t('statsApproved'), (w) => String(w.articles.approved)],
    ['pending-review', t('statsPendingReview'), (w) => String(w.articles.pendingReview)],
    ['failure-rate', t('statsFailureRate'), (w) => (w.failureRate === null ? none : `${(w.failureRate * 100).toFixed(1)} %`)],
    ['tokens-prompt', t('statsTokensPrompt'), (w) => w.tokens.prompt.toLocaleString('en-US')],
    ['tokens-completion', t('statsTokensCompletion'), (w) => w.tokens.completion.toLocaleString('en-US')],
    ['tokens', t('statsTokensTotal'), (w) => w.tokens.total.toLocaleString('en-US')],
    ['article-duration', t('statsArticleDuration'), (w) => durations(w.articleDurationMs)],
    ['task-duration', t('statsTaskDuration'), (w) => durations(w.taskDurationMs)],
  ];
  return (
    <Layout c={c} title={t('statsTitle')}>
      <p class="help">{t('statsHelp')}</p>
      <p class="stat" id="stats-awaiting"><a href="/articles/queue">{t('statsAwaitingReview', { n: stats.awaitingReview })}</a></p>
      <TableScroll label={t('statsTitle')}>
        <table id="stats">
          <thead>
            <tr><th scope="col">{t('statsMeasure')}</th><th scope="col">{t('statsWindow24h')}</th><th scope="col">{t('statsWindowAll')}</th></tr>
          </thead>
          <tbody>
            {rows.map(([id, name, value]) => (
              <tr data-stat={id}><th scope="row">{name}</th><td>{value(stats.last24h)}</td><td>{value(stats.allTime)}</td></tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
    </Layout>
  );
}
