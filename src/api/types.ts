import type { PayloadCodec } from '@temporalio/common';
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
  /** The payload codec of the workers, served to the Temporal UI at /api/temporal-codec. */
  codec: PayloadCodec;
  /** Browser origins (the Temporal UI's) allowed to call the codec endpoint. */
  codecCorsOrigins: string[];
}

export type ApiEnv = { Variables: AuthVariables };
export type ApiRouter = Hono<ApiEnv>;
