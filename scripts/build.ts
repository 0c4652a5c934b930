// `npm run build`: the deployed shape. TypeScript compiled to dist/ (tsconfig.build.json), the files tsc does
// not copy (the console's assets, the CommonJS failure converter), and the workflow bundle with the hash of
// its sources (dist/workflow-bundle.js, .json), which `node dist/worker.js` checks before it loads it.
import { spawn } from 'node:child_process';
import { cp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { buildPrebuiltBundle } from '../src/temporal/workflow-bundle.js';
import { REPO_ROOT } from '../src/temporal/workflow-bundle-source.js';

/** Copied as they are: read at run time beside the compiled module that uses them. */
const ASSETS = ['web/assets', 'temporal/failure-converter.cjs'];

function compile() {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  return new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: REPO_ROOT, stdio: 'inherit' });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`tsc -p tsconfig.build.json exited with ${code}`))));
  });
}

const started = Date.now();
const dist = path.join(REPO_ROOT, 'dist');
await rm(dist, { recursive: true, force: true });
const [, bundle] = await Promise.all([compile(), buildPrebuiltBundle()]);
for (const asset of ASSETS) await cp(path.join(REPO_ROOT, 'src', asset), path.join(dist, asset), { recursive: true });
console.log(`built dist/ in ${((Date.now() - started) / 1000).toFixed(1)}s; workflow bundle ${path.relative(REPO_ROOT, bundle.codePath)} (sources ${bundle.hash}, bundled in ${bundle.ms} ms)`);
