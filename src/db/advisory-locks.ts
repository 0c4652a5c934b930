/**
 * Every PostgreSQL advisory lock class the service takes, in one place so no two uses share a class (two unrelated
 * locks on one class and key wait on each other for nothing). The second key is the account (or album, keyword hash).
 */
export const ADVISORY_LOCK = {
  /** Session lock around migrations (one key, no second). */
  migrations: 727274,
  /** An account's distillation selection (DESIGN.md section 4, step 1). */
  selection: 7001,
  /** An account's running-task admission. */
  admission: 7002,
  /** An account's event-stream leases. */
  streamLeases: 7003,
  /** An account's distillation-run keyword quota. */
  runQuota: 7004,
  /** An account's schedule creations (the per-account schedule limit). */
  schedules: 7005,
  /** One keyword of an account's pool while its topics are merged (key: hash of account and keyword). */
  poolKeyword: 7006,
  /** Seeding the template presets (key 0). */
  presetSeed: 7007,
  /** An album's image reservation: taken inside the SQL function artgen_reserve_album_image (migration 0025). */
  albumImage: 7010,
  /** One model's admissions (breaker, concurrency, per-minute windows): taken inside artgen_llm_admit (migration 0030). */
  llmAdmission: 7011,
} as const;
