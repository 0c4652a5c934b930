import { defineQuery } from '@temporalio/workflow';

/** What the `progress` query answers: the task's counts as the workflow sees them right now. */
export interface TaskProgress {
  status: string;
  requestedCount: number;
  generatedCount: number;
  failedCount: number;
  skippedCount: number;
  progress: number;
  /** Articles being generated or saved at this moment. */
  inFlight: number;
}

export const PROGRESS_QUERY_NAME = 'progress';
export const progressQuery = defineQuery<TaskProgress>(PROGRESS_QUERY_NAME);
