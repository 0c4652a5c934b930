import { articleGenerationWorkflow } from './article-generation.js';
import type { WorkflowContracts } from './contracts.js';
import { distillationRunWorkflow } from './distillation-run.js';
import { scheduledGenerationWorkflow } from './scheduled-generation.js';
import { usageVerificationWorkflow } from './usage-verification.js';
import { webhookDeliveryWorkflow } from './webhook-delivery.js';

export { articleGenerationWorkflow, distillationRunWorkflow, scheduledGenerationWorkflow, usageVerificationWorkflow, webhookDeliveryWorkflow };
export { progressQuery, PROGRESS_QUERY_NAME, type TaskProgress } from './progress.js';

/**
 * Compile-time only: the worker registers each workflow under the name and with the signature its clients
 * start it with (contracts.ts), so a renamed export or a changed input fails the typecheck, not a run.
 */
export type RegisteredWorkflows = Conforming<{
  articleGenerationWorkflow: typeof articleGenerationWorkflow;
  scheduledGenerationWorkflow: typeof scheduledGenerationWorkflow;
  usageVerificationWorkflow: typeof usageVerificationWorkflow;
  webhookDeliveryWorkflow: typeof webhookDeliveryWorkflow;
  distillationRunWorkflow: typeof distillationRunWorkflow;
}>;
type Conforming<T extends WorkflowContracts> = T;
