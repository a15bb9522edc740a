import type { Tx } from "../db/client";
import { type EventDeps, type EventSink, transactWithEvents } from "../events/transaction";
import { cancelWhileStopping, finishIfDone, pauseIfOverBudget } from "../executions/machine";
import * as executionsRepo from "../repos/executions";
import * as jobsRepo from "../repos/jobs";
import {
  type Claim,
  type Claimant,
  claim,
  type Ending,
  type FinishResult,
  finishAll,
  NOTHING_CLAIMED,
  requeue,
  type Settled,
} from "./machine";

/**
 * What the scheduler asks of jobs. Each call is one transaction per execution that first takes the execution
 * row's lock (the one lock order everywhere), then applies the job machine (jobs/machine.ts) and, when a job's
 * end leaves nothing to run, the execution machine's finish.
 */

/** A claimed job with the input row it came from, for {{column}} templating. */
export type ClaimedJob = jobsRepo.ClaimedRow;

/** Jobs a claim took, and whether the claimer left some of the execution's free slots to peers (its fair share). */
export type Claimed = Claim;

/** Claims as many queued jobs as the execution's free slots, the claimer's fair share and `max` allow. */
export async function claimJobs(deps: EventDeps, executionId: string, claimant: Claimant): Promise<Claimed> {
  return transactWithEvents(deps, async (tx, events) => {
    const execution = await executionsRepo.lockExecution(tx, executionId);
    return execution ? claim(tx, events, execution, claimant) : NOTHING_CLAIMED;
  });
}

/**
 * Records the ends of attempts of any executions in one transaction (jobs/machine.ts `finishAll`), under the
 * locks of all their executions, taken in id order; with `claimNext.max` > 0 hands the freed slots to the next
 * queued jobs in it; and ends each execution that has nothing left. A worker's finished jobs of a moment cost one
 * commit, and their successors no claim of their own.
 */
export async function finishJobs(
  deps: EventDeps,
  endings: Ending[],
  claimNext: Claimant,
): Promise<{ results: FinishResult[]; settled: Map<string, Settled> }> {
  const ids = [...new Set(endings.map((e) => e.job.executionId))].sort();
  return transactWithEvents(deps, async (tx, events) => {
    const executions = await executionsRepo.lockExecutions(tx, ids);
    const done = await finishAll(tx, events, executions, endings, claimNext);
    for (const { counters } of done.settled.values()) {
      await finishIfDone(tx, events, counters);
      await pauseIfOverBudget(tx, events, counters);
    }
    return done;
  });
}

/** Returns jobs whose lease expired to the queue, each under its execution's lock: the safety net behind heartbeats. */
export async function recoverExpiredLeases(deps: EventDeps): Promise<number> {
  const expired = await jobsRepo.expiredLeases(deps.db);
  let recovered = 0;
  for (const { id, executionId } of expired) {
    recovered += await transactWithEvents(deps, async (tx, events) => {
      await executionsRepo.lockExecution(tx, executionId);
      const job = await jobsRepo.lockExpiredJob(tx, id);
      if (!job) return 0;
      const reason = `The worker ${job.workerId ?? "?"} stopped responding (lease expired); retrying`;
      await requeueWithin(tx, events, job, "requeue", reason);
      return 1;
    });
  }
  return recovered;
}

/** Returns the running jobs of workers declared dead, or stopped without releasing them, to the queue. */
export async function requeueJobsOfGoneWorkers(deps: EventDeps, deadAfterMs: number): Promise<number> {
  const held = await jobsRepo.runningOfGoneWorkers(deps.db);
  return requeueHeld(deps, held, ({ workerId, workerStatus }) =>
    workerStatus === "dead"
      ? `The worker ${workerId} stopped responding (no heartbeat for ${deadAfterMs / 1000} s); retrying`
      : `The worker ${workerId} shut down before the job finished; it will run again`,
  );
}

/**
 * Embedded start-up: this process is the only one (the data-folder lock), so every running job is a
 * previous process's, which ended before the job did. They go back to the queue at once, not a lease later.
 */
export async function requeueJobsOfPreviousProcess(deps: EventDeps, selfId: string): Promise<number> {
  const held = await jobsRepo.runningNotOf(deps.db, selfId);
  return requeueHeld(
    deps,
    held,
    ({ workerId }) => `The previous process (worker ${workerId}) ended before the job finished; retrying`,
  );
}

async function requeueHeld<T extends { id: string; executionId: string; workerId: string }>(
  deps: EventDeps,
  held: T[],
  reason: (job: T) => string,
): Promise<number> {
  let requeued = 0;
  for (const one of held) {
    const { id, executionId, workerId } = one;
    requeued += await transactWithEvents(deps, async (tx, events) => {
      await executionsRepo.lockExecution(tx, executionId);
      // Still on that worker: a finish or another sweeper may have got there first.
      const job = await jobsRepo.lockRunningOf(tx, id, workerId);
      if (!job) return 0;
      await requeueWithin(tx, events, job, "requeue", reason(one));
      return 1;
    });
  }
  return requeued;
}

/** Releases one of this worker's unfinished jobs on shutdown, without counting it as a retry. */
export async function releaseJob(deps: EventDeps, job: jobsRepo.JobRow, workerId: string): Promise<void> {
  await transactWithEvents(deps, async (tx, events) => {
    await executionsRepo.lockExecution(tx, job.executionId);
    const current = await jobsRepo.findJob(tx, job.id);
    if (current?.status !== "running" || current.workerId !== workerId) return;
    await requeueWithin(
      tx,
      events,
      current,
      "release",
      "The worker shut down before the job finished; it will run again",
    );
  });
}

async function requeueWithin(
  tx: Tx,
  events: EventSink,
  job: jobsRepo.JobRow,
  action: "requeue" | "release",
  reason: string,
): Promise<void> {
  const counters = await requeue(tx, events, job, action, reason);
  if (counters) await cancelWhileStopping(tx, events, counters);
}
