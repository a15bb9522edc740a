import type { ExecutionEvent } from "@/lib/contract/events";
import type { RunningJobState } from "../repos/realtime";
import { encodeEvent } from "./protocol";
import type { Subscription } from "./subscription";

export interface ReplayDeps {
  readLog(executionId: string, afterSeq: number, limit: number): Promise<ExecutionEvent[]>;
  readRunningJobs(executionId: string): Promise<RunningJobState[]>;
}

const PAGE = 1000;

/**
 * Brings a subscription from its lastSeq to live: every retained event after it from the log, in
 * order; then the current state of each running job; then what arrived live meanwhile, minus what
 * the log already covered. The log read starts after the subscription is registered, so the two
 * overlap and nothing falls between them.
 */
export async function replay(subscription: Subscription, deps: ReplayDeps): Promise<void> {
  const { connection, executionId } = subscription;
  let last = subscription.lastSeq;
  for (;;) {
    const page = await deps.readLog(executionId, last, PAGE);
    if (subscription.cancelled) return;
    for (const event of page) {
      // A long replay goes at the client's pace: never more than the soft bound waiting in its buffer.
      if (connection.ws.bufferedAmount > connection.limits.softBytes) await drained(subscription);
      if (subscription.cancelled) return;
      connection.write(encodeEvent(event), "retained");
      last = event.seq;
    }
    if (page.length < PAGE) break;
  }
  const running = await deps.readRunningJobs(executionId);
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

/** Waits until the socket's buffer is below the soft bound; a client that stops reading for 30 s is cut. */
async function drained(subscription: Subscription) {
  const { ws, limits } = subscription.connection;
  const giveUpAt = Date.now() + 30_000;
  while (!subscription.cancelled && ws.bufferedAmount > limits.softBytes / 2 && ws.readyState === ws.OPEN) {
    if (Date.now() > giveUpAt) return subscription.connection.cut();
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
