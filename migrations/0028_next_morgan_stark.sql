CREATE TABLE "llm_model_health" (
	"model_id" text PRIMARY KEY NOT NULL,
	"state" text DEFAULT 'closed' NOT NULL,
	"failures" integer DEFAULT 0 NOT NULL,
	"open_until" timestamp with time zone,
	"trial_until" timestamp with time zone,
	"retry_after_until" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "llm_model_health_state_check" CHECK ("llm_model_health"."state" in ('closed', 'open', 'half_open'))
);
--> statement-breakpoint
CREATE TABLE "llm_model_requests" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "llm_model_requests_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"model_id" text NOT NULL,
	"sent_at" timestamp with time zone DEFAULT now() NOT NULL,
	"lease_expires_at" timestamp with time zone NOT NULL,
	"released_at" timestamp with time zone,
	"tokens" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE INDEX "llm_model_requests_model_time_idx" ON "llm_model_requests" USING btree ("model_id","sent_at");