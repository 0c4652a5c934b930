/** `artgen task ...`: create, inspect, follow and control article generation tasks. */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { contextOf, idArg, type Context } from '../context.js';
import { addTaskRequestOptions, taskRequestBody } from './task-options.js';
import { ExitWith } from '../errors.js';
import type { Output } from '../format.js';
import { summary, watchTask } from '../sse-watch.js';
import { TASK_STATUSES } from '../../shared/task-statuses.js';
import { countersOf } from '../task-counters.js';
import { pagedList } from './paged-list.js';
import { fullStatsOutput, TASKS_PATH, taskDetailOutput, taskListView, time } from './views.js';
import { EVENTS, isFinalEventType, LIVE_EVENT_TYPES, LIVE_EVENTS, TASK_EVENT_TYPES } from '../../shared/events/index.js';

export const WATCH_EXIT_CODES = `Exit codes of watching:
  0  the task completed (at least one article was written)
  3  the task failed (no article could be written)
  4  the task was canceled
  5  the task timed out
  1  an API or connection error (the task keeps running)`;

/** What a watch shows, one line per event type of the event vocabulary, the final ones last. */
export const WATCH_EVENTS = `Events (one line each when not on a terminal):
${[...TASK_EVENT_TYPES].sort((a, b) => Number(isFinalEventType(a)) - Number(isFinalEventType(b))).map((type) => `  ${type.padEnd(16)} ${EVENTS[type].summary}${isFinalEventType(type) ? ' (the watch ends)' : ''}`).join('\n')}
While an article is written (streaming models), a line per article with its length so far:
${LIVE_EVENT_TYPES.map((type) => `  ${type.padEnd(22)} ${LIVE_EVENTS[type].summary}`).join('\n')}`;

/** `30d`, `12h`, `90m`, `45s` or plain seconds; what POST /tasks/cleanup takes as olderThan. */
export function parseAge(value: string): string | number {
  const m = /^\s*(\d+)\s*([dhms]?)\s*$/i.exec(value);
  if (!m || Number(m[1]) <= 0) {
    throw new InvalidArgumentError(`--older-than must be an age such as 30d, 12h, 90m or a number of seconds, got '${value}'.`);
  }
  const unit = m[2]!.toLowerCase();
  return unit === '' || unit === 's' ? Number(m[1]) : `${Number(m[1])}${unit}`;
}

/** Follows a task and ends the process with the code of its final status. */
async function follow(ctx: Context, taskId: number): Promise<never> {
  // Progress goes where it does not mix with a JSON/CSV result.
  const out = ctx.format === 'table' ? process.stdout : process.stderr;
  const { state, exitCode } = await watchTask(ctx.client, taskId, { out });
  const result = {
    taskId: state.taskId,
    status: state.status,
    ...countersOf(state),
    errorMessage: state.errorMessage,
    lastEventId: state.lastEventId,
    reconnects: state.reconnects,
  };
  if (ctx.format === 'table') {
    process.stdout.write(`${summary(state)}\n`);
  } else {
    ctx.print({ json: result, sections: [{ kind: 'kv', entries: Object.entries(result) }] });
  }
  throw new ExitWith(exitCode);
}

