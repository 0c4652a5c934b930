/** Versioned prompt templates: an account's own, and the built-in presets every account sees (account_id null). */
import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { accounts } from './accounts.js';
import { createdAt, tsz, updatedAt } from './columns.js';

export const promptTemplates = pgTable(
  'prompt_templates',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    /** null: a built-in preset (src/llm/template-presets.ts), read by every account, never changed through the API. */
    accountId: integer('account_id').references(() => accounts.id, { onDelete: 'cascade' }),
    /** The preset's stable key, e.g. `faq-en`; null for an account's own template. */
    presetKey: text('preset_key'),
    name: text('name').notNull(),
    /** The latest revision (prompt_template_revisions.revision). */
    revision: integer('revision').notNull().default(1),
    /** The route of the tasks using it that name none (llm_models ids); null: the account's default model. */
    modelRoute: text('model_route').array(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    deletedAt: tsz('deleted_at'),
  },
  (t) => [
    uniqueIndex('prompt_templates_preset_key_uq').on(t.presetKey),
    index('prompt_templates_account_idx').on(t.accountId, t.id),
    check('prompt_templates_preset_xor_account', sql`(${t.accountId} IS NULL) = (${t.presetKey} IS NOT NULL)`),
  ],
);

/** Every saved text of a template: an edit adds a revision, so an article names the exact text it was written with. */
export const promptTemplateRevisions = pgTable(
  'prompt_template_revisions',
  {
    templateId: integer('template_id')
      .notNull()
      .references(() => promptTemplates.id, { onDelete: 'cascade' }),
    revision: integer('revision').notNull(),
    system: text('system').notNull().default(''),
    user: text('user').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.templateId, t.revision] })],
);
