import { appendFile, cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { StartupError } from '../../src/infra/startup-error.js';
import { connectTemporal } from '../../src/temporal/connect.js';
import { buildPrebuiltBundle, resolveWorkflowBundle } from '../../src/temporal/workflow-bundle.js';
import { workflowSourceHash } from '../../src/temporal/workflow-bundle-source.js';
import { createIsolatedDatabase } from '../support/db.js';
import { TEST_PAYLOAD_CODEC } from '../support/payload-codec.js';
import { ROOT, startServiceProcess } from '../support/service-process.js';

/**
 * The workflow bundle a worker loads: `npm run build`'s, refused once the sources moved on; or one cached
 * by source hash, bundled on a miss. Run on a copy of the hashed sources, so the checkout's own cache and
 * dist/ stay as they are.
 */
const T = { timeout: 300_000 };
let copy: string;

beforeAll(async () => {
  await mkdir(path.join(ROOT, '.data'), { recursive: true });
  copy = await mkdtemp(path.join(ROOT, '.data', 'bundle-copy-'));
  for (const p of ['src/workflows', 'src/shared', 'src/temporal/failure-converter.cjs']) await cp(path.join(ROOT, p), path.join(copy, p), { recursive: true });
  // The packages by link, one by one: node_modules/.cache (where bundles are cached) stays the copy's own.
  await mkdir(path.join(copy, 'node_modules'));
  for (const name of await readdir(path.join(ROOT, 'node_modules'))) {
    if (name !== '.cache') await symlink(path.join(ROOT, 'node_modules', name), path.join(copy, 'node_modules', name));
  }
});
afterAll(() => rm(copy, { recursive: true, force: true }));

it('hashes what goes into the bundle (workflows, shared shapes, the failure converter) and nothing else', async () => {
  const before = await workflowSourceHash(copy);
  await mkdir(path.join(copy, 'src/api'), { recursive: true });
  await writeFile(path.join(copy, 'src/api/route.ts'), 'export const unrelated = 1;\n');
  expect(await workflowSourceHash(copy)).toBe(before);
  const converter = path.join(copy, 'src/temporal/failure-converter.cjs');
  const original = await readFile(converter, 'utf8');
  await appendFile(converter, '// changed\n');
  expect(await workflowSourceHash(copy)).not.toBe(before);
  await writeFile(converter, original);
  expect(await workflowSourceHash(copy)).toBe(before);
});

it('a prebuilt bundle of the sources loads; once a source changes it is refused as stale, naming `npm run build`; without one the start is refused too', T, async () => {
  const built = await buildPrebuiltBundle(copy);
  expect(await resolveWorkflowBundle({ mode: 'prebuilt', root: copy })).toEqual({ codePath: path.join(copy, 'dist/workflow-bundle.js'), hash: built.hash, source: 'prebuilt' });

  await appendFile(path.join(copy, 'src/workflows/progress.ts'), "\nexport const bundleProbe = 'stale-probe';\n");
  const stale = await resolveWorkflowBundle({ mode: 'prebuilt', root: copy }).catch((err: unknown) => err);
  expect(stale).toBeInstanceOf(StartupError);
  expect((stale as Error).message).toMatch(/workflow bundle dist\/workflow-bundle\.js is stale: it was built from sources with hash \w+, the sources now hash to \w+.*Run `npm run build` again/);

  await rm(path.join(copy, 'dist'), { recursive: true });
  const missing = await resolveWorkflowBundle({ mode: 'prebuilt', root: copy }).catch((err: unknown) => err);
  expect(missing).toBeInstanceOf(StartupError);
  expect((missing as Error).message).toMatch(/No workflow bundle at dist\/workflow-bundle\.js.*run `npm run build`/);
});

it('on demand, changed sources are bundled once, then loaded from the cache by their hash', T, async () => {
  await appendFile(path.join(copy, 'src/workflows/progress.ts'), "\nexport const bundleProbe2 = 'rebuild-probe';\n");
  const hash = await workflowSourceHash(copy);
  const first = await resolveWorkflowBundle({ mode: 'on-demand', root: copy });
  expect(first).toEqual({ codePath: path.join(copy, 'node_modules/.cache/artgen/workflow-bundles', `${hash}.js`), hash, source: 'built' });
  expect(await readFile(first.codePath, 'utf8')).toContain('rebuild-probe');
  expect(await resolveWorkflowBundle({ mode: 'on-demand', root: copy })).toEqual({ ...first, source: 'cache' });
});

it('a worker process started from source loads the cached bundle the test setup built, from its codePath, and reports it', T, async () => {
  const databaseUrl = await createIsolatedDatabase(`artgen_bundle_${process.pid}`);
  const worker = startServiceProcess('src/worker.ts', {
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TASK_QUEUE: `bundle-tasks-${process.pid}`,
    LLM_TASK_QUEUE: `bundle-llm-${process.pid}`,
    USAGE_VERIFY_SCHEDULE_ID: `bundle-usage-${process.pid}`,
  });
  try {
    const loaded = JSON.parse(await worker.waitForOutput(/workflow bundle loaded from codePath/));
    expect(loaded).toMatchObject({ codePath: inject('workflowBundlePath'), source: 'cache' });
    const polling = JSON.parse(await worker.waitForOutput(/"msg":"worker polling"/));
    expect(polling.sinceProcessStartMs).toBeGreaterThan(0);
    expect(worker.output()).not.toMatch(/bundling the workflow code/);
  } finally {
    await worker.stop();
    const temporal = await connectTemporal(inject('temporalAddress'), 'default', TEST_PAYLOAD_CODEC);
    await temporal.client.schedule.getHandle(`bundle-usage-${process.pid}`).delete().catch(() => undefined);
    await temporal.close();
  }
});
