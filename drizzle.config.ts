import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  // One file per subdomain; src/db/schema.ts re-exports them for the code.
  schema: './src/db/schema/*.ts',
  out: './migrations',
  // Only `db:generate` reads this file; generation needs no database.
  dbCredentials: { url: process.env.DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5433/artgen' },
});
