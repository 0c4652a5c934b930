import { startServiceProcess, type ServiceProcess } from '../../support/service-process.js';
import { TEST_PAYLOAD_KEYS } from '../../support/payload-codec.js';

export interface ServiceEnv {
  DATABASE_URL: string;
  TEMPORAL_ADDRESS: string;
  LLM_BASE_URL: string;
}

/**
 * Settings that make the service react to faults within seconds instead of minutes (short LLM
 * timeouts and heartbeats, a frequent reconciler), as the fault tests want it.
 */
const FAST_RECOVERY = {
  LLM_TIMEOUT_MS: '5000',
  LLM_HEARTBEAT_TIMEOUT_MS: '3000',
  RECONCILE_INTERVAL_SECONDS: '10',
  LOG_LEVEL: 'info',
  // Deployed mode requires payload keys; the tests' fixed ones.
  TEMPORAL_PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
  // The stub's articles differ only in their keyword: as near-duplicates every draft would be rewritten
  // up to the attempt budget, and the run would measure the quality gate instead of the faults.
  QUALITY_NEAR_DUPLICATE_MAX_DISTANCE: 'off',
};

/** `npm run api` as its own process; resolves once it listens. */
export async function startApiProcess(env: ServiceEnv, port: number): Promise<ServiceProcess> {
  const api = startServiceProcess('src/api-server.ts', { ...FAST_RECOVERY, ...env, PORT: String(port), HOST: '127.0.0.1' });
  await api.waitForOutput(/API listening/);
  return api;
}

/** `npm run worker` as its own process; resolves once it polls. */
export async function startWorkerProcess(env: ServiceEnv, name: string): Promise<ServiceProcess> {
  const worker = startServiceProcess('src/worker.ts', { ...FAST_RECOVERY, ...env }, name);
  await worker.waitForOutput(/worker running/);
  return worker;
}
