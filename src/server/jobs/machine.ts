import type { JobStatus } from "@/lib/contract/resources";
import type { JobUsage, Spend, TranscriptStep } from "@/lib/contract/spend";
import type { Tx } from "../db/client";
import type { EventSink } from "../events/transaction";
import * as executionsRepo from "../repos/executions";
import * as jobsRepo from "../repos/jobs";
import { fairShare } from "./fair-share";

const move = (from: JobStatus, to: JobStatus): Readonly<jobsRepo.JobMove> => Object.freeze({ from, to });

/**
 * Every way a job's status moves: queued → running → completed | failed; running → queued (retry, requeue,
 * release); queued → cancelled. Each action starts from exactly one status, so each is a compare-and-set in SQL
 * (repos/jobs.ts takes the move): a job that is no longer where the action expects is left alone.
 */
export const JOB_TRANSITIONS = Object.freeze({
  /** A worker takes it: under the execution's lock, in input order, FOR UPDATE SKIP LOCKED. */
  claim: move("queued", "running"),
  complete: move("running", "completed"),
  /** Not retryable, or its retries are used up. */
  fail: move("running", "failed"),
  /** A retryable failure: back to the queue after a backoff. */
  retry: move("running", "queued"),
  /** Its worker was declared dead, its lease expired, or the previous embedded process is gone: a retry. */
  requeue: move("running", "queued"),
  /** Its worker shut down before it ended: not counted as a retry. */
  release: move("running", "queued"),
  /** Its execution stopped. */
  cancel: move("queued", "cancelled"),
});

/*
 * The functions below apply the table inside a transaction that already holds the execution row's lock (the one
 * lock order everywhere: the execution, then its jobs). Each moves the execution's counters with the job rows and
 * records the job's events in that transaction, and returns the execution row as it left it (the counters).
 * Ending the execution when its last job ends is the execution machine's (executions/machine.ts: finishIfDone).
 */

type ExecutionRow = executionsRepo.ExecutionRow;

/** A worker claiming jobs: `max` is what it has free (booked), `peers` the other live workers. */
export interface Claimant {
  workerId: string;
  leaseSeconds: number;
  max: number;
  /** The other live workers (from the registry): an execution's free slots are shared with those that have room. */
  peers: { id: string; slots: number }[];
}

export interface Claim {
  rows: jobsRepo.JobRow[];
  /** The claimer left some of the execution's free slots to peers (its fair share was reached). */
  leftForPeers: boolean;
}

export const NOTHING_CLAIMED: Claim = Object.freeze({ rows: [], leftForPeers: false });

/** Claims as many queued jobs as the execution's free slots, the claimer's fair share and `max` allow. */
export async function claim(tx: Tx, events: EventSink, execution: ExecutionRow, claimant: Claimant): Promise<Claim> {
  // Only a running execution starts jobs: paused, stopping and ended ones start none.
  if (execution.status !== "running") return NOTHING_CLAIMED;
  const free = execution.concurrency - execution.runningCount;
  const due = await dueShare(tx, execution, claimant, free);
  const rows = await jobsRepo.claimQueued(tx, execution.id, JOB_TRANSITIONS.claim, {
    limit: Math.min(claimant.max, due),
    workerId: claimant.workerId,
    leaseSeconds: claimant.leaseSeconds,
  });
  const leftForPeers = due < free;
  if (rows.length === 0) return { rows, leftForPeers };
  await executionsRepo.addToCounters(tx, execution.id, { running: rows.length, queued: -rows.length });
  for (const job of rows) {
    await events.emit(execution.id, "job_started", {
      jobId: job.id,
      inputId: job.inputId,
      siteUrl: job.siteUrl,
      goal: job.goal,
      startedAt: (job.startedAt ?? new Date()).toISOString(),
      attempt: job.retryCount + 1,
      workerId: claimant.workerId,
    });
  }
  return { rows, leftForPeers };
}

/** The claimer's fair share of the execution's `free` slots, from the running jobs under the execution's lock. */
async function dueShare(tx: Tx, execution: ExecutionRow, claimant: Claimant, free: number): Promise<number> {
  if (free <= 0 || claimant.peers.length === 0) return Math.max(0, free);
  const load = await jobsRepo.runningByWorker(tx, execution.id, [
    claimant.workerId,
    ...claimant.peers.map((p) => p.id),
  ]);
  return fairShare({
    concurrency: execution.concurrency,
    free,
    mine: load.get(claimant.workerId)?.inExecution ?? 0,
    peers: claimant.peers.map((p) => ({
      spare: p.slots - (load.get(p.id)?.total ?? 0),
      held: load.get(p.id)?.inExecution ?? 0,
    })),
  });
}

export interface Outcome {
  durationMs: number;
  extractedData?: Record<string, unknown>;
  finalUrl?: string | null;
  httpStatus?: number | null;
  error?: { message: string; retryable: boolean };
  /** A goal-driven agent's model spend and transcript of this attempt (a failed attempt's spend is real too). */
  usage?: JobUsage;
  transcript?: TranscriptStep[];
}

export interface RetryPolicy {
  maxRetries: number;
  backoffMs: (attempt: number) => number;
}

export type FinishResult = "completed" | "failed" | "retry" | "lost";

export type Finished =
  | { result: Exclude<FinishResult, "lost">; counters: ExecutionRow }
  /** The worker no longer held the job (its lease was taken away): nothing was written. */
  | { result: "lost"; counters: null };

const LOST: Finished = Object.freeze({ result: "lost", counters: null });

/**
 * Records a finished attempt of a job `workerId` holds: completed, failed for good, or back to the queue after a
 * backoff (`retry`). The steps not yet written go in with it.
 */
