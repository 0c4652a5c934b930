import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BundleOptions } from '@temporalio/worker';

/** The repository root, from src/temporal/ and from dist/temporal/ alike. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Where the bundler starts and the failure converter it bundles in, relative to the repository root. */
const WORKFLOWS_ENTRY = 'src/workflows/index.ts';
const FAILURE_CONVERTER = 'src/temporal/failure-converter.cjs';
/** Temporal's OpenTelemetry workflow interceptors, for the runs a traced client started (inside src/workflows, so hashed with it). */
const WORKFLOW_INTERCEPTORS = 'src/workflows/tracing-interceptors.ts';

/**
 * What the workflow bundle is made of: the workflows, the shared shapes they import, the failure converter.
 * Whole folders, so a new import inside them is covered without a resolver of our own.
 */
const HASHED_SOURCES = ['src/workflows', 'src/shared', FAILURE_CONVERTER];

/** The packages whose code or bundler goes into the bundle; their versions are part of its hash. */
const HASHED_PACKAGES = [
  '@temporalio/workflow',
  '@temporalio/worker',
  '@temporalio/common',
  '@temporalio/interceptors-opentelemetry',
  '@opentelemetry/api',
  '@opentelemetry/core',
  '@opentelemetry/sdk-trace-base',
];

/** Bumped when how we call the bundler changes in a way the other inputs do not show. */
const BUNDLE_FORMAT = 2;

/**
 * The options every workflow bundle of this project is built with (workers, the build, the tests' replay):
 * one place, so the bundle a worker loads is the one the replay test checks.
 *
 * @example await bundleWorkflowCode({ ...workflowBundleOptions(), logger })
 */
export function workflowBundleOptions(root = REPO_ROOT): Pick<BundleOptions, 'workflowsPath' | 'failureConverterPath' | 'workflowInterceptorModules'> {
  return {
    workflowsPath: path.join(root, WORKFLOWS_ENTRY),
    failureConverterPath: path.join(root, FAILURE_CONVERTER),
    workflowInterceptorModules: [path.join(root, WORKFLOW_INTERCEPTORS)],
  };
}

/** Whether this checkout has the workflow sources (an image may ship dist/ alone). */
export async function hasWorkflowSources(root = REPO_ROOT) {
  return readFile(path.join(root, WORKFLOWS_ENTRY)).then(
    () => true,
    () => false,
  );
}

async function filesUnder(root: string, relative: string): Promise<string[]> {
  const entries = await readdir(path.join(root, relative), { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOTDIR') return null;
    throw err;
  });
  if (entries === null) return [relative];
  const nested = await Promise.all(
    entries.map((e) => (e.isDirectory() ? filesUnder(root, path.posix.join(relative, e.name)) : [path.posix.join(relative, e.name)])),
  );
  return nested.flat();
}

async function packageVersion(root: string, name: string) {
  const json = await readFile(path.join(root, 'node_modules', name, 'package.json'), 'utf8');
  return (JSON.parse(json) as { version: string }).version;
}

/**
 * A content hash of everything the workflow bundle is built from: the sources (paths and bytes), the
 * bundler options, and the versions of the Temporal packages that are bundled or do the bundling. Equal
 * hashes mean an equal bundle, so it names cached bundles and tells a stale prebuilt one.
 */
export async function workflowSourceHash(root = REPO_ROOT): Promise<string> {
  const hash = createHash('sha256');
  const versions = Object.fromEntries(await Promise.all(HASHED_PACKAGES.map(async (p) => [p, await packageVersion(root, p)])));
  hash.update(JSON.stringify({ format: BUNDLE_FORMAT, entry: WORKFLOWS_ENTRY, failureConverter: FAILURE_CONVERTER, interceptors: WORKFLOW_INTERCEPTORS, versions }));
  const files = (await Promise.all(HASHED_SOURCES.map((s) => filesUnder(root, s)))).flat().sort();
  for (const file of files) {
    hash.update(`\0${file}\0`);
    hash.update(await readFile(path.join(root, file)));
  }
  return hash.digest('hex').slice(0, 32);
}
