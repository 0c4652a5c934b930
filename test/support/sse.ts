/** A minimal Server-Sent Events client over fetch, for tests: messages, comments and the end of the stream. */

export interface SseMessage {
  id: string | undefined;
  event: string;
  data: string;
}

export interface SseConnection {
  status: number;
  headers: Headers;
  /** The body as text when the answer is not an event stream (an error). */
  errorText: string | null;
  /** Messages in order; ends when the server ends the stream. */
  messages(): AsyncGenerator<SseMessage>;
  /** Comment lines received so far (pings), without the leading ':'. */
  comments: string[];
  close(): void;
}

/** Parses one block (the lines between blank lines); comments go to `comments`. */
function parseBlock(block: string, comments: string[]): SseMessage | null {
  let id: string | undefined;
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split(/\r\n|\r|\n/)) {
    if (line === '') continue;
    if (line.startsWith(':')) {
      comments.push(line.slice(1).trim());
      continue;
    }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') id = value;
    else if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  return data.length > 0 ? { id, event, data: data.join('\n') } : null;
}

export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseConnection> {
  const abort = new AbortController();
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
  const isStream = res.status === 200 && (res.headers.get('content-type') ?? '').startsWith('text/event-stream');
  const errorText = isStream ? null : await res.text();
  const comments: string[] = [];

  async function* messages(): AsyncGenerator<SseMessage> {
    if (!res.body || !isStream) return;
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let boundary: RegExpExecArray | null;
        while ((boundary = /\r\n\r\n|\n\n|\r\r/.exec(buffer))) {
          const block = buffer.slice(0, boundary.index);
          buffer = buffer.slice(boundary.index + boundary[0].length);
          const message = parseBlock(block, comments);
          if (message) yield message;
        }
      }
    } finally {
      reader.releaseLock();
    }
  }

  return { status: res.status, headers: res.headers, errorText, messages, comments, close: () => abort.abort() };
}

/** Reads every message until the server ends the stream; fails after `timeoutMs` with what came so far. */
export async function readUntilEnd(conn: SseConnection, timeoutMs = 30_000): Promise<SseMessage[]> {
  const received: SseMessage[] = [];
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      conn.close();
      reject(new Error(`the stream did not end within ${timeoutMs} ms; received: ${JSON.stringify(received.map((m) => m.event))}`));
    }, timeoutMs);
  });
  const read = (async () => {
    for await (const m of conn.messages()) received.push(m);
    return received;
  })();
  read.catch(() => undefined); // after a timeout the aborted read rejects too
  try {
    return await Promise.race([read, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
