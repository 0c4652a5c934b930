export type LlmErrorKind = 'http' | 'timeout' | 'network' | 'invalid_response' | 'aborted';

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
        return true;
      case 'aborted':
        return false;
      case 'http': {
        const s = this.status ?? 0;
        return s === 408 || s === 429 || s >= 500;
      }
    }
  }

  static http(status: number, providerMessage: string, retryAfterMs?: number): LlmError {
    const detail = providerMessage.trim().slice(0, 300);
    const message = detail
      ? `LLM provider answered HTTP ${status}: ${detail}`
      : `LLM provider answered HTTP ${status}`;
    return new LlmError('http', message, retryAfterMs === undefined ? { status } : { status, retryAfterMs });
  }
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
