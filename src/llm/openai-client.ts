import { LlmError, parseRetryAfter, providerErrorId } from './errors.js';
import { readCompletionStream, tokenCount } from './openai-stream.js';
import type { CompletionRequest, CompletionResult, LlmClient } from './types.js';

export interface OpenAiClientOptions {
  baseUrl: string;
  apiKey?: string;
  model: string;
  timeoutMs: number;
  fetchImpl?: typeof fetch;
  /**
   * Ask for a streamed answer (`stream: true`, usage in the last chunk) and hand each piece to the
   * request's `onDelta` as it arrives; the timeout still covers the whole answer.
   */
  streaming?: boolean;
}

export function createOpenAiClient(opts: OpenAiClientOptions): LlmClient {
  const endpoint = `${opts.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  const doFetch = opts.fetchImpl ?? fetch;
  const streaming = opts.streaming === true;
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: streaming ? 'text/event-stream' : 'application/json' };
  if (opts.apiKey) headers.authorization = `Bearer ${opts.apiKey}`;

  async function complete(req: CompletionRequest): Promise<CompletionResult> {
    const callerSignal = req.signal;
    if (callerSignal?.aborted) throw abortedError(callerSignal.reason);
    const timeoutSignal = AbortSignal.timeout(opts.timeoutMs);
    const signal = callerSignal ? AbortSignal.any([callerSignal, timeoutSignal]) : timeoutSignal;

    let status: number;
    let retryAfter: string | null;
    let bodyText: string;
    try {
      const res = await doFetch(endpoint, {
        method: 'POST',
        headers,
        body: JSON.stringify(
          streaming
            ? { model: opts.model, messages: req.messages, stream: true, stream_options: { include_usage: true } }
            : { model: opts.model, messages: req.messages, stream: false },
        ),
        signal,
      });
      status = res.status;
      retryAfter = res.headers.get('retry-after');
      // A provider that ignores `stream: true` answers JSON: read as such below.
      if (streaming && status >= 200 && status < 300 && res.body && (res.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
        return await readCompletionStream(res.body, opts.model, req.onDelta);
      }
      bodyText = await res.text();
    } catch (err) {
      if (err instanceof LlmError) throw err;
      if (callerSignal?.aborted) throw abortedError(callerSignal.reason);
      if (timeoutSignal.aborted) {
        throw new LlmError('timeout', `LLM request timed out after ${opts.timeoutMs} ms`, { cause: err });
      }
      throw new LlmError('network', `LLM request to ${endpoint} failed: ${describeNetworkError(err)}`, {
        cause: err,
      });
    }

    if (status < 200 || status >= 300) {
      throw LlmError.http(status, providerErrorId(bodyText), parseRetryAfter(retryAfter));
    }
    const reply = parseCompletion(bodyText, opts.model);
    if (streaming) req.onDelta?.(reply.content);
    return reply;
  }

  return { provider: 'openai-compatible', model: opts.model, complete };
}

function abortedError(reason: unknown): LlmError {
  const why = reason instanceof Error ? `: ${reason.message}` : '';
  return new LlmError('aborted', `LLM request aborted by caller${why}`, { cause: reason });
}

function describeNetworkError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  // undici wraps the socket error (ECONNREFUSED, ENOTFOUND...) in `cause`
  const cause = err.cause as { code?: unknown; message?: unknown } | undefined;
  if (cause && typeof cause === 'object') {
    const code = typeof cause.code === 'string' ? cause.code : '';
    const msg = typeof cause.message === 'string' ? cause.message : '';
    const detail = [code, msg].filter(Boolean).join(' ');
    if (detail) return detail;
  }
  return err.message;
}

interface ChatCompletionBody {
  model?: unknown;
  choices?: Array<{ message?: { content?: unknown; refusal?: unknown }; finish_reason?: unknown }>;
  usage?: { prompt_tokens?: unknown; completion_tokens?: unknown };
}

function parseCompletion(bodyText: string, configuredModel: string): CompletionResult {
  let body: ChatCompletionBody;
  try {
    body = JSON.parse(bodyText) as ChatCompletionBody;
  } catch {
    // The body may quote the request: say what it is, not what it says.
    throw new LlmError('invalid_response', `LLM provider returned a body that is not JSON (${bodyText.length} characters)`);
  }
  const choice = Array.isArray(body?.choices) ? body.choices[0] : undefined;
  // A content refusal is the provider's answer, not a fault: retrying or failing over would not change it. Its text
  // is not quoted (it may quote the request).
  if (choice?.finish_reason === 'content_filter' || (typeof choice?.message?.refusal === 'string' && choice.message.refusal.trim() !== '')) {
    const why = choice.finish_reason === 'content_filter' ? 'finish_reason content_filter' : 'message.refusal';
    throw new LlmError('refused', `LLM provider refused the content (${why})`);
  }
  const raw = choice?.message?.content;
  const content = typeof raw === 'string' ? raw : Array.isArray(raw) ? joinContentParts(raw) : undefined;
  if (content === undefined || content.trim() === '') {
    throw new LlmError('invalid_response', 'LLM provider response has no choices[0].message.content');
  }
  return {
    content,
    model: typeof body.model === 'string' && body.model ? body.model : configuredModel,
    promptTokens: tokenCount(body.usage?.prompt_tokens),
    completionTokens: tokenCount(body.usage?.completion_tokens),
  };
}

// Some compatible providers return content as an array of {type:'text', text} parts.
function joinContentParts(parts: unknown[]): string {
  return parts
    .map((p) => (p && typeof p === 'object' && typeof (p as { text?: unknown }).text === 'string' ? (p as { text: string }).text : ''))
    .join('');
}
