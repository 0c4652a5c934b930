/** The counters of a task as the API's task rows, its progress query and its events carry them. */

export const TASK_COUNTERS = ['requestedCount', 'generatedCount', 'failedCount', 'skippedCount', 'progress'] as const;
export type TaskCounters = Record<(typeof TASK_COUNTERS)[number], number>;

export const NO_COUNTS: TaskCounters = { requestedCount: 0, generatedCount: 0, failedCount: 0, skippedCount: 0, progress: 0 };

/** The counters found in `from` (an event's data, a task, a progress answer); the rest from `fallback`. */
export function countersOf(from: Partial<Record<keyof TaskCounters, unknown>>, fallback: TaskCounters = NO_COUNTS): TaskCounters {
  const pick = (k: keyof TaskCounters) => (typeof from[k] === 'number' ? (from[k] as number) : fallback[k]);
  return {
    requestedCount: pick('requestedCount'),
    generatedCount: pick('generatedCount'),
    failedCount: pick('failedCount'),
    skippedCount: pick('skippedCount'),
    progress: pick('progress'),
  };
}
