import type { Tx } from "../db/client";
import { type EventSink, transactWithEvents } from "../events/transaction";
import { emitCompleted } from "../executions/controls";
import * as executionsRepo from "../repos/executions";
import * as jobsRepo from "../repos/jobs";
import { getRuntime } from "../runtime";
import { fairShare } from "./fair-share";

/**
 * Job state changes the scheduler makes. Each locks the execution row first (the one lock order
 * everywhere), changes the job with a compare-and-set, moves the counters and records the event,
 * all in one transaction.
 */

export interface ClaimedJob extends jobsRepo.JobRow {
  row: Record<string, string>;
}

/** A worker claiming jobs: `max` is what it has free (booked), `peers` the other live workers. */
export interface Claimant {
  workerId: string;
  leaseSeconds: number;
  max: number;
  /** The other live workers (from the registry): an execution's free slots are shared with those that have room. */
  peers: { id: string; slots: number }[];
}

export interface Claimed {
  jobs: ClaimedJob[];
  /** The claimer left some of the execution's free slots to peers (its fair share was reached). */
  leftForPeers: boolean;
}

/** Claims as many queued jobs as the execution's free slots, the claimer's fair share and `max` allow. */
export async function claimJobs(executionId: string, claimant: Claimant): Promise<Claimed> {
  const claimed = await transactWithEvents(getRuntime(), async (tx, events) => {
    const execution = await executionsRepo.lockExecution(tx, executionId);
    return execution ? claimWithin(tx, events, execution, claimant) : NOTHING_CLAIMED;
  });
  return { jobs: await withInputRows(claimed.rows), leftForPeers: claimed.leftForPeers };
}

const NOTHING_CLAIMED = { rows: [] as jobsRepo.JobRow[], leftForPeers: false };

