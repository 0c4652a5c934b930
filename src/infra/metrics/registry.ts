import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The one metrics registry of a process. The API, the workers and the domain record into the metrics below;
 * `npm start` runs API and worker in one process, so both land here once and one endpoint serves them.
 *
 * Conventions (docs/operations.md#metrics lists every metric): an `artgen_` prefix, units in names, counters
 * end in `_total`, durations are `_seconds` histograms, and labels take a few fixed values only: a route
 * pattern, a status, a model, an outcome. Never an id, a keyword or anything a user wrote.
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry });

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
const TOKENS = [16, 64, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768];

export const httpRequests = new Counter({
  name: 'artgen_http_requests_total',
  help: 'HTTP requests answered, by route pattern (never the path itself), method and status.',
  labelNames: ['route', 'method', 'status'] as const,
  registers: [registry],
});

export const httpRequestDuration = new Histogram({
  name: 'artgen_http_request_duration_seconds',
  help: 'Time from a request reaching the app to its answer headers, by route pattern, method and status.',
  labelNames: ['route', 'method', 'status'] as const,
  buckets: SECONDS,
  registers: [registry],
});

export const rateLimitRefusals = new Counter({
  name: 'artgen_rate_limit_refusals_total',
  help: 'Requests refused with 429, by the error code (RATE_LIMITED, AUTH_THROTTLED, TOO_MANY_STREAMS, QUOTA_EXCEEDED).',
  labelNames: ['code'] as const,
  registers: [registry],
});

/** The statuses a task ends in: each starts at 0 so that rate() and ratios see it before its first occurrence. */
export const FINAL_TASK_STATUSES = ['completed', 'failed', 'canceled', 'timeout'] as const;

export const tasksFinished = new Counter({
  name: 'artgen_tasks_finished_total',
  help: 'Tasks that reached a final status, counted by the process whose transaction ended them.',
  labelNames: ['status'] as const,
  registers: [registry],
});

export const articlesSaved = new Counter({
  name: 'artgen_articles_saved_total',
  help: 'Articles saved (a retried save of the same article is not counted again).',
  registers: [registry],
});

export const articlesFlagged = new Counter({
  name: 'artgen_articles_flagged_total',
  help: 'Articles saved with a quality flag (they wait for review whatever the task says).',
  registers: [registry],
});

export const articlesFailed = new Counter({
  name: 'artgen_articles_failed_total',
  help: 'Articles given up on for good, by state: failed (attempts spent) or skipped (distillation gone).',
  labelNames: ['state'] as const,
  registers: [registry],
});

export const LLM_OUTCOMES = ['ok', 'rate_limited', 'client_error', 'server_error', 'timeout', 'network', 'invalid_response', 'aborted', 'refused', 'too_long', 'unavailable'] as const;
export type LlmOutcome = (typeof LLM_OUTCOMES)[number];

export const llmRequests = new Counter({
  name: 'artgen_llm_requests_total',
  help: 'Requests to the LLM provider (each attempt), by configured model and outcome.',
  labelNames: ['model', 'outcome'] as const,
  registers: [registry],
});

export const llmRequestDuration = new Histogram({
  name: 'artgen_llm_request_duration_seconds',
  help: 'Time of one LLM request, answer or error, by configured model and outcome.',
  labelNames: ['model', 'outcome'] as const,
  buckets: SECONDS,
  registers: [registry],
});

export const llmTokens = new Histogram({
  name: 'artgen_llm_tokens',
  help: 'Tokens of one answered LLM request, by configured model and kind (prompt or completion). _sum is the tokens spent.',
  labelNames: ['model', 'kind'] as const,
  buckets: TOKENS,
  registers: [registry],
});

export const activityScheduleToStart = new Histogram({
  name: 'artgen_activity_schedule_to_start_seconds',
  help: "Queue latency: from an activity attempt's scheduling in Temporal to a worker starting it, by activity type and task queue.",
  labelNames: ['activity_type', 'task_queue'] as const,
  buckets: SECONDS,
  registers: [registry],
});

export const activityDuration = new Histogram({
  name: 'artgen_activity_duration_seconds',
  help: 'Time of one activity attempt in this worker, by activity type and outcome (ok or error).',
  labelNames: ['activity_type', 'outcome'] as const,
  buckets: SECONDS,
  registers: [registry],
});

export const WEBHOOK_ATTEMPT_OUTCOMES = ['succeeded', 'http_error', 'no_answer', 'refused'] as const;

export const webhookAttempts = new Counter({
  name: 'artgen_webhook_attempts_total',
  help: 'Webhook POSTs, by outcome: succeeded (2xx), http_error (another status), no_answer, refused (address not allowed).',
  labelNames: ['outcome'] as const,
  registers: [registry],
});

