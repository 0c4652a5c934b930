import { z } from 'zod';
import { REVIEW_STATUSES } from '../../db/schema.js';
import { EXPORT_FORMATS, MAX_BULK_REVIEW, REVIEW_ACTIONS, SINGLE_EXPORT_FORMATS } from '../../domain/articles/index.js';
import { idField, idQueryField } from './input-rules.js';

const timestamp = (field: string) =>
  z.iso.datetime({ offset: true, message: `${field} must be an ISO 8601 date-time such as 2025-01-31T00:00:00Z` }).transform((v) => new Date(v));

/** The article filter of lists, exports and bulk review, as query fields. */
export const articleFilterFields = {
  taskId: idQueryField('taskId').optional(),
  reviewStatus: z.enum(REVIEW_STATUSES, { message: `reviewStatus must be one of ${REVIEW_STATUSES.join(', ')}` }).optional(),
  distillationId: idQueryField('distillationId').optional(),
  keyword: z.string().min(1, 'keyword must not be empty').max(200, 'keyword must be at most 200 characters').optional(),
  createdFrom: timestamp('createdFrom').optional(),
  createdTo: timestamp('createdTo').optional(),
  q: z.string().trim().min(1, 'q must not be empty').max(200, 'q must be at most 200 characters').optional(),
};

/** The same filter in a JSON body (bulk review): ids are numbers there. */
const bodyFilter = z.strictObject({
  ...articleFilterFields,
  taskId: idField('taskId').optional(),
  distillationId: idField('distillationId').optional(),
});

export const reasonField = z.string().trim().min(1, 'reason must not be empty').max(2000, 'reason must be at most 2000 characters');

export const rejectBody = z.object({ reason: reasonField });

export const editBody = z
  .object({
    title: z.string().trim().min(1, 'title must not be empty').max(500, 'title must be at most 500 characters').optional(),
    content: z.string().min(1, 'content must not be empty').max(1_000_000, 'content must be at most 1000000 characters').optional(),
  })
  .refine((b) => b.title !== undefined || b.content !== undefined, { message: 'give title, content or both' })
  .meta({ minProperties: 1 });

export const bulkReviewBody = z
  .object({
    action: z.enum(REVIEW_ACTIONS, { message: `action must be one of ${REVIEW_ACTIONS.join(', ')}` }),
    reason: reasonField.optional(),
    ids: z.array(idField('ids[]')).min(1, 'ids must not be empty').max(MAX_BULK_REVIEW, `ids may hold at most ${MAX_BULK_REVIEW} ids`).optional(),
    filter: bodyFilter.optional(),
  })
  .refine((b) => (b.ids === undefined) !== (b.filter === undefined), { message: 'give either ids or filter, not both' })
  .refine((b) => (b.action === 'reject') === (b.reason !== undefined), { message: "reason is required for 'reject' and only for it" });

export const exportQuery = z.object({
  ...articleFilterFields,
  reviewStatus: articleFilterFields.reviewStatus.describe('Only articles in this review state; without it an export leaves rejected articles out'),
  format: z.enum(EXPORT_FORMATS, { message: `format must be one of ${EXPORT_FORMATS.join(', ')}` }).default('json'),
});

export const singleExportQuery = z.object({
  format: z.enum(SINGLE_EXPORT_FORMATS, { message: `format must be one of ${SINGLE_EXPORT_FORMATS.join(', ')}` }).default('md'),
});
