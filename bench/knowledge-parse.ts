// `npm run bench:knowledge-parse`: uploading a 100-page PDF and a 100-page DOCX (generated: text layer,
// headings, eight paragraphs a page) through POST /api/knowledge-bases/:id/documents of an API served in
// this process: each upload's time and chunks, the process's peak RSS (the parse runs in a worker thread of
// this process), and the API event loop's longest block while uploading (perf_hooks monitorEventLoopDelay),
// beside the 50 ms limit. Embedded PostgreSQL on BENCH_PG_PORT (default 42180).
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { connectDatabase } from '../src/db/client.js';
import { runMigrations } from '../src/db/migrate.js';
import { createAccount } from '../src/domain/accounts/index.js';
import { startEmbeddedPostgres } from '../src/infra/embedded-postgres.js';
import { apiCall, startApiServer } from '../test/support/api-server.js';
import { makeDocx, makePdf } from './knowledge-files.js';
import { benchCleanup } from './cleanup.js';
import { writeBenchSection } from './results-doc.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const cleanup = benchCleanup();
const PAGES = 100;
const LIMIT_MS = 50;
const quiet = { info: () => undefined, warn: (m: string) => console.warn(m) };
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

async function main() {
  const runDir = path.join(ROOT, '.data', `bench-knowledge-parse-${process.pid}`);
  // Registered first, so it runs last: PostgreSQL stops before its folder goes.
  cleanup.onStop(() => rm(runDir, { recursive: true, force: true, maxRetries: 5 }));
  const pg = await startEmbeddedPostgres({ dataDir: path.join(runDir, 'pg'), port: Number(process.env.BENCH_PG_PORT ?? 42180), database: 'bench', log: quiet, persistent: false });
  cleanup.onStop(pg.stop);
  const database = connectDatabase(pg.url, { max: 4 });
  cleanup.onStop(database.close);
  const lines: string[] = [];
  const say = (line: string) => {
    console.log(line);
    lines.push(line);
  };
  try {
    await runMigrations(pg.url);
    const { apiKey: key } = await createAccount(database.db, 'bench');
    // Uploads start no workflow: the API runs without a Temporal connection here.
    const api = await startApiServer(database, { client: undefined as never, taskQueue: 'none' });
    try {
      const kb = (await apiCall(api.url, 'POST', '/api/knowledge-bases', { key, json: { name: 'bench' } })).body.id as number;
      const files: [string, Uint8Array][] = [
        [`${PAGES}-page PDF`, makePdf(PAGES)],
        [`${PAGES}-page DOCX`, makeDocx(PAGES)],
      ];
      say(`process RSS before: ${mib(process.memoryUsage().rss)}; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')} (1 / 5 / 15 min) on ${os.cpus().length} cores`);
      // The same monitor over an idle API for 5 s: on a shared, loaded machine the loop also waits for a CPU.
      const idle = monitorEventLoopDelay({ resolution: 10 });
      idle.enable();
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      idle.disable();
      say(`idle API, 5 s: event loop's longest delay ${(idle.max / 1e6).toFixed(1)} ms (what this machine's load alone adds)`);
      for (const [name, bytes] of files) {
        const form = new FormData();
        form.append('file', new Blob([bytes]), 'upload.bin');
        const delay = monitorEventLoopDelay({ resolution: 10 });
        delay.enable();
        const started = performance.now();
        const r = await apiCall(api.url, 'POST', `/api/knowledge-bases/${kb}/documents`, { key, form });
        const took = performance.now() - started;
        delay.disable();
        if (r.status !== 201) throw new Error(`${name}: ${r.status} ${r.text}`);
        const longest = delay.max / 1e6;
        say(`${name} (${(bytes.byteLength / 1024).toFixed(0)} KiB, ${r.body.chunkCount} chunks): parsed, chunked and indexed in ${(took / 1000).toFixed(2)} s | event loop's longest block ${longest.toFixed(1)} ms | limit ${LIMIT_MS} ms | ${longest <= LIMIT_MS ? 'PASS' : 'FAIL'}`);
      }
      say(`process peak RSS (API, its parse worker threads and this client): ${mib(process.resourceUsage().maxRSS * 1024)}`);
    } finally {
      await api.close();
    }
  } finally {
    await cleanup.stopAll('SIGTERM');
  }
  const machine = `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB`;
  if (process.env.BENCH_WRITE !== '0') await writeBenchSection('knowledge-parse', `Latest \`npm run bench:knowledge-parse\` (${new Date().toISOString()}, ${machine}):\n\n${lines.map((l) => `    ${l}`).join('\n')}`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
