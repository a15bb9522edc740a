import { agentConfigSchema } from "./agent";
import { actorSchema, PROJECT_ROLES } from "./auth";
import { timestampSchema } from "./primitives";
import { executionModeSchema } from "./requests";
import { rerunOfSchema } from "./reruns";
import { jobUsageSchema, spendSchema } from "./spend";
import { jobCountsSchema } from "./stats";
import { z } from "./zod";

export const EXECUTION_STATUSES = ["pending", "running", "paused", "stopping", "stopped", "completed"] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];
export const JOB_STATUSES = ["queued", "running", "completed", "failed", "cancelled"] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export type ExecutionMode = z.infer<typeof executionModeSchema>;

export const ACTIVE_EXECUTION_STATUSES: readonly ExecutionStatus[] = ["pending", "running", "paused", "stopping"];
export const FINISHED_EXECUTION_STATUSES: readonly ExecutionStatus[] = ["stopped", "completed"];

const timestamp = timestampSchema;
const described = <T extends z.ZodType>(schema: T, description: string) => schema.meta({ description });

export const executionStatusSchema = z.enum(EXECUTION_STATUSES).meta({ id: "ExecutionStatus" });
export const jobStatusSchema = z.enum(JOB_STATUSES).meta({ id: "JobStatus" });

/** A batch's agent settings (see CONTRACT.md "Agent config"), with every default filled in as the server stores them. */
export const agentConfigDocumentedSchema = agentConfigSchema.meta({
  id: "AgentConfig",
  description: "What each job does: the engine, the fields to extract, the steps to take, its limits.",
});

export const projectSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    createdAt: timestamp,
    updatedAt: timestamp,
    role: described(
      z.enum(PROJECT_ROLES),
      "The caller's role on it (always admin in local mode): what the pages let them do.",
    ),
  })
  .meta({ id: "Project" });
export type Project = z.infer<typeof projectSchema>;

export const invalidRowSchema = z
  .object({
    row: described(z.number().int().min(1), "Counts data records from 1: not the header, not blank lines."),
    reason: z.string(),
  })
  .meta({ id: "InvalidRow", description: "A CSV row with no usable URL; it is not turned into a job." });
export type InvalidRow = z.infer<typeof invalidRowSchema>;

export const batchSchema = z
  .object({
    id: z.string(),
    projectId: z.string(),
    name: z.string(),
    sourceFileName: z.string().nullable(),
    columns: z.array(z.string()),
    rowCount: z.number().int().min(0),
    urlColumn: z.string(),
    goalColumn: z.string().nullable(),
    idColumn: z.string().nullable(),
    agent: agentConfigDocumentedSchema,
    invalidRows: z.array(invalidRowSchema),
    createdAt: timestamp,
  })
  .meta({ id: "Batch", description: "An uploaded CSV: one input row per job." });
export type Batch = z.infer<typeof batchSchema>;

export const inputSchema = z
  .object({
    id: z.string(),
    inputId: z.string(),
    rowIndex: z.number().int().min(0),
    siteUrl: z.string(),
    goal: z.string().nullable(),
    data: described(z.record(z.string(), z.string()), "The whole CSV row, by column name."),
  })
  .meta({ id: "Input" });
export type Input = z.infer<typeof inputSchema>;

export const executionSchema = z
  .object({
    id: z.string(),
    batchId: z.string(),
    status: executionStatusSchema,
    mode: executionModeSchema,
    sampleSize: z.number().int().nullable(),
    concurrency: z.number().int().min(1),
    totalJobs: z.number().int().min(0),
    createdAt: timestamp,
    startedAt: timestamp.nullable(),
    pausedAt: timestamp.nullable(),
    resumedAt: timestamp.nullable(),
    stoppedAt: timestamp.nullable(),
    completedAt: timestamp.nullable(),
    stopReason: z.string().nullable(),
    estimatedDurationMs: z.number().nullable(),
    estimatedCost: z.number().nullable(),
    lastEventSeq: described(z.number().int().min(0), "The seq of its latest retained event (see the WebSocket)."),
    stats: jobCountsSchema,
    lastActivityAt: timestamp.nullable(),
    spend: described(spendSchema, "The model spend of its finished jobs (goal-driven agents; zero for the others)."),
    maxCost: described(z.number().nullable(), "Spend at which it pauses itself (USD), or null for no cap."),
    pauseReason: described(
      z.string().nullable(),
      'Why it paused itself ("budget reached"), or null when it did not (or a user paused it).',
    ),
    startedBy: described(actorSchema.nullable(), "Who started it, with access control on; null in local mode."),
    pausedBy: described(actorSchema.nullable(), "Who last paused it, with access control on; null otherwise."),
    stoppedBy: described(actorSchema.nullable(), "Who stopped it, with access control on; null otherwise."),
    configVersion: described(
      z.number().int().min(1),
      "The batch's agent config version it runs, recorded when it started: a later edit never changes it.",
    ),
    parentExecutionId: described(z.string().nullable(), "The execution it re-runs rows of, or null."),
    rerun: described(rerunOfSchema.nullable(), "For a re-run: its parent, how the rows were chosen and how many."),
  })
  .meta({ id: "Execution", description: "One run of a batch (or a test sample of it)." });
