// `npm run bench:writes`: what the authenticated write path costs (auth throttle, key lookup, account
// limits, rate-limit upsert, audit insert; p50/p99 of each, timed in isolation) and the API's
// authenticated writes per second over HTTP (a separate API process, 10 clients). Prints the figures with
// the machine's load average and writes its section of docs/benchmarks.md (between <!-- writes --> markers).
import os from 'node:os';
import { connectDatabase } from '../src/db/client.js';
import { runMigrations } from '../src/db/migrate.js';
import { createAccount } from '../src/domain/accounts/index.js';
import { findFreePort } from '../src/infra/temporal-dev-server.js';
import { newPayloadKeySpec } from '../src/temporal/payload-keys.js';
import { benchCleanup } from './cleanup.js';
import { writeBenchSection } from './results-doc.js';
import { spawnService, startBenchStack } from './services.js';
import { measureWriteOverhead, measureWritesPerSecond, WRITE_OVERHEAD_P50_LIMIT_MS } from './write-overhead.js';

const cleanup = benchCleanup();
const f = (ms: number) => `${ms.toFixed(2)} ms`;

async function main() {
  const { pg, temporal } = await startBenchStack(cleanup, 'bench-writes');
  await runMigrations(pg.url);
  const database = connectDatabase(pg.url, { max: 10 });
  cleanup.onStop(database.close);
  const { accountId, apiKey } = await createAccount(database.db, 'bench-writes');
  const port = await findFreePort();
  await spawnService(cleanup, 'src/api-server.ts', {
    DATABASE_URL: pg.url, TEMPORAL_ADDRESS: temporal.address, PORT: String(port), LOG_LEVEL: 'info', TEMPORAL_PAYLOAD_KEYS: newPayloadKeySpec(),
    // The bench measures the write path, not where its rate limit refuses.
    RATE_LIMIT_WRITES_PER_ACCOUNT: '1000000', RATE_LIMIT_WRITES_PER_KEY: '1000000',
  }, 'API listening');
  const loadBefore = os.loadavg()[0]!;
  console.log('bench:writes: timing the write path...');
  const overhead = await measureWriteOverhead(database.db, accountId, apiKey);
  const http = await measureWritesPerSecond(`http://127.0.0.1:${port}`, apiKey);
  const loadAfter = os.loadavg()[0]!;
  const pass = overhead.total.p50Ms <= WRITE_OVERHEAD_P50_LIMIT_MS;
  const lines = [
    '| step of an authenticated write | p50 | p99 |',
    '| --- | --- | --- |',
    ...overhead.steps.map((s) => `| ${s.step} | ${f(s.p50Ms)} | ${f(s.p99Ms)} |`),
    `| ${overhead.reference.step} | ${f(overhead.reference.p50Ms)} | ${f(overhead.reference.p99Ms)} |`,
    `| **${overhead.total.step}** (limit p50 <= ${WRITE_OVERHEAD_P50_LIMIT_MS} ms: ${pass ? 'PASS' : 'FAIL'}) | **${f(overhead.total.p50Ms)}** | ${f(overhead.total.p99Ms)} |`,
    '',
    `HTTP, 10 clients for 5 s, \`POST /api/notifications/read-all\` (a write whose route does almost nothing): ${http.writesPerSecond.toFixed(0)} authenticated writes/s, p50 ${f(http.p50Ms)}, p99 ${f(http.p99Ms)} (${http.requests} requests).`,
  ];
  const machine = `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, load average (1 min) ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after`;
  const section = `## Authenticated writes (${new Date().toISOString()}; ${machine})\n\n${lines.join('\n')}`;
  console.log(section);
  await writeBenchSection('writes', section);
}

main()
  .then(() => cleanup.stopAll('SIGTERM'))
  .catch(async (err) => {
    console.error(err);
    await cleanup.stopAll('SIGKILL');
    process.exit(1);
  });
