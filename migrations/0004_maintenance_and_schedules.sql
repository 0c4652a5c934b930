CREATE TABLE "generation_schedules" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "generation_schedules_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"account_id" integer NOT NULL,
	"temporal_schedule_id" text NOT NULL,
	"name" text NOT NULL,
	"spec" jsonb NOT NULL,
	"template" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "schedule_runs" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "schedule_runs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"schedule_id" integer NOT NULL,
	"account_id" integer NOT NULL,
	"run_workflow_id" text NOT NULL,
	"outcome" text NOT NULL,
	"task_id" integer,
	"error" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "schedule_runs_outcome_valid" CHECK ("schedule_runs"."outcome" IN ('created','failed'))
);
--> statement-breakpoint
CREATE TABLE "usage_reports" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "usage_reports_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"account_id" integer,
	"kind" text NOT NULL,
	"dry_run" boolean DEFAULT false NOT NULL,
	"source" text NOT NULL,
	"totals" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"discrepancies" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"changes" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "usage_reports_kind_valid" CHECK ("usage_reports"."kind" IN ('verify','repair'))
);
--> statement-breakpoint
ALTER TABLE "generation_schedules" ADD CONSTRAINT "generation_schedules_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "schedule_runs" ADD CONSTRAINT "schedule_runs_schedule_id_generation_schedules_id_fk" FOREIGN KEY ("schedule_id") REFERENCES "public"."generation_schedules"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "usage_reports" ADD CONSTRAINT "usage_reports_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "generation_schedules_temporal_id_uq" ON "generation_schedules" USING btree ("temporal_schedule_id");--> statement-breakpoint
CREATE INDEX "generation_schedules_account_idx" ON "generation_schedules" USING btree ("account_id");--> statement-breakpoint
CREATE UNIQUE INDEX "schedule_runs_run_workflow_uq" ON "schedule_runs" USING btree ("run_workflow_id");--> statement-breakpoint
CREATE INDEX "schedule_runs_schedule_idx" ON "schedule_runs" USING btree ("schedule_id","created_at");--> statement-breakpoint
CREATE INDEX "usage_reports_account_created_idx" ON "usage_reports" USING btree ("account_id","created_at");