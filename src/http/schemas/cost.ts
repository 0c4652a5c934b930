import { z } from 'zod';
import { LLM_ATTEMPT_OUTCOMES } from '../../db/schema.js';
import { count, id, timestamp } from './common.js';

/** An exact sum of money: tokens x prices as a decimal string, never rounded. */
export const money = z.object({
  amount: z.string().regex(/^\d+(\.\d+)?$/).describe('Exact decimal, e.g. "0.0000375" (tokens x prices per million tokens)'),
  currency: z.string().describe('ISO 4217, the models\' currency'),
});

/** `cost` and `costByCurrency` of a task or an article: every request it sent, refused drafts and failed attempts included. */
export const costFields = {
  cost: money.nullable().describe('What its requests to models cost; null when there were none or they were in several currencies (see costByCurrency)'),
  costByCurrency: z.array(money).describe('The cost per currency, one entry per currency its models charge in'),
};

export const llmAttempt = z.object({
  id,
  attempt: id.describe('The attempt or rewrite of the article the request belonged to'),
  model: z.string().describe('The registry id of the model it was sent to'),
  outcome: z.enum(LLM_ATTEMPT_OUTCOMES).describe("ok: the draft was used; refused: the quality gate refused it; failed: the provider failed"),
  errorKind: z.string().nullable(),
  errorStatus: z.number().int().nullable(),
  promptTokens: count,
  completionTokens: count,
  cost: money,
  durationMs: count,
  createdAt: timestamp,
});
