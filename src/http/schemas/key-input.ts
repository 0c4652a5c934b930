import { z } from 'zod';
import { SCOPES } from '../../shared/key-scopes.js';
import { id, nullableTimestamp, timestamp } from './common.js';

/** A new key: its scope, an optional name, and optional days until it expires. */
export const newKeyInput = z.object({
  scope: z.enum(SCOPES, { message: `scope must be one of ${SCOPES.join(', ')}` }),
  name: z.string().trim().min(1, 'name must not be empty').max(200, 'name must be at most 200 characters').optional(),
  expiresInDays: z.number().int('expiresInDays must be a whole number').min(1, 'expiresInDays must be >= 1').max(3650, 'expiresInDays must be <= 3650').optional(),
});

/** A key as listed: never the key itself or its hash. */
export const keyView = z.object({
  id,
  prefix: z.string(),
  scope: z.enum(SCOPES),
  name: z.string().nullable(),
  createdAt: timestamp,
  lastUsedAt: nullableTimestamp,
  expiresAt: nullableTimestamp,
  revokedAt: nullableTimestamp,
});

/** A new key, shown once. */
export const newKeyAnswer = z.object({ keyId: id, apiKey: z.string(), scope: z.enum(SCOPES), prefix: z.string(), name: z.string().nullable(), expiresAt: nullableTimestamp });
