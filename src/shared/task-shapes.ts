/**
 * The shapes a task's workflow, its activities and the domain hand each other: they travel through
 * recorded histories, so they live once, here, below both the domain and the workflow contracts.
 */
import type { QualityFlag, QualityScores } from './quality.js';
import type { TaskStatus } from './task-statuses.js';

export interface TaskCounters {
  requestedCount: number;
  generatedCount: number;
  failedCount: number;
  skippedCount: number;
  progress: number;
}

/** What finishTask answers, and the workflow's result once the task ran. */
export interface TaskSummary {
  taskId: number;
  status: TaskStatus;
  requestedCount: number;
  generatedCount: number;
  failedCount: number;
  skippedCount: number;
  errorMessage: string | null;
}

/** A written article on its way from generateArticle to saveArticle (through the history). */
export interface ArticleDraft {
  title: string;
  content: string;
  keyword: string;
  topics: string[];
  imageId: number | null;
  imageUrl: string | null;
  autoApprove: boolean;
  provider: string;
  model: string;
  promptTokens: number;
  completionTokens: number;
  /** The attempt that wrote this draft, in ms. */
  durationMs: number;
  /**
   * A refused draft saved later (the best one kept by the workflow): its tokens and time were counted on
   * the task and the item when it was refused, so the save does not count them again.
   */
  counted?: boolean;
  /**
   * The quality gate's verdict (src/domain/quality/); absent in drafts from before the gate (histories
   * in flight), which are saved unflagged and unscored.
   */
  qualityFlags?: QualityFlag[];
  qualityScores?: QualityScores;
  simhashBands?: number[];
  /** The knowledge-base chunks the prompt carried, best first; absent in drafts from before retrieval. */
  knowledgeChunks?: { chunkId: number; documentId: number; documentTitle: string; position: number; score: number }[];
}

export interface ScheduleRunError {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

/** What one run of a schedule did: the task it created, or why it could not create one. */
export interface ScheduleRunResult {
  scheduleId: number;
  runWorkflowId: string;
  outcome: 'created' | 'failed';
  taskId: number | null;
  error: ScheduleRunError | null;
}
