ALTER TABLE "articles" ADD COLUMN "attempts_duration_ms" integer;--> statement-breakpoint
ALTER TABLE "articles" ADD COLUMN "wall_duration_ms" integer;--> statement-breakpoint
ALTER TABLE "task_items" ADD COLUMN "first_attempt_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "task_items" ADD COLUMN "attempts_duration_ms" integer DEFAULT 0 NOT NULL;