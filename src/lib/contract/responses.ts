import type { Batch, Estimate, Execution, Input, InvalidRow, Job, LiveStats, Project, Step } from "./resources";
import type { TranscriptStep } from "./spend";

/**
 * The body of every successful answer of the public HTTP API (CONTRACT.md, "Resources" and "Controls"), one type
 * per shape. Route handlers answer these, the browser and scripts read them through src/lib/client/endpoints.ts;
 * errors have their own shape (`ApiErrorBody`). Exports (`/export`) and screenshots are files, not JSON.
 */

/** GET /api/projects */
export interface ProjectListResponse {
  projects: Project[];
}

/** POST /api/projects (201), GET /api/projects/:id */
export interface ProjectResponse {
  project: Project;
}

/** GET /api/projects/:id/batches */
export interface BatchListResponse {
  batches: Batch[];
}

/** POST /api/projects/:id/batches (201), multipart or JSON. */
export interface CreateBatchResult {
  batch: Batch;
  /** Inputs stored (rows with a usable URL), the same as batch.rowCount. */
  rowCount: number;
  /** The first 1000 unusable rows. */
  invalidRows: InvalidRow[];
  /** All unusable rows, also those beyond the first 1000. */
  invalidRowCount: number;
}

/** GET /api/batches/:id */
export interface BatchResponse {
  batch: Batch;
}

/** GET /api/batches/:id/inputs: a page in row order; `nextCursor` is null on the last page. */
export interface InputPage {
  inputs: Input[];
  nextCursor: string | null;
}

/** GET /api/batches/:id/estimate */
export type EstimateResponse = Estimate;

/** POST /api/batches/:id/executions (201), GET /api/executions/:id */
export interface ExecutionResponse {
  execution: Execution;
}

/** GET /api/batches/:id/executions, newest first. */
export interface ExecutionListResponse {
  executions: Execution[];
}

/** GET /api/executions/:id/jobs: a page; `nextCursor` is null on the last page. */
export interface JobPage {
  jobs: Job[];
  nextCursor: string | null;
}

/** GET /api/executions/:id/live-stats */
export type LiveStatsResponse = LiveStats;

/** POST /api/executions/:id/{pause,resume,stop,adjust-concurrency}; a no-op answers 200 too, its message says so. */
export interface ControlResponse {
  success: true;
  execution: Execution;
  message: string;
}

/** GET /api/jobs/:id: the job and its step log. */
export interface JobResponse {
  job: Job;
  steps: Step[];
  /** A goal-driven agent's transcript of the job's last attempt: what it saw, decided and did; empty otherwise. */
  transcript: TranscriptStep[];
  /** The goal as the agent was given it, its `{{column}}` values filled from the row; null without a goal. */
  goalAsRun: string | null;
}

/** GET /api/health while the app can serve requests (503 in the error shape while its database is unreachable). */
export interface HealthResponse {
  ok: true;
  /** package.json's version of the server that answers. */
  version: string;
  database: { kind: "pglite" | "postgres"; ok: true };
  /** Workers that claim jobs and beat within WORKER_DEAD_AFTER_MS; null when they could not be counted. */
  workers: { live: number | null };
}

/** Whether an engine can run on this server, and if not, what to set. */
export interface EngineStatus {
  available: boolean;
  /** Why not, in words that say what to do. */
  message?: string;
}

/** GET /api/config: what this server can do, for forms that must not offer what would be refused. */
export interface AppConfigResponse {
  maxConcurrency: number;
  engines: Record<"browser" | "http" | "simulated" | "agent", EngineStatus> & {
    agent: EngineStatus & { defaultModel: string | null };
  };
}
