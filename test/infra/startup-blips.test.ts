import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { connectDatabase, type Database } from '../../src/db/client.js';
import { runMigrations } from '../../src/db/migrate.js';
import { createTaskWithReservations } from '../../src/domain/tasks/selection.js';
import { taskWorkflowId } from '../../src/domain/tasks/workflow-id.js';
import { connectTemporal, type TemporalHandles } from '../../src/temporal/connect.js';
import { startTaskWorkflow } from '../../src/temporal/start-task-workflow.js';
import { claimOwnIdRange, createIsolatedDatabase, newAccount, seedDistillations } from '../support/db.js';
import { startLlmStub, type LlmStub } from '../support/llm-stub.js';
import { TEST_PAYLOAD_CODEC } from '../support/payload-codec.js';
import { ROOT, startServiceProcess, type ServiceProcess } from '../support/service-process.js';
import { startTcpProxy } from '../support/tcp-proxy.js';
import { startCrashablePostgres } from '../faults/support/crashable-postgres.js';

/** Every start-up step of `npm run worker` that reaches PostgreSQL or Temporal, in order. */
const STEPS = [
  'applying migrations',
  'connecting the worker to Temporal',
  'connecting the client to Temporal',
  'registering search attributes',
  'creating the workflow worker',
  'creating the LLM worker',
  'resuming unfinished tasks',
  'reconciling tasks',
  'sweeping webhook deliveries',
  'ensuring the usage verification schedule',
];

const suffix = randomUUID().slice(0, 8);
const queues = { TASK_QUEUE: `blip-tasks-${suffix}`, LLM_TASK_QUEUE: `blip-llm-${suffix}`, USAGE_VERIFY_SCHEDULE_ID: `blip-usage-${suffix}` };
let database: Database;
let databaseUrl: string;
let temporal: TemporalHandles;
let stub: LlmStub;
const workers: ServiceProcess[] = [];
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  // A database of its own, so the worker's resume and reconcile see only this test's tasks; task ids
  // (workflow ids article-task-<id>) out of the other test files' range on the shared Temporal server.
  databaseUrl = await createIsolatedDatabase(`artgen_blips_${suffix}`);
  database = connectDatabase(databaseUrl, { max: 3 });
  temporal = await connectTemporal(inject('temporalAddress'), 'default', TEST_PAYLOAD_CODEC);
  stub = await startLlmStub({ latencyMs: 0 });
});

afterAll(async () => {
  for (const w of workers) await w.kill();
  for (const close of closers.reverse()) await close().catch(() => undefined);
  await temporal?.client.schedule.getHandle(queues.USAGE_VERIFY_SCHEDULE_ID).delete().catch(() => undefined);
  await temporal?.close();
  await stub?.close();
  await database?.close();
});

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const count = (text: string, pattern: RegExp) => text.split('\n').filter((line) => pattern.test(line)).length;

it('PostgreSQL and Temporal restarting at each start-up step: the worker waits each out with one log line, then polls', { timeout: 600_000 }, async () => {
  const { accountId } = await newAccount(database);
  await seedDistillations(database, accountId, Array.from({ length: 4 }, (_, i) => ({ keyword: `blip-${i}` })));
  // A task committed without its workflow (a crash between commit and start): the resume step starts it.
  const resumed = await createTaskWithReservations(database.db, accountId, { articleCount: 2, concurrency: 2 });

  // The worker reaches both services through proxies; cutting a proxy drops its connections and refuses
  // new ones, as a `pg_ctl restart -m immediate` or a Temporal restart does.
  const pgUrl = new URL(databaseUrl);
  const pgProxy = await startTcpProxy(`${pgUrl.hostname}:${pgUrl.port}`);
  const temporalProxy = await startTcpProxy(inject('temporalAddress'));
  closers.push(pgProxy.close, temporalProxy.close);
  pgUrl.port = pgProxy.address.split(':')[1]!;

  const w = startServiceProcess('src/worker.ts', {
    ...queues,
    DATABASE_URL: pgUrl.toString(),
    TEMPORAL_ADDRESS: temporalProxy.address,
    LLM_BASE_URL: stub.url,
    LLM_RETRY_INITIAL_MS: '200',
  });
  workers.push(w);
  // Both go down the moment the worker logs that it enters a step: the cut runs in the same turn of the
  // event loop that reads the line, before the proxies relay any answer to the step's first request.
  const cuts = STEPS.map((step) =>
    w.waitForOutput(new RegExp(`"msg":"start-up: ${escape(step)}"`), 300_000).then(() => {
      pgProxy.cut();
      temporalProxy.cut();
    }),
  );
  for (const cut of cuts) cut.catch(() => undefined); // awaited in turn below; a worker that exits early rejects them all
  // The worker runs on while this process reads its line and cuts: on a loaded machine a one-query step can
  // finish first. Such a step is "missed" (the proxies stay down, so the next step meets the cut instead);
  // every other step must wait it out.
  const missed: string[] = [];
  for (const [i, step] of STEPS.entries()) {
    await cuts[i];
    const waited = w.waitForOutput(new RegExp(`start-up: ${escape(step)} waits for a dependency`), 120_000).then(() => 'waited' as const);
    const next = STEPS[i + 1];
    const movedOn = w.waitForOutput(next ? new RegExp(`"msg":"start-up: ${escape(next)}"`) : /"msg":"worker running"/, 120_000).then(() => 'moved on' as const);
    movedOn.catch(() => undefined);
    if ((await Promise.race([waited, movedOn])) === 'moved on' && !new RegExp(`start-up: ${escape(step)} waits for a dependency`).test(w.output())) {
      waited.catch(() => undefined);
      missed.push(step);
      continue;
    }
    pgProxy.restore();
    temporalProxy.restore();
  }
  // A missed last step leaves the proxies down.
  pgProxy.restore();
  temporalProxy.restore();
  await w.waitForOutput(/"msg":"worker running"/, 120_000);

  const out = w.output();
  expect(w.child.exitCode, w.tail()).toBeNull();
  expect(out).not.toMatch(/Start-up failed|start-up failed/);
  // A race lost now and then, not a step that never waits: most steps must have met the cut.
  expect(missed.length, `steps finished before the cut: ${missed.join(', ')}`).toBeLessThanOrEqual(2);
  for (const step of STEPS.filter((s) => !missed.includes(s))) {
    expect(count(out, new RegExp(`start-up: ${escape(step)} waits for a dependency`)), step).toBe(1);
    expect(count(out, new RegExp(`start-up: ${escape(step)} succeeded after waiting`)), step).toBe(1);
  }

  // It polls: the resumed task and one created now both complete.
  const created = await createTaskWithReservations(database.db, accountId, { articleCount: 2, concurrency: 2 });
  await startTaskWorkflow({ client: temporal.client, taskQueue: queues.TASK_QUEUE }, created);
  for (const task of [resumed, created]) {
    const summary = await temporal.client.workflow.getHandle(taskWorkflowId(task.id)).result();
    expect(summary).toMatchObject({ status: 'completed', generatedCount: 2 });
  }
  expect(w.child.exitCode, w.tail()).toBeNull();
});

