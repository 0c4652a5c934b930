/** @jsxImportSource hono/jsx */
import { Hono } from 'hono';
import { z } from 'zod';
import { taskRequestSchema } from '../../http/schemas/task-request.js';
import { taskStarter } from '../../services/task-start.js';
import type { RouteDeps } from '../../http/deps.js';
import { parseIdParam } from '../../http/validation.js';
import { DEFAULT_LIMITS } from '../../config.js';
import { TASK_STATUSES } from '../../db/schema.js';
import { accountLimits } from '../../domain/limits/account-limits.js';
import { AppError } from '../../domain/errors.js';
import { createTaskWithinQuota } from '../../domain/limits/quotas.js';
import { checkArticleCount } from '../../domain/tasks/selection.js';
import { getTaskDetail, listTasks, reviewCountsOfTasks } from '../../domain/tasks/task-queries.js';
import { prepareTaskRetry } from '../../domain/tasks/task-retry.js';
import { taskWorkflowId } from '../../domain/tasks/workflow-id.js';
import { cancelTaskOfAccount } from '../../temporal/task-control.js';
import { temporalUiWorkflowUrl } from '../../temporal/ui-link.js';
import type { WebContext, WebEnv } from '../context.js';
import { page } from '../layout.js';
import { INGREDIENT_FIELDS, NewTaskPage, type IngredientField, type NewTaskInput, type NewTaskView } from './new-task.js';
import { firstPrompt, templateChoices } from '../templates/template-picker.js';
import { TaskDetailPage } from './task-detail.js';
import { TasksPage } from './tasks.js';
import { ingredientChoices } from '../ingredient-choices.js';
import { formText as text, numberField } from '../form-fields.js';
import { issuesText, refusalText } from '../refusal-text.js';

/** Rows per page of the task list. */
const TASKS_PER_PAGE = 50;
const statusFilter = z.enum(TASK_STATUSES).optional().catch(undefined);
const pageNumber = z.coerce.number().int().min(1).max(1_000_000).catch(1);
const INGREDIENT_FIELD_NAMES = Object.values(INGREDIENT_FIELDS);

/** The form asks for minutes; the task request holds seconds (an empty field: the deployment's default). */
const minutesAsSeconds = (minutes: unknown) => (typeof minutes === 'number' ? minutes * 60 : minutes);

function formInput(body: Record<string, unknown>): NewTaskInput {
  return {
    articleCount: text(body.articleCount),
    priority: text(body.priority),
    concurrency: text(body.concurrency),
    maxRetries: text(body.maxRetries),
    timeoutMinutes: text(body.timeoutMinutes),
    autoApprove: body.autoApprove === 'on',
    ingredients: Object.fromEntries(INGREDIENT_FIELD_NAMES.map((field) => [field, text(body[field])])),
    templateId: text(body.templateId),
  };
}

