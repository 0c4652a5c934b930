-- Hand-written (drizzle-kit does not generate functions): the text the search vector is built from.
-- PostgreSQL's parser keeps a run of Chinese/Japanese/Korean characters as one word, so a search for a
-- word inside it would never match. CJK punctuation becomes a space; each CJK run is replaced by its
-- overlapping bigrams plus its last character alone (内容营销 -> 内容 容营 营销 销), which the query side
-- (src/domain/articles/search-query.ts) matches as a phrase of bigrams, or a prefix for one character.
CREATE FUNCTION artgen_search_text(title text, content text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
  WITH src AS (
    SELECT regexp_replace(coalesce(title, '') || ' ' || coalesce(content, ''),
                          '[\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]', ' ', 'g') AS s
  )
  SELECT regexp_replace(s, '[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]+', ' ', 'g') || ' ' ||
         coalesce((
           SELECT string_agg(
                    coalesce((SELECT string_agg(substr(m[1], i, 2), ' ' ORDER BY i) || ' '
                              FROM generate_series(1, length(m[1]) - 1) i), '') || right(m[1], 1),
                    ' ')
           FROM regexp_matches(s, '([\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]+)', 'g') m
         ), '')
  FROM src
$fn$;
--> statement-breakpoint
CREATE TABLE "article_revisions" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "article_revisions_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"article_id" integer NOT NULL,
	"account_id" integer NOT NULL,
	"api_key_id" integer,
	"key_prefix" text,
	"previous_title" text NOT NULL,
	"previous_content" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "articles" DROP CONSTRAINT "articles_review_status_valid";--> statement-breakpoint
DROP INDEX "task_events_notifications_idx";--> statement-breakpoint
ALTER TABLE "articles" ADD COLUMN "reject_reason" text;--> statement-breakpoint
ALTER TABLE "articles" ADD COLUMN "reviewed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "articles" ADD COLUMN "updated_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "articles" ADD COLUMN "deleted_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "articles" ADD COLUMN "search_vector" "tsvector" GENERATED ALWAYS AS (to_tsvector('english'::regconfig, artgen_search_text(title, content))) STORED NOT NULL;--> statement-breakpoint
ALTER TABLE "article_revisions" ADD CONSTRAINT "article_revisions_article_id_articles_id_fk" FOREIGN KEY ("article_id") REFERENCES "public"."articles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "article_revisions" ADD CONSTRAINT "article_revisions_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "article_revisions_article_idx" ON "article_revisions" USING btree ("article_id","id");--> statement-breakpoint
CREATE INDEX "articles_account_live_idx" ON "articles" USING btree ("account_id","id") WHERE "articles"."deleted_at" IS NULL;--> statement-breakpoint
CREATE INDEX "articles_account_review_idx" ON "articles" USING btree ("account_id","review_status","id") WHERE "articles"."deleted_at" IS NULL;--> statement-breakpoint
CREATE INDEX "articles_search_idx" ON "articles" USING gin ("search_vector");--> statement-breakpoint
CREATE INDEX "task_events_notifications_idx" ON "task_events" USING btree ("account_id","id") WHERE "task_events"."type" IN ('task.started', 'task.progress', 'review.needed', 'task.completed', 'task.failed', 'task.canceled', 'task.timeout');--> statement-breakpoint
ALTER TABLE "articles" ADD CONSTRAINT "articles_reject_reason" CHECK (("articles"."review_status" = 'rejected') = ("articles"."reject_reason" IS NOT NULL));--> statement-breakpoint
ALTER TABLE "articles" ADD CONSTRAINT "articles_review_status_valid" CHECK ("articles"."review_status" IN ('pending_review','approved','rejected'));