/** `artgen monitor ...`: the service at a glance (metrics, recent, failed, pending tasks, health). */
import type { Command } from 'commander';
import { contextOf, positiveInt } from '../context.js';
import { ExitWith, EXIT } from '../errors.js';
import type { Column } from '../format.js';
import { countersOf } from '../task-counters.js';
import { condensedStatsOutput, errorColumn, fullStatsOutput, TASKS_PATH, taskColumns, taskListOutput, time, type TaskList, type TaskRow } from './views.js';

type Probe = { status: string; latencyMs?: number; error?: string };
type Health = { status: string; database?: Probe; temporal?: Probe };

export function registerMonitorCommands(program: Command): void {
  const monitor = program.command('monitor').description('watch over the service: metrics, recent, failed and pending tasks, health');

  monitor
    .command('metrics')
    .description('key figures of the last 24 hours and all time (tasks, backlog, failure rate, p95 durations)')
    .action(async (_opts, cmd: Command) => {
      const ctx = contextOf(cmd);
      ctx.print(condensedStatsOutput(await ctx.client.get('/api/stats')));
    });

  monitor
    .command('stats')
    .description('every statistic of GET /api/stats (same as `task stats`)')
    .action(async (_opts, cmd: Command) => {
      const ctx = contextOf(cmd);
      ctx.print(fullStatsOutput(await ctx.client.get('/api/stats')));
    });

  monitor
    .command('recent')
    .description('the latest tasks')
    .option('-l, --limit <n>', 'how many (1-100)', positiveInt('--limit', 100), 10)
    .action(async (opts, cmd: Command) => {
      const ctx = contextOf(cmd);
      ctx.print(taskListOutput(await ctx.client.get<TaskList>(TASKS_PATH, { page: 1, pageSize: opts.limit })));
    });

  monitor
    .command('failed')
    .description('failed tasks with their error messages, newest first')
    .option('-l, --limit <n>', 'how many (1-100)', positiveInt('--limit', 100), 20)
    .action(async (opts, cmd: Command) => {
      const ctx = contextOf(cmd);
      const list = await ctx.client.get<TaskList>(TASKS_PATH, { status: 'failed', page: 1, pageSize: opts.limit });
      const columns: Column<TaskRow>[] = [
        { key: 'id' },
        { key: 'requestedCount', header: 'REQUESTED' },
        { key: 'failedCount', header: 'FAILED' },
        { key: 'skippedCount', header: 'SKIPPED' },
        { key: 'completedAt', header: 'ENDED', display: time },
        errorColumn,
      ];
      ctx.print(taskListOutput(list, { columns, empty: 'No failed tasks.' }));
    });

  monitor
    .command('pending')
    .description('pending and running tasks with their live progress')
    .option('-l, --limit <n>', 'how many of each status (1-100)', positiveInt('--limit', 100), 50)
    .action(async (opts, cmd: Command) => {
      const ctx = contextOf(cmd);
      const [running, pending] = await Promise.all(
        ['running', 'pending'].map((status) => ctx.client.get<TaskList>(TASKS_PATH, { status, page: 1, pageSize: opts.limit })),
      );
      const tasks = [...running!.tasks, ...pending!.tasks];
      // Live counters and articles in flight come from the workflow's progress query.
      const live = await Promise.all(
        tasks.map(async (t) => {
          const p = await ctx.client.get<Record<string, any>>(`${TASKS_PATH}/${t.id}/progress`).catch(() => null);
          return { ...t, ...(p ? { status: p.status ?? t.status, ...countersOf(p, t) } : {}), inFlight: p?.inFlight ?? null };
        }),
      );
      const columns: Column[] = [...taskColumns.slice(0, 7), { key: 'inFlight', header: 'IN FLIGHT' }, ...taskColumns.slice(7)];
      ctx.print({
        json: { tasks: live, total: running!.total + pending!.total },
        sections: [{ kind: 'table', columns, rows: live, empty: 'No pending or running tasks.' }],
        notes: [`${running!.total} running, ${pending!.total} pending`],
      });
    });

  monitor
    .command('health')
    .description('reachability of the database and Temporal (exit 1 when degraded)')
    .action(async (_opts, cmd: Command) => {
      const ctx = contextOf(cmd);
      const { status, body } = await ctx.client.request<Health>('GET', '/api/health', { acceptStatuses: [503] });
      const probe = (name: string, p: Probe | undefined) => ({ component: name, status: p?.status ?? 'unknown', latencyMs: p?.latencyMs ?? null, error: p?.error ?? null });
      const rows = [probe('database', body.database), probe('temporal', body.temporal)];
      ctx.print({
        json: body,
        sections: [
          {
            kind: 'table',
            columns: [{ key: 'component' }, { key: 'status' }, { key: 'latencyMs', header: 'LATENCY MS' }, { key: 'error', maxWidth: 80 }],
            rows,
          },
        ],
        notes: [`overall: ${body.status}`],
      });
      if (status !== 200 || body.status !== 'ok') {
        ctx.info(`artgen: the service is ${body.status ?? 'degraded'} (HTTP ${status}).`);
        throw new ExitWith(EXIT.error);
      }
    });
}
