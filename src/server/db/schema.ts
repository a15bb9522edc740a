import { sql } from "drizzle-orm";
import {
  type AnyPgColumn,
  bigint,
  bigserial,
  boolean,
  customType,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import type { Actor, ProjectRole } from "@/lib/contract/auth";
import type { ExecutionMode, ExecutionStatus, JobStatus } from "@/lib/contract/resources";
import type { JobUsage, TranscriptStep } from "@/lib/contract/spend";

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });
const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => "bytea",
  fromDriver: (v) => (Buffer.isBuffer(v) ? v : Buffer.from(v)),
});

export const projects = pgTable("projects", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull(),
  createdAt: ts("created_at").notNull().defaultNow(),
  updatedAt: ts("updated_at").notNull().defaultNow(),
});

export const batches = pgTable(
  "batches",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    sourceFileName: text("source_file_name"),
    columns: jsonb("columns").$type<string[]>().notNull(),
    urlColumn: text("url_column").notNull(),
    goalColumn: text("goal_column"),
    idColumn: text("id_column"),
    agent: jsonb("agent").$type<Record<string, unknown>>().notNull(),
    rowCount: integer("row_count").notNull().default(0),
    invalidRows: jsonb("invalid_rows").$type<{ row: number; reason: string }[]>().notNull().default([]),
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  (t) => [index("batches_project_idx").on(t.projectId, t.createdAt)],
);

/**
 * Every version of a batch's agent config, 1 first. `batches.agent` is always the latest one's config; each
 * execution records the version it runs (`executions.config_version`), so an edit never changes a run under way.
 */
export const agentConfigs = pgTable(
  "agent_configs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    batchId: uuid("batch_id")
      .notNull()
      .references(() => batches.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    config: jsonb("config").$type<Record<string, unknown>>().notNull(),
    createdAt: ts("created_at").notNull().defaultNow(),
    /** Who saved it, when access control knew (null for the upload's first version in local mode). */
    createdBy: jsonb("created_by").$type<Actor>(),
  },
  (t) => [uniqueIndex("agent_configs_batch_version_idx").on(t.batchId, t.version)],
);

export const batchInputs = pgTable(
  "batch_inputs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    batchId: uuid("batch_id")
      .notNull()
      .references(() => batches.id, { onDelete: "cascade" }),
    rowIndex: integer("row_index").notNull(),
    inputId: text("input_id").notNull(),
    siteUrl: text("site_url").notNull(),
    goal: text("goal"),
    data: jsonb("data").$type<Record<string, string>>().notNull(),
  },
  (t) => [uniqueIndex("batch_inputs_batch_row_idx").on(t.batchId, t.rowIndex)],
);

