/**
 * Fails when the drizzle schema and migrations/ have drifted apart: runs `drizzle-kit generate` with
 * the project's config, but writing into a temporary copy of migrations/, and fails when it would have
 * written a migration. drizzle-kit has no dry run, and on an ambiguous rename it prompts: stdin is
 * closed and a timeout ends a run that waits anyway, so CI never hangs.
 */
import { spawn } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const MIGRATIONS = path.join(ROOT, 'migrations');
const TIMEOUT_MS = 120_000;
const NOTHING_TO_MIGRATE = 'No schema changes, nothing to migrate';

interface Run {
  code: number | null;
  timedOut: boolean;
  output: string;
}

function drizzleKitGenerate(configPath: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'node_modules/drizzle-kit/bin.cjs'), 'generate', `--config=${configPath}`], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CI: '1' },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, timedOut, output });
    });
  });
}

const sqlFiles = async (dir: string) => (await readdir(dir)).filter((f) => f.endsWith('.sql'));

const work = await mkdtemp(path.join(os.tmpdir(), 'artgen-check-migrations-'));
try {
  const out = path.join(work, 'migrations');
  await cp(MIGRATIONS, out, { recursive: true });
  // The project's config with only `out` changed, so the check reads the same schema files as db:generate.
  // drizzle-kit takes `out` as relative to the working directory (it prefixes './').
  const configPath = path.join(work, 'drizzle.config.ts');
  await writeFile(
    configPath,
    `import base from ${JSON.stringify(path.join(ROOT, 'drizzle.config.ts'))};\nexport default { ...base, out: ${JSON.stringify(path.relative(ROOT, out))} };\n`,
  );

  const run = await drizzleKitGenerate(configPath);
  const before = new Set(await sqlFiles(MIGRATIONS));
  const added = (await sqlFiles(out)).filter((f) => !before.has(f));

  if (run.timedOut) {
    console.error(`check:migrations: drizzle-kit generate did not finish within ${TIMEOUT_MS / 1000} s (it may be asking about a rename).`);
    console.error('Run `npm run db:generate` in a terminal, answer its questions and commit the migration.');
    console.error(run.output);
    process.exitCode = 1;
  } else if (added.length > 0) {
    console.error('check:migrations: the schema (src/db/schema/) and migrations/ differ; drizzle-kit generate would write:');
    for (const file of added) {
      console.error(`\n--- migrations/${file}\n${await readFile(path.join(out, file), 'utf8')}`);
    }
    console.error('\nRun `npm run db:generate` and commit the new migration with the schema change.');
    process.exitCode = 1;
  } else if (run.output.includes('Interactive prompts require a TTY')) {
    console.error('check:migrations: the schema and migrations/ differ, and drizzle-kit needs to ask whether a table or column was renamed.');
    console.error('Run `npm run db:generate` in a terminal, answer its questions and commit the migration.');
    process.exitCode = 1;
  } else if (run.code !== 0 || !run.output.includes(NOTHING_TO_MIGRATE)) {
    // drizzle-kit exits 0 on some errors (a missing snapshot, a schema file that fails to load): only its own words count as a pass.
    console.error(`check:migrations: drizzle-kit generate did not answer "${NOTHING_TO_MIGRATE}" (exit ${run.code}):\n${run.output}`);
    process.exitCode = 1;
  } else {
    console.log('check:migrations: schema and migrations agree (drizzle-kit generate: nothing to migrate).');
  }
} finally {
  await rm(work, { recursive: true, force: true });
}
