import { z } from 'zod';

/** What a client sends about distillations: the API's routes and the console's topic editor read the same rules. */

const topicList = z
  .array(z.string().trim().min(1, 'a topic must not be empty').max(500, 'a topic must be at most 500 characters'))
  .max(200, 'at most 200 topics per distillation');
export const distillationInput = z.object({
  keyword: z.string().trim().min(1, 'keyword is required').max(200, 'keyword must be at most 200 characters'),
  topics: topicList.default([]),
});
export const importInput = z.object({
  distillations: z.array(distillationInput).min(1, 'send at least one distillation').max(1000, 'at most 1000 per import'),
});

export const topicsInput = z.object({ topics: topicList });
