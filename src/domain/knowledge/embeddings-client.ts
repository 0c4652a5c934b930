import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { guardedLookup, resolvePublicAddresses, WebhookTargetNotAllowed } from '../webhooks/index.js';

export interface EmbeddingsSettings {
  /** OpenAI-compatible base URL; `/embeddings` is appended. */
  baseUrl: string;
  model: string;
  apiKey?: string;
  timeoutMs: number;
  /** Lets the endpoint be a loopback or private address (tests, a model served on the same host). */
  allowPrivate: boolean;
}

export interface EmbeddingsClient {
  model: string;
  /** One unit vector per text, in order. */
  embed(texts: readonly string[]): Promise<number[][]>;
}

/** An embeddings request that failed; the message names the status or cause, never the embedded text. */
export class EmbeddingsError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EmbeddingsError';
  }
}

/** Inputs per request: providers cap a batch (OpenAI at 2048); small batches keep one answer small. */
export const EMBEDDINGS_BATCH = 64;
const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

const unit = (v: number[]) => {
  const norm = Math.hypot(...v);
  return norm > 0 ? v.map((x) => x / norm) : v;
};

/**
 * A client for an OpenAI-compatible `/embeddings` endpoint. Requests go through the same outbound-address
 * guard as webhooks (global unicast only, never this host's own address, checked on the connection's own
 * lookup) unless `allowPrivate`; vectors come back normalised, so cosine similarity is a dot product.
 *
 * @example
 * const client = createEmbeddingsClient({ baseUrl: 'https://api.openai.com/v1', model: 'text-embedding-3-small', apiKey, timeoutMs: 30_000, allowPrivate: false });
 * const [vector] = await client.embed(['如何选择扫地机器人']);
 */
export function createEmbeddingsClient(settings: EmbeddingsSettings): EmbeddingsClient {
  const endpoint = new URL(`${settings.baseUrl.replace(/\/+$/, '')}/embeddings`);
  async function embedBatch(texts: readonly string[]): Promise<number[][]> {
    const answer = await postJson(endpoint, { model: settings.model, input: texts }, settings);
    const data = (answer as { data?: { index?: unknown; embedding?: unknown }[] }).data;
    if (!Array.isArray(data) || data.length !== texts.length) throw new EmbeddingsError(`The embeddings endpoint answered ${Array.isArray(data) ? data.length : 'no'} vectors for ${texts.length} inputs.`);
    const vectors: number[][] = new Array(texts.length);
    data.forEach((d, i) => {
      const index = typeof d.index === 'number' ? d.index : i;
      if (!Array.isArray(d.embedding) || d.embedding.some((x) => typeof x !== 'number')) throw new EmbeddingsError('The embeddings endpoint answered a vector that is not an array of numbers.');
      vectors[index] = unit(d.embedding as number[]);
    });
    return vectors;
  }
  return {
    model: settings.model,
    async embed(texts) {
      const out: number[][] = [];
      for (let i = 0; i < texts.length; i += EMBEDDINGS_BATCH) out.push(...(await embedBatch(texts.slice(i, i + EMBEDDINGS_BATCH))));
      return out;
    },
  };
}

async function postJson(url: URL, payload: unknown, settings: EmbeddingsSettings): Promise<unknown> {
  try {
    // An IP literal connects without a lookup: check it here.
    if (isIP(url.hostname.replace(/^\[(.*)\]$/, '$1'))) await resolvePublicAddresses(url.hostname, settings.allowPrivate);
  } catch (err) {
    throw refused(err);
  }
  const body = JSON.stringify(payload);
  const headers: Record<string, string | number> = { 'content-type': 'application/json', accept: 'application/json', 'content-length': Buffer.byteLength(body) };
  if (settings.apiKey) headers.authorization = `Bearer ${settings.apiKey}`;
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(url, { method: 'POST', headers, lookup: guardedLookup(settings.allowPrivate), timeout: settings.timeoutMs });
    req.on('timeout', () => req.destroy(new EmbeddingsError(`The embeddings endpoint did not answer within ${settings.timeoutMs} ms.`)));
    req.on('error', (err) => reject(err instanceof EmbeddingsError ? err : refused(err)));
    req.on('response', (res) => {
      const parts: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_ANSWER_BYTES) req.destroy(new EmbeddingsError(`The embeddings endpoint's answer passed ${MAX_ANSWER_BYTES} bytes.`));
        else parts.push(c);
      });
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        if (status < 200 || status >= 300) return reject(new EmbeddingsError(`The embeddings endpoint answered HTTP ${status}.`));
        try {
          resolve(JSON.parse(Buffer.concat(parts).toString('utf8')));
        } catch (err) {
          reject(new EmbeddingsError('The embeddings endpoint answered something that is not JSON.', { cause: err }));
        }
      });
      res.on('error', reject);
    });
    req.end(body);
  });
}

function refused(err: unknown): EmbeddingsError {
  if (err instanceof WebhookTargetNotAllowed) {
    return new EmbeddingsError('EMBEDDINGS_BASE_URL resolves to an address outbound requests may not reach (private, loopback, link-local, special-purpose, or this server\'s own); set EMBEDDINGS_ALLOW_PRIVATE=true only for an endpoint you run yourself.', { cause: err });
  }
  const code = (err as NodeJS.ErrnoException)?.code;
  return new EmbeddingsError(`The embeddings request failed${code ? ` (${code})` : ''}.`, { cause: err });
}
