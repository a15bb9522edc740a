import type { JobStatus } from "@/lib/contract/resources";
import type { JobUsage, Spend, TranscriptStep } from "@/lib/contract/spend";
import type { Tx } from "../db/client";
import type { EventSink } from "../events/transaction";
import { budgetReached } from "../executions/budget";
import type { NewEvent } from "../repos/events";
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
  /** Each with the input row it came from. */
  jobs: jobsRepo.ClaimedRow[];
  /** The claimer left some of the execution's free slots to peers (its fair share was reached). */
  leftForPeers: boolean;
}

export const NOTHING_CLAIMED: Claim = Object.freeze({ jobs: [], leftForPeers: false });

/** Claims as many queued jobs as the execution's free slots, the claimer's fair share and `max` allow. */
export async function claim(tx: Tx, events: EventSink, execution: ExecutionRow, claimant: Claimant): Promise<Claim> {
  const picked = await pick(tx, execution, claimant);
  if (picked.jobs.length > 0) await events.emitAll(execution.id, startEvents(picked, claimant), claimedCounts(picked));
  return picked;
}

/**
 * How many jobs the claimer may start in `execution` (its counters as they stand in this transaction): its fair
 * share of the free slots (`due`) out of `free`; undefined when the execution starts none (not running, no room).
 */
async function shareOf(
  tx: Tx,
  execution: ExecutionRow,
  claimant: Claimant,
): Promise<{ due: number; free: number } | undefined> {
  // Only a running execution starts jobs: paused, stopping and ended ones start none.
  if (execution.status !== "running") return undefined;
  const free = execution.concurrency - execution.runningCount;
  return { due: await dueShare(tx, execution, claimant, free), free };
}

/** The claim without its record: the caller moves the counters (`claimedCounts`) and writes its `startEvents`. */
async function pick(tx: Tx, execution: ExecutionRow, claimant: Claimant): Promise<Claim> {
  const share = await shareOf(tx, execution, claimant);
  if (!share) return NOTHING_CLAIMED;
  const rows = await jobsRepo.claimQueued(tx, execution.id, JOB_TRANSITIONS.claim, {
    limit: Math.min(claimant.max, share.due),
    workerId: claimant.workerId,
    leaseSeconds: claimant.leaseSeconds,
  });
  return { jobs: rows, leftForPeers: share.due < share.free };
}

const claimedCounts = ({ jobs }: Claim): executionsRepo.CounterDelta => ({
  running: jobs.length,
  queued: -jobs.length,
});

