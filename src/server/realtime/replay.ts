import { setImmediate as yieldToOthers } from "node:timers/promises";
import type { ExecutionEvent } from "@/lib/contract/events";
import type { RunningJobState } from "../repos/realtime";
import type { Gate } from "./gate";
import { encodeEvent } from "./protocol";
import type { Subscription } from "./subscription";

export interface ReplayDeps {
  readLog(executionId: string, afterSeq: number, limit: number): Promise<ExecutionEvent[]>;
  readRunningJobs(executionId: string): Promise<RunningJobState[]>;
  /** Every database read of every replay of the hub goes through this, one page at a time. */
  gate: Gate;
  /** Events per log read. */
  pageSize: number;
  /** A client that reads nothing for this long while its replay waits is cut (it comes back with lastSeq). */
  stallMs: number;
}

/**
 * Brings a subscription from its lastSeq to live: every retained event after it from the log, in
 * order; then the current state of each running job; then what arrived live meanwhile, minus what
 * the log already covered. The log read starts after the subscription is registered, so the two
 * overlap and nothing falls between them.
 *
 * It goes at the pace of the client and shares the process with everyone else: pages are read
 * through the hub's gate, a page is written only as fast as the socket drains (never more than the
 * soft bound waiting in its buffer), and the event loop is yielded between pages.
 */
export async function replay(subscription: Subscription, deps: ReplayDeps): Promise<void> {
  const { connection, executionId } = subscription;
  const { softBytes } = connection.limits;
  let last = subscription.lastSeq;
  for (;;) {
    if (subscription.cancelled) return;
    const page = await deps.gate.run(() => deps.readLog(executionId, last, deps.pageSize));
    for (const event of page) {
      if (subscription.cancelled) return;
      if (connection.ws.bufferedAmount > softBytes && !(await connection.drained(softBytes / 2, deps.stallMs))) {
        if (!subscription.cancelled) connection.cut();
        return;
      }
      connection.write(encodeEvent(event), "retained");
      last = event.seq;
    }
    if (page.length < deps.pageSize) break;
    await yieldToOthers();
  }
  if (subscription.cancelled) return;
  const running = await deps.gate.run(() => deps.readRunningJobs(executionId));
  if (subscription.cancelled) return;
  for (const job of running) connection.write(encodeEvent(progressSnapshot(executionId, job, last)), "retained");
  subscription.goLive(last);
}

/** A job_progress that carries the whole card, so a client can show a job it has not seen start. */
export function progressSnapshot(executionId: string, job: RunningJobState, seq: number): ExecutionEvent {
  return {
    type: "job_progress",
    executionId,
    seq,
    data: {
      jobId: job.jobId,
      inputId: job.inputId,
      siteUrl: job.siteUrl,
      goal: job.goal,
      currentStep: job.currentStep,
      currentUrl: job.currentUrl,
      progress: job.progress,
      startedAt: job.startedAt?.toISOString() ?? null,
      ...(job.screenshotAt ? { screenshotAt: job.screenshotAt.toISOString() } : {}),
      snapshot: true,
    },
    timestamp: new Date().toISOString(),
  };
}
