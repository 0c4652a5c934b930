import { z } from 'zod';
import { SCOPES } from '../../shared/key-scopes.js';

/** A new key as the page that shows it once needs it; `accountId`/`accountName` when an admin created an account. */
export const shownOnceKey = z.object({
  apiKey: z.string(),
  prefix: z.string(),
  scope: z.enum(SCOPES),
  name: z.string().nullable(),
  expiresAt: z.string().nullable(),
  accountId: z.number().optional(),
  accountName: z.string().optional(),
});
export type ShownOnceKey = z.infer<typeof shownOnceKey>;
