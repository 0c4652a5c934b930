export { articleGenerationWorkflow, type ArticleTaskInput } from './article-generation.js';
export { progressQuery, PROGRESS_QUERY_NAME, type TaskProgress } from './progress.js';
export { scheduledGenerationWorkflow, type ScheduledGenerationInput } from './scheduled-generation.js';
export { usageVerificationWorkflow } from './usage-verification.js';
export { webhookDeliveryWorkflow, type WebhookDeliveryInput, type WebhookDeliveryPolicy } from './webhook-delivery.js';
