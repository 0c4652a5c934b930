CREATE TABLE "account_budgets" (
	"account_id" integer PRIMARY KEY NOT NULL,
	"daily_limit_pico" bigint,
	"monthly_limit_pico" bigint,
	"currency" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "account_budgets_limits_check" CHECK ("account_budgets"."daily_limit_pico" >= 0 AND "account_budgets"."monthly_limit_pico" >= 0)
);
--> statement-breakpoint
ALTER TABLE "generation_tasks" DROP CONSTRAINT "generation_tasks_status_valid";--> statement-breakpoint
DROP INDEX "task_events_notifications_idx";--> statement-breakpoint
DROP INDEX "task_events_unread_idx";--> statement-breakpoint
DROP INDEX "generation_tasks_unfinished_idx";--> statement-breakpoint
ALTER TABLE "generation_tasks" ADD COLUMN "pause_reason" text;--> statement-breakpoint
ALTER TABLE "account_budgets" ADD CONSTRAINT "account_budgets_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "task_events_notifications_idx" ON "task_events" USING btree ("account_id","id") WHERE "task_events"."type" IN ('task.started', 'task.progress', 'task.paused', 'review.needed', 'task.completed', 'task.failed', 'task.canceled', 'task.timeout', 'distillation.finished');--> statement-breakpoint
CREATE INDEX "task_events_unread_idx" ON "task_events" USING btree ("account_id") WHERE "task_events"."read_at" IS NULL AND "task_events"."type" IN ('task.started', 'task.progress', 'task.paused', 'review.needed', 'task.completed', 'task.failed', 'task.canceled', 'task.timeout', 'distillation.finished');--> statement-breakpoint
CREATE INDEX "generation_tasks_unfinished_idx" ON "generation_tasks" USING btree ("status") WHERE "generation_tasks"."status" IN ('pending', 'running', 'paused');--> statement-breakpoint
ALTER TABLE "generation_tasks" ADD CONSTRAINT "generation_tasks_status_valid" CHECK ("generation_tasks"."status" IN ('pending','running','paused','completed','failed','canceled','timeout'));