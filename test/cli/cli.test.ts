import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import { parseCsv } from '../../src/cli/csv.js';
import { TASK_EVENT_TYPES } from '../../src/shared/events/index.js';
import { startApiServer, waitFor } from '../support/api-server.js';
import { cliFor, runCli, show, type CliResult } from '../support/cli.js';
import { newAccount, openTestDatabase, seedDistillations } from '../support/db.js';
import { keywordOf, startLlmStub, type LlmStub } from '../support/llm-stub.js';
import { startTestWorker } from '../support/worker.js';

/**
 * `artgen` end to end: every command runs as a subprocess (`node bin/artgen.js ...`) against a real API
 * server, a real worker on the Temporal dev server and the loopback LLM stub. The stub answers by
 * keyword: `fail ...` gets a 400 (never retried), `hang ...` never answers, the rest an article.
 */

const database = openTestDatabase(10);
let stub: LlmStub;
let worker: Awaited<ReturnType<typeof startTestWorker>>;
let api: Awaited<ReturnType<typeof startApiServer>>;
const temporalScheduleIds = new Set<string>();
const dir = mkdtempSync(path.join(tmpdir(), 'artgen-cli-files-'));

beforeAll(async () => {
  stub = await startLlmStub({
    behavior: (req) => {
      const keyword = keywordOf(req) ?? '';
      if (keyword.startsWith('fail')) return { status: 400, errorMessage: 'the stub rejects this prompt' };
      if (keyword.startsWith('hang')) return { hang: true };
      return { latencyMs: 150 };
    },
  });
  // Many attempts: a hanging article stays in flight long enough to be canceled or timed out.
  worker = await startTestWorker(database, stub.url, { maxAttempts: 20 });
  api = await startApiServer(database, worker.target);
});
afterAll(async () => {
  for (const id of temporalScheduleIds) await worker?.client.schedule.getHandle(id).delete().catch(() => undefined);
  await api?.close();
  await worker?.stop();
  await stub?.close();
  await database.close();
});

/** A fresh account with distillations named by `keywords`, and a CLI runner with its key. */
async function account(keywords: string[] = []) {
  const a = await newAccount(database);
  if (keywords.length > 0) await seedDistillations(database, a.accountId, keywords.map((keyword) => ({ keyword })));
  return { ...a, cli: cliFor(api.url, a.apiKey) };
}

function file(name: string, content: string) {
  const p = path.join(dir, name);
  writeFileSync(p, content);
  return p;
}

const json = (r: CliResult) => {
  try {
    return JSON.parse(r.stdout);
  } catch {
    throw new Error(`stdout is not JSON:\n${show(r)}`);
  }
};

