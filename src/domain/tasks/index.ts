/** Tasks and their items: selection of the least used distillations, the lifecycle (start, finish, cancel, closed from outside), the idempotent article save, counters, events, queries, retry and cleanup. */
export * from './article-saving.js';
export * from './selection.js';
export * from './task-actions.js';
export * from './task-cleanup.js';
export * from './task-closed-outside.js';
export * from './task-counters.js';
export * from './task-event-queries.js';
export * from './task-events.js';
export * from './task-lifecycle.js';
export * from './task-progress.js';
export * from './task-queries.js';
export * from './task-retry.js';
export * from './workflow-id.js';
