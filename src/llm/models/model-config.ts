import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { OFFLINE_MODEL_ID, priceToMicros, type ModelSpec } from './spec.js';

/** A registry id: what tasks, routes, accounts and attempts name. */
export const MODEL_ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$';
export const modelId = z
  .string()
  .regex(new RegExp(MODEL_ID_PATTERN), 'must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit');

const price = z
  .number({ message: 'must be a number (currency units per million tokens)' })
  .min(0, 'must be >= 0')
  .refine((v) => {
    if (v < 0) return true; // said by min()
    try {
      priceToMicros(v);
      return true;
    } catch {
      return false;
    }
  }, 'may have at most 6 decimals');
const positiveInt = (max: number) => z.number().int('must be a whole number').min(1, 'must be >= 1').max(max);

/** The fields of a model as `LLM_MODELS` and the admin API take them (prices per million tokens, as a provider lists them). */
export const modelFields = {
  id: modelId,
  displayName: z.string().trim().min(1).max(200).optional(),
  baseUrl: z.url({ message: 'must be an http(s) URL such as https://api.openai.com/v1', protocol: /^https?$/ }),
  model: z.string().trim().min(1, 'must name the provider model').max(200),
  apiKeyEnv: z.string().regex(/^[A-Z_][A-Z0-9_]{0,127}$/, 'must be an environment variable name such as OPENAI_API_KEY').optional(),
  promptPricePerMillion: price,
  completionPricePerMillion: price,
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD or CNY'),
  contextWindow: positiveInt(100_000_000).optional(),
  maxConcurrency: positiveInt(100_000).optional(),
  requestsPerMinute: positiveInt(10_000_000).optional(),
  tokensPerMinute: positiveInt(1_000_000_000).optional(),
  timeoutMs: z.number().int('must be a whole number').min(100).max(3_600_000).optional(),
  streaming: z.boolean().optional(),
};

export const modelEntrySchema = z.strictObject(modelFields);
export type ModelEntry = z.infer<typeof modelEntrySchema>;

/** A parsed entry as the registry holds it (integer prices, every field present). */
export function specFromEntry(e: ModelEntry, defaultTimeoutMs: number): ModelSpec {
  return {
    id: e.id,
    displayName: e.displayName ?? e.id,
    baseUrl: e.baseUrl,
    model: e.model,
    apiKeyEnv: e.apiKeyEnv ?? null,
    promptPriceMicrosPerMillion: priceToMicros(e.promptPricePerMillion),
    completionPriceMicrosPerMillion: priceToMicros(e.completionPricePerMillion),
    currency: e.currency,
    contextWindow: e.contextWindow ?? null,
    maxConcurrency: e.maxConcurrency ?? null,
    requestsPerMinute: e.requestsPerMinute ?? null,
    tokensPerMinute: e.tokensPerMinute ?? null,
    timeoutMs: e.timeoutMs ?? defaultTimeoutMs,
    streaming: e.streaming ?? false,
  };
}

export class ModelConfigError extends Error {
  override readonly name = 'ModelConfigError';
}

/** `LLM_MODELS`' text: a JSON list in place (starting with "["), otherwise the path of a file holding one. */
export function readModelList(value: string): string {
  if (value.trimStart().startsWith('[')) return value;
  try {
    return readFileSync(value, 'utf8');
  } catch (err) {
    throw new ModelConfigError(`is neither a JSON list nor a readable file (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
}

/**
 * Parses `LLM_MODELS` (a JSON list or a file path) into specs, in order. A bad entry throws a ModelConfigError naming the
 * entry (position and id) and the field; `offline` is built in and duplicate ids are refused.
 */
export function parseModelList(value: string, defaultTimeoutMs: number): ModelSpec[] {
  let list: unknown;
  try {
    list = JSON.parse(readModelList(value));
  } catch (err) {
    if (err instanceof ModelConfigError) throw err;
    throw new ModelConfigError(`is not valid JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(list) || list.length === 0) throw new ModelConfigError('must be a non-empty JSON list of models');
  const seen = new Set<string>();
  return list.map((raw, i) => {
    const named = typeof (raw as { id?: unknown })?.id === 'string' ? ` ("${(raw as { id: string }).id}")` : '';
    const parsed = modelEntrySchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = issue.path.join('.') || '(entry)';
      throw new ModelConfigError(`entry ${i + 1}${named}: ${field}: ${issue.message}`);
    }
    const id = parsed.data.id;
    if (id === OFFLINE_MODEL_ID) throw new ModelConfigError(`entry ${i + 1}${named}: id: "${OFFLINE_MODEL_ID}" is the built-in offline generator`);
    if (seen.has(id)) throw new ModelConfigError(`entry ${i + 1}${named}: id: "${id}" is listed twice`);
    seen.add(id);
    return specFromEntry(parsed.data, defaultTimeoutMs);
  });
}

/** The offline generator as a model: no provider, price 0. */
export function offlineModel(timeoutMs: number): ModelSpec {
  return {
    id: OFFLINE_MODEL_ID,
    displayName: 'Offline generator',
    baseUrl: null,
    model: 'offline-template-v1',
    apiKeyEnv: null,
    promptPriceMicrosPerMillion: 0,
    completionPriceMicrosPerMillion: 0,
    currency: 'USD',
    contextWindow: null,
    maxConcurrency: null,
    requestsPerMinute: null,
    tokensPerMinute: null,
    timeoutMs,
    streaming: false,
  };
}

/** The registry id of the one model the old `LLM_BASE_URL` / `LLM_MODEL` / `LLM_API_KEY` variables describe. */
export const LEGACY_MODEL_ID = 'default';

export interface ConfiguredModels {
  /** Every model config names, offline last; upserted into llm_models at start. */
  models: ModelSpec[];
  /** The registry default: the first of LLM_MODELS, else `default` (LLM_BASE_URL), else `offline`. */
  defaultModelId: string;
}

/** The registry config describes: LLM_MODELS, else the old LLM_* variables as one model, and always `offline`. */
export function configuredModels(c: { LLM_MODELS?: string | undefined; LLM_BASE_URL?: string | undefined; LLM_MODEL: string; LLM_TIMEOUT_MS: number; LLM_STREAMING?: boolean }): ConfiguredModels {
  const offline = offlineModel(c.LLM_TIMEOUT_MS);
  if (c.LLM_MODELS) {
    const listed = parseModelList(c.LLM_MODELS, c.LLM_TIMEOUT_MS);
    return { models: [...listed, offline], defaultModelId: listed[0]!.id };
  }
  if (c.LLM_BASE_URL) {
    const legacy: ModelSpec = {
      ...offline,
      id: LEGACY_MODEL_ID,
      displayName: c.LLM_MODEL,
      baseUrl: c.LLM_BASE_URL,
      model: c.LLM_MODEL,
      apiKeyEnv: 'LLM_API_KEY',
      streaming: c.LLM_STREAMING ?? false,
    };
    return { models: [legacy, offline], defaultModelId: LEGACY_MODEL_ID };
  }
  return { models: [offline], defaultModelId: offline.id };
}