export const webhookDeliveriesFinished = new Counter({
  name: 'artgen_webhook_deliveries_total',
  help: 'Webhook deliveries finished, by outcome: succeeded, or failed once every attempt was spent.',
  labelNames: ['outcome'] as const,
  registers: [registry],
});

/** What a scrape reads from PostgreSQL (one cheap query): set by the process that has a database. */
export interface BacklogFigures {
  /** Non-terminal tasks by status. */
  tasks: Record<string, number>;
  /** Seconds since the running task that moved least recently last moved (0 with none running). */
  stalestRunningTaskSeconds: number;
  /** Running tasks that have not moved for 10 minutes. */
  tasksWithoutProgress: number;
  webhookPending: number;
  /** Age in seconds of the oldest pending webhook delivery that is due (0 with none). */
  webhookOldestPendingSeconds: number;
}

let backlogProbe: (() => Promise<BacklogFigures>) | null = null;
/** One probe per scrape, shared by every gauge below: the first gauge's collect() starts it, the rest await it. */
let pendingProbe: Promise<BacklogFigures | null> | null = null;

/** The probe a scrape runs for the backlog gauges; without one they stay absent. */
export function setBacklogProbe(probe: (() => Promise<BacklogFigures>) | null) {
  backlogProbe = probe;
}

function probeOnce(): Promise<BacklogFigures | null> {
  if (!backlogProbe) return Promise.resolve(null);
  if (!pendingProbe) {
    pendingProbe = backlogProbe().then(
      (figures) => figures,
      () => null,
    );
    // Forgotten once this scrape has collected (the next one asks again).
    void pendingProbe.then(() => setImmediate(() => (pendingProbe = null)));
  }
  return pendingProbe;
}

new Gauge({
  name: 'artgen_backlog_probe_up',
  help: 'Whether this scrape could read the backlog gauges from PostgreSQL (1) or not (0: timeout or error; they are then absent).',
  registers: [registry],
  async collect() {
    if (!backlogProbe) return this.reset();
    this.set((await probeOnce()) ? 1 : 0);
  },
});

/**
 * A gauge read from the probe at scrape time. Without figures it has no sample at all: an unlabelled gauge
 * would otherwise show 0 (an empty backlog) exactly while the database cannot tell.
 */
function backlogGauge(name: string, help: string, read: (f: BacklogFigures) => number) {
  const gauge = new Gauge({ name, help, registers: [registry] });
  const get = gauge.get.bind(gauge);
  gauge.get = async () => {
    const figures = await probeOnce();
    if (figures) gauge.set(read(figures));
    const metric = await get();
    return figures ? metric : { ...metric, values: [] };
  };
  return gauge;
}

new Gauge({
  name: 'artgen_tasks',
  help: 'Tasks not finished yet, by status (read from PostgreSQL at scrape time: the same figure from every process).',
  labelNames: ['status'] as const,
  registers: [registry],
  async collect() {
    const figures = await probeOnce();
    this.reset();
    if (figures) for (const [status, n] of Object.entries(figures.tasks)) this.set({ status }, n);
  },
});
backlogGauge('artgen_task_stalest_progress_age_seconds', 'Seconds since the running task that moved least recently last moved (0 with none running).', (f) => f.stalestRunningTaskSeconds);
backlogGauge('artgen_tasks_without_progress', 'Running tasks whose row has not moved for 10 minutes.', (f) => f.tasksWithoutProgress);
backlogGauge('artgen_webhook_outbox_pending', 'Webhook deliveries waiting to be delivered (the outbox backlog).', (f) => f.webhookPending);
backlogGauge('artgen_webhook_outbox_oldest_age_seconds', 'Age of the oldest due webhook delivery still pending (0 with none).', (f) => f.webhookOldestPendingSeconds);

for (const status of FINAL_TASK_STATUSES) tasksFinished.inc({ status }, 0);
for (const outcome of WEBHOOK_ATTEMPT_OUTCOMES) webhookAttempts.inc({ outcome }, 0);
for (const outcome of ['succeeded', 'failed']) webhookDeliveriesFinished.inc({ outcome }, 0);
for (const state of ['failed', 'skipped']) articlesFailed.inc({ state }, 0);
for (const code of ['RATE_LIMITED', 'AUTH_THROTTLED', 'TOO_MANY_STREAMS', 'QUOTA_EXCEEDED']) rateLimitRefusals.inc({ code }, 0);
articlesSaved.inc(0);
articlesFlagged.inc(0);
