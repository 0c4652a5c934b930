/** Usage accounting checks: verification of invariants 1-5, repair, and the stored reports. */
export * from './repair-change.js';
export * from './repair-fingerprint.js';
export * from './usage-repair.js';
export * from './usage-report-parts.js';
export * from './usage-reports.js';
export * from './verification.js';
