import { decodePathSegment } from '../http/path-segment.js';
import type { Scope } from '../shared/key-scopes.js';
import type { ApiMount, ApiOperation } from './operation.js';

/** The scope a route needs: the one its operation declares, else read for GET (and HEAD) and write for the rest. */
export function requiredScope(method: string, declared?: Scope): Scope {
  return declared ?? (method === 'GET' || method === 'HEAD' ? 'read' : 'write');
}

export interface ApiRoute {
  /** GET, POST, PUT, DELETE. */
  method: string;
  /** Hono's pattern, e.g. `/api/distillations/:id`: what audit rows record instead of the URL. */
  pattern: string;
  scope: Scope;
  /** Needs no API key. */
  open: boolean;
}

interface CompiledRoute extends ApiRoute {
  regex: RegExp;
  names: string[];
}

function compile(mount: ApiMount, op: ApiOperation): CompiledRoute {
  const pattern = `${mount.base}${op.path === '/' ? '' : op.path}`;
  const names: string[] = [];
  const source = pattern
    .split('/')
    .map((segment) => {
      if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(segment.slice(1));
      return '([^/]+)';
    })
    .join('/');
  const method = op.method.toUpperCase();
  return { method, pattern, scope: requiredScope(method, op.scope), open: mount.open ?? false, regex: new RegExp(`^${source}$`), names };
}

/**
 * Every route the app mounts, from the route modules' operation lists: the one place that says which
 * scope a route needs (for the auth middleware) and which pattern a URL matched (for the audit trail).
 * The first match wins, in mount order, as in the app.
 */
export function routeTable(mounts: ApiMount[]) {
  const compiled = mounts.flatMap((m) => m.operations.map((op) => compile(m, op)));
  return {
    routes: compiled.map(({ method, pattern, scope, open }): ApiRoute => ({ method, pattern, scope, open })),
    match(method: string, path: string): { route: ApiRoute; params: Record<string, string> } | undefined {
      const wanted = method === 'HEAD' ? 'GET' : method;
      for (const { regex, names, ...route } of compiled) {
        if (route.method !== wanted) continue;
        const m = regex.exec(path);
        if (m) return { route, params: Object.fromEntries(names.map((n, i) => [n, decodePathSegment(m[i + 1]!)])) };
      }
      return undefined;
    },
  };
}

export type RouteTable = ReturnType<typeof routeTable>;
