CREATE TABLE "prompt_template_revisions" (
	"template_id" integer NOT NULL,
	"revision" integer NOT NULL,
	"system" text DEFAULT '' NOT NULL,
	"user" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "prompt_template_revisions_template_id_revision_pk" PRIMARY KEY("template_id","revision")
);
--> statement-breakpoint
CREATE TABLE "prompt_templates" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "prompt_templates_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"account_id" integer,
	"preset_key" text,
	"name" text NOT NULL,
	"revision" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "prompt_templates_preset_xor_account" CHECK (("prompt_templates"."account_id" IS NULL) = ("prompt_templates"."preset_key" IS NOT NULL))
);
--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "default_template_id" integer;--> statement-breakpoint
ALTER TABLE "articles" ADD COLUMN "template_id" integer;--> statement-breakpoint
ALTER TABLE "articles" ADD COLUMN "template_revision" integer;--> statement-breakpoint
ALTER TABLE "generation_tasks" ADD COLUMN "template_id" integer;--> statement-breakpoint
ALTER TABLE "generation_tasks" ADD COLUMN "template_revision" integer;--> statement-breakpoint
ALTER TABLE "prompt_template_revisions" ADD CONSTRAINT "prompt_template_revisions_template_id_prompt_templates_id_fk" FOREIGN KEY ("template_id") REFERENCES "public"."prompt_templates"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "prompt_templates" ADD CONSTRAINT "prompt_templates_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "prompt_templates_preset_key_uq" ON "prompt_templates" USING btree ("preset_key");--> statement-breakpoint
CREATE INDEX "prompt_templates_account_idx" ON "prompt_templates" USING btree ("account_id","id");