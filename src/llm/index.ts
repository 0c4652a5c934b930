import { createOfflineGenerator } from './offline-generator.js';
import { instrumentedLlmClient } from './instrumented.js';
import { createOpenAiClient } from './openai-client.js';
import type { LlmClient } from './types.js';

export * from './types.js';
export * from './errors.js';
export * from './prompt.js';
export * from './template.js';
export * from './parse-article.js';
export * from './openai-client.js';
export * from './offline-generator.js';
export * from './distill-prompt.js';
export * from './parse-questions.js';

export interface LlmConfig {
  baseUrl?: string;
  apiKey?: string;
  model: string;
  timeoutMs: number;
  /** Streamed answers (LLM_STREAMING): each piece reaches the request's onDelta as it arrives. */
  streaming?: boolean;
}

/** OpenAI-compatible client when a base URL is configured, otherwise the offline generator; both counted in the metrics and traced. */
export function createLlmClient(cfg: LlmConfig): LlmClient {
  const baseUrl = cfg.baseUrl?.trim();
  if (!baseUrl) return instrumentedLlmClient(createOfflineGenerator());
  return instrumentedLlmClient(
    createOpenAiClient({
      baseUrl,
      model: cfg.model,
      timeoutMs: cfg.timeoutMs,
      streaming: cfg.streaming === true,
      ...(cfg.apiKey ? { apiKey: cfg.apiKey } : {}),
    }),
  );
}
export * from './template-presets.js';
