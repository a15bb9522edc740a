CREATE TABLE "batch_inputs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"batch_id" uuid NOT NULL,
	"row_index" integer NOT NULL,
	"input_id" text NOT NULL,
	"site_url" text NOT NULL,
	"goal" text,
	"data" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "batches" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"name" text NOT NULL,
	"source_file_name" text,
	"columns" jsonb NOT NULL,
	"url_column" text NOT NULL,
	"goal_column" text,
	"id_column" text,
	"agent" jsonb NOT NULL,
	"row_count" integer DEFAULT 0 NOT NULL,
	"invalid_rows" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "execution_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"execution_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"type" text NOT NULL,
	"data" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "executions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"batch_id" uuid NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"mode" text NOT NULL,
	"sample_size" integer,
	"concurrency" integer DEFAULT 5 NOT NULL,
	"total_jobs" integer DEFAULT 0 NOT NULL,
	"running_count" integer DEFAULT 0 NOT NULL,
	"queued_count" integer DEFAULT 0 NOT NULL,
	"completed_count" integer DEFAULT 0 NOT NULL,
	"failed_count" integer DEFAULT 0 NOT NULL,
	"cancelled_count" integer DEFAULT 0 NOT NULL,
	"total_duration_ms" bigint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"paused_at" timestamp with time zone,
	"resumed_at" timestamp with time zone,
	"stopped_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"stop_reason" text,
	"estimated_duration_ms" integer,
	"estimated_cost" double precision,
	"last_activity_at" timestamp with time zone,
	"last_event_seq" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "job_screenshots" (
	"job_id" uuid PRIMARY KEY NOT NULL,
	"taken_at" timestamp with time zone DEFAULT now() NOT NULL,
	"jpeg" "bytea" NOT NULL
);
--> statement-breakpoint
CREATE TABLE "job_steps" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"job_id" uuid NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"step" text NOT NULL,
	"url" text,
	"percent" smallint
);
--> statement-breakpoint
CREATE TABLE "jobs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"execution_id" uuid NOT NULL,
	"batch_input_id" uuid NOT NULL,
	"row_index" integer NOT NULL,
	"input_id" text NOT NULL,
	"site_url" text NOT NULL,
	"goal" text,
	"status" text DEFAULT 'queued' NOT NULL,
	"current_step" text,
	"current_url" text,
	"progress_percentage" smallint DEFAULT 0 NOT NULL,
	"started_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"execution_duration_ms" integer,
	"retry_count" integer DEFAULT 0 NOT NULL,
	"retry_reason" text,
	"error_message" text,
	"extracted_data" jsonb,
	"final_url" text,
	"http_status" smallint,
	"worker_id" text,
	"lease_expires_at" timestamp with time zone,
	"run_after" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "projects" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "batch_inputs" ADD CONSTRAINT "batch_inputs_batch_id_batches_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."batches"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "batches" ADD CONSTRAINT "batches_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "execution_events" ADD CONSTRAINT "execution_events_execution_id_executions_id_fk" FOREIGN KEY ("execution_id") REFERENCES "public"."executions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "executions" ADD CONSTRAINT "executions_batch_id_batches_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."batches"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "job_screenshots" ADD CONSTRAINT "job_screenshots_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "job_steps" ADD CONSTRAINT "job_steps_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_execution_id_executions_id_fk" FOREIGN KEY ("execution_id") REFERENCES "public"."executions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_batch_input_id_batch_inputs_id_fk" FOREIGN KEY ("batch_input_id") REFERENCES "public"."batch_inputs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "batch_inputs_batch_row_idx" ON "batch_inputs" USING btree ("batch_id","row_index");--> statement-breakpoint
CREATE INDEX "batches_project_idx" ON "batches" USING btree ("project_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "execution_events_execution_seq_idx" ON "execution_events" USING btree ("execution_id","seq");--> statement-breakpoint
CREATE INDEX "executions_batch_idx" ON "executions" USING btree ("batch_id","created_at");--> statement-breakpoint
CREATE INDEX "executions_active_idx" ON "executions" USING btree ("status") WHERE status in ('running', 'paused', 'stopping');--> statement-breakpoint
CREATE INDEX "job_steps_job_idx" ON "job_steps" USING btree ("job_id","id");--> statement-breakpoint
CREATE INDEX "jobs_execution_status_row_idx" ON "jobs" USING btree ("execution_id","status","row_index");--> statement-breakpoint
CREATE INDEX "jobs_running_idx" ON "jobs" USING btree ("execution_id") WHERE status = 'running';--> statement-breakpoint
CREATE INDEX "jobs_lease_idx" ON "jobs" USING btree ("lease_expires_at") WHERE status = 'running';--> statement-breakpoint
CREATE INDEX "jobs_execution_finished_idx" ON "jobs" USING btree ("execution_id","completed_at");