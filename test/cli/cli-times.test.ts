import { describe, expect, it } from 'vitest';
import { cliFor, show } from '../support/cli.js';
import { newAccount, seedDistillations } from '../support/db.js';
import { useApiWithoutWorker } from '../support/stack.js';

/**
 * Every time the CLI prints says its zone (issue 19): local time with its offset by default, UTC with the
 * global --utc. The child's TZ sets its local zone; the database holds one known instant.
 */
const stack = useApiWithoutWorker();
const AT = '2026-12-07T01:30:05Z';

async function listed(env: Record<string, string>, extra: string[] = []) {
  const account = await newAccount(stack.database);
  await seedDistillations(stack.database, account.accountId, [{ keyword: '时间测试', createdAt: new Date(AT) }]);
  const r = await cliFor(stack.api.url, account.apiKey)([...extra, 'distillations', 'list'], { env });
  expect(r.code, show(r)).toBe(0);
  return r.stdout;
}

describe('times in the CLI', () => {
  it('prints local time with its offset, in whatever zone the shell is in', async () => {
    expect(await listed({ TZ: 'Asia/Shanghai' })).toContain('2026-12-07 09:30:05 +08:00');
    expect(await listed({ TZ: 'America/New_York' })).toContain('2026-12-06 20:30:05 -05:00');
  });

  it('prints UTC with --utc, before or after the command', async () => {
    expect(await listed({ TZ: 'Asia/Shanghai' }, ['--utc'])).toContain('2026-12-07 01:30:05 UTC');
    const account = await newAccount(stack.database);
    await seedDistillations(stack.database, account.accountId, [{ keyword: '时间测试' }]);
    const r = await cliFor(stack.api.url, account.apiKey)(['distillations', 'list', '--utc'], { env: { TZ: 'America/New_York' } });
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout).toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
  });
});