const distillationCount = async (accountId: number) =>
  (await database.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM distillations WHERE account_id = ${accountId} AND deleted_at IS NULL`)[0]!.n;

/** Every command path of the program: [], ['task'], ['task', 'create'], ... */
function commandPaths(cmd: Command, prefix: string[] = []): string[][] {
  return [prefix, ...cmd.commands.flatMap((c) => commandPaths(c, [...prefix, c.name()]))];
}

async function inBatches<T, R>(items: T[], size: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map(fn))));
  return out;
}

describe('artgen basics', () => {
  it('--help works on every command and group (exit 0); a group without a command is a usage error (exit 2)', async () => {
    const paths = commandPaths(buildProgram());
    expect(paths.length).toBeGreaterThan(30);
    const results = await inBatches(paths, 8, async (p) => ({ p, r: await runCli([...p, '--help']) }));
    for (const { p, r } of results) {
      expect(r.code, `artgen ${p.join(' ')} --help\n${show(r)}`).toBe(0);
      expect(r.stdout).toContain(`Usage: artgen${p.length ? ` ${p.join(' ')}` : ''}`);
    }
    const watchHelp = results.find(({ p }) => p.join(' ') === 'task watch')!.r.stdout;
    expect(watchHelp).toMatch(/3 {2}the task failed/);
    expect(watchHelp).toMatch(/5 {2}the task timed out/);
    for (const type of TASK_EVENT_TYPES) expect(watchHelp).toMatch(new RegExp(`^ {2}${type.replace('.', '\\.')} +\\w`, 'm'));
    expect(watchHelp).toMatch(/task\.timeout +.*\(the watch ends\)/);

    const bare = await runCli(['task']);
    expect(bare.code, show(bare)).toBe(2);
    const unknown = await runCli(['task', 'lst']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'lst'");
    const badId = await runCli(['task', 'status', 'abc']);
    expect(badId.code).toBe(2);
  });

  it('monitor health exits 0 with both dependencies up, without an API key', async () => {
    const r = await runCli(['--url', api.url, 'monitor', 'health']);
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout).toMatch(/database\s+ok/);
    expect(r.stdout).toMatch(/temporal\s+ok/);
    expect(r.stdout).toContain('overall: ok');
    const j = await runCli(['--url', api.url, '--format', 'json', 'monitor', 'health']);
    expect(json(j)).toMatchObject({ status: 'ok', database: { status: 'ok' }, temporal: { status: 'ok' } });
  });

  it('an unknown API key exits 1 with the API 401 message; no key at all says how to give one', async () => {
    const r = await runCli(['--url', api.url, '--api-key', 'ak_not_a_real_key_0123456789', 'task', 'list']);
    expect(r.code, show(r)).toBe(1);
    expect(r.stderr).toContain('The API key is unknown.');
    expect(r.stderr).toContain('INVALID_API_KEY, HTTP 401');
    expect(r.stdout).toBe('');
    const none = await runCli(['--url', api.url, 'task', 'list']);
    expect(none.code, show(none)).toBe(1);
    expect(none.stderr).toContain('UNAUTHENTICATED');
    expect(none.stderr).toContain('--api-key');
    // ARTGEN_API_KEY and ./.data/api-key are honoured.
    const a = await account();
    const viaEnv = await runCli(['task', 'list'], { env: { ARTGEN_URL: api.url, ARTGEN_API_KEY: a.apiKey } });
    expect(viaEnv.code, show(viaEnv)).toBe(0);
    const embedded = mkdtempSync(path.join(tmpdir(), 'artgen-embedded-'));
    mkdirSync(path.join(embedded, '.data'));
    writeFileSync(path.join(embedded, '.data', 'api-key'), `${a.apiKey}\n`);
    const viaFile = await runCli(['--url', api.url, 'task', 'list', '--format', 'json'], { cwd: embedded });
    expect(viaFile.code, show(viaFile)).toBe(0);
    expect(json(viaFile)).toMatchObject({ tasks: [], total: 0 });
  });

  it('a refused connection exits 1 naming the URL and suggesting npm start', async () => {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const r = await runCli(['--url', `http://127.0.0.1:${port}`, '--api-key', 'ak_whatever_123456', 'task', 'list']);
    expect(r.code, show(r)).toBe(1);
    expect(r.stderr).toContain(`http://127.0.0.1:${port}`);
    expect(r.stderr).toContain('connection refused');
    expect(r.stderr).toContain('npm start');
  });
});

