DROP INDEX "task_events_notifications_idx";--> statement-breakpoint
DROP INDEX "task_events_unread_idx";--> statement-breakpoint
ALTER TABLE "task_events" ALTER COLUMN "task_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "task_events" ADD COLUMN "run_id" integer;--> statement-breakpoint
ALTER TABLE "task_events" ADD CONSTRAINT "task_events_run_id_distillation_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."distillation_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "task_events_run_idx" ON "task_events" USING btree ("run_id") WHERE "task_events"."run_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "task_events_notifications_idx" ON "task_events" USING btree ("account_id","id") WHERE "task_events"."type" IN ('task.started', 'task.progress', 'review.needed', 'task.completed', 'task.failed', 'task.canceled', 'task.timeout', 'distillation.finished');--> statement-breakpoint
CREATE INDEX "task_events_unread_idx" ON "task_events" USING btree ("account_id") WHERE "task_events"."read_at" IS NULL AND "task_events"."type" IN ('task.started', 'task.progress', 'review.needed', 'task.completed', 'task.failed', 'task.canceled', 'task.timeout', 'distillation.finished');--> statement-breakpoint
ALTER TABLE "task_events" ADD CONSTRAINT "task_events_task_or_run" CHECK (("task_events"."task_id" IS NULL) <> ("task_events"."run_id" IS NULL));