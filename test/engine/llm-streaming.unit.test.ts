import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildArticlePrompt, createOfflineGenerator, createOpenAiClient, LlmError, type PromptIngredients } from '../../src/llm/index.js';
import { startLlmStub, type LlmStub } from '../support/llm-stub.js';

/** The OpenAI-compatible client with `streaming: true` against the loopback stub's streamed answers. */

const ingredients: PromptIngredients = { keyword: 'heat pumps', topics: ['Do they work in frost?', 'What do they cost?'] };
const SECRET = 'PROMPT-SECRET-7f3a';

async function llmError(p: Promise<unknown>): Promise<LlmError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(LlmError);
  return err as LlmError;
}

/** A fetch answering one streamed body as it is given (raw SSE text), for malformed streams. */
const rawStream = (text: string) =>
  (async () => new Response(text, { headers: { 'content-type': 'text/event-stream' } })) as typeof fetch;

describe('streamed answers', () => {
  let stub: LlmStub;
  beforeAll(async () => void (stub = await startLlmStub()));
  afterAll(() => stub.close());
  beforeEach(() => {
    stub.setBehavior(() => ({}));
    stub.resetCounters();
  });
  const client = (timeoutMs = 5000) => createOpenAiClient({ baseUrl: stub.url, model: 'gpt-test', timeoutMs, streaming: true });

  it('asks for a stream with usage, hands every piece to onDelta in order and takes the usage from the last chunk', async () => {
    const pieces = ['# Heat pumps\n\n', 'They ', 'work ', 'in frost', '.\n', '中文 ✓ 🙂'];
    stub.setBehavior(() => ({ chunks: pieces, chunkDelayMs: 5 }));
    const got: string[] = [];
    const reply = await client().complete({ messages: buildArticlePrompt(ingredients), onDelta: (t) => got.push(t) });
    expect(got).toEqual(pieces);
    expect(reply.content).toBe(pieces.join(''));
    expect(reply.model).toBe('stub-model');
    const req = stub.requests[0]!;
    expect(req.body).toMatchObject({ model: 'gpt-test', stream: true, stream_options: { include_usage: true } });
    expect(req.headers.accept).toBe('text/event-stream');
    expect({ promptTokens: reply.promptTokens, completionTokens: reply.completionTokens }).toEqual(req.usage);
  });

  it('reads a JSON answer from a provider that ignores stream: true, as one delta', async () => {
    const body = { model: 'm', choices: [{ message: { content: '# T\n\nbody' } }], usage: { prompt_tokens: 3, completion_tokens: 4 } };
    const c = createOpenAiClient({ baseUrl: 'http://x', model: 'm', timeoutMs: 1000, streaming: true, fetchImpl: (async () => new Response(JSON.stringify(body))) as typeof fetch });
    const got: string[] = [];
    expect(await c.complete({ messages: [], onDelta: (t) => got.push(t) })).toEqual({ content: '# T\n\nbody', model: 'm', promptTokens: 3, completionTokens: 4 });
    expect(got).toEqual(['# T\n\nbody']);
  });

  it('keeps the non-streaming errors for non-2xx answers, without the provider message', async () => {
    stub.setBehavior(() => ({ status: 429, headers: { 'Retry-After': '3' }, errorMessage: `you said ${SECRET}` }));
    const err = await llmError(client().complete({ messages: [{ role: 'user', content: SECRET }] }));
    expect(err).toMatchObject({ kind: 'http', status: 429, retryAfterMs: 3000 });
    expect(err.message).toBe('LLM provider answered HTTP 429 (stub)');
  });

  it('fails a stream cut mid-answer as a retryable network error, after the pieces that came', async () => {
    stub.setBehavior(() => ({ chunks: ['a ', 'b ', 'c ', 'd '], failAfterChunks: 2 }));
    const got: string[] = [];
    const err = await llmError(client().complete({ messages: [], onDelta: (t) => got.push(t) }));
    expect(err.kind).toBe('network');
    expect(err.retryable).toBe(true);
    expect(got).toEqual(['a ', 'b ']);
  });

  it('times out a stream that stalls, and reports a caller abort mid-stream as aborted', async () => {
    stub.setBehavior(() => ({ chunks: ['a ', 'b ', 'c '], chunkDelayMs: 2_000 }));
    const timedOut = await llmError(client(300).complete({ messages: [] }));
    expect(timedOut.kind).toBe('timeout');
    expect(timedOut.message).toBe('LLM request timed out after 300 ms');

    const ac = new AbortController();
    const got: string[] = [];
    const p = client().complete({ messages: [], signal: ac.signal, onDelta: (t) => (got.push(t), ac.abort()) });
    const aborted = await llmError(p);
    expect(aborted.kind).toBe('aborted');
    expect(got).toEqual(['a ']);
  });

  it.each([
    ['a chunk that is not JSON', `data: {"choices":[{"delta":{"content":"${SECRET}"}}]}\n\ndata: ${SECRET}\n\n`, /streamed a chunk that is not JSON \(\d+ characters\)/],
    ['an error chunk', `data: {"error":{"message":"${SECRET}","type":"server_error","code":"overloaded"}}\n\n`, /reported an error in its stream \(server_error\/overloaded\)/],
    ['a stream with no end', `data: {"choices":[{"delta":{"content":"${SECRET}"}}]}\n\n`, /stream ended before its end \(18 characters received\)/],
    ['a stream with no content', `data: {"choices":[{"delta":{},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n`, /stream carried no content/],
  ])('refuses %s as a retryable invalid_response that does not quote it', async (_what, body, message) => {
    const c = createOpenAiClient({ baseUrl: 'http://x', model: 'm', timeoutMs: 1000, streaming: true, fetchImpl: rawStream(body) });
    const err = await llmError(c.complete({ messages: [] }));
    expect(err.kind).toBe('invalid_response');
    expect(err.retryable).toBe(true);
    expect(err.message).toMatch(message);
    expect(err.message).not.toContain(SECRET);
  });

  it('accepts a stream ended by finish_reason without [DONE], usage 0 when the provider sends none', async () => {
    const body = `data: {"model":"p","choices":[{"delta":{"content":"# T\\n\\nx"}}]}\n\ndata: {"choices":[{"delta":{},"finish_reason":"stop"}]}\n\n`;
    const c = createOpenAiClient({ baseUrl: 'http://x', model: 'm', timeoutMs: 1000, streaming: true, fetchImpl: rawStream(body) });
    expect(await c.complete({ messages: [] })).toEqual({ content: '# T\n\nx', model: 'p', promptTokens: 0, completionTokens: 0 });
  });

  it('sends stream: false and calls no onDelta when streaming is off', async () => {
    const got: string[] = [];
    await createOpenAiClient({ baseUrl: stub.url, model: 'gpt-test', timeoutMs: 5000 }).complete({ messages: buildArticlePrompt(ingredients), onDelta: (t) => got.push(t) });
    expect(stub.requests[0]!.body.stream).toBe(false);
    expect(got).toEqual([]);
  });
});

describe('offline generator', () => {
  it('hands its article over in a few pieces that make up the answer', async () => {
    const got: string[] = [];
    const reply = await createOfflineGenerator().complete({ messages: buildArticlePrompt(ingredients), seed: 's', onDelta: (t) => got.push(t) });
    expect(got.length).toBeGreaterThan(1);
    expect(got.length).toBeLessThanOrEqual(5);
    expect(got.join('')).toBe(reply.content);
  });
});
