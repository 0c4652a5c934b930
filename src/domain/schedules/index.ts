/** Generation schedules: their rows, their Temporal specs and the runs they made. */
export * from './generation-schedules.js';
export * from './schedule-runs.js';
