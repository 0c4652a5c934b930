import { z } from 'zod';

/*
 * The events of distillation runs (`distillation_run_events.data`, the run's event stream): closed
 * objects like the task events of ./vocabulary.ts, so a writer adding a field this file does not name fails.
 */
const count = z.number().int().min(0);
const counts = {
  keywordCount: count.describe('Keywords of the run'),
  doneCount: count.describe('Keywords whose questions were kept'),
  failedCount: count.describe('Keywords that failed for good'),
  canceledCount: count.describe('Keywords left when the run was canceled'),
};

export const RUN_EVENTS = {
  'distillation.run.started': { summary: 'the run started asking the model', data: z.strictObject({ keywordCount: count }) },
  'distillation.keyword.done': {
    summary: "a keyword's questions were kept (joined the pool, or wait for review)",
    data: z.strictObject({ position: count, keyword: z.string(), questionCount: count, duplicateCount: count, distillationId: z.number().int().positive().nullable(), ...counts }),
  },
  'distillation.keyword.failed': { summary: 'a keyword failed for good', data: z.strictObject({ position: count, keyword: z.string(), error: z.string(), ...counts }) },
  'distillation.run.completed': { summary: 'the run ended with at least one keyword done', data: z.strictObject({ ...counts, errorMessage: z.string().nullable() }), final: true },
  'distillation.run.failed': { summary: 'the run ended with no keyword done', data: z.strictObject({ ...counts, errorMessage: z.string().nullable() }), final: true },
  'distillation.run.canceled': { summary: 'the run was canceled', data: z.strictObject({ ...counts, errorMessage: z.string().nullable() }), final: true },
} as const satisfies Record<string, { summary: string; data: z.ZodType<Record<string, unknown>>; final?: true }>;

export type RunEventType = keyof typeof RUN_EVENTS;
export type RunEventData<T extends RunEventType> = z.input<(typeof RUN_EVENTS)[T]['data']>;
export const RUN_EVENT_TYPES = Object.keys(RUN_EVENTS) as RunEventType[];
export const isFinalRunEventType = (type: string) => (RUN_EVENTS as Record<string, { final?: true }>)[type]?.final === true;
