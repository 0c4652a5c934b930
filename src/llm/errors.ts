/**
 * `refused`: the provider declined the content (its content filter); `too_long`: the prompt does not fit the model's
 * context window, so it was not sent; `unavailable`: every model of the route is unhealthy or cooling down.
 */
export type LlmErrorKind = 'http' | 'timeout' | 'network' | 'invalid_response' | 'aborted' | 'refused' | 'too_long' | 'unavailable';

export interface LlmErrorOptions {
  status?: number;
  retryAfterMs?: number;
  cause?: unknown;
}

export class LlmError extends Error {
  readonly kind: LlmErrorKind;
  readonly status?: number;
  readonly retryAfterMs?: number;

  constructor(kind: LlmErrorKind, message: string, opts: LlmErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'LlmError';
    this.kind = kind;
    if (opts.status !== undefined) this.status = opts.status;
    if (opts.retryAfterMs !== undefined) this.retryAfterMs = opts.retryAfterMs;
  }

  get retryable(): boolean {
    switch (this.kind) {
      case 'timeout':
      case 'network':
      case 'invalid_response':
      case 'unavailable':
        return true;
      case 'aborted':
      case 'refused':
      case 'too_long':
        return false;
      case 'http': {
        const s = this.status ?? 0;
        return s === 408 || s === 429 || s >= 500;
      }
    }
  }

  /**
   * A provider's non-2xx answer, described by its status and the provider's error code and type only:
   * providers and gateways quote the request in their messages, and this message reaches the task's
   * error, the workflow history and the logs, so the tenant's prompt must not ride along.
   */
  static http(status: number, providerError: ProviderErrorId = {}, retryAfterMs?: number): LlmError {
    const id = [providerError.type, providerError.code].filter((v): v is string => v !== undefined).join('/');
    const message = id ? `LLM provider answered HTTP ${status} (${id})` : `LLM provider answered HTTP ${status}`;
    return new LlmError('http', message, retryAfterMs === undefined ? { status } : { status, retryAfterMs });
  }
}

/** The machine-readable part of a provider's error body: `error.type` and `error.code` of the OpenAI format. */
export interface ProviderErrorId {
  type?: string;
  code?: string;
}

// An identifier, not prose: a provider's code or type that quotes anything else is dropped.
const IDENTIFIER = /^[A-Za-z0-9_.:-]{1,64}$/;

/** The provider error's type and code from a response body, each kept only when it is a short identifier. */
export function providerErrorId(bodyText: string): ProviderErrorId {
  let error: unknown;
  try {
    error = (JSON.parse(bodyText) as { error?: unknown })?.error;
  } catch {
    return {};
  }
  if (!error || typeof error !== 'object') return {};
  const pick = (v: unknown) => (typeof v === 'string' && IDENTIFIER.test(v) ? v : typeof v === 'number' && Number.isInteger(v) ? String(v) : undefined);
  const { type, code } = error as { type?: unknown; code?: unknown };
  const id: ProviderErrorId = {};
  const t = pick(type);
  const c = pick(code);
  if (t !== undefined) id.type = t;
  if (c !== undefined && c !== t) id.code = c;
  return id;
}

export function isLlmError(err: unknown): err is LlmError {
  return err instanceof LlmError;
}

/** Retry-After is either delta-seconds or an HTTP date; returns ms (>= 0) or undefined. */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value == null) return undefined;
  const v = value.trim();
  if (v === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const date = Date.parse(v);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
