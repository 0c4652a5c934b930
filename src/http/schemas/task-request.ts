import { z } from 'zod';
import { MAX_ARTICLES_PER_TASK } from '../../domain/tasks/selection.js';
import { idField } from './input-rules.js';
import { modelRoute } from './model-route.js';

/** A task request: POST /api/article-generation/tasks and the template of a generation schedule. */
export const taskRequestSchema = z.object({
  articleCount: z
    .number({ message: 'articleCount is required and must be a number' })
    .int('articleCount must be a whole number')
    .min(1, 'articleCount must be at least 1')
    .max(MAX_ARTICLES_PER_TASK, `articleCount must be at most ${MAX_ARTICLES_PER_TASK}`),
  articleSettingId: idField('articleSettingId').nullish().describe('Deprecated: name a prompt template (templateId) instead'),
  templateId: idField('templateId').nullish().describe("The prompt template (its latest revision is pinned); absent: the account's default template"),
  knowledgeBaseId: idField('knowledgeBaseId').nullish(),
  albumId: idField('albumId').nullish(),
  conversionTargetId: idField('conversionTargetId').nullish(),
  priority: z.number().int().min(1, 'priority must be 1-10').max(10, 'priority must be 1-10').default(5),
  concurrency: z.number().int().min(1, 'concurrency must be 1-20').max(20, 'concurrency must be 1-20').optional(),
  autoApprove: z.boolean().default(true),
  maxRetries: z.number().int().min(0, 'maxRetries must be 0-10').max(10, 'maxRetries must be 0-10').default(3),
  timeoutSeconds: z
    .number()
    .int('timeoutSeconds must be a whole number')
    .min(10, 'timeoutSeconds must be at least 10')
    .max(7 * 24 * 3600, 'timeoutSeconds must be at most 604800 (7 days)')
    .optional(),
  models: modelRoute('models').nullish().describe("The route its articles are written on: registry ids (GET /api/models), tried in order; absent: the template's, else the account's default model"),
});
