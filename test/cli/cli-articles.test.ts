import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runArticleTask } from '../support/article-tasks.js';
import { cliFor, show } from '../support/cli.js';
import { newAccount } from '../support/db.js';
import { useTestStack } from '../support/stack.js';

/** `artgen articles ...` as a subprocess against the real API: review, edit through $EDITOR, export. */

const stack = useTestStack();
let key: string;
let cli: ReturnType<typeof cliFor>;
let ids: number[];
let taskId: number;
const dir = mkdtempSync(path.join(tmpdir(), 'artgen-cli-articles-'));

/** An "editor" that replaces the file with `text` (or leaves it alone when null), and keeps what it was shown. */
function scriptEditor(name: string, text: string | null) {
  const file = path.join(dir, name);
  const seen = path.join(dir, `${name}.seen`);
  const replace = text === null ? '' : `cat > "$1" <<'ARTGEN_EOF'\n${text}\nARTGEN_EOF\n`;
  writeFileSync(file, `#!/bin/sh\ncp "$1" "${seen}"\n${replace}`);
  chmodSync(file, 0o755);
  return { editor: file, seen: () => readFileSync(seen, 'utf8') };
}

const api = (method: string, p: string, body?: unknown) => stack.api.call(method, p, key, body);

beforeAll(async () => {
  ({ apiKey: key } = await newAccount(stack.database));
  cli = cliFor(stack.api.url, key);
  ({ taskId, articleIds: ids } = await runArticleTask(stack.api.url, key, ['cli one', 'cli two']));
});

describe('artgen articles', () => {
  it('list, show, approve, reject and reopen', async () => {
    const list = await cli(['articles', 'list', '--task', String(taskId), '--status', 'pending_review', '--format', 'json']);
    expect(list.code, show(list)).toBe(0);
    expect(JSON.parse(list.stdout).articles.map((a: any) => a.id)).toEqual(ids);
    const shown = await cli(['articles', 'show', String(ids[0])]);
    expect(shown.stdout).toContain('pending_review');
    expect((await cli(['articles', 'approve', String(ids[0])])).stdout).toContain('approved');
    const illegal = await cli(['articles', 'reject', String(ids[0]), '--reason', 'late']);
    expect(illegal.code, show(illegal)).toBe(1);
    expect(illegal.stderr).toContain('ILLEGAL_REVIEW_TRANSITION');
    expect((await cli(['articles', 'reopen', String(ids[0])])).code).toBe(0);
    const rejected = await cli(['articles', 'reject', String(ids[1]), '--reason', 'off topic', '--format', 'json']);
    expect(JSON.parse(rejected.stdout)).toMatchObject({ reviewStatus: 'rejected', rejectReason: 'off topic' });
  });

  it('edit opens $EDITOR on title and content and PATCHes the result; an unchanged file changes nothing', async () => {
    const id = ids[0]!;
    const before = (await api('GET', `/api/articles/${id}`)).body;
    const untouched = scriptEditor('keep.sh', null);
    const same = await cli(['articles', 'edit', String(id)], { env: { EDITOR: untouched.editor } });
    expect(same.code, show(same)).toBe(0);
    expect(same.stderr).toContain('unchanged');
    expect(untouched.seen()).toBe(`${before.title}\n\n${before.content}`);
    expect((await api('GET', `/api/articles/${id}/revisions`)).body.total).toBe(0);

    const edit = scriptEditor('edit.sh', 'A better title\n\n# Heading kept\n\nNew body.');
    const changed = await cli(['articles', 'edit', String(id)], { env: { EDITOR: edit.editor } });
    expect(changed.code, show(changed)).toBe(0);
    const after = (await api('GET', `/api/articles/${id}`)).body;
    expect([after.title, after.content]).toEqual(['A better title', '# Heading kept\n\nNew body.\n']);
    const revisions = (await api('GET', `/api/articles/${id}/revisions`)).body;
    expect(revisions.revisions.map((r: any) => [r.previousTitle, r.previousContent])).toEqual([[before.title, before.content]]);

    const blank = scriptEditor('blank.sh', '\n\nno title');
    const refused = await cli(['articles', 'edit', String(id)], { env: { EDITOR: blank.editor } });
    expect(refused.code, show(refused)).toBe(1);
    expect(refused.stderr).toContain('title');
  });

  it('export writes a file (zip) or stdout (JSON Lines)', async () => {
    const zip = path.join(dir, 'out.zip');
    const r = await cli(['articles', 'export', '--task', String(taskId), '--as', 'zip', '-o', zip]);
    expect(r.code, show(r)).toBe(0);
    expect(readFileSync(zip).subarray(0, 4).toString('hex')).toBe('504b0304');
    const json = await cli(['articles', 'export', '--task', String(taskId), '--as', 'json']);
    // ids[1] was rejected above: an export leaves it out unless --status asks for it.
    expect(json.stdout.trim().split('\n').map((l) => JSON.parse(l).id).sort()).toEqual(ids.filter((id) => id !== ids[1]).sort());
    const rejectedOnly = await cli(['articles', 'export', '--task', String(taskId), '--status', 'rejected', '--as', 'json']);
    expect(rejectedOnly.stdout.trim().split('\n').map((l) => JSON.parse(l).id)).toEqual([ids[1]]);
    const one = await cli(['articles', 'export', '--id', String(ids[0]), '--as', 'md']);
    expect(one.stdout).toMatch(/^---\nid: \d+\ntitle: "A better title"/);
  });
});
