import type { Tx } from '../../../db/client.js';
import { distillationRunEvents } from '../../../db/schema.js';
import { EventPayloadMismatch, RUN_EVENTS, type RunEventData, type RunEventType } from '../../../shared/events/index.js';

/** Appends a run event in the writer's transaction; its payload must be what src/shared/events says the type carries. */
export async function appendRunEvent<T extends RunEventType>(tx: Tx, run: { id: number; accountId: number }, type: T, data: RunEventData<T>) {
  const checked = RUN_EVENTS[type].data.safeParse(data);
  if (!checked.success) throw new EventPayloadMismatch(`run event ${type} does not match its schema in src/shared/events: ${checked.error.issues.map((i) => i.path.join('.')).join(', ')}`);
  await tx.insert(distillationRunEvents).values({ accountId: run.accountId, runId: run.id, type, data: data as Record<string, unknown> });
}
