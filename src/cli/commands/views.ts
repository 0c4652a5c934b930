/** Table and CSV views of the API's task and stats JSON, shared by `task` and `monitor`. */
import { TASK_STATUSES } from '../../shared/task-statuses.js';
import { formatDuration, formatPercent, formatTime, type Column, type KvEntry, type Output, type Section } from '../format.js';
import type { TaskCounters } from '../task-counters.js';
import { pagedOutput, type Page, type PagedView } from './paged-list.js';

export const TASKS_PATH = '/api/article-generation/tasks';

export const time = (v: unknown) => formatTime(v);

export interface TaskRow extends TaskCounters {
  id: number;
  status: string;
  keyword: string | null;
  distillationResult: string | null;
  priority: number;
  errorMessage: string | null;
  createdAt: string;
  completedAt: string | null;
}

export interface TaskList extends Page {
  tasks: TaskRow[];
}

export const taskColumns: Column<TaskRow>[] = [
  { key: 'id' },
  { key: 'status' },
  { key: 'progress', display: (v) => `${String(v)}%`, align: 'right' },
  { key: 'requestedCount', header: 'REQUESTED' },
  { key: 'generatedCount', header: 'GENERATED' },
  { key: 'failedCount', header: 'FAILED' },
  { key: 'skippedCount', header: 'SKIPPED' },
  { key: 'priority', header: 'PRIO' },
  { key: 'distillationResult', header: 'DISTILLATIONS', maxWidth: 40 },
  { key: 'createdAt', header: 'CREATED', display: time },
];

export const errorColumn: Column<TaskRow> = { key: 'errorMessage', header: 'ERROR', maxWidth: 100 };

/** A page of tasks as a table, by default with every counter. */
export const taskListView = (opts: { columns?: Column<TaskRow>[]; empty?: string } = {}): PagedView<TaskRow> => ({
  rowsKey: 'tasks',
  noun: 'tasks',
  columns: opts.columns ?? taskColumns,
  empty: opts.empty ?? 'No tasks.',
});

export function taskListOutput(list: TaskList, opts: { columns?: Column<TaskRow>[]; empty?: string } = {}): Output {
  return pagedOutput(list as TaskList & Record<string, unknown>, taskListView(opts));
}

type Stats = Record<string, any>;
type StatRow = { metric: string; last24h: unknown; allTime: unknown; unit: 'n' | 'ms' | 'rate' };

const unitDisplay = (v: unknown, row: StatRow) => {
  if (v === null || v === undefined) return '';
  if (row.unit === 'ms') return formatDuration(v as number);
  if (row.unit === 'rate') return formatPercent(v as number);
  return String(v);
};

const statColumns: Column<StatRow>[] = [
  { key: 'metric' },
  { key: 'last24h', header: 'LAST 24H', display: unitDisplay, align: 'right' },
  { key: 'allTime', header: 'ALL TIME', display: unitDisplay, align: 'right' },
];

function statRows(stats: Stats, metrics: [string, (w: Stats) => unknown, StatRow['unit']][]): StatRow[] {
  return metrics.map(([metric, get, unit]) => ({ metric, last24h: get(stats.last24h ?? {}), allTime: get(stats.allTime ?? {}), unit }));
}

/** Every figure of GET /api/stats, one row each. */
export function fullStatsOutput(stats: Stats): Output {
  const rows = statRows(stats, [
    ['tasks', (w) => w.tasks?.total, 'n'],
    ...TASK_STATUSES.map((s): [string, (w: Stats) => unknown, 'n'] => [`tasks ${s}`, (w) => w.tasks?.byStatus?.[s], 'n']),
    ['articles', (w) => w.articles?.total, 'n'],
    ['articles approved', (w) => w.articles?.approved, 'n'],
    ['articles pending review', (w) => w.articles?.pendingReview, 'n'],
    ['prompt tokens', (w) => w.tokens?.prompt, 'n'],
    ['completion tokens', (w) => w.tokens?.completion, 'n'],
    ['total tokens', (w) => w.tokens?.total, 'n'],
    ['article duration mean', (w) => w.articleDurationMs?.mean, 'ms'],
    ['article duration p95', (w) => w.articleDurationMs?.p95, 'ms'],
    ['failure rate', (w) => w.failureRate, 'rate'],
    ['task duration mean', (w) => w.taskDurationMs?.mean, 'ms'],
    ['task duration p95', (w) => w.taskDurationMs?.p95, 'ms'],
  ]);
  return { json: stats, sections: [{ kind: 'table', columns: statColumns, rows }] };
}

