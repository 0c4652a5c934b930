import type { Hono } from 'hono';
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
  /** Added to the 401 for an unknown key: where this deployment keeps its key (embedded mode). */
  apiKeyHint?: string;
}

export type ApiEnv = { Variables: AuthVariables };
export type ApiRouter = Hono<ApiEnv>;
