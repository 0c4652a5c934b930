import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createHash } from 'node:crypto';

/** Dimensions of the stub's vectors. */
export const STUB_DIMENSIONS = 256;

const CJK = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]/u;

/** Features of a text: overlapping bigrams of each CJK run, lower-cased Latin words without a plural s. */
function features(text: string): string[] {
  const out: string[] = [];
  for (const run of text.match(/[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]+/gu) ?? []) {
    const chars = [...run];
    if (chars.length === 1) out.push(run);
    for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i]! + chars[i + 1]!);
  }
  for (const word of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
    if (word.length < 2 || CJK.test(word)) continue;
    out.push(word.length > 3 ? word.replace(/s$/, '') : word);
  }
  return out;
}

/**
 * A deterministic embedding: the text's features hashed into 256 dimensions (sign from the hash too, so
 * collisions cancel rather than pile up), L2-normalised. Texts sharing words or bigrams point the same way,
 * so cosine similarity means something on the labelled retrieval set, as a real model's would.
 */
export function stubEmbedding(text: string): number[] {
  const v = new Array<number>(STUB_DIMENSIONS).fill(0);
  for (const f of features(text)) {
    const h = createHash('md5').update(f).digest();
    v[h.readUInt16LE(0) % STUB_DIMENSIONS]! += h[2]! & 1 ? 1 : -1;
  }
  const norm = Math.hypot(...v) || 1;
  return v.map((x) => x / norm);
}

export interface EmbeddingsStubRequest {
  model: unknown;
  inputs: string[];
  authorization: string | undefined;
}

export interface EmbeddingsStub {
  url: string;
  requests: EmbeddingsStubRequest[];
  /** Answers the next `count` requests with this HTTP status (and an OpenAI-style error body). */
  failNext(count: number, status: number): void;
  close(): Promise<void>;
}

/**
 * A loopback server speaking OpenAI's `POST /embeddings` (input: a string or an array of strings), answering
 * `stubEmbedding` of each input in order. Tests point EMBEDDINGS_BASE_URL at `url`.
 */
export async function startEmbeddingsStub(): Promise<EmbeddingsStub> {
  const requests: EmbeddingsStubRequest[] = [];
  const sockets = new Set<Socket>();
  let failures: { count: number; status: number } = { count: 0, status: 500 };
  const server = http.createServer((req, res) => {
    const body: Buffer[] = [];
    req.on('data', (c: Buffer) => body.push(c));
    req.on('end', () => {
      const reply = (status: number, payload: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(payload));
      };
      if (req.method !== 'POST' || !req.url?.endsWith('/embeddings')) return reply(404, { error: { message: 'not found' } });
      let parsed: { model?: unknown; input?: unknown };
      try {
        parsed = JSON.parse(Buffer.concat(body).toString('utf8'));
      } catch {
        return reply(400, { error: { message: 'body is not JSON' } });
      }
      const inputs = typeof parsed.input === 'string' ? [parsed.input] : parsed.input;
      if (!Array.isArray(inputs) || inputs.some((i) => typeof i !== 'string')) return reply(400, { error: { message: 'input must be a string or an array of strings' } });
      requests.push({ model: parsed.model, inputs, authorization: req.headers.authorization });
      if (failures.count > 0) {
        failures.count--;
        return reply(failures.status, { error: { message: 'stub fault' } });
      }
      const tokens = inputs.reduce((n, i) => n + features(i).length, 0);
      reply(200, {
        object: 'list',
        model: parsed.model,
        data: inputs.map((input, index) => ({ object: 'embedding', index, embedding: stubEmbedding(input) })),
        usage: { prompt_tokens: tokens, total_tokens: tokens },
      });
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    failNext(count, status) {
      failures = { count, status };
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
