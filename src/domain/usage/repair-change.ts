export type RepairChangeKind = 'release_reservations' | 'set_usage_count' | 'set_reserved_count' | 'set_task_counters' | 'finish_orphaned_task';

/** One change of a repair plan: what `repairUsage` writes (or would), what its fingerprint hashes, what the console lists. */
export interface RepairChange {
  kind: RepairChangeKind;
  ids: Record<string, number | string>;
  before: unknown;
  after: unknown;
}
