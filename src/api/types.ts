import type { Hono } from 'hono';
import type { RequestIdVariables } from 'hono/request-id';
import type { AuthVariables } from './middleware/api-key-auth.js';

export type ApiEnv = { Variables: AuthVariables & RequestIdVariables };
export type ApiRouter = Hono<ApiEnv>;
