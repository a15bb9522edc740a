import type { ExecutionStatus, JobStatus } from "@/lib/contract/resources";

/**
 * Execution: pending → running ⇄ paused; running|paused → stopping → stopped; running|paused → completed.
 * Job: queued → running → completed | failed; running → queued (retry, lease lost, shutdown); queued → cancelled.
 * Every transition is a compare-and-set under the execution row's lock (see docs/ARCHITECTURE.md).
 */
export const EXECUTION_TRANSITIONS: Record<ExecutionStatus, readonly ExecutionStatus[]> = {
  pending: ["running"],
  running: ["paused", "stopping", "stopped", "completed"],
  paused: ["running", "stopping", "stopped", "completed"],
  stopping: ["stopped"],
  stopped: [],
  completed: [],
};

export const JOB_TRANSITIONS: Record<JobStatus, readonly JobStatus[]> = {
  queued: ["running", "cancelled"],
  running: ["completed", "failed", "queued"],
  completed: [],
  failed: [],
  cancelled: [],
};

export function canTransition(from: ExecutionStatus, to: ExecutionStatus): boolean {
  return EXECUTION_TRANSITIONS[from].includes(to);
}

export const isFinished = (status: ExecutionStatus) => status === "stopped" || status === "completed";