describe('distillations import', () => {
  const goodCsv = ['keyword,topics', '"AI search, ranking","How do AI assistants pick sources?|Do citations matter, really?"', '内容营销,内容营销怎么做？|内容营销的效果如何衡量？', 'GEO optimisation,"What is ""GEO""?"', ''].join('\r\n');

  it('imports a good CSV file (quoted commas and quotes, | separated topics)', async () => {
    const a = await account();
    const r = await a.cli(['distillations', 'import', file('good.csv', goodCsv)]);
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout).toMatch(/imported:\s+3/);
    const list = json(await a.cli(['distillations', 'list', '--format', 'json']));
    expect(list.total).toBe(3);
    const byKeyword = new Map<string, any>(list.items.map((d: any) => [d.keyword, d]));
    expect(byKeyword.get('AI search, ranking')?.topicCount).toBe(2);
    expect(byKeyword.get('内容营销')?.topicCount).toBe(2);
    const shown = json(await a.cli(['distillations', 'show', String(byKeyword.get('GEO optimisation').id), '--format', 'json']));
    expect(shown.topics).toEqual(['What is "GEO"?']);
    const ai = json(await a.cli(['distillations', 'show', String(byKeyword.get('AI search, ranking').id), '--format', 'json']));
    expect(ai.topics).toEqual(['How do AI assistants pick sources?', 'Do citations matter, really?']);
  });

  it('imports a good JSON file, as an array and as {distillations}', async () => {
    const a = await account();
    const arr = await a.cli(['distillations', 'import', file('arr.json', JSON.stringify([{ keyword: 'json one', topics: ['t1', 't2'] }, { keyword: 'json two', topics: ['t3'] }])), '--format', 'json']);
    expect(arr.code, show(arr)).toBe(0);
    expect(json(arr)).toMatchObject({ imported: 2, batches: 1, skipped: [] });
    const obj = await a.cli(['distillations', 'import', file('obj.json', JSON.stringify({ distillations: [{ keyword: 'json three', topics: ['t4'] }] }))]);
    expect(obj.code, show(obj)).toBe(0);
    expect(await distillationCount(a.accountId)).toBe(3);
  });

  it('a CSV with bad rows exits 1, lists their lines and imports nothing', async () => {
    const a = await account();
    const text = ['keyword,topics', 'fine,a question', ',topic without keyword', 'no topics,', `"multi`, `line keyword",ok`, 'x'.repeat(201) + ',t', ''].join('\n');
    const r = await a.cli(['distillations', 'import', file('bad.csv', text)]);
    expect(r.code, show(r)).toBe(1);
    expect(r.stderr).toContain('3 of 5 row(s)');
    expect(r.stderr).toContain('nothing was imported');
    expect(r.stderr).toMatch(/line 3: keyword is empty/);
    expect(r.stderr).toMatch(/line 4 \("no topics"\): no topics/);
    expect(r.stderr).toMatch(/line 7 .*keyword is 201 characters long/);
    expect(r.stderr).not.toMatch(/line 5/);
    expect(await distillationCount(a.accountId)).toBe(0);
  });

  it('a JSON file with a bad entry exits 1 naming its index and imports nothing', async () => {
    const a = await account();
    const r = await a.cli(['distillations', 'import', file('bad.json', JSON.stringify([{ keyword: 'ok', topics: ['t'] }, { keyword: 'bad', topics: [] }, { keyword: 'bad2', topics: ['y'.repeat(501)] }]))]);
    expect(r.code, show(r)).toBe(1);
    expect(r.stderr).toMatch(/index 1 \("bad"\): no topics/);
    expect(r.stderr).toMatch(/index 2 \("bad2"\): topic 1 is 501 characters long/);
    expect(await distillationCount(a.accountId)).toBe(0);
  });

  it('--skip-invalid imports the good rows and lists the skipped ones', async () => {
    const a = await account();
    const text = ['keyword,topics', 'good one,q1', 'bad one,', 'good two,q2|q3', ''].join('\n');
    const r = await a.cli(['distillations', 'import', file('mixed.csv', text), '--skip-invalid', '--format', 'json']);
    expect(r.code, show(r)).toBe(0);
    expect(r.stderr).toMatch(/Skipping 1 invalid row.*\n\s+line 3 \("bad one"\): no topics/);
    const out = json(r);
    expect(out).toMatchObject({ imported: 2, skipped: [{ line: 3, keyword: 'bad one' }] });
    expect(out.ids).toHaveLength(2);
    expect(await distillationCount(a.accountId)).toBe(2);
  });

  it('sends a large file in batches of 500', async () => {
    const a = await account();
    const rows = Array.from({ length: 1001 }, (_, i) => `batch kw ${i},question ${i}|another ${i}`);
    const r = await a.cli(['distillations', 'import', file('big.csv', ['keyword,topics', ...rows].join('\n')), '--format', 'csv']);
    expect(r.code, show(r)).toBe(0);
    const records = parseCsv(r.stdout);
    expect(records[0]!.fields).toEqual(['line', 'id', 'keyword', 'topics']);
    expect(records).toHaveLength(1002);
    expect(records[1]!.fields.slice(2)).toEqual(['batch kw 0', '2']);
    expect(await distillationCount(a.accountId)).toBe(1001);
  });

  it('deletes distillations, exiting 1 when one of them is unknown', async () => {
    const a = await account(['del a', 'del b']);
    const list = json(await a.cli(['distillations', 'list', '--format', 'json']));
    const ids = list.items.map((d: any) => String(d.id));
    const r = await a.cli(['distillations', 'delete', ...ids, '999999999']);
    expect(r.code, show(r)).toBe(1);
    expect(r.stdout).toContain('deleted');
    expect(r.stdout).toMatch(/999999999\s+distillation 999999999 was not found\s+NOT_FOUND/);
    expect(await distillationCount(a.accountId)).toBe(0);
  });
});

