/** Distillations, their topics and the usage rows that count them (invariant 1). */
import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { accounts } from './accounts.js';
import { createdAt, tsz, updatedAt } from './columns.js';

export const distillations = pgTable(
  'distillations',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    accountId: integer('account_id').notNull().references(() => accounts.id, { onDelete: 'cascade' }),
    keyword: text('keyword').notNull(),
    usageCount: integer('usage_count').notNull().default(0),
    reservedCount: integer('reserved_count').notNull().default(0),
    topicCount: integer('topic_count').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    deletedAt: tsz('deleted_at'),
  },
  (t) => [
    check('distillations_usage_count_nonneg', sql`${t.usageCount} >= 0`),
    check('distillations_reserved_count_nonneg', sql`${t.reservedCount} >= 0`),
    check('distillations_topic_count_nonneg', sql`${t.topicCount} >= 0`),
    // The selection order of DESIGN.md section 4: effective usage, then age, then id.
    index('distillations_selection_idx')
      .on(t.accountId, sql`(${t.usageCount} + ${t.reservedCount})`, t.createdAt, t.id)
      .where(sql`${t.deletedAt} IS NULL AND ${t.topicCount} > 0`),
    index('distillations_account_created_idx').on(t.accountId, t.createdAt),
  ],
);

export const topics = pgTable(
  'topics',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    distillationId: integer('distillation_id').notNull().references(() => distillations.id, { onDelete: 'cascade' }),
    question: text('question').notNull(),
    position: integer('position').notNull(),
  },
  (t) => [uniqueIndex('topics_distillation_position_uq').on(t.distillationId, t.position)],
);

export const distillationUsage = pgTable(
  'distillation_usage',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    distillationId: integer('distillation_id').notNull().references(() => distillations.id, { onDelete: 'cascade' }),
    taskId: integer('task_id').notNull(),
    position: integer('position').notNull(),
    articleId: integer('article_id').notNull(),
    usedAt: tsz('used_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('distillation_usage_task_position_uq').on(t.taskId, t.position),
    index('distillation_usage_distillation_idx').on(t.distillationId),
  ],
);
