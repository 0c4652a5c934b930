import { describe, expect, it } from 'vitest';
import { createApp, openApiDocument } from '../src/api/app.js';
import type { ApiDeps } from '../src/api/types.js';
import { createLogger } from '../src/logger.js';

/** Routes are only built here, never called, so the handles they close over are never used. */
const deps = { db: {}, temporal: { client: {} }, log: createLogger('silent'), defaultConcurrency: 5 } as unknown as ApiDeps;

describe('OpenAPI document', () => {
  it('documents exactly the routes the app serves, each method and path once', () => {
    const served = createApp(deps)
      .routes.filter((r) => r.method !== 'ALL')
      .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`);
    const documented = Object.entries(openApiDocument().paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(new Set(served).size).toBe(served.length);
    expect([...documented].sort()).toEqual([...served].sort());
  });

  it('takes request bodies and queries from the validating zod schemas, with every path parameter', () => {
    const paths = openApiDocument().paths as Record<string, Record<string, any>>;
    const importBody = paths['/api/distillations/import']!.post.requestBody.content['application/json'].schema;
    expect(importBody.properties.distillations).toMatchObject({ type: 'array', minItems: 1, maxItems: 1000 });
    const listTasks = paths['/api/article-generation/tasks']!.get.parameters.map((p: any) => p.name);
    expect(listTasks).toEqual(expect.arrayContaining(['page', 'pageSize', 'status']));
    for (const [path, ops] of Object.entries(paths)) {
      const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const op of Object.values(ops)) {
        expect(op.parameters?.filter((p: any) => p.in === 'path').map((p: any) => p.name) ?? [], path).toEqual(names);
        expect(op.summary, path).toMatch(/\w/);
      }
    }
  });
});
