import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, modelRegistry } from '../../src/config.js';

const entry = { id: 'a', baseUrl: 'http://host/v1', model: 'name', apiKeyEnv: 'A_KEY', promptPricePerMillion: 1.5, completionPricePerMillion: 6, currency: 'USD', maxConcurrency: 5, streaming: true };

describe('LLM_MODELS', () => {
  it("takes the issue's shape as a JSON list: the first model is the default, offline is always there at price 0", () => {
    const registry = modelRegistry(loadConfig({ LLM_MODELS: JSON.stringify([entry, { ...entry, id: 'b', apiKeyEnv: undefined, displayName: 'B' }]) }));
    expect(registry.defaultModelId).toBe('a');
    expect(registry.models.map((m) => m.id)).toEqual(['a', 'b', 'offline']);
    expect(registry.models[0]).toMatchObject({ promptPriceMicrosPerMillion: 1_500_000, completionPriceMicrosPerMillion: 6_000_000, currency: 'USD', maxConcurrency: 5, streaming: true, apiKeyEnv: 'A_KEY', displayName: 'a', timeoutMs: 120_000 });
    expect(registry.models[1]).toMatchObject({ displayName: 'B', apiKeyEnv: null, streaming: true });
    expect(registry.models[2]).toMatchObject({ baseUrl: null, promptPriceMicrosPerMillion: 0, completionPriceMicrosPerMillion: 0 });
  });

  it('reads a file path as well', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'models-')), 'models.json');
    writeFileSync(file, JSON.stringify([entry]));
    expect(modelRegistry(loadConfig({ LLM_MODELS: file })).models.map((m) => m.id)).toEqual(['a', 'offline']);
  });

  it.each([
    [[{ ...entry, promptPricePerMillion: -1 }], 'entry 1 ("a"): promptPricePerMillion: must be >= 0'],
    [[entry, { ...entry, id: 'b', currency: 'usd' }], 'entry 2 ("b"): currency: must be an ISO 4217 code'],
    [[{ ...entry, baseUrl: 'ftp://x' }], 'entry 1 ("a"): baseUrl: must be an http(s) URL'],
    [[{ ...entry, promptPricePerMillion: 0.0000001 }], 'promptPricePerMillion: may have at most 6 decimals'],
    [[{ ...entry, colour: 'red' }], 'entry 1 ("a"): (entry): Unrecognized key'],
    [[{ ...entry, model: undefined }], 'entry 1 ("a"): model:'],
    [[entry, entry], 'entry 2 ("a"): id: "a" is listed twice'],
    [[{ ...entry, id: 'offline' }], '"offline" is the built-in offline generator'],
    [[], 'must be a non-empty JSON list'],
  ])('refuses a bad entry naming the entry and the field: %j', (list, message) => {
    expect(() => loadConfig({ LLM_MODELS: JSON.stringify(list) })).toThrow(message);
  });

  it('refuses text that is neither JSON nor a readable file', () => {
    expect(() => loadConfig({ LLM_MODELS: '[{"id":' })).toThrow('LLM_MODELS: is not valid JSON');
    expect(() => loadConfig({ LLM_MODELS: '/nonexistent/models.json' })).toThrow('LLM_MODELS: is neither a JSON list nor a readable file (ENOENT)');
  });

  it('unset: the old LLM_* variables are one model named default, and without a base URL offline is the default', () => {
    const legacy = modelRegistry(loadConfig({ LLM_BASE_URL: 'http://h/v1', LLM_MODEL: 'gpt-x', LLM_API_KEY: 'k' }));
    expect(legacy.defaultModelId).toBe('default');
    expect(legacy.models[0]).toMatchObject({ id: 'default', baseUrl: 'http://h/v1', model: 'gpt-x', apiKeyEnv: 'LLM_API_KEY', promptPriceMicrosPerMillion: 0 });
    const none = modelRegistry(loadConfig({}));
    expect(none).toMatchObject({ defaultModelId: 'offline', models: [{ id: 'offline' }] });
  });
});
