import { meteredLlmClient } from './metered.js';
import { tracedLlmClient } from './traced.js';
import type { LlmClient } from './types.js';

/** A provider's client as every caller gets it: counted in the metrics and, when tracing is on, in a client span. */
export const instrumentedLlmClient = (client: LlmClient): LlmClient => tracedLlmClient(meteredLlmClient(client));
