import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { findFreePort } from '../../src/infra/process-utils.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const dataDir = path.join(ROOT, '.data', `test-ctrl-c-${randomBytes(4).toString('hex')}`);
let groupId: number | undefined;

afterAll(async () => {
  if (groupId && groupAlive(groupId)) process.kill(-groupId, 'SIGKILL');
  await rm(dataDir, { recursive: true, force: true });
});

function groupAlive(pgid: number) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Ctrl-C in a terminal signals the whole foreground process group: npm, the tsx wrapper (which relays the
 * signal to its child as well), the service, PostgreSQL and the Temporal dev server. The service must
 * still stop in order, once, and leave no instance record behind.
 */
it('`npm start` stopped by a terminal Ctrl-C (SIGINT to its process group) stops cleanly and says so once', { timeout: 240_000 }, async () => {
  const env = {
    ...process.env,
    DATA_DIR: dataDir,
    DATABASE_URL: '',
    TEMPORAL_ADDRESS: '',
    TEMPORAL_PAYLOAD_KEYS: '',
    LOG_LEVEL: 'info',
    EMBEDDED_PG_PORT: String(await findFreePort()),
    TEMPORAL_PORT: String(await findFreePort()),
    TEMPORAL_UI_PORT: String(await findFreePort()),
    PORT: String(await findFreePort()),
  };
  const child = spawn('npm', ['start'], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  groupId = child.pid!;
  let out = '';
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('artgen is ready')) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', () => reject(new Error(`npm start exited before it was ready:\n${out}`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await ready;

  process.kill(-groupId, 'SIGINT');
  await exited;
  for (let i = 0; i < 300 && groupAlive(groupId); i++) await new Promise((r) => setTimeout(r, 100));

  const afterSignal = out.slice(out.indexOf('"signal":"SIGINT"'));
  expect(afterSignal.match(/"msg":"stopped"/g)).toHaveLength(1);
  expect(afterSignal).not.toMatch(/"level":(40|50|60)|WARN/);
  expect(existsSync(path.join(dataDir, 'instance.json'))).toBe(false);
  expect(groupAlive(groupId)).toBe(false);
});
