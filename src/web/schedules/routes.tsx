/** @jsxImportSource hono/jsx */
import { Hono } from 'hono';
import { z } from 'zod';
import { scheduleCreator } from '../../services/schedule-create.js';
import { createScheduleInput, scheduleSpecInput } from '../../http/schemas/schedule-request.js';
import type { ApiDeps } from '../../http/deps.js';
import { parseIdParam } from '../../http/validation.js';
import { DEFAULT_LIMITS } from '../../config.js';
import { AppError } from '../../domain/errors.js';
import { listResources } from '../../domain/ingredients/index.js';
import { accountLimits } from '../../domain/limits/account-limits.js';
import { getSchedule, listSchedules } from '../../domain/schedules/index.js';
import { countSelectableDistillations } from '../../domain/tasks/selection.js';
import { previewTemporalSpec } from '../../temporal/generation-schedules.js';
import { controlScheduleOfAccount, deleteScheduleOfAccount, schedulesWithState, type ScheduleAction } from '../../temporal/schedule-control.js';
import type { WebContext, WebEnv } from '../context.js';
import { page } from '../layout.js';
import { defaultScheduleInput, INGREDIENTS, NewSchedulePage, type IngredientChoices, type NewScheduleView, type ScheduleFormInput, type WhenChoice } from './new-schedule.js';
import { CRON_PRESETS } from './schedule-format.js';
import { templateChoices } from '../templates/template-picker.js';
import { DeleteSchedulePage, LIST_RUNS, SchedulesPage } from './schedules.js';
import { assertCanWrite } from '../write-guard.js';
import { formText as text, numberField } from '../form-fields.js';
import { issuesText, refusalText } from '../refusal-text.js';

/** Each row asks Temporal for its state (one describe each), so a page holds 20 like the API's default. */
const PAGE_SIZE = 20;
/** How many of each ingredient the form offers, newest first. */
const CHOICES = 200;
const listQuery = z.object({
  page: z.coerce.number().int().min(1).max(1_000_000).catch(1),
  done: z.enum(['created', 'pause', 'unpause', 'trigger', 'deleted']).optional().catch(undefined),
  id: z.coerce.number().int().positive().optional().catch(undefined),
});
const NOTICES = { created: 'scheduleCreated', pause: 'schedulePaused', unpause: 'scheduleUnpaused', trigger: 'scheduleTriggered', deleted: 'scheduleDeleted' } as const;
const SPEC_FIELDS = new Set(['cron', 'intervalSeconds', 'timezone']);
const SPEC_CODES = new Set(['SCHEDULE_TOO_FREQUENT', 'INVALID_SCHEDULE_SPEC']);

function readForm(body: Record<string, unknown>): ScheduleFormInput {
  const when = text(body.when);
  return {
    name: text(body.name),
    when: ([...CRON_PRESETS.map((p) => p.value), 'custom'] as string[]).includes(when) ? (when as WhenChoice) : 'custom',
    cron: text(body.cron),
    timezone: text(body.timezone),
    paused: body.paused === 'on',
    articleCount: text(body.articleCount),
    priority: text(body.priority),
    concurrency: text(body.concurrency),
    maxRetries: text(body.maxRetries),
    timeoutSeconds: text(body.timeoutSeconds),
    autoApprove: body.autoApprove === 'on',
    ingredients: Object.fromEntries(INGREDIENTS.map(({ field }) => [field, text(body[field])])) as ScheduleFormInput['ingredients'],
    templateId: text(body.templateId),
  };
}

/** The cron the form means: a preset's, or the typed one. */
const cronOf = (input: ScheduleFormInput) => CRON_PRESETS.find((p) => p.value === input.when)?.cron ?? input.cron;

/** POST /api/schedules's body from the form, for the API's own schema. */
const requestOf = (input: ScheduleFormInput) => ({
  name: input.name,
  cron: cronOf(input),
  timezone: input.timezone || undefined,
  paused: input.paused,
  template: {
    articleCount: numberField(input.articleCount),
    priority: numberField(input.priority),
    concurrency: numberField(input.concurrency),
    maxRetries: numberField(input.maxRetries),
    timeoutSeconds: numberField(input.timeoutSeconds),
    autoApprove: input.autoApprove,
    ...Object.fromEntries(INGREDIENTS.map(({ field }) => [field, numberField(input.ingredients[field])])),
    templateId: numberField(input.templateId),
  },
});

function splitIssues(c: WebContext, issues: z.core.$ZodIssue[]) {
  const spec = issues.filter((i) => SPEC_FIELDS.has(String(i.path[0])));
  const other = issues.filter((i) => !spec.includes(i));
  const join = (list: z.core.$ZodIssue[]) => (list.length > 0 ? issuesText(c, list) : undefined);
  return { specError: join(spec), error: join(other) };
}

