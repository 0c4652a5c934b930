/** @jsxImportSource hono/jsx */
import type { GenerationSchedule } from '../../domain/schedules/index.js';
import type { schedulesWithState } from '../../temporal/schedule-control.js';
import { refusalText } from '../refusal-text.js';
import { canWrite, type WebContext } from '../context.js';
import { CsrfField, Layout } from '../layout.js';
import { describeSpec, formatRunTime } from './schedule-format.js';
import { Pager } from '../pager.js';
import { TableScroll } from '../table-scroll.js';

export type ScheduleRow = Awaited<ReturnType<typeof schedulesWithState>>[number];

export interface SchedulesView {
  rows: ScheduleRow[];
  page: number;
  pageSize: number;
  total: number;
  maxSchedules: number;
  notice?: string;
}

/** How many upcoming and past runs a row shows; the rest is in the API's answer. */
export const LIST_RUNS = 3;

function StateCell({ c, row }: { c: WebContext; row: ScheduleRow }) {
  const t = c.get('t');
  const state = row.temporalState === 'missing' ? 'missing' : row.paused ? 'paused' : 'active';
  const label = { missing: t('stateMissing'), paused: t('statePaused'), active: t('stateActive') }[state];
  return <td class="schedule-state" data-state={state}><span class={`state-badge ${state}`}>{label}</span></td>;
}

function RunsCell({ c, row }: { c: WebContext; row: ScheduleRow }) {
  const t = c.get('t');
  if (row.recentRuns.length === 0) return <td class="last-runs">{t('noRunsYet')}</td>;
  return (
    <td class="last-runs">
      <ul class="plain">
        {row.recentRuns.map((run) => (
          <li data-run-outcome={run.outcome}>
            <time datetime={run.createdAt.toISOString()}>{formatRunTime(run.createdAt, c.get('lang'), row.schedule.spec.timezone)}</time>{' '}
            {run.taskId !== null ? <a href={`/tasks/${run.taskId}`}>{t('runTask', { id: run.taskId })}</a> : <span class="error">{t('runFailed', { message: run.error ? refusalText(c, { status: 400, ...(run.error as { code: string; message: string; details?: Record<string, unknown> }) }) : '' })}</span>}
          </li>
        ))}
      </ul>
    </td>
  );
}

/** Pause or resume, run now, delete (behind its confirmation page); none of them for a read key. */
function ScheduleActions({ c, row }: { c: WebContext; row: ScheduleRow }) {
  if (!canWrite(c)) return null;
  const t = c.get('t');
  const { id, name } = row.schedule;
  const form = (action: 'pause' | 'unpause' | 'trigger', label: string) => (
    <form method="post" action={`/schedules/${id}/${action}`} class="inline">
      <CsrfField token={c.get('session').csrfToken} />
      <button type="submit" aria-label={`${label} ${name}`}>{label}</button>
    </form>
  );
  return (
    <span class="actions">
      {row.temporalState === 'present' && (row.paused ? form('unpause', t('unpauseSchedule')) : form('pause', t('pauseSchedule')))}
      {row.temporalState === 'present' && form('trigger', t('triggerSchedule'))}
      <a class="danger-link" href={`/schedules/${id}/delete`} aria-label={`${t('deleteSchedule')} ${name}`}>{t('deleteSchedule')}</a>
    </span>
  );
}

export function SchedulesPage({ c, v }: { c: WebContext; v: SchedulesView }) {
  const t = c.get('t');
  const lang = c.get('lang');
  return (
    <Layout c={c} title={t('schedules')}>
      {v.notice && <p class="notice" role="status">{v.notice}</p>}
      {canWrite(c) && <p><a href="/schedules/new" id="new-schedule-link">{t('newSchedule')}</a></p>}
      <TableScroll label={t('schedules')}>
        <table id="schedules">
          <thead>
            <tr><th scope="col">{t('scheduleName')}</th><th scope="col">{t('scheduleWhen')}</th><th scope="col">{t('scheduleState')}</th><th scope="col">{t('nextRuns')}</th><th scope="col">{t('lastRuns')}</th><th scope="col"></th></tr>
          </thead>
          <tbody>
            {v.rows.length === 0 && <tr><td colspan={6}>{t('noRows')}</td></tr>}
            {v.rows.map((row) => (
              <tr data-schedule-row={row.schedule.id}>
                <td class="schedule-name">{row.schedule.name}</td>
                <td class="schedule-spec">{describeSpec(row.schedule.spec, t)}</td>
                <StateCell c={c} row={row} />
                <td class="next-runs">
                  {row.paused && t('noRunsWhilePaused')}
                  <ul class="plain">
                    {row.nextRunTimes.slice(0, LIST_RUNS).map((at) => <li><time datetime={at.toISOString()}>{formatRunTime(at, lang, row.schedule.spec.timezone)}</time></li>)}
                  </ul>
                </td>
                <RunsCell c={c} row={row} />
                <td><ScheduleActions c={c} row={row} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      <p class="help">{t('scheduleTotal', { n: v.total, max: v.maxSchedules })}</p>
      <Pager c={c} page={v.page} pageSize={v.pageSize} total={v.total} summary="none" href={(p) => `/schedules?page=${p}`} />
    </Layout>
  );
}

/** Asks before deleting: the button posts, "keep it" goes back. Works without script. */
export function DeleteSchedulePage({ c, schedule }: { c: WebContext; schedule: GenerationSchedule }) {
  const t = c.get('t');
  return (
    <Layout c={c} title={t('deleteScheduleTitle', { name: schedule.name })}>
      <form method="post" action={`/schedules/${schedule.id}/delete`} class="card narrow" id="delete-schedule">
        <CsrfField token={c.get('session').csrfToken} />
        <p>{describeSpec(schedule.spec, t)}</p>
        <p>{t('deleteScheduleText')}</p>
        <span class="actions">
          <button type="submit" class="danger">{t('deleteConfirm')}</button>
          <a href="/schedules">{t('keepIt')}</a>
        </span>
      </form>
    </Layout>
  );
}
