import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { PROMPT_MARKERS, parsePromptIngredients } from '../../src/llm/prompt.js';
import { parseDistillPrompt } from '../../src/llm/distill-prompt.js';

export interface StubRequest {
  index: number;
  body: any;
  userMessage: string;
  systemMessage: string;
  headers: Record<string, string | string[] | undefined>;
  /** The tokens the stub reported in its answer, once it answered 200. */
  usage?: { promptTokens: number; completionTokens: number };
  /** A streamed answer's chunks as they were written, with `performance.now()` at each (the bench's start times). */
  chunks?: { text: string; at: number }[];
}

export interface StubReply {
  latencyMs?: number;
  status?: number;
  headers?: Record<string, string>;
  errorMessage?: string;
  content?: string;
  hang?: boolean;
  /**
   * For a request with `stream: true`: the content's pieces, one SSE chunk each (default: the content cut
   * into about 24 pieces at word ends). Their concatenation is the content.
   */
  chunks?: string[];
  /** Pause before each streamed chunk after the first (ms); default 0. */
  chunkDelayMs?: number;
  /** Cut the connection after this many streamed chunks (a provider dying mid-answer). */
  failAfterChunks?: number;
}

export interface LlmStub {
  url: string;
  requests: StubRequest[];
  inFlight: number;
  maxInFlight: number;
  aborted: number;
  setBehavior(fn: (req: StubRequest) => StubReply | Promise<StubReply>): void;
  setLatency(ms: number): void;
  /** Clears `requests`, `aborted` and sets `maxInFlight` back to the current `inFlight`. */
  resetCounters(): void;
  close(): Promise<void>;
}

type Behavior = (req: StubRequest) => StubReply | Promise<StubReply>;

/** Extracts the keyword from the prompt built by buildArticlePrompt. */
export function keywordOf(req: StubRequest): string | undefined {
  const lines = req.userMessage.split(/\r?\n/);
  const i = lines.findIndex((l) => l.trim() === PROMPT_MARKERS.keyword);
  const kw = i >= 0 ? lines[i + 1]?.trim() : undefined;
  return kw || undefined;
}

function messageOf(body: any, role: string): string {
  const msgs: unknown = body?.messages;
  if (!Array.isArray(msgs)) return '';
  const found = [...msgs].reverse().find((m) => m?.role === role);
  return typeof found?.content === 'string' ? found.content : '';
}

/** A distillation prompt's answer: a numbered list of the questions asked for, as a model would write it. */
export function stubQuestions(keyword: string, n: number): string[] {
  const asks = ['What is', 'How much does it cost to get', 'Who sells', 'Where can I repair', 'Why do people dislike', 'When was invented', 'Which colour suits', 'How long lasts', 'Can kids use', 'Is there a warranty for', 'How heavy is', 'What voltage powers', 'Does insurance cover', 'How loud is', 'Where is manufactured', 'How to clean', 'What size fits', 'Is recycling possible for', 'Who regulates', 'How fast ships'];
  return Array.from({ length: n }, (_, i) => `${asks[i % asks.length]} ${keyword}${i >= asks.length ? ` (variant ${i})` : ''}?`);
}

function defaultContent(req: StubRequest): string {
  const distill = parseDistillPrompt(req.userMessage);
  if (distill) return `Here are the questions:\n${stubQuestions(distill.keyword, distill.count).map((q, i) => `${i + 1}. ${q}`).join('\n')}`;
  const kw = keywordOf(req) ?? 'the topic';
  const topics = parsePromptIngredients(req.userMessage)?.topics ?? [];
  const paras = [`# Everything you need to know about ${kw}`, `This stub article is about ${kw}.`];
  for (const t of topics) paras.push(`## ${t}\n\nAbout ${kw}: ${t} The answer is covered here.`);
  paras.push(`That is all about ${kw}.`);
  return paras.join('\n\n');
}

/** About 24 pieces cut after whitespace, so a stream carries words as a model's does. */
export function splitContent(content: string, pieces = 24): string[] {
  const size = Math.max(1, Math.ceil(content.length / pieces));
  const out: string[] = [];
  let start = 0;
  while (start < content.length) {
    let end = Math.min(content.length, start + size);
    const space = content.indexOf(' ', end);
    if (end < content.length && space >= 0 && space - end < 20) end = space + 1;
    out.push(content.slice(start, end));
    start = end;
  }
  return out;
}

