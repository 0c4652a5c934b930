ALTER TABLE "api_keys" DROP CONSTRAINT "api_keys_scope_valid";--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_scope_valid" CHECK ("api_keys"."scope" IN ('read','write','admin','operator'));--> statement-breakpoint
-- Admin keys were global; from now on operators are. The bootstrap account (the first one: the embedded
-- mode's and `npm run admin`'s first account) keeps its power: its admin keys become operator keys. Every
-- other account's admin keys stay admin, now an account admin.
UPDATE "api_keys" SET "scope" = 'operator' WHERE "scope" = 'admin' AND "account_id" = (SELECT min("id") FROM "accounts");
