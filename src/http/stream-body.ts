/**
 * A response body that pulls the next chunk from `chunks` only when the client's side asks for one
 * (highWaterMark 1), so a slow client slows the producer instead of making it buffer; a client that goes
 * away closes the generator (its `finally` runs). A failure after the answer started can only cut the
 * body short: it is reported to `onError` and the stream errors.
 */
export function streamBody(chunks: AsyncIterable<string | Buffer> | Iterable<string | Buffer>, onError: (err: unknown) => void): ReadableStream<Uint8Array> {
  const iterator = Symbol.asyncIterator in chunks ? chunks[Symbol.asyncIterator]() : chunks[Symbol.iterator]();
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const { done, value } = await iterator.next();
          if (done) controller.close();
          else controller.enqueue(typeof value === 'string' ? encoder.encode(value) : value);
        } catch (err) {
          onError(err);
          controller.error(err);
        }
      },
      async cancel() {
        await iterator.return?.();
      },
    },
    { highWaterMark: 1 },
  );
}
