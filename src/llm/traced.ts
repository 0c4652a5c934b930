import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { llmOutcomeOf } from './metered.js';
import type { LlmClient } from './types.js';

const tracer = trace.getTracer('artgen-llm');

/**
 * The client with every request in a client span (`chat <model>`, OpenTelemetry's GenAI attributes: the
 * provider, the model asked for and the one that answered, the tokens), child of the activity's span. The
 * prompt and the reply never go into it: they are tenant content. Without a tracer provider (tracing off)
 * the spans are no-ops.
 */
export function tracedLlmClient(client: LlmClient): LlmClient {
  const model = client.model;
  return {
    provider: client.provider,
    model,
    complete(req) {
      const attributes = { 'gen_ai.operation.name': 'chat', 'gen_ai.system': client.provider, 'gen_ai.request.model': model };
      return tracer.startActiveSpan(`chat ${model}`, { kind: SpanKind.CLIENT, attributes }, async (span) => {
        try {
          const reply = await client.complete(req);
          span.setAttributes({ 'gen_ai.response.model': reply.model, 'gen_ai.usage.input_tokens': reply.promptTokens, 'gen_ai.usage.output_tokens': reply.completionTokens });
          return reply;
        } catch (err) {
          // The outcome class only: a provider's message may quote the prompt.
          const outcome = llmOutcomeOf(err);
          span.setAttribute('error.type', outcome);
          span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
          throw err;
        } finally {
          span.end();
        }
      });
    },
  };
}
