ALTER TABLE "executions" ADD COLUMN "cost_usd" double precision DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "executions" ADD COLUMN "input_tokens" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "executions" ADD COLUMN "output_tokens" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "executions" ADD COLUMN "max_cost" double precision;--> statement-breakpoint
ALTER TABLE "executions" ADD COLUMN "pause_reason" text;--> statement-breakpoint
ALTER TABLE "jobs" ADD COLUMN "usage" jsonb;--> statement-breakpoint
ALTER TABLE "jobs" ADD COLUMN "transcript" jsonb;