export const executions = pgTable(
  "executions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    batchId: uuid("batch_id")
      .notNull()
      .references(() => batches.id, { onDelete: "cascade" }),
    // The statuses are text columns: the types say what they hold, the state machines what may be written.
    status: text("status").$type<ExecutionStatus>().notNull().default("pending"),
    mode: text("mode").$type<ExecutionMode>().notNull(),
    sampleSize: integer("sample_size"),
    concurrency: integer("concurrency").notNull().default(5),
    totalJobs: integer("total_jobs").notNull().default(0),
    runningCount: integer("running_count").notNull().default(0),
    queuedCount: integer("queued_count").notNull().default(0),
    completedCount: integer("completed_count").notNull().default(0),
    failedCount: integer("failed_count").notNull().default(0),
    cancelledCount: integer("cancelled_count").notNull().default(0),
    totalDurationMs: bigint("total_duration_ms", { mode: "number" }).notNull().default(0),
    createdAt: ts("created_at").notNull().defaultNow(),
    startedAt: ts("started_at"),
    pausedAt: ts("paused_at"),
    resumedAt: ts("resumed_at"),
    stoppedAt: ts("stopped_at"),
    completedAt: ts("completed_at"),
    stopReason: text("stop_reason"),
    estimatedDurationMs: integer("estimated_duration_ms"),
    estimatedCost: doublePrecision("estimated_cost"),
    lastActivityAt: ts("last_activity_at"),
    lastEventSeq: integer("last_event_seq").notNull().default(0),
    /** Model spend of its finished jobs, moved with the counters in the transaction that records each job. */
    costUsd: doublePrecision("cost_usd").notNull().default(0),
    inputTokens: bigint("input_tokens", { mode: "number" }).notNull().default(0),
    outputTokens: bigint("output_tokens", { mode: "number" }).notNull().default(0),
    maxCost: doublePrecision("max_cost"),
    pauseReason: text("pause_reason"),
    /** Who started, last paused and stopped it (an Actor), when access control knew. */
    startedBy: jsonb("started_by").$type<Actor>(),
    pausedBy: jsonb("paused_by").$type<Actor>(),
    stoppedBy: jsonb("stopped_by").$type<Actor>(),
    /** The batch's agent config version it runs (agent_configs.version). */
    configVersion: integer("config_version").notNull().default(1),
    /** A re-run: the execution whose rows it runs again, and which of them ("failed", "cancelled", "jobs", "inputs"). */
    parentExecutionId: uuid("parent_execution_id").references((): AnyPgColumn => executions.id, {
      onDelete: "set null",
    }),
    rerunSelection: text("rerun_selection"),
  },
  (t) => [
    index("executions_batch_idx").on(t.batchId, t.createdAt),
    index("executions_parent_idx").on(t.parentExecutionId),
    index("executions_active_idx").on(t.status).where(sql`status in ('running', 'paused', 'stopping')`),
  ],
);

export const jobs = pgTable(
  "jobs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    executionId: uuid("execution_id")
      .notNull()
      .references(() => executions.id, { onDelete: "cascade" }),
    batchInputId: uuid("batch_input_id")
      .notNull()
      .references(() => batchInputs.id, { onDelete: "cascade" }),
    rowIndex: integer("row_index").notNull(),
    inputId: text("input_id").notNull(),
    siteUrl: text("site_url").notNull(),
    goal: text("goal"),
    status: text("status").$type<JobStatus>().notNull().default("queued"),
    currentStep: text("current_step"),
    currentUrl: text("current_url"),
    progressPercentage: smallint("progress_percentage").notNull().default(0),
    startedAt: ts("started_at"),
    completedAt: ts("completed_at"),
    executionDurationMs: integer("execution_duration_ms"),
    retryCount: integer("retry_count").notNull().default(0),
    retryReason: text("retry_reason"),
    errorMessage: text("error_message"),
    extractedData: jsonb("extracted_data").$type<Record<string, unknown>>(),
    finalUrl: text("final_url"),
    httpStatus: smallint("http_status"),
    /** A goal-driven agent's model spend and transcript of the job's last attempt. */
    usage: jsonb("usage").$type<JobUsage>(),
    transcript: jsonb("transcript").$type<TranscriptStep[]>(),
    workerId: text("worker_id"),
    leaseExpiresAt: ts("lease_expires_at"),
    runAfter: ts("run_after"),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [
    index("jobs_execution_status_row_idx").on(t.executionId, t.status, t.rowIndex),
    // Input order over every state: exports and unfiltered job pages walk it a page at a time.
    index("jobs_execution_row_idx").on(t.executionId, t.rowIndex),
    index("jobs_running_idx").on(t.executionId).where(sql`status = 'running'`),
    index("jobs_lease_idx").on(t.leaseExpiresAt).where(sql`status = 'running'`),
    index("jobs_execution_finished_idx").on(t.executionId, t.completedAt),
    index("jobs_backoff_idx").on(t.runAfter).where(sql`status = 'queued' and run_after is not null`),
  ],
);

export const jobScreenshots = pgTable("job_screenshots", {
  jobId: uuid("job_id")
    .primaryKey()
    .references(() => jobs.id, { onDelete: "cascade" }),
  takenAt: ts("taken_at").notNull().defaultNow(),
  jpeg: bytea("jpeg").notNull(),
});

