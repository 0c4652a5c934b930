import { Hono } from 'hono';
import { z } from 'zod';
import { acceptInput, distillationRunInput } from '../../domain/distillations/runs/run-input.js';
import { getRun, getRunDetail, listRuns } from '../../domain/distillations/runs/run-queries.js';
import { acceptRunQuestions } from '../../domain/distillations/runs/run-review.js';
import type { RouteDeps } from '../../http/deps.js';
import { count, id, nullableTimestamp, paged, timestamp } from '../../http/schemas/common.js';
import { pagination, parseIdParam, parseJsonBody, parseQuery } from '../../http/validation.js';
import { lastEventId, MAX_EVENT_ID } from '../../http/last-event-id.js';
import { respondWithRunEvents } from '../../http/run-event-stream.js';
import { RUN_EVENT_TYPES, RUN_EVENTS } from '../../shared/events/index.js';
import { distillationRunStarter } from '../../services/distillation-run-start.js';
import { DISTILLATION_KEYWORD_STATES, DISTILLATION_QUESTION_STATES, DISTILLATION_RUN_STATUSES } from '../../shared/distillation-runs.js';
import { cancelDistillationRun } from '../../temporal/distillation-run-control.js';
import type { ApiOperation } from '../operation.js';
import type { ApiEnv } from '../types.js';

const runRow = z.object({
  id,
  status: z.enum(DISTILLATION_RUN_STATUSES),
  questionsPerKeyword: id,
  language: z.string().nullable(),
  review: z.boolean(),
  keywordCount: id,
  doneCount: count,
  failedCount: count,
  canceledCount: count,
  errorMessage: z.string().nullable(),
  workflowId: z.string().nullable(),
  provider: z.string().nullable(),
  model: z.string().nullable(),
  promptTokens: count,
  completionTokens: count,
  createdAt: timestamp,
  updatedAt: timestamp,
  startedAt: nullableTimestamp,
  completedAt: nullableTimestamp,
});
const runDetail = runRow.extend({
  pendingReviewCount: count.describe('Questions waiting for a person (accept)'),
  keywords: z.array(
    z.object({
      position: count,
      keyword: z.string(),
      state: z.enum(DISTILLATION_KEYWORD_STATES),
      error: z.string().nullable().describe('Why it failed (or was canceled)'),
      attempts: count,
      distillationId: id.nullable().describe('The distillation its questions joined'),
      duplicateCount: count.describe('Questions of the answer dropped as duplicates of its topics or of each other'),
      promptTokens: count,
      completionTokens: count,
      questions: z.array(z.object({ id, question: z.string(), state: z.enum(DISTILLATION_QUESTION_STATES) })),
    }),
  ),
});
const cancelAnswer = z.object({ runId: id, status: z.enum(['cancel_requested', 'canceled']) });
const acceptAnswer = z.object({ runId: id, accepted: count, rejected: count, addedTopics: count.describe('Accepted questions that were still new to their keyword') });

export function distillationRunRoutes({ db, temporal, log, limits, streams }: RouteDeps) {
  const start = distillationRunStarter({ db, temporal, log });
  return new Hono<ApiEnv>()
    .post('/', async (c) => {
      const input = await parseJsonBody(c, distillationRunInput);
      const accountId = c.get('accountId');
      const runId = await start(accountId, input, limits.maxDistilledKeywordsPerDay, limits);
      return c.json(await getRunDetail(db, accountId, runId), 202);
    })
    .get('/', async (c) => {
      const q = parseQuery(c, pagination);
      return c.json(await listRuns(db, c.get('accountId'), q.page, q.pageSize));
    })
    .get('/:id', async (c) => c.json(await getRunDetail(db, c.get('accountId'), parseIdParam(c))))
    .get('/:id/events', async (c) => {
      const accountId = c.get('accountId');
      const runId = parseIdParam(c);
      const afterId = lastEventId(c);
      await getRun(db, accountId, runId);
      const slot = await streams.open(c, accountId, c.get('apiKey').id);
      return respondWithRunEvents(c, { db, log, accountId, runId, afterId, slot });
    })
    .post('/:id/cancel', async (c) => {
      const runId = parseIdParam(c);
      const status = await cancelDistillationRun(db, temporal.client, c.get('accountId'), runId);
      return c.json({ runId, status }, 202);
    })
    .post('/:id/accept', async (c) => {
      const runId = parseIdParam(c);
      const { questionIds } = await parseJsonBody(c, acceptInput);
      return c.json(await acceptRunQuestions(db, c.get('accountId'), runId, questionIds));
    });
}

