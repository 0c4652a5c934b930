/** Article ingredients a task may reference: settings, knowledge bases, albums, conversion targets. */
import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, text } from 'drizzle-orm/pg-core';
import { accounts } from './accounts.js';
import { createdAt, tsz } from './columns.js';

export const articleSettings = pgTable('article_settings', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  accountId: integer('account_id').notNull().references(() => accounts.id, { onDelete: 'cascade' }),
  name: text('name').notNull(),
  prompt: text('prompt').notNull(),
  createdAt: createdAt(),
  deletedAt: tsz('deleted_at'),
});

export const knowledgeBases = pgTable('knowledge_bases', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  accountId: integer('account_id').notNull().references(() => accounts.id, { onDelete: 'cascade' }),
  name: text('name').notNull(),
  createdAt: createdAt(),
  deletedAt: tsz('deleted_at'),
});

export const knowledgeDocuments = pgTable('knowledge_documents', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  knowledgeBaseId: integer('knowledge_base_id').notNull().references(() => knowledgeBases.id, { onDelete: 'cascade' }),
  title: text('title').notNull(),
  /** The document's text as extracted (a file's) or as posted (JSON). */
  content: text('content').notNull(),
  /** What the content was read from: text/markdown, text/plain, text/html, application/pdf, or the DOCX type. */
  mediaType: text('media_type').notNull().default('text/plain'),
  /** Size of what was uploaded (the file, or the posted content in UTF-8). */
  bytes: integer('bytes').notNull().default(0),
  createdAt: createdAt(),
});

export const albums = pgTable('albums', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  accountId: integer('account_id').notNull().references(() => accounts.id, { onDelete: 'cascade' }),
  name: text('name').notNull(),
  createdAt: createdAt(),
  deletedAt: tsz('deleted_at'),
});

export const albumImages = pgTable(
  'album_images',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    albumId: integer('album_id').notNull().references(() => albums.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    description: text('description'),
    usageCount: integer('usage_count').notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [
    check('album_images_usage_count_nonneg', sql`${t.usageCount} >= 0`),
    index('album_images_least_used_idx').on(t.albumId, t.usageCount, t.id),
  ],
);

export const conversionTargets = pgTable('conversion_targets', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  accountId: integer('account_id').notNull().references(() => accounts.id, { onDelete: 'cascade' }),
  companyName: text('company_name').notNull(),
  industry: text('industry'),
  website: text('website'),
  address: text('address'),
  createdAt: createdAt(),
  deletedAt: tsz('deleted_at'),
});
