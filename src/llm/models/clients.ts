import { instrumentedLlmClient } from '../instrumented.js';
import { createOfflineGenerator } from '../offline-generator.js';
import { createOpenAiClient } from '../openai-client.js';
import type { LlmClient } from '../types.js';
import { offlineModel, type ConfiguredModels } from './model-config.js';
import { OFFLINE_MODEL_ID, type ModelSpec } from './spec.js';

/** A model as the router is handed it: its spec and, when the table keeps its key, the key sealed (opened only here). */
export type ModelWithKey = ModelSpec & { sealedKey?: string | null };

export interface ModelCatalog {
  /** The registry default: the route of an article when neither its task, its template nor its account names one. */
  defaultModelId: string;
  /** Models known without the table (config's): the table's row wins, these answer for a process never synced. */
  builtIn: ModelWithKey[];
  /** The client of a model, built once per model and settings (a changed URL, key or timeout builds a new one). */
  clientFor(spec: ModelWithKey): LlmClient;
}

export interface ModelCatalogOptions {
  configured: ConfiguredModels;
  /** Opens a key sealed with the payload key ring. */
  openSealedKey: (sealed: string) => string;
  /** Reads a key from the environment variable a model names. */
  keyFromEnv: (name: string) => string | undefined;
}

const settingsOf = (s: ModelWithKey) => JSON.stringify([s.baseUrl, s.model, s.timeoutMs, s.streaming, s.apiKeyEnv, s.sealedKey ?? null]);

/** One LlmClient per model, cached: the OpenAI-compatible client for a model with a base URL, the offline generator for none. */
export function createModelCatalog(o: ModelCatalogOptions): ModelCatalog {
  const cache = new Map<string, { settings: string; client: LlmClient }>();
  const build = (s: ModelWithKey): LlmClient => {
    if (!s.baseUrl) return instrumentedLlmClient(createOfflineGenerator());
    const apiKey = s.sealedKey ? o.openSealedKey(s.sealedKey) : s.apiKeyEnv ? o.keyFromEnv(s.apiKeyEnv) : undefined;
    return instrumentedLlmClient(createOpenAiClient({ baseUrl: s.baseUrl, model: s.model, timeoutMs: s.timeoutMs, streaming: s.streaming, ...(apiKey ? { apiKey } : {}) }));
  };
  return {
    defaultModelId: o.configured.defaultModelId,
    builtIn: o.configured.models,
    clientFor(spec) {
      const settings = settingsOf(spec);
      const hit = cache.get(spec.id);
      if (hit?.settings === settings) return hit.client;
      const client = build(spec);
      cache.set(spec.id, { settings, client });
      return client;
    },
  };
}

/**
 * A catalog around one ready client (the activities built with `llm` alone, as tests and tools do): it is the registry
 * default (`offline` for the offline generator, else `default`, price 0); other models of the table get clients of their own.
 */
export function singleClientCatalog(llm: LlmClient, timeoutMs: number): ModelCatalog {
  const id = llm.provider === 'offline' ? OFFLINE_MODEL_ID : 'default';
  // The offline model's shape (no base URL, price 0), named and described by the client it stands for.
  const spec: ModelSpec = { ...offlineModel(timeoutMs), id, displayName: llm.model, model: llm.model };
  const others = createModelCatalog({
    configured: { models: [], defaultModelId: id },
    openSealedKey: () => {
      throw new Error('this process has no payload key ring to open a model key');
    },
    keyFromEnv: () => undefined,
  });
  return { defaultModelId: id, builtIn: [spec], clientFor: (s) => (s.id === id ? llm : others.clientFor(s)) };
}
