CREATE TABLE "distillation_run_events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "distillation_run_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"account_id" integer NOT NULL,
	"run_id" integer NOT NULL,
	"type" text NOT NULL,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT clock_timestamp() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "distillation_run_keywords" (
	"run_id" integer NOT NULL,
	"position" integer NOT NULL,
	"keyword" text NOT NULL,
	"state" text DEFAULT 'pending' NOT NULL,
	"error" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"distillation_id" integer,
	"duplicate_count" integer DEFAULT 0 NOT NULL,
	"prompt_tokens" integer DEFAULT 0 NOT NULL,
	"completion_tokens" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "distillation_run_keywords_run_id_position_pk" PRIMARY KEY("run_id","position"),
	CONSTRAINT "distillation_run_keywords_state_valid" CHECK ("distillation_run_keywords"."state" IN ('pending', 'running', 'done', 'failed', 'canceled'))
);
--> statement-breakpoint
CREATE TABLE "distillation_run_questions" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "distillation_run_questions_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"run_id" integer NOT NULL,
	"position" integer NOT NULL,
	"question" text NOT NULL,
	"state" text NOT NULL,
	CONSTRAINT "distillation_run_questions_state_valid" CHECK ("distillation_run_questions"."state" IN ('added', 'pending_review', 'accepted', 'rejected'))
);
--> statement-breakpoint
CREATE TABLE "distillation_runs" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "distillation_runs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"account_id" integer NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"questions_per_keyword" smallint NOT NULL,
	"language" text,
	"review" boolean DEFAULT false NOT NULL,
	"keyword_count" integer NOT NULL,
	"done_count" integer DEFAULT 0 NOT NULL,
	"failed_count" integer DEFAULT 0 NOT NULL,
	"canceled_count" integer DEFAULT 0 NOT NULL,
	"error_message" text,
	"workflow_id" text,
	"provider" text,
	"model" text,
	"prompt_tokens" bigint DEFAULT 0 NOT NULL,
	"completion_tokens" bigint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	CONSTRAINT "distillation_runs_status_valid" CHECK ("distillation_runs"."status" IN ('pending', 'running', 'completed', 'failed', 'canceled'))
);
--> statement-breakpoint
ALTER TABLE "distillation_run_events" ADD CONSTRAINT "distillation_run_events_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "distillation_run_events" ADD CONSTRAINT "distillation_run_events_run_id_distillation_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."distillation_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "distillation_run_keywords" ADD CONSTRAINT "distillation_run_keywords_run_id_distillation_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."distillation_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "distillation_run_keywords" ADD CONSTRAINT "distillation_run_keywords_distillation_id_distillations_id_fk" FOREIGN KEY ("distillation_id") REFERENCES "public"."distillations"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "distillation_run_questions" ADD CONSTRAINT "distillation_run_questions_run_id_distillation_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."distillation_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "distillation_runs" ADD CONSTRAINT "distillation_runs_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "distillation_run_events_run_idx" ON "distillation_run_events" USING btree ("run_id","id");--> statement-breakpoint
CREATE INDEX "distillation_run_questions_run_idx" ON "distillation_run_questions" USING btree ("run_id","position","id");--> statement-breakpoint
CREATE INDEX "distillation_runs_account_created_idx" ON "distillation_runs" USING btree ("account_id","created_at");