import type { AgentConfig } from "./agent";
import type { Actor, ProjectRole } from "./auth";
import type { JobUsage, Spend } from "./spend";
import type { JobCounts } from "./stats";

export const EXECUTION_STATUSES = ["pending", "running", "paused", "stopping", "stopped", "completed"] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];
export const JOB_STATUSES = ["queued", "running", "completed", "failed", "cancelled"] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export type ExecutionMode = "test" | "production";

export const ACTIVE_EXECUTION_STATUSES: readonly ExecutionStatus[] = ["pending", "running", "paused", "stopping"];
export const FINISHED_EXECUTION_STATUSES: readonly ExecutionStatus[] = ["stopped", "completed"];

export interface Project {
  id: string;
  name: string;
  createdAt: string;
  updatedAt: string;
  /** The caller's role on it (always admin in local mode): what the pages let them do. */
  role: ProjectRole;
}

export interface InvalidRow {
  row: number;
  reason: string;
}

export interface Batch {
  id: string;
  projectId: string;
  name: string;
  sourceFileName: string | null;
  columns: string[];
  rowCount: number;
  urlColumn: string;
  goalColumn: string | null;
  idColumn: string | null;
  agent: AgentConfig;
  invalidRows: InvalidRow[];
  createdAt: string;
}

export interface Input {
  id: string;
  inputId: string;
  rowIndex: number;
  siteUrl: string;
  goal: string | null;
  data: Record<string, string>;
}

export interface Execution {
  id: string;
  batchId: string;
  status: ExecutionStatus;
  mode: ExecutionMode;
  sampleSize: number | null;
  concurrency: number;
  totalJobs: number;
  createdAt: string;
  startedAt: string | null;
  pausedAt: string | null;
  resumedAt: string | null;
  stoppedAt: string | null;
  completedAt: string | null;
  stopReason: string | null;
  estimatedDurationMs: number | null;
  estimatedCost: number | null;
  lastEventSeq: number;
  stats: JobCounts;
  lastActivityAt: string | null;
  /** The model spend of its finished jobs (goal-driven agents; zero for the others). */
  spend: Spend;
  /** Spend at which it pauses itself (USD), or null for no cap. */
  maxCost: number | null;
  /** Why it paused itself ("budget reached"), or null when it did not (or a user paused it). */
  pauseReason: string | null;
  /** Who started it, last paused it and stopped it, with access control on; null in local mode. */
  startedBy: Actor | null;
  pausedBy: Actor | null;
  stoppedBy: Actor | null;
}

export interface Job {
  id: string;
  executionId: string;
  inputId: string;
  rowIndex: number;
  siteUrl: string;
  goal: string | null;
  status: JobStatus;
  currentStep: string | null;
  currentUrl: string | null;
  progressPercentage: number;
  startedAt: string | null;
  completedAt: string | null;
  executionDurationMs: number | null;
  retryCount: number;
  retryReason: string | null;
  errorMessage: string | null;
  extractedData: Record<string, unknown> | null;
  finalUrl: string | null;
  httpStatus: number | null;
  hasScreenshot?: boolean;
  /** A goal-driven agent's model spend on this job (its last attempt), or null. */
  usage: JobUsage | null;
}

export interface Step {
  at: string;
  step: string;
  url: string | null;
  percent: number | null;
}

export interface LiveStats {
  executionId: string;
  status: ExecutionStatus;
  concurrency: number;
  stats: JobCounts;
  metrics: {
    successRate: number;
    elapsedMs: number;
    avgDurationMs: number;
    estimatedRemainingMs: number;
    estimatedCompletionTime: string | null;
    /** Model spend of the finished jobs so far (USD), and that spend per finished job carried over the rest. */
    costUsd: number;
    projectedCostUsd: number;
  };
  lastUpdate: string;
}

export interface Estimate {
  totalJobs: number;
  estimatedDurationMs: number;
  estimatedCost: number;
  /** "history" when the averages of this batch's finished jobs back the figures, "config" when only its settings do. */
  basis?: "config" | "history";
}

export interface ApiErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}
