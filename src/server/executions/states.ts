import { type ExecutionStatus, FINISHED_EXECUTION_STATUSES } from "@/lib/contract/resources";

/**
 * Execution: pending → running ⇄ paused; running|paused → stopping → stopped; running|paused → completed.
 * Job: queued → running → completed | failed; running → queued (retry, lease lost, shutdown); queued → cancelled.
 * Every transition is a compare-and-set under the execution row's lock: controls.ts for executions,
 * scheduler/transitions.ts for jobs (diagrams in docs/ARCHITECTURE.md).
 */
export const isFinished = (status: ExecutionStatus) => FINISHED_EXECUTION_STATUSES.includes(status);
