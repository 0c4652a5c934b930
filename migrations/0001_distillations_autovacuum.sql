-- usage_count and reserved_count change on every saved article and every reservation: the rows
-- churn, so vacuum and analyze them far more often than the defaults would.
ALTER TABLE "distillations" SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.01, autovacuum_vacuum_cost_delay = 0, fillfactor = 80);--> statement-breakpoint
ALTER TABLE "task_items" SET (autovacuum_vacuum_scale_factor = 0.05, autovacuum_analyze_scale_factor = 0.02, fillfactor = 85);
