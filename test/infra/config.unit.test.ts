import { describe, expect, it } from 'vitest';
import { ConfigError, limitDefaults, loadConfig } from '../../src/config.js';

describe('configuration', () => {
  it('has working defaults for the embedded mode (no variables at all)', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ PORT: 3000, TEMPORAL_NAMESPACE: 'default', TASK_QUEUE: 'article-tasks', LLM_TASK_QUEUE: 'article-llm' });
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.LLM_BASE_URL).toBeUndefined();
    expect(c.dataDir).toMatch(/\.data$/);
  });

  it('gives quality rewrites a budget of their own, apart from the provider attempts', () => {
    expect(loadConfig({})).toMatchObject({ QUALITY_MAX_REWRITES: 3, LLM_MAX_ATTEMPTS: 5 });
    expect(loadConfig({ QUALITY_MAX_REWRITES: '0' }).QUALITY_MAX_REWRITES).toBe(0);
  });

  it('passes the auth throttle and the stream caps into the limit defaults', () => {
    expect(limitDefaults(loadConfig({}))).toMatchObject({
      authFailureWindowSeconds: 60,
      authFailuresPerAddress: 100,
      authFailuresPerKeyPrefix: 10,
      streamsPerKey: 20,
      streamsPerAccount: 50,
      streamsPerProcess: 1000,
      streamLeaseSeconds: 30,
    });
    expect(limitDefaults(loadConfig({ AUTH_FAILURES_PER_ADDRESS: '7', STREAMS_PER_ACCOUNT: '3' }))).toMatchObject({ authFailuresPerAddress: 7, streamsPerAccount: 3 });
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', LLM_BASE_URL: '  ' }).DATABASE_URL).toBeUndefined();
    expect(loadConfig({ TEMPORAL_UI_URL: ' ' }).TEMPORAL_UI_URL).toBeUndefined();
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL'],
    [{ LLM_BASE_URL: 'nope' }, 'LLM_BASE_URL'],
    [{ LLM_TIMEOUT_MS: '5' }, 'LLM_TIMEOUT_MS'],
    [{ DEV_API_KEY: 'short' }, 'DEV_API_KEY'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ LLM_API_KEY: 'sk-123' }, 'LLM_BASE_URL'],
    [{ TEMPORAL_UI_URL: 'temporal-ui:8080' }, 'TEMPORAL_UI_URL'],
    [{ QUALITY_MAX_REWRITES: '-1' }, 'QUALITY_MAX_REWRITES'],
    [{ AUTH_FAILURES_PER_KEY_PREFIX: '0' }, 'AUTH_FAILURES_PER_KEY_PREFIX'],
    [{ STREAMS_PER_KEY: 'many' }, 'STREAMS_PER_KEY'],
    [{ STREAM_LEASE_SECONDS: '1' }, 'STREAM_LEASE_SECONDS'],
  ])('rejects %o naming %s', (env, name) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(`${name}:`));
  });

  it('shows the bad value, but never a secret', () => {
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(/PORT: .* \(got "abc"\)$/);
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL: .* \(got "loud"\)$/);
    const secrets = { DEV_API_KEY: 'short-secret', LLM_API_KEY: 'sk-very-secret', DATABASE_URL: 'postgres://u:hunter2@db:port/x' };
    let message = '';
    try {
      loadConfig(secrets);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/DEV_API_KEY: .* \(got a value of 12 characters, hidden\)$/m);
    expect(message).toMatch(/DATABASE_URL: .* \(got "postgres:\/\/u:\*\*\*@db:port\/x"\)$/m);
    for (const secret of ['short-secret', 'sk-very-secret', 'hunter2']) expect(message).not.toContain(secret);
  });
});
