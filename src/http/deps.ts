import type { PayloadCodec } from '@temporalio/common';
import type { SecretSealer } from '../domain/webhooks/index.js';
import type { EmbeddingsClient } from '../domain/knowledge/index.js';
import type { KnowledgeSettings, LimitDefaults, WebhookSettings } from '../config.js';
import type { Db } from '../db/client.js';
import type { Logger } from '../logger.js';
import type { QualitySettings } from '../shared/quality.js';
import type { WorkflowStartTarget } from '../temporal/start-task-workflow.js';
import type { DisplayDecoder } from '../temporal/payload-codec.js';
import type { StreamGate } from './stream-gate.js';

/** What the HTTP app (the API and the console alike) is built over. */
export interface ApiDeps {
  db: Db;
  temporal: WorkflowStartTarget;
  log: Logger;
  defaultConcurrency: number;
  /** Time limit of a task that does not set timeoutSeconds; unset: no limit. */
  defaultTimeoutSeconds?: number;
  /** Added to the 401 for an unknown key: where this deployment keeps its key (embedded mode). */
  apiKeyHint?: string;
  /**
   * The payload codec of the workers, served to the Temporal UI at /api/temporal-codec; its key ring also
   * seals webhook signing secrets at rest.
   */
  codec: PayloadCodec & SecretSealer & DisplayDecoder;
  /** Browser origins (the Temporal UI's) allowed to call the codec endpoint. */
  codecCorsOrigins: string[];
  /** The Temporal UI the console links a task's workflow to; unset: no link. */
  temporalUiUrl?: string;
  /** Rate limits and quotas of accounts without their own; DEFAULT_LIMITS when not given. */
  limits?: LimitDefaults;
  /** The quality gate of accounts without their own settings; DEFAULT_QUALITY when not given. */
  quality?: QualitySettings;
  /** Webhook targets allowed and how deliveries started here are tried; DEFAULT_WEBHOOK_SETTINGS when not given. */
  webhooks?: WebhookSettings;
  /** Knowledge-base upload limits; DEFAULT_KNOWLEDGE when not given. */
  knowledge?: KnowledgeSettings;
  /** Embeds uploaded chunks and search queries, fused with the text ranking; unset (no EMBEDDINGS_BASE_URL): text ranking alone. */
  embeddings?: EmbeddingsClient;
  /** The time limit of a model an admin adds without one; 120000 when not given. */
  modelTimeoutMs?: number;
  /** Admits this process's event streams under the stream caps; made from `limits` when not given. */
  streams?: StreamGate;
}

/** What route modules get: the deps with every default resolved. */
export type RouteDeps = ApiDeps & { limits: LimitDefaults; quality: QualitySettings; webhooks: WebhookSettings; knowledge: KnowledgeSettings; streams: StreamGate };
