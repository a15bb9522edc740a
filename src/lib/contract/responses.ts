import {
  batchSchema,
  estimateSchema,
  executionSchema,
  inputSchema,
  invalidRowSchema,
  jobSchema,
  liveStatsSchema,
  projectSchema,
  stepSchema,
} from "./resources";
import { transcriptStepSchema } from "./spend";
import { z } from "./zod";

/**
 * The body of every successful answer of the public HTTP API (CONTRACT.md, "Resources" and "Controls"), one schema
 * per shape, and its type by the same name. Route handlers answer these, the browser and scripts read them through
 * src/lib/client/endpoints.ts, and the OpenAPI document (src/lib/contract/openapi/) describes them; errors have their
 * own shape (`ApiErrorBody`). Exports (`/export`) and screenshots are files, not JSON.
 */

/** GET /api/projects */
export const projectListResponseSchema = z.object({ projects: z.array(projectSchema) });
export type ProjectListResponse = z.infer<typeof projectListResponseSchema>;

/** POST /api/projects (201), GET /api/projects/:id */
export const projectResponseSchema = z.object({ project: projectSchema });
export type ProjectResponse = z.infer<typeof projectResponseSchema>;

/** GET /api/projects/:id/batches */
export const batchListResponseSchema = z.object({ batches: z.array(batchSchema) });
export type BatchListResponse = z.infer<typeof batchListResponseSchema>;

/** POST /api/projects/:id/batches (201), multipart or JSON. */
export const createBatchResultSchema = z.object({
  batch: batchSchema,
  rowCount: z
    .number()
    .int()
    .min(1)
    .meta({ description: "Inputs stored (rows with a usable URL), the same as batch.rowCount." }),
  invalidRows: z.array(invalidRowSchema).meta({ description: "The first 1000 unusable rows." }),
  invalidRowCount: z
    .number()
    .int()
    .min(0)
    .meta({ description: "All unusable rows, also those beyond the first 1000." }),
});
export type CreateBatchResult = z.infer<typeof createBatchResultSchema>;

/** GET /api/batches/:id */
export const batchResponseSchema = z.object({ batch: batchSchema });
export type BatchResponse = z.infer<typeof batchResponseSchema>;

const nextCursor = z.string().nullable().meta({ description: "Asks for the next page; null on the last page." });

/** GET /api/batches/:id/inputs: a page in row order; `nextCursor` is null on the last page. */
export const inputPageSchema = z.object({ inputs: z.array(inputSchema), nextCursor });
export type InputPage = z.infer<typeof inputPageSchema>;

/** GET /api/batches/:id/estimate */
export const estimateResponseSchema = estimateSchema;
export type EstimateResponse = z.infer<typeof estimateResponseSchema>;

/** POST /api/batches/:id/executions (201), GET /api/executions/:id */
export const executionResponseSchema = z.object({ execution: executionSchema });
export type ExecutionResponse = z.infer<typeof executionResponseSchema>;

/** GET /api/batches/:id/executions, newest first. */
export const executionListResponseSchema = z.object({ executions: z.array(executionSchema) });
export type ExecutionListResponse = z.infer<typeof executionListResponseSchema>;

/** GET /api/executions/:id/jobs: a page; `nextCursor` is null on the last page. */
export const jobPageSchema = z.object({ jobs: z.array(jobSchema), nextCursor });
export type JobPage = z.infer<typeof jobPageSchema>;

/** GET /api/executions/:id/live-stats */
export const liveStatsResponseSchema = liveStatsSchema;
export type LiveStatsResponse = z.infer<typeof liveStatsResponseSchema>;

/** POST /api/executions/:id/{pause,resume,stop,adjust-concurrency}; a no-op answers 200 too, its message says so. */
export const controlResponseSchema = z
  .object({
    success: z.literal(true),
    execution: executionSchema,
    message: z.string().meta({ description: "What happened, in words; says so when it was a no-op." }),
  })
  .meta({ id: "ControlResponse" });
export type ControlResponse = z.infer<typeof controlResponseSchema>;

/** GET /api/jobs/:id: the job and its step log. */
export const jobResponseSchema = z.object({
  job: jobSchema,
  steps: z.array(stepSchema),
  transcript: z.array(transcriptStepSchema).meta({
    description:
      "A goal-driven agent's transcript of the job's last attempt: what it saw, decided and did; empty otherwise.",
  }),
  goalAsRun: z.string().nullable().meta({
    description:
      "The goal as the agent was given it, its `{{column}}` values filled from the row; null without a goal.",
  }),
});
export type JobResponse = z.infer<typeof jobResponseSchema>;

/** GET /api/health while the app can serve requests (503 in the error shape while its database is unreachable). */
export const healthResponseSchema = z.object({
  ok: z.literal(true),
  version: z.string().meta({ description: "package.json's version of the server that answers." }),
  database: z.object({ kind: z.enum(["pglite", "postgres"]), ok: z.literal(true) }),
  workers: z.object({
    live: z.number().int().min(0).nullable().meta({
      description: "Workers that claim jobs and beat within WORKER_DEAD_AFTER_MS; null when they could not be counted.",
    }),
  }),
});
export type HealthResponse = z.infer<typeof healthResponseSchema>;

/** Whether an engine can run on this server, and if not, what to set. */
export const engineStatusSchema = z
  .object({
    available: z.boolean(),
    message: z.string().optional().meta({ description: "Why not, in words that say what to do." }),
  })
  .meta({ id: "EngineStatus" });
export type EngineStatus = z.infer<typeof engineStatusSchema>;

/** GET /api/config: what this server can do, for forms that must not offer what would be refused. */
export const appConfigResponseSchema = z.object({
  maxConcurrency: z.number().int().min(1),
  engines: z.object({
    browser: engineStatusSchema,
    http: engineStatusSchema,
    simulated: engineStatusSchema,
    agent: engineStatusSchema.extend({ defaultModel: z.string().nullable() }),
  }),
});
export type AppConfigResponse = z.infer<typeof appConfigResponseSchema>;