function startEvents({ jobs }: Claim, claimant: Claimant): NewEvent[] {
  return jobs.map((job) => ({
    type: "job_started",
    data: {
      jobId: job.id,
      inputId: job.inputId,
      siteUrl: job.siteUrl,
      goal: job.goal,
      startedAt: (job.startedAt ?? new Date()).toISOString(),
      attempt: job.retryCount + 1,
      workerId: claimant.workerId,
    },
  }));
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

/** One attempt's end as its worker recorded it, to be written with others of the same execution. */
export interface Ending {
  job: jobsRepo.JobRow;
  outcome: Outcome;
  steps: jobsRepo.StepEntry[];
  /** When the attempt ended: its completed_at, whenever the batch is written. */
  endedAt: Date;
  /** Its execution's retry policy. */
  retry: RetryPolicy;
}

/** What `finishAll` did for one execution. */
export interface Settled {
  /** Claimed for the freed slots, each with its input row. */
  next: Claim;
  /** How many of the ends were this execution's. */
  ends: number;
  /** The execution row as the last write left it. */
  counters: ExecutionRow;
}

/**
 * Records the ends of attempts that `claimNext.workerId` holds, of any executions, in the transaction that holds
 * those executions' locks (`executions`, as read under them), and hands their slots on, in a handful of statements
 * however many executions: one for every completed and failed-for-good job row and its steps; with
 * `claimNext.max` > 0, one claim of the next queued jobs of every execution that may start some (running, its
 * budget not spent by these ends); one update of every execution's counters and seq and one insert of all their
 * events. A retry goes through `finish` afterwards. Answers each end's result, in order, and what was done per
 * execution.
 */
export async function finishAll(
  tx: Tx,
  events: EventSink,
  executions: ExecutionRow[],
  endings: Ending[],
  claimNext: Claimant,
): Promise<{ results: FinishResult[]; settled: Map<string, Settled> }> {
  const workerId = claimNext.workerId;
  const retries = (e: Ending) => e.outcome.error?.retryable === true && e.job.retryCount < e.retry.maxRetries;
  const final = endings.filter((e) => !retries(e));
  const ended = await jobsRepo.endHeldJobs(
    tx,
    workerId,
    final.map(endOf),
    final.map((e) => ({ jobId: e.job.id, steps: e.steps })),
  );
  const results: FinishResult[] = endings.map(() => "lost");
  const tallies = executions.map((execution) => tallyEnds(execution, endings, ended, retries, results));

  // Slots this worker may fill beyond the ones these ends free, shared by the executions in turn.
  let spare = Math.max(0, claimNext.max - endings.length);
  const picks: { executionId: string; limit: number }[] = [];
  const shares = new Map<string, { due: number; free: number }>();
  for (const { execution, after, ends } of tallies) {
    const max = Math.min(claimNext.max, ends + spare);
    if (max <= 0 || after.queuedCount === 0 || budgetReached(after.costUsd, after.maxCost)) continue;
    const share = await shareOf(tx, after, claimNext);
    if (!share) continue;
    const limit = Math.min(max, share.due);
    spare -= Math.max(0, limit - ends);
    picks.push({ executionId: execution.id, limit });
    shares.set(execution.id, share);
  }
  const claimed = await jobsRepo.claimQueuedAcross(tx, picks, JOB_TRANSITIONS.claim, claimNext);

  const groups = tallies.map(({ execution, delta, news }) => {
    const jobs = claimed.get(execution.id) ?? [];
    const share = shares.get(execution.id);
    const next: Claim = { jobs, leftForPeers: share !== undefined && share.due < share.free };
    delta.running += jobs.length;
    delta.queued -= jobs.length;
    news.push(...startEvents(next, claimNext));
    return { executionId: execution.id, list: news, counters: delta, next };
  });
  const written = groups.filter((g) => g.list.length > 0);
  const rows = new Map((await events.emitAcross(written)).map((row) => [row.id, row]));

  const settled = new Map<string, Settled>();
  for (const { execution, ends } of tallies) {
    let counters = rows.get(execution.id) ?? execution;
    for (const [i, e] of endings.entries()) {
      if (e.job.executionId !== execution.id || !retries(e)) continue;
      const finished = await finish(tx, events, e.job, workerId, e.outcome, e.retry, e.steps);
      results[i] = finished.result;
      counters = finished.counters ?? counters;
    }
    const next = groups.find((g) => g.executionId === execution.id)!.next;
    settled.set(execution.id, { next, ends, counters });
  }
  return { results, settled };
}

/**
 * One execution's ends that moved (`ended`): their results, counter changes and events, and its counters as they
 * leave them (`after`: exact, since the transaction holds the execution's lock).
 */
function tallyEnds(
  execution: ExecutionRow,
  endings: Ending[],
  ended: Map<string, Date>,
  retries: (e: Ending) => boolean,
  results: FinishResult[],
) {
  const delta = {
    running: 0,
    completed: 0,
    failed: 0,
    queued: 0,
    durationMs: 0,
    spend: undefined as Spend | undefined,
  };
  const news: NewEvent[] = [];
  let ends = 0;
  for (const [i, e] of endings.entries()) {
    if (e.job.executionId !== execution.id) continue;
    ends++;
    const completedAt = ended.get(e.job.id);
    if (!completedAt || retries(e)) continue;
    results[i] = e.outcome.error ? "failed" : "completed";
    const spend = e.outcome.usage ? spendOf(e.outcome.usage) : undefined;
    delta.running -= 1;
    if (e.outcome.error) delta.failed += 1;
    else delta.completed += 1;
    delta.durationMs += e.outcome.durationMs;
    if (spend) delta.spend = addSpend(delta.spend, spend);
    news.push(endEvent(e, completedAt, spend));
  }
  const after: ExecutionRow = {
    ...execution,
    runningCount: execution.runningCount + delta.running,
    costUsd: execution.costUsd + (delta.spend?.costUsd ?? 0),
  };
  return { execution, after, delta, news, ends };
}

function endOf({ job, outcome, endedAt }: Ending): jobsRepo.JobEnd {
  const failed = outcome.error !== undefined;
  return {
    id: job.id,
    move: failed ? JOB_TRANSITIONS.fail : JOB_TRANSITIONS.complete,
    completedAt: endedAt,
    currentStep: failed ? "Failed" : "Done",
    extractedData: failed ? null : (outcome.extractedData ?? {}),
    errorMessage: outcome.error?.message ?? null,
    executionDurationMs: Math.round(outcome.durationMs),
    finalUrl: outcome.finalUrl ?? null,
    httpStatus: outcome.httpStatus ?? null,
    ...(outcome.usage ? { spent: { usage: outcome.usage, transcript: outcome.transcript ?? null } } : {}),
  };
}

/** The job_completed or final job_failed event of an end, as `finish` writes it for one. */
function endEvent({ job, outcome }: Ending, completedAt: Date, spend: Spend | undefined): NewEvent {
  const durationMs = Math.round(outcome.durationMs);
  const finalUrl = outcome.finalUrl ?? null;
  if (!outcome.error)
    return {
      type: "job_completed",
      data: {
        jobId: job.id,
        inputId: job.inputId,
        siteUrl: job.siteUrl,
        success: true,
        extractedData: outcome.extractedData ?? {},
        durationMs,
        finalUrl,
        completedAt: completedAt.toISOString(),
        ...(spend ? { usage: spend } : {}),
      },
    };
  return {
    type: "job_failed",
    data: {
      jobId: job.id,
      inputId: job.inputId,
      siteUrl: job.siteUrl,
      error: outcome.error.message,
      willRetry: false,
      durationMs,
      completedAt: completedAt.toISOString(),
      ...(spend ? { usage: spend } : {}),
    },
  };
}

const addSpend = (a: Spend | undefined, b: Spend): Spend =>
  a
    ? {
        inputTokens: a.inputTokens + b.inputTokens,
        outputTokens: a.outputTokens + b.outputTokens,
        costUsd: a.costUsd + b.costUsd,
      }
    : b;

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
