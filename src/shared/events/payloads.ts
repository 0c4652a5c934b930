import { z } from 'zod';

/**
 * The payloads of every event, as they are written today: `task_events.data` (streams, notifications)
 * and the `data` of a webhook body. Closed objects, so a field added by a writer but not here fails the
 * append in tests. Built from zod alone: every layer (db, domain, api, web, cli, workflows) may import it.
 */
const id = z.number().int().positive();
const count = z.number().int().min(0);
/** PostgreSQL's jsonb text of a timestamptz, e.g. `2026-12-07T15:35:32.123456+00:00`. */
const jsonTimestamp = z.string().describe('A timestamp with its offset, as PostgreSQL writes it into JSON');

/** The task's counters after the change, in every task event but task.started, task.retried and review.needed. */
const counters = {
  requestedCount: count.describe('Articles the task asked for'),
  generatedCount: count.describe('Articles saved so far'),
  failedCount: count.describe('Articles that failed for good'),
  skippedCount: count.describe('Articles skipped (their distillation was deleted or emptied)'),
  progress: z.number().int().min(0).max(100).describe('Percent of the articles handled (saved, failed or skipped)'),
};

export const taskStartedData = z.strictObject({ requestedCount: count });

export const taskRetriedData = z.strictObject({
  retryCount: z.number().int().min(1),
  positions: z.array(count).describe('The positions written again'),
  replacements: z.array(
    z.strictObject({ position: count, previousDistillationId: id, distillationId: id, reason: z.string() }),
  ).describe('Positions whose distillation was deleted or emptied, given another one'),
});

export const taskProgressData = z.strictObject({ milestone: z.number().int().min(1).max(99).describe('The milestone crossed (25, 50 or 75)'), ...counters });

export const articleSavedData = z.strictObject({
  articleId: id,
  position: count,
  title: z.string(),
  promptTokens: count,
  completionTokens: count,
  ...counters,
});

export const articleNotWrittenData = z.strictObject({ position: count, error: z.string(), ...counters });

export const reviewNeededData = z.strictObject({ pendingReview: z.number().int().positive().describe('Live articles of the task in pending_review') });

export const taskFinishedData = z.strictObject({ ...counters, errorMessage: z.string().nullable() });

/** Webhook payloads (the `data` of `{ type, timestamp, data }`). */

export const taskFinishedPayload = (status: 'completed' | 'failed' | 'canceled' | 'timeout') =>
  z.strictObject({ taskId: id, status: z.literal(status), ...counters, errorMessage: z.string().nullable() });

/** article.saved and article.approved: the article and why it waits for review when the quality gate flagged it. */
export const articlePayload = z.strictObject({
  articleId: id,
  taskId: id.nullable().describe('null when the task was cleaned up before an approval'),
  position: count,
  title: z.string(),
  keyword: z.string(),
  reviewStatus: z.enum(['approved', 'pending_review']),
  reviewReason: z.string().optional().describe('Why a flagged article waits for review (quality check: ...)'),
});

export const reviewNeededPayload = z.strictObject({ taskId: id, pendingReviewCount: z.number().int().positive() });

/** article.published as sent: the article as it stands at its slot. */
export const articlePublishedPayload = z.strictObject({
  articleId: id,
  taskId: id.nullable(),
  position: count,
  distillationId: id.nullable(),
  keyword: z.string(),
  topics: z.array(z.string()),
  title: z.string(),
  content: z.string(),
  imageUrl: z.string().nullable(),
  reviewStatus: z.literal('approved'),
  reviewedAt: jsonTimestamp.nullable(),
  slot: jsonTimestamp.nullable().describe('The publication slot it waited for'),
});

/** What an article.published outbox row holds until its slot replaces it with the article (never sent as such by current workflows). */
export const publicationStubPayload = z.strictObject({ articleId: id, approvedAt: jsonTimestamp.nullable() });

export const webhookTestPayload = z.strictObject({ webhookId: id, url: z.string() });
