import type { Scope } from '../../src/shared/key-scopes.js';
import { inject } from 'vitest';
import { connectDatabase, type Database } from '../../src/db/client.js';
import { runMigrations } from '../../src/db/migrate.js';
import { createAccount } from '../../src/domain/accounts/index.js';

/** A pool on the test run's real PostgreSQL. */
export function openTestDatabase(max = 5): Database {
  return connectDatabase(inject('databaseUrl'), { max });
}

/**
 * A database of its own on the test run's PostgreSQL, migrated; returns its URL. For tests whose code
 * acts on every account (a worker resuming tasks, a repair of all accounts), so other test files' rows
 * stay out of reach; its workflow-naming ids start in a range of their own. `name` must be a plain identifier.
 */
export async function createIsolatedDatabase(name: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain database name: ${name}`);
  const url = new URL(inject('databaseUrl'));
  url.pathname = `/${name}`;
  const admin = connectDatabase(inject('databaseUrl'), { max: 1 });
  try {
    await admin.sql.unsafe(`CREATE DATABASE ${name}`);
    await runMigrations(url.toString());
    await claimIdRange(admin, url.toString());
  } finally {
    await admin.close();
  }
  return url.toString();
}

/** Ids a database may use before the next range; the main test database stays below the first. */
const RANGE_SIZE = 100_000_000;
/** The tables whose ids name Temporal workflows and schedules (article-task-<id>, webhook-delivery-<id>-<n>, generation-schedule-<id>). */
const WORKFLOW_ID_TABLES = ['generation_tasks', 'webhook_deliveries', 'generation_schedules'] as const;

/**
 * Moves the workflow-naming ids of the database at `url` into a range no other database of this run uses: every test
 * database shares the one Temporal server, so two databases' task 1 would both be `article-task-1`.
 * The ranges come from the `test_id_ranges` sequence test/global-setup.ts creates in the main database.
 */
async function claimIdRange(admin: Database, url: string): Promise<void> {
  const [row] = await admin.sql<{ n: string }[]>`SELECT nextval('test_id_ranges') AS n`;
  const start = Number(row!.n) * RANGE_SIZE;
  const database = connectDatabase(url, { max: 1 });
  try {
    for (const table of WORKFLOW_ID_TABLES) await database.sql.unsafe(`ALTER TABLE ${table} ALTER COLUMN id RESTART WITH ${start}`);
  } finally {
    await database.close();
  }
}

/** The same for a database on a PostgreSQL server of the test's own (a crashable one): its ids get a range of their own. */
export async function claimOwnIdRange(url: string): Promise<void> {
  const admin = connectDatabase(inject('databaseUrl'), { max: 1 });
  try {
    await claimIdRange(admin, url);
  } finally {
    await admin.close();
  }
}

let accountSeq = 0;

/** Every test works in an account of its own, so tests sharing the database never see each other's rows. */
export async function newAccount(database: Database, opts: { scope?: Scope } = {}) {
  return createAccount(database.db, `test-${process.pid}-${++accountSeq}`, opts);
}

export interface DistillationSeed {
  keyword?: string;
  topics?: string[];
  usageCount?: number;
  createdAt?: Date;
  deleted?: boolean;
}

/**
 * Inserts distillations with chosen counters and ages (raw SQL: the tests control what the API never
 * lets a user set). Topics default to two questions.
 */
export async function seedDistillations(database: Database, accountId: number, seeds: DistillationSeed[]) {
  const ids: number[] = [];
  for (const [i, s] of seeds.entries()) {
    const topics = s.topics ?? [`What is ${s.keyword ?? `kw${i}`}?`, `Why ${s.keyword ?? `kw${i}`}?`];
    const [row] = await database.sql<{ id: number }[]>`
      INSERT INTO distillations (account_id, keyword, usage_count, topic_count, created_at, deleted_at)
      VALUES (${accountId}, ${s.keyword ?? `kw${i}`}, ${s.usageCount ?? 0}, ${topics.length},
              ${(s.createdAt ?? new Date(Date.UTC(2024, 0, 1) + i * 1000)).toISOString()}, ${s.deleted ? new Date().toISOString() : null})
      RETURNING id`;
    for (const [position, question] of topics.entries()) {
      await database.sql`INSERT INTO topics (distillation_id, question, position) VALUES (${row!.id}, ${question}, ${position})`;
    }
    ids.push(row!.id);
  }
  return ids;
}

export async function distillationCounts(database: Database, ids: number[]) {
  const rows = await database.sql<{ id: number; usage_count: number; reserved_count: number }[]>`
    SELECT id, usage_count, reserved_count FROM distillations WHERE id = ANY(${ids}) ORDER BY id`;
  return new Map(rows.map((r) => [r.id, { usage: r.usage_count, reserved: r.reserved_count }]));
}
