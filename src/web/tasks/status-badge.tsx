/** @jsxImportSource hono/jsx */
import type { TaskStatus } from '../../db/schema.js';
import type { Translate } from '../i18n/index.js';
import { taskStatusLabel } from './task-status.js';

/**
 * A task status as a badge: a colour and the word, never the colour alone.
 *
 * @example <StatusBadge t={t} status="running" />
 */
export function StatusBadge({ t, status }: { t: Translate; status: TaskStatus }) {
  return <span class={`status-badge s-${status}`}>{taskStatusLabel(t, status)}</span>;
}
