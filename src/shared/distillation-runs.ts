/** The states of distillation runs, their keywords and questions: the schema, the API, the console and the CLI read these. */
export const DISTILLATION_RUN_STATUSES = ['pending', 'running', 'completed', 'failed', 'canceled'] as const;
export type DistillationRunStatus = (typeof DISTILLATION_RUN_STATUSES)[number];
export const TERMINAL_RUN_STATUSES: readonly DistillationRunStatus[] = ['completed', 'failed', 'canceled'];

export const DISTILLATION_KEYWORD_STATES = ['pending', 'running', 'done', 'failed', 'canceled'] as const;
export type DistillationKeywordState = (typeof DISTILLATION_KEYWORD_STATES)[number];

/**
 * added: joined the pool as a topic when its keyword finished; pending_review: waits for a person (a run
 * with review); accepted: a person kept it (now a topic); rejected: a person dropped it.
 */
export const DISTILLATION_QUESTION_STATES = ['added', 'pending_review', 'accepted', 'rejected'] as const;
export type DistillationQuestionState = (typeof DISTILLATION_QUESTION_STATES)[number];

/** Bounds of a run request (API, console, CLI). */
export const DISTILLATION_RUN_LIMITS = { maxKeywords: 500, maxKeywordChars: 200, maxQuestionsPerKeyword: 20 } as const;

export const distillationRunWorkflowId = (runId: number) => `distillation-run-${runId}`;

/** A run's counts as its workflow and its clients see them. */
export interface DistillationRunSummary {
  runId: number;
  status: DistillationRunStatus;
  keywordCount: number;
  doneCount: number;
  failedCount: number;
  canceledCount: number;
}

/** What a keyword's activity did: its questions kept (added to the pool, or waiting for review), or why it failed. */
export type DistilledKeyword =
  | { state: 'done'; kept: number; duplicates: number }
  | { state: 'failed'; error: string }
  | { state: 'settled' };