export async function finish(
  tx: Tx,
  events: EventSink,
  job: jobsRepo.JobRow,
  workerId: string,
  outcome: Outcome,
  retry: RetryPolicy,
  steps: jobsRepo.StepEntry[],
): Promise<Finished> {
  const common = {
    executionDurationMs: Math.round(outcome.durationMs),
    finalUrl: outcome.finalUrl ?? null,
    httpStatus: outcome.httpStatus ?? null,
  };
  // Kept on the job row with every outcome, a retry's too: the job page shows its last attempt.
  const spent = outcome.usage ? { usage: outcome.usage, transcript: outcome.transcript ?? null } : {};
  const spend = outcome.usage ? spendOf(outcome.usage) : undefined;
  if (!outcome.error) {
    const done = await jobsRepo.moveHeldJob(tx, job.id, workerId, JOB_TRANSITIONS.complete, {
      ...common,
      completedAt: new Date(),
      progressPercentage: 100,
      currentStep: "Done",
      extractedData: outcome.extractedData ?? {},
      errorMessage: null,
      ...spent,
    });
    if (!done) return LOST;
    await jobsRepo.appendSteps(tx, job.id, steps);
    const counters = await executionsRepo.addToCounters(tx, job.executionId, {
      running: -1,
      completed: 1,
      durationMs: outcome.durationMs,
      spend,
    });
    await events.emit(job.executionId, "job_completed", {
      jobId: job.id,
      inputId: job.inputId,
      siteUrl: job.siteUrl,
      success: true,
      extractedData: outcome.extractedData ?? {},
      durationMs: common.executionDurationMs,
      finalUrl: common.finalUrl,
      completedAt: (done.completedAt ?? new Date()).toISOString(),
      ...(spend ? { usage: spend } : {}),
    });
    return { result: "completed", counters };
  }
  if (outcome.error.retryable && job.retryCount < retry.maxRetries) {
    const back = await jobsRepo.moveHeldJob(tx, job.id, workerId, JOB_TRANSITIONS.retry, {
      retryCount: job.retryCount + 1,
      retryReason: outcome.error.message,
      runAfter: new Date(Date.now() + retry.backoffMs(job.retryCount + 1)),
      currentStep: null,
      progressPercentage: 0,
      startedAt: null,
      ...spent,
    });
    if (!back) return LOST;
    await jobsRepo.appendSteps(tx, job.id, steps);
    const counters = await executionsRepo.addToCounters(tx, job.executionId, { running: -1, queued: 1, spend });
    await events.emit(job.executionId, "job_failed", {
      jobId: job.id,
      inputId: job.inputId,
      error: outcome.error.message,
      willRetry: true,
      attempt: job.retryCount + 1,
      runAfter: back.runAfter?.toISOString(),
      ...(spend ? { usage: spend } : {}),
    });
    return { result: "retry", counters };
  }
  const failed = await jobsRepo.moveHeldJob(tx, job.id, workerId, JOB_TRANSITIONS.fail, {
    ...common,
    completedAt: new Date(),
    errorMessage: outcome.error.message,
    currentStep: "Failed",
    ...spent,
  });
  if (!failed) return LOST;
  await jobsRepo.appendSteps(tx, job.id, steps);
  const counters = await executionsRepo.addToCounters(tx, job.executionId, {
    running: -1,
    failed: 1,
    durationMs: outcome.durationMs,
    spend,
  });
  await events.emit(job.executionId, "job_failed", {
    jobId: job.id,
    inputId: job.inputId,
    siteUrl: job.siteUrl,
    error: outcome.error.message,
    willRetry: false,
    durationMs: common.executionDurationMs,
    completedAt: failed.completedAt?.toISOString(),
    ...(spend ? { usage: spend } : {}),
  });
  return { result: "failed", counters };
}

/**
 * Puts a running job back in the queue: `requeue` when its worker is gone (counted as a retry), `release` when
 * its worker shut down before it ended (not counted). Undefined when the job was no longer running on that worker.
 */
export async function requeue(
  tx: Tx,
  events: EventSink,
  job: jobsRepo.JobRow,
  action: "requeue" | "release",
  reason: string,
): Promise<ExecutionRow | undefined> {
  const back = await jobsRepo.moveHeldJob(tx, job.id, job.workerId, JOB_TRANSITIONS[action], {
    retryCount: action === "requeue" ? job.retryCount + 1 : job.retryCount,
    retryReason: reason,
    currentStep: null,
    progressPercentage: 0,
    startedAt: null,
  });
  if (!back) return undefined;
  const counters = await executionsRepo.addToCounters(tx, job.executionId, { running: -1, queued: 1 });
  await events.emit(job.executionId, "job_failed", {
    jobId: job.id,
    inputId: job.inputId,
    error: reason,
    willRetry: true,
    attempt: job.retryCount + 1,
  });
  return counters;
}

/**
 * Cancels every queued job of an execution in one statement, with one job_cancelled event for them all (a stop of
 * a 100,000-job execution is one statement and two events).
 */
export async function cancelQueued(
  tx: Tx,
  events: EventSink,
  executionId: string,
): Promise<{ cancelled: number; counters: ExecutionRow }> {
  const cancelled = await jobsRepo.endAllJobs(tx, executionId, JOB_TRANSITIONS.cancel);
  const counters = await executionsRepo.addToCounters(tx, executionId, { queued: -cancelled, cancelled });
  if (cancelled > 0) await events.emit(executionId, "job_cancelled", { count: cancelled, allQueued: true });
  return { cancelled, counters };
}

const spendOf = ({ inputTokens, outputTokens, costUsd }: JobUsage): Spend => ({ inputTokens, outputTokens, costUsd });
