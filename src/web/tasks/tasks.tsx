/** @jsxImportSource hono/jsx */
import { TASK_STATUSES, type TaskStatus } from '../../db/schema.js';
import { canCancelTask, canRetryTask } from '../../domain/tasks/task-actions.js';
import { isTerminal } from '../../domain/tasks/task-lifecycle.js';
import type { listTasks } from '../../domain/tasks/task-queries.js';
import { canWrite, type WebContext } from '../context.js';
import type { Translate } from '../i18n/index.js';
import { CsrfField, Layout } from '../layout.js';
import { taskStatusLabel } from './task-status.js';
import { StatusBadge } from './status-badge.js';
import { RelativeTime } from '../relative-time.js';
import { Pager } from '../pager.js';
import { TableScroll } from '../table-scroll.js';
import { ZoneNote } from '../time.js';

type TaskRow = Awaited<ReturnType<typeof listTasks>>['tasks'][number];
type TaskLike = Pick<TaskRow, 'id' | 'status' | 'progress' | 'generatedCount' | 'requestedCount' | 'retryCount' | 'maxRetries'>;
type TaskList = Awaited<ReturnType<typeof listTasks>>;

/** A progress bar with its numbers as text, so screen readers and narrow screens get both. */
export function ProgressBar({ task }: { task: TaskLike }) {
  return (
    <span class="bar">
      <progress max={100} value={task.progress} aria-label={`${task.progress} %`} data-progress={task.progress}></progress>
      <span>{`${task.progress} % (${task.generatedCount}/${task.requestedCount})`}</span>
    </span>
  );
}

/** Cancel and retry where the domain allows them (the API's rules), and only for a key that may change things. */
export function TaskActions({ c, task }: { c: WebContext; task: TaskLike }) {
  if (!canWrite(c)) return null;
  const t = c.get('t');
  const form = (action: 'cancel' | 'retry', label: string) => (
    <form method="post" action={`/tasks/${task.id}/${action}`} class="inline">
      <CsrfField token={c.get('session').csrfToken} />
      <button type="submit" class={action === 'cancel' ? 'danger' : ''} aria-label={`${label} ${task.id}`}>{label}</button>
    </form>
  );
  return (
    <span class="actions">
      {canCancelTask(task) && form('cancel', t('cancel'))}
      {canRetryTask(task) && form('retry', t('retry'))}
    </span>
  );
}

/** Articles waiting for review (a link to them) and flagged by the quality gate; empty cells for none. */
function ReviewCells({ id, counts }: { id: number; counts?: { pendingReview: number; flagged: number } }) {
  const pending = counts?.pendingReview ?? 0;
  const flagged = counts?.flagged ?? 0;
  return (
    <>
      <td class="review">{pending > 0 ? <a href={`/articles?taskId=${id}&reviewStatus=pending_review`}>{pending}</a> : ''}</td>
      <td class="flagged">{flagged > 0 ? String(flagged) : ''}</td>
    </>
  );
}

/** The seed's list column in the page's language (the API's `distillationResult` carries both languages at once). */
function distillationsUsed(t: Translate, task: Pick<TaskRow, 'keyword' | 'distillationCount'>) {
  if (task.distillationCount <= 1) return task.keyword ?? '';
  return t('distillationsUsed', { keyword: task.keyword ?? '', n: task.distillationCount, more: task.distillationCount - 1 });
}

/** An empty task list says what to do next: make a task, or clear the filter. */
function TasksEmpty({ c, filtered }: { c: WebContext; filtered: boolean }) {
  const t = c.get('t');
  if (filtered) return <p class="empty">{t('tasksEmptyFiltered')} <a href="/tasks">{t('allStatuses')}</a></p>;
  return (
    <p class="empty">
      {t('tasksEmpty')} {canWrite(c) && <a href="/tasks/new">{t('newTask')}</a>}
    </p>
  );
}

export type ReviewCounts = Map<number, { pendingReview: number; flagged: number }>;

export function TasksPage({ c, list, status, review }: { c: WebContext; list: TaskList; status?: TaskStatus; review: ReviewCounts }) {
  const t = c.get('t');
  const open = list.tasks.filter((task) => !isTerminal(task.status)).map((task) => task.id);
  const now = new Date();
  return (
    <Layout c={c} title={t('tasks')} live={open.length > 0 ? { 'live-tasks': open.join(',') } : undefined}>
      {canWrite(c) && <p><a href="/tasks/new" id="new-task-link" class="button">{t('newTask')}</a></p>}
      <form method="get" action="/tasks" class="inline">
        <label for="status">{t('status')}</label>
        <select id="status" name="status">
          <option value="">{t('allStatuses')}</option>
          {TASK_STATUSES.map((s) => <option value={s} selected={s === status}>{taskStatusLabel(t, s)}</option>)}
        </select>
        <button type="submit">{t('filter')}</button>
      </form>
      <TableScroll label={t('tasks')}>
        <table id="tasks">
          <thead>
            <tr>
              <th scope="col">ID</th><th scope="col">{t('firstKeyword')}</th><th scope="col">{t('status')}</th>
              <th scope="col">{t('progress')}</th><th scope="col">{t('taskCreated')}</th><th scope="col">{t('priorityShort')}</th><th scope="col">{t('awaitingReview')}</th><th scope="col">{t('flaggedShort')}</th><th scope="col"></th>
            </tr>
          </thead>
          <tbody>
            {list.tasks.length === 0 && <tr><td colspan={9}><TasksEmpty c={c} filtered={status !== undefined} /></td></tr>}
            {list.tasks.map((task) => (
              <tr data-task-row={task.id}>
                <td><a href={`/tasks/${task.id}`}>{task.id}</a></td>
                <td>{distillationsUsed(t, task)}</td>
                <td class="status" data-status={task.status}><StatusBadge t={t} status={task.status} /></td>
                <td><ProgressBar task={task} /></td>
                <td class="created"><RelativeTime t={t} at={task.createdAt} now={now} zone={c.get('zone')} /></td>
                <td class="priority">{task.priority}</td>
                <ReviewCells id={task.id} counts={review.get(task.id)} />
                <td><TaskActions c={c} task={task} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      <Pager c={c} page={list.page} pageSize={list.pageSize} total={list.total} summary="pages" href={(p) => `/tasks?${new URLSearchParams({ ...(status ? { status } : {}), page: String(p) })}`} />
      <ZoneNote c={c} />
      <p class="help">{t('total', { n: list.total })}{open.length > 0 ? ` · ${t('live')}` : ''}</p>
    </Layout>
  );
}