it('a start-up error that waiting cannot cure (an unknown namespace) still stops the worker at once, naming the step', async () => {
  const w = startServiceProcess('src/worker.ts', {
    ...queues,
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_NAMESPACE: `no-such-namespace-${suffix}`,
    LLM_BASE_URL: stub.url,
  });
  workers.push(w);
  expect(await w.exited, w.tail()).toBe(1);
  expect(w.output()).toMatch(/start-up failed while registering search attributes: .*not found/i);
  expect(w.output()).not.toMatch(/waits for a dependency/);
});

it('a `pg_ctl restart -m immediate` while the worker resumes tasks (the fault run, seed 7): it waits, then resumes them', { timeout: 300_000 }, async () => {
  // A PostgreSQL of its own: the crash must not reach the other test files' database.
  const pg = await startCrashablePostgres(path.join(ROOT, '.data', `test-startup-blips-${suffix}`), 'artgen_blips_crash');
  closers.push(pg.stop);
  await runMigrations(pg.url);
  const own = connectDatabase(pg.url, { max: 1 });
  closers.push(own.close);
  await claimOwnIdRange(pg.url);
  const { accountId } = await newAccount(own);
  await seedDistillations(own, accountId, [{ keyword: 'crash-a' }, { keyword: 'crash-b' }]);
  const task = await createTaskWithReservations(own.db, accountId, { articleCount: 2, concurrency: 2 });

  const pgUrl = new URL(pg.url);
  const proxy = await startTcpProxy(`${pgUrl.hostname}:${pgUrl.port}`);
  closers.push(proxy.close);
  pgUrl.port = proxy.address.split(':')[1]!;
  const crashQueues = { TASK_QUEUE: `blip-crash-tasks-${suffix}`, LLM_TASK_QUEUE: `blip-crash-llm-${suffix}`, USAGE_VERIFY_SCHEDULE_ID: `blip-crash-usage-${suffix}` };
  closers.push(() => temporal.client.schedule.getHandle(crashQueues.USAGE_VERIFY_SCHEDULE_ID).delete());
  const w = startServiceProcess('src/worker.ts', { ...crashQueues, DATABASE_URL: pgUrl.toString(), TEMPORAL_ADDRESS: inject('temporalAddress'), LLM_BASE_URL: stub.url });
  workers.push(w);
  const resuming = /"msg":"start-up: resuming unfinished tasks"/;
  // The proxy holds the step's first query (see above); the crash restart then runs for real, and the
  // proxy lets the worker's retries through while PostgreSQL is still down or recovering.
  const crashed = w.waitForOutput(resuming, 240_000).then(() => {
    proxy.cut();
    return pg.crashRestart();
  });
  crashed.catch(() => undefined);
  await w.waitForOutput(/start-up: resuming unfinished tasks waits for a dependency/, 240_000);
  proxy.restore();
  await crashed;
  await w.waitForOutput(/"msg":"worker running"/, 120_000);

  expect(w.child.exitCode, w.tail()).toBeNull();
  expect(count(w.output(), /waits for a dependency/)).toBe(1);
  const summary = await temporal.client.workflow.getHandle(taskWorkflowId(task.id)).result();
  expect(summary).toMatchObject({ status: 'completed', generatedCount: 2 });
});