export function registerTaskCommands(program: Command): void {
  const task = program
    .command('task')
    .description('create, inspect, follow and control article generation tasks')
    .addHelpText('after', `\n${WATCH_EXIT_CODES}`);

  addTaskRequestOptions(
    task.command('create').description('create a task: the N least-used distillations are picked and one article is written for each'),
  )
    .option('-w, --watch', 'then follow the progress until the task ends (exit codes below)')
    .addHelpText('after', `\nExamples:\n  artgen task create --count 5\n  artgen task create -n 3 --priority 9 --setting 1 --watch\n\n${WATCH_EXIT_CODES}`)
    .action(async (opts, cmd: Command) => {
      const ctx = contextOf(cmd);
      const body = taskRequestBody(opts);
      const created = await ctx.client.create<{
        taskId: number;
        status: string;
        workflowId: string;
        selectedDistillationIds: number[];
        createdAt: string;
        priorityCapped?: { requested: number; applied: number };
      }>(TASKS_PATH, body);
      if (created.priorityCapped) {
        ctx.info(`Priority ${created.priorityCapped.requested} is above this account's maximum: the task runs at ${created.priorityCapped.applied}.`);
      }
      if (opts.watch && ctx.format !== 'table') {
        ctx.info(`Created task ${created.taskId} (distillations ${created.selectedDistillationIds.join(', ')}).`);
      } else {
        ctx.print({
          json: created,
          sections: [
            {
              kind: 'kv',
              entries: [
                ['taskId', created.taskId],
                ['status', created.status],
                ['workflowId', created.workflowId],
                ['selectedDistillationIds', created.selectedDistillationIds.join(' ')],
                ['createdAt', created.createdAt, time],
              ],
            },
          ],
        });
      }
      if (opts.watch) await follow(ctx, created.taskId);
    });

  task
    .command('status')
    .description('show a task: status, counters, and the state of each article')
    .argument('<id>', 'task id', idArg)
    .option('--items', 'only the per-article items (for --format csv)')
    .addHelpText('after', '\nWith --format csv the task is one row; add --items for one row per article.')
    .action(async (id: number, opts, cmd: Command) => {
      const ctx = contextOf(cmd);
      ctx.print(taskDetailOutput(await ctx.client.get(`${TASKS_PATH}/${id}`), Boolean(opts.items)));
    });

  pagedList(task.command('list').description('list tasks, newest first').addOption(new Option('--status <status>', 'only tasks in this status').choices(TASK_STATUSES)), {
    ...taskListView(),
    path: TASKS_PATH,
    query: (opts) => ({ status: opts.status }),
  });

  task
    .command('watch')
    .description('follow a task live until it ends (progress bar on a terminal, one line per event otherwise)')
    .argument('<id>', 'task id', idArg)
    .addHelpText('after', `\nA dropped connection is resumed with Last-Event-ID. Progress goes to stdout with --format table,\nto stderr with json/csv (stdout then gets the final result).\n\n${WATCH_EVENTS}\n\n${WATCH_EXIT_CODES}`)
    .action(async (id: number, _opts, cmd: Command) => {
      await follow(contextOf(cmd), id);
    });

  task
    .command('cancel')
    .description('cancel a pending or running task: saved articles stay, the rest is released')
    .argument('<id>', 'task id', idArg)
    .action(async (id: number, _opts, cmd: Command) => {
      const ctx = contextOf(cmd);
      const r = await ctx.client.post<{ taskId: number; status: string }>(`${TASKS_PATH}/${id}/cancel`);
      ctx.print({ json: r, sections: [{ kind: 'kv', entries: [['taskId', r.taskId], ['status', r.status]] }] });
    });

  task
    .command('retry')
    .description('write the missing articles of a finished task (failed, partly completed, canceled, timed out)')
    .argument('<id>', 'task id', idArg)
    .option('-w, --watch', 'then follow the progress until the task ends')
    .addHelpText('after', `\n${WATCH_EXIT_CODES}`)
    .action(async (id: number, opts, cmd: Command) => {
      const ctx = contextOf(cmd);
      const r = await ctx.client.create<{ taskId: number; status: string; retryCount: number; positions: number[]; replacements: unknown }>(`${TASKS_PATH}/${id}/retry`);
      const output: Output = {
        json: r,
        sections: [
          {
            kind: 'kv',
            entries: [
              ['taskId', r.taskId],
              ['status', r.status],
              ['retryCount', r.retryCount],
              ['positions', (r.positions ?? []).join(' ')],
              ['replacements', r.replacements],
            ],
          },
        ],
      };
      if (opts.watch && ctx.format !== 'table') ctx.info(`Retrying task ${r.taskId} (retry ${r.retryCount}).`);
      else ctx.print(output);
      if (opts.watch) await follow(ctx, id);
    });

  task
    .command('cleanup')
    .description('delete finished tasks older than an age, with their items and events (and articles with --with-articles)')
    .requiredOption('--older-than <age>', 'age of the tasks to delete: 30d, 12h, 90m or seconds', parseAge)
    .option('--dry-run', 'only report what would be deleted')
    .option('--with-articles', "also delete the tasks' articles (they are kept by default)")
    .addHelpText('after', '\nWithout --dry-run the cleanup is performed. Examples:\n  artgen task cleanup --older-than 30d --dry-run\n  artgen task cleanup --older-than 90d --with-articles')
    .action(async (opts, cmd: Command) => {
      const ctx = contextOf(cmd);
      const dryRun = Boolean(opts.dryRun);
      const r = await ctx.client.post<Record<string, any>>(`${TASKS_PATH}/cleanup`, { olderThan: opts.olderThan, dryRun, withArticles: Boolean(opts.withArticles) });
      const ids: number[] = Array.isArray(r.taskIds) ? r.taskIds : [];
      ctx.print({
        json: r,
        sections: [
          {
            kind: 'kv',
            title: r.dryRun ?? dryRun ? 'Dry run: would delete' : 'Deleted',
            entries: [
              ['dryRun', r.dryRun ?? dryRun],
              ['tasks', r.tasks],
              ['items', r.items],
              ['events', r.events],
              ['articles', r.articles],
              ['taskIds', ids.join(' ')],
            ],
          },
        ],
      });
    });

  task
    .command('stats')
    .description('task, article, token, failure and duration statistics: last 24 hours and all time')
    .action(async (_opts, cmd: Command) => {
      const ctx = contextOf(cmd);
      ctx.print(fullStatsOutput(await ctx.client.get('/api/stats')));
    });
}
