import { DEFAULT_WEBHOOK_SETTINGS, type WebhookSettings } from '../config.js';
import type { SecretSealer } from '../domain/webhooks/index.js';
import { createAuditRetentionActivities, type AuditRetentionDeps } from './audit-retention.js';
import { createScheduleActivities, type ScheduleActivityDeps } from './scheduled-generation.js';
import { createUsageActivities, type UsageActivityDeps } from './usage-verification.js';
import { createWebhookActivities } from './webhooks.js';

/** What the maintenance and webhook activities need together: each factory's own deps, and webhook sending. */
export interface MaintenanceDeps extends ScheduleActivityDeps, UsageActivityDeps, AuditRetentionDeps {
  /** Webhook sending (SSRF guard, timeouts); DEFAULT_WEBHOOK_SETTINGS when not given. */
  webhooks?: WebhookSettings;
  /** Opens the sealed webhook signing secrets: the payload codec of this process. */
  sealer: SecretSealer;
}

/** Activities of the maintenance and webhook workflows, registered on the main task queue beside the task activities. */
export function createMaintenanceActivities(deps: MaintenanceDeps) {
  return {
    ...createScheduleActivities(deps),
    ...createUsageActivities(deps),
    ...createAuditRetentionActivities(deps),
    ...createWebhookActivities({ db: deps.db, log: deps.log, webhooks: deps.webhooks ?? DEFAULT_WEBHOOK_SETTINGS, sealer: deps.sealer }),
  };
}

export type MaintenanceActivities = ReturnType<typeof createMaintenanceActivities>;
