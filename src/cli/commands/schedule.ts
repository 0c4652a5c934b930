/** `artgen schedule ...`: tasks created on a cron expression or an interval (Temporal Schedules). */
import { InvalidArgumentError, type Command } from 'commander';
import { contextOf, idArg } from '../context.js';
import { formatDuration, type KvEntry, type Output } from '../format.js';
import { addTaskRequestOptions, taskRequestBody } from './task-options.js';
import { pagedList } from './paged-list.js';
import { time } from './views.js';

const PATH = '/api/schedules';

type Spec = { cron?: string; intervalSeconds?: number; timezone?: string };
type Schedule = { id: number; name: string; temporalScheduleId?: string; spec: Spec; template: Record<string, any>; createdAt: string; paused?: boolean | null };
type ScheduleDetail = Schedule & { temporalState?: string; note?: string | null; nextRunTimes?: string[]; recentRuns?: Record<string, any>[] };

const UNIT = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

/** `3600`, `90m`, `1h`, `1d` -> seconds. */
export function parseInterval(value: string): number {
  const m = /^\s*(\d+)\s*([smhd]?)\s*$/i.exec(value);
  if (!m || Number(m[1]) <= 0) throw new InvalidArgumentError(`--every must be seconds or a duration such as 90m, 1h, 1d, got '${value}'.`);
  return Number(m[1]) * UNIT[(m[2]!.toLowerCase() || 's') as keyof typeof UNIT];
}

/** `cron "0 9 * * *" (UTC)` or `every 1h 00m (UTC)`. */
export function describeSpec(spec: Spec | undefined): string {
  if (!spec) return '';
  const tz = spec.timezone ? ` (${spec.timezone})` : '';
  if (spec.cron) return `cron "${spec.cron}"${tz}`;
  if (spec.intervalSeconds) return `every ${formatDuration(spec.intervalSeconds * 1000)}`;
  return JSON.stringify(spec);
}

function scheduleEntries(s: ScheduleDetail): KvEntry[] {
  const t = s.template ?? {};
  return [
    ['id', s.id],
    ['name', s.name],
    ['when', describeSpec(s.spec)],
    ['paused', s.paused],
    ['articleCount', t.articleCount],
    ['priority', t.priority],
    ['concurrency', t.concurrency],
    ['temporalScheduleId', s.temporalScheduleId],
    ['createdAt', s.createdAt, time],
  ];
}

const single = (s: ScheduleDetail, extra: KvEntry[] = []): Output => ({ json: s, sections: [{ kind: 'kv', entries: [...scheduleEntries(s), ...extra] }] });

export function registerScheduleCommands(program: Command): void {
  const schedule = program.command('schedule').description('create tasks on a schedule: a cron expression or a fixed interval');

  addTaskRequestOptions(
    schedule
      .command('create')
      .description('create a schedule; each run creates a task from the template (count, priority, ...)')
      .requiredOption('--name <name>', 'a name for the schedule')
      .option('--cron <expr>', 'cron expression, e.g. "0 9 * * *" (every day at 9:00 in --timezone)')
      .option('--every <interval>', 'fixed interval: seconds or 90m, 1h, 1d (at least 60 s)', parseInterval)
      .option('--timezone <tz>', 'IANA time zone of the cron expression (API default UTC)')
      .option('--paused', 'create it paused (resume with: artgen schedule resume <id>)'),
  )
    .addHelpText('after', '\nExactly one of --cron and --every. Examples:\n  artgen schedule create --name daily --cron "0 9 * * *" --timezone Asia/Shanghai --count 5\n  artgen schedule create --name hourly --every 1h --count 2 --priority 3')
    .action(async (opts, cmd: Command) => {
      if ((opts.cron === undefined) === (opts.every === undefined)) {
        cmd.error('error: give exactly one of --cron "<expr>" and --every <interval>', { exitCode: 2, code: 'artgen.scheduleSpec' });
      }
      const ctx = contextOf(cmd);
      const body = {
        name: opts.name,
        cron: opts.cron,
        intervalSeconds: opts.every,
        timezone: opts.timezone,
        paused: Boolean(opts.paused),
        template: taskRequestBody(opts),
      };
      ctx.print(single(await ctx.client.create<ScheduleDetail>(PATH, body)));
    });

  pagedList<Schedule>(schedule.command('list').description('list schedules with their state and next run'), {
    path: PATH,
    rowsKey: 'schedules',
    noun: 'schedules',
    // The list has no Temporal state: each schedule's paused flag and next run come from its detail.
    rows: (schedules, ctx) =>
      Promise.all(
        schedules.map(async (s) => {
          const d = await ctx.client.get<ScheduleDetail>(`${PATH}/${s.id}`).catch(() => null);
          return { ...s, paused: d?.paused ?? null, nextRunTime: d?.nextRunTimes?.[0] ?? null };
        }),
      ),
    columns: [
      { key: 'id' },
      { key: 'name', maxWidth: 30 },
      { key: 'when', value: (r) => describeSpec(r.spec) },
      { key: 'paused' },
      { key: 'articleCount', header: 'ARTICLES', value: (r) => r.template?.articleCount },
      { key: 'priority', header: 'PRIO', value: (r) => r.template?.priority },
      { key: 'nextRunTime', header: 'NEXT RUN', display: time },
    ],
    empty: 'No schedules. Create one with: artgen schedule create --name daily --cron "0 9 * * *" --count 5',
  });

  schedule
    .command('show')
    .description('one schedule: its state, next run times and recent runs')
    .argument('<id>', 'schedule id', idArg)
    .action(async (id: number, _opts, cmd: Command) => {
      const ctx = contextOf(cmd);
      const s = await ctx.client.get<ScheduleDetail>(`${PATH}/${id}`);
      const output = single(s, [['temporalState', s.temporalState], ['note', s.note]]);
      output.sections.push(
        { kind: 'table', title: 'Next runs', columns: [{ key: 'at', display: time }], rows: (s.nextRunTimes ?? []).map((at) => ({ at })), empty: 'No run planned.' },
        {
          kind: 'table',
          title: 'Recent runs',
          columns: [
            { key: 'id' },
            { key: 'outcome' },
            { key: 'taskId', header: 'TASK' },
            { key: 'error', value: (r: Record<string, any>) => r.error?.message ?? r.error ?? null, maxWidth: 60 },
            { key: 'createdAt', header: 'AT', display: time },
          ],
          rows: s.recentRuns ?? [],
          empty: 'No runs yet.',
        },
      );
      ctx.print(output);
    });

  const action = (name: string, description: string, apiAction: string) =>
    schedule
      .command(name)
      .description(description)
      .argument('<id>', 'schedule id', idArg)
      .action(async (id: number, _opts, cmd: Command) => {
        const ctx = contextOf(cmd);
        const r = await ctx.client.post<Record<string, unknown>>(`${PATH}/${id}/${apiAction}`);
        ctx.print({ json: r, sections: [{ kind: 'kv', entries: Object.entries(r) }] });
      });
  action('pause', 'pause a schedule (no run until resumed)', 'pause');
  action('resume', 'resume a paused schedule', 'unpause');
  action('trigger', 'run a schedule now, once, whether paused or not', 'trigger');

  schedule
    .command('delete')
    .description('delete a schedule (the tasks it created stay)')
    .argument('<id>', 'schedule id', idArg)
    .action(async (id: number, _opts, cmd: Command) => {
      const ctx = contextOf(cmd);
      await ctx.client.delete(`${PATH}/${id}`);
      ctx.print({ json: { id, deleted: true }, sections: [{ kind: 'kv', entries: [['id', id], ['deleted', true]] }] });
    });
}
