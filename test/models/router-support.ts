import { randomUUID } from 'node:crypto';
import { eq, asc } from 'drizzle-orm';
import type { Db } from '../../src/db/client.js';
import { llmAttempts } from '../../src/db/schema.js';
import type { ModelSpec } from '../../src/llm/models/spec.js';
import { DEFAULT_ROUTER, type RouterSettings } from '../../src/config.js';

/** A registry entry for a loopback model; the id is unique per call, so breaker and window rows of other tests stay apart. */
export function loopbackModel(name: string, baseUrl: string | null, over: Partial<ModelSpec> = {}): ModelSpec {
  return {
    id: `${name}-${randomUUID().slice(0, 8)}`,
    displayName: name,
    baseUrl,
    model: `${name}-model`,
    apiKeyEnv: null,
    promptPriceMicrosPerMillion: 1_500_000,
    completionPriceMicrosPerMillion: 6_000_000,
    currency: 'USD',
    contextWindow: null,
    maxConcurrency: null,
    requestsPerMinute: null,
    tokensPerMinute: null,
    timeoutMs: 5_000,
    streaming: false,
    ...over,
  };
}

export const routerSettings = (over: Partial<RouterSettings> = {}): RouterSettings => ({ ...DEFAULT_ROUTER, ...over });

export const userMessage = (text: string) => [{ role: 'user' as const, content: text }];

/** The llm_attempts rows of an account, oldest first. */
export function attemptsOf(db: Db, accountId: number) {
  return db.select().from(llmAttempts).where(eq(llmAttempts.accountId, accountId)).orderBy(asc(llmAttempts.id));
}
