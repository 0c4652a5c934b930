import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/shared/csv.js';
import { waitFor } from '../support/api-server.js';
import { runCli, show } from '../support/cli.js';
import { json, useCliStack } from '../support/cli-stack.js';

/** `artgen` end to end (test/support/cli-stack.ts): creating, watching, listing and canceling tasks. */
const stack = useCliStack();

describe('tasks', () => {
  it('task create, then task watch, exits 0 after printing progress', async () => {
    const a = await stack.account(['watch a', 'watch b', 'watch c']);
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
    const a = await stack.account(['fail one', 'fail two']);
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
    const a = await stack.account(['list a', 'list b', 'list c']);
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
    const a = await stack.account(['done kw', 'hang one', 'hang two']);
    const done = await a.cli(['task', 'create', '-n', '1', '--watch', '--format', 'json']);
    expect(done.code, show(done)).toBe(0);
    const doneId = json(done).taskId;
    const r = await a.cli(['task', 'cancel', String(doneId)]);
    expect(r.code, show(r)).toBe(1);
    expect(r.stderr).toContain(`Task ${doneId} is already completed; only pending or running tasks can be canceled.`);
    expect(r.stderr).toContain('TASK_ALREADY_FINISHED, HTTP 409');

    const created = json(await a.cli(['task', 'create', '-n', '2', '--format', 'json']));
    await waitFor('the task to run', async () => {
      const p = await stack.api.call('GET', `/api/article-generation/tasks/${created.taskId}`, a.apiKey);
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
    const a = await stack.account(['hang slow']);
    const r = await a.cli(['task', 'create', '-n', '1', '--timeout', '10', '--watch'], { timeoutMs: 60_000 });
    expect(r.code, show(r)).toBe(5);
    expect(r.stdout).toMatch(/Task \d+ timeout: 0 of 1 generated/);
  });

  it('task watch resumes with Last-Event-ID when the connection drops', async () => {
    const a = await stack.account(['drop a', 'drop b', 'drop c', 'drop d']);
    const proxy = await startDroppingProxy(stack.api.url);
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
    const a = await stack.account(['stats a', 'stats b']);
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
