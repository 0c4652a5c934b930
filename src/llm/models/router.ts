import { DEFAULT_ROUTER, type RouterSettings } from '../../config.js';
import type { Db } from '../../db/client.js';
import { LlmError } from '../errors.js';
import { instrumentedLlmClient } from '../instrumented.js';
import { createOfflineGenerator } from '../offline-generator.js';
import { createOpenAiClient } from '../openai-client.js';
import type { CompletionRequest, CompletionResult, LlmClient } from '../types.js';
import { recordAttempt } from './attempts.js';
import { holdRetryAfter, recordModelFailure } from './breaker.js';
import { fitPromptToContextWindow, type FittedPrompt } from './context-fit.js';
import { admitRequest } from './flow-control.js';
import type { ModelSpec } from './spec.js';
import { LocalWake } from './wake.js';

export { markAttemptRefused } from './attempts.js';
export { fitPromptToContextWindow, type FittedPrompt } from './context-fit.js';

export interface RoutedRequest extends CompletionRequest {
  accountId: number;
  taskId?: number;
  position?: number;
  runId?: number;
  attempt: number;
}

export interface RoutedResult extends CompletionResult {
  modelId: string;
  attemptId: number;
  costPico: bigint;
  currency: string;
  /** Knowledge passages dropped (lowest-ranked first) to fit the model's context window; the article records the rest. */
  droppedKnowledgePassages: number;
}

export interface ModelRouter {
  /** Sends the request to the first healthy model of `route` (failing over), records one llm_attempts row per request
   *  sent (outcome 'ok' or 'failed', tokens, cost), and returns the reply with the row id of the successful request. */
  complete(route: ModelSpec[], req: RoutedRequest): Promise<RoutedResult>;
}

export interface ModelRouterOptions {
  db: Db;
  settings?: RouterSettings;
  /**
   * The client of a model (e.g. the registry's, which unseals stored keys); default: built here once per spec, the
   * OpenAI-compatible client with the key `apiKeyOf` gives, or the offline generator for a model without a base URL.
   */
  clientFor?: (spec: ModelSpec) => LlmClient;
  /** A model's key by its spec when the router builds its clients; default: the environment variable `apiKeyEnv` names. */
  apiKeyOf?: (spec: ModelSpec) => string | undefined;
  /** How often a request waiting for a slot another worker holds looks again (a slot this process frees wakes it at once). */
  slotPollMs?: number;
}

const DEFAULT_SLOT_POLL_MS = 100;
/** A 429 without Retry-After holds the model this long. */
const DEFAULT_RETRY_AFTER_MS = 1_000;

/**
 * The router every LLM request of the workers goes through: per request, the first model of the route that is healthy
 * (its circuit breaker, shared by every worker in llm_model_health) and has room (its concurrency, requests and
 * tokens per minute, shared in llm_model_requests) takes it; a full model spills to the next one, and when all are full
 * the request waits for a slot (abortable by its signal). Retryable failures count toward the model's breaker and fail
 * over; a 429 first waits out its Retry-After (a few times, every worker holding off); errors a retry cannot mend (400,
 * 401, 403, a content refusal, a prompt too long for every model) are thrown as they are.
 *
 * @example const reply = await createModelRouter({ db }).complete([a, b], { messages, accountId, taskId, position, attempt: 1 });
 */
