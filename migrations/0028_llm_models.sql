CREATE TABLE "llm_models" (
	"id" text PRIMARY KEY NOT NULL,
	"display_name" text NOT NULL,
	"base_url" text,
	"model" text NOT NULL,
	"api_key_env" text,
	"api_key_sealed" text,
	"prompt_price_micros" bigint DEFAULT 0 NOT NULL,
	"completion_price_micros" bigint DEFAULT 0 NOT NULL,
	"currency" text DEFAULT 'USD' NOT NULL,
	"context_window" integer,
	"max_concurrency" integer,
	"requests_per_minute" integer,
	"tokens_per_minute" integer,
	"timeout_ms" integer NOT NULL,
	"streaming" boolean DEFAULT false NOT NULL,
	"source" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "llm_models_source_check" CHECK ("llm_models"."source" in ('config', 'admin')),
	CONSTRAINT "llm_models_prices_check" CHECK ("llm_models"."prompt_price_micros" >= 0 AND "llm_models"."completion_price_micros" >= 0),
	CONSTRAINT "llm_models_one_key_check" CHECK ("llm_models"."api_key_env" IS NULL OR "llm_models"."api_key_sealed" IS NULL)
);
--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "default_model_id" text;--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "allowed_model_ids" text[];--> statement-breakpoint
ALTER TABLE "generation_tasks" ADD COLUMN "model_route" text[];--> statement-breakpoint
ALTER TABLE "prompt_templates" ADD COLUMN "model_route" text[];