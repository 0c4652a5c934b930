import type { TaskEventType } from '../domain/tasks/task-events.js';

/** The final events of a task: it ends with exactly one of these (until a retry starts it again). */
export const FINAL_EVENT_TYPES = ['task.completed', 'task.failed', 'task.canceled', 'task.timeout'] as const satisfies readonly TaskEventType[];
/**
 * The events that are also notifications: the task-level ones, not one per article. Shared by the
 * queries and by the schema's partial index on them, whose predicate the queries must repeat literally.
 */
export const NOTIFICATION_TYPES = ['task.started', 'task.progress', 'review.needed', ...FINAL_EVENT_TYPES] as const satisfies readonly TaskEventType[];

/** Whether an event type ends its task (the API's streams, the CLI's watch and the bench stop on it). */
export const isFinalEventType = (type: string) => (FINAL_EVENT_TYPES as readonly string[]).includes(type);
