import postgres from 'postgres';
import type { EmbeddedPostgresCredentials } from './embedded-postgres-credentials.js';
import type { InfraLogger } from '../logger.js';
import { StartupError } from './startup-error.js';

/** The role the application connects as: it owns its database and nothing else, and is no superuser. */
export const APP_ROLE = 'artgen_app';
/** The superuser initdb creates; only start-up uses it, to create and hand over the app's database. */
export const SUPERUSER = 'postgres';
/** The superuser's password in data folders of earlier versions, replaced on their next start. */
const LEGACY_PASSWORD = 'postgres';

const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;
const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;

interface Target {
  port: number;
  database: string;
  credentials: EmbeddedPostgresCredentials;
  credentialsFile: string;
  log: InfraLogger;
}

const connect = (port: number, password: string, database: string) =>
  postgres({ host: '127.0.0.1', port, user: SUPERUSER, password, database, max: 1, onnotice: () => undefined });

async function connectAsSuperuser(t: Target, database: string): Promise<postgres.Sql> {
  const sql = connect(t.port, t.credentials.superuser, database);
  try {
    await sql`SELECT 1`;
    return sql;
  } catch (err) {
    await sql.end({ timeout: 5 });
    if ((err as { code?: string }).code !== '28P01') throw err;
  }
  const legacy = connect(t.port, LEGACY_PASSWORD, database);
  try {
    await legacy`SELECT 1`;
  } catch (err) {
    await legacy.end({ timeout: 5 });
    if ((err as { code?: string }).code !== '28P01') throw err;
    throw new StartupError(
      `the embedded PostgreSQL refuses the superuser password kept in ${t.credentialsFile}; restore that file ` +
        'from a backup of this data folder (it was generated with the cluster), or start with a new DATA_DIR',
    );
  }
  await legacy.unsafe(`ALTER ROLE ${ident(SUPERUSER)} WITH PASSWORD ${literal(t.credentials.superuser)}`);
  t.log.info(`replaced the embedded PostgreSQL superuser's old default password with the generated one kept in ${t.credentialsFile}`);
  return legacy;
}

/**
 * Hands every object the superuser owns in the app's database (schemas, tables with their sequences
 * and indexes, views, sequences of their own, functions, types) to the app role: tables an earlier
 * version migrated as the superuser, or a migration run by hand as it. Idempotent.
 */
const HAND_OVER_OBJECTS = (role: string) => `
DO $$
DECLARE
  r record;
  user_schema text := $q$n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'$q$;
BEGIN
  FOR r IN EXECUTE 'SELECT n.nspname FROM pg_namespace n WHERE n.nspowner = (SELECT oid FROM pg_roles WHERE rolname = current_user) AND ' || user_schema LOOP
    EXECUTE format('ALTER SCHEMA %I OWNER TO ${role}', r.nspname);
  END LOOP;
  FOR r IN EXECUTE 'SELECT c.oid::regclass AS name, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user) AND c.relkind IN (''r'', ''p'', ''v'', ''m'', ''f'') AND ' || user_schema LOOP
    EXECUTE format('ALTER %s %s OWNER TO ${role}',
      CASE r.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END, r.name);
  END LOOP;
  -- Sequences a table owns moved with it above; these are the free-standing ones.
  FOR r IN EXECUTE 'SELECT c.oid::regclass AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user) AND c.relkind = ''S'' AND ' || user_schema LOOP
    EXECUTE format('ALTER SEQUENCE %s OWNER TO ${role}', r.name);
  END LOOP;
  FOR r IN EXECUTE 'SELECT p.oid::regprocedure AS name FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE p.proowner = (SELECT oid FROM pg_roles WHERE rolname = current_user) AND ' || user_schema LOOP
    EXECUTE format('ALTER ROUTINE %s OWNER TO ${role}', r.name);
  END LOOP;
  FOR r IN EXECUTE 'SELECT t.oid::regtype AS name, t.typtype FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE t.typowner = (SELECT oid FROM pg_roles WHERE rolname = current_user) AND t.typtype IN (''e'', ''d'', ''r'') AND ' || user_schema LOOP
    EXECUTE format('ALTER %s %s OWNER TO ${role}', CASE r.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END, r.name);
  END LOOP;
END $$`;

/**
 * Locks an embedded cluster down and readies the app's database: the superuser's password is the
 * generated one (a cluster of an earlier version still had `postgres`), the app role exists with the
 * generated password and no superuser, role or database rights, and owns `database` and everything in
 * it, so migrations and the app run as that role. Returns nothing: the caller knows both URLs.
 */
export async function secureEmbeddedCluster(t: Target): Promise<void> {
  const admin = await connectAsSuperuser(t, 'postgres');
  try {
    const attributes = `LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD ${literal(t.credentials.app)}`;
    const [role] = await admin`SELECT 1 FROM pg_roles WHERE rolname = ${APP_ROLE}`;
    await admin.unsafe(`${role ? 'ALTER' : 'CREATE'} ROLE ${ident(APP_ROLE)} WITH ${attributes}`);
    const [db] = await admin<{ owner: string }[]>`
      SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = ${t.database}`;
    if (!db) {
      await admin.unsafe(`CREATE DATABASE ${ident(t.database)} OWNER ${ident(APP_ROLE)}`).catch((err: { code?: string }) => {
        if (err.code !== '42P04') throw err; // created concurrently
      });
    } else if (db.owner !== APP_ROLE) {
      await admin.unsafe(`ALTER DATABASE ${ident(t.database)} OWNER TO ${ident(APP_ROLE)}`);
    }
  } finally {
    await admin.end({ timeout: 5 });
  }
  const inDatabase = connect(t.port, t.credentials.superuser, t.database);
  try {
    await inDatabase.unsafe(HAND_OVER_OBJECTS(ident(APP_ROLE)));
  } finally {
    await inDatabase.end({ timeout: 5 });
  }
}