export const executionEvents = pgTable(
  "execution_events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    executionId: uuid("execution_id")
      .notNull()
      .references(() => executions.id, { onDelete: "cascade" }),
    seq: integer("seq").notNull(),
    type: text("type").notNull(),
    data: jsonb("data").$type<Record<string, unknown>>().notNull(),
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  (t) => [uniqueIndex("execution_events_execution_seq_idx").on(t.executionId, t.seq)],
);

export const jobSteps = pgTable(
  "job_steps",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    jobId: uuid("job_id")
      .notNull()
      .references(() => jobs.id, { onDelete: "cascade" }),
    at: ts("at").notNull().defaultNow(),
    step: text("step").notNull(),
    url: text("url"),
    percent: smallint("percent"),
  },
  (t) => [index("job_steps_job_idx").on(t.jobId, t.id)],
);

/** alive: claims jobs; stopping: finishing its jobs on SIGTERM, claims none; stopped and dead: gone. */
export type WorkerStatus = "alive" | "stopping" | "stopped" | "dead";

/**
 * The scheduler processes: each registers at start, beats every WORKER_HEARTBEAT_MS, and is declared dead
 * after WORKER_DEAD_AFTER_MS of silence (its running jobs go back to the queue). `status` is alive, stopping
 * (finishing its jobs on SIGTERM), stopped (gracefully) or dead.
 */
export const workers = pgTable("workers", {
  id: text("id").primaryKey(),
  host: text("host").notNull(),
  pid: integer("pid").notNull(),
  slots: integer("slots").notNull(),
  runningCount: integer("running_count").notNull().default(0),
  version: text("version").notNull(),
  status: text("status").$type<WorkerStatus>().notNull().default("alive"),
  startedAt: ts("started_at").notNull().defaultNow(),
  lastBeatAt: ts("last_beat_at").notNull().defaultNow(),
  stoppedAt: ts("stopped_at"),
});

/**
 * Accounts (README "Teams"). Used only with AUTH=on; in local mode these tables stay empty.
 * Emails are stored lower-cased; a user signed up through single sign-on has no password.
 */
export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    email: text("email").notNull(),
    name: text("name").notNull(),
    passwordHash: text("password_hash"),
    oidcSubject: text("oidc_subject"),
    /** A site admin is admin of every project and may create the first ones. */
    isAdmin: boolean("is_admin").notNull().default(false),
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  (t) => [uniqueIndex("users_email_idx").on(t.email), uniqueIndex("users_oidc_subject_idx").on(t.oidcSubject)],
);

/** A signed-in browser. The cookie holds a random secret; only its SHA-256 is stored. */
export const sessions = pgTable(
  "sessions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    secretHash: text("secret_hash").notNull(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: ts("created_at").notNull().defaultNow(),
    expiresAt: ts("expires_at").notNull(),
    address: text("address"),
    userAgent: text("user_agent"),
  },
  (t) => [uniqueIndex("sessions_secret_idx").on(t.secretHash), index("sessions_user_idx").on(t.userId)],
);

export const memberships = pgTable(
  "memberships",
  {
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role").$type<ProjectRole>().notNull(),
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.userId] }), index("memberships_user_idx").on(t.userId)],
);

/**
 * An API token: a user's credential for scripts, limited to a role and (optionally) some projects. Only the
 * SHA-256 of the secret is stored; `prefix` is what lists show to tell tokens apart.
 */
export const apiTokens = pgTable(
  "api_tokens",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    secretHash: text("secret_hash").notNull(),
    prefix: text("prefix").notNull(),
    role: text("role").$type<ProjectRole>().notNull(),
    /** null: every project the user is a member of. */
    projectIds: jsonb("project_ids").$type<string[] | null>(),
    createdAt: ts("created_at").notNull().defaultNow(),
    expiresAt: ts("expires_at"),
    lastUsedAt: ts("last_used_at"),
    revokedAt: ts("revoked_at"),
  },
  (t) => [uniqueIndex("api_tokens_secret_idx").on(t.secretHash), index("api_tokens_user_idx").on(t.userId)],
);

