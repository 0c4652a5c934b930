import { Readable } from 'node:stream';

/**
 * A response body that pulls `chunks` only as the client reads (Readable.from honours backpressure), so
 * a slow client slows the producer instead of making it buffer. A failure after the answer started can
 * only cut the body short: it is reported to `onError` and the stream is destroyed.
 */
export function streamBody(chunks: AsyncIterable<string | Buffer> | Iterable<string | Buffer>, onError: (err: unknown) => void): ReadableStream<Uint8Array> {
  const readable = Readable.from(chunks, { objectMode: false });
  readable.on('error', onError);
  return Readable.toWeb(readable) as ReadableStream<Uint8Array>;
}
