// `npm run bench:failover`: the model router (src/llm/models/router.ts) on a real embedded PostgreSQL with two loopback
// models A and B at L = 200 ms, maxConcurrency 5 each: 100 requests on the route [A, B], 10 at a time. Healthy, the
// route's two models share the load (limit 1.2 x ceil(100/10) x L); with A answering 500 to every request (after L),
// A's breaker opens after LLM_BREAKER_FAILURES and B alone carries it, A tried once per cool-down (limit 1.2 x
// (ceil(100/5) x L + the cool-down)). Prints each figure beside its limit and writes them to docs/benchmarks.md.
// Not part of the tests: these machines are noisy.
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_ROUTER } from '../src/config.js';
import { connectDatabase } from '../src/db/client.js';
import { runMigrations } from '../src/db/migrate.js';
import { createAccount } from '../src/domain/accounts/index.js';
import { startEmbeddedPostgres } from '../src/infra/embedded-postgres.js';
import { findFreePort } from '../src/infra/temporal-dev-server.js';
import { createModelRouter } from '../src/llm/models/router.js';
import type { ModelSpec } from '../src/llm/models/spec.js';
import { startLlmStub, type LlmStub } from '../test/support/llm-stub.js';
import { benchCleanup } from './cleanup.js';
import { writeBenchSection } from './results-doc.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const REQUESTS = 100;
const AT_ONCE = 10;
const LATENCY_MS = 200;
const MODEL_CONCURRENCY = 5;
const COOLDOWN_MS = 1_000;
const quiet = { info: () => undefined, warn: (m: string) => console.warn(m) };
const cleanup = benchCleanup();
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

const model = (name: string, stub: LlmStub): ModelSpec => ({
  id: `${name}-${randomUUID().slice(0, 8)}`, displayName: name, baseUrl: stub.url, model: 'stub', apiKeyEnv: null,
  promptPriceMicrosPerMillion: 1_000_000, completionPriceMicrosPerMillion: 2_000_000, currency: 'USD', contextWindow: null,
  maxConcurrency: MODEL_CONCURRENCY, requestsPerMinute: null, tokensPerMinute: null, timeoutMs: 10_000, streaming: false,
});

/** Runs REQUESTS requests AT_ONCE at a time through one router; returns the wall time and the requests each model answered. */
async function run(router: ReturnType<typeof createModelRouter>, route: ModelSpec[], accountId: number) {
  let next = 0;
  const answeredBy = new Map<string, number>();
  const lane = async () => {
    while (next < REQUESTS) {
      const i = next++;
      const reply = await router.complete(route, { messages: [{ role: 'user', content: `bench question ${i}` }], accountId, position: i, attempt: 1 });
      answeredBy.set(reply.modelId, (answeredBy.get(reply.modelId) ?? 0) + 1);
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: AT_ONCE }, lane));
  return { wall: performance.now() - t0, answeredBy };
}

async function main() {
  const runDir = path.join(ROOT, '.data', `bench-failover-${process.pid}`);
  cleanup.onStop(() => rm(runDir, { recursive: true, force: true }));
  const pg = await startEmbeddedPostgres({ dataDir: path.join(runDir, 'pg'), port: await findFreePort(), database: 'bench', log: quiet, persistent: false });
  cleanup.onStop(pg.stop);
  await runMigrations(pg.url);
  const database = connectDatabase(pg.url, { max: 10 });
  cleanup.onStop(database.close);
  const [a, b] = await Promise.all([startLlmStub({ latencyMs: LATENCY_MS }), startLlmStub({ latencyMs: LATENCY_MS })]);
  cleanup.onStop(() => a.close());
  cleanup.onStop(() => b.close());
  const { accountId } = await createAccount(database.db, 'bench-failover');
  const router = createModelRouter({ db: database.db, settings: { ...DEFAULT_ROUTER, breakerCooldownMs: COOLDOWN_MS } });

  // Warm-up: the tokenizer's tables and the pool's connections, outside the measured runs.
  await run(router, [model('warm', a)], accountId);

  const lines: string[] = [];
  const report = (name: string, wall: number, floor: number, extra: string) => {
    const limit = 1.2 * floor;
    const line = `${name}: wall ${seconds(wall)} | limit 1.2 x ${seconds(floor)} = ${seconds(limit)} | ${wall <= limit ? 'met' : 'MISSED'} (${extra})`;
    console.log(line);
    lines.push(line);
  };

  a.resetCounters();
  b.resetCounters();
  const [A, B] = [model('a', a), model('b', b)];
  const healthy = await run(router, [A, B], accountId);
  report('healthy [A, B]', healthy.wall, Math.ceil(REQUESTS / AT_ONCE) * LATENCY_MS, `A answered ${healthy.answeredBy.get(A.id) ?? 0}, B ${healthy.answeredBy.get(B.id) ?? 0}; peak in flight A ${a.maxInFlight}, B ${b.maxInFlight}`);

  a.resetCounters();
  b.resetCounters();
  a.setBehavior(() => ({ status: 500 }));
  const [A2, B2] = [model('a', a), model('b', b)];
  const failing = await run(router, [A2, B2], accountId);
  report(
    `A failing every request (500 after L), breaker ${DEFAULT_ROUTER.breakerFailures} failures / ${COOLDOWN_MS} ms cool-down`,
    failing.wall,
    Math.ceil(REQUESTS / MODEL_CONCURRENCY) * LATENCY_MS + COOLDOWN_MS,
    `B answered ${failing.answeredBy.get(B2.id) ?? 0}; A was sent ${a.requests.length} requests (threshold + trials); peak in flight B ${b.maxInFlight}`,
  );

  const machine = `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')} (1 / 5 / 15 min), Node ${process.version}`;
  await writeBenchSection('model-failover', `Latest \`npm run bench:failover\` (${new Date().toISOString()}, ${machine}; ${REQUESTS} requests, ${AT_ONCE} at a time, L=${LATENCY_MS} ms, maxConcurrency ${MODEL_CONCURRENCY} per model):\n\n${lines.map((l) => `    ${l}`).join('\n')}`);
}

main()
  .catch((err) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => cleanup.stopAll('SIGTERM'));
