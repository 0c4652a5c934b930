import type { Client } from '@temporalio/client';
import { DEFAULT_WEBHOOK_SETTINGS, type LimitDefaults, type WebhookSettings } from '../config.js';
import type { Db } from '../db/client.js';
import type { Logger } from '../logger.js';
import { createAuditRetentionActivities } from './audit-retention.js';
import { createScheduleActivities } from './scheduled-generation.js';
import { createUsageActivities } from './usage-verification.js';
import type { SecretSealer } from '../domain/webhooks/index.js';
import { createWebhookActivities } from './webhooks.js';

export interface MaintenanceDeps {
  db: Db;
  log: Logger;
  /** A Temporal client: verification asks it about workflows, schedules start task workflows. */
  client: Client;
  /** The task queue of article workflows. */
  taskQueue: string;
  /** The scheduled verification repairs what it finds (USAGE_REPAIR_ON_SCHEDULE). */
  repairOnSchedule: boolean;
  /** Quota defaults for the tasks schedules create; DEFAULT_LIMITS when not given. */
  limits?: LimitDefaults;
  /** Audit events older than this many days are deleted by the scheduled run (AUDIT_RETENTION_DAYS). */
  auditRetentionDays: number;
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
