import { and, eq, inArray } from "drizzle-orm";
import type { ExecutionStatus } from "@/lib/contract/resources";
import type { DbOrTx } from "../db/client";
import { executions, jobScreenshots, jobs } from "../db/schema";
import { isUuid } from "./projects";

/** What the hub needs of an execution: where its event log ends and its live counters. */
export interface ExecutionHead {
  id: string;
  status: ExecutionStatus;
  lastEventSeq: number;
  totalJobs: number;
  runningCount: number;
  queuedCount: number;
  completedCount: number;
  failedCount: number;
  cancelledCount: number;
  totalDurationMs: number;
  costUsd: number;
  inputTokens: number;
  outputTokens: number;
}

const headColumns = {
  id: executions.id,
  status: executions.status,
  lastEventSeq: executions.lastEventSeq,
  totalJobs: executions.totalJobs,
  runningCount: executions.runningCount,
  queuedCount: executions.queuedCount,
  completedCount: executions.completedCount,
  failedCount: executions.failedCount,
  cancelledCount: executions.cancelledCount,
  totalDurationMs: executions.totalDurationMs,
  costUsd: executions.costUsd,
  inputTokens: executions.inputTokens,
  outputTokens: executions.outputTokens,
};

/** undefined when the execution does not exist (a malformed id is simply unknown). */
export async function findExecutionHead(db: DbOrTx, executionId: string): Promise<ExecutionHead | undefined> {
  if (!isUuid(executionId)) return undefined;
  const [row] = await db.select(headColumns).from(executions).where(eq(executions.id, executionId));
  return row;
}

/** One query for every execution the hub is watching (the periodic stats and catch-up sweep). */
export async function findExecutionHeads(db: DbOrTx, executionIds: string[]): Promise<ExecutionHead[]> {
  const ids = executionIds.filter(isUuid);
  if (ids.length === 0) return [];
  return db.select(headColumns).from(executions).where(inArray(executions.id, ids));
}

/** The live card of a running job, as the job row keeps it. */
export interface RunningJobState {
  jobId: string;
  inputId: string;
  siteUrl: string;
  goal: string | null;
  currentStep: string | null;
  currentUrl: string | null;
  progress: number;
  startedAt: Date | null;
  screenshotAt: Date | null;
}

export async function findRunningJobStates(db: DbOrTx, executionId: string): Promise<RunningJobState[]> {
  return db
    .select({
      jobId: jobs.id,
      inputId: jobs.inputId,
      siteUrl: jobs.siteUrl,
      goal: jobs.goal,
      currentStep: jobs.currentStep,
      currentUrl: jobs.currentUrl,
      progress: jobs.progressPercentage,
      startedAt: jobs.startedAt,
      screenshotAt: jobScreenshots.takenAt,
    })
    .from(jobs)
    .leftJoin(jobScreenshots, eq(jobScreenshots.jobId, jobs.id))
    .where(and(eq(jobs.executionId, executionId), eq(jobs.status, "running")))
    .orderBy(jobs.rowIndex);
}
