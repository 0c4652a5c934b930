import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { StartupError } from '../infra/startup-error.js';
import type { Logger } from '../logger.js';
import { hasWorkflowSources, REPO_ROOT, workflowBundleOptions, workflowSourceHash } from './workflow-bundle-source.js';

/** `npm run build` writes the bundle here, with its manifest beside it. */
export const PREBUILT_BUNDLE = 'dist/workflow-bundle.js';
const PREBUILT_MANIFEST = 'dist/workflow-bundle.json';
/** Bundles built on demand, one file per source hash; git-ignored with node_modules, shared by every process of the checkout. */
const CACHE_DIR = 'node_modules/.cache/artgen/workflow-bundles';
/** Cached bundles kept (the newest by modification time): a few branches' worth. */
const CACHE_KEEP = 5;

/** This module runs as compiled JavaScript (`npm run build`, `node dist/worker.js`): the deployed shape. */
export const RUNNING_COMPILED = !import.meta.url.endsWith('.ts');

export interface WorkflowBundle {
  /** The bundle file, for `workflowBundle: { codePath }`. */
  codePath: string;
  /** The content hash of the sources it was built from (workflowSourceHash). */
  hash: string;
  /** prebuilt: `npm run build`'s; cache: built earlier on demand; built: bundled by this call. */
  source: 'prebuilt' | 'cache' | 'built';
}

interface BundleManifest {
  hash: string;
  builtAt: string;
}

export interface ResolveWorkflowBundleOptions {
  /**
   * prebuilt: only `npm run build`'s bundle, refused when missing or stale (deployed, compiled JavaScript);
   * on-demand: a cached bundle for the current sources, built and cached when there is none (`npm start`, tsx).
   */
  mode?: 'prebuilt' | 'on-demand';
  /** The checkout; tests point it at a copy. */
  root?: string;
  log?: Logger;
}

async function bundleTo(root: string, file: string) {
  const started = Date.now();
  const { code } = await bundleWorkflowCode({ ...workflowBundleOptions(root), logger: new DefaultLogger('WARN') });
  await mkdir(path.dirname(file), { recursive: true });
  // Written beside and renamed: a process reading the path never sees half a bundle.
  const partial = `${file}.${process.pid}.partial`;
  await writeFile(partial, code);
  await rename(partial, file);
  return Date.now() - started;
}

/**
 * Builds the deployed bundle (`npm run build`): dist/workflow-bundle.js and the hash of its sources.
 *
 * @example const { hash } = await buildPrebuiltBundle();
 */
export async function buildPrebuiltBundle(root = REPO_ROOT) {
  const hash = await workflowSourceHash(root);
  const ms = await bundleTo(root, path.join(root, PREBUILT_BUNDLE));
  const manifest: BundleManifest = { hash, builtAt: new Date().toISOString() };
  await writeFile(path.join(root, PREBUILT_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return { codePath: path.join(root, PREBUILT_BUNDLE), hash, ms };
}

async function loadPrebuilt(root: string): Promise<WorkflowBundle> {
  const manifestText = await readFile(path.join(root, PREBUILT_MANIFEST), 'utf8').catch(() => null);
  const codePath = path.join(root, PREBUILT_BUNDLE);
  if (manifestText === null || !(await stat(codePath).catch(() => null))) {
    throw new StartupError(`No workflow bundle at ${PREBUILT_BUNDLE} (with ${PREBUILT_MANIFEST}): run \`npm run build\` before starting the compiled worker.`);
  }
  const { hash } = JSON.parse(manifestText) as BundleManifest;
  if (await hasWorkflowSources(root)) {
    const current = await workflowSourceHash(root);
    if (current !== hash) {
      throw new StartupError(
        `The workflow bundle ${PREBUILT_BUNDLE} is stale: it was built from sources with hash ${hash}, the sources now hash to ${current} ` +
          '(src/workflows, src/shared, the failure converter or the Temporal packages changed since `npm run build`). ' +
          'Run `npm run build` again; a worker must run the workflow code its histories were written with.',
      );
    }
  }
  return { codePath, hash, source: 'prebuilt' };
}

async function pruneCache(dir: string) {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.js'));
  const dated = await Promise.all(files.map(async (f) => ({ f, mtime: (await stat(path.join(dir, f))).mtimeMs })));
  const old = dated.sort((a, b) => b.mtime - a.mtime).slice(CACHE_KEEP);
  await Promise.all(old.map(({ f }) => rm(path.join(dir, f), { force: true })));
}

async function loadOrBuildCached(root: string, log: Logger | undefined): Promise<WorkflowBundle> {
  const hash = await workflowSourceHash(root);
  const dir = path.join(root, CACHE_DIR);
  const codePath = path.join(dir, `${hash}.js`);
  if (await stat(codePath).catch(() => null)) {
    // Marked as used, so pruning keeps the bundles in use, not the ones built last.
    const now = new Date();
    await utimes(codePath, now, now).catch(() => undefined);
    return { codePath, hash, source: 'cache' };
  }
  log?.info({ hash }, 'bundling the workflow code (once per change of the workflow sources; cached under node_modules/.cache)');
  const ms = await bundleTo(root, codePath);
  log?.info({ hash, ms }, 'workflow code bundled');
  await pruneCache(dir).catch(() => undefined);
  return { codePath, hash, source: 'built' };
}

/**
 * The workflow bundle a worker loads (`workflowBundle: { codePath }`): `npm run build`'s when running
 * compiled, checked against the sources; otherwise one cached by source hash, bundled on a miss. Bundling
 * costs seconds of CPU, so no worker of an unchanged checkout pays it twice.
 *
 * @example
 * const bundle = await resolveWorkflowBundle({ log });
 * await Worker.create({ workflowBundle: { codePath: bundle.codePath }, ... });
 */
export async function resolveWorkflowBundle({ mode = RUNNING_COMPILED ? 'prebuilt' : 'on-demand', root = REPO_ROOT, log }: ResolveWorkflowBundleOptions = {}) {
  return mode === 'prebuilt' ? loadPrebuilt(root) : loadOrBuildCached(root, log);
}
