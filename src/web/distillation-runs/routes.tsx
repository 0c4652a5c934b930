/** @jsxImportSource hono/jsx */
import { Hono } from 'hono';
import { AppError } from '../../domain/errors.js';
import { distillationRunInput, type DistillationRunInput } from '../../domain/distillations/runs/run-input.js';
import { getRun, getRunDetail, listRuns } from '../../domain/distillations/runs/run-queries.js';
import { acceptRunQuestions } from '../../domain/distillations/runs/run-review.js';
import type { RouteDeps } from '../../http/deps.js';
import { respondWithRunEvents } from '../../http/run-event-stream.js';
import { parseIdParam } from '../../http/validation.js';
import { distillationRunStarter } from '../../services/distillation-run-start.js';
import { cancelDistillationRun } from '../../temporal/distillation-run-control.js';
import { keywordsOf } from '../../shared/keyword-list.js';
import type { WebContext, WebEnv } from '../context.js';
import { formIssues, formTextAsTyped as text } from '../form-fields.js';
import { page } from '../layout.js';
import { RunPage, RunsPage, type RunFormInput } from './run-pages.js';
import { refusalText } from '../refusal-text.js';

const PAGE_SIZE = 20;

/** The console's distillation runs: start one (keywords typed or from a file), watch it live, review its questions. */
export function distillationRunPages(deps: RouteDeps) {
  const { db, temporal, log, limits } = deps;
  const start = distillationRunStarter({ db, temporal, log });
  const list = (c: WebContext) => {
    const pageNo = Math.max(1, Math.min(1_000_000, Number.parseInt(c.req.query('page') ?? '1', 10) || 1));
    return listRuns(db, c.get('session').accountId, pageNo, PAGE_SIZE);
  };
  return new Hono<WebEnv>()
    .get('/', async (c) => page(c, <RunsPage c={c} list={await list(c)} />))
    .post('/', async (c) => {
      const t = c.get('t');
      const body = await c.req.parseBody();
      const file = body.file instanceof File && body.file.size > 0 ? body.file : null;
      const input: RunFormInput = { keywords: text(body.keywords), questions: text(body.questions), language: text(body.language).trim(), review: text(body.review) === '1' };
      const keywords = keywordsOf(file ? await file.text() : input.keywords);
      const refuse = async (error: string) => page(c, <RunsPage c={c} list={await list(c)} input={input} error={error} />, 400);
      if (keywords.length === 0) return refuse(t('runNoKeywords'));
      const parsed = distillationRunInput.safeParse({ keywords, questionsPerKeyword: Number(input.questions), review: input.review, ...(input.language ? { language: input.language } : {}) });
      if (!parsed.success) return refuse(formIssues(c, parsed.error));
      let runId: number;
      try {
        runId = await start(c.get('session').accountId, parsed.data as DistillationRunInput, limits.maxDistilledKeywordsPerDay, limits);
      } catch (err) {
        if (err instanceof AppError && err.status === 429) return refuse(refusalText(c, err));
        throw err;
      }
      c.set('auditTargets', { id: runId });
      return c.redirect(`/distillations/runs/${runId}`, 303);
    })
    .get('/:id', async (c) => {
      const t = c.get('t');
      const accepted = c.req.query('accepted');
      const notice = accepted !== undefined ? t('runAccepted', { n: accepted }) : c.req.query('cancel') !== undefined ? t('runCancelRequested') : undefined;
      return page(c, <RunPage c={c} run={await getRunDetail(db, c.get('session').accountId, parseIdParam(c))} notice={notice} />);
    })
    .post('/:id/cancel', async (c) => {
      const runId = parseIdParam(c);
      await cancelDistillationRun(db, temporal.client, c.get('session').accountId, runId);
      return c.redirect(`/distillations/runs/${runId}?cancel=1`, 303);
    })
    .post('/:id/accept', async (c) => {
      const runId = parseIdParam(c);
      const body = await c.req.parseBody({ all: true });
      const raw = body.questionIds;
      const ids = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map((v) => Number(v)).filter((n) => Number.isInteger(n) && n > 0);
      const result = await acceptRunQuestions(db, c.get('session').accountId, runId, ids);
      return c.redirect(`/distillations/runs/${runId}?accepted=${result.accepted}`, 303);
    });
}

/** `/live/distillation-runs/:id/events`: the run's events for console.js, authenticated by the session. */
export function liveRunRoutes({ db, log, streams }: Pick<RouteDeps, 'db' | 'log' | 'streams'>) {
  return new Hono<WebEnv>().get('/:id/events', async (c) => {
    const { accountId, keyId } = c.get('session');
    const runId = parseIdParam(c);
    await getRun(db, accountId, runId);
    const header = c.req.header('last-event-id')?.trim() ?? '';
    const afterId = /^\d{1,15}$/.test(header) ? Number(header) : 0;
    const slot = await streams.open(c, accountId, keyId);
    return respondWithRunEvents(c, { db, log, accountId, runId, afterId, slot });
  });
}