export type Execution = z.infer<typeof executionSchema>;

export const jobSchema = z
  .object({
    id: z.string(),
    executionId: z.string(),
    inputId: z.string(),
    rowIndex: z.number().int().min(0),
    siteUrl: z.string(),
    goal: z.string().nullable(),
    status: jobStatusSchema,
    currentStep: z.string().nullable(),
    currentUrl: z.string().nullable(),
    progressPercentage: z.number().min(0).max(100),
    startedAt: timestamp.nullable(),
    completedAt: timestamp.nullable(),
    executionDurationMs: z.number().nullable(),
    retryCount: z.number().int().min(0),
    retryReason: z.string().nullable(),
    errorMessage: z.string().nullable(),
    extractedData: z.record(z.string(), z.unknown()).nullable(),
    finalUrl: z.string().nullable(),
    httpStatus: z.number().int().nullable(),
    hasScreenshot: described(z.boolean().optional(), "Only in GET /api/jobs/{id}: whether a screenshot exists."),
    usage: described(jobUsageSchema.nullable(), "A goal-driven agent's model spend on this job (its last attempt)."),
  })
  .meta({ id: "Job", description: "One input row's run within an execution." });
export type Job = z.infer<typeof jobSchema>;

export const stepSchema = z
  .object({
    at: timestamp,
    step: z.string(),
    url: z.string().nullable(),
    percent: z.number().nullable(),
  })
  .meta({ id: "Step", description: "One entry of a job's step log." });
export type Step = z.infer<typeof stepSchema>;

export const liveStatsSchema = z
  .object({
    executionId: z.string(),
    status: executionStatusSchema,
    concurrency: z.number().int().min(1),
    stats: jobCountsSchema,
    metrics: z.object({
      successRate: described(
        z.number().min(0).max(100),
        "completed / (completed + failed) in percent, one decimal; 0 when nothing has finished.",
      ),
      elapsedMs: z.number().min(0),
      avgDurationMs: z.number().min(0),
      estimatedRemainingMs: z.number().min(0),
      estimatedCompletionTime: timestamp.nullable(),
      costUsd: described(z.number().min(0), "Model spend of the finished jobs so far (USD)."),
      projectedCostUsd: described(z.number().min(0), "costUsd per finished job carried over the rest."),
    }),
    lastUpdate: timestamp,
  })
  .meta({ id: "LiveStats" });
export type LiveStats = z.infer<typeof liveStatsSchema>;

export const estimateSchema = z
  .object({
    totalJobs: z.number().int().min(0),
    estimatedDurationMs: z.number().min(0),
    estimatedCost: z.number().min(0),
    basis: described(
      z.enum(["config", "history"]).optional(),
      '"history" when the averages of this batch\'s finished jobs back the figures, "config" when only its settings do.',
    ),
  })
  .meta({ id: "Estimate" });
export type Estimate = z.infer<typeof estimateSchema>;

/** The body of every non-2xx answer (CONTRACT.md "Errors"). */
export const apiErrorBodySchema = z
  .object({
    error: z.object({
      code: described(z.string(), "validation_failed, invalid_json, unauthenticated, forbidden, not_found, …"),
      message: described(z.string(), "In words; for a 400 it names the field and the rule."),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  })
  .meta({ id: "ApiError", description: "The body of every non-2xx answer; no stack trace ever reaches a client." });
export type ApiErrorBody = z.infer<typeof apiErrorBodySchema>;
