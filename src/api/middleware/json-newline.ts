import type { MiddlewareHandler } from 'hono';

/**
 * Ends every JSON answer with a newline, so `curl` output does not run into the shell prompt and
 * line-based tools see one line per answer. Streams (SSE) are left alone.
 */
export function jsonNewline(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    if (!c.res.headers.get('content-type')?.startsWith('application/json') || !c.res.body) return;
    const text = await c.res.text();
    // Reading consumed the body: the answer is always a new Response, also when the text already ends in a newline.
    const headers = new Headers(c.res.headers);
    headers.delete('content-length');
    c.res = new Response(text.endsWith('\n') ? text : `${text}\n`, { status: c.res.status, statusText: c.res.statusText, headers });
  };
}
