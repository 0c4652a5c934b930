import { createParser } from 'eventsource-parser';
import { LlmError, providerErrorId } from './errors.js';
import type { CompletionResult } from './types.js';

interface ChunkBody {
  model?: unknown;
  choices?: Array<{ delta?: { content?: unknown }; finish_reason?: unknown }>;
  usage?: { prompt_tokens?: unknown; completion_tokens?: unknown } | null;
  error?: unknown;
}

/**
 * Reads an OpenAI-compatible streamed answer (`stream: true`): Server-Sent Events whose data are chat
 * completion chunks, a last chunk with `usage` when `stream_options.include_usage` was asked for, then
 * `data: [DONE]`. Each piece of content goes to `onDelta` as it arrives. Errors name what is wrong with
 * the stream, never what it says: chunks carry the tenant's text.
 */
export async function readCompletionStream(
  body: ReadableStream<Uint8Array>,
  configuredModel: string,
  onDelta: ((text: string) => void) | undefined,
): Promise<CompletionResult> {
  let content = '';
  let model: string | undefined;
  let promptTokens = 0;
  let completionTokens = 0;
  let finished = false;
  let done = false;
  let broken: LlmError | undefined;

  const onChunk = (data: string) => {
    if (data.trim() === '[DONE]') {
      done = true;
      return;
    }
    let chunk: ChunkBody;
    try {
      chunk = JSON.parse(data) as ChunkBody;
    } catch {
      broken ??= new LlmError('invalid_response', `LLM provider streamed a chunk that is not JSON (${data.length} characters)`);
      return;
    }
    if (chunk?.error) {
      const id = providerErrorId(JSON.stringify({ error: chunk.error }));
      const named = [id.type, id.code].filter(Boolean).join('/');
      broken ??= new LlmError('invalid_response', `LLM provider reported an error in its stream${named ? ` (${named})` : ''}`);
      return;
    }
    if (typeof chunk.model === 'string' && chunk.model) model ??= chunk.model;
    if (chunk.usage) {
      promptTokens = tokenCount(chunk.usage.prompt_tokens);
      completionTokens = tokenCount(chunk.usage.completion_tokens);
    }
    const choice = Array.isArray(chunk.choices) ? chunk.choices[0] : undefined;
    if (choice?.finish_reason) finished = true;
    const text = choice?.delta?.content;
    if (typeof text !== 'string' || text === '') return;
    content += text;
    try {
      onDelta?.(text);
    } catch {
      // A listener's fault is not the provider's: the answer goes on.
    }
  };

  const parser = createParser({ onEvent: (e) => onChunk(e.data) });
  const decoder = new TextDecoder();
  const reader = body.getReader();
  try {
    for (;;) {
      const { done: ended, value } = await reader.read();
      if (ended) break;
      parser.feed(decoder.decode(value, { stream: true }));
      if (broken) {
        await reader.cancel().catch(() => undefined);
        throw broken;
      }
    }
    parser.feed(decoder.decode());
  } finally {
    reader.releaseLock();
  }
  if (broken) throw broken;
  if (!done && !finished) throw new LlmError('invalid_response', `LLM provider's stream ended before its end (${content.length} characters received)`);
  if (content.trim() === '') throw new LlmError('invalid_response', 'LLM provider stream carried no content');
  return { content, model: model ?? configuredModel, promptTokens, completionTokens };
}

export function tokenCount(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.floor(v) : 0;
}
