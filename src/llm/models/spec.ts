/**
 * The model registry's shape, shared by the registry (config and the models table), the router (failover, flow
 * control) and the books (cost, budgets). Prices are integers: micro-units of `currency` per million tokens, so a
 * request's cost (tokens x price) is an exact integer in pico-units (1e-12 of the currency).
 */
export interface ModelSpec {
  /** Registry id, e.g. "a" or "offline": what tasks, routes and attempts name. */
  id: string;
  displayName: string;
  /** OpenAI-compatible base URL; null: the offline generator. */
  baseUrl: string | null;
  /** The provider's model name sent in the request. */
  model: string;
  /** The environment variable holding the key; null: none or a sealed key (never shown back). */
  apiKeyEnv: string | null;
  promptPriceMicrosPerMillion: number;
  completionPriceMicrosPerMillion: number;
  /** ISO 4217, e.g. USD, CNY. */
  currency: string;
  /** Tokens the model accepts (prompt + completion); null: unknown, not checked. */
  contextWindow: number | null;
  /** Requests in flight across every worker; null: no cap. */
  maxConcurrency: number | null;
  requestsPerMinute: number | null;
  tokensPerMinute: number | null;
  timeoutMs: number;
  streaming: boolean;
}

/** The offline generator's registry id: price 0, the zero-setup default. */
export const OFFLINE_MODEL_ID = 'offline';

const PICO_PER_MICRO_PER_MILLION = 1n; // tokens x (micro-units per 1e6 tokens) = 1e-12 units

/** A price per million tokens as given in config (e.g. 1.5) to integer micro-units; more than 6 decimals is refused. */
export function priceToMicros(pricePerMillion: number): number {
  if (!Number.isFinite(pricePerMillion) || pricePerMillion < 0) throw new RangeError('a price must be a number >= 0');
  const micros = Math.round(pricePerMillion * 1_000_000);
  if (Math.abs(micros - pricePerMillion * 1_000_000) > 1e-6 * Math.max(1, micros)) {
    throw new RangeError('a price may have at most 6 decimals');
  }
  if (!Number.isSafeInteger(micros)) throw new RangeError('a price is too large');
  return micros;
}

/** What one request cost, exactly, in pico-units of the model's currency. */
export function requestCostPico(
  spec: Pick<ModelSpec, 'promptPriceMicrosPerMillion' | 'completionPriceMicrosPerMillion'>,
  promptTokens: number,
  completionTokens: number,
): bigint {
  return (
    (BigInt(promptTokens) * BigInt(spec.promptPriceMicrosPerMillion) +
      BigInt(completionTokens) * BigInt(spec.completionPriceMicrosPerMillion)) *
    PICO_PER_MICRO_PER_MILLION
  );
}

/** Pico-units as a decimal string of the currency, exact (e.g. 1234500000000n -> "1.2345"). */
export function picoToDecimal(pico: bigint): string {
  const neg = pico < 0n;
  const abs = neg ? -pico : pico;
  const whole = abs / 1_000_000_000_000n;
  const frac = (abs % 1_000_000_000_000n).toString().padStart(12, '0').replace(/0+$/, '');
  return `${neg ? '-' : ''}${whole}${frac ? `.${frac}` : ''}`;
}
