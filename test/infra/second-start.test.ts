import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { findFreePort } from '../../src/infra/process-utils.js';
import { startServiceProcess, type ServiceProcess } from '../support/service-process.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const workDir = path.join(ROOT, '.data', `test-second-start-${randomBytes(4).toString('hex')}`);
const started: ServiceProcess[] = [];
const T = { timeout: 240_000 };

/** `npm start`'s environment for a folder of its own: embedded PostgreSQL and Temporal on free ports. */
async function embeddedEnv(name: string) {
  return {
    DATA_DIR: path.join(workDir, name),
    DATABASE_URL: '',
    TEMPORAL_ADDRESS: '',
    EMBEDDED_PG_PORT: String(await findFreePort()),
    TEMPORAL_PORT: String(await findFreePort()),
    TEMPORAL_UI_PORT: String(await findFreePort()),
    PORT: String(await findFreePort()),
  };
}

function npmStart(env: Record<string, string>) {
  const p = startServiceProcess('src/main.ts', env);
  started.push(p);
  return p;
}

const health = (port: string) => fetch(`http://127.0.0.1:${port}/api/health`).then((r) => r.status);
const hasStackTrace = (text: string) => /^\s+at .+:\d+:\d+\)?$/m.test(text);

beforeAll(() => mkdir(workDir, { recursive: true }));
afterAll(async () => {
  for (const p of started) await p.stop();
  await rm(workDir, { recursive: true, force: true });
});

it('a second `npm start` in the same folder refuses at once, naming the running instance, and leaves it serving', T, async () => {
  const env = await embeddedEnv('shared');
  const first = npmStart(env);
  await first.waitForOutput(/artgen is ready/);
  expect(await health(env.PORT)).toBe(200);

  // The 401 for an unknown key says where the embedded key is kept (relative to the working folder);
  // JSON answers end with a newline.
  const unknownKey = await fetch(`http://127.0.0.1:${env.PORT}/api/distillations`, { headers: { authorization: 'Bearer ak_not_a_real_key' } });
  const text = await unknownKey.text();
  expect([unknownKey.status, text.endsWith('}\n')]).toEqual([401, true]);
  expect(JSON.parse(text).error.message).toContain(`cat ${path.relative(ROOT, path.join(env.DATA_DIR, 'api-key'))}`);
  expect(await fetch(`http://127.0.0.1:${env.PORT}/api/health`).then((r) => r.text())).toMatch(/}\n$/);

  const second = npmStart(env);
  expect(await second.exited).toBe(1);
  const said = second.output();
  expect(said).toContain(`pid ${first.child.pid}`);
  expect(said).toContain(`http://127.0.0.1:${env.PORT}`);
  expect(hasStackTrace(said)).toBe(false);

  expect(first.child.exitCode).toBeNull();
  expect(await health(env.PORT)).toBe(200);
  // Ctrl-C: an orderly stop with one "stopped" line and no warnings.
  expect(await first.stop()).toBe(0);
  const afterSignal = first.output().slice(first.output().indexOf('"signal":"SIGINT"'));
  expect(afterSignal.match(/"msg":"stopped"/g)).toHaveLength(1);
  expect(afterSignal).not.toMatch(/"level":(40|50|60)|WARN/);
});

it('a busy PORT is reported in one line before anything starts', T, async () => {
  const env = await embeddedEnv('busy-port');
  const holder = net.createServer();
  await new Promise<void>((resolve) => holder.listen(Number(env.PORT), '127.0.0.1', resolve));
  try {
    const p = npmStart(env);
    expect(await p.exited).toBe(1);
    const lines = p.output().trim().split('\n');
    expect(lines.at(-1)).toMatch(new RegExp(`port ${env.PORT} .*in use.*PORT`));
    expect(hasStackTrace(p.output())).toBe(false);
    expect(existsSync(path.join(env.DATA_DIR, 'postgres'))).toBe(false);
  } finally {
    holder.close();
  }
});
