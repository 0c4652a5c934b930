import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApp } from '../../src/server/app.js';
import { createLogger } from '../../src/logger.js';
import { connectTemporal, type TemporalHandles } from '../../src/temporal/connect.js';
import { TEST_PAYLOAD_CODEC } from '../support/payload-codec.js';
import { openTestDatabase } from '../support/db.js';

/** The console's Server-Timing header, which `npm run bench:pages` reads as the server's time per page. */

const database = openTestDatabase();
let temporal: TemporalHandles;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  temporal = await connectTemporal(inject('temporalAddress'), 'default', TEST_PAYLOAD_CODEC);
  app = createApp({ db: database.db, temporal: { client: temporal.client, taskQueue: 'server-timing-unused' }, log: createLogger('silent'), defaultConcurrency: 5, codec: TEST_PAYLOAD_CODEC, codecCorsOrigins: [] });
});
afterAll(async () => {
  await temporal?.close();
  await database.close();
});

describe('Server-Timing', () => {
  it('is on console answers, signed in or not, and not on the JSON API', async () => {
    const signIn = await app.request('/sign-in');
    expect(signIn.status).toBe(200);
    expect(signIn.headers.get('server-timing')).toMatch(/^total;dur=\d+(\.\d)?;desc="console"$/);
    const redirected = await app.request('/tasks');
    expect(redirected.status).toBe(303);
    expect(redirected.headers.get('server-timing')).toMatch(/^total;dur=/);
    const health = await app.request('/api/health');
    expect(health.headers.get('server-timing')).toBeNull();
  });
});
