import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import type { WebEnv } from './context.js';

const FILES: Record<string, string> = { 'console.css': 'text/css; charset=utf-8', 'console.js': 'text/javascript; charset=utf-8' };
const cache = new Map<string, string>();

/** The console's stylesheet and script, served as files so the pages' CSP needs no 'unsafe-inline'. */
export function assetRoutes() {
  return new Hono<WebEnv>().get('/assets/:name', (c) => {
    const name = c.req.param('name');
    const type = FILES[name];
    if (!type) return c.notFound();
    let body = cache.get(name);
    if (body === undefined) cache.set(name, (body = readFileSync(new URL(`./assets/${name}`, import.meta.url), 'utf8')));
    c.header('Content-Type', type);
    // The pages link them with ?v=, so a new version is a new URL.
    c.header('Cache-Control', 'public, max-age=3600');
    return c.body(body);
  });
}