export function taskRoutes(deps: RouteDeps) {
  const { db, temporal } = deps;
  const recordedThenStarted = taskStarter(deps);

  async function newTaskPage(c: WebContext, extra: Omit<NewTaskView, 'available' | 'ingredients' | 'templates' | 'firstPrompt'> = {}, status: 200 | 400 | 429 = 200) {
    const accountId = c.get('session').accountId;
    const chosen = (field: string) => numberField(field === 'templateId' ? (extra.input?.templateId ?? '') : (extra.input?.ingredients[field as IngredientField] ?? '')) || undefined;
    const [{ available }, ingredients, templates, prompt] = await Promise.all([
      checkArticleCount(db, accountId, undefined),
      ingredientChoices(db, accountId),
      templateChoices(db, accountId),
      firstPrompt(db, accountId, { templateId: chosen('templateId'), knowledgeBaseId: chosen('knowledgeBaseId'), conversionTargetId: chosen('conversionTargetId'), albumId: chosen('albumId') }, { budgetTokens: deps.knowledge.promptTokenBudget, embeddings: deps.embeddings }),
    ]);
    return page(c, <NewTaskPage c={c} v={{ available, ingredients, templates, firstPrompt: prompt, ...extra }} />, status as 200 | 400);
  }

  /** The task's page in the Temporal UI, when this deployment has one to link to. */
  function workflowUrl(task: { id: number; workflowId: string | null }) {
    if (!deps.temporalUiUrl) return undefined;
    return temporalUiWorkflowUrl(deps.temporalUiUrl, temporal.client.options.namespace, task.workflowId ?? taskWorkflowId(task.id));
  }

  return new Hono<WebEnv>()
    .get('/', async (c) => {
      const status = statusFilter.parse(c.req.query('status') || undefined);
      const pageNo = pageNumber.parse(c.req.query('page'));
      const accountId = c.get('session').accountId;
      const list = await listTasks(db, accountId, { page: pageNo, pageSize: TASKS_PER_PAGE, status });
      const review = await reviewCountsOfTasks(db, accountId, list.tasks.map((task) => task.id));
      return page(c, <TasksPage c={c} list={list} status={status} review={review} />);
    })
    .get('/new', (c) => newTaskPage(c))
    // console.js asks as the article count is typed: the number available now and the seed's refusal.
    .get('/available', async (c) => {
      const requested = z.coerce.number().int().min(1).max(1_000_000).optional().catch(undefined).parse(c.req.query('count') || undefined);
      const { available, refusal } = await checkArticleCount(db, c.get('session').accountId, requested);
      const t = c.get('t');
      return c.json({ available, availableText: t('available', { n: available }), refusal: refusal && t('insufficientDistillations', { available, requested: requested ?? '' }) });
    })
    .post('/', async (c) => {
      const input = formInput(await c.req.parseBody());
      const parsed = taskRequestSchema.safeParse({
        articleCount: numberField(input.articleCount),
        priority: numberField(input.priority),
        concurrency: numberField(input.concurrency),
        maxRetries: numberField(input.maxRetries),
        timeoutSeconds: minutesAsSeconds(numberField(input.timeoutMinutes)),
        autoApprove: input.autoApprove,
        ...Object.fromEntries(INGREDIENT_FIELD_NAMES.map((field) => [field, numberField(input.ingredients[field] ?? '')])),
        templateId: numberField(input.templateId ?? ''),
      });
      if (!parsed.success) {
        const countIssues = parsed.error.issues.filter((i) => i.path[0] === 'articleCount');
        const otherIssues = parsed.error.issues.filter((i) => i.path[0] !== 'articleCount');
        return newTaskPage(c, { input, countError: countIssues.length > 0 ? issuesText(c, countIssues) : undefined, formError: otherIssues.length > 0 ? issuesText(c, otherIssues) : undefined }, 400);
      }
      const accountId = c.get('session').accountId;
      const request = { ...parsed.data, concurrency: parsed.data.concurrency ?? deps.defaultConcurrency, timeoutSeconds: parsed.data.timeoutSeconds ?? deps.defaultTimeoutSeconds };
      try {
        const result = await recordedThenStarted(undefined, async (tx) => {
          const defaults = deps.limits ?? DEFAULT_LIMITS;
          const { task } = await createTaskWithinQuota(tx, accountId, request, await accountLimits(tx, accountId, defaults), defaults);
          return { status: 201, body: {}, resourceId: task.id };
        });
        c.set('auditTargets', { taskId: result.resourceId! });
        return c.redirect(`/tasks/${result.resourceId}`, 303);
      } catch (err) {
        // The seed's insufficient-distillations message belongs beside the count; a bad reference or a quota above the form.
        if (err instanceof AppError && (err.status === 400 || err.status === 429)) {
          if (err.code === 'INSUFFICIENT_DISTILLATIONS') {
            const { available, requested } = err.details as { available: number; requested: number };
            return newTaskPage(c, { input, countError: c.get('t')('insufficientDistillations', { available, requested }) }, err.status);
          }
          return newTaskPage(c, { input, formError: refusalText(c, err) }, err.status);
        }
        throw err;
      }
    })
    .get('/:id', async (c) => {
      const task = await getTaskDetail(db, c.get('session').accountId, parseIdParam(c));
      return page(c, <TaskDetailPage c={c} task={task} workflowUrl={workflowUrl(task)} />);
    })
    .post('/:id/cancel', async (c) => {
      const taskId = parseIdParam(c);
      await cancelTaskOfAccount(db, temporal.client, c.get('session').accountId, taskId);
      return c.redirect(`/tasks/${taskId}`, 303);
    })
    .post('/:id/retry', async (c) => {
      const taskId = parseIdParam(c);
      const accountId = c.get('session').accountId;
      await recordedThenStarted(undefined, async (tx) => {
        await prepareTaskRetry(tx, accountId, taskId);
        return { status: 202, body: {}, resourceId: taskId };
      });
      return c.redirect(`/tasks/${taskId}`, 303);
    });
}
