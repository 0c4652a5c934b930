/**
 * The statuses of a generation task, in one list for the schema, the API, the console and the CLI
 * (which imports it from here without pulling in the database).
 */
export const TASK_STATUSES = ['pending', 'running', 'paused', 'completed', 'failed', 'canceled', 'timeout'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
export const TERMINAL_TASK_STATUSES: readonly TaskStatus[] = ['completed', 'failed', 'canceled', 'timeout'];

/** Statuses of a task whose workflow is still at work: `paused` waits for its account's budget (see src/domain/costs). */
export const UNFINISHED_TASK_STATUSES: readonly TaskStatus[] = ['pending', 'running', 'paused'];
