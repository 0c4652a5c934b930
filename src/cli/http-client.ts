/** A small JSON client of the artgen HTTP API: bearer key, the API's error bodies, clear network errors. */
import { randomUUID } from 'node:crypto';

export const DEFAULT_TIMEOUT_MS = 60_000;

export type KeySource = 'option' | 'env' | 'file' | 'none';

export interface ClientOptions {
  url: string;
  apiKey?: string;
  /** Where the key came from, to make a 401 say what to fix. */
  keySource?: KeySource;
  timeoutMs?: number;
}

/** The API answered with an error: `{ error: { code, message, details } }`, or something else on a proxy's error page. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    /** Seconds from the answer's Retry-After header (a 429 or 503). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Waits before the retries of a create: the request may have been lost, or the API busy. */
export const CREATE_RETRY_DELAYS_MS = [500, 1_000, 2_000];
/** A 429 asking for a longer wait than this is reported instead of waited out. */
const MAX_RETRY_AFTER_SECONDS = 30;
/** No server took the request: nothing to repeat, and retrying a stopped service only delays the message. */
const NEVER_SENT = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN'];

/** The wait before repeating a create after `err`, or undefined when repeating cannot help. */
function retryDelayMs(err: unknown, attempt: number): number | undefined {
  if (attempt >= CREATE_RETRY_DELAYS_MS.length) return undefined;
  if (err instanceof ConnectionError) return NEVER_SENT.includes(err.reason) ? undefined : CREATE_RETRY_DELAYS_MS[attempt];
  if (!(err instanceof ApiError)) return undefined;
  if (err.status === 429 && err.code === 'RATE_LIMITED' && (err.retryAfterSeconds ?? Infinity) <= MAX_RETRY_AFTER_SECONDS) return err.retryAfterSeconds! * 1000;
  return [502, 503, 504].includes(err.status) ? CREATE_RETRY_DELAYS_MS[attempt] : undefined;
}

/** The API could not be reached at all (refused, unknown host, timeout, reset). */
export class ConnectionError extends Error {
  constructor(
    message: string,
    readonly reason: string,
  ) {
    super(message);
    this.name = 'ConnectionError';
  }
}

export type Query = Record<string, string | number | boolean | undefined | null>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  /** Statuses >= 400 whose body is a normal answer (the health check's 503). */
  acceptStatuses?: number[];
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export interface ApiResponse<T> {
  status: number;
  body: T;
}

/** Error codes along the cause chain; undici wraps them (and an AggregateError when several addresses failed). */
function networkCodes(err: unknown, depth = 0): string[] {
  if (!err || typeof err !== 'object' || depth > 5) return [];
  const e = err as { code?: unknown; cause?: unknown; errors?: unknown };
  const own = typeof e.code === 'string' ? [e.code] : [];
  const nested = Array.isArray(e.errors) ? e.errors.flatMap((x) => networkCodes(x, depth + 1)) : [];
  return [...own, ...nested, ...networkCodes(e.cause, depth + 1)];
}

const START_HINT = 'Is the service running? Start it with `npm start` in the artgen directory, or point --url (ARTGEN_URL) at a running API.';

/** Turns a failed fetch into a sentence that names the URL and what to do. */
export function describeNetworkError(err: unknown, url: string): ConnectionError {
  const name = (err as { name?: string } | null)?.name;
  if (name === 'TimeoutError') {
    return new ConnectionError(`The artgen API at ${url} did not answer in time.`, 'timeout');
  }
  const codes = networkCodes(err);
  if (codes.includes('ECONNREFUSED')) {
    return new ConnectionError(`Cannot connect to the artgen API at ${url}: connection refused. ${START_HINT}`, 'ECONNREFUSED');
  }
  if (codes.includes('ENOTFOUND') || codes.includes('EAI_AGAIN')) {
    return new ConnectionError(`Cannot resolve the host of ${url}. Check --url (ARTGEN_URL).`, codes.includes('ENOTFOUND') ? 'ENOTFOUND' : 'EAI_AGAIN');
  }
  const reason = codes[0] ?? (err instanceof Error ? err.message : String(err));
  return new ConnectionError(`The connection to the artgen API at ${url} failed (${reason}). ${START_HINT}`, reason);
}

/** Validates and normalizes the base URL; a bad one is the user's to fix. */
export function normalizeBaseUrl(raw: string): string {
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new Error(`--url must be an http(s) URL such as http://127.0.0.1:3000, got '${raw}'.`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new Error(`--url must be an http(s) URL such as http://127.0.0.1:3000, got '${raw}'.`);
  }
  return parsed.toString().replace(/\/+$/, '');
}