/**
 * The schedules of the signed-in account: list with state and run times, create (presets or a cron,
 * with Temporal's next run times as a preview), pause, resume, run now and delete. Every change goes
 * through the functions POST/DELETE /api/schedules use.
 */
export function scheduleRoutes(deps: ApiDeps) {
  const { db, temporal } = deps;
  const limits = deps.limits ?? DEFAULT_LIMITS;
  const createSchedule = scheduleCreator({ ...deps, limits });

  async function ingredientChoices(accountId: number) {
    const lists = await Promise.all(
      INGREDIENTS.map(async ({ kind }) => {
        const { items } = await listResources(db, kind, accountId, { page: 1, pageSize: CHOICES });
        return [kind, items.map((r) => ({ id: r.id, label: 'name' in r ? r.name : r.companyName }))] as const;
      }),
    );
    return Object.fromEntries(lists) as IngredientChoices;
  }

  async function newSchedulePage(c: WebContext, v: Omit<NewScheduleView, 'available' | 'choices' | 'templates'>, status: 200 | 400 | 409 = 200) {
    const accountId = c.get('session').accountId;
    const [available, choices, templates] = await Promise.all([countSelectableDistillations(db, accountId), ingredientChoices(accountId), templateChoices(db, accountId)]);
    return page(c, <NewSchedulePage c={c} v={{ available, choices, templates, ...v }} />, status);
  }

  const control = (action: ScheduleAction) => async (c: WebContext) => {
    const id = parseIdParam(c);
    await controlScheduleOfAccount(db, temporal.client, c.get('session').accountId, id, action);
    return c.redirect(`/schedules?done=${action}&id=${id}`, 303);
  };

  return new Hono<WebEnv>()
    .get('/', async (c) => {
      const accountId = c.get('session').accountId;
      const query = listQuery.parse(c.req.query());
      const list = await listSchedules(db, accountId, { page: query.page, pageSize: PAGE_SIZE });
      const [rows, account] = await Promise.all([
        schedulesWithState(db, temporal.client, list.schedules, LIST_RUNS),
        accountLimits(db, accountId, limits),
      ]);
      const named = rows.find((r) => r.schedule.id === query.id)?.schedule.name ?? `#${query.id ?? ''}`;
      const notice = query.done ? c.get('t')(NOTICES[query.done], { name: named }) : undefined;
      return page(c, <SchedulesPage c={c} v={{ rows, page: list.page, pageSize: list.pageSize, total: list.total, maxSchedules: account.maxSchedules, notice }} />);
    })
    .get('/new', (c) => {
      assertCanWrite(c);
      return newSchedulePage(c, { input: defaultScheduleInput(c) });
    })
    .post('/preview', async (c) => {
      const input = readForm(await c.req.parseBody());
      const spec = scheduleSpecInput.safeParse({ cron: cronOf(input), timezone: input.timezone || undefined });
      if (!spec.success) return newSchedulePage(c, { input, specError: splitIssues(c, spec.error.issues).specError }, 400);
      try {
        const times = await previewTemporalSpec(temporal, spec.data);
        return newSchedulePage(c, { input, preview: { times, timezone: spec.data.timezone } });
      } catch (err) {
        if (err instanceof AppError) return newSchedulePage(c, { input, specError: refusalText(c, err) }, 400);
        throw err;
      }
    })
    .post('/', async (c) => {
      const input = readForm(await c.req.parseBody());
      const parsed = createScheduleInput.safeParse(requestOf(input));
      if (!parsed.success) return newSchedulePage(c, { input, ...splitIssues(c, parsed.error.issues) }, 400);
      try {
        const result = await createSchedule(c.get('session').accountId, parsed.data);
        return c.redirect(`/schedules?done=created&id=${result.resourceId}`, 303);
      } catch (err) {
        if (err instanceof AppError && SPEC_CODES.has(err.code)) return newSchedulePage(c, { input, specError: refusalText(c, err) }, 400);
        if (err instanceof AppError && (err.status === 400 || err.status === 409)) return newSchedulePage(c, { input, error: refusalText(c, err) }, err.status);
        throw err;
      }
    })
    .post('/:id/pause', control('pause'))
    .post('/:id/unpause', control('unpause'))
    .post('/:id/trigger', control('trigger'))
    .get('/:id/delete', async (c) => {
      assertCanWrite(c);
      const schedule = await getSchedule(db, c.get('session').accountId, parseIdParam(c));
      return page(c, <DeleteSchedulePage c={c} schedule={schedule} />);
    })
    .post('/:id/delete', async (c) => {
      await deleteScheduleOfAccount(db, temporal.client, c.get('session').accountId, parseIdParam(c));
      return c.redirect('/schedules?done=deleted', 303);
    });
}
