import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { accounts } from '../../db/schema.js';
import type { QualitySettings } from '../../shared/quality.js';
import { badRequest, notFound } from '../errors.js';

/** What an account set for itself: any field it left out takes the config default. */
export type QualityOverrides = Partial<QualitySettings>;

/** The settings that apply: the account's own over the defaults. */
export const effectiveQuality = (defaults: QualitySettings, overrides: QualityOverrides | null): QualitySettings => ({ ...defaults, ...overrides });

function describe(defaults: QualitySettings, overrides: QualityOverrides | null) {
  return { settings: effectiveQuality(defaults, overrides), overrides: overrides ?? {}, defaults };
}

/** The account's quality gate: what applies, what it set itself and the defaults. */
export async function getQualitySettings(db: DbOrTx, accountId: number, defaults: QualitySettings) {
  const [row] = await db.select({ quality: accounts.qualitySettings }).from(accounts).where(eq(accounts.id, accountId));
  if (!row) throw notFound('account', accountId);
  return describe(defaults, row.quality);
}

/**
 * Replaces the account's quality gate (PUT): the fields given are its own, the rest follow the
 * defaults. The merged settings must make sense together (a maximum length below the minimum cannot).
 */
export async function putQualitySettings(db: DbOrTx, accountId: number, overrides: QualityOverrides, defaults: QualitySettings) {
  const merged = effectiveQuality(defaults, overrides);
  if (merged.maxChars !== null && merged.maxChars < merged.minChars) {
    const field = overrides.maxChars !== undefined ? 'maxChars' : 'minChars';
    const message = `maxChars (${merged.maxChars}) is below minChars (${merged.minChars}): raise maxChars or lower minChars`;
    throw badRequest('VALIDATION_ERROR', `Invalid request body: ${field}: ${message}`, { issues: [{ field, message }] });
  }
  const [row] = await db.update(accounts).set({ qualitySettings: overrides }).where(eq(accounts.id, accountId)).returning({ quality: accounts.qualitySettings });
  if (!row) throw notFound('account', accountId);
  return describe(defaults, row.quality);
}
