import type { Hono } from 'hono';
import type { LimitDefaults } from '../config.js';
import type { Db } from '../db/client.js';
import type { Logger } from '../logger.js';
import type { WorkflowStartTarget } from '../temporal/start-task-workflow.js';
import type { AuthVariables } from './middleware/api-key-auth.js';

export interface ApiDeps {
  db: Db;
  temporal: WorkflowStartTarget;
  log: Logger;
  defaultConcurrency: number;
  /** Time limit of a task that does not set timeoutSeconds; unset: no limit. */
  defaultTimeoutSeconds?: number;
  /** Rate limits and quotas of accounts without their own; DEFAULT_LIMITS when not given. */
  limits?: LimitDefaults;
}

/** What route modules get: the deps with every default resolved. */
export type RouteDeps = ApiDeps & { limits: LimitDefaults };

export type ApiEnv = { Variables: AuthVariables };
export type ApiRouter = Hono<ApiEnv>;
