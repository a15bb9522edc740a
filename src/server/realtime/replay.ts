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
  /** The most events one log read asks for. */
  pageSize: number;
  /** A client that reads nothing for this long while its replay waits is cut (it comes back with lastSeq). */
  stallMs: number;
}

/** About this many bytes of events are read, and written, between two turns of the event loop. */
const SLICE_BYTES = 256 * 1024;
const FIRST_PAGE = 50;

/**
 * Brings a subscription from its lastSeq to live: every retained event after it from the log, in
 * order; then the current state of each running job; then what arrived live meanwhile, minus what
 * the log already covered. The log read starts after the subscription is registered, so the two
 * overlap and nothing falls between them.
 *
 * It goes at the pace of the client and shares the process with everyone else: pages are read
 * through the hub's gate and sized to about SLICE_BYTES, events are written only as fast as the socket
 * drains (never more than the soft bound waiting in its buffer), and the event loop is yielded after
 * every SLICE_BYTES written.
 */
export async function replay(subscription: Subscription, deps: ReplayDeps): Promise<void> {
  const { connection, executionId } = subscription;
  const { softBytes } = connection.limits;
  let last = subscription.lastSeq;
  // Reads start small and grow to about SLICE_BYTES of events each (a log of large results stays in small reads).
  let limit = Math.min(deps.pageSize, FIRST_PAGE);
  for (;;) {
    // A subscription cancelled while waiting for the gate gives its turn away without reading.
    const page = await deps.gate.run(async () =>
      subscription.cancelled ? null : deps.readLog(executionId, last, limit),
    );
    if (!page) return;
    let pageBytes = 0;
    let sliceBytes = 0;
    for (const event of page) {
      if (subscription.cancelled) return;
      if (connection.ws.bufferedAmount > softBytes && !(await connection.drained(softBytes / 2, deps.stallMs))) {
        if (!subscription.cancelled) connection.cut();
        return;
      }
      const frame = encodeEvent(event);
      connection.write(frame, "retained");
      last = event.seq;
      pageBytes += frame.length;
      sliceBytes += frame.length;
      // However fast the client reads, other clients' requests get their turn between slices.
      if (sliceBytes >= SLICE_BYTES) {
        sliceBytes = 0;
        await yieldToOthers();
      }
    }
    if (page.length < limit) break;
    limit = Math.max(1, Math.min(deps.pageSize, Math.floor(SLICE_BYTES / (pageBytes / page.length))));
    await yieldToOthers();
  }
  const running = await deps.gate.run(async () => (subscription.cancelled ? null : deps.readRunningJobs(executionId)));
  if (!running || subscription.cancelled) return;
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