/** The JSON of an event's `data:` line, one shape per run event type. */
const streamedRunMessage = z.union(
  RUN_EVENT_TYPES.map((type) =>
    z.strictObject({ id: id, runId: id, type: z.literal(type), data: RUN_EVENTS[type].data, createdAt: z.string().meta({ format: 'date-time' }) }),
  ),
);
const streamedRunMessageSchema = (() => {
  const json = z.toJSONSchema(streamedRunMessage, { io: 'output' }) as Record<string, unknown>;
  delete json.$schema;
  return json;
})();
const streamedRunEvent = z.object({
  id: z.string().regex(/^\d{1,15}$/).describe('The event id: what Last-Event-ID resumes after'),
  event: z.enum(RUN_EVENT_TYPES).describe('The event type; the stream ends after a final one (distillation.run.completed, .failed, .canceled)'),
  data: z
    .string()
    .meta({ contentMediaType: 'application/json', contentSchema: streamedRunMessageSchema })
    .describe('The event as JSON: { id, runId, type, data, createdAt }'),
});

export const distillationRunOperations: ApiOperation[] = [
  {
    method: 'post',
    path: '/',
    summary: 'Start a distillation run: ask the model for questions about each keyword (a durable workflow, keywords in parallel)',
    body: distillationRunInput,
    status: 202,
    response: runDetail,
    errors: { 429: ['QUOTA_EXCEEDED', 'BUDGET_EXCEEDED'], 503: ['WORKFLOW_START_FAILED'] },
  },
  { method: 'get', path: '/', summary: 'List distillation runs, newest first', query: pagination, response: paged('runs', runRow) },
  { method: 'get', path: '/:id', summary: "One run with each keyword's state and questions", response: runDetail },
  {
    method: 'get',
    path: '/:id/events',
    summary: "The run's progress as Server-Sent Events (keyword done or failed, run started and ended): replayed after Last-Event-ID, then live",
    mediaType: 'text/event-stream',
    mediaBodies: { 'text/event-stream': streamedRunEvent },
    errors: { 400: ['INVALID_LAST_EVENT_ID'], 429: ['TOO_MANY_STREAMS'] },
    parameters: [
      { name: 'Last-Event-ID', in: 'header', required: false, schema: { type: 'integer', minimum: 0, maximum: MAX_EVENT_ID }, description: 'Resume after this event id (EventSource sends it on reconnect)' },
      { name: 'lastEventId', in: 'query', required: false, schema: { type: 'integer', minimum: 0, maximum: MAX_EVENT_ID }, description: 'The same for a first connect; the header wins' },
    ],
    otherResponses: { 204: { description: 'The client already has the final event: nothing more will come' } },
  },
  {
    method: 'post',
    path: '/:id/cancel',
    summary: 'Cancel a run: finished keywords keep their questions, the rest end canceled',
    status: 202,
    response: cancelAnswer,
    errors: { 409: ['RUN_ALREADY_FINISHED'] },
  },
  {
    method: 'post',
    path: '/:id/accept',
    summary: 'Settle the questions pending review: the named ones join the pool, every other one pending review is dropped',
    body: acceptInput,
    response: acceptAnswer,
    errors: { 409: ['QUESTION_NOT_PENDING_REVIEW'] },
  },
];