/** The claim itself, for a transaction that already holds the execution's lock and has its current row. */
async function claimWithin(
  tx: Tx,
  events: EventSink,
  execution: executionsRepo.ExecutionRow,
  claimant: Claimant,
): Promise<{ rows: jobsRepo.JobRow[]; leftForPeers: boolean }> {
  if (execution.status !== "running") return NOTHING_CLAIMED;
  const free = execution.concurrency - execution.runningCount;
  const due = await dueShare(tx, execution, claimant, free);
  const rows = await jobsRepo.claimQueued(
    tx,
    execution.id,
    Math.min(claimant.max, due),
    claimant.workerId,
    claimant.leaseSeconds,
  );
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
async function dueShare(
  tx: Tx,
  execution: executionsRepo.ExecutionRow,
  claimant: Claimant,
  free: number,
): Promise<number> {
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

async function withInputRows(claimed: jobsRepo.JobRow[]): Promise<ClaimedJob[]> {
  if (claimed.length === 0) return [];
  const inputs = await jobsRepo.inputRows(
    getRuntime().db,
    claimed.map((j) => j.batchInputId),
  );
  return claimed.map((j) => ({ ...j, row: inputs.get(j.batchInputId) ?? {} }));
}

export interface Outcome {
  durationMs: number;
  extractedData?: Record<string, unknown>;
  finalUrl?: string | null;
  httpStatus?: number | null;
  error?: { message: string; retryable: boolean };
}

export type FinishResult = "completed" | "failed" | "retry" | "lost";

/**
 * Records a finished attempt: completed, failed for good, or back to the queue after a backoff. With
 * `claimNext.max` > 0, the last running job of an execution hands its slot to the next queued job in the
 * same transaction (it already holds the execution's lock): no claim transaction of its own.
 */
export async function finishJob(
  job: ClaimedJob,
  outcome: Outcome,
  retry: { maxRetries: number; backoffMs: (attempt: number) => number },
  steps: jobsRepo.StepEntry[],
  claimNext: Claimant,
): Promise<{ result: FinishResult; next: Claimed }> {
  const workerId = claimNext.workerId;
  let next = NOTHING_CLAIMED;
  const claimAfter = async (tx: Tx, events: EventSink, counters: executionsRepo.ExecutionRow) => {
    // Only when no other job of the execution runs: with several, their ends come close together and one
    // claim pass that takes all the freed slots at once holds the execution's lock for less time in all.
    if (claimNext.max > 0 && counters.runningCount === 0 && counters.queuedCount > 0) {
      next = await claimWithin(tx, events, counters, claimNext);
    }
  };
  const result = await transactWithEvents(getRuntime(), async (tx, events): Promise<FinishResult> => {
    await executionsRepo.lockExecution(tx, job.executionId);
    const common = {
      executionDurationMs: Math.round(outcome.durationMs),
      finalUrl: outcome.finalUrl ?? null,
      httpStatus: outcome.httpStatus ?? null,
    };
    if (!outcome.error) {
      const done = await jobsRepo.finishRunning(tx, job.id, workerId, {
        ...common,
        status: "completed",
        completedAt: new Date(),
        progressPercentage: 100,
        currentStep: "Done",
        extractedData: outcome.extractedData ?? {},
        errorMessage: null,
      });
      if (!done) return "lost";
      await jobsRepo.appendSteps(tx, job.id, steps);
      const counters = await executionsRepo.addToCounters(tx, job.executionId, {
        running: -1,
        completed: 1,
        durationMs: outcome.durationMs,
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
      });
      await finishExecutionIfDone(tx, counters, events);
      await claimAfter(tx, events, counters);
      return "completed";
    }
    const willRetry = outcome.error.retryable && job.retryCount < retry.maxRetries;
    if (willRetry) {
      const back = await jobsRepo.finishRunning(tx, job.id, workerId, {
        status: "queued",
        retryCount: job.retryCount + 1,
        retryReason: outcome.error.message,
        runAfter: new Date(Date.now() + retry.backoffMs(job.retryCount + 1)),
        currentStep: null,
        progressPercentage: 0,
        startedAt: null,
      });
      if (!back) return "lost";
      await jobsRepo.appendSteps(tx, job.id, steps);
      const counters = await executionsRepo.addToCounters(tx, job.executionId, { running: -1, queued: 1 });
      await events.emit(job.executionId, "job_failed", {
        jobId: job.id,
        inputId: job.inputId,
        error: outcome.error.message,
        willRetry: true,
        attempt: job.retryCount + 1,
        runAfter: back.runAfter?.toISOString(),
      });
      await claimAfter(tx, events, counters);
      return "retry";
    }
    const failed = await jobsRepo.finishRunning(tx, job.id, workerId, {
      ...common,
      status: "failed",
      completedAt: new Date(),
      errorMessage: outcome.error.message,
      currentStep: "Failed",
    });
    if (!failed) return "lost";
    await jobsRepo.appendSteps(tx, job.id, steps);
    const counters = await executionsRepo.addToCounters(tx, job.executionId, {
      running: -1,
      failed: 1,
      durationMs: outcome.durationMs,
    });
    await events.emit(job.executionId, "job_failed", {
      jobId: job.id,
      inputId: job.inputId,
      siteUrl: job.siteUrl,
      error: outcome.error.message,
      willRetry: false,
      durationMs: common.executionDurationMs,
      completedAt: failed.completedAt?.toISOString(),
    });
    await finishExecutionIfDone(tx, counters, events);
    await claimAfter(tx, events, counters);
    return "failed";
  });
  return { result, next: { jobs: await withInputRows(next.rows), leftForPeers: next.leftForPeers } };
}

/** Puts a running job back in the queue: its worker died (lease expired) or shut down before it ended. */
export async function requeue(
  tx: Tx,
  events: EventSink,
  job: jobsRepo.JobRow,
  reason: string,
  countAsRetry: boolean,
): Promise<void> {
  await jobsRepo.updateJob(tx, job.id, {
    status: "queued",
    workerId: null,
    leaseExpiresAt: null,
    retryCount: countAsRetry ? job.retryCount + 1 : job.retryCount,
    retryReason: reason,
    currentStep: null,
    progressPercentage: 0,
    startedAt: null,
  });
  const execution = await executionsRepo.addToCounters(tx, job.executionId, { running: -1, queued: 1 });
  await events.emit(job.executionId, "job_failed", {
    jobId: job.id,
    inputId: job.inputId,
    error: reason,
    willRetry: true,
    attempt: job.retryCount + 1,
  });
  // A stopping execution cancels what comes back rather than running it again.
  if (execution.status === "stopping") {
    const cancelled = await jobsRepo.cancelQueued(tx, job.executionId);
    const counters = await executionsRepo.addToCounters(tx, job.executionId, { queued: -cancelled, cancelled });
    if (cancelled > 0) await events.emit(job.executionId, "job_cancelled", { count: cancelled, allQueued: true });
    await finishExecutionIfDone(tx, counters, events);
  }
}

/** Returns jobs whose lease expired to the queue, each under its execution's lock: the safety net behind heartbeats. */
export async function recoverExpiredLeases(): Promise<number> {
  const expired = await jobsRepo.expiredLeases(getRuntime().db);
  let recovered = 0;
  for (const { id, executionId } of expired) {
    recovered += await transactWithEvents(getRuntime(), async (tx, events) => {
      await executionsRepo.lockExecution(tx, executionId);
      const job = await jobsRepo.lockExpiredJob(tx, id);
      if (!job) return 0;
      await requeue(
        tx,
        events,
        job,
        `The worker ${job.workerId ?? "?"} stopped responding (lease expired); retrying`,
        true,
      );
      return 1;
    });
  }
  return recovered;
}

/** Returns the running jobs of workers declared dead, or stopped without releasing them, to the queue. */
export async function requeueJobsOfGoneWorkers(deadAfterMs: number): Promise<number> {
  const held = await jobsRepo.runningOfGoneWorkers(getRuntime().db);
  return requeueHeld(held, ({ workerId, workerStatus }) =>
    workerStatus === "dead"
      ? `The worker ${workerId} stopped responding (no heartbeat for ${deadAfterMs / 1000} s); retrying`
      : `The worker ${workerId} shut down before the job finished; it will run again`,
  );
}

/**
 * Embedded start-up: this process is the only one (the data-folder lock), so every running job is a
 * previous process's, which ended before the job did. They go back to the queue at once, not a lease later.
 */
export async function requeueJobsOfPreviousProcess(selfId: string): Promise<number> {
  const held = await jobsRepo.runningNotOf(getRuntime().db, selfId);
  return requeueHeld(
    held,
    ({ workerId }) => `The previous process (worker ${workerId}) ended before the job finished; retrying`,
  );
}

async function requeueHeld<T extends { id: string; executionId: string; workerId: string }>(
  held: T[],
  reason: (job: T) => string,
): Promise<number> {
  let requeued = 0;
  for (const one of held) {
    const { id, executionId, workerId } = one;
    requeued += await transactWithEvents(getRuntime(), async (tx, events) => {
      await executionsRepo.lockExecution(tx, executionId);
      // Still on that worker: a finish or another sweeper may have got there first.
      const job = await jobsRepo.lockRunningOf(tx, id, workerId);
      if (!job) return 0;
      await requeue(tx, events, job, reason(one), true);
      return 1;
    });
  }
  return requeued;
}

/** Releases this worker's unfinished jobs on shutdown, without counting it as a retry. */
export async function releaseJob(job: jobsRepo.JobRow, workerId: string): Promise<void> {
  await transactWithEvents(getRuntime(), async (tx, events) => {
    await executionsRepo.lockExecution(tx, job.executionId);
    const current = await jobsRepo.findJob(tx, job.id);
    if (current?.status !== "running" || current.workerId !== workerId) return;
    await requeue(tx, events, current, "The worker shut down before the job finished; it will run again", false);
  });
}

/**
 * When nothing is queued or running any more, the execution ends: completed, or stopped if it was
 * stopping. `row` is the execution as this transaction last wrote it (it holds the row's lock).
 */
export async function finishExecutionIfDone(
  tx: Tx,
  row: executionsRepo.ExecutionRow,
  events: EventSink,
): Promise<void> {
  const executionId = row.id;
  if (row.runningCount > 0 || row.queuedCount > 0) return;
  const status = row.status;
  if (status !== "running" && status !== "paused" && status !== "stopping") return;
  const finalStatus = status === "stopping" ? "stopped" : "completed";
  const updated = await executionsRepo.updateExecution(tx, executionId, {
    status: finalStatus,
    completedAt: new Date(),
  });
  await emitCompleted(events, updated);
}
