import { deleteExpiredAuditEvents } from '../domain/accounts/audit-events.js';
import type { MaintenanceDeps } from './maintenance.js';

/** Deletes audit events past AUDIT_RETENTION_DAYS; run by the scheduled maintenance workflow. */
export function createAuditRetentionActivities(deps: Pick<MaintenanceDeps, 'db' | 'log' | 'auditRetentionDays'>) {
  return {
    async deleteExpiredAuditEvents(): Promise<{ deleted: number; retentionDays: number }> {
      const deleted = await deleteExpiredAuditEvents(deps.db, deps.auditRetentionDays);
      deps.log.info({ deleted, retentionDays: deps.auditRetentionDays }, 'expired audit events deleted');
      return { deleted, retentionDays: deps.auditRetentionDays };
    },
  };
}

export type AuditRetentionActivities = ReturnType<typeof createAuditRetentionActivities>;