function keyHint(source: KeySource | undefined): string {
  switch (source) {
    case 'none':
      return ' No API key was given: pass --api-key, set ARTGEN_API_KEY, or run artgen in the directory of `npm start` so .data/api-key is used.';
    case 'file':
      return ' (The key was read from ./.data/api-key; pass --api-key or set ARTGEN_API_KEY for another one.)';
    case 'env':
      return ' (The key came from ARTGEN_API_KEY.)';
    default:
      return '';
  }
}

export class ApiClient {
  readonly baseUrl: string;
  private readonly apiKey: string | undefined;
  private readonly keySource: KeySource | undefined;
  private readonly timeoutMs: number;

  constructor(opts: ClientOptions) {
    this.baseUrl = normalizeBaseUrl(opts.url);
    this.apiKey = opts.apiKey;
    this.keySource = opts.keySource;
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  url(path: string, query?: Query): string {
    const url = new URL(this.baseUrl + (path.startsWith('/') ? path : `/${path}`));
    for (const [k, v] of Object.entries(query ?? {})) {
      if (v !== undefined && v !== null) url.searchParams.set(k, String(v));
    }
    return url.toString();
  }

  headers(extra: Record<string, string> = {}): Record<string, string> {
    return { ...(this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {}), ...extra };
  }

  /** One request; any network failure becomes a ConnectionError, any error status an ApiError. */
  async fetch(path: string, init: RequestInit & { query?: Query } = {}): Promise<Response> {
    const { query, ...rest } = init;
    try {
      return await fetch(this.url(path, query), rest);
    } catch (err) {
      if ((err as { name?: string }).name === 'AbortError') throw err;
      throw describeNetworkError(err, this.baseUrl);
    }
  }

  /** The error a non-2xx answer stands for, from the API's `{ error: { code, message, details } }` body. */
  async errorOf(res: Response): Promise<ApiError> {
    const text = await res.text().catch(() => '');
    let body: any = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = null;
    }
    const e = body?.error;
    const retryAfter = Number(res.headers.get('retry-after') ?? NaN);
    if (e && typeof e.message === 'string') {
      const message = res.status === 401 ? e.message + keyHint(this.keySource) : e.message;
      return new ApiError(res.status, typeof e.code === 'string' ? e.code : `HTTP_${res.status}`, message, e.details, Number.isFinite(retryAfter) ? retryAfter : undefined);
    }
    const snippet = text.trim().slice(0, 200);
    return new ApiError(res.status, `HTTP_${res.status}`, `The API answered HTTP ${res.status} ${res.statusText}${snippet ? `: ${snippet}` : ''}.`);
  }

  async request<T = any>(method: string, path: string, opts: RequestOptions = {}): Promise<ApiResponse<T>> {
    const hasBody = opts.body !== undefined;
    const res = await this.fetch(path, {
      method,
      query: opts.query,
      headers: this.headers({ accept: 'application/json', ...(hasBody ? { 'content-type': 'application/json' } : {}), ...opts.headers }),
      body: hasBody ? JSON.stringify(opts.body) : undefined,
      signal: opts.signal ?? AbortSignal.timeout(this.timeoutMs),
    });
    if (res.status >= 400 && !opts.acceptStatuses?.includes(res.status)) throw await this.errorOf(res);
    const text = await res.text();
    let body: any = null;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        throw new ApiError(res.status, 'INVALID_RESPONSE', `The API answered HTTP ${res.status} with a body that is not JSON: ${text.slice(0, 200)}`);
      }
    }
    return { status: res.status, body: body as T };
  }

  async get<T = any>(path: string, query?: Query): Promise<T> {
    return (await this.request<T>('GET', path, { query })).body;
  }

  async post<T = any>(path: string, body?: unknown, query?: Query): Promise<T> {
    return (await this.request<T>('POST', path, { body, query })).body;
  }

  /**
   * A POST that creates something (a task, a retry, a schedule), sent with a random Idempotency-Key.
   * A lost connection, a 502/503/504 or a short 429 is retried with the same key, so the API answers
   * the first request's result instead of creating twice.
   */
  async create<T = any>(path: string, body?: unknown, key: string = randomUUID()): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return (await this.request<T>('POST', path, { body, headers: { 'idempotency-key': key } })).body;
      } catch (err) {
        const delay = retryDelayMs(err, attempt);
        if (delay === undefined) throw err;
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  async delete<T = any>(path: string): Promise<T> {
    return (await this.request<T>('DELETE', path)).body;
  }
}
