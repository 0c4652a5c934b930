import { z } from 'zod';
import { SCOPES } from '../../shared/key-scopes.js';

/** A new key: its scope, an optional name, and optional days until it expires. */
export const newKeyInput = z.object({
  scope: z.enum(SCOPES, { message: `scope must be one of ${SCOPES.join(', ')}` }),
  name: z.string().trim().min(1, 'name must not be empty').max(200, 'name must be at most 200 characters').optional(),
  expiresInDays: z.number().int('expiresInDays must be a whole number').min(1, 'expiresInDays must be >= 1').max(3650, 'expiresInDays must be <= 3650').optional(),
});