function completionBody(req: StubRequest, content: string) {
  const promptChars = JSON.stringify(req.body?.messages ?? []).length;
  const prompt_tokens = Math.max(1, Math.ceil(promptChars / 4));
  const completion_tokens = Math.max(1, Math.ceil(content.length / 4));
  req.usage = { promptTokens: prompt_tokens, completionTokens: completion_tokens };
  return {
    id: `chatcmpl-stub-${req.index}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: 'stub-model',
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    usage: { prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens },
  };
}

export async function startLlmStub(
  opts: { latencyMs?: number; behavior?: Behavior } = {},
): Promise<LlmStub> {
  let latencyMs = opts.latencyMs ?? 0;
  let behavior: Behavior = opts.behavior ?? (() => ({}));
  let closing = false;
  const sockets = new Set<Socket>();

  const server = http.createServer((req, res) => {
    // 'close' on the response fires both after a normal reply and on client disconnect.
    const gone = new AbortController();
    stub.inFlight++;
    stub.maxInFlight = Math.max(stub.maxInFlight, stub.inFlight);
    res.on('close', () => {
      stub.inFlight--;
      if (!res.writableEnded && !closing) stub.aborted++;
      gone.abort();
    });
    void handle(req, res, gone.signal).catch((err: unknown) => {
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `stub failure: ${String(err)}`, type: 'stub' } }));
      }
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse, gone: AbortSignal) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: any = null;
    try {
      body = JSON.parse(raw);
    } catch {
      body = raw;
    }
    const sreq: StubRequest = {
      index: stub.requests.length,
      body,
      userMessage: messageOf(body, 'user'),
      systemMessage: messageOf(body, 'system'),
      headers: { ...req.headers },
    };
    stub.requests.push(sreq);

    const reply = await behavior(sreq);
    if (reply.hang) return; // never answer; the 'close' listener records the disconnect
    const wait = reply.latencyMs ?? latencyMs;
    if (wait > 0) await sleep(wait, gone);
    if (gone.aborted) return;

    const status = reply.status ?? 200;
    if (status < 400 && body?.stream === true) return streamAnswer(sreq, reply, res, gone);
    const headers = { 'content-type': 'application/json', ...reply.headers };
    const payload =
      status >= 400
        ? { error: { message: reply.errorMessage ?? 'stub error', type: 'stub' } }
        : completionBody(sreq, reply.content ?? defaultContent(sreq));
    res.writeHead(status, headers);
    res.end(JSON.stringify(payload));
  }

  /** The OpenAI streaming format: `data: {chunk}` events, usage in a last chunk when asked for, `data: [DONE]`. */
  async function streamAnswer(sreq: StubRequest, reply: StubReply, res: http.ServerResponse, gone: AbortSignal) {
    const content = reply.chunks ? reply.chunks.join('') : (reply.content ?? defaultContent(sreq));
    const pieces = reply.chunks ?? splitContent(content);
    const usage = completionBody(sreq, content).usage;
    const base = { id: `chatcmpl-stub-${sreq.index}`, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model: 'stub-model' };
    const send = (chunk: object) => res.write(`data: ${JSON.stringify(chunk)}\n\n`);
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...reply.headers });
    sreq.chunks = [];
    send({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] });
    for (const [i, text] of pieces.entries()) {
      if (reply.failAfterChunks !== undefined && i >= reply.failAfterChunks) {
        // Once what was written has left: the client gets the first pieces, then the connection drops.
        await new Promise<void>((resolve) => res.write('', () => resolve()));
        await sleep(20, gone);
        res.destroy();
        return;
      }
      if (i > 0 && reply.chunkDelayMs) await sleep(reply.chunkDelayMs, gone);
      if (gone.aborted) return;
      sreq.chunks.push({ text, at: performance.now() });
      send({ ...base, choices: [{ index: 0, delta: { content: text }, finish_reason: null }] });
    }
    send({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
    if (sreq.body?.stream_options?.include_usage === true) send({ ...base, choices: [], usage });
    res.end('data: [DONE]\n\n');
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  const stub: LlmStub = {
    url: `http://127.0.0.1:${port}/v1`,
    requests: [],
    inFlight: 0,
    maxInFlight: 0,
    aborted: 0,
    setBehavior(fn) {
      behavior = fn;
    },
    setLatency(ms) {
      latencyMs = ms;
    },
    resetCounters() {
      stub.requests.length = 0;
      stub.maxInFlight = stub.inFlight;
      stub.aborted = 0;
    },
    close() {
      closing = true;
      return new Promise<void>((resolve) => {
        server.close(() => setImmediate(resolve)); // let pending 'close' handlers settle the counters
        for (const s of sockets) s.destroy();
        server.closeAllConnections();
      });
    },
  };
  return stub;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
