import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ROOT, startServiceProcess, type ServiceProcess } from '../support/service-process.js';
import { startCrashablePostgres, type CrashablePostgres } from './support/crashable-postgres.js';

/**
 * Issue 8 item 3: postgres.js 3.4.x could throw `Cannot read properties of null (reading 'write')`
 * from a timer when a connection died with a transaction open, killing the process. A process keeps
 * a pool busy with transactions while PostgreSQL is crash-restarted again and again; it must live
 * through every restart and get its queries through again after each one.
 */
const RESTARTS = Number(process.env.PG_RESTARTS ?? 20);
let pg: CrashablePostgres;
let load: ServiceProcess;

const progress = async (): Promise<{ ok: number; failed: number }> => {
  const line = await load.waitForOutput(/^progress /);
  const all = load.tail().split('\n').filter((l) => l.startsWith('progress '));
  const [, ok, failed] = (all.at(-1) ?? line).split(' ');
  return { ok: Number(ok), failed: Number(failed) };
};

async function okBeyond(count: number): Promise<number> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (load.unexpectedExit()) throw new Error(`${load.unexpectedExit()}:\n${load.tail()}`);
    const { ok } = await progress();
    if (ok > count) return ok;
    if (Date.now() > deadline) throw new Error(`no query succeeded for 60 s after a restart:\n${load.tail()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  pg = await startCrashablePostgres(path.join(ROOT, '.data', `faults-pg-restart-${process.pid}`), 'pg_restart');
  load = startServiceProcess('test/faults/support/pg-load.ts', { DATABASE_URL: pg.url, LOAD_CONCURRENCY: '40' }, 'load');
});

afterAll(async () => {
  await load?.stop();
  await pg?.stop();
});

it(`a process under load lives through ${RESTARTS} PostgreSQL crash restarts and recovers after each`, async () => {
  let ok = await okBeyond(0);
  for (let i = 1; i <= RESTARTS; i++) {
    // Restart in the middle of traffic: wait for fresh successes first.
    ok = await okBeyond(ok + 50);
    await pg.crashRestart();
    ok = await okBeyond(ok);
    expect(load.unexpectedExit(), `after restart ${i}:\n${load.tail()}`).toBeNull();
  }
  const { failed } = await progress();
  console.log(`[pg-restart] ${RESTARTS} restarts: ${ok} operations succeeded, ${failed} failed while the database was away`);
  expect(failed).toBeGreaterThan(0); // the restarts really hit queries in flight
}, 30 * 60_000);
