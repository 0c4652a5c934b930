import type { Context } from 'hono';
import type { LimitDefaults } from '../config.js';
import type { Db } from '../db/client.js';
import { AppError } from '../domain/errors.js';
import { rateLimitRefusals } from '../infra/metrics/registry.js';
import { acquireStreamLease, releaseStreamLease, renewStreamLeases } from '../domain/limits/stream-leases.js';
import type { Logger } from '../logger.js';

export type StreamGateCaps = Pick<LimitDefaults, 'streamsPerKey' | 'streamsPerAccount' | 'streamsPerProcess' | 'streamLeaseSeconds'>;

/** One open stream's slot; `release` is idempotent. */
export interface StreamSlot {
  release(): Promise<void>;
}

export interface StreamGate {
  /** A slot for one more stream of this key, or a 429 TOO_MANY_STREAMS (scope process, key or account). */
  open(c: Context, accountId: number, keyId: number): Promise<StreamSlot>;
  /** Streams this process holds open. */
  openCount(): number;
}

export interface StreamGateOptions {
  db: Db;
  log: Logger;
  caps: StreamGateCaps;
}

/**
 * Admits event streams (the API's SSE and the console's live streams) under three caps: per process
 * (counted here: the cap is of this process's memory and sockets), per API key and per account (leases
 * in PostgreSQL, so they hold across API processes). One timer per process renews all of its leases
 * every third of the lease time, so a killed process's streams stop counting once their leases expire.
 */
export function createStreamGate({ db, log, caps }: StreamGateOptions): StreamGate {
  const held = new Set<string>();
  let admitting = 0;
  let renewal: NodeJS.Timeout | undefined;

  const renew = () => renewStreamLeases(db, [...held], caps.streamLeaseSeconds).catch((err: unknown) => log.warn({ err }, 'could not renew event stream leases'));
  const refuse = (c: Context, scope: 'process' | 'key' | 'account', limit: number) => {
    c.header('Retry-After', String(caps.streamLeaseSeconds));
    rateLimitRefusals.inc({ code: 'TOO_MANY_STREAMS' });
    const who = { process: 'this API process', key: 'this API key', account: 'this account' }[scope];
    return new AppError(429, 'TOO_MANY_STREAMS', `Too many open event streams: ${who} may hold ${limit} at once. Close one, or retry later.`, { scope, limit });
  };

  return {
    async open(c, accountId, keyId) {
      if (held.size + admitting >= caps.streamsPerProcess) throw refuse(c, 'process', caps.streamsPerProcess);
      admitting++;
      let lease;
      try {
        lease = await acquireStreamLease(db, caps, accountId, keyId);
      } finally {
        admitting--;
      }
      if (!lease.ok) throw refuse(c, lease.scope, lease.limit);
      const id = lease.id;
      held.add(id);
      renewal ??= setInterval(() => void renew(), (caps.streamLeaseSeconds * 1000) / 3).unref();
      let released = false;
      return {
        async release() {
          if (released) return;
          released = true;
          held.delete(id);
          if (held.size === 0 && renewal) {
            clearInterval(renewal);
            renewal = undefined;
          }
          await releaseStreamLease(db, id).catch((err: unknown) => log.warn({ err }, 'could not release an event stream lease; it expires'));
        },
      };
    },
    openCount: () => held.size,
  };
}