/** The figures worth a glance: throughput, backlog, failures, latency. */
export function condensedStatsOutput(stats: Stats): Output {
  const rows = statRows(stats, [
    ['tasks', (w) => w.tasks?.total, 'n'],
    ['running', (w) => w.tasks?.byStatus?.running, 'n'],
    ['pending', (w) => w.tasks?.byStatus?.pending, 'n'],
    ['completed', (w) => w.tasks?.byStatus?.completed, 'n'],
    ['failed', (w) => w.tasks?.byStatus?.failed, 'n'],
    ['articles', (w) => w.articles?.total, 'n'],
    ['failure rate', (w) => w.failureRate, 'rate'],
    ['tokens', (w) => w.tokens?.total, 'n'],
    ['article p95', (w) => w.articleDurationMs?.p95, 'ms'],
    ['task p95', (w) => w.taskDurationMs?.p95, 'ms'],
  ]);
  const json = {
    last24h: Object.fromEntries(rows.map((r) => [r.metric, r.last24h])),
    allTime: Object.fromEntries(rows.map((r) => [r.metric, r.allTime])),
  };
  return { json, sections: [{ kind: 'table', columns: statColumns, rows }] };
}

type TaskDetail = Record<string, any>;

/** GET /tasks/:id: the task as key/value lines and its items (one per article). */
export function taskDetailOutput(task: TaskDetail, itemsOnly: boolean): Output {
  const summary: KvEntry[] = [
    ['id', task.id],
    ['status', task.status],
    ['progress', task.progress, (v) => `${String(v)}%`],
    ['requested', task.requestedCount],
    ['generated', task.generatedCount],
    ['failed', task.failedCount],
    ['skipped', task.skippedCount],
    ['priority', task.priority],
    ['concurrency', task.concurrency],
    ['autoApprove', task.autoApprove],
    ['retries', `${task.retryCount ?? 0}/${task.maxRetries ?? 0}`],
    ['timeoutSeconds', task.timeoutSeconds],
    ['model', task.model],
    ['promptTokens', task.promptTokens],
    ['completionTokens', task.completionTokens],
    ['workflowId', task.workflowId],
    ['createdAt', task.createdAt, time],
    ['startedAt', task.startedAt, time],
    ['completedAt', task.completedAt, time],
    ['error', task.errorMessage],
  ];
  const keywords = new Map<number, string | null>((task.selectedDistillations ?? []).map((d: any) => [d.id, d.keyword]));
  const titles = new Map<number, string>((task.generatedArticles ?? []).map((a: any) => [a.position, a.title]));
  const items = (task.items ?? []).map((i: any) => ({
    position: i.position,
    distillationId: i.distillationId,
    keyword: keywords.get(i.distillationId) ?? null,
    state: i.state,
    attempts: i.attempts,
    articleId: i.articleId,
    title: titles.get(i.position) ?? null,
    error: i.error,
  }));
  const itemSection: Section = {
    kind: 'table',
    title: 'Items',
    columns: [
      { key: 'position', header: 'POS' },
      { key: 'distillationId', header: 'DISTILLATION' },
      { key: 'keyword', maxWidth: 30 },
      { key: 'state' },
      { key: 'attempts' },
      { key: 'articleId', header: 'ARTICLE' },
      { key: 'title', maxWidth: 40 },
      { key: 'error', maxWidth: 60 },
    ],
    rows: items,
    empty: 'No items yet.',
  };
  if (itemsOnly) return { json: items, sections: [itemSection] };
  return { json: task, sections: [{ kind: 'kv', entries: summary }, itemSection] };
}
