import type { ItemState, TaskStatus } from '../../db/schema.js';
import type { MessageKey, Translate } from '../i18n/index.js';

const TASK_STATUS_WORDS: Record<TaskStatus, MessageKey> = {
  pending: 'statusPending',
  running: 'statusRunning',
  paused: 'statusPaused',
  completed: 'statusCompleted',
  failed: 'statusFailed',
  canceled: 'statusCanceled',
  timeout: 'statusTimeout',
};

const ITEM_STATE_WORDS: Record<ItemState, MessageKey> = {
  reserved: 'itemReserved',
  saved: 'itemSaved',
  failed: 'itemFailed',
  skipped: 'itemSkipped',
  released: 'itemReleased',
};

/** A task status in the page's language (the list, its filter and the task page say it the same way). */
export const taskStatusLabel = (t: Translate, status: TaskStatus) => t(TASK_STATUS_WORDS[status]);

/** An article's item state in the page's language. */
export const itemStateLabel = (t: Translate, state: ItemState) => t(ITEM_STATE_WORDS[state]);

/** A duration for people: 850 ms, 12.3 s, 4 min 05 s. */
export function formatDuration(ms: number) {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
}
