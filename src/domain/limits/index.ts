/** Per-account limits: rate limits, quotas (running tasks, articles per day, priority), the admin overrides, and Idempotency-Key records. */
export * from './account-limits.js';
export * from './idempotency.js';
export * from './quotas.js';
export * from './rate-limits.js';
