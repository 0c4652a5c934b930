import type { LimitDefaults } from '../../config.js';
import type { Db, DbOrTx } from '../../db/client.js';
import { hitRateLimits, peekRateLimits, type BucketState, type RateBucket } from './rate-limits.js';

export type AuthThrottleSettings = Pick<LimitDefaults, 'authFailureWindowSeconds' | 'authFailuresPerAddress' | 'authFailuresPerKeyPrefix'>;

/** Who tried: the client's address (null in-process, then only the prefix counts) and the key prefix sent. */
export interface AuthAttempt {
  address: string | null;
  keyPrefix: string;
}

export interface AuthThrottled {
  scope: 'address' | 'keyPrefix';
  retryAfterSeconds: number;
  limit: number;
  windowSeconds: number;
  /** Names the throttled bucket and its current period: one audit row per value, however many attempts. */
  auditBucket: string;
}

function buckets(s: AuthThrottleSettings, a: AuthAttempt): RateBucket[] {
  const list: RateBucket[] = [{ bucket: `auth-prefix:${a.keyPrefix}`, limit: s.authFailuresPerKeyPrefix }];
  if (a.address) list.push({ bucket: `auth-address:${a.address}`, limit: s.authFailuresPerAddress });
  return list;
}

function throttled(s: AuthThrottleSettings, state: BucketState): AuthThrottled {
  const period = Math.floor(Date.now() / 1000 / s.authFailureWindowSeconds);
  return {
    scope: state.bucket.startsWith('auth-address:') ? 'address' : 'keyPrefix',
    retryAfterSeconds: state.resetSeconds,
    limit: state.limit,
    windowSeconds: s.authFailureWindowSeconds,
    auditBucket: `throttled|${state.bucket}|${period}`,
  };
}

/**
 * Whether this address or key prefix has used up its failed attempts: asked before the key is looked
 * at, so a throttled client learns nothing about its guesses. The buckets live in PostgreSQL (GCRA), so
 * the throttle holds across API processes and between the API and the console's sign-in.
 */
export async function authThrottle(db: DbOrTx, s: AuthThrottleSettings, a: AuthAttempt): Promise<AuthThrottled | null> {
  const state = await peekRateLimits(db, buckets(s, a), s.authFailureWindowSeconds);
  return state ? throttled(s, state) : null;
}

/** Counts one failed attempt; returns the throttle when this attempt was one too many (a race with other processes). */
export async function countAuthFailure(db: Db, s: AuthThrottleSettings, a: AuthAttempt): Promise<AuthThrottled | null> {
  const refused = (await hitRateLimits(db, buckets(s, a), s.authFailureWindowSeconds)).find((st) => !st.allowed);
  return refused ? throttled(s, refused) : null;
}