export function createModelRouter(opts: ModelRouterOptions): ModelRouter {
  const { db } = opts;
  const settings = opts.settings ?? DEFAULT_ROUTER;
  const pollMs = opts.slotPollMs ?? DEFAULT_SLOT_POLL_MS;
  const apiKeyOf = opts.apiKeyOf ?? ((spec: ModelSpec) => (spec.apiKeyEnv ? process.env[spec.apiKeyEnv] : undefined));
  const clients = new Map<string, LlmClient>();
  const wake = new LocalWake();

  const clientFor = opts.clientFor ?? ownClient;

  function ownClient(spec: ModelSpec): LlmClient {
    const apiKey = spec.baseUrl ? apiKeyOf(spec) : undefined;
    const key = JSON.stringify([spec.id, spec.baseUrl, spec.model, spec.timeoutMs, spec.streaming, apiKey ?? null]);
    let client = clients.get(key);
    if (!client) {
      client = instrumentedLlmClient(
        spec.baseUrl === null
          ? createOfflineGenerator()
          : createOpenAiClient({ baseUrl: spec.baseUrl, model: spec.model, timeoutMs: spec.timeoutMs, streaming: spec.streaming, ...(apiKey ? { apiKey } : {}) }),
      );
      clients.set(key, client);
    }
    return client;
  }

  async function complete(route: ModelSpec[], req: RoutedRequest): Promise<RoutedResult> {
    if (route.length === 0) throw new RangeError('a route names at least one model');
    const fitted = new Map<string, FittedPrompt | LlmError>();
    const fit = async (spec: ModelSpec) => {
      if (!fitted.has(spec.id)) {
        fitted.set(spec.id, await fitPromptToContextWindow(spec, req.messages, settings.completionReserveTokens).catch((err: unknown) => {
          if (err instanceof LlmError) return err;
          throw err;
        }));
      }
      return fitted.get(spec.id)!;
    };
    /** Models this request gave up on: failed past their retries, or its prompt does not fit them. */
    const given = new Set<string>();
    const retriesLeft = new Map(route.map((m) => [m.id, settings.retryAfterRetries]));
    let lastFailure: LlmError | undefined;
    let tooLong: LlmError | undefined;

    for (;;) {
      throwIfAborted(req.signal);
      const open = route.filter((m) => !given.has(m.id));
      if (open.length === 0) throw lastFailure ?? tooLong!;
      let waitMs: number | null = null;
      let unhealthy = 0;
      let soonestBack = Infinity;
      let sent: Sent | null = null;
      for (const spec of open) {
        const prompt = await fit(spec);
        if (prompt instanceof LlmError) {
          given.add(spec.id);
          tooLong = prompt;
          continue;
        }
        const admission = await admitRequest(db, spec, prompt.promptTokens + settings.completionReserveTokens);
        if (admission.kind === 'unhealthy') {
          unhealthy++;
          soonestBack = Math.min(soonestBack, admission.ms);
          continue;
        }
        if (admission.kind === 'wait') {
          waitMs = Math.min(waitMs ?? Infinity, admission.ms ?? pollMs);
          continue;
        }
        sent = await send(spec, prompt, admission.leaseId, req);
        break;
      }

      if (sent?.kind === 'ok') return sent.result;
      if (sent?.kind === 'failed') {
        const { spec, error } = sent;
        if (!error.retryable) throw error;
        const retryAfter = error.status === 429 ? (error.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS) : undefined;
        const left = retriesLeft.get(spec.id) ?? 0;
        if (retryAfter !== undefined && retryAfter <= settings.retryAfterMaxMs && left > 0) {
          retriesLeft.set(spec.id, left - 1);
          if (retryAfter > 0) await holdRetryAfter(db, spec.id, retryAfter);
          continue;
        }
        await recordModelFailure(db, spec.id, settings.breakerFailures, settings.breakerCooldownMs);
        given.add(spec.id);
        lastFailure = error;
        continue;
      }
      if (unhealthy > 0 && unhealthy === open.length) {
        throw new LlmError(
          'unavailable',
          `every model of the route (${open.map((m) => m.id).join(', ')}) is unhealthy after failures; the next trial is in ${Math.ceil(soonestBack)} ms`,
          { retryAfterMs: Math.ceil(soonestBack) },
        );
      }
      if (waitMs === null) continue;
      await wake.wait(Math.min(waitMs, pollMs), req.signal);
    }
  }

  type Sent = { kind: 'ok'; result: RoutedResult } | { kind: 'failed'; spec: ModelSpec; error: LlmError };

  async function send(spec: ModelSpec, prompt: FittedPrompt, leaseId: number | null, req: RoutedRequest): Promise<Sent> {
    const owner = { accountId: req.accountId, taskId: req.taskId, position: req.position, runId: req.runId, attempt: req.attempt };
    const started = performance.now();
    let reply: CompletionResult;
    try {
      reply = await clientFor(spec).complete(providerRequest(req, prompt));
    } catch (err) {
      const durationMs = performance.now() - started;
      const error = err instanceof LlmError ? err : new LlmError('invalid_response', 'the LLM client failed', { cause: err });
      // A model that answers, even with a refusal of this request, is up: a trial that gets one closes the breaker.
      const modelAnswered = !error.retryable && error.kind !== 'aborted';
      await recordAttempt(
        db,
        spec,
        owner,
        { outcome: 'failed', errorKind: error.kind, ...(error.status !== undefined ? { errorStatus: error.status } : {}), promptTokens: 0, completionTokens: 0, durationMs },
        { leaseId, modelAnswered },
      ).finally(() => wake.notify());
      return { kind: 'failed', spec, error };
    }
    const durationMs = performance.now() - started;
    const attempt = await recordAttempt(
      db,
      spec,
      owner,
      { outcome: 'ok', promptTokens: reply.promptTokens, completionTokens: reply.completionTokens, durationMs },
      { leaseId, windowTokens: reply.promptTokens + reply.completionTokens, modelAnswered: true },
    ).finally(() => wake.notify());
    return {
      kind: 'ok',
      result: { ...reply, modelId: spec.id, attemptId: attempt.id, costPico: attempt.costPico, currency: spec.currency, droppedKnowledgePassages: prompt.droppedPassages },
    };
  }

  return { complete };
}

function throwIfAborted(signal: AbortSignal | undefined) {
  if (signal?.aborted) throw new LlmError('aborted', 'LLM request aborted by caller while it waited for a model', { cause: signal.reason });
}

/** What the client is given: the request with the fitted messages, without the router's bookkeeping fields. */
function providerRequest(req: RoutedRequest, prompt: FittedPrompt): CompletionRequest {
  const request: CompletionRequest & Partial<RoutedRequest> = { ...req, messages: prompt.messages };
  for (const key of ['accountId', 'taskId', 'position', 'runId', 'attempt'] as const) delete request[key];
  return request;
}