/**
 * A one-time link that creates an account (or adds an existing one) with a role on a project; the first admin's
 * link (site_admin, no project) is printed at start-up while no user exists.
 */
export const invites = pgTable(
  "invites",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    secretHash: text("secret_hash").notNull(),
    email: text("email"),
    projectId: uuid("project_id").references(() => projects.id, { onDelete: "cascade" }),
    role: text("role").$type<ProjectRole>(),
    siteAdmin: boolean("site_admin").notNull().default(false),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: ts("created_at").notNull().defaultNow(),
    expiresAt: ts("expires_at").notNull(),
    acceptedAt: ts("accepted_at"),
    acceptedBy: uuid("accepted_by").references(() => users.id, { onDelete: "set null" }),
  },
  (t) => [uniqueIndex("invites_secret_idx").on(t.secretHash), index("invites_project_idx").on(t.projectId)],
);

/** Failed sign-ins per key (an account or an address) in the current window: the login rate limit. */
export const loginFailures = pgTable("login_failures", {
  key: text("key").primaryKey(),
  failures: integer("failures").notNull().default(0),
  windowStartedAt: ts("window_started_at").notNull().defaultNow(),
});

/**
 * Who did what: every control, batch creation, export, membership and token change, written in the transaction
 * of the change. Append-only: a trigger refuses UPDATE, DELETE and TRUNCATE. No foreign keys, so the trail of a
 * deleted project or user survives it.
 */
export const auditLog = pgTable(
  "audit_log",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    at: ts("at").notNull().defaultNow(),
    projectId: uuid("project_id"),
    executionId: uuid("execution_id"),
    actorType: text("actor_type").notNull(),
    actorId: text("actor_id"),
    actorName: text("actor_name").notNull(),
    address: text("address"),
    action: text("action").notNull(),
    targetType: text("target_type").notNull(),
    targetId: text("target_id"),
    before: jsonb("before").$type<Record<string, unknown>>(),
    after: jsonb("after").$type<Record<string, unknown>>(),
    reason: text("reason"),
  },
  (t) => [
    index("audit_log_project_idx").on(t.projectId, t.id),
    index("audit_log_execution_idx").on(t.executionId, t.id),
  ],
);

/**
 * A project's webhooks: where to POST when one of its executions completes, stops or pauses itself. The secret
 * signs each delivery (HMAC-SHA256 over the timestamp and body); it is kept to sign with, and shown once.
 */
export const webhooks = pgTable(
  "webhooks",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    url: text("url").notNull(),
    secret: text("secret").notNull(),
    events: jsonb("events").$type<string[]>().notNull(),
    enabled: boolean("enabled").notNull().default(true),
    createdAt: ts("created_at").notNull().defaultNow(),
    createdBy: jsonb("created_by").$type<Actor>(),
  },
  (t) => [index("webhooks_project_idx").on(t.projectId)],
);

/**
 * The outbox of webhook deliveries: a row is written in the transaction of the change it announces, so none is
 * lost to a crash, and is sent (and retried with backoff) by whichever process claims it when due.
 * `status`: pending (to send, at next_attempt_at), delivered, failed (gave up after the last attempt).
 */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    webhookId: uuid("webhook_id")
      .notNull()
      .references(() => webhooks.id, { onDelete: "cascade" }),
    event: text("event").notNull(),
    executionId: uuid("execution_id").references(() => executions.id, { onDelete: "set null" }),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    status: text("status").$type<"pending" | "delivered" | "failed">().notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: ts("next_attempt_at").notNull().defaultNow(),
    /** A claim's lease: a sender that dies mid-attempt leaves the row to be claimed again after it. */
    leaseExpiresAt: ts("lease_expires_at"),
    lastStatusCode: integer("last_status_code"),
    lastError: text("last_error"),
    createdAt: ts("created_at").notNull().defaultNow(),
    deliveredAt: ts("delivered_at"),
  },
  (t) => [
    index("webhook_deliveries_due_idx").on(t.nextAttemptAt).where(sql`status = 'pending'`),
    index("webhook_deliveries_webhook_idx").on(t.webhookId, t.createdAt),
  ],
);
