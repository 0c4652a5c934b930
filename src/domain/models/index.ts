/** The model registry's room: config's models synced into llm_models, admins' models, accounts' routes. */
export * from './model-rows.js';
export * from './model-admin.js';
export * from './model-routes.js';
export * from './model-cost.js';
export * from './account-models.js';
