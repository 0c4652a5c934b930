CREATE TABLE "llm_attempts" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "llm_attempts_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"account_id" integer NOT NULL,
	"task_id" integer,
	"position" integer,
	"run_id" integer,
	"attempt" integer DEFAULT 1 NOT NULL,
	"model_id" text NOT NULL,
	"outcome" text NOT NULL,
	"error_kind" text,
	"error_status" integer,
	"prompt_tokens" integer DEFAULT 0 NOT NULL,
	"completion_tokens" integer DEFAULT 0 NOT NULL,
	"cost_pico" bigint DEFAULT 0 NOT NULL,
	"currency" text DEFAULT 'USD' NOT NULL,
	"duration_ms" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "llm_attempts_outcome_check" CHECK ("llm_attempts"."outcome" in ('ok', 'refused', 'failed')),
	CONSTRAINT "llm_attempts_cost_check" CHECK ("llm_attempts"."cost_pico" >= 0)
);
--> statement-breakpoint
ALTER TABLE "llm_attempts" ADD CONSTRAINT "llm_attempts_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "llm_attempts_task_idx" ON "llm_attempts" USING btree ("task_id","position");--> statement-breakpoint
CREATE INDEX "llm_attempts_account_time_idx" ON "llm_attempts" USING btree ("account_id","created_at");