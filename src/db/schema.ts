/** The drizzle schema, one file per subdomain under ./schema/ (drizzle.config.ts reads them there). */
export * from './schema/accounts.js';
export * from './schema/articles.js';
export * from './schema/audit.js';
export * from './schema/distillation-runs.js';
export * from './schema/distillations.js';
export * from './schema/ingredients.js';
export * from './schema/knowledge.js';
export * from './schema/knowledge-embeddings.js';
export * from './schema/limits.js';
export * from './schema/schedules.js';
export * from './schema/task-events.js';
export * from './schema/tasks.js';
export * from './schema/usage.js';
export * from './schema/webhooks.js';
export * from './schema/templates.js';
export * from './schema/llm.js';
export * from './schema/llm-flow.js';
