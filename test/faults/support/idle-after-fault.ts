/** A task's saves and span, as the database recorded them (epoch ms). */
export interface TaskTimeline {
  taskId: number;
  submittedAt: number;
  completedAt: number;
  savedAt: number[];
}

export interface IdleFigures {
  /** (task, fault) pairs measured: tasks open at the fault. */
  count: number;
  p50: number;
  p95: number;
  max: number;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;

/**
 * "Idle after fault", per task: for every task open when a fault was injected (submitted before it,
 * finished after it), the time from the fault to the task's next save, or to its end when nothing more
 * was saved. How long work on a task stood still because of the fault (issue 20: <= 15 s).
 *
 * @example idleAfterFaults([{ at: 10_000 }], timelines) // { count, p50, p95, max } in ms
 */
export function idleAfterFaults(faults: { at: number }[], tasks: TaskTimeline[]): IdleFigures {
  const idle: number[] = [];
  for (const { at } of faults) {
    for (const task of tasks) {
      if (task.submittedAt > at || task.completedAt <= at) continue;
      const next = task.savedAt.filter((t) => t >= at).sort((a, b) => a - b)[0] ?? task.completedAt;
      idle.push(next - at);
    }
  }
  const sorted = idle.sort((a, b) => a - b);
  return sorted.length === 0 ? { count: 0, p50: 0, p95: 0, max: 0 } : { count: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted.at(-1)! };
}
