import type { MiddlewareHandler } from 'hono';
import { errorBody } from '../../http/error-handler.js';

/** A declared route: an upper-case method and a Hono path such as `/api/tasks/:id`. */
export interface DeclaredRoute {
  method: string;
  path: string;
}

interface PathMethods {
  path: string;
  segments: string[];
  methods: string[];
}

const isParam = (segment: string) => segment.startsWith(':');

/** Literal segments beat parameters, left to right: `/tasks/cleanup` is more specific than `/tasks/:id`. */
function moreSpecific(a: PathMethods, b: PathMethods) {
  for (let i = 0; i < a.segments.length; i++) {
    const [pa, pb] = [isParam(a.segments[i]!), isParam(b.segments[i]!)];
    if (pa !== pb) return pb;
  }
  return false;
}

/**
 * Answers 405 with `Allow` when the request path is a declared one but its method is not (GET implies
 * HEAD, as Hono serves HEAD from GET handlers); unknown paths go on to the 404. The path that decides is
 * the most specific declared one, so `GET /tasks/cleanup` is a 405, not `GET /tasks/:id` with a bad id.
 *
 * @example app.use('*', methodNotAllowed([{ method: 'GET', path: '/api/stats' }]))
 */
export function methodNotAllowed(routes: DeclaredRoute[]): MiddlewareHandler {
  const byPath = new Map<string, PathMethods>();
  for (const { method, path } of routes) {
    const entry = byPath.get(path) ?? { path, segments: path.split('/'), methods: [] };
    if (!entry.methods.includes(method)) entry.methods.push(method);
    byPath.set(path, entry);
  }
  for (const entry of byPath.values()) if (entry.methods.includes('GET') && !entry.methods.includes('HEAD')) entry.methods.push('HEAD');
  const declared = [...byPath.values()];

  return async (c, next) => {
    const segments = c.req.path.split('/');
    let match: PathMethods | undefined;
    for (const entry of declared) {
      if (entry.segments.length !== segments.length) continue;
      if (!entry.segments.every((s, i) => isParam(s) ? segments[i] !== '' : s === segments[i])) continue;
      if (!match || moreSpecific(entry, match)) match = entry;
    }
    if (!match || match.methods.includes(c.req.method)) return next();
    const allow = match.methods.join(', ');
    c.header('Allow', allow);
    return c.json(
      errorBody('METHOD_NOT_ALLOWED', `${c.req.method} is not allowed on ${match.path}; the allowed methods are ${allow}.`, { allowed: match.methods }),
      405,
    );
  };
}
