import postgres from 'postgres';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';

/**
 * patches/postgres+3.4.9.patch (issue 8 item 3): a statement sent on a transaction's or a reserved
 * connection after its server closed it must fail with CONNECTION_CLOSED. Unpatched, postgres.js
 * 3.4.9 throws `Cannot read properties of null (reading 'write')` from a timer instead, which kills
 * the process (here: the test worker). The long form, under load and real crash restarts, is
 * test/faults/pg-restart.test.ts.
 */
let sql: postgres.Sql;
let killer: postgres.Sql;
let closedConnections: (() => void)[] = [];

/** Resolves when the pool has seen a connection close (its `onclose` hook). */
const nextClose = () => new Promise<void>((resolve) => closedConnections.push(resolve));

beforeAll(() => {
  const onclose = () => {
    for (const resolve of closedConnections) resolve();
    closedConnections = [];
  };
  sql = postgres(inject('databaseUrl'), { max: 2, onnotice: () => undefined, onclose });
  killer = postgres(inject('databaseUrl'), { max: 1, onnotice: () => undefined });
});

afterAll(async () => {
  await sql?.end({ timeout: 5 });
  await killer?.end({ timeout: 5 });
});

async function terminate(pid: number) {
  const closed = nextClose();
  await killer`SELECT pg_terminate_backend(${pid}, 10000)`;
  await closed;
}

it('a transaction whose connection was closed by the server fails its next statement; the pool carries on', async () => {
  const outcome = await sql
    .begin(async (tx) => {
      const [row] = await tx<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;
      await terminate(row!.pid);
      await tx`SELECT 1`;
    })
    .then(
      () => 'committed',
      (err: { code?: string }) => err.code,
    );
  expect(outcome).toBe('CONNECTION_CLOSED');
  expect(await sql`SELECT 1 AS one`).toEqual([{ one: 1 }]);
});

it('a reserved connection closed by the server rejects every later query instead of crashing the process', async () => {
  const reserved = await sql.reserve();
  const [row] = await reserved<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;
  await terminate(row!.pid);
  for (let i = 0; i < 3; i++) {
    const outcome = await reserved`SELECT ${i}::int AS i`.then(
      () => 'answered',
      (err: { code?: string }) => err.code,
    );
    expect(outcome).toBe('CONNECTION_CLOSED');
  }
  expect(await sql`SELECT 1 AS one`).toEqual([{ one: 1 }]);
});
