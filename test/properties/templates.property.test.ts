import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/domain/errors.js';
import { createTemplate, getTemplate, listTemplateRevisions, reviseTemplate } from '../../src/domain/templates/index.js';
import { createTaskWithReservations } from '../../src/domain/tasks/selection.js';
import { newAccount, openTestDatabase, seedDistillations } from '../support/db.js';

/**
 * Template revisions on the real database, over random edit sequences (valid and invalid text, renames,
 * tasks created in between): a template's revisions are exactly 1..revision with the latest text its last
 * accepted edit, a refused edit adds none, and every task pins a revision that exists with the text the
 * template had when the task was created.
 */
const database = openTestDatabase(4);
afterAll(() => database.close());
const { db } = database;

const text = fc.constantFrom('About {{keyword}}', '{{topics}}\n{{knowledge}}', 'x {{ language }} y', 'plain', '{{nope}}', 'a {{keyword', 'b }}');
const edit = fc.oneof(
  fc.record({ kind: fc.constant('user' as const), user: text }),
  fc.record({ kind: fc.constant('system' as const), system: text }),
  fc.record({ kind: fc.constant('name' as const), name: fc.constantFrom('A', 'B', '模板') }),
  fc.record({ kind: fc.constant('task' as const) }),
);
const valid = (s: string) => !['{{nope}}', 'a {{keyword', 'b }}'].includes(s);

describe('template revisions (property, real database)', () => {
  it('stay contiguous, refuse invalid text without a trace, and tasks pin an existing revision', async () => {
    const { accountId } = await newAccount(database);
    await seedDistillations(database, accountId, Array.from({ length: 40 }, (_, i) => ({ keyword: `k${i}` })));
    await fc.assert(
      fc.asyncProperty(fc.array(edit, { maxLength: 6 }), async (edits) => {
        const created = await createTemplate(db, accountId, { name: 'T', user: '{{topics}}' });
        const expected = { system: '', user: '{{topics}}', revision: 1 };
        const pinned: { taskId: number; revision: number; user: string }[] = [];
        for (const e of edits) {
          if (e.kind === 'task') {
            const task = await createTaskWithReservations(db, accountId, { articleCount: 1, templateId: created.id });
            pinned.push({ taskId: task.id, revision: expected.revision, user: expected.user });
            // Only the pinning is under test: give the reservation back so the pool never runs dry.
            await database.sql`UPDATE distillations SET reserved_count = 0 WHERE account_id = ${accountId}`;
            continue;
          }
          const change = e.kind === 'user' ? { user: e.user } : e.kind === 'system' ? { system: e.system } : { name: e.name };
          const ok = e.kind === 'name' || valid(e.kind === 'user' ? e.user : e.system);
          const result = await reviseTemplate(db, accountId, created.id, change).then(() => 'saved', (err: unknown) => err);
          if (ok) {
            expect(result).toBe('saved');
            expected.revision += 1;
            if (e.kind === 'user') expected.user = e.user;
            if (e.kind === 'system') expected.system = e.system;
          } else {
            expect(result).toBeInstanceOf(AppError);
            expect((result as AppError).code).toBe('INVALID_TEMPLATE');
          }
        }
        const now = await getTemplate(db, accountId, created.id);
        expect({ system: now.system, user: now.user, revision: now.revision }).toEqual(expected);
        const revisions = await listTemplateRevisions(db, accountId, created.id);
        expect(revisions.items.map((r) => r.revision)).toEqual(Array.from({ length: expected.revision }, (_, i) => expected.revision - i));
        for (const p of pinned) {
          const [row] = await database.sql<{ template_revision: number; user: string }[]>`
            SELECT t.template_revision, r."user" FROM generation_tasks t
            JOIN prompt_template_revisions r ON r.template_id = t.template_id AND r.revision = t.template_revision
            WHERE t.id = ${p.taskId}`;
          expect(row).toEqual({ template_revision: p.revision, user: p.user });
        }
      }),
      { numRuns: 100 },
    );
  });
});
