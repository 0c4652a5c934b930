import { z } from 'zod';

/**
 * What a client sends about distillations: the API's routes, the console's forms and the import-file
 * checker (./distillation-file.ts) read the same rules.
 */

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

interface LengthLimits {
  maxLength?: number;
  maxItems?: number;
  items?: LengthLimits;
  properties?: Record<string, LengthLimits>;
}

/** The limits as the schema states them (read from its JSON Schema), so no checker restates them by hand. */
function limitsOf(schema: z.ZodType) {
  const distillations = (z.toJSONSchema(schema, { io: 'input' }) as LengthLimits).properties!.distillations!;
  const { keyword, topics } = distillations.items!.properties!;
  return { keywordMax: keyword!.maxLength!, topicMax: topics!.items!.maxLength!, topicsMax: topics!.maxItems!, importMax: distillations.maxItems! };
}

/** At most: characters of a keyword and of a topic, topics per distillation, distillations per import. */
export const DISTILLATION_LIMITS = limitsOf(importInput);
