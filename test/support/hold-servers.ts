/**
 * A process that starts an embedded PostgreSQL and a Temporal dev server on the given folders and ports,
 * prints "holding <PostgreSQL URL>", and keeps them until it is killed: an owner whose servers outlive a kill -9.
 * Args: pgDataDir pgPort temporalStateDir temporalPort cliPath
 */
import { startEmbeddedPostgres } from '../../src/infra/embedded-postgres.js';
import { startTemporalDevServer } from '../../src/infra/temporal-dev-server.js';

const [pgDataDir, pgPort, stateDir, temporalPort, cliPath] = process.argv.slice(2) as [string, string, string, string, string];
const log = { info: () => undefined, warn: (m: string) => console.error(m) };
const pg = await startEmbeddedPostgres({ dataDir: pgDataDir, port: Number(pgPort), database: 'held', log });
await startTemporalDevServer({
  cliPath, stateDir, port: Number(temporalPort), uiPort: 0, namespace: 'default', persistent: false, headless: true, log,
});
console.log(`holding ${pg.url}`);
setInterval(() => undefined, 60_000);
