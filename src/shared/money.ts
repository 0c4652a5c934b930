/**
 * Money as people write it ("12.5") and as the books keep it (pico-units, 1e-12 of the currency, bigint), both
 * ways, exactly: no floating point between them. picoToDecimal (src/llm/models/spec.ts) writes it back.
 */
const DECIMAL = /^\d{1,15}(\.\d{1,12})?$/;

/** "12.5" -> 12_500_000_000_000n; throws RangeError on anything but a plain non-negative decimal with <= 12 decimals. */
export function decimalToPico(text: string): bigint {
  const s = text.trim();
  if (!DECIMAL.test(s)) throw new RangeError('an amount must be a non-negative decimal such as 12.50 (at most 12 decimals)');
  const [whole, frac = ''] = s.split('.');
  return BigInt(whole!) * 1_000_000_000_000n + BigInt(frac.padEnd(12, '0'));
}

/** Whether `text` is an amount decimalToPico accepts. */
export const isDecimalAmount = (text: string) => DECIMAL.test(text.trim());

/** ISO 4217 currency code. */
export const CURRENCY = /^[A-Z]{3}$/;
