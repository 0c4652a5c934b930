import { sql } from 'drizzle-orm';
import { connectDatabase } from '../../../src/db/client.js';

/**
 * A process that keeps a connection pool busy the way the service does: many concurrent short
 * transactions of several statements, plus single queries. Errors of a query (the database is away)
 * are counted, never fatal; only a driver bug can make this process exit. Prints `progress <ok> <failed>`
 * lines for the test that watches it. Run with DATABASE_URL and LOAD_CONCURRENCY set.
 */
const url = process.env.DATABASE_URL;
if (!url) throw new Error('DATABASE_URL is required');
const concurrency = Number(process.env.LOAD_CONCURRENCY ?? 40);
const { db } = connectDatabase(url, { max: 10 });
let ok = 0;
let failed = 0;

async function transactionLoop(worker: number): Promise<never> {
  for (let i = 0; ; i++) {
    try {
      if (i % 4 === 3) {
        await db.execute(sql`SELECT count(*) FROM load_probe WHERE worker = ${worker}`);
      } else {
        await db.transaction(async (tx) => {
          await tx.execute(sql`INSERT INTO load_probe (worker, n) VALUES (${worker}, ${i})`);
          await tx.execute(sql`SELECT pg_sleep(0.002)`);
          await tx.execute(sql`UPDATE load_probe SET n = n + 1 WHERE worker = ${worker} AND n = ${i}`);
        });
      }
      ok++;
    } catch {
      failed++;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

await db.execute(sql`CREATE TABLE IF NOT EXISTS load_probe (worker int NOT NULL, n int NOT NULL)`);
setInterval(() => console.log(`progress ${ok} ${failed}`), 100);
for (let w = 0; w < concurrency; w++) void transactionLoop(w);