describe('tasks', () => {
  it('task create, then task watch, exits 0 after printing progress', async () => {
    const a = await account(['watch a', 'watch b', 'watch c']);
    const created = await a.cli(['task', 'create', '--count', '3', '--concurrency', '1', '--priority', '7', '--format', 'json']);
    expect(created.code, show(created)).toBe(0);
    const { taskId } = json(created);
    const r = await a.cli(['task', 'watch', String(taskId)]);
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout).toContain(`task ${taskId} started: 3 article(s) requested`);
    expect(r.stdout.match(/article #\d saved: "Everything you need to know about watch [abc]"/g)).toHaveLength(3);
    expect(r.stdout).toContain('3/3 generated, 0 failed, 0 skipped, 100%');
    expect(r.stdout).toContain(`Task ${taskId} completed: 3 of 3 generated, 0 failed, 0 skipped.`);

    // Watching a finished task replays its events and ends the same way.
    const again = await a.cli(['--format', 'json', 'task', 'watch', String(taskId)]);
    expect(again.code, show(again)).toBe(0);
    expect(json(again)).toMatchObject({ taskId, status: 'completed', generatedCount: 3, requestedCount: 3 });
    expect(again.stderr).toContain('saved');
  });

  it('task create --watch of a task whose LLM calls all fail exits 3', async () => {
    const a = await account(['fail one', 'fail two']);
    const r = await a.cli(['task', 'create', '-n', '2', '--watch']);
    expect(r.code, show(r)).toBe(3);
    expect(r.stdout).toMatch(/taskId:\s+\d+/);
    expect(r.stdout.match(/article #\d failed: /g)).toHaveLength(2);
    expect(r.stdout).toMatch(/failed: 0 of 2 generated, 2 failed, 0 skipped\./);

    const failed = json(await a.cli(['monitor', 'failed', '--format', 'json']));
    expect(failed.tasks).toHaveLength(1);
    expect(failed.tasks[0].errorMessage).toContain('2 of 2 articles not written');
    const table = await a.cli(['monitor', 'failed']);
    expect(table.stdout).toContain('2 of 2 articles not written');

    // A retry writes the failed positions again (and fails again: the stub still rejects them).
    const taskId = failed.tasks[0].id;
    const retried = await a.cli(['task', 'retry', String(taskId), '--watch', '--format', 'json']);
    expect(retried.code, show(retried)).toBe(3);
    expect(json(retried)).toMatchObject({ taskId, status: 'failed', failedCount: 2 });
  });

  it('task list and task status parse as JSON and CSV', async () => {
    const a = await account(['list a', 'list b', 'list c']);
    const ids: number[] = [];
    for (const n of [1, 2]) {
      const r = await a.cli(['task', 'create', '--count', String(n), '--watch', '--format', 'json']);
      expect(r.code, show(r)).toBe(0);
      ids.push(json(r).taskId);
    }
    const list = json(await a.cli(['task', 'list', '--format', 'json']));
    expect(list.tasks.map((t: any) => t.id)).toEqual([...ids].reverse());
    expect(list).toMatchObject({ total: 2, page: 1, pageSize: 20 });

    const csv = await a.cli(['task', 'list', '--status', 'completed', '--page-size', '5', '--format', 'csv']);
    expect(csv.code, show(csv)).toBe(0);
    const records = parseCsv(csv.stdout).map((r) => r.fields);
    const header = records[0]!;
    expect(header.slice(0, 3)).toEqual(['id', 'status', 'progress']);
    const rows = records.slice(1).map((f) => Object.fromEntries(header.map((h, i) => [h, f[i]])));
    expect(rows.map((r) => Number(r.id))).toEqual([...ids].reverse());
    expect(rows.every((r) => r.status === 'completed' && r.progress === '100')).toBe(true);
    expect(rows[0]).toMatchObject({ requestedCount: '2', generatedCount: '2', distillationResult: 'Used 2 distillations (使用了2个蒸馏结果)' });

    const status = json(await a.cli(['task', 'status', String(ids[1]), '--format', 'json']));
    expect(status).toMatchObject({ id: ids[1], status: 'completed', requestedCount: 2, generatedCount: 2 });
    expect(status.items).toHaveLength(2);
    const statusCsv = parseCsv((await a.cli(['task', 'status', String(ids[1]), '--format', 'csv'])).stdout).map((r) => r.fields);
    expect(statusCsv).toHaveLength(2);
    expect(statusCsv[1]![statusCsv[0]!.indexOf('status')]).toBe('completed');
    const items = parseCsv((await a.cli(['task', 'status', String(ids[1]), '--items', '--format', 'csv'])).stdout).map((r) => r.fields);
    expect(items[0]).toEqual(['position', 'distillationId', 'keyword', 'state', 'attempts', 'articleId', 'title', 'error']);
    expect(items.slice(1).map((f) => f[3])).toEqual(['saved', 'saved']);

    const table = await a.cli(['task', 'status', String(ids[1])]);
    expect(table.stdout).toMatch(/status:\s+completed/);
    expect(table.stdout).toContain('Items');
    expect(table.stdout).toMatch(/POS\s+DISTILLATION\s+KEYWORD/);

    const missing = await a.cli(['task', 'status', '999999999']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('NOT_FOUND');
  });

  it('task cancel of a finished task exits 1 with the API message; of a running one, watch exits 4', async () => {
    const a = await account(['done kw', 'hang one', 'hang two']);
    const done = await a.cli(['task', 'create', '-n', '1', '--watch', '--format', 'json']);
    expect(done.code, show(done)).toBe(0);
    const doneId = json(done).taskId;
    const r = await a.cli(['task', 'cancel', String(doneId)]);
    expect(r.code, show(r)).toBe(1);
    expect(r.stderr).toContain(`Task ${doneId} is already completed; only pending or running tasks can be canceled.`);
    expect(r.stderr).toContain('TASK_ALREADY_FINISHED, HTTP 409');

    const created = json(await a.cli(['task', 'create', '-n', '2', '--format', 'json']));
    await waitFor('the task to run', async () => {
      const p = await api.call('GET', `/api/article-generation/tasks/${created.taskId}`, a.apiKey);
      return p.body.status === 'running' ? true : undefined;
    });
    const pending = json(await a.cli(['monitor', 'pending', '--format', 'json']));
    expect(pending.tasks.map((t: any) => t.id)).toEqual([created.taskId]);
    const cancel = await a.cli(['task', 'cancel', String(created.taskId), '--format', 'json']);
    expect(cancel.code, show(cancel)).toBe(0);
    expect(json(cancel)).toMatchObject({ taskId: created.taskId });
    const watch = await a.cli(['task', 'watch', String(created.taskId)]);
    expect(watch.code, show(watch)).toBe(4);
    expect(watch.stdout).toContain(`Task ${created.taskId} canceled`);
  });

  it('a task that runs past its time limit makes watch exit 5', async () => {
    const a = await account(['hang slow']);
    const r = await a.cli(['task', 'create', '-n', '1', '--timeout', '10', '--watch'], { timeoutMs: 60_000 });
    expect(r.code, show(r)).toBe(5);
    expect(r.stdout).toMatch(/Task \d+ timeout: 0 of 1 generated/);
  });

  it('task watch resumes with Last-Event-ID when the connection drops', async () => {
    const a = await account(['drop a', 'drop b', 'drop c', 'drop d']);
    const proxy = await startDroppingProxy(api.url);
    try {
      const created = json(await a.cli(['task', 'create', '-n', '4', '--concurrency', '1', '--format', 'json']));
      const r = await runCli(['--url', proxy.url, '--api-key', a.apiKey, 'task', 'watch', String(created.taskId)]);
      expect(r.code, show(r)).toBe(0);
      expect(proxy.eventRequests.length).toBeGreaterThanOrEqual(2);
      expect(proxy.eventRequests[0]).toBeUndefined();
      const resumedAfter = Number(proxy.eventRequests[1]);
      expect(resumedAfter).toBeGreaterThan(0);
      expect(r.stdout).toContain(`reconnecting after event ${resumedAfter}`);
      // Every article exactly once, although the stream was cut after the first.
      expect(r.stdout.match(/article #\d saved/g)).toHaveLength(4);
      expect(r.stdout).toContain(`Task ${created.taskId} completed: 4 of 4 generated`);
    } finally {
      await proxy.close();
    }
  });

  it('task stats and the monitor commands summarize the account', async () => {
    const a = await account(['stats a', 'stats b']);
    const r = await a.cli(['task', 'create', '-n', '2', '--watch', '--format', 'json']);
    expect(r.code, show(r)).toBe(0);
    const stats = json(await a.cli(['task', 'stats', '--format', 'json']));
    expect(stats.allTime).toMatchObject({ tasks: { total: 1, byStatus: { completed: 1 } }, articles: { total: 2 } });
    const table = await a.cli(['task', 'stats']);
    expect(table.stdout).toMatch(/tasks completed\s+1\s+1/);
    expect(table.stdout).toMatch(/failure rate\s+0\.0%\s+0\.0%/);
    const metrics = await a.cli(['monitor', 'metrics', '--format', 'csv']);
    const rows = parseCsv(metrics.stdout).map((x) => x.fields);
    expect(rows[0]).toEqual(['metric', 'last24h', 'allTime']);
    expect(rows.find((x) => x[0] === 'articles')).toEqual(['articles', '2', '2']);
    const recent = json(await a.cli(['monitor', 'recent', '--limit', '5', '--format', 'json']));
    expect(recent.tasks).toHaveLength(1);
    const pending = await a.cli(['monitor', 'pending']);
    expect(pending.code, show(pending)).toBe(0);
    expect(pending.stdout).toContain('No pending or running tasks.');
  });
});

describe('maintenance commands', () => {
  it('task cleanup: --dry-run reports, without it deletes and prints what it deleted', async () => {
    const a = await account(['clean a', 'clean b']);
    const r = await a.cli(['task', 'create', '-n', '2', '--watch', '--format', 'json']);
    expect(r.code, show(r)).toBe(0);
    const { taskId } = json(r);
    await new Promise((resolve) => setTimeout(resolve, 1_500));

    const none = json(await a.cli(['task', 'cleanup', '--older-than', '30d', '--format', 'json']));
    expect(none).toMatchObject({ dryRun: false, tasks: 0, taskIds: [] });

    const dry = await a.cli(['task', 'cleanup', '--older-than', '1', '--dry-run']);
    expect(dry.code, show(dry)).toBe(0);
    expect(dry.stdout).toContain('Dry run: would delete');
    expect(dry.stdout).toMatch(/tasks:\s+1/);
    expect(dry.stdout).toMatch(new RegExp(`taskIds:\\s+${taskId}`));
    expect((await a.cli(['task', 'status', String(taskId)])).code).toBe(0);

    const done = await a.cli(['task', 'cleanup', '--older-than', '1s', '--with-articles', '--format', 'json']);
    expect(done.code, show(done)).toBe(0);
    expect(json(done)).toMatchObject({ dryRun: false, tasks: 1, items: 2, articles: 2, taskIds: [taskId] });
    const gone = await a.cli(['task', 'status', String(taskId)]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('NOT_FOUND');

    const bad = await a.cli(['task', 'cleanup', '--older-than', 'soon']);
    expect(bad.code).toBe(2);
  });

  it('usage verify exits 1 on discrepancies; repair --dry-run previews, repair fixes', async () => {
    const a = await account(['usage a', 'usage b']);
    const clean = await a.cli(['usage', 'verify']);
    expect(clean.code, show(clean)).toBe(0);
    expect(clean.stdout).toContain('No discrepancies');

    const [row] = await database.sql<{ id: number }[]>`
      UPDATE distillations SET usage_count = 5 WHERE account_id = ${a.accountId} AND keyword = 'usage a' RETURNING id`;
    const found = await a.cli(['usage', 'verify', '--format', 'json']);
    expect(found.code, show(found)).toBe(1);
    expect(found.stderr).toContain('1 discrepancy found');
    const report = json(found);
    expect(report.totals.discrepancies).toBe(1);
    expect(report.discrepancies[0]).toMatchObject({ kind: 'usage_count_mismatch', expected: 0, actual: 5 });

    const preview = await a.cli(['usage', 'repair', '--dry-run']);
    expect(preview.code, show(preview)).toBe(0);
    expect(preview.stdout).toContain('Changes a repair would make (dry run)');
    expect(preview.stdout).toContain('set_usage_count');
    const [still] = await database.sql<{ usage_count: number }[]>`SELECT usage_count FROM distillations WHERE id = ${row!.id}`;
    expect(still!.usage_count).toBe(5);

    const repaired = await a.cli(['usage', 'repair', '--format', 'json']);
    expect(repaired.code, show(repaired)).toBe(0);
    expect(json(repaired)).toMatchObject({ dryRun: false, changes: [{ kind: 'set_usage_count' }] });
    const [fixed] = await database.sql<{ usage_count: number }[]>`SELECT usage_count FROM distillations WHERE id = ${row!.id}`;
    expect(fixed!.usage_count).toBe(0);
    expect((await a.cli(['usage', 'verify'])).code).toBe(0);

    const reports = json(await a.cli(['usage', 'reports', '--format', 'json']));
    expect(reports.reports.map((x: any) => x.kind)).toEqual(['verify', 'repair', 'repair', 'verify', 'verify']);
  });

  it('schedule create/list/show/pause/resume/trigger/delete', async () => {
    const a = await account(['sched a', 'sched b']);
    const both = await a.cli(['schedule', 'create', '--name', 'x', '--cron', '0 9 * * *', '--every', '3600', '--count', '1']);
    expect(both.code, show(both)).toBe(2);
    const neither = await a.cli(['schedule', 'create', '--name', 'x', '--count', '1']);
    expect(neither.code, show(neither)).toBe(2);

    const created = await a.cli(['schedule', 'create', '--name', 'hourly', '--every', '1h', '--paused', '--count', '1', '--priority', '3', '--format', 'json']);
    expect(created.code, show(created)).toBe(0);
    const s = json(created);
    temporalScheduleIds.add(s.temporalScheduleId);
    expect(s).toMatchObject({ name: 'hourly', paused: true, spec: { intervalSeconds: 3600 }, template: { articleCount: 1, priority: 3 } });

    const cron = json(await a.cli(['schedule', 'create', '--name', 'daily', '--cron', '0 9 * * *', '--timezone', 'Asia/Shanghai', '--count', '1', '--format', 'json']));
    temporalScheduleIds.add(cron.temporalScheduleId);

    const list = await a.cli(['schedule', 'list']);
    expect(list.code, show(list)).toBe(0);
    expect(list.stdout).toMatch(/hourly\s+every 1h 00m\s+true/);
    expect(list.stdout).toMatch(/daily\s+cron "0 9 \* \* \*" \(Asia\/Shanghai\)\s+false/);

    const resumed = await a.cli(['schedule', 'resume', String(s.id), '--format', 'json']);
    expect(json(resumed)).toEqual({ id: s.id, paused: false });
    const shown = json(await a.cli(['schedule', 'show', String(s.id), '--format', 'json']));
    expect(shown.paused).toBe(false);
    expect(shown.nextRunTimes.length).toBeGreaterThan(0);
    expect(json(await a.cli(['schedule', 'pause', String(s.id), '--format', 'json']))).toEqual({ id: s.id, paused: true });

    const trigger = await a.cli(['schedule', 'trigger', String(s.id)]);
    expect(trigger.code, show(trigger)).toBe(0);
    expect(trigger.stdout).toMatch(/status:\s+triggered/);
    const run = await waitFor('the triggered run', async () => {
      const d = await api.call('GET', `/api/schedules/${s.id}`, a.apiKey);
      return d.body.recentRuns?.[0];
    });
    expect(run).toMatchObject({ outcome: 'created' });
    const table = await a.cli(['schedule', 'show', String(s.id)]);
    expect(table.stdout).toContain('Recent runs');
    expect(table.stdout).toMatch(new RegExp(`created\\s+${run.taskId}`));

    const deleted = await a.cli(['schedule', 'delete', String(s.id)]);
    expect(deleted.code, show(deleted)).toBe(0);
    const after = await a.cli(['schedule', 'show', String(s.id)]);
    expect(after.code).toBe(1);
    expect(after.stderr).toContain('NOT_FOUND');
    expect((await a.cli(['schedule', 'delete', String(cron.id)])).code).toBe(0);
  });
});

/** An HTTP proxy that cuts the first event stream right after its first article.saved. */
async function startDroppingProxy(target: string) {
  const eventRequests: (string | undefined)[] = [];
  const server = http.createServer((req, res) => {
    const isEvents = /\/events(\?|$)/.test(req.url ?? '');
    const n = isEvents ? eventRequests.push(req.headers['last-event-id'] as string | undefined) : 0;
    const upstream = http.request(`${target}${req.url}`, { method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      if (n !== 1) {
        up.pipe(res);
        return;
      }
      let seen = '';
      up.on('data', (chunk: Buffer) => {
        seen += chunk.toString('utf8');
        const cut = seen.includes('event: article.saved');
        res.write(chunk, () => {
          if (cut) {
            up.destroy();
            res.socket?.destroy();
          }
        });
      });
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    eventRequests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
