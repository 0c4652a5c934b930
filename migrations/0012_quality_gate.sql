ALTER TABLE "accounts" ADD COLUMN "quality_settings" jsonb;--> statement-breakpoint
ALTER TABLE "articles" ADD COLUMN "quality_flags" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "articles" ADD COLUMN "quality_scores" jsonb;--> statement-breakpoint
ALTER TABLE "articles" ADD COLUMN "simhash_bands" integer[];--> statement-breakpoint
ALTER TABLE "generation_tasks" ADD COLUMN "flagged_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "articles_simhash_bands_idx" ON "articles" USING gin ("simhash_bands") WITH (fastupdate=false);