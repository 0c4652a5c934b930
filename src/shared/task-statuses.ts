/**
 * The statuses of a generation task, in one list for the schema, the API, the console and the CLI
 * (which imports it from here without pulling in the database).
 */
export const TASK_STATUSES = ['pending', 'running', 'completed', 'failed', 'canceled', 'timeout'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
export const TERMINAL_TASK_STATUSES: readonly TaskStatus[] = ['completed', 'failed', 'canceled', 'timeout'];

