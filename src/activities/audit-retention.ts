import type { Db } from '../db/client.js';
import { deleteExpiredAuditEvents } from '../domain/accounts/index.js';
import type { Logger } from '../logger.js';
import type { AuditRetentionActivities } from '../workflows/contracts.js';

export interface AuditRetentionDeps {
  db: Db;
  log: Logger;
  /** Audit events older than this many days are deleted by the scheduled run (AUDIT_RETENTION_DAYS). */
  auditRetentionDays: number;
}

/** Deletes audit events past AUDIT_RETENTION_DAYS; run by the scheduled maintenance workflow. */
export function createAuditRetentionActivities(deps: AuditRetentionDeps): AuditRetentionActivities {
  return {
    async deleteExpiredAuditEvents(): Promise<{ deleted: number; retentionDays: number }> {
      const deleted = await deleteExpiredAuditEvents(deps.db, deps.auditRetentionDays);
      deps.log.info({ deleted, retentionDays: deps.auditRetentionDays }, 'expired audit events deleted');
      return { deleted, retentionDays: deps.auditRetentionDays };
    },
  };
}